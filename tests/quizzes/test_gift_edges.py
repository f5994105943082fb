"""GIFT at its edges: the cases that mutation testing showed no test pinned.

Moodle trims with PHP's trim(), which removes spaces, tabs, line breaks, NUL and
vertical tabs but not a non-breaking space (U+00A0): one pasted from a word processor
stays part of the text, here as in Moodle.
"""

from decimal import Decimal

import pytest

from quizzes.interchange import gift
from quizzes.interchange.gift import export_gift, parse_gift
from quizzes.interchange.parsed import ParsedAnswer, ParsedQuestion, ParseError

NBSP = "\u00a0"


def answers(question):
    return [(a.text, a.fraction) for a in question.answers]


def only(text):
    result = parse_gift(text)
    assert result.errors == []
    (question,) = result.questions
    return question


def error(text):
    result = parse_gift(text)
    assert result.questions == []
    (found,) = result.errors
    return found


def test_a_line_holding_only_a_non_breaking_space_does_not_end_the_question():
    found = error(f"Q1{{=A ~B}}\n{NBSP}\nQ2{{=C ~D}}")
    assert (found.line, found.code) == (1, "braces")


def test_a_non_breaking_space_stays_in_the_question_text_and_category():
    assert only(f"::N::{NBSP}Text{{=A ~B}}").text == f"{NBSP}Text"
    assert only(f"$CATEGORY: Rivers{NBSP}").category == f"Rivers{NBSP}"
    # After the block it is text, so the block is a blank in a missing-word question.
    assert only(f"Q {{=A ~B}}{NBSP}").text == f"Q _____{NBSP}"


def test_a_non_breaking_space_stays_in_the_answers():
    # Before the first answer mark it is an answer of its own, as in Moodle.
    assert answers(only(f"Q{{{NBSP}=A ~B}}")) == [
        (NBSP, Decimal(0)),
        ("A", Decimal(1)),
        ("B", Decimal(0)),
    ]
    assert answers(only(f"Q{{=A ~B{NBSP}####Good}}")) == [
        ("A", Decimal(1)),
        (f"B{NBSP}", Decimal(0)),
    ]
    assert answers(only(f"Q{{=a -> b{NBSP} =c -> d}}")) == [
        (f"b{NBSP}", Decimal(1)),
        ("d", Decimal(1)),
    ]
    # Not a weight after =, so no error: the answer text starts with the space.
    assert answers(only(f"Q{{={NBSP}%50%A ~B}}")) == [
        (f"{NBSP}%50%A", Decimal(1)),
        ("B", Decimal(0)),
    ]


def test_true_with_a_non_breaking_space_is_a_short_answer_not_true_false():
    question = only(f"Q{{TRUE{NBSP}}}")
    assert question.kind == "short"
    assert answers(question) == [(f"TRUE{NBSP}", Decimal(1))]


def test_a_number_with_a_non_breaking_space_is_not_a_number():
    assert error(f"Q{{#5{NBSP}}}").code == "not-a-number"
    assert error(f"Q{{#5 ~{NBSP}#other}}").code == "numerical"


def test_a_weight_after_equals_is_refused_even_after_a_space():
    assert error("Q{= %50%A ~B}").code == "weight-after-equals"


def test_names_between_double_colons():
    # An empty name: the text starts after the second "::", the name comes from it.
    question = only("::::Text{=A ~B}")
    assert (question.name, question.text) == ("Text", "Text")
    # A later "::" belongs to the text.
    question = only("::N::Text ::x{=A ~B}")
    assert (question.name, question.text) == ("N", "Text ::x")


@pytest.mark.parametrize(
    ("text", "title", "message"),
    [
        ("::N::{=A ~B", "N", "The answer block opened with { is never closed with }."),
        ("::N::} text", "N", "Found } without a { before it."),
        ("::N::}{=A}", "N", "Found } without a { before it."),
        (
            "Q {=A ~B} and {",
            "Q",
            "Only one answer block is allowed; write \\{ and \\} for literal braces.",
        ),
        # An unnamed question is called by its text up to its first brace.
        (
            "Q {=A} more {=B}",
            "Q",
            "Only one answer block is allowed; write \\{ and \\} for literal braces.",
        ),
    ],
)
def test_braces_at_the_edges_of_the_text(text, title, message):
    assert error(text) == ParseError(1, title, message, "braces")


def test_an_empty_part_keeps_the_default_format():
    (right, _wrong) = only("Q{=A#[html] ~B}").answers
    assert (right.feedback, right.feedback_format) == ("", "moodle")


@pytest.mark.parametrize(
    ("text", "message"),
    [("Q{#:5:1}", "':5:1' is not a number."), ("Q{#:5}", "':5' is not a number.")],
)
def test_a_colon_first_is_no_tolerance(text, message):
    assert error(text) == ParseError(1, "Q", message, "not-a-number")


def test_a_weight_a_ten_millionth_off_an_allowed_one_is_refused():
    found = error("Q{~%33.33334%A ~B}")
    assert found.code == "grade"
    assert found.message.endswith("the nearest allowed weight is 33.33333 %.")


def test_a_range_gives_its_midpoint_without_a_sign_on_zero():
    (answer,) = only("Q{#0..2}").answers
    assert (answer.text, answer.tolerance) == ("1", Decimal(1))
    (answer,) = only("Q{#-0..-0}").answers
    assert (answer.text, answer.tolerance) == ("0", Decimal(0))


def test_a_bad_category_line_is_an_error_without_a_title():
    assert parse_gift("$CATEGORY:   ").errors == [
        ParseError(
            1,
            "",
            "Write `$CATEGORY: path` alone, with a category path, followed by a blank line.",
            "category",
        )
    ]


def test_a_question_the_parser_cannot_handle_is_reported_and_the_rest_import(
    monkeypatch,
):
    # A bug in reading one question must reach the teacher as an error on its line.
    real = gift._parse_question

    def failing(question, text):
        if text.startswith("Broken"):
            raise RuntimeError("a bug")
        return real(question, text)

    monkeypatch.setattr(gift, "_parse_question", failing)
    result = parse_gift("Fine{=A ~B}\n\nBroken{=A ~B}")
    assert [q.text for q in result.questions] == ["Fine"]
    assert result.errors == [
        ParseError(3, "", "This question could not be read.", "internal")
    ]
    assert [str(e) for e in result.errors] == ["This question could not be read."]


def question(kind, text, *choices, **fields):
    return ParsedQuestion(
        line=1, name="Q", kind=kind, text=text, answers=list(choices), **fields
    )


def test_a_single_choice_question_with_every_option_right_keeps_its_last_as_tilde():
    exported = export_gift(
        [
            question(
                "single",
                "Pick",
                ParsedAnswer("A", Decimal(1)),
                ParsedAnswer("B", Decimal(1)),
                ParsedAnswer("C", Decimal(1)),
            )
        ],
        with_header_ids=False,
    )
    assert exported == "::Q::Pick{\n\t=A\n\t=B\n\t~%100%C\n}\n\n"


def test_a_numerical_catch_all_is_written_with_its_weight_unless_last_at_zero():
    exported = export_gift(
        [
            question(
                "numerical",
                "How many?",
                ParsedAnswer("5", Decimal(1), tolerance=Decimal(0)),
                ParsedAnswer("*", Decimal("0.5"), feedback="close"),
            ),
            question(
                "numerical",
                "How many?",
                ParsedAnswer("*", Decimal(0), feedback="any"),
                ParsedAnswer("5", Decimal(1), tolerance=Decimal(0)),
            ),
        ],
        with_header_ids=False,
    )
    assert exported == (
        "::Q::How many?{#\n\t=%100%5:0#\n\t=%50%*#close\n}\n\n"
        "::Q::How many?{#\n\t=%0%*#any\n\t=%100%5:0#\n}\n\n"
    )


def test_question_text_that_starts_like_a_weight_needs_no_format_prefix():
    exported = export_gift(
        [question("essay", "%50% of voters", general_feedback="fb")],
        with_header_ids=False,
    )
    assert exported == "::Q::%50% of voters{####fb}\n\n"


def test_the_catch_all_numerical_answer_takes_the_question_format():
    (_five, other) = only("[html]How many?{#5 ~#Count again}").answers
    assert (other.text, other.text_format) == ("*", "html")
    assert (other.feedback, other.feedback_format) == ("Count again", "html")


def test_the_last_four_hashes_start_the_general_feedback():
    """The spec: general feedback follows the last `####` of the block; an earlier one
    stays with the answer (here as its feedback, after the first #)."""
    question = only("Q{=A ####one ####two}")
    assert question.general_feedback == "two"
    assert [(a.text, a.feedback) for a in question.answers] == [("A", "###one")]


def test_a_matching_pair_splits_at_its_first_arrow():
    question = only("Q{=a -> b -> c =d -> e}")
    assert [(a.match_prompt, a.text) for a in question.answers] == [
        ("a", "b -> c"),
        ("d", "e"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q{#..5}", "'..5' is not a number."),
        ("Q{#..5..7}", "'..5..7' is not a number."),
        # Matches the number pattern, but its exponent is too large for a Decimal.
        ("Q{#1e9999999999999999999}", "'1e9999999999999999999' is not a number."),
    ],
)
def test_a_malformed_number_is_named_as_written(text, message):
    assert error(text) == ParseError(1, "Q", message, "not-a-number")


def test_numerical_answers_take_the_question_format():
    (five, _other) = only("[html]How many?{#5 ~#Count again}").answers
    assert (five.text, five.text_format) == ("5", "html")
