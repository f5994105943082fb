"""The FSRS adapter: ratings from results, and the days a missed question comes back."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import fsrs

from quizzes.review import scheduling

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_wrong_is_again_partly_right_is_hard_right_is_good():
    assert scheduling.rating_for(Decimal(0)) == fsrs.Rating.Again
    assert scheduling.rating_for(Decimal("0.01")) == fsrs.Rating.Hard
    assert scheduling.rating_for(Decimal("0.99")) == fsrs.Rating.Hard
    assert scheduling.rating_for(Decimal(1)) == fsrs.Rating.Good


def test_a_missed_question_comes_back_the_next_day_and_then_further_apart():
    card = scheduling.review(scheduling.new_card(T0), fraction=Decimal(0), now=T0)
    assert card.due == T0 + timedelta(days=1)
    days = []
    for _ in range(3):
        now = card.due
        card = scheduling.review(card, fraction=Decimal(1), now=now)
        days.append((card.due - now).days)
    # Each right answer pushes the next review further away.
    assert days[0] >= 1 and days[0] < days[1] < days[2]


def test_a_right_answer_waits_longer_than_a_partly_right_one():
    start = scheduling.review(scheduling.new_card(T0), fraction=Decimal(0), now=T0)
    now = start.due
    hard = scheduling.review(start, fraction=Decimal("0.5"), now=now)
    good = scheduling.review(start, fraction=Decimal(1), now=now)
    assert now < hard.due < good.due


def test_scheduling_is_the_same_for_the_same_answers():
    def run():
        card = scheduling.new_card(T0)
        for fraction in ("0", "1", "0.5", "1", "1"):
            card = scheduling.review(card, fraction=Decimal(fraction), now=card.due)
        return card

    assert run() == run()


def test_a_miss_after_a_long_interval_brings_the_question_back_the_next_day():
    card = scheduling.review(scheduling.new_card(T0), fraction=Decimal(1), now=T0)
    for _ in range(4):
        card = scheduling.review(card, fraction=Decimal(1), now=card.due)
    long_interval = card.due - card.last_review
    missed = scheduling.review(card, fraction=Decimal(0), now=card.due)
    assert long_interval > timedelta(days=20)
    assert missed.due - missed.last_review == timedelta(days=1)
    relearnt = scheduling.review(missed, fraction=Decimal(1), now=missed.due)
    assert timedelta(days=1) <= relearnt.due - relearnt.last_review < long_interval


def test_any_time_zone_is_accepted():
    from zoneinfo import ZoneInfo

    local = T0.astimezone(ZoneInfo("Asia/Tehran"))
    card = scheduling.review(scheduling.new_card(local), fraction=Decimal(0), now=local)
    assert card.due == T0 + timedelta(days=1)
