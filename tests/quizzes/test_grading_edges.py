"""Grading rules at their edges: the cases that mutation testing showed no test pinned."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from quizzes.grading import (
    Submission,
    credit,
    edit_distance,
    near_miss,
    parse_number,
    typed_key,
)


def option(text, credit=None, is_correct=True):
    return SimpleNamespace(pk=text, text=text, is_correct=is_correct, credit=credit)


def test_curly_opening_and_closing_apostrophes_match_the_straight_one():
    assert typed_key("Russia‘s base") == typed_key("Russia's base")
    assert typed_key("Russia’s base") == typed_key("Russia's base")


def test_an_option_without_a_credit_field_earns_full_credit_when_right():
    # Options read from a file (GIFT, Aiken) have no per-option credit: right is 100 %.
    assert credit(SimpleNamespace(is_correct=True)) == 1
    assert credit(SimpleNamespace(is_correct=False)) == 0


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("-1,234,567", Decimal("-1234567")),
        ("+1.234.567", Decimal("1234567")),
        ("1.234.567,8", Decimal("1234567.8")),
        ("1,234,567.8", Decimal("1234567.8")),
        # Group signs on both sides of the decimal sign: not a number anyone writes.
        ("1,234.567,8", None),
        ("1.234,567.8", None),
    ],
)
def test_signed_and_grouped_numbers(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("tartus", "tartus", 0),
        ("tartsu", "tartus", 1),  # the last two letters swapped
        ("atrtus", "tartus", 1),  # the first two letters swapped
        ("tarus", "tartus", 1),
        ("taaartus", "tartus", 2),  # two letters too many, not one
        ("aaa", "a", 2),
    ],
)
def test_edit_distance_counts_each_slip_once(a, b, distance):
    assert edit_distance(a, b) == distance


def test_a_slip_in_the_first_letter_is_a_near_miss():
    assert near_miss([option("Tartus")], Submission(text="Xartus")) == "Tartus"


def test_an_answer_that_matches_an_accepted_form_is_no_near_miss():
    # "Tartous" is one slip from "Tartus", but it is itself accepted.
    choices = [option("Tartus"), option("Tartous")]
    assert near_miss(choices, Submission(text="Tartous")) == ""
    assert near_miss(choices, Submission(text="Tartus")) == ""


def test_a_near_miss_names_the_accepted_form_worth_the_most():
    choices = [option("Tartos", credit=50), option("Tartus", credit=100)]
    # "Tartis" is one slip from both; the learner is shown the full-credit spelling.
    assert near_miss(choices, Submission(text="Tartis")) == "Tartus"
