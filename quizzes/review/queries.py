"""What the review pages show: the round's next card with its current question."""

import random

from django.db import models
from django.utils import timezone

from quizzes.learning import LESSON_TEXT, QuestionItem
from quizzes.models import Attempt, Question, ReviewCard, ReviewLog

QUESTION_PATHS = ("quiz__section__article",)


def current_questions() -> "models.QuerySet[Question]":
    """Published current versions where learners see them, ready for a question card."""
    return (
        Question.objects.published()
        .filter(
            quiz__is_published=True,
            quiz__section__is_published=True,
            quiz__section__article__is_published=True,
        )
        .select_related(*QUESTION_PATHS)
        .defer(*LESSON_TEXT)
        .prefetch_related("choices")
    )


def next_in_round(
    learner, queue: list[int], due_by=None
) -> tuple[ReviewCard | None, Question | None]:
    """The first card of the queue still to answer (still due, in a review round), and its
    question: at most three queries, however long the queue or the question."""
    if not queue:
        return None, None
    cards = ReviewCard.objects.for_learner(learner).active().filter(pk__in=queue)
    if due_by is not None:
        cards = cards.filter(due__lte=due_by)
    by_id = {card.pk: card for card in cards}
    card = next((by_id[pk] for pk in queue if pk in by_id), None)
    if card is None:
        return None, None
    # A new version replaces the question shown; the card stays the same.
    question = current_questions().filter(identity=card.identity).first()
    return (card, question) if question else (None, None)


def review_item(card: ReviewCard, question: Question, *, number: int) -> QuestionItem:
    return QuestionItem(
        number=number,
        question=question,
        choices=list(question.choices.all()),
        answer=None,
        attempt=None,
    )


def shuffle_choices(item: QuestionItem, rng: random.Random) -> None:
    """A fresh order each time the question is shown; true/false keeps its order."""
    if item.question.kind != Question.Kind.TRUE_FALSE:
        rng.shuffle(item.choices)


def order_choices(item: QuestionItem, posted: list) -> None:
    """Show feedback in the order the learner saw, when the posted order is whole."""
    by_id = {str(choice.pk): choice for choice in item.choices}
    if sorted(map(str, posted)) == sorted(by_id):
        item.choices = [by_id[str(pk)] for pk in posted]


def missed_card_ids(attempt: Attempt) -> list[int]:
    """The learner's cards for the attempt's missed questions, in the attempt's order."""
    right = set(
        attempt.answers.filter(fraction__gte=1).values_list("question_id", flat=True)
    )
    missed = [qid for qid in attempt.question_ids if qid not in right]
    identities = dict(
        Question.objects.filter(pk__in=missed).values_list("pk", "identity")
    )
    cards = dict(
        ReviewCard.objects.for_learner(attempt.learner_id)
        .active()
        .filter(identity__in=identities.values())
        .values_list("identity", "pk")
    )
    return [
        cards[identities[qid]]
        for qid in missed
        if qid in identities and identities[qid] in cards
    ]


def days_until(moment) -> int:
    """Whole days from now until `moment` (at least 0)."""
    return max(0, (moment - timezone.now()).days)


def review_stats(question_ids) -> dict:
    """Review answers per question identity: count, right and average credit."""
    rows = (
        ReviewLog.objects.filter(question__identity__in=question_ids)
        .values("question__identity")
        .annotate(
            answers=models.Count("pk"),
            right=models.Count("pk", filter=models.Q(fraction__gte=1)),
            average=models.Avg("fraction"),
        )
    )
    return {row["question__identity"]: row for row in rows}
