"""What the review pages show: the round's next card with its current question."""

import random
from dataclasses import dataclass

from django.db import models

from quizzes.learning import LESSON_TEXT, LessonState, QuestionItem, with_mastery
from quizzes.models import (
    Attempt,
    Choice,
    Progress,
    Question,
    ReviewCard,
)
from relations.models import Section

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


@dataclass
class Round:
    """A review session or practice round: the cards it took, each with the review count
    it had then. A card whose count has moved since was answered in this round."""

    queue: list[tuple[int, int]]
    source: str = ""

    @classmethod
    def from_session(cls, data) -> "Round":
        data = data or {}
        return cls(
            queue=[(int(pk), int(n)) for pk, n in data.get("queue", [])],
            source=data.get("source", ""),
        )

    def as_session(self) -> dict:
        return {"queue": self.queue, "source": self.source}

    @classmethod
    def of(cls, cards, source: str) -> "Round":
        return cls(queue=[(card.pk, card.reviews) for card in cards], source=source)


@dataclass
class RoundState:
    """Where the learner is in a round: one query for its cards."""

    pending: list[ReviewCard]
    done: int

    @property
    def total(self) -> int:
        return self.done + len(self.pending)

    @property
    def current(self) -> ReviewCard | None:
        return self.pending[0] if self.pending else None

    def after(self, card: ReviewCard) -> "RoundState":
        """The round once this card is answered (a card from outside it changes nothing)."""
        return RoundState(
            pending=[c for c in self.pending if c.pk != card.pk],
            done=self.done + (card in self.pending),
        )


def round_state(learner, round_: Round, due_by=None) -> RoundState:
    """The round's cards still to answer (still due, in a review round) in its order."""
    if not round_.queue:
        return RoundState(pending=[], done=0)
    cards = ReviewCard.objects.for_learner(learner).active()
    by_id = {
        card.pk: card for card in cards.filter(pk__in=[pk for pk, _ in round_.queue])
    }
    pending, done = [], 0
    for pk, reviews in round_.queue:
        card = by_id.get(pk)
        if card is None:
            continue
        if card.reviews != reviews:
            done += 1
        elif due_by is None or card.due <= due_by:
            pending.append(card)
    return RoundState(pending=pending, done=done)


def question_for(card: ReviewCard, question_id: int | None = None) -> Question | None:
    """The card's question with its choices, in one query: the current published version,
    or the posted version if it is the card's and still current."""
    choices = Choice.objects.filter(
        question__in=current_questions().filter(identity=card.identity)
    )
    if question_id is not None:
        choices = choices.filter(question_id=question_id)
    choices = list(
        choices.select_related(*(f"question__{path}" for path in QUESTION_PATHS))
        .defer(*(f"question__{field}" for field in LESSON_TEXT))
        .order_by("position")
    )
    if not choices:
        return None
    question = choices[0].question
    # What prefetch_related("choices") would have stored, without its second query.
    question._prefetched_objects_cache = {"choices": choices}
    return question


def review_item(card: ReviewCard, question: Question, *, number: int) -> QuestionItem:
    item = QuestionItem(
        number=number,
        question=question,
        choices=list(question.choices.all()),
        answer=None,
        attempt=None,
    )
    # One card on the page: its ids follow the swapped element's, so that the script
    # that focuses "<target>-feedback" after a swap finds it.
    item.dom_id = "review-card"
    return item


def shuffle_choices(item: QuestionItem, rng: random.Random) -> None:
    """A fresh order each time the question is shown; true/false keeps its order."""
    if item.question.rules.shuffles_choices:
        rng.shuffle(item.choices)


def order_choices(item: QuestionItem, posted: list) -> None:
    """Show feedback in the order the learner saw, when the posted order is whole."""
    by_id = {str(choice.pk): choice for choice in item.choices}
    if sorted(map(str, posted)) == sorted(by_id):
        item.choices = [by_id[str(pk)] for pk in posted]


def missed_cards(attempt: Attempt) -> list[ReviewCard]:
    """The learner's cards for the attempt's missed questions, in the attempt's order."""
    right = set(
        attempt.answers.filter(fraction__gte=1).values_list("question_id", flat=True)
    )
    missed = [qid for qid in attempt.question_ids if qid not in right]
    identities = dict(
        Question.objects.filter(pk__in=missed).values_list("pk", "identity")
    )
    cards = {
        card.identity: card
        for card in ReviewCard.objects.for_learner(attempt.learner_id)
        .active()
        .filter(identity__in=identities.values())
    }
    return [
        cards[identities[qid]]
        for qid in missed
        if qid in identities and identities[qid] in cards
    ]


def for_results(attempt: Attempt, items) -> dict:
    """What the results page shows about mastery and review: three queries."""
    section = attempt.quiz.section
    identities = [item.question.identity for item in items]
    progress = with_mastery(
        Progress.objects.filter(learner_id=attempt.learner_id, section=section)
    ).first()
    following = None
    if attempt.passed:
        following = (
            Section.objects.published()
            .filter(article_id=section.article_id, position__gt=section.position)
            .order_by("position")
            .first()
        )
    return {
        "missed": sum(1 for item in items if item.result != "right"),
        "review_identities": set(
            ReviewCard.objects.filter(learner_id=attempt.learner_id)
            .active()
            .filter(identity__in=identities)
            .values_list("identity", flat=True)
        ),
        "mastery": LessonState(section=section, progress=progress, has_quiz=True),
        "next_lesson": following,
    }
