"""Concurrent requests against one database: what must hold when learners double-click,
open two tabs or hammer the server. PostgreSQL only: SQLite serialises all writers."""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections

from quizzes.grading import Submission
from quizzes.models import Answer, Attempt, Progress
from tests.factories import make_quiz_with_questions, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrency tests need PostgreSQL (set DATABASE_URL); SQLite serialises writers.",
    ),
]
THREADS = 8


def run_at_once(target: Callable[[int], object]) -> list:
    """Run target(i) in THREADS threads released together; return results or exceptions."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as error:  # the assertion reports it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def answer_all_right(attempt: Attempt) -> None:
    for question in attempt.quiz.questions.published().prefetch_related("choices"):
        right = [c for c in question.choices.all() if c.is_correct]
        if question.kind == "short":
            submission = Submission(text=right[0].text)
        else:
            submission = Submission(choice_ids=tuple(c.pk for c in right))
        attempt.record_answer(question=question, submission=submission)


def test_eight_threads_finishing_one_attempt_grade_it_once():
    learner = make_user()
    quiz = make_quiz_with_questions(4)
    attempt = Attempt.objects.start(learner=learner, quiz=quiz)
    answer_all_right(attempt)

    results = run_at_once(lambda i: Attempt.objects.get(pk=attempt.pk).finish())

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1 and results.count(False) == THREADS - 1
    progress = Progress.objects.get(learner=learner, section=quiz.section)
    assert progress.attempts_count == 1
    assert progress.best_score == Decimal("100.00")


def test_eight_attempts_of_one_learner_finished_at_once_all_count():
    learner = make_user()
    quiz = make_quiz_with_questions(4)
    attempts = []
    for index in range(THREADS):
        attempt = Attempt.objects.create(
            learner=learner,
            quiz=quiz,
            question_ids=list(quiz.questions.values_list("pk", flat=True)),
            feedback_mode=quiz.feedback_mode,
        )
        if index == 3:
            answer_all_right(attempt)  # one perfect attempt among failures
        attempts.append(attempt)

    results = run_at_once(lambda i: attempts[i].finish())

    assert results == [True] * THREADS, results
    progress = Progress.objects.get(learner=learner, section=quiz.section)
    assert progress.attempts_count == THREADS
    assert progress.best_score == Decimal("100.00")
    passed = Attempt.objects.get(pk=attempts[3].pk)
    assert progress.first_passed_at is not None
    assert progress.first_passed_at >= passed.started_at


def test_eight_threads_checking_one_question_store_one_answer():
    learner = make_user()
    quiz = make_quiz_with_questions(4)
    attempt = Attempt.objects.start(learner=learner, quiz=quiz)
    question = quiz.questions.get(kind="single")
    choices = list(question.choices.all())

    def check(index: int) -> int:
        submission = Submission(choice_ids=(choices[index % len(choices)].pk,))
        return attempt.record_answer(question=question, submission=submission).pk

    results = run_at_once(check)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Answer.objects.filter(attempt=attempt, question=question).count() == 1
    assert len(set(results)) == 1, "every request must see the one stored answer"


def test_eight_threads_starting_one_quiz_share_one_attempt():
    learner = make_user()
    quiz = make_quiz_with_questions(4)

    results = run_at_once(
        lambda i: Attempt.objects.start(learner=learner, quiz=quiz).pk
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Attempt.objects.filter(learner=learner, quiz=quiz).count() == 1
    assert len(set(results)) == 1, "a double click must resume, not start another"
