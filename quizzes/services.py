"""Workflows that cross models and need a transaction."""

import random
from contextlib import nullcontext
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from quizzes.grading import Submission
from quizzes.models import Answer, Attempt, Choice, Progress, Question, Quiz

HUNDRED = Decimal(100)


class QuizError(Exception):
    """A learner action that cannot be done; `code` says why."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def mark_read(*, learner, section) -> None:
    """Record that the learner has read the lesson; the first time counts."""
    table = connection.ops.quote_name(Progress._meta.db_table)
    # One upsert (SQLite and PostgreSQL alike) instead of an UPDATE and an INSERT:
    # a new row gets read_at, an existing one keeps the read_at it already had.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (learner_id, section_id, read_at, attempts_count) "
            "VALUES (%s, %s, %s, 0) ON CONFLICT (learner_id, section_id) "
            f"DO UPDATE SET read_at = COALESCE({table}.read_at, excluded.read_at)",
            [
                learner.pk,
                section.pk,
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )


def start_attempt(*, learner, quiz: Quiz, rng: random.Random | None = None) -> Attempt:
    """Resume the learner's unfinished attempt, or start a new one in a fresh order."""
    attempt = (
        Attempt.objects.for_learner(learner).unfinished().filter(quiz=quiz).first()
    )
    if attempt is not None:
        return attempt
    if quiz.max_attempts is not None:
        taken = Attempt.objects.for_learner(learner).filter(quiz=quiz).count()
        if taken >= quiz.max_attempts:
            raise QuizError(
                "You have used all the attempts this quiz allows.",
                code="no_attempts_left",
            )
    rng = rng or random.SystemRandom()
    questions = list(quiz.questions.published().prefetch_related("choices"))
    if not questions:
        raise QuizError("This quiz has no questions yet.", code="empty_quiz")
    rng.shuffle(questions)
    choice_order = {}
    for question in questions:
        ids = [choice.pk for choice in question.choices.all()]
        if question.kind != Question.Kind.TRUE_FALSE:
            rng.shuffle(ids)
        choice_order[str(question.pk)] = ids
    attempt = Attempt.objects.create(
        learner=learner,
        quiz=quiz,
        question_ids=[question.pk for question in questions],
        choice_order=choice_order,
        feedback_mode=quiz.feedback_mode,
        points_possible=sum(question.points for question in questions),
    )
    # No shared transaction needed: marking read is idempotent, and retried by finishing.
    mark_read(learner=learner, section=quiz.section)
    return attempt


def record_answer(
    *, attempt: Attempt, question: Question, submission: Submission
) -> Answer:
    """Save and grade one answer. A checked (locked) answer is never changed."""
    if attempt.is_finished:
        raise QuizError("This attempt is finished.", code="finished")
    fraction = question.grade(submission)
    values = {
        "response": submission.as_json(),
        "fraction": fraction,
        "points": fraction * question.points,
        "is_checked": attempt.shows_feedback_now,
        "answered_at": timezone.now(),
    }
    if attempt.shows_feedback_now:
        try:
            # One INSERT commits on its own; inside a caller's transaction it needs a
            # savepoint so that a conflict does not spoil that transaction.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                return Answer.objects.create(
                    attempt=attempt, question=question, **values
                )
        except IntegrityError:
            # Already answered (a second click, another tab): the first answer stands.
            return Answer.objects.get(attempt=attempt, question=question)
    # Deferred feedback: the learner may change the answer until the attempt is finished
    # (nothing is checked before then). One upsert, not a locked read and then a write.
    (answer,) = Answer.objects.bulk_create(
        [Answer(attempt=attempt, question=question, **values)],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=list(values),
    )
    return answer


def finish_attempt(*, attempt: Attempt) -> bool:
    """Grade the attempt and update Progress, once. Returns False if it was already finished."""
    now = timezone.now()
    with transaction.atomic():
        # Set when the attempt started; computed here only for attempts made elsewhere.
        possible = attempt.points_possible or Decimal(
            sum(
                Question.objects.filter(pk__in=attempt.question_ids).values_list(
                    "points", flat=True
                )
            )
        )
        # Plain values: Answer instances with .only() each loaded attempt_id in a query.
        earned = sum(attempt.answers.values_list("points", flat=True), Decimal(0))
        score = (
            (earned / possible * HUNDRED).quantize(Decimal("0.01"))
            if possible
            else Decimal(0)
        )
        passed = score >= attempt.quiz.pass_mark
        # The guarded UPDATE is the lock: only one request can move finished_at off NULL.
        if not Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(
            finished_at=now,
            points_earned=earned,
            points_possible=possible,
            score=score,
            passed=passed,
        ):
            return False
        attempt.finished_at, attempt.points_earned, attempt.points_possible = (
            now,
            earned,
            possible,
        )
        attempt.score, attempt.passed = score, passed
        progress = _record_progress(attempt=attempt, now=now)
        # Same transaction: the misses become review cards, the score moves mastery.
        from quizzes.review.services import attempt_finished

        attempt_finished(attempt=attempt, progress=progress, now=now)
    return True


def _record_progress(*, attempt: Attempt, now) -> Progress:
    section_id = attempt.quiz.section_id
    progress, _ = Progress.objects.select_for_update().get_or_create(
        learner_id=attempt.learner_id, section_id=section_id
    )
    progress.attempts_count = F("attempts_count") + 1
    progress.last_score = attempt.score
    progress.last_attempt_at = now
    if progress.best_score is None or attempt.score > progress.best_score:
        progress.best_score = attempt.score
    if attempt.passed and progress.first_passed_at is None:
        progress.first_passed_at = now
    if progress.read_at is None:
        progress.read_at = attempt.started_at
    progress.save()
    return progress


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


def set_status(*, question: Question, status: str) -> None:
    """Publish, archive or return a question to draft; raises ValidationError when it can't."""
    if status == Question.Status.PUBLISHED:
        question.publish()
    elif status == Question.Status.ARCHIVED:
        question.archive()
    else:
        question.status = Question.Status.DRAFT
        question.save(update_fields=["status", "needs_review", "updated_at"])


def delete_question(*, question: Question) -> None:
    """Drafts nobody answered can go; anything else is archived instead."""
    if question.has_answers():
        raise QuizError(
            "Learners have answered this question; archive it instead of deleting it.",
            code="answered",
        )
    question.delete()


def import_questions(*, quiz: Quiz, plan, user) -> list[Question]:
    """Write an import plan: all of it or, if anything is wrong, nothing. New ones are drafts."""
    if not plan.ok:
        raise QuizError(
            "The file has errors; nothing was imported.", code="invalid_file"
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
