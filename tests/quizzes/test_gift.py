import dataclasses
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.interchange import ParsedAnswer, ParsedQuestion, ParseError, ParseResult
from quizzes.interchange.gift import (
    ALLOWED_FRACTIONS,
    export_gift,
    extract_idnumber_and_tags,
    parse_gift,
)


def parse_one(text: str | bytes, **options) -> ParsedQuestion:
    result = parse_gift(text, **options)
    assert result.errors == []
    [question] = result.questions
    return question


def error_of(text: str | bytes, **options) -> ParseError:
    result = parse_gift(text, **options)
    [error] = result.errors
    return error


def answers(question: ParsedQuestion) -> list[tuple[str, Decimal, str]]:
    return [
        (answer.text, answer.fraction, answer.feedback) for answer in question.answers
    ]


def without_lines(result: ParseResult) -> list[ParsedQuestion]:
    return [dataclasses.replace(question, line=0) for question in result.questions]


# --- Blocks, lines and comments ---------------------------------------------------------


def test_blank_lines_separate_questions():
    result = parse_gift(
        "Water boils at 100 °C at sea level.{T}\n\n\n\nIce floats on water.{T}\n"
    )
    assert [question.text for question in result.questions] == [
        "Water boils at 100 °C at sea level.",
        "Ice floats on water.",
    ]


def test_lines_of_a_question_are_trimmed():
    question = parse_one("   What is the capital of Peru?\n\t{\n\t\t=Lima\n   }")
    assert question.text == "What is the capital of Peru?"
    assert answers(question) == [("Lima", 1, "")]


def test_line_of_only_zero_counts_as_blank():
    result = parse_gift("Mars is a planet.{T}\n0\nPluto is a planet.{F}")
    assert [question.correct_answer for question in result.questions] == [True, False]


def test_block_of_comments_only_is_skipped():
    result = parse_gift(
        "// Geography quiz\n// second comment line\n\nThe Nile flows into the Mediterranean.{T}"
    )
    assert [question.kind for question in result.questions] == ["true_false"]


def test_comment_must_start_the_line():
    question = parse_one("See http://example.org // not a comment{}")
    assert question.text == "See http://example.org // not a comment"


def test_comment_lines_inside_a_block_are_dropped():
    question = parse_one(
        "// about rivers\nWhich river is longest?\n// a note for teachers\n{=Nile =Amazon}"
    )
    assert question.text == "Which river is longest?"


def test_question_line_is_the_first_line_of_its_block():
    result = parse_gift("\n\n// comment\nSalt is NaCl.{T}\n\n\nGold is Au.{T}")
    assert [question.line for question in result.questions] == [3, 7]


def test_windows_and_old_mac_line_endings_are_read():
    result = parse_gift(
        "Iron is a metal.{T}\r\n\r\nNeon is a metal.{F}\r\rHelium is light.{T}\r"
    )
    assert [question.text for question in result.questions] == [
        "Iron is a metal.",
        "Neon is a metal.",
        "Helium is light.",
    ]


def test_utf8_bytes_are_decoded():
    question = parse_one("Ça va, São Paulo?{=sim}".encode())
    assert question.text == "Ça va, São Paulo?"


def test_utf8_byte_order_mark_is_ignored():
    question = parse_one(b"\xef\xbb\xbf::Q1::Copper is Cu.{T}")
    assert question.name == "Q1"


def test_non_utf8_bytes_give_one_encoding_error_and_no_questions():
    result = parse_gift(
        "Is Zürich in Switzerland?{T}\n\nIs Köln in Austria?{F}".encode("cp1252")
    )
    assert result.questions == []
    assert result.errors == [
        ParseError(
            1,
            "",
            "The file does not use UTF-8 character encoding. GIFT files must use UTF-8.",
            "encoding",
        )
    ]


def test_encoding_error_gives_the_line_of_the_first_bad_byte():
    error = error_of("Fine line.{T}\n\nCafé?{T}".encode("cp1252"))
    assert error.line == 3


# --- Comments with [id:] and [tag:] ---------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "idnumber", "tags"),
    [
        ("", "", []),
        ("// Just a remark about volcanoes.", "", []),
        ("// This one is [id:volcano-1] in the mapping.", "volcano-1", []),
        ("// Topics: [tag:geology] [tag:earth].", "", ["geology", "earth"]),
        ("// [tag:rocks] [tag:lava] [id:v2]", "v2", ["rocks", "lava"]),
        ("// [tag:  magma] mid[id:  v3  ]word", "v3", ["magma"]),
        ("// escaped [id:a\\]b]", "a]b", []),
        ("// escaped [tag:c\\]d]", "", ["c]d"]),
    ],
)
def test_comment_gives_idnumber_and_tags(comment, idnumber, tags):
    assert extract_idnumber_and_tags([comment]) == (idnumber, tags)


def test_comment_token_may_not_span_lines():
    assert extract_idnumber_and_tags(["// broken [tag:", "// \\ basalt]."]) == ("", [])


def test_tokens_are_read_from_every_comment_line():
    assert extract_idnumber_and_tags(
        ["// [tag: ocean ] first", "// then [id: sea ] [tag:salt ]"]
    ) == (
        "sea",
        ["ocean", "salt"],
    )


def test_idnumber_and_tags_attach_to_the_question():
    question = parse_one(
        "// [id:geo-7] [tag:rivers]\n// [tag:africa]\nThe Nile is in Africa.{T}"
    )
    assert (question.idnumber, question.tags) == ("geo-7", ["rivers", "africa"])


def test_first_idnumber_wins_and_tags_are_not_repeated():
    question = parse_one(
        "// [id:one] [id:two] [tag:sea] [tag:sea]\nThe Baltic is a sea.{T}"
    )
    assert (question.idnumber, question.tags) == ("one", ["sea"])


# --- $CATEGORY ------------------------------------------------------------------------


def test_category_block_switches_the_category_of_later_questions():
    result = parse_gift(
        "Before.{T}\n\n$CATEGORY: $course$/Geography/Rivers\n\nThe Rhine is in Europe.{T}"
    )
    assert [(question.kind, question.category) for question in result.questions] == [
        ("true_false", ""),
        ("category", "$course$/Geography/Rivers"),
        ("true_false", "$course$/Geography/Rivers"),
    ]


def test_category_switch_is_not_counted_as_a_question():
    result = parse_gift(
        "// switch\n$CATEGORY: top/Physics\n\nLight is faster than sound.{T}"
    )
    assert result.question_count == 1
    assert len(result.questions) == 2


def test_category_without_a_path_is_an_error():
    assert error_of("$CATEGORY:   ").code == "category"


def test_category_followed_by_a_question_without_blank_line_is_an_error():
    error = error_of("$CATEGORY: Physics\nLight is faster than sound.{T}")
    assert (error.line, error.code) == (1, "category")


# --- Names --------------------------------------------------------------------------------


def test_title_becomes_the_name():
    question = parse_one("::Andes:: In which continent are the Andes?{=South America}")
    assert (question.name, question.text) == (
        "Andes",
        "In which continent are the Andes?",
    )


def test_name_is_built_from_the_text_without_tags():
    question = parse_one(
        "[html]<p>Which gas do <b>plants</b> absorb?</p>{=carbon dioxide}"
    )
    assert question.name == "Which gas do plants absorb?"


def test_name_from_a_long_text_is_cut_at_a_word():
    text = "Explain in your own words why the sky looks blue on a clear day and red at sunset near the sea"
    question = parse_one(text + "{}")
    assert (
        question.name
        == "Explain in your own words why the sky looks blue on a clear day and red at..."
    )
    assert len(question.name) <= 80


def test_title_without_closing_marker_is_not_a_title():
    question = parse_one("::What is H2O?{=water}")
    assert (question.name, question.text) == ("What is H2O?", "What is H2O?")


def test_title_is_stripped_of_tags_and_kept_on_one_line():
    question = parse_one("::<b>Big</b>\\n rivers::Name one.{=Nile}")
    assert question.name == "Big rivers"


# --- Text formats -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["moodle", "html", "plain", "markdown"])
def test_format_prefix_sets_the_question_text_format(fmt):
    question = parse_one(f"[{fmt}]Is basalt volcanic?{{T}}")
    assert (question.text, question.text_format) == ("Is basalt volcanic?", fmt)


def test_question_text_format_defaults_to_moodle():
    assert parse_one("Is granite igneous?{T}").text_format == "moodle"


def test_unknown_format_prefix_stays_in_the_text():
    question = parse_one("[latex]Is $x^2$ positive?{T}")
    assert (question.text, question.text_format) == (
        "[latex]Is $x^2$ positive?",
        "moodle",
    )


def test_answers_and_feedback_default_to_the_question_text_format():
    question = parse_one("[html]<i>Largest</i> ocean?{=Pacific#Yes ~Atlantic#No}")
    assert {answer.text_format for answer in question.answers} == {"html"}
    assert {answer.feedback_format for answer in question.answers} == {"html"}


def test_answer_and_feedback_may_have_their_own_format():
    question = parse_one(
        "Largest ocean?{=[plain]Pacific#[markdown]*Yes* ~Atlantic#[html]<b>No</b>}"
    )
    first, second = question.answers
    assert (first.text_format, first.feedback_format) == ("plain", "markdown")
    assert (second.text_format, second.feedback, second.feedback_format) == (
        "moodle",
        "<b>No</b>",
        "html",
    )


def test_general_feedback_has_its_own_format_prefix():
    question = parse_one(
        "Largest desert?{=Antarctica ####[html]<p>Cold deserts count.</p>}"
    )
    assert (question.general_feedback, question.general_feedback_format) == (
        "<p>Cold deserts count.</p>",
        "html",
    )
    assert question.text_format == "moodle"


def test_general_feedback_defaults_to_the_question_text_format():
    question = parse_one(
        "[markdown]Largest desert?{=Antarctica ####Cold deserts count.}"
    )
    assert question.general_feedback_format == "markdown"


# --- The answer block -----------------------------------------------------------------


def test_answer_block_at_the_end_is_removed_from_the_text():
    assert (
        parse_one("The chemical symbol of gold is {=Au}").text
        == "The chemical symbol of gold is"
    )


def test_answer_block_followed_by_text_becomes_a_blank():
    question = parse_one("The chemical symbol of gold is {=Au} in the periodic table.")
    assert (
        question.text == "The chemical symbol of gold is _____ in the periodic table."
    )
    assert question.kind == "short"


def test_missing_word_multiple_choice():
    question = parse_one("Mount Everest is in the {=Himalayas ~Alps ~Andes} range.")
    assert (question.kind, question.text) == (
        "single",
        "Mount Everest is in the _____ range.",
    )


def test_block_may_span_several_lines():
    question = parse_one("Name a noble gas.\n{\n=Neon\n=Argon\n}")
    assert answers(question) == [("Neon", 1, ""), ("Argon", 1, "")]


def test_unclosed_answer_block_is_an_error():
    assert error_of("Name a noble gas.{=Neon").code == "braces"


def test_closing_brace_without_opening_is_an_error():
    assert error_of("Name a noble gas.} =Neon").code == "braces"


def test_closing_brace_in_feedback_ends_the_block_and_is_reported():
    error = error_of("Name a noble gas.{=Neon#It glows} in signs ~Iron}")
    assert error.code == "braces"


def test_second_answer_block_is_an_error():
    assert error_of("Oxygen is {=O} and hydrogen is {=H}.").code == "braces"


def test_question_without_text_is_an_error():
    assert error_of("::Empty::{=nothing}").code == "empty-text"


# --- Description and essay ------------------------------------------------------------


def test_text_without_braces_is_a_description():
    question = parse_one("::Intro::The next questions are about the water cycle.")
    assert (question.kind, question.name, question.answers) == (
        "description",
        "Intro",
        [],
    )


def test_empty_braces_make_an_essay():
    question = parse_one("::Climate:: Describe the climate of your town. {}")
    assert (question.kind, question.name, question.text) == (
        "essay",
        "Climate",
        "Describe the climate of your town.",
    )


def test_essay_may_have_general_feedback():
    question = parse_one("Describe a volcano.{####Mention magma and vents.}")
    assert (question.kind, question.general_feedback) == (
        "essay",
        "Mention magma and vents.",
    )


# --- Escapes --------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["~", "=", "#", "{", "}", ":"])
def test_escaped_special_character_is_literal_text(char):
    question = parse_one(f"Type the sign \\{char} here.{{=\\{char}#The sign \\{char}}}")
    assert question.text == f"Type the sign {char} here."
    assert answers(question) == [(char, 1, f"The sign {char}")]


def test_escaped_n_is_a_new_line():
    assert parse_one("First line\\nsecond line{}").text == "First line\nsecond line"


def test_double_backslash_is_one_literal_backslash():
    assert (
        parse_one("Path C:\\\\ and \\\\\\\\ share{}").text == "Path C:\\ and \\\\ share"
    )


def test_double_backslash_before_n_is_not_a_new_line():
    assert parse_one("A \\\\n B{}").text == "A \\n B"


def test_other_backslashes_stay_as_they_are():
    assert (
        parse_one("The regex \\d+ matches digits.{}").text
        == "The regex \\d+ matches digits."
    )


def test_escaped_colons_do_not_end_the_title():
    question = parse_one("::Ratio 1\\:2::Simplify 2\\:4.{=1\\:2}")
    assert (question.name, question.text, question.answers[0].text) == (
        "Ratio 1:2",
        "Simplify 2:4.",
        "1:2",
    )


# --- Type detection order ------------------------------------------------------------


def test_equals_only_answers_are_short_answer_not_multiple_choice():
    question = parse_one("Who discovered radium?{=Marie Curie =Curie}")
    assert question.kind == "short"


def test_any_tilde_makes_multiple_choice():
    assert parse_one("Which is a metal?{~Oxygen =Zinc}").kind == "single"


def test_leading_hash_makes_numerical_even_with_other_markers():
    assert (
        parse_one("Atomic number of carbon?{#6~#Count the protons.}").kind
        == "numerical"
    )


def test_equals_and_arrow_make_matching():
    assert parse_one("Match.{=Paris -> France =Rome -> Italy}").kind == "matching"


def test_true_false_token_must_be_upper_case():
    question = parse_one("Is the Moon a planet?{false}")
    assert (question.kind, answers(question)) == ("short", [("false", 1, "")])


# --- Multiple choice -----------------------------------------------------------------


def test_multiple_choice_with_one_right_answer_is_single():
    question = parse_one(
        "Closest planet to the Sun?{=Mercury#Yes. ~Venus#Second. ~Earth#Third.}"
    )
    assert question.kind == "single"
    assert answers(question) == [
        ("Mercury", 1, "Yes."),
        ("Venus", 0, "Second."),
        ("Earth", 0, "Third."),
    ]


def test_multiple_choice_without_equals_is_multiple_response():
    question = parse_one(
        "Which are gas giants?{~%50%Jupiter ~%50%Saturn ~%-100%Mars#No, rocky.}"
    )
    assert question.kind == "multiple"
    assert answers(question) == [
        ("Jupiter", Decimal("0.5"), ""),
        ("Saturn", Decimal("0.5"), ""),
        ("Mars", -1, "No, rocky."),
    ]


def test_single_choice_may_give_partial_credit_with_tilde_weights():
    question = parse_one(
        "Boiling point of water at sea level?{=100 °C ~%50%about 100 °C ~90 °C}"
    )
    assert [answer.fraction for answer in question.answers] == [1, Decimal("0.5"), 0]


def test_weight_after_equals_in_multiple_choice_is_an_error():
    error = error_of("::Planets::Largest planet?{=%50%Jupiter ~Mars}")
    assert (error.code, error.title) == ("weight-after-equals", "Planets")


def test_text_before_the_first_marker_is_an_answer():
    question = parse_one("Which is a mammal?{Whale ~Shark =Dolphin}")
    assert [answer.text for answer in question.answers] == ["Whale", "Shark", "Dolphin"]


def test_multiple_choice_needs_two_answers():
    error = error_of("::Lonely::Only one?{~alone}")
    assert (error.code, error.title, error.line) == ("answer-count", "Lonely", 1)


def test_empty_multiple_choice_answer_is_an_error():
    assert error_of("Pick one.{=Oak ~ ~Pine}").code == "empty-answer"


def test_answer_feedback_and_answer_text_are_trimmed():
    question = parse_one(
        "Largest moon?{\n  =  Ganymede   #  Of Jupiter.  \n  ~ Titan # Of Saturn. \n}"
    )
    assert answers(question) == [
        ("Ganymede", 1, "Of Jupiter."),
        ("Titan", 0, "Of Saturn."),
    ]


# --- Weights -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "fraction"),
    [
        ("100", "1"),
        ("-50", "-0.5"),
        ("33.33333", "0.3333333"),
        ("12.5", "0.125"),
        ("5", "0.05"),
        ("0", "0"),
    ],
)
def test_allowed_weight_becomes_a_fraction(weight, fraction):
    question = parse_one(f"Name a primary colour.{{=%{weight}%red =blue}}")
    assert question.answers[0].fraction == Decimal(fraction)


def test_weight_close_to_an_allowed_one_is_snapped_to_it():
    question = parse_one("Name a primary colour.{=%33.3333333%red =blue}")
    assert str(question.answers[0].fraction) == "0.3333333"


def test_weight_not_allowed_is_an_error_naming_the_nearest():
    error = error_of("::Colours::Name a primary colour.{=%35%red =blue}")
    assert (error.code, error.title, error.line) == ("grade", "Colours", 1)
    assert "35 %" in error.message
    assert "nearest allowed weight is 33.33333 %" in error.message


def test_nearest_grade_option_snaps_a_weight_that_is_not_allowed():
    question = parse_one("Name a primary colour.{=%35%red =blue}", nearest_grade=True)
    assert question.answers[0].fraction == Decimal("0.3333333")


def test_each_weight_that_is_not_allowed_is_reported():
    result = parse_gift("Primary colours?{~%35%red ~%45%blue ~%50%yellow}")
    assert [error.code for error in result.errors] == ["grade", "grade"]


def test_malformed_weight_stays_in_the_answer_text():
    question = parse_one("Name a planet.{=%abc%Mars}")
    assert answers(question) == [("%abc%Mars", 1, "")]


# --- True/false ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_tokens(token, correct):
    question = parse_one(f"The Earth orbits the Sun.{{{token}}}")
    assert (question.kind, question.correct_answer) == ("true_false", correct)


def test_true_false_feedback_is_wrong_then_right():
    question = parse_one(
        "The Sun is a planet.{FALSE#No, it is a star.#Right, it is a star.}"
    )
    assert question.feedback_true == "No, it is a star."
    assert question.feedback_false == "Right, it is a star."


def test_true_false_feedback_when_true_is_right():
    question = parse_one("The Sun is a star.{T#Think again.#Well done.}")
    assert (question.feedback_true, question.feedback_false) == (
        "Well done.",
        "Think again.",
    )


def test_true_false_has_general_feedback_and_penalty_one():
    question = parse_one(
        "Venus is hot.{TRUE#Wrong.#Right.####Its atmosphere traps heat.}"
    )
    assert question.general_feedback == "Its atmosphere traps heat."
    assert question.penalty == 1


def test_true_false_is_also_two_choices():
    question = parse_one("The Sun is a planet.{F#No, a star.#Yes.}")
    assert answers(question) == [("True", 0, "No, a star."), ("False", 1, "Yes.")]


def test_true_false_feedback_keeps_its_format():
    question = parse_one("The Sun is a star.{T#[html]<b>No</b>#Yes}")
    assert (question.feedback_false, question.feedback_false_format) == (
        "<b>No</b>",
        "html",
    )
    assert question.answers[1].feedback_format == "html"


def test_other_questions_have_the_default_penalty():
    assert parse_one("Name a planet.{=Mars}").penalty == Decimal("0.3333333")


# --- Matching ------------------------------------------------------------------------


def test_matching_pairs():
    question = parse_one(
        "Match the country to its capital.{=France -> Paris =Japan -> Tokyo =Kenya -> Nairobi}"
    )
    assert question.kind == "matching"
    assert [(answer.match_prompt, answer.text) for answer in question.answers] == [
        ("France", "Paris"),
        ("Japan", "Tokyo"),
        ("Kenya", "Nairobi"),
    ]


def test_matching_empty_left_side_is_an_extra_distractor():
    question = parse_one("Match.{=France -> Paris =Japan -> Tokyo = -> Madrid}")
    assert [
        (answer.match_prompt, answer.text, answer.fraction)
        for answer in question.answers
    ][-1] == ("", "Madrid", 0)


def test_matching_left_side_may_have_a_format():
    question = parse_one("[html]Match.{=[plain]<France> -> Paris =Japan -> Tokyo}")
    assert [answer.match_prompt_format for answer in question.answers] == [
        "plain",
        "html",
    ]
    assert question.answers[0].match_prompt == "<France>"


def test_matching_needs_two_pairs():
    assert error_of("Match.{=France -> Paris}").code == "answer-count"


def test_matching_pair_without_arrow_is_an_error():
    assert error_of("Match.{=France -> Paris =Japan}").code == "matching"


def test_arrow_without_equals_is_an_error_not_a_short_answer():
    assert error_of("Match.{France -> Paris}").code == "matching"


def test_matching_pair_without_right_side_is_an_error():
    assert error_of("Match.{=France -> Paris =Japan -> }").code == "empty-answer"


# --- Short answer --------------------------------------------------------------------


def test_short_answer_with_weights_feedback_and_anything_else():
    question = parse_one(
        "Fastest land animal?{=cheetah#Yes! =%50%lion#Fast, not fastest. =%0%*#No.}"
    )
    assert question.kind == "short"
    assert answers(question) == [
        ("cheetah", 1, "Yes!"),
        ("lion", Decimal("0.5"), "Fast, not fastest."),
        ("*", 0, "No."),
    ]


def test_short_answer_without_equals():
    question = parse_one("Capital of Italy?{Rome}")
    assert (question.kind, answers(question)) == ("short", [("Rome", 1, "")])


def test_short_answer_with_general_feedback():
    question = parse_one("Capital of Italy?{=Rome ####[html]<p>Roma in Italian.</p>}")
    assert (question.general_feedback, question.general_feedback_format) == (
        "<p>Roma in Italian.</p>",
        "html",
    )


def test_short_answer_with_empty_answer_is_an_error():
    assert error_of("Capital of Italy?{=Rome =}").code == "empty-answer"


# --- Numerical -----------------------------------------------------------------------


def test_numerical_exact_answer():
    question = parse_one("How many legs has a spider?{#8}")
    [answer] = question.answers
    assert (question.kind, answer.text, answer.fraction, answer.tolerance) == (
        "numerical",
        "8",
        1,
        0,
    )


def test_numerical_answer_with_tolerance():
    [answer] = parse_one("Speed of sound in m/s?{#343:10}").answers
    assert (answer.text, answer.tolerance) == ("343", 10)


def test_numerical_range_becomes_midpoint_and_half_range():
    [answer] = parse_one("Name a number from 2 to 7.{#2..7}").answers
    assert (answer.text, answer.tolerance) == ("4.5", Decimal("2.5"))


def test_numerical_with_several_weighted_answers():
    question = parse_one(
        "Year the Berlin Wall fell?{# =1989:0#Exactly. =%50%1989:2#Close.}"
    )
    assert [
        (a.text, a.fraction, a.tolerance, a.feedback) for a in question.answers
    ] == [
        ("1989", 1, 0, "Exactly."),
        ("1989", Decimal("0.5"), 2, "Close."),
    ]


def test_numerical_wrong_answer_feedback_is_an_any_answer_at_zero():
    question = parse_one("Protons in helium?{#2~#Look at the periodic table.}")
    assert [
        (a.text, a.fraction, a.tolerance, a.feedback) for a in question.answers
    ] == [
        ("2", 1, 0, ""),
        ("*", 0, None, "Look at the periodic table."),
    ]


@pytest.mark.parametrize("value", ["-40", "+3.5", ".5", "6.02e23", "1E-3"])
def test_numerical_accepts_number_notations(value):
    assert parse_one(f"Give the value.{{#{value}}}").answers[0].text == value


def test_numerical_non_numeric_answer_is_an_error():
    error = error_of("::Legs::How many legs has a spider?{#eight}")
    assert (error.code, error.title) == ("not-a-number", "Legs")


def test_numerical_non_numeric_tolerance_is_an_error():
    assert error_of("Speed of sound?{#343:some}").code == "not-a-number"


def test_numerical_negative_tolerance_is_an_error():
    assert error_of("Speed of sound?{#343:-1}").code == "numerical"


def test_numerical_range_that_ends_below_its_start_is_an_error():
    assert error_of("A number?{#7..2}").code == "numerical"


def test_numerical_without_answers_is_an_error():
    assert error_of("A number?{#~#Nope}").code == "answer-count"


def test_numerical_text_between_tilde_and_feedback_is_an_error():
    assert error_of("A number?{#3~4#Nope}").code == "numerical"


def test_numerical_star_answer_is_allowed():
    question = parse_one("Any number?{#=*#Every number is fine.}")
    assert answers(question) == [("*", 1, "Every number is fine.")]


# --- Errors --------------------------------------------------------------------------


def test_every_error_is_listed_with_its_line_and_title():
    text = "::Good::Fine.{T}\n\n::Bad weight::Hmm.{~%35%a ~b}\n\n\n// note\n::Bad number::Count.{#many}\n\nStray } here.{=x}"
    result = parse_gift(text)
    assert [(error.line, error.title, error.code) for error in result.errors] == [
        (3, "Bad weight", "grade"),
        (6, "Bad number", "not-a-number"),
        (9, "Stray } here.", "braces"),
    ]
    assert not result.ok


def test_error_title_is_built_from_the_text_when_there_is_no_title():
    assert (
        error_of("How many moons has Mars?{#two}").title == "How many moons has Mars?"
    )


def test_error_reads_as_moodle_prints_it():
    assert (
        str(error_of("::Legs::Spider?{#eight}"))
        == "Error importing question Legs: 'eight' is not a number."
    )


def test_valid_file_is_ok():
    assert parse_gift("Fine.{T}").ok


@given(st.text())
def test_any_text_gives_a_result_not_an_exception(text):
    assert isinstance(parse_gift(text), ParseResult)


@given(st.text(alphabet="{}=~#:%->TF.\\n0123456789 \n[]/:$CATEGORYhtml*abc"))
def test_any_gift_like_text_gives_a_result_not_an_exception(text):
    assert isinstance(parse_gift(text), ParseResult)


@given(st.binary())
def test_any_bytes_give_a_result_not_an_exception(data):
    assert isinstance(parse_gift(data), ParseResult)


# --- JSON ----------------------------------------------------------------------------


def test_result_as_dict_is_json_ready_with_decimals_as_strings():
    result = parse_gift("Name a colour.{~%50%red ~%50%blue ~%-100%grey}\n\nBad.{#x}")
    data = json.loads(json.dumps(result.to_dict()))
    assert [answer["fraction"] for answer in data["questions"][0]["answers"]] == [
        "0.5",
        "0.5",
        "-1",
    ]
    assert data["errors"][0]["code"] == "not-a-number"


# --- Export: the shapes Moodle writes -------------------------------------------------


def export_one(text: str, **fields) -> str:
    question = dataclasses.replace(parse_one(text), **fields)
    return export_gift([question])


def test_export_essay():
    assert (
        export_one("::Rivers:: Name three rivers. {}", export_id=12)
        == "// question: 12  name: Rivers\n::Rivers::Name three rivers.{}\n\n"
    )


def test_export_description():
    assert (
        export_one("::Intro::About rivers.")
        == "// question: 0  name: Intro\n::Intro::About rivers.\n\n"
    )


def test_export_matching_with_format_prefixes_and_distractor():
    question = ParsedQuestion(
        line=1,
        name="Capitals",
        kind="matching",
        text="Match the <b>country</b> to its capital.",
        text_format="html",
        general_feedback_format="html",
        answers=[
            ParsedAnswer(
                "Paris",
                Decimal(1),
                match_prompt='<span lang="fr">France</span>',
                match_prompt_format="html",
            ),
            ParsedAnswer(
                "Tokyo", Decimal(1), match_prompt="Japan", match_prompt_format="moodle"
            ),
            ParsedAnswer(
                "Nairobi", Decimal(1), match_prompt="Kenya", match_prompt_format="plain"
            ),
            ParsedAnswer(
                "Lima", Decimal(1), match_prompt="Peru", match_prompt_format="markdown"
            ),
            ParsedAnswer(
                "Madrid", Decimal(0), match_prompt="", match_prompt_format="html"
            ),
        ],
        export_id=3,
    )
    assert export_gift([question]) == (
        "// question: 3  name: Capitals\n"
        "::Capitals::[html]Match the <b>country</b> to its capital.{\n"
        '\t=<span lang\\="fr">France</span> -> Paris\n'
        "\t=[moodle]Japan -> Tokyo\n"
        "\t=[plain]Kenya -> Nairobi\n"
        "\t=[markdown]Peru -> Lima\n"
        "\t= -> Madrid\n"
        "}\n\n"
    )


def test_export_single_choice():
    text = "::Planets::Closest planet to the Sun?{=Mercury # Yes. ~Venus # [html]No, second ~[plain]Earth # No, third}"
    assert export_one(text) == (
        "// question: 0  name: Planets\n"
        "::Planets::Closest planet to the Sun?{\n"
        "\t=Mercury#Yes.\n"
        "\t~Venus#[html]No, second\n"
        "\t~[plain]Earth#No, third\n"
        "}\n\n"
    )


def test_export_multiple_response_writes_full_credit_with_tilde():
    text = "::Giants::Gas giants?{~%100%Jupiter#Yes ~%-50%Mars#Rocky ~%-50%Venus#Rocky}"
    assert export_one(text) == (
        "// question: 0  name: Giants\n"
        "::Giants::Gas giants?{\n"
        "\t~%100%Jupiter#Yes\n"
        "\t~%-50%Mars#Rocky\n"
        "\t~%-50%Venus#Rocky\n"
        "}\n\n"
    )


def test_export_multiple_choice_answer_without_feedback_has_no_hash():
    assert "\t~Venus\n" in export_one("Closest planet?{=Mercury ~Venus}")


def test_export_single_choice_with_every_answer_right_keeps_one_tilde():
    question = ParsedQuestion(
        line=1,
        name="Both",
        kind="single",
        text="Pick.",
        answers=[ParsedAnswer("Oak", Decimal(1)), ParsedAnswer("Elm", Decimal(1))],
    )
    exported = export_gift([question])
    assert "{\n\t=Oak\n\t~%100%Elm\n}" in exported
    assert parse_one(exported).kind == "single"


def test_export_partial_weight_with_decimals():
    assert "\t~%33.33333%Venus\n" in export_one(
        "Closest planet?{=Mercury ~%33.33333%Venus}"
    )


def test_export_numerical():
    text = "::Legs::How many legs has a spider?{#8:0~#Count again.}"
    assert export_one(text) == (
        "// question: 0  name: Legs\n::Legs::How many legs has a spider?{#\n\t=%100%8:0#\n\t~#Count again.\n}\n\n"
    )


def test_export_numerical_range_as_value_and_tolerance():
    assert "\t=%100%4.5:2.5#\n" in export_one("A number from 2 to 7?{#2..7}")


def test_export_short_answer():
    text = "::Fast::Fastest land animal?{=cheetah#Yes! =%50%lion#Fast, not fastest. =%0%*#No.}"
    assert export_one(text) == (
        "// question: 0  name: Fast\n"
        "::Fast::Fastest land animal?{\n"
        "\t=%100%cheetah#Yes!\n"
        "\t=%50%lion#Fast, not fastest.\n"
        "\t=%0%*#No.\n"
        "}\n\n"
    )


def test_export_short_answer_with_general_feedback():
    exported = export_one(
        "Fastest animal?{=cheetah#Yes! ####[html]Peregrine falcons dive faster.}"
    )
    assert exported.endswith(
        "\t=%100%cheetah#Yes!\n\t####[html]Peregrine falcons dive faster.\n}\n\n"
    )


def test_export_true_false_writes_wrong_then_right_feedback():
    question = dataclasses.replace(
        parse_one("::Sun::The Sun is a star.{TRUE}"),
        feedback_true="Well done.",
        feedback_false="It is a star.",
        feedback_false_format="html",
    )
    assert export_gift([question]) == (
        "// question: 0  name: Sun\n::Sun::The Sun is a star.{TRUE#[html]It is a star.#Well done.}\n\n"
    )


def test_export_true_false_without_feedback():
    assert (
        export_one("::Moon::The Moon is a planet.{F}")
        == "// question: 0  name: Moon\n::Moon::The Moon is a planet.{FALSE}\n\n"
    )


def test_export_true_false_with_only_right_feedback_keeps_its_place():
    assert "{TRUE##Well done.}" in export_one("The Sun is a star.{T##Well done.}")


def test_export_backslashes():
    assert export_one("::Path::C:\\\\ or \\\\\\\\server{}").endswith(
        "::Path::C\\:\\\\ or \\\\\\\\server{}\n\n"
    )


def test_export_escapes_special_characters_and_new_lines():
    question = ParsedQuestion(
        line=1, name="a:b", kind="essay", text="x = {1} ~ #2\nnext"
    )
    assert (
        export_gift([question])
        == "// question: 0  name: a:b\n::a\\:b::x \\= \\{1\\} \\~ \\#2\\nnext{}\n\n"
    )


def test_export_idnumber_and_tags_line():
    text = "// [id:sun-1] [tag:astronomy] [tag:stars]\n::True/false question::[html]The Sun is a star.{TRUE#Wrong.#Right.####It is a G-type star.}"
    assert export_one(text, export_id=5) == (
        "// question: 5  name: True/false question\n"
        "// [id:sun-1] [tag:astronomy] [tag:stars]\n"
        "::True/false question::[html]The Sun is a star.{TRUE#Wrong.#Right.####It is a G-type star.}\n\n"
    )


def test_export_escapes_closing_bracket_in_idnumber_and_tags():
    assert "// [id:a\\]b] [tag:c\\]d]\n" in export_one(
        "// [id:a\\]b] [tag:c\\]d]\nSun?{T}"
    )


def test_export_category_switch():
    result = parse_gift("$CATEGORY: $course$/Astronomy")
    assert export_gift(result.questions) == (
        "// question: 0  name: switch category to $course$/Astronomy\n$CATEGORY: $course$/Astronomy\n\n"
    )


def test_export_without_header_ids_has_no_question_comment():
    assert export_gift(
        parse_gift("::Moon::The Moon is a planet.{F}").questions, with_header_ids=False
    ) == ("::Moon::The Moon is a planet.{FALSE}\n\n")


def test_export_essay_with_general_feedback():
    assert export_one("::Volcano::Describe a volcano.{####Mention magma.}").endswith(
        "{####Mention magma.}\n\n"
    )


def test_export_keeps_literal_format_like_text_readable():
    exported = export_one("[moodle][html] is a tag.{=[moodle][plain]old}")
    assert "::[moodle][html] is a tag.{\n\t=%100%[moodle][plain]old#\n}" in exported


def test_export_keeps_literal_weight_like_text_readable():
    question = parse_one("Which one?{~[moodle]%50%off ~%50%half =right}")
    exported = export_gift([question])
    assert "\t~[moodle]%50%off\n" in exported
    assert answers(parse_one(exported)) == answers(question)


def test_export_rejects_unknown_kind():
    with pytest.raises(ValueError, match="cloze"):
        export_gift([ParsedQuestion(line=1, name="x", kind="cloze", text="y")])


# --- Round trips ---------------------------------------------------------------------

SAMPLES = [
    "::Rivers:: Name three rivers. {}",
    "::Intro::[html]<p>About <b>rivers</b>.</p>",
    "// [id:q1] [tag:geo]\n::Planets::Closest planet?{=Mercury#Yes ~[plain]Venus#[html]<b>No</b> ~%50%Earth ####Think.}",
    "Gas giants?{~%50%Jupiter ~%50%Saturn ~%-100%Mars#Rocky.}",
    "Fastest land animal?{=cheetah#Yes! =%50%lion =%0%*#No. ####[markdown]*Falcons* dive.}",
    "Year the Wall fell?{# =1989:0#Exactly. =%50%1989:2#Close. ~#Look it up. ####History.}",
    "A number from 2 to 7?{#2..7}",
    "[html]Match.{=[plain]<France> -> Paris =Japan -> Tokyo = -> Madrid ####Capitals.}",
    "The Sun is a planet.{F#[html]<b>No</b>#Yes.####[plain]A star.}",
    "The Sun is a star.{T##Yes.}",
    "Mount Everest is in the {=Himalayas ~Alps} range.",
    "Type \\{, \\}, \\=, \\~, \\#, \\: and \\\\ and a new\\nline.{=a\\:b#c\\#d}",
    "$CATEGORY: $course$/Physics\n\nLight is fast.{T}",
    "[markdown]**Bold** question?{=[html]<i>yes</i> ~no}",
    "::Weights::Pick.{~[moodle]%50%off ~%50%half =right}",
    "[moodle][html] is text.{=[moodle][plain]old}",
]


@pytest.mark.parametrize("source", SAMPLES)
def test_parse_export_parse_gives_the_same_questions(source):
    first = parse_gift(source)
    assert first.ok
    assert without_lines(parse_gift(export_gift(first.questions))) == without_lines(
        first
    )


@pytest.mark.parametrize("source", SAMPLES)
def test_export_of_a_reimported_export_is_identical(source):
    exported = export_gift(parse_gift(source).questions)
    assert export_gift(parse_gift(exported).questions) == exported


@given(st.text(alphabet="{}=~#:%->TF.\\n0123456789 \n[]/html*abc"))
def test_any_valid_gift_survives_a_round_trip(text):
    first = parse_gift(text)
    if first.ok:
        assert without_lines(parse_gift(export_gift(first.questions))) == without_lines(
            first
        )


# Pieces that exercise escaping, prefixes and weights; no ">" because GIFT cannot escape "->".
TOKENS = [
    "a",
    "Zé",
    " ",
    ":",
    "::",
    "=",
    "~",
    "#",
    "####",
    "{",
    "}",
    "\\",
    "\\n",
    "[",
    "]",
    "%",
    "%50%",
    "[html]",
]
TOKENS += ["[plain]", "\n", "*", "0", "1.5", "T", "<", "//"]


def gift_texts(min_size: int = 1) -> st.SearchStrategy[str]:
    joined = st.lists(st.sampled_from(TOKENS), min_size=min_size, max_size=6).map(
        "".join
    )
    return joined.map(lambda text: text.strip(" \t\n\r\0\x0b")).filter(
        lambda text: len(text) >= min_size
    )


@st.composite
def exportable_questions(draw) -> ParsedQuestion:
    """Questions in the canonical form the parser produces, of every kind."""
    kind = draw(
        st.sampled_from(
            [
                "single",
                "multiple",
                "short",
                "numerical",
                "matching",
                "true_false",
                "essay",
                "description",
            ]
        )
    )
    fmt = draw(st.sampled_from(["moodle", "html", "plain", "markdown"]))

    def part(min_size: int = 0) -> tuple[str, str]:
        text = draw(gift_texts(min_size))
        return text, (
            draw(st.sampled_from(["moodle", "html", "plain", "markdown"]))
            if text
            else fmt
        )

    fractions = st.sampled_from(ALLOWED_FRACTIONS)
    name = draw(gift_texts().map(lambda text: " ".join(text.split())).filter(bool))
    tags = draw(
        st.lists(
            st.sampled_from(["sea", "a]b", "x:y", "two words"]), unique=True, max_size=3
        )
    )
    question = ParsedQuestion(
        line=1,
        name=name,
        kind=kind,
        text_format=fmt,
        general_feedback_format=fmt,
        tags=tags,
    )
    question.idnumber = draw(st.sampled_from(["", "q-1", "id]x"]))
    question.text = part(1)[0]
    if kind != "description":
        question.general_feedback, question.general_feedback_format = part()
    for index in range(draw(st.integers(2, 4))):
        text, text_format = part(1)
        feedback, feedback_format = part()
        answer = ParsedAnswer(
            text, draw(fractions), feedback, text_format, feedback_format
        )
        if kind == "single" and index == 0:
            answer.fraction = Decimal(1)
        if kind == "numerical":
            answer.text, answer.text_format = (
                draw(st.sampled_from(["3", "-1.5", "0", "1e3"])),
                fmt,
            )
            answer.tolerance = draw(
                st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(2)])
            )
        if kind == "matching":
            answer.match_prompt, answer.match_prompt_format = part()
            answer.fraction = Decimal(1 if answer.match_prompt else 0)
            answer.feedback, answer.text_format, answer.feedback_format = "", fmt, fmt
        question.answers.append(answer)
    if kind == "numerical" and draw(st.booleans()):
        feedback, feedback_format = part()
        question.answers.append(
            ParsedAnswer("*", Decimal(0), feedback, fmt, feedback_format)
        )
    if kind == "true_false":
        question.correct_answer = draw(st.booleans())
        question.feedback_true, question.feedback_true_format = part()
        question.feedback_false, question.feedback_false_format = part()
        question.penalty = Decimal(1)
        question.answers = [
            ParsedAnswer(
                "True",
                Decimal(question.correct_answer),
                question.feedback_true,
                fmt,
                question.feedback_true_format,
            ),
            ParsedAnswer(
                "False",
                Decimal(not question.correct_answer),
                question.feedback_false,
                fmt,
                question.feedback_false_format,
            ),
        ]
    if kind in ("essay", "description"):
        question.answers = []
    return question


@given(exportable_questions())
def test_exported_question_reads_back_as_itself(question):
    exported = export_gift([question])
    reparsed = parse_gift(exported)
    assert reparsed.errors == []
    assert without_lines(reparsed) == [dataclasses.replace(question, line=0)]
    assert export_gift(reparsed.questions) == exported
