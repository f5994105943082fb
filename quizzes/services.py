"""Workflows that cross models and need a transaction."""

import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from quizzes.models import Answer, Choice, Question, Quiz


def save_question(*, question: Question, choices: list[dict], user) -> Question:
    """Save an edited question with its choices, in order.

    A question that learners have answered is never changed: the edit becomes a new
    version, and past answers keep pointing at the version they answered.
    """
    with transaction.atomic():
        if question.pk and Answer.objects.filter(question_id=question.pk).exists():
            return _save_new_version(question=question, choices=choices, user=user)
        if question.pk is None:
            question.created_by = user
            if question.position is None:
                last = question.quiz.questions.current().aggregate(
                    last=Max("position")
                )["last"]
                question.position = (last or 0) + 1
        question.updated_by = user
        question.save()
        # Nobody answered it, so nothing points at its choices: write them afresh.
        question.choices.all().delete()
        create_choices(question, choices)
    return question


def _save_new_version(*, question: Question, choices: list[dict], user) -> Question:
    previous_pk = question.pk
    Question.objects.filter(pk=previous_pk).update(is_current=False)
    question.pk = None
    question._state.adding = True
    question.previous_version_id = previous_pk
    question.version += 1
    question.is_current = True
    question.updated_by = user
    question.save()
    create_choices(question, choices)
    return question


def create_choices(question: Question, rows: list[dict]) -> list[Choice]:
    """Create the choices in a random order of ids: an option's id must not tell the
    learner where the teacher put it, and teachers often write the right one first."""
    choices = [
        Choice(
            question=question,
            position=position,
            **{k: v for k, v in row.items() if k != "id"},
        )
        for position, row in enumerate(rows, start=1)
    ]
    random.SystemRandom().shuffle(choices)
    return Choice.objects.bulk_create(choices)


def import_questions(*, quiz: Quiz, plan, user) -> list[Question]:
    """Write an import plan: all of it or, if anything is wrong, nothing. New ones are drafts."""
    if not plan.ok:
        raise ValidationError(
            _("The file has errors; nothing was imported."), code="invalid_file"
        )
    saved = []
    with transaction.atomic():
        last = (
            quiz.questions.current()
            .order_by("-position")
            .values_list("position", flat=True)
        )
        position = (last.first() or 0) + 1
        for planned in plan.questions:
            question = planned.existing
            if question is None:
                question = Question(quiz=quiz, position=position)
                position += 1
            for name, value in planned.fields.items():
                setattr(question, name, value)
            question.status = Question.Status.DRAFT
            saved.append(
                save_question(question=question, choices=planned.choices, user=user)
            )
    return saved
