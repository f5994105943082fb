"""Aiken at its edges: the cases that mutation testing showed no test pinned.

As in Moodle, lines are trimmed with PHP's trim(), which keeps a non-breaking space.
"""

import dataclasses
from decimal import Decimal

import pytest

from quizzes.interchange import ParseError
from quizzes.interchange.aiken import export_aiken, parse_aiken

NBSP = "\u00a0"
PLANETS = (
    "Which planet is closest to the Sun?\nA) Mercury\nB) Venus\nC) Earth\nANSWER: A\n"
)


def test_every_text_of_an_aiken_question_is_html_as_moodle_stores_it():
    (question,) = parse_aiken(PLANETS).questions
    assert (question.text_format, question.general_feedback_format) == ("html", "html")
    assert {(a.text_format, a.feedback_format) for a in question.answers} == {
        ("html", "html")
    }


def test_a_two_character_line_is_a_question():
    (question,) = parse_aiken("Q?\nA) 3\nB) 4\nANSWER: B").questions
    assert question.text == "Q?"
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("3", Decimal(0)),
        ("4", Decimal(1)),
    ]


def test_a_non_breaking_space_stays_in_an_option():
    (question,) = parse_aiken(f"Pick\nA) Oak{NBSP}\nB) Pine\nANSWER: A").questions
    assert question.answers[0].text == f"Oak{NBSP}"


def test_a_non_breaking_space_before_the_answer_letter_is_not_a_letter():
    (error,) = parse_aiken(f"Pick\nA) Oak\nB) Pine\nANSWER:{NBSP}A").errors
    assert error.code == "answer-letter"


def test_only_the_first_letter_after_answer_counts():
    (question,) = parse_aiken("Pick\nA) Oak\nB) Pine\nANSWER: A: the oak").questions
    assert [a.fraction for a in question.answers] == [Decimal(1), Decimal(0)]


@pytest.mark.parametrize("answer", ["ANSWER:", "ANSWER: C"])
def test_a_missing_letter_or_one_past_the_last_option_is_an_error(answer):
    result = parse_aiken(f"Pick one\nA) One\nB) Two\n{answer}")
    assert result.questions == []
    letter = answer.partition(":")[2].strip()
    assert result.errors == [
        ParseError(
            4,
            "Pick one",
            f"Answer {letter!r} is not one of the options on line 4",
            "answer-letter",
        )
    ]


def test_lines_out_of_place_are_errors_and_the_questions_after_them_still_read():
    result = parse_aiken("B) Venus\nANSWER: B\n" + PLANETS)
    assert [(e.line, e.code) for e in result.errors] == [
        (1, "not-started"),
        (2, "not-started"),
    ]
    assert [q.name for q in result.questions] == ["Which planet is closest to the Sun?"]


def test_export_goes_on_after_a_question_it_skips():
    (planets,) = parse_aiken(PLANETS).questions
    short = dataclasses.replace(planets, kind="short")
    assert export_aiken([short, planets]) == export_aiken([planets])
    assert export_aiken([planets]).startswith("Which planet")
