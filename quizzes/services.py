"""Workflows that cross models and need a transaction."""

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
    """Create the choices in order (their ids are random: see Choice)."""
    choices = [
        Choice(
            question=question,
            position=position,
            **{k: v for k, v in row.items() if k != "id"},
        )
        for position, row in enumerate(rows, start=1)
    ]
    return Choice.objects.bulk_create(choices)


def import_questions(*, quiz: Quiz, plan, user) -> list[Question]:
    """Write an import plan: all of it or, if anything is wrong, nothing. Each question
    takes the status the plan gives it (a draft unless the file says otherwise and the
    rules of publishing allow it)."""
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
            question = save_question(
                question=question, choices=planned.choices, user=user
            )
            if planned.status != Question.Status.DRAFT:
                # The same rules as publishing or archiving one by one; a refusal
                # undoes the whole import.
                question.set_status(planned.status)
            saved.append(question)
    return saved


def set_statuses(*, quiz: Quiz, ids: list[int], status: str) -> list[Question]:
    """Publish or archive these current questions of the quiz, each by its own rules
    (Question.set_status): all of them, or, if any is refused, none. The refusals are
    raised together, one message per question, in the list's order."""
    questions = list(
        quiz.questions.current()
        .filter(pk__in=ids)
        .select_related("quiz__section")
        .order_by("position")
    )
    refusals = []
    with transaction.atomic():
        for question in questions:
            try:
                question.set_status(status)
            except ValidationError as error:
                refusals.extend(error.messages)
        if refusals:
            transaction.set_rollback(True)
    if refusals:
        raise ValidationError(refusals, code="refused")
    return questions
