"""The grading rules, as the results page states them ("How this quiz is scored").

Each table row is one case a learner could meet: what the teacher set up, what the
learner sent, and the credit the rule promises. No database: options are unsaved Choices.
"""

from decimal import Decimal

import pytest

from quizzes.grading import (
    Submission,
    grade_matching,
    grade_multiple,
    grade_numerical,
    grade_short,
    grade_single,
    normalize_typed,
    parse_number,
    percent,
)
from quizzes.models import Choice

THIRD = Decimal(1) / Decimal(3)
TWO_THIRDS = Decimal(2) / Decimal(3)


def option(pk, text="", is_correct=False, **fields) -> Choice:
    return Choice(pk=pk, text=text, is_correct=is_correct, **fields)


# Single choice and true/false: "full points for the right option, none otherwise."
SINGLE = [option(1, "Danube", True), option(2, "Rhine"), option(3, "Thames")]
TRUE_FALSE = [option(10, "True"), option(11, "False", True)]


@pytest.mark.parametrize(
    ("choices", "chosen", "credit"),
    [
        (SINGLE, (1,), 1),
        (SINGLE, (2,), 0),
        (SINGLE, (3,), 0),
        (SINGLE, (), 0),  # unanswered
        (SINGLE, (1, 2), 0),  # two options are not "the right option"
        (SINGLE, (1, 2, 3), 0),
        (SINGLE, (99,), 0),  # an option that is not the question's
        (TRUE_FALSE, (11,), 1),
        (TRUE_FALSE, (10,), 0),
        (TRUE_FALSE, (10, 11), 0),
    ],
)
def test_single_choice_and_true_false_credit(choices, chosen, credit):
    assert grade_single(choices, Submission(choice_ids=chosen)) == Decimal(credit)


# "Select all that apply: (right options chosen − wrong options chosen) ÷ right options,
# never below zero."
TWO_RIGHT = [option(1, "Coal", True), option(2, "Grain", True), option(3, "Oil")]
THREE_RIGHT = [
    option(1, "Coal", True),
    option(2, "Grain", True),
    option(3, "Timber", True),
    option(4, "Oil"),
    option(5, "Gold"),
]


@pytest.mark.parametrize(
    ("choices", "chosen", "credit"),
    [
        (TWO_RIGHT, (1, 2), Decimal(1)),  # all right, nothing wrong: full credit
        (TWO_RIGHT, (1,), Decimal("0.5")),  # half the right ones
        (TWO_RIGHT, (2,), Decimal("0.5")),
        (TWO_RIGHT, (1, 2, 3), Decimal("0.5")),  # (2 - 1) / 2
        (TWO_RIGHT, (1, 3), Decimal(0)),  # (1 - 1) / 2
        (TWO_RIGHT, (3,), Decimal(0)),  # (0 - 1) / 2 would be negative: floor at zero
        (TWO_RIGHT, (), Decimal(0)),  # unanswered
        (TWO_RIGHT, (1, 1), Decimal("0.5")),  # one option sent twice counts once
        (TWO_RIGHT, (1, 99), Decimal(0)),  # an unknown id counts as a wrong one
        (THREE_RIGHT, (1, 2, 3), Decimal(1)),
        (THREE_RIGHT, (1,), THIRD),
        (THREE_RIGHT, (1, 2), TWO_THIRDS),
        (THREE_RIGHT, (1, 2, 3, 4), TWO_THIRDS),  # (3 - 1) / 3
        (THREE_RIGHT, (1, 2, 3, 4, 5), THIRD),  # (3 - 2) / 3
        (THREE_RIGHT, (1, 4, 5), Decimal(0)),  # (1 - 2) / 3: floor at zero
        (THREE_RIGHT, (4, 5), Decimal(0)),  # (0 - 2) / 3: floor at zero
    ],
)
def test_multiple_answers_credit(choices, chosen, credit):
    assert grade_multiple(choices, Submission(choice_ids=chosen)) == credit


def test_multiple_answers_credit_is_never_negative_however_many_wrong_options():
    wrong = [option(pk, f"Wrong {pk}") for pk in range(2, 12)]
    choices = [option(1, "Coal", True), *wrong]
    chosen = tuple(choice.pk for choice in wrong)
    assert grade_multiple(choices, Submission(choice_ids=chosen)) == 0


def test_multiple_answers_credit_is_never_above_full():
    chosen = tuple(choice.pk for choice in THREE_RIGHT if choice.is_correct) * 3
    assert grade_multiple(THREE_RIGHT, Submission(choice_ids=chosen)) == 1


def test_a_multiple_answers_question_without_right_options_gives_nothing():
    choices = [option(1, "Coal"), option(2, "Grain")]
    assert grade_multiple(choices, Submission(choice_ids=(1,))) == 0
    assert grade_multiple(choices, Submission()) == 0


def test_multiple_answers_take_choices_from_any_iterable():
    """Choices may arrive as a one-pass iterable (a queryset iterator)."""
    chosen = Submission(choice_ids=(1,))
    assert grade_multiple(iter(TWO_RIGHT), chosen) == Decimal("0.5")


# "Typed answers: case, surrounding spaces and trailing punctuation are ignored."
# Each normalisation step on its own, then together.
ACCEPTED = [option(1, "the Danube river", True), option(2, "Volga", False)]


@pytest.mark.parametrize(
    ("typed", "credit"),
    [
        ("the Danube river", 1),  # exactly as accepted
        ("THE DANUBE RIVER", 1),  # case
        ("The danube River", 1),
        ("   the Danube river", 1),  # leading spaces
        ("the Danube river   ", 1),  # trailing spaces
        ("\tthe Danube river\n", 1),  # tabs and newlines count as spaces
        ("the Danube river.", 1),  # trailing full stop
        ("the Danube river!", 1),
        ("the Danube river?", 1),
        ("the Danube river,", 1),
        ("the Danube river;", 1),
        ("the Danube river:", 1),
        ("the Danube river?!...", 1),  # a run of trailing punctuation
        ("the Danube river . ", 1),  # punctuation and spaces mixed at the end
        ("the  Danube   river", 1),  # repeated inner spaces collapse to one
        ("the\tDanube\u00a0river", 1),  # any inner whitespace is one space
        ("  THE   danube river ?! ", 1),  # every step at once
        ("the Danube", 0),  # a different answer
        ("theDanube river", 0),  # a missing space is not ignored
        (
            "the Dan.ube river",
            1,
        ),  # a dot after a letter counts as an abbreviation's ("U.S." = "US")
        ("the Dan,ube river", 0),  # other punctuation inside a word is not ignored
        (".the Danube river", 0),  # leading punctuation is not ignored
        ("the Danube river x", 0),
        ("Volga", 0),  # a wrong option the teacher listed
        ("", 0),  # unanswered
        ("   ", 0),
    ],
)
def test_short_answer_credit(typed, credit):
    assert grade_short(ACCEPTED, Submission(text=typed)) == Decimal(credit)


def test_short_answer_accepts_any_of_several_accepted_answers():
    choices = [option(1, "Danube", True), option(2, "Donau", True)]
    assert grade_short(choices, Submission(text="donau")) == 1
    assert grade_short(choices, Submission(text="danube")) == 1


def test_short_answer_accepted_answers_are_normalised_the_same_way():
    choices = [option(1, "  The   DANUBE. ", True)]
    assert grade_short(choices, Submission(text="the danube")) == 1


def test_short_answer_ignores_case_beyond_ascii():
    """Case folding, not just lower-casing: "STRASSE" is "Straße" in capitals."""
    choices = [option(1, "Straße", True)]
    assert grade_short(choices, Submission(text="STRASSE")) == 1


def test_a_blank_short_answer_gets_nothing_even_against_a_blank_looking_answer():
    choices = [option(1, "...", True)]
    assert grade_short(choices, Submission(text="")) == 0
    assert grade_short(choices, Submission(text="?")) == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Danube", "danube"),
        ("  Danube  ", "danube"),
        ("Danube.", "danube"),
        ("Danube ?!", "danube"),
        ("the   Danube", "danube"),
        ("the\n\tDanube", "danube"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("a.b", "ab"),
        ("", ""),
    ],
)
def test_normalize_typed_step_by_step(typed, expected):
    assert normalize_typed(typed) == expected


# Numerical: the typed number within the answer's tolerance (inclusive) is right.
NUMBER = [option(1, "", True, value=Decimal("10"), tolerance=Decimal("0.5"))]
EXACT = [option(1, "", True, value=Decimal("1991"), tolerance=None)]


@pytest.mark.parametrize(
    ("choices", "typed", "credit"),
    [
        (NUMBER, "10", 1),
        (NUMBER, "10.5", 1),  # the edge of the tolerance is inside
        (NUMBER, "9.5", 1),
        (NUMBER, "10.51", 0),
        (NUMBER, "9.49", 0),
        (NUMBER, "10,2", 1),  # a decimal comma
        (NUMBER, " 10 ", 1),  # surrounding spaces
        (NUMBER, "-10", 0),
        (NUMBER, "1e1", 1),
        (NUMBER, "ten", 0),  # not a number
        (NUMBER, "", 0),  # unanswered
        (NUMBER, "NaN", 0),  # not a finite number: nothing, and no error
        (NUMBER, "Infinity", 0),
        (EXACT, "1991", 1),  # no tolerance: exactly the value
        (EXACT, "1991.0", 1),
        (EXACT, "1 991", 1),  # thousands written with a space
        (EXACT, "1990.999", 0),
        (EXACT, "1992", 0),
    ],
)
def test_numerical_credit(choices, typed, credit):
    assert grade_numerical(choices, Submission(text=typed)) == Decimal(credit)


def test_numerical_any_of_several_right_values_counts():
    choices = [
        option(1, "", True, value=Decimal("3"), tolerance=Decimal(0)),
        option(2, "", True, value=Decimal("7"), tolerance=Decimal("1")),
    ]
    assert grade_numerical(choices, Submission(text="8")) == 1
    assert grade_numerical(choices, Submission(text="3")) == 1
    assert grade_numerical(choices, Submission(text="5")) == 0


def test_numerical_a_wrong_value_the_teacher_listed_earns_nothing():
    choices = [
        option(1, "", True, value=Decimal("10")),
        option(2, "", False, value=Decimal("20"), tolerance=Decimal("5")),
    ]
    assert grade_numerical(choices, Submission(text="20")) == 0


def test_numerical_a_right_row_without_a_value_is_skipped():
    choices = [
        option(1, "", True, value=None),
        option(2, "", True, value=Decimal("4")),
    ]
    assert grade_numerical(choices, Submission(text="4")) == 1
    assert grade_numerical(choices, Submission(text="0")) == 0


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3.5", Decimal("3.5")),
        ("3,5", Decimal("3.5")),
        ("  -2 ", Decimal("-2")),
        ("1 000", Decimal("1000")),
        ("1e3", Decimal("1000")),
        ("", None),
        ("abc", None),
        ("Infinity", None),
        ("-inf", None),
        ("NaN", None),
        ("sNaN", None),
    ],
)
def test_parse_number(typed, number):
    assert parse_number(typed) == number


# Matching: each row matched right earns its share of the points.
PAIRS = [
    option(1, "Tehran", match_text="Iran"),
    option(2, "Moscow", match_text="Russia"),
    option(3, "Ankara", match_text="Turkey"),
    option(4, "Baku", match_text="Azerbaijan"),
    option(5, "", match_text="Armenia"),  # a distractor: an option with no row
]


@pytest.mark.parametrize(
    ("matches", "credit"),
    [
        (
            {1: "Iran", 2: "Russia", 3: "Turkey", 4: "Azerbaijan"},
            Decimal(1),
        ),
        ({1: "Iran", 2: "Russia", 3: "Turkey"}, Decimal("0.75")),  # one left empty
        ({1: "Iran", 2: "Russia", 3: "Armenia", 4: ""}, Decimal("0.5")),
        ({1: "Iran"}, Decimal("0.25")),
        ({1: "Russia", 2: "Iran"}, Decimal(0)),  # swapped
        ({1: "iran"}, Decimal(0)),  # options are picked, not typed: exact
        ({}, Decimal(0)),  # unanswered
        ({5: "Armenia"}, Decimal(0)),  # the distractor is not a row to match
        ({99: "Iran"}, Decimal(0)),
    ],
)
def test_matching_credit(matches, credit):
    assert grade_matching(PAIRS, Submission(matches=matches)) == credit


def test_matching_without_rows_gives_nothing():
    choices = [option(1, "", match_text="Iran")]
    assert grade_matching(choices, Submission(matches={1: "Iran"})) == 0


# What the learner sent is stored and read back unchanged.
@pytest.mark.parametrize(
    "submission",
    [
        Submission(choice_ids=(3, 1)),
        Submission(text="the Danube"),
        Submission(matches={1: "Iran", 22: "Russia"}),
        Submission(),
    ],
)
def test_a_submission_survives_storage(submission):
    assert Submission.from_json(submission.as_json()) == submission


def test_a_stored_submission_keeps_only_what_was_sent():
    assert Submission().as_json() == {}
    assert Submission(choice_ids=(3, 1)).as_json() == {"choices": [3, 1]}
    assert Submission(text="x").as_json() == {"text": "x"}
    assert Submission(matches={4: "Iran"}).as_json() == {"matches": {"4": "Iran"}}


# "Your score is the points earned out of the points possible", in percent.
@pytest.mark.parametrize(
    ("earned", "possible", "score"),
    [
        ("3", "3", "100.00"),
        ("0", "3", "0.00"),
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),  # two places, rounded to the nearest
        ("1.5", "2", "75.00"),
        ("0.333", "1", "33.30"),
        ("1", "8", "12.50"),
        ("0", "0", "0"),  # nothing possible: zero, not an error
    ],
)
def test_score_in_percent(earned, possible, score):
    result = percent(Decimal(earned), Decimal(possible))
    assert result == Decimal(score)
    assert str(result) == score
