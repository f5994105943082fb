"""Answered question versions kept in the cache (quizzes.versions): the pages that show
them load fewer rows, and show exactly what they showed without the cache — after a new
answer, a finished attempt, a new version, a lesson edit — and only the learner's own."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import versions
from quizzes.models import Attempt, Question
from quizzes.services import save_question
from tests.factories import make_quiz_with_questions, make_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+')


def same_page(html: str) -> str:
    """The page without its per-request CSRF tokens."""
    return TOKEN.sub(r"\1…", html)


def right_choices(question: Question) -> dict:
    right = [c for c in question.choices.all() if c.is_correct]
    if question.kind == "short":
        return {"text": right[0].text}
    return {"choice": [c.pk for c in right]}


def check(client, attempt: Attempt, question: Question):
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    return client.post(url, right_choices(question), headers={"HX-Request": "true"})


def finish(client, attempt: Attempt):
    url = reverse("quizzes:finish_attempt", args=[attempt.pk])
    return client.post(url, {"confirm": "yes"})


def results(client, attempt: Attempt) -> str:
    page = client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    assert page.status_code == 200
    return page.content.decode()


def quiz_page(client, attempt: Attempt) -> str:
    page = client.get(reverse("quizzes:attempt_detail", args=[attempt.pk]))
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def quiz():
    return make_quiz_with_questions(4)


def finished_attempt(client, learner, quiz) -> Attempt:
    attempt = Attempt.objects.start(learner=learner, quiz=quiz)
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        assert check(client, attempt, question).status_code == 200
    assert finish(client, attempt).status_code == 302
    return attempt


def test_the_results_page_is_the_same_from_the_cache_with_fewer_queries(
    student_client, student, quiz
):
    attempt = finished_attempt(student_client, student, quiz)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        first = results(student_client, attempt)
    assert set(versions.load(attempt.question_ids)) == set(attempt.question_ids)
    with CaptureQueriesContext(connection) as warm:
        again = results(student_client, attempt)
    assert same_page(again) == same_page(first)
    assert len(warm) == len(cold) - 2  # the questions and their choices
    assert not any('FROM "quizzes_choice"' in q["sql"] for q in warm.captured_queries)


def test_only_answered_versions_are_kept_and_a_new_answer_adds_its_own(
    student_client, student, quiz
):
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    first, second = Question.objects.filter(pk__in=attempt.question_ids)[:2]
    quiz_page(student_client, attempt)
    assert versions.load(attempt.question_ids) == {}

    check(student_client, attempt, first)
    page = quiz_page(student_client, attempt)
    assert set(versions.load(attempt.question_ids)) == {first.pk}
    assert "1 of 4 answered" in page

    check(student_client, attempt, second)
    page = quiz_page(student_client, attempt)
    assert set(versions.load(attempt.question_ids)) == {first.pk, second.pk}
    assert "2 of 4 answered" in page
    # The answered cards show the learner's answer, locked, from the cached versions.
    assert page.count("disabled") >= 2


def test_an_unanswered_version_edited_in_place_shows_its_new_prompt(
    student_client, student, teacher, quiz
):
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    answered, edited = Question.objects.filter(pk__in=attempt.question_ids)[:2]
    check(student_client, attempt, answered)
    quiz_page(student_client, attempt)

    edited.prompt = "Which sea does the Danube reach, in the end?"
    rows = [
        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
        for c in edited.choices.all()
    ]
    saved = save_question(question=edited, choices=rows, user=teacher)
    assert saved.pk == edited.pk  # nobody had answered it: changed in place
    assert "Which sea does the Danube reach, in the end?" in quiz_page(
        student_client, attempt
    )


def test_a_new_version_leaves_past_results_alone_and_reaches_new_attempts(
    student_client, student, teacher, quiz
):
    attempt = finished_attempt(student_client, student, quiz)
    old = Question.objects.get(pk=attempt.question_ids[0])
    before = results(student_client, attempt)
    assert old.prompt in before

    rows = [
        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
        for c in old.choices.all()
    ]
    edited = Question.objects.get(pk=old.pk)
    edited.prompt = "A rewritten question about rivers"
    new = save_question(question=edited, choices=rows, user=teacher)
    assert new.pk != old.pk

    after = results(student_client, attempt)
    assert "A rewritten question about rivers" not in after
    assert same_page(after) == same_page(before)
    fresh = Attempt.objects.start(learner=student, quiz=quiz)
    assert new.pk in fresh.question_ids
    assert "A rewritten question about rivers" in quiz_page(student_client, fresh)


def test_a_lesson_edit_shows_on_pages_built_from_cached_versions(
    student_client, student, quiz
):
    attempt = finished_attempt(student_client, student, quiz)
    results(student_client, attempt)  # keeps the versions
    section = quiz.section
    section.title = "Rivers that reach the sea"
    section.save()
    page = results(student_client, attempt)
    assert "Rivers that reach the sea" in page
    # and every link to the lesson follows its new address
    section.slug = "rivers-renamed"
    section.save()
    assert section.get_absolute_url() in results(student_client, attempt)


def test_no_learner_sees_another_learners_answers_through_the_cache(client, quiz):
    one, two = make_user("one"), make_user("two")
    client.force_login(one)
    attempt_one = Attempt.objects.start(learner=one, quiz=quiz)
    question = Question.objects.get(pk__in=attempt_one.question_ids, kind="single")
    wrong = next(c for c in question.choices.all() if not c.is_correct)
    url = reverse("quizzes:check_answer", args=[attempt_one.pk, question.pk])
    client.post(url, {"choice": [wrong.pk]}, headers={"HX-Request": "true"})
    finish(client, attempt_one)
    page_one = results(client, attempt_one)

    client.force_login(two)
    attempt_two = finished_attempt(client, two, quiz)
    page_two = results(client, attempt_two)
    assert page_one != page_two
    # What is kept is the version only: no answer, no learner, no attempt.
    for question_id in attempt_two.question_ids:
        stored_question, stored_choices = cache.get(versions.key(question_id))
        assert "_prefetched_objects_cache" not in vars(stored_question)
        assert stored_question._state.fields_cache == {}
        assert all(c._state.fields_cache == {} for c in stored_choices)
    client.force_login(one)
    assert same_page(results(client, attempt_one)) == same_page(page_one)
    client.force_login(two)
    assert (
        client.get(
            reverse("quizzes:attempt_results", args=[attempt_one.pk])
        ).status_code
        == 404
    )


def test_check_answer_takes_a_version_answered_before_from_the_cache(
    client, student, quiz
):
    other = make_user("answered-first")
    client.force_login(other)
    earlier = finished_attempt(client, other, quiz)
    results(client, earlier)  # shows the answered versions: kept
    client.force_login(student)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    question = Question.objects.get(pk=attempt.question_ids[0])
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    data = right_choices(question)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Right." in response.content.decode()
    assert not any(
        'FROM "quizzes_choice"' in q["sql"] for q in queries.captured_queries
    )
    assert attempt.answers.get().question_id == question.pk
