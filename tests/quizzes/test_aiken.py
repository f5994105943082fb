import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.interchange import ParsedAnswer, ParsedQuestion, ParseError, ParseResult
from quizzes.interchange.aiken import export_aiken, parse_aiken

PLANETS = (
    "Which planet is closest to the Sun?\nA) Mercury\nB) Venus\nC) Earth\nANSWER: A\n"
)


def parse_one(text: str | bytes) -> ParsedQuestion:
    result = parse_aiken(text)
    assert result.errors == []
    [question] = result.questions
    return question


def choice(text: str, fraction: int = 0, text_format: str = "html") -> ParsedAnswer:
    return ParsedAnswer(text, Decimal(fraction), text_format=text_format)


# --- Parsing ---------------------------------------------------------------------------


def test_question_is_single_choice_in_html():
    question = parse_one(PLANETS)
    assert (question.kind, question.text, question.text_format, question.line) == (
        "single",
        "Which planet is closest to the Sun?",
        "html",
        1,
    )


def test_answer_letter_marks_the_right_option():
    question = parse_one(PLANETS)
    assert [(answer.text, answer.fraction) for answer in question.answers] == [
        ("Mercury", 1),
        ("Venus", 0),
        ("Earth", 0),
    ]


def test_name_is_built_from_the_question_text():
    assert parse_one(PLANETS).name == "Which planet is closest to the Sun?"


def test_options_may_use_a_dot_or_a_parenthesis_and_no_space():
    question = parse_one("Largest ocean?\nA.Pacific\nB. Atlantic\nC)Indian\nANSWER: A")
    assert [answer.text for answer in question.answers] == [
        "Pacific",
        "Atlantic",
        "Indian",
    ]


def test_text_and_options_are_html_escaped_without_quotes():
    question = parse_one('Is "3 < 4" & true?\nA) Yes, 3 < 4\nB) No\nANSWER: A')
    assert question.text == 'Is "3 &lt; 4" &amp; true?'
    assert question.answers[0].text == "Yes, 3 &lt; 4"


def test_name_keeps_the_unescaped_text():
    assert (
        parse_one("Is 3 < 4 & 5 > 2?\nA) Yes\nB) No\nANSWER: A").name
        == "Is 3 < 4 & 5 > 2?"
    )


def test_several_questions_with_and_without_blank_lines():
    text = (
        PLANETS
        + "Largest planet?\nA) Jupiter\nB) Mars\nANSWER: A\n\n\nSmallest planet?\nA) Jupiter\nB) Mercury\nANSWER: B"
    )
    result = parse_aiken(text)
    assert [question.line for question in result.questions] == [1, 6, 12]


def test_windows_line_endings():
    assert len(parse_aiken(PLANETS.replace("\n", "\r\n")).questions) == 1


def test_lines_shorter_than_two_characters_are_skipped():
    question = parse_one("Which gas do we breathe?\nA) Oxygen\nx\nB) Helium\nANSWER: A")
    assert len(question.answers) == 2


def test_lines_are_trimmed():
    question = parse_one(
        "   Which metal is liquid?  \n  A) Mercury \n\tB) Iron\n  ANSWER:  A  "
    )
    assert (question.text, question.answers[0].text, question.answers[0].fraction) == (
        "Which metal is liquid?",
        "Mercury",
        1,
    )


def test_non_utf8_bytes_give_one_encoding_error():
    result = parse_aiken(
        "Où est Zürich?\nA) Suisse\nB) Autriche\nANSWER: A".encode("cp1252")
    )
    assert result.questions == []
    assert result.errors == [
        ParseError(
            1,
            "",
            "The file does not use UTF-8 character encoding. Aiken files must use UTF-8.",
            "encoding",
        )
    ]


# --- Errors ----------------------------------------------------------------------------


def test_question_with_one_option_is_an_error_naming_it():
    result = parse_aiken("A lonely question\nA) Alone\nANSWER: A\n")
    assert result.questions == []
    assert result.errors == [
        ParseError(
            3,
            "A lonely question",
            "Question must have at least 2 answers on line 3",
            "answer-count",
        )
    ]
    assert str(result.errors[0]) == (
        "Error importing question A lonely question: Question must have at least 2 answers on line 3"
    )


def test_option_before_any_question_is_an_error():
    [error] = parse_aiken("B) Venus\n").errors
    assert (error.line, error.title, error.message, str(error)) == (
        1,
        "",
        "Question not started on line 1",
        "Question not started on line 1",
    )


def test_answer_line_before_any_question_is_an_error():
    [error] = parse_aiken(PLANETS + "\nANSWER: B\n").errors
    assert (error.code, error.message) == (
        "not-started",
        "Question not started on line 7",
    )


def test_question_without_answer_line_is_an_error_and_the_next_one_still_reads():
    text = "Unfinished question\nA) One\nB) Two\n\nFinished question\nA) One\nB) Two\nANSWER: B"
    result = parse_aiken(text)
    assert result.errors == [
        ParseError(
            5,
            "Unfinished question",
            "Question not completed before next question start on line 5",
            "not-completed",
        )
    ]
    assert [question.name for question in result.questions] == ["Finished question"]


def test_question_unfinished_at_the_end_of_the_file_is_an_error():
    [error] = parse_aiken("Last question\nA) One\nB) Two\n").errors
    assert (error.code, error.title, error.message) == (
        "not-completed",
        "Last question",
        "Question not completed before the end of the file on line 4",
    )


def test_answer_letter_without_option_is_an_error():
    [error] = parse_aiken("Pick one\nA) One\nB) Two\nANSWER: D").errors
    assert (error.code, error.line, error.title) == ("answer-letter", 4, "Pick one")


def test_lower_case_answer_letter_is_an_error():
    assert (
        parse_aiken("Pick one\nA) One\nB) Two\nANSWER: a").errors[0].code
        == "answer-letter"
    )


@given(st.text())
def test_any_text_gives_a_result_not_an_exception(text):
    assert isinstance(parse_aiken(text), ParseResult)


@given(st.binary())
def test_any_bytes_give_a_result_not_an_exception(data):
    assert isinstance(parse_aiken(data), ParseResult)


# --- Export ----------------------------------------------------------------------------


def test_export_single_choice_question():
    assert export_aiken(parse_aiken(PLANETS).questions) == PLANETS


def test_export_flattens_html_to_one_plain_line():
    question = ParsedQuestion(
        line=1,
        name="Planets",
        kind="single",
        text="<p>Which planet is</p><p>closest to the <b>Sun</b>?</p>",
        text_format="html",
        answers=[choice("Mercury", 1), choice("Venus"), choice("Earth &amp; Moon")],
    )
    assert export_aiken([question]) == (
        "Which planet is closest to the Sun?\nA) Mercury\nB) Venus\nC) Earth & Moon\nANSWER: A\n"
    )


def test_export_plain_text_keeps_angle_brackets():
    question = ParsedQuestion(
        line=1,
        name="q",
        kind="single",
        text="Is 3 < 4?",
        text_format="plain",
        answers=[choice("<yes>", 1, "plain"), choice("no")],
    )
    assert export_aiken([question]) == "Is 3 < 4?\nA) <yes>\nB) no\nANSWER: A\n"


def test_export_separates_questions_with_a_blank_line():
    question = parse_one(PLANETS)
    assert export_aiken([question, question]) == PLANETS + "\n" + PLANETS


@pytest.mark.parametrize(
    "kind",
    [
        "multiple",
        "short",
        "numerical",
        "essay",
        "true_false",
        "matching",
        "description",
    ],
)
def test_export_skips_questions_that_are_not_single_choice(kind):
    question = dataclasses.replace(parse_one(PLANETS), kind=kind)
    assert export_aiken([question]) == ""


def test_export_skips_questions_with_more_than_26_options():
    question = dataclasses.replace(
        parse_one(PLANETS),
        answers=[choice("Mercury", 1)] + [choice(f"Rock {n}") for n in range(26)],
    )
    assert export_aiken([question]) == ""


def test_export_writes_26_options():
    question = dataclasses.replace(
        parse_one(PLANETS),
        answers=[choice(f"Rock {n}") for n in range(25)] + [choice("Last", 1)],
    )
    assert export_aiken([question]).endswith("Z) Last\nANSWER: Z\n")


def test_export_skips_questions_without_a_right_option():
    question = dataclasses.replace(
        parse_one(PLANETS), answers=[choice("Mercury"), choice("Venus")]
    )
    assert export_aiken([question]) == ""


def test_parse_export_parse_gives_the_same_questions():
    text = PLANETS + "\nIs 3 < 4 & 5 > 2?\nA) Yes & no\nB) No\nANSWER: B\n"
    first = parse_aiken(text)
    again = parse_aiken(export_aiken(first.questions))
    assert [dataclasses.replace(question, line=0) for question in again.questions] == [
        dataclasses.replace(question, line=0) for question in first.questions
    ]
