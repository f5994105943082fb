"""Review answers at the same moment (double clicks, two tabs): PostgreSQL only."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from quizzes.grading import Submission
from quizzes.models import Mastery, Question, ReviewCard, ReviewLog
from quizzes.review import scheduling, services
from tests.factories import make_question, make_quiz, make_user
from tests.quizzes.test_concurrency import THREADS, run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrency tests need PostgreSQL (set DATABASE_URL); SQLite serialises writers.",
    ),
]


def card_for(learner, question: Question) -> ReviewCard:
    from dataclasses import asdict

    return ReviewCard.objects.create(
        learner=learner,
        identity=question.identity,
        **asdict(scheduling.new_card(timezone.now())),
    )


def right(question: Question) -> Submission:
    return Submission(
        choice_ids=tuple(c.pk for c in question.choices.all() if c.is_correct)
    )


def review(card_id: int, question_id: int, seen: int):
    card = ReviewCard.objects.get(pk=card_id)
    question = (
        Question.objects.prefetch_related("choices")
        .select_related("quiz")
        .get(pk=question_id)
    )
    return services.record_review(
        card=card,
        question=question,
        submission=right(question),
        seen_reviews=seen,
        source=ReviewLog.Source.REVIEW,
        now=timezone.now(),
    )


def test_the_same_review_answer_posted_at_once_is_logged_once():
    learner = make_user()
    question = make_question(make_quiz())
    card = card_for(learner, question)
    results = run_at_once(lambda _: review(card.pk, question.pk, 0))
    logged = [r for r in results if isinstance(r, ReviewLog)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(logged) == 1 and len(refused) == THREADS - 1, results
    card.refresh_from_db()
    assert card.reviews == 1
    assert ReviewLog.objects.count() == 1


def test_answers_to_different_cards_of_one_lesson_at_once_make_one_mastery_row():
    learner = make_user()
    quiz = make_quiz()
    questions = [make_question(quiz) for _ in range(THREADS)]
    cards = [card_for(learner, question) for question in questions]
    results = run_at_once(lambda i: review(cards[i].pk, questions[i].pk, 0))
    assert all(isinstance(r, ReviewLog) for r in results), results
    assert Mastery.objects.filter(learner=learner).count() == 1
    assert ReviewLog.objects.filter(fraction=Decimal(1)).count() == THREADS
