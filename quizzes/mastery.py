"""Mastery rules: how one learner's level in one lesson rises and falls. Pure: no database.

The rules, as the outline states them to learners:

- Attempted: you finished the lesson's quiz once.
- Familiar: your best quiz score is 70% or more.
- Proficient: you scored 100% in the quiz, or you passed it and then answered one of
  the lesson's questions right in review.
- Mastered: you were Proficient, and answered right in a review at least 3 days later.
- A quiz never lowers your level. A wrong answer in review drops it one level (never below
  Attempted); a partly right answer leaves it as it is. A right answer in review climbs
  back one level when the quiz results allow it; after a pass below 70% (a quiz whose
  pass mark is lower), it makes the lesson Proficient, as the Proficient rule says.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import IntEnum

from django.utils.translation import gettext_lazy as _


class Level(IntEnum):
    NOT_STARTED = 0
    ATTEMPTED = 1
    FAMILIAR = 2
    PROFICIENT = 3
    MASTERED = 4


LABELS = {
    Level.NOT_STARTED: _("Not started"),
    Level.ATTEMPTED: _("Attempted"),
    Level.FAMILIAR: _("Familiar"),
    Level.PROFICIENT: _("Proficient"),
    Level.MASTERED: _("Mastered"),
}
LEVEL_CHOICES = [(level.value, label) for level, label in LABELS.items()]
# Like Khan Academy's: what each level is worth towards the course's mastery points.
POINTS = {
    Level.NOT_STARTED: 0,
    Level.ATTEMPTED: 0,
    Level.FAMILIAR: 50,
    Level.PROFICIENT: 80,
    Level.MASTERED: 100,
}
MAX_POINTS = POINTS[Level.MASTERED]
FAMILIAR_SCORE = Decimal(70)
FULL_SCORE = Decimal(100)
MASTERED_AFTER = timedelta(days=3)
EVIDENCE_KEPT = 10


@dataclass(frozen=True)
class MasteryState:
    level: Level = Level.NOT_STARTED
    proficient_since: datetime | None = None


@dataclass(frozen=True)
class QuizRecord:
    """What the lesson's quiz results say, as they stand (from Progress)."""

    best_score: Decimal | None = None
    passed_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    state: MasteryState
    rule: str  # why: a code the page explains
    at: datetime


def _at_least(state: MasteryState, level: Level, at: datetime) -> MasteryState:
    if state.level >= level:
        return state
    since = at if level >= Level.PROFICIENT else None
    return MasteryState(level=level, proficient_since=since)


def after_quiz(state: MasteryState, *, score: Decimal, at: datetime) -> Change:
    """A finished quiz attempt: the level rises to what the score earns, never falls."""
    if score >= FULL_SCORE:
        target, rule = Level.PROFICIENT, "quiz_full_score"
    elif score >= FAMILIAR_SCORE:
        target, rule = Level.FAMILIAR, "quiz_familiar_score"
    else:
        target, rule = Level.ATTEMPTED, "quiz_attempted"
    new = _at_least(state, target, at)
    return Change(new, rule if new != state else "quiz_no_change", at)


def after_review(
    state: MasteryState, *, fraction: Decimal, record: QuizRecord, at: datetime
) -> Change:
    """An answer in review (or practice) to one of the lesson's questions."""
    if fraction <= 0:
        return _after_miss(state, at)
    if fraction < 1:
        return Change(state, "review_partly_right", at)
    level = state.level
    if level == Level.NOT_STARTED:
        return Change(_at_least(state, Level.ATTEMPTED, at), "review_attempted", at)
    passed = record.passed_at is not None and record.passed_at <= at
    if level == Level.ATTEMPTED:
        if record.best_score is not None and record.best_score >= FAMILIAR_SCORE:
            return Change(_at_least(state, Level.FAMILIAR, at), "review_regained", at)
        if passed:
            # A pass under 70% (the quiz's pass mark is lower): the Proficient rule
            # ("you passed it, then answered right in review") holds all the same.
            return Change(
                _at_least(state, Level.PROFICIENT, at), "review_right_after_pass", at
            )
    if level == Level.FAMILIAR and passed:
        return Change(
            _at_least(state, Level.PROFICIENT, at), "review_right_after_pass", at
        )
    if (
        level == Level.PROFICIENT
        and state.proficient_since is not None
        and at - state.proficient_since >= MASTERED_AFTER
    ):
        return Change(
            replace(state, level=Level.MASTERED), "review_right_days_later", at
        )
    return Change(state, "review_right", at)


def _after_miss(state: MasteryState, at: datetime) -> Change:
    if state.level <= Level.ATTEMPTED:
        return Change(
            _at_least(state, Level.ATTEMPTED, at), "review_missed_at_lowest", at
        )
    level = Level(state.level - 1)
    if level == Level.PROFICIENT:
        # Back to Proficient: Mastered again needs a right answer 3 days from now.
        return Change(MasteryState(level, proficient_since=at), "review_missed", at)
    return Change(MasteryState(level, proficient_since=None), "review_missed", at)


RULE_TEXT = {
    "quiz_attempted": _("you finished the quiz"),
    "quiz_familiar_score": _("you scored 70% or more in the quiz"),
    "quiz_full_score": _("you scored 100% in the quiz"),
    "review_attempted": _("you answered in review"),
    "review_regained": _("a right answer in review, with a quiz score of 70% or more"),
    "review_right_after_pass": _("a right answer in review after passing the quiz"),
    "review_right_days_later": _(
        "a right answer in review at least 3 days after becoming Proficient"
    ),
    "review_missed": _("a wrong answer in review"),
    "review_missed_at_lowest": _("you answered in review"),
}


def reason(evidence: list | None) -> dict | None:
    """The latest change of a stored evidence list as {"text", "at"}; None without one."""
    if not evidence:
        return None
    latest = evidence[0]
    text = RULE_TEXT.get(latest.get("rule"))
    if text is None:
        return None
    return {"text": text, "at": datetime.fromisoformat(latest["at"])}


def course_points(levels) -> tuple[int, int]:
    """Mastery points earned and possible over the lessons' levels."""
    levels = list(levels)
    return sum(POINTS[Level(level)] for level in levels), MAX_POINTS * len(levels)
