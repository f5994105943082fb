"""FSRS scheduling for review cards, behind our own small types. Pure: no database.

A review's result becomes an FSRS rating: wrong = Again, partly right = Hard, right = Good.
FSRS's minute-long learning steps are replaced by days (a learner does not come back to a
quiz site ten minutes later): a new card goes straight to day intervals, and a question
missed after a long interval comes back the next day before its interval grows again.
Intervals are not fuzzed, so the day a question comes back is exactly what FSRS computes.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import fsrs
from django.utils.translation import gettext_lazy as _

SCHEDULER = fsrs.Scheduler(
    learning_steps=(), relearning_steps=(timedelta(days=1),), enable_fuzzing=False
)

STATE_CHOICES = [
    (fsrs.State.Learning.value, _("Learning")),
    (fsrs.State.Review.value, _("Review")),
    (fsrs.State.Relearning.value, _("Relearning")),
]
RATING_CHOICES = [
    (fsrs.Rating.Again.value, _("Again (wrong)")),
    (fsrs.Rating.Hard.value, _("Hard (partly right)")),
    (fsrs.Rating.Good.value, _("Good (right)")),
    (fsrs.Rating.Easy.value, _("Easy")),
]


@dataclass(frozen=True)
class CardState:
    """What is stored of a card's schedule."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


def rating_for(fraction: Decimal) -> fsrs.Rating:
    if fraction >= 1:
        return fsrs.Rating.Good
    if fraction > 0:
        return fsrs.Rating.Hard
    return fsrs.Rating.Again


def new_card(now: datetime) -> CardState:
    """A card due now, before any review."""
    return CardState(
        state=fsrs.State.Learning.value,
        step=0,
        stability=None,
        difficulty=None,
        due=now,
        last_review=None,
    )


def review(card: CardState, *, fraction: Decimal, now: datetime) -> CardState:
    """The card's schedule after an answer earning `fraction` of its points at `now`."""
    reviewed, _log = SCHEDULER.review_card(
        _to_fsrs(card), rating_for(fraction), review_datetime=_utc(now)
    )
    return CardState(
        state=reviewed.state.value,
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=reviewed.due,
        last_review=reviewed.last_review,
    )


def _utc(moment: datetime) -> datetime:
    # FSRS accepts only datetime.timezone.utc itself, not Django's or zoneinfo's UTC.
    return moment.astimezone(UTC)


def _to_fsrs(card: CardState) -> fsrs.Card:
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review) if card.last_review else None,
    )
