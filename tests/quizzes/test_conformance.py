"""Moodle's own GIFT and Aiken test files parse as shared/conformance/EXPECTED.md says."""

import dataclasses
import os
from decimal import Decimal
from pathlib import Path

import pytest

from quizzes.interchange import ParsedQuestion, ParseResult
from quizzes.interchange.aiken import parse_aiken
from quizzes.interchange.gift import export_gift, parse_gift

CONFORMANCE_DIR = Path(
    os.environ.get(
        "RELATIONS_CONFORMANCE_DIR",
        Path(__file__).resolve().parents[2].parent / "shared" / "conformance",
    )
)


def read(relative: str) -> bytes:
    path = CONFORMANCE_DIR / relative
    if not path.is_file():
        pytest.skip(
            f"Moodle conformance file {path} is not available (set RELATIONS_CONFORMANCE_DIR)"
        )
    return path.read_bytes()


def gift(relative: str) -> list[ParsedQuestion]:
    result = parse_gift(read(f"gift/{relative}"))
    assert result.errors == []
    return result.questions


def fractions(question: ParsedQuestion) -> list[Decimal]:
    return [answer.fraction for answer in question.answers]


def texts(question: ParsedQuestion) -> list[str]:
    return [answer.text for answer in question.answers]


def feedbacks(question: ParsedQuestion) -> list[tuple[str, str]]:
    return [(answer.feedback, answer.feedback_format) for answer in question.answers]


# --- gift/moodle_questions.gift.txt (EXPECTED §1) ---------------------------------------


def test_moodle_fixture_has_nine_questions():
    questions = gift("moodle_questions.gift.txt")
    assert len(questions) == 9
    assert [question.kind for question in questions] == [
        "essay",
        "matching",
        "single",
        "multiple",
        "numerical",
        "short",
        "true_false",
        "true_false",
        "true_false",
    ]


def test_moodle_fixture_defaults():
    questions = gift("moodle_questions.gift.txt")
    assert [question.penalty for question in questions] == [
        Decimal("0.3333333")
    ] * 6 + [Decimal(1)] * 3
    assert all(
        question.idnumber == "" and question.tags == [] and question.category == ""
        for question in questions
    )


def test_moodle_fixture_essay():
    essay = gift("moodle_questions.gift.txt")[0]
    assert (essay.name, essay.text, essay.text_format, essay.general_feedback) == (
        "Q8",
        "How are you?",
        "moodle",
        "",
    )


def test_moodle_fixture_matching():
    match = gift("moodle_questions.gift.txt")[1]
    assert (
        match.name,
        match.text,
        match.text_format,
        match.general_feedback_format,
    ) == (
        "Moodle activities",
        "Match the <b>activity</b> to the description.",
        "html",
        "html",
    )
    assert [
        (answer.match_prompt, answer.match_prompt_format) for answer in match.answers
    ] == [
        ("An activity supporting asynchronous discussions.", "html"),
        (
            "A teacher asks a question and specifies a choice of multiple responses.",
            "moodle",
        ),
        ("A bank of record entries which participants can add to.", "plain"),
        ("A collection of web pages that anyone can add to or edit.", "markdown"),
        ("", "html"),
    ]
    assert texts(match) == ["Forum", "Choice", "Database", "Wiki", "Chat"]


def test_moodle_fixture_single_choice():
    question = gift("moodle_questions.gift.txt")[2]
    assert (question.name, question.text) == (
        "Q2",
        "What's between orange and green in the spectrum?",
    )
    assert texts(question) == ["yellow", "red", "blue"]
    assert [answer.text_format for answer in question.answers] == [
        "moodle",
        "moodle",
        "plain",
    ]
    assert fractions(question) == [1, 0, 0]
    assert feedbacks(question) == [
        ("right; good!", "moodle"),
        ("wrong, it's yellow", "html"),
        ("wrong, it's yellow", "moodle"),
    ]


def test_moodle_fixture_multiple_response():
    question = gift("moodle_questions.gift.txt")[3]
    assert question.name == "colours"
    assert texts(question) == ["yellow", "red", "off-beige", "blue"]
    assert question.answers[3].text_format == "plain"
    assert fractions(question) == [Decimal("0.5"), -1, Decimal("0.5"), -1]
    assert feedbacks(question) == [
        ("right; good!", "moodle"),
        ("wrong", "html"),
        ("right; good!", "moodle"),
        ("wrong", "moodle"),
    ]


def test_moodle_fixture_numerical_with_stray_characters_is_missing_word():
    question = gift("moodle_questions.gift.txt")[4]
    assert (question.name, question.text) == (
        "Q5",
        'What is a number from 1 to 5? _____";',
    )
    assert texts(question) == ["3", "*"]
    assert fractions(question) == [1, 0]
    assert [answer.tolerance for answer in question.answers] == [2, None]
    assert [answer.feedback for answer in question.answers] == ["", "Completely wrong"]


def test_moodle_fixture_short_answer():
    question = gift("moodle_questions.gift.txt")[5]
    assert (question.name, question.text) == (
        "Shortanswer",
        "Which is the best animal?",
    )
    assert texts(question) == ["Frog", "Cat", "*"]
    assert fractions(question) == [1, Decimal("0.5"), 0]
    assert [answer.feedback for answer in question.answers] == [
        "Good!",
        "What is it with Moodlers and cats?",
        "Completely wrong",
    ]


def test_moodle_fixture_true_false_with_general_feedback():
    question = gift("moodle_questions.gift.txt")[6]
    assert (question.name, question.text) == (
        "Q1",
        '42 is the Absolute Answer to everything._____";',
    )
    assert question.correct_answer is False
    assert (question.feedback_true, question.feedback_false) == (
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )
    assert (
        question.general_feedback
        == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    )
    assert question.penalty == 1


@pytest.mark.parametrize("index", [7, 8])
def test_moodle_fixture_true_answers(index):
    question = gift("moodle_questions.gift.txt")[index]
    assert (question.name, question.text, question.correct_answer) == (
        "2-08 TSL",
        "TSL is blablabla.",
        True,
    )
    assert (question.feedback_true, question.feedback_false, question.penalty) == (
        "",
        "",
        1,
    )


# --- gift/moodle_test_snippets.gift.txt (EXPECTED §2) ----------------------------------


def test_snippets_parse_into_six_questions():
    kinds = [question.kind for question in gift("moodle_test_snippets.gift.txt")]
    assert kinds == ["multiple", "short", "true_false", "essay", "essay", "essay"]


def test_snippet_multiple_response_tricky():
    question = gift("moodle_test_snippets.gift.txt")[0]
    assert texts(question) == ["yellow", "red", "blue"]
    assert fractions(question) == [1, Decimal("-0.5"), Decimal("-0.5")]
    assert [answer.feedback for answer in question.answers] == [
        "right; good!",
        "wrong",
        "wrong",
    ]


def test_snippet_short_answer_with_general_feedback_in_html():
    question = gift("moodle_test_snippets.gift.txt")[1]
    assert texts(question) == ["Frog", "Cat", "*"]
    assert (
        question.general_feedback,
        question.general_feedback_format,
        question.text_format,
    ) == (
        "Here is some general feedback!",
        "html",
        "moodle",
    )


def test_snippet_true_false():
    question = gift("moodle_test_snippets.gift.txt")[2]
    assert (question.correct_answer, question.penalty) == (False, 1)
    assert (question.feedback_true, question.feedback_false) == (
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )


def test_snippet_backslashes():
    question = gift("moodle_test_snippets.gift.txt")[3]
    assert (question.name, question.text) == ("double backslash", "A \\ B \\\\ C")


def test_snippet_pre_content_loses_indentation_in_a_file_import():
    question = gift("moodle_test_snippets.gift.txt")[4]
    assert (question.name, question.text_format) == ("Q001", "html")
    assert question.text == (
        "<p>What would running the test method print?</p>\n<pre>\npublic void test() {\n"
        "method1();\nmethod2();\nmethod3();\n}\n</pre>"
    )


def test_snippet_tags_and_idnumber():
    question = gift("moodle_test_snippets.gift.txt")[5]
    assert (question.name, question.text, question.tags, question.idnumber) == (
        "Question name",
        "How are you?",
        ["tag", "other-tag"],
        "myid",
    )


# --- gift/moodle_questions_in_category.gift.txt (EXPECTED §3) --------------------------

CATEGORY = "$course$/Default for New Features"


def test_category_file_has_four_questions_after_a_category_switch():
    result = parse_gift(read("gift/moodle_questions_in_category.gift.txt"))
    assert result.ok and result.question_count == 4
    assert [(question.kind, question.category) for question in result.questions] == [
        ("category", CATEGORY),
        ("matching", CATEGORY),
        ("single", CATEGORY),
        ("short", CATEGORY),
        ("true_false", CATEGORY),
    ]


def test_category_file_matching():
    match = gift("moodle_questions_in_category.gift.txt")[1]
    assert (match.name, match.text_format) == ("Moodle activities", "html")
    assert [(answer.match_prompt[:30], answer.text) for answer in match.answers] == [
        ("An activity supporting asynchr", "Forum"),
        ("A teacher asks a question and ", "Choice"),
        ("A bank of record entries which", "Database"),
        ("A collection of web pages that", "Wiki"),
        ("", "Chat"),
    ]


def test_category_file_single_choice_with_escapes():
    question = gift("moodle_questions_in_category.gift.txt")[2]
    assert (question.name, question.text_format, question.kind) == (
        "Greeting",
        "html",
        "single",
    )
    assert question.text == (
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a>'
        "<br /><br />What language is being spoken?"
    )
    assert list(zip(texts(question), fractions(question), strict=True)) == [
        ("English", 0),
        ("French", 1),
        ("German", 0),
        ("Spanish", 0),
    ]
    sorry, well_done = "Sorry, listen again.", "Yes, well done!"
    assert [answer.feedback for answer in question.answers] == [
        sorry,
        well_done,
        sorry,
        sorry,
    ]


def test_category_file_short_answer():
    question = gift("moodle_questions_in_category.gift.txt")[3]
    assert (question.name, question.text_format) == ("Moodle user", "html")
    assert [
        (answer.text, answer.fraction, answer.feedback) for answer in question.answers
    ] == [("Moodler", 1, "")]


def test_category_file_true_false():
    question = gift("moodle_questions_in_category.gift.txt")[4]
    assert (question.name, question.text_format, question.correct_answer) == (
        "Moodle acronym",
        "html",
        True,
    )
    assert question.text == (
        'Moodle is an acronym for <span style="font-style: italic;">'
        "Modular Object-Oriented Dynamic Learning Environment</span>."
    )


# --- Not UTF-8 (EXPECTED §0) ------------------------------------------------------------


def test_windows_1252_file_is_rejected():
    result = parse_gift(read("gift/OWN_questions_encoding_windows-1252.gift.txt"))
    assert result.questions == []
    [error] = result.errors
    assert error.code == "encoding"
    assert "does not use UTF-8 character encoding" in error.message
    assert "GIFT files must use UTF-8" in error.message


# --- Export strings (EXPECTED §5) on the fixtures' questions ----------------------------


def test_export_of_the_fixture_essay():
    essay = dataclasses.replace(gift("moodle_questions.gift.txt")[0], export_id=666)
    assert (
        export_gift([essay]) == "// question: 666  name: Q8\n::Q8::How are you?{}\n\n"
    )


def test_export_of_the_fixture_single_choice():
    exported = export_gift([gift("moodle_questions.gift.txt")[2]])
    assert exported.endswith(
        "{\n\t=yellow#right; good!\n\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}\n\n"
    )


def test_export_of_the_fixture_multiple_response():
    exported = export_gift([gift("moodle_test_snippets.gift.txt")[0]])
    assert exported.endswith(
        "{\n\t~%100%yellow#right; good!\n\t~%-50%red#wrong\n\t~%-50%blue#wrong\n}\n\n"
    )


def test_export_of_the_fixture_numerical():
    question = dataclasses.replace(
        gift("moodle_questions.gift.txt")[4], text="What is a number from 1 to 5?"
    )
    assert (
        "::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n\t~#Completely wrong\n}"
        in export_gift([question])
    )


def test_export_of_the_fixture_short_answer_with_general_feedback():
    exported = export_gift([gift("moodle_test_snippets.gift.txt")[1]])
    assert exported.endswith(
        "{\n\t=%100%Frog#Good!\n\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n"
        "\t####[html]Here is some general feedback!\n}\n\n"
    )


def test_export_of_the_fixture_backslashes():
    assert export_gift([gift("moodle_test_snippets.gift.txt")[3]]).endswith(
        "A \\\\ B \\\\\\\\ C{}\n\n"
    )


def test_export_of_the_category_switch():
    assert export_gift(gift("moodle_questions_in_category.gift.txt")[:1]) == (
        f"// question: 0  name: switch category to {CATEGORY}\n$CATEGORY: {CATEGORY}\n\n"
    )


@pytest.mark.parametrize(
    "relative",
    [
        "moodle_questions.gift.txt",
        "moodle_questions_in_category.gift.txt",
        "moodle_test_snippets.gift.txt",
    ],
)
def test_fixture_survives_a_round_trip(relative):
    questions = gift(relative)
    again = parse_gift(export_gift(questions))
    assert [dataclasses.replace(question, line=0) for question in again.questions] == [
        dataclasses.replace(question, line=0) for question in questions
    ]


# --- Aiken (EXPECTED §6) ----------------------------------------------------------------


def aiken_errors_with_third_question() -> ParseResult:
    return parse_aiken(
        read("aiken/moodle_aiken_errors.txt")
        + read("aiken/RECONSTRUCTED_third_question.aiken.txt")
    )


def test_aiken_errors_are_reported_as_moodle_reports_them():
    output = "\n".join(
        str(error)
        for error in parse_aiken(read("aiken/moodle_aiken_errors.txt")).errors
    )
    for expected in [
        "Error importing question A question with too few answers",
        "Question must have at least 2 answers on line 3",
        "Question not started on line 5",
        "Question not started on line 7",
        "Error importing question A question started but not finished",
        "Question not completed before next question start on line 18",
    ]:
        assert expected in output


def test_aiken_errors_file_alone_has_two_good_questions():
    questions = parse_aiken(read("aiken/moodle_aiken_errors.txt")).questions
    assert [question.name for question in questions] == [
        "A good question",
        "A second good question",
    ]
    assert (texts(questions[0]), fractions(questions[0])[0]) == (
        ["Correct", "Incorrect"],
        1,
    )
    assert (texts(questions[1]), fractions(questions[1])[1]) == (
        ["Incorrect (No space)", "Correct (No space)"],
        1,
    )


def test_aiken_errors_file_with_the_third_question_appended():
    result = aiken_errors_with_third_question()
    assert len(result.questions) == 3
    third = result.questions[2]
    assert third.name == "A third good question with HTML chars such as > < &"
    assert texts(third) == ["Correct (&lt; &gt; &amp;)", "Incorrect (&lt; &gt; &amp;)"]
    assert fractions(third)[0] == 1
    assert len(result.errors) == 4


def test_aiken_moodle_questions():
    result = parse_aiken(read("aiken/moodle_questions.aiken.txt"))
    assert result.errors == []
    first, second = result.questions
    assert {question.kind for question in result.questions} == {"single"}
    assert {question.text_format for question in result.questions} == {"html"}
    assert first.text == "The Moodle project was started by:"
    assert list(zip(texts(first), fractions(first), strict=True)) == [
        ("Petr Skoda", 0),
        ("Martin Dougiamas", 1),
        ("Eloy Lafuente", 0),
        ("Tim Hunt", 0),
    ]
    assert second.text == (
        'Moodle\'s abilities include handling user input that includes &lt;html class="cool"&gt; &amp; images:'
    )
    assert list(zip(texts(second), fractions(second), strict=True)) == [
        ("True", 1),
        ("False", 0),
    ]


def test_aiken_help_example_accepts_both_label_styles():
    result = parse_aiken(read("aiken/moodle_help_example.aiken.txt"))
    assert result.errors == []
    first, second = result.questions
    assert (len(first.answers), fractions(first).index(1)) == (4, 3)
    assert (len(second.answers), fractions(second).index(1)) == (6, 0)
