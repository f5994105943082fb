"""Every transition of the mastery rules, without a database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from quizzes.mastery import (
    POINTS,
    Level,
    MasteryState,
    QuizRecord,
    after_quiz,
    after_review,
    course_points,
    reason,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RIGHT, PARTLY, WRONG = Decimal(1), Decimal("0.5"), Decimal(0)
PASSED = QuizRecord(best_score=Decimal(80), passed_at=T0)


def state(level: Level, since: datetime | None = None) -> MasteryState:
    return MasteryState(level=level, proficient_since=since)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (Decimal(0), Level.ATTEMPTED),
        (Decimal("69.99"), Level.ATTEMPTED),
        (Decimal(70), Level.FAMILIAR),
        (Decimal("99.5"), Level.FAMILIAR),
        (Decimal(100), Level.PROFICIENT),
    ],
)
def test_a_first_quiz_sets_the_level_its_score_earns(score, level):
    change = after_quiz(MasteryState(), score=score, at=T0)
    assert change.state.level == level


def test_a_full_score_starts_the_proficient_clock():
    change = after_quiz(state(Level.FAMILIAR), score=Decimal(100), at=T0)
    assert change.state == state(Level.PROFICIENT, T0)
    assert change.rule == "quiz_full_score"


def test_a_worse_quiz_never_lowers_the_level():
    for level in (Level.FAMILIAR, Level.PROFICIENT, Level.MASTERED):
        before = state(level, T0 if level >= Level.PROFICIENT else None)
        change = after_quiz(before, score=Decimal(10), at=T0 + timedelta(days=1))
        assert change.state == before
        assert change.rule == "quiz_no_change"


def test_another_full_score_keeps_the_proficient_clock_running():
    before = state(Level.PROFICIENT, T0)
    change = after_quiz(before, score=Decimal(100), at=T0 + timedelta(days=2))
    assert change.state.proficient_since == T0


def test_a_right_review_after_a_pass_makes_familiar_proficient():
    later = T0 + timedelta(hours=2)
    change = after_review(
        state(Level.FAMILIAR), fraction=RIGHT, record=PASSED, at=later
    )
    assert change.state == state(Level.PROFICIENT, later)
    assert change.rule == "review_right_after_pass"


def test_a_right_review_without_a_pass_keeps_familiar():
    record = QuizRecord(best_score=Decimal(75), passed_at=None)  # pass mark above 75
    change = after_review(state(Level.FAMILIAR), fraction=RIGHT, record=record, at=T0)
    assert change.state.level == Level.FAMILIAR


def test_mastered_needs_a_right_review_three_days_after_proficient():
    proficient = state(Level.PROFICIENT, T0)
    too_soon = after_review(
        proficient, fraction=RIGHT, record=PASSED, at=T0 + timedelta(days=2, hours=23)
    )
    assert too_soon.state.level == Level.PROFICIENT
    in_time = after_review(
        proficient, fraction=RIGHT, record=PASSED, at=T0 + timedelta(days=3)
    )
    assert in_time.state.level == Level.MASTERED
    assert in_time.rule == "review_right_days_later"


def test_mastered_stays_mastered_on_a_right_review():
    before = state(Level.MASTERED, T0)
    change = after_review(before, fraction=RIGHT, record=PASSED, at=T0)
    assert change.state == before


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Level.MASTERED, Level.PROFICIENT),
        (Level.PROFICIENT, Level.FAMILIAR),
        (Level.FAMILIAR, Level.ATTEMPTED),
        (Level.ATTEMPTED, Level.ATTEMPTED),
    ],
)
def test_a_wrong_review_drops_one_level_never_below_attempted(before, after):
    since = T0 if before >= Level.PROFICIENT else None
    change = after_review(
        state(before, since), fraction=WRONG, record=PASSED, at=T0 + timedelta(days=5)
    )
    assert change.state.level == after


def test_dropping_from_mastered_restarts_the_three_days():
    missed_at = T0 + timedelta(days=10)
    change = after_review(
        state(Level.MASTERED, T0), fraction=WRONG, record=PASSED, at=missed_at
    )
    assert change.state == state(Level.PROFICIENT, missed_at)
    back_too_soon = after_review(
        change.state, fraction=RIGHT, record=PASSED, at=missed_at + timedelta(days=1)
    )
    assert back_too_soon.state.level == Level.PROFICIENT


def test_dropping_below_proficient_clears_its_clock():
    change = after_review(
        state(Level.PROFICIENT, T0), fraction=WRONG, record=PASSED, at=T0
    )
    assert change.state == state(Level.FAMILIAR, None)


def test_a_partly_right_review_changes_nothing():
    for level in Level:
        before = state(level, T0 if level >= Level.PROFICIENT else None)
        change = after_review(before, fraction=PARTLY, record=PASSED, at=T0)
        assert change.state == before


def test_a_right_review_climbs_back_to_familiar_when_the_quiz_allows():
    change = after_review(state(Level.ATTEMPTED), fraction=RIGHT, record=PASSED, at=T0)
    assert change.state.level == Level.FAMILIAR
    low = QuizRecord(best_score=Decimal(40), passed_at=None)
    stays = after_review(state(Level.ATTEMPTED), fraction=RIGHT, record=low, at=T0)
    assert stays.state.level == Level.ATTEMPTED


def test_a_pass_below_70_percent_then_a_right_review_makes_proficient():
    """A quiz whose pass mark is 50%: passed at 60%, the lesson is only Attempted;
    "you passed it, then answered right in review" makes it Proficient."""
    low_pass = QuizRecord(best_score=Decimal(60), passed_at=T0)
    later = T0 + timedelta(hours=1)
    change = after_review(
        state(Level.ATTEMPTED), fraction=RIGHT, record=low_pass, at=later
    )
    assert change.state == state(Level.PROFICIENT, later)
    assert change.rule == "review_right_after_pass"
    missed = after_review(
        state(Level.ATTEMPTED), fraction=WRONG, record=low_pass, at=later
    )
    assert missed.state.level == Level.ATTEMPTED


def test_a_review_before_any_quiz_counts_as_attempted():
    for fraction in (RIGHT, WRONG):
        change = after_review(
            MasteryState(), fraction=fraction, record=QuizRecord(), at=T0
        )
        assert change.state.level == Level.ATTEMPTED


def test_points_follow_khan_academy_and_add_up_over_the_course():
    assert [POINTS[level] for level in Level] == [0, 0, 50, 80, 100]
    assert course_points([Level.MASTERED, Level.FAMILIAR, Level.NOT_STARTED]) == (
        150,
        300,
    )


def test_the_reason_shown_is_the_latest_change_in_words():
    assert reason(None) is None and reason([]) is None
    evidence = [
        {"at": T0.isoformat(), "rule": "review_missed", "from": 3, "to": 2},
        {"at": (T0 - timedelta(days=2)).isoformat(), "rule": "quiz_full_score"},
    ]
    assert reason(evidence) == {"text": "a wrong answer in review", "at": T0}
    every_change = [
        "quiz_attempted",
        "quiz_familiar_score",
        "quiz_full_score",
        "review_attempted",
        "review_regained",
        "review_right_after_pass",
        "review_right_days_later",
        "review_missed",
        "review_missed_at_lowest",
    ]
    for rule in every_change:
        assert reason([{"at": T0.isoformat(), "rule": rule}]) is not None, rule
