"""The grading rules, case by case, with answers real students type. No database."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from quizzes.grading import (
    Submission,
    edit_distance,
    grade_numerical,
    grade_short,
    grade_single,
    is_ambiguous_number,
    near_miss,
    normalize_typed,
    parse_number,
)


@dataclass
class Option:
    """Stands in for a Choice: grading reads only these attributes."""

    pk: int = 0
    text: str = ""
    is_correct: bool = True
    credit: Decimal = Decimal(100)
    value: Decimal | None = None
    tolerance: Decimal | None = None


def accepted(*texts: str) -> list[Option]:
    return [Option(pk=i, text=text) for i, text in enumerate(texts, start=1)]


def short(typed: str, options: list[Option]) -> Decimal:
    return grade_short(options, Submission(text=typed))


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        # case
        ("TARTUS", "Tartus"),
        ("tartus", "Tartus"),
        # accents folded, both ways
        ("Tartus", "Tartūs"),
        ("Tartūs", "Tartus"),
        ("Bandar Abbás", "Bandar Abbas"),
        ("Tehrān", "Tehran"),
        # Unicode compatibility forms (NFKC): full-width letters, ligatures
        ("ＩＮＳＴＣ", "INSTC"),
        ("ﬁnance", "finance"),
        # dashes, hyphens and a space are one separator; none at all is also fine
        ("multi polar", "multipolar"),
        ("multi-polar", "multipolar"),
        ("multi–polar", "multipolar"),
        ("multi—polar", "multipolar"),
        ("multi‐polar", "multipolar"),
        ("multipolar", "multi-polar"),
        ("North South", "North–South"),
        ("north-south transport corridor", "North–South Transport Corridor"),
        # dots inside abbreviations
        ("U.S.", "US"),
        ("US", "U.S."),
        ("u.s.a", "USA"),
        ("the U.S. Navy", "US Navy"),
        # a leading article, on either side
        ("the Caspian Sea", "Caspian Sea"),
        ("Caspian Sea", "the Caspian Sea"),
        ("a strategic partnership", "strategic partnership"),
        ("an alliance", "alliance"),
        # surrounding quotes, straight and curly
        ('"Tartus"', "Tartus"),
        ("“Tartus”", "Tartus"),
        ("‘Tartus’", "Tartus"),
        ("'Tartus'", "Tartus"),
        ("«Tartus»", "Tartus"),
        # trailing punctuation, also after a closing quote
        ("Tartus.", "Tartus"),
        ("Tartus!", "Tartus"),
        ("Tartus?!", "Tartus"),
        ('"Tartus."', "Tartus"),
        ('"Tartus".', "Tartus"),
        # repeated and surrounding spaces
        ("  Caspian    Sea ", "Caspian Sea"),
        ("Caspian\tSea", "Caspian Sea"),
        # curly and straight apostrophes alike
        ("Russia’s navy", "Russia's navy"),
    ],
)
def test_typed_answer_matches_after_normalising(typed, key):
    assert short(typed, accepted(key)) == 1


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Iraq", "Iran"),  # a different country, not a typo to forgive
        ("Tartuss", "Tartus"),  # a near miss earns nothing (see below)
        ("Caspian", "Caspian Sea"),
        ("Sea Caspian", "Caspian Sea"),
        ("the", "Tehran"),
        ("", "Tehran"),
        ("   ", "Tehran"),
        ("...", "Tehran"),
        ("3.5", "35"),  # a decimal point between digits is not an abbreviation
        ("A-level", "level"),  # a leading "a" joined by a dash is part of the word
    ],
)
def test_typed_answer_that_differs_is_wrong(typed, key):
    assert short(typed, accepted(key)) == 0


def test_normalised_form_is_lower_case_words_one_space_apart():
    assert normalize_typed("  “The  U.S.–Iran   Détente.” ") == "us iran detente"


def test_an_answer_that_is_only_an_article_keeps_it():
    assert normalize_typed("A") == "a"
    assert short("a", accepted("A")) == 1


# --- near misses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Tartuss", "Tartus"),  # a letter too many
        ("Tarus", "Tartus"),  # a letter missing
        ("Tertus", "Tartus"),  # a wrong letter
        ("Tartsu", "Tartus"),  # two neighbours swapped: one slip, not two
        ("Caspain Sea", "Caspian Sea"),
        ("the Casppian sea", "Caspian Sea"),
        ("multipolr", "multi-polar"),  # the slip is in "polar", five letters
        ("Bandar Abas", "Bandar Abbas"),
        ("Tartūss", "Tartus"),  # accents still folded first
    ],
)
def test_one_slip_in_a_long_word_is_a_near_miss(typed, key):
    options = accepted(key)
    assert short(typed, options) == 0
    assert near_miss(options, Submission(text=typed)) == key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Iraq", "Iran"),  # four letters: too short to call a typo
        ("Bakuu", "Baku"),
        ("Caspian See", "Caspian Sea"),  # the slip is in "Sea", three letters
        ("Tortos", "Tartus"),  # two slips
        ("Tehran", "Tehran"),  # right, not a near miss
        ("TEHRAN.", "Tehran"),
        ("Moscow", "Tehran"),
        ("", "Tehran"),
        ("Tarstu", "Tartus"),  # two slips: a swap and a wrong letter
    ],
)
def test_no_near_miss(typed, key):
    assert near_miss(accepted(key), Submission(text=typed)) == ""


def test_near_miss_shows_the_best_credited_spelling():
    options = [
        Option(pk=1, text="Tartus port", credit=Decimal(50)),
        Option(pk=2, text="Tartus", credit=Decimal(100)),
    ]
    assert near_miss(options, Submission(text="Tartis")) == "Tartus"


def test_wrong_options_are_never_shown_as_a_spelling():
    options = [
        Option(pk=1, text="Tehran"),
        Option(pk=2, text="Tartus", is_correct=False),
    ]
    assert near_miss(options, Submission(text="Tartos")) == ""


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("tartus", "tartus", 0),
        ("tartus", "tartsu", 1),
        ("tartus", "tratus", 1),
        ("tartus", "tarus", 1),
        ("tartus", "tartuss", 1),
        ("tartus", "tertus", 1),
        ("tartus", "tortos", 2),
        ("", "abc", 3),
        ("ca", "abc", 3),  # optimal string alignment: no edit of a swapped pair
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


# --- credit ---------------------------------------------------------------------


def test_short_answer_earns_the_best_credit_among_matching_forms():
    options = [
        Option(pk=1, text="Tartus", credit=Decimal(100)),
        Option(pk=2, text="a port in Syria", credit=Decimal(50)),
        Option(pk=3, text="port in Syria", credit=Decimal("33.33333")),
    ]
    assert short("Tartus", options) == 1
    assert short("A port in Syria.", options) == Decimal("0.5")
    assert short("in Syria", options) == 0


def test_single_choice_earns_the_chosen_options_credit():
    options = [
        Option(pk=1, text="Tartus", credit=Decimal(100)),
        Option(pk=2, text="Latakia", credit=Decimal(50)),
        Option(pk=3, text="Baku", is_correct=False, credit=Decimal(0)),
    ]
    assert grade_single(options, Submission(choice_ids=(1,))) == 1
    assert grade_single(options, Submission(choice_ids=(2,))) == Decimal("0.5")
    assert grade_single(options, Submission(choice_ids=(3,))) == 0
    assert grade_single(options, Submission(choice_ids=(1, 2))) == 0
    assert grade_single(options, Submission(choice_ids=(99,))) == 0


def test_a_wrong_option_earns_nothing_whatever_its_credit_says():
    options = [Option(pk=1, is_correct=False, credit=Decimal(100))]
    assert grade_single(options, Submission(choice_ids=(1,))) == 0


def test_numerical_earns_the_best_credit_whose_tolerance_covers_the_value():
    options = [
        Option(pk=1, value=Decimal(1822), tolerance=Decimal(0)),
        Option(pk=2, value=Decimal(1822), tolerance=Decimal(2), credit=Decimal(50)),
    ]
    number = lambda text: grade_numerical(options, Submission(text=text))  # noqa: E731
    assert number("1822") == 1
    assert number("1823") == Decimal("0.5")
    assert number("1820") == Decimal("0.5")
    assert number("1819") == 0
    assert number("۱۸۲۲") == 1  # Persian digits
    assert number("١٨٢٣") == Decimal("0.5")  # Arabic-Indic digits
    assert number("1,822") == 0  # ambiguous: asked again before grading


# --- numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("42", "42"),
        ("-7", "-7"),
        ("− 7", "-7"),  # a minus sign, spaced
        ("+3", "3"),
        ("3.5", "3.5"),
        ("3,5", "3.5"),  # decimal comma
        ("0,125", "0.125"),  # a leading zero is never a thousands group
        ("1234,567", "1234.567"),  # four digits before the comma: not grouped
        ("۳٫۵", "3.5"),  # Persian digits and the Arabic decimal sign U+066B
        ("٣٫٥", "3.5"),  # Arabic-Indic digits
        ("۱۴۰۲", "1402"),
        ("١٢٣٬٤٥٦", "123456"),  # Arabic thousands sign U+066C
        ("1,234.5", "1234.5"),  # thousands comma with a decimal point
        ("1.234,5", "1234.5"),  # thousands point with a decimal comma
        ("1,234,567", "1234567"),
        ("1.234.567", "1234567"),
        ("1 234 567", "1234567"),
        ("1\u202f234,5", "1234.5"),  # narrow no-break space between groups
        ("1.234", "1.234"),  # one point is always the decimal point
        ("１２", "12"),  # full-width digits
        ("1e3", "1000"),
        (" 12 ", "12"),
        ("5.", "5"),
        (",5", "0.5"),
    ],
)
def test_parse_number(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize(
    "typed",
    [
        "1,234",  # 1234 or 1.234? The learner is asked to write it unambiguously.
        "-1,234",
        "12,345",
        "abc",
        "",
        "1,23,4",
        "1,2345,678",
        "1.23.4",
        "1 23",
        "NaN",
        "Infinity",
        "1..2",
        "3,5,",
        "12 345,6 7",
    ],
)
def test_not_a_number(typed):
    assert parse_number(typed) is None


def test_only_a_single_three_digit_comma_group_is_ambiguous():
    assert is_ambiguous_number("1,234")
    assert is_ambiguous_number("۱,۲۳۴")
    assert not is_ambiguous_number("1,23")
    assert not is_ambiguous_number("0,234")
    assert not is_ambiguous_number("1,234.5")
