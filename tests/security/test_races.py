"""Races an attacker can start with a few parallel requests.

- Ten simultaneous starts of a quiz that allows one attempt create exactly one (else a
  learner can open a spare attempt, look at the answers in one and score in another).
- "Check answer" racing "Finish" never stores an answer after the attempt is finished
  (else the review shows "Right" for a question that scored nothing).

The thread tests need PostgreSQL (marker `postgres`); the server test runs on both: a
threaded development server answering ten requests at once, on a SQLite file (its
IMMEDIATE transactions serialise the starts) or on PostgreSQL (row locks do).
"""

import sqlite3
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse

from quizzes.grading import Submission
from quizzes.models import Answer, Attempt
from tests.factories import PASSWORD, make_quiz_with_questions, make_user
from tests.security.servers import (
    csrf_token,
    database_url,
    log_in,
    request,
    server,
    server_env,
    set_cookies,
)

ON_POSTGRES = connection.vendor == "postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="Thread races need PostgreSQL (set DATABASE_URL); SQLite serialises writers.",
)
TEN = 10


def at_once(target: Callable[[int], object], count: int = TEN) -> list:
    """Run target(i) in `count` threads released together; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as error:  # reported by the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_ten_simultaneous_starts_on_a_one_attempt_quiz_create_one_attempt():
    learner = make_user()
    quiz = make_quiz_with_questions(3, max_attempts=1)

    results = at_once(lambda i: Attempt.objects.start(learner=learner, quiz=quiz))

    assert Attempt.objects.filter(learner=learner, quiz=quiz).count() == 1
    attempts = {r.pk for r in results if isinstance(r, Attempt)}
    assert len(attempts) == 1, results  # every start resumed the one attempt
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(getattr(e, "code", "") == "no_attempts_left" for e in errors), errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_ten_simultaneous_starts_after_the_last_attempt_create_none():
    learner = make_user()
    quiz = make_quiz_with_questions(3, max_attempts=2)
    Attempt.objects.start(learner=learner, quiz=quiz).finish()

    at_once(lambda i: Attempt.objects.start(learner=learner, quiz=quiz))

    assert Attempt.objects.filter(learner=learner, quiz=quiz).count() == 2
    assert (
        Attempt.objects.filter(learner=learner, finished_at__isnull=True).count() == 1
    )


def right_submission(question) -> Submission:
    right = [c for c in question.choices.all() if c.is_correct]
    if question.kind == "short":
        return Submission(text=right[0].text)
    return Submission(choice_ids=tuple(c.pk for c in right))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
@pytest.mark.parametrize("mode", ["immediate", "deferred"])
def test_checking_and_finishing_at_once_never_store_an_answer_after_the_finish(mode):
    learner = make_user()
    quiz = make_quiz_with_questions(4, feedback_mode=mode)
    questions = list(quiz.questions.published().prefetch_related("choices"))
    for _ in range(15):
        attempt = Attempt.objects.start(learner=learner, quiz=quiz)

        def act(index: int, attempt=attempt):
            if index == 0:
                return Attempt.objects.get(pk=attempt.pk).finish()
            question = questions[index % len(questions)]
            return Attempt.objects.get(pk=attempt.pk).record_answer(
                question=question,
                submission=right_submission(question),
            )

        results = at_once(act, count=len(questions) + 1)
        unexpected = [
            r
            for r in results
            if isinstance(r, Exception) and getattr(r, "code", "") != "finished"
        ]
        assert not unexpected, unexpected
        attempt.refresh_from_db()
        answers = list(Answer.objects.filter(attempt=attempt))
        # Whatever was stored was stored before the finish, and counted by it.
        assert all(a.answered_at <= attempt.finished_at for a in answers)
        assert attempt.points_earned == sum((a.points for a in answers), Decimal(0))


def count_attempts(url: str, learner_id: int) -> int:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM quizzes_attempt WHERE learner_id = ?",
                [learner_id],
            ).fetchone()
        return count
    return Attempt.objects.filter(learner_id=learner_id).count()


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_start_requests_to_a_server_create_one_attempt(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    learner = make_user()
    quiz = make_quiz_with_questions(3, max_attempts=1)
    section = quiz.section
    start = reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        with server(server_env(DATABASE_URL=url), Path(tmp) / "server.log") as port:
            cookies = log_in(port, learner.username, PASSWORD)
            _, headers, body = request(
                port, "GET", section.get_absolute_url(), cookies=cookies
            )
            set_cookies(headers, cookies)
            token = csrf_token(body)

            results = at_once(
                lambda i: request(
                    port,
                    "POST",
                    start,
                    cookies=cookies,
                    form={"csrfmiddlewaretoken": token},
                )[0]
            )

            assert all(status == 302 for status in results), results
            assert count_attempts(url, learner.pk) == 1
