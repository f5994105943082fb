"""Review workflows: cards from a finished attempt, review answers, and mastery with them.

Each runs in the transaction of the answer that causes it, so a card, its log and the
lesson's mastery never disagree.
"""

import bisect
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from quizzes import grading, mastery
from quizzes.models import (
    Answer,
    Attempt,
    Mastery,
    Progress,
    Question,
    ReviewCard,
    ReviewLog,
)
from quizzes.review import scheduling

# The navigation's "Review (N)" reads the learner's due times from the cache: no query on
# a page. Every change to the learner's cards writes them afresh; the outline reads them
# afresh after a course change (ensure_due_times) and Review every time; the timeout
# bounds what a change outside the app can leave stale.
DUE_CACHE_TIMEOUT = int(timedelta(hours=1).total_seconds())
DUE_TIMES_KEPT = 500


def due_key(learner_id: int) -> str:
    return f"review-due:{learner_id}"


def _due_stamp_key(learner_id: int) -> str:
    return f"review-due-stamp:{learner_id}"


def ensure_due_times(learner_id: int) -> None:
    """The learner's due times, read afresh unless the cached ones are still current.

    Which cards are active also depends on the course (a question archived, a lesson
    unpublished): where the page cache's stamps are kept (quizzes.pages), the due times
    are current while the stamp of everything but learners' own data is the one they were
    read under; the learner's own card changes forget them (`_cards_changed`). Without
    the stamps, they are read afresh every time."""
    from quizzes import pages

    if pages.enabled():
        keys = [due_key(learner_id), _due_stamp_key(learner_id), pages.SHARED_STAMP]
        found = cache.get_many(keys)
        stamp = found.get(pages.SHARED_STAMP)
        if found.get(keys[0]) is not None and stamp and found.get(keys[1]) == stamp:
            return
    refresh_due_times(learner_id)


def refresh_due_times(learner_id: int) -> list[float]:
    """The learner's active cards' due times, cached: one query."""
    from quizzes import pages

    # Read before the cards: a course change committed after this renews the stamp.
    stamp = cache.get(pages.SHARED_STAMP) if pages.enabled() else None
    times = [
        due.timestamp()
        for due in ReviewCard.objects.filter(learner_id=learner_id)
        .active()
        .order_by("due")
        .values_list("due", flat=True)[:DUE_TIMES_KEPT]
    ]
    values = {due_key(learner_id): times}
    if stamp:
        values[_due_stamp_key(learner_id)] = stamp
    cache.set_many(values, DUE_CACHE_TIMEOUT)
    return times


def due_count(times: list[float], now: datetime) -> int:
    return bisect.bisect_right(times, now.timestamp())


def cached_due_count(learner, now: datetime) -> int | None:
    """Cards due now, from the cache; None when it is not known (no query)."""
    times = cache.get(due_key(learner.pk))
    return None if times is None else due_count(times, now)


def _cards_changed(learner_id: int) -> None:
    """Forget the cached due times now; read them afresh once the change is committed."""
    cache.delete(due_key(learner_id))
    transaction.on_commit(lambda: refresh_due_times(learner_id))


def attempt_finished(*, attempt: Attempt, now: datetime) -> None:
    """In the transaction that finishes the attempt: its misses become review cards
    (or update theirs), and the lesson's mastery takes the score."""
    answered = Answer.objects.filter(attempt=attempt, question=models.OuterRef("pk"))
    rows = (
        Question.objects.filter(pk__in=attempt.question_ids)
        .annotate(fraction=models.Subquery(answered.values("fraction")[:1]))
        .values_list("identity", "fraction")
    )
    # Unanswered questions scored zero: they are missed too.
    missed = {
        identity: fraction or Decimal(0)
        for identity, fraction in rows
        if fraction is None or fraction < 1
    }
    if missed:
        _schedule(learner_id=attempt.learner_id, results=missed, now=now)
    _update_mastery(
        learner_id=attempt.learner_id,
        section_id=attempt.quiz.section_id,
        rule=lambda state, _record: mastery.after_quiz(
            state, score=attempt.score, at=now
        ),
    )


CARD_SCHEDULE = ["state", "step", "stability", "difficulty", "due", "last_review"]


def _schedule(*, learner_id: int, results: dict, now: datetime) -> None:
    """Schedule each question identity with its result: new cards and updated ones in
    one upsert, after one locked read of the existing ones."""
    cards = {
        card.identity: card
        for card in ReviewCard.objects.select_for_update().filter(
            learner_id=learner_id, identity__in=list(results)
        )
    }
    for identity, fraction in results.items():
        card = cards.get(identity)
        if card is None:
            card = cards[identity] = ReviewCard(
                learner_id=learner_id, identity=identity, created_at=now
            )
            card.take(scheduling.new_card(now))
        card.take(scheduling.review(card.schedule, fraction=fraction, now=now))
        card.is_retired = False
    ReviewCard.objects.bulk_create(
        list(cards.values()),
        update_conflicts=True,
        unique_fields=["learner", "identity"],
        update_fields=[*CARD_SCHEDULE, "is_retired"],
    )
    _cards_changed(learner_id)


def _update_mastery(*, learner_id: int, section_id: int, rule) -> Mastery:
    """Apply rule(state, quiz record) to the lesson's mastery, the row locked and read
    with the quiz record (best score, first pass) in one query; then one upsert."""
    progress = Progress.objects.filter(learner_id=learner_id, section_id=section_id)
    row = (
        Mastery.objects.select_for_update()
        .filter(learner_id=learner_id, section_id=section_id)
        .annotate(
            best_score=models.Subquery(progress.values("best_score")[:1]),
            passed_at=models.Subquery(progress.values("first_passed_at")[:1]),
        )
        .first()
    )
    if row is None:
        # Only before the lesson's first finished attempt; one more query then.
        row = Mastery(learner_id=learner_id, section_id=section_id)
        row.best_score, row.passed_at = progress.values_list(
            "best_score", "first_passed_at"
        ).first() or (None, None)
    record = mastery.QuizRecord(best_score=row.best_score, passed_at=row.passed_at)
    row.apply(rule(row.state, record))
    # An upsert: the row may be new, and another request may have just made it.
    Mastery.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["learner", "section"],
        update_fields=["level", "points", "proficient_since", "evidence"]
        + ["updated_at"],
    )
    return row


def add_to_review(*, learner, question: Question, now: datetime) -> ReviewCard:
    """The learner asks to review a question they answered right: a card, as if
    reviewed right now (it comes back in a few days). An existing card stays as it is."""
    if not Answer.objects.filter(
        attempt__learner=learner,
        attempt__finished_at__isnull=False,
        question__identity=question.identity,
    ).exists():
        raise ValidationError(
            _("Answer this question in a quiz before adding it to review."),
            code="not_answered",
        )
    with transaction.atomic():
        card, created = ReviewCard.objects.get_or_create(
            learner_id=learner.pk,
            identity=question.identity,
            defaults={"created_at": now, **asdict(scheduling.new_card(now))},
        )
        if created:
            card.take(scheduling.review(card.schedule, fraction=Decimal(1), now=now))
            card.save()
            _cards_changed(learner.pk)
    return card


def record_review(
    *,
    card: ReviewCard,
    question: Question,
    submission: grading.Submission,
    seen_reviews: int,
    source: str,
    now: datetime,
    order: list[int] | None = None,
) -> ReviewLog:
    """Grade a review answer, log it, reschedule the card and update the lesson's mastery.

    `seen_reviews` is the card's review count when the question was shown: a second
    post of the same answer (another click, another tab) is refused.
    """
    if question.identity != card.identity:
        raise ValidationError(
            _("That question is not this card's."), code="wrong_question"
        )
    fraction = question.grade(submission)
    response = submission.as_json()
    if order:
        response["order"] = order
    with transaction.atomic():
        if card.reviews != seen_reviews:
            raise ValidationError(
                _("You have already answered this question."),
                code="already_answered",
            )
        card.take(scheduling.review(card.schedule, fraction=fraction, now=now))
        # Guarded: of two posts of one shown question, only the first moves the card.
        moved = ReviewCard.objects.filter(pk=card.pk, reviews=seen_reviews).update(
            reviews=seen_reviews + 1,
            **{name: getattr(card, name) for name in CARD_SCHEDULE},
        )
        if not moved:
            raise ValidationError(
                _("You have already answered this question."),
                code="already_answered",
            )
        card.reviews = seen_reviews + 1
        log = ReviewLog.objects.create(
            card=card,
            question=question,
            rating=scheduling.rating_for(fraction).value,
            source=source,
            reviewed_at=now,
            response=response,
            fraction=fraction,
            points=fraction * question.points,
            due_after=card.due,
        )
        _update_mastery(
            learner_id=card.learner_id,
            section_id=question.quiz.section_id,
            rule=lambda state, record: mastery.after_review(
                state, fraction=fraction, record=record, at=now
            ),
        )
        _cards_changed(card.learner_id)
    return log
