"""A question's identity survives its versions; the data migration gives old chains one."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from quizzes.models import Question
from quizzes.services import save_question
from tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

migration = importlib.import_module("quizzes.migrations.0007_question_identity")


def rows(question: Question) -> list[dict]:
    return [
        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
        for c in question.choices.all()
    ]


def new_version(question: Question, user) -> Question:
    """Answered questions get a new version when edited."""
    from quizzes.models import Answer, Attempt

    attempt = Attempt.objects.create(
        learner=user, quiz=question.quiz, feedback_mode="immediate"
    )
    Answer.objects.create(attempt=attempt, question=question)
    question.prompt += " (edited)"
    return save_question(question=question, choices=rows(question), user=user)


def test_a_new_version_keeps_the_identity_and_a_new_question_gets_its_own(teacher):
    quiz = make_quiz()
    first = make_question(quiz)
    old_pk, identity = first.pk, first.identity
    second_version = new_version(first, teacher)
    assert second_version.pk != old_pk
    assert second_version.identity == identity
    assert make_question(quiz).identity != identity


def test_only_one_current_version_per_identity(teacher):
    question = make_question(make_quiz())
    old_pk = question.pk
    new_version(question, teacher)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=old_pk).update(is_current=True)


def test_the_migration_gives_each_version_chain_one_identity(teacher):
    quiz = make_quiz()
    chain = [make_question(quiz)]
    first_pk = chain[0].pk
    for _ in range(2):
        chain.append(new_version(chain[-1], teacher))
    other = make_question(quiz)
    # As before the migration: every row its own identity.
    for question in Question.objects.all():
        Question.objects.filter(pk=question.pk).update(identity=uuid.uuid4())
    migration.give_each_chain_one_identity(apps, None)
    versions = Question.objects.filter(quiz=quiz).exclude(pk=other.pk)
    assert versions.count() == 3
    identities = set(versions.values_list("identity", flat=True))
    assert len(identities) == 1
    assert Question.objects.get(pk=other.pk).identity not in identities
    assert Question.objects.get(pk=first_pk).identity in identities
