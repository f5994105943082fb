"""A course that requires passing: each lesson opens when the previous quiz is passed."""

import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from tests.factories import make_article, make_question, make_quiz, make_section

pytestmark = pytest.mark.django_db

LOCKED = "Locked: pass the previous quiz first"


@pytest.fixture
def course():
    """Three lessons, each with a one-question quiz, in a course that gates them."""
    article = make_article(requires_passing=True)
    sections = []
    for position in (1, 2, 3):
        section = make_section(article, position=position, title=f"Step {position}")
        make_question(make_quiz(section), "single")
        sections.append(section)
    return article, sections


def outline_states(client, article) -> dict[str, str]:
    """Each lesson's title and the state the outline shows for it."""
    html = client.get(reverse("quizzes:article_detail", args=[article.slug]))
    items = re.findall(
        r'<li class="lesson-item">\s*<a [^>]*>([^<]+)</a>.*?<span class="state[^"]*">\s*(.*?)\s*</span>',
        html.content.decode(),
        flags=re.S,
    )
    return dict(items)


def lesson_page(client, section) -> str:
    return client.get(section.get_absolute_url()).content.decode()


def start(client, section):
    url = reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    return client.post(url, follow=True)


def take_quiz(client, section, *, right: bool) -> Attempt:
    start(client, section)
    attempt = Attempt.objects.latest("started_at")
    question = section.quiz.questions.get()
    choice = question.choices.filter(is_correct=right).first()
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    client.post(url, {"choice": [choice.pk]})
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    attempt.refresh_from_db()
    return attempt


def test_the_outline_shows_every_lesson_after_an_unpassed_quiz_as_locked(
    student_client, course
):
    article, _ = course
    states = outline_states(student_client, article)
    assert states["Step 1"] == "Not started"
    assert states["Step 2"] == LOCKED
    assert states["Step 3"] == LOCKED


def test_a_locked_lesson_shows_why_and_offers_no_quiz(student_client, course):
    _, (first, second, _) = course
    page = lesson_page(student_client, second)
    assert "This lesson is locked: pass the previous lesson" in page
    assert "Take the quiz" not in page
    assert "Take the quiz" in lesson_page(student_client, first)


def test_starting_a_locked_lesson_quiz_is_refused(student_client, student, course):
    _, (_, second, _) = course
    response = start(student_client, second)
    assert response.redirect_chain[-1][0] == second.get_absolute_url()
    assert "Pass the previous lesson’s quiz to unlock this one." in (
        response.content.decode().replace("&#x27;", "’").replace("'", "’")
    )
    assert not Attempt.objects.filter(learner=student).exists()


def test_passing_a_quiz_unlocks_the_next_lesson_only(student_client, course):
    article, (first, second, _) = course
    assert take_quiz(student_client, first, right=True).passed
    states = outline_states(student_client, article)
    assert states["Step 1"].startswith("Quiz passed")
    assert states["Step 2"] == "Not started"
    assert states["Step 3"] == LOCKED
    assert "Take the quiz" in lesson_page(student_client, second)
    start(student_client, second)
    assert Attempt.objects.filter(quiz=second.quiz).exists()


def test_failing_a_quiz_keeps_the_next_lesson_locked(student_client, course):
    article, (first, second, _) = course
    assert not take_quiz(student_client, first, right=False).passed
    states = outline_states(student_client, article)
    assert states["Step 1"].startswith("Needs another try")
    assert states["Step 2"] == LOCKED
    start(student_client, second)
    assert not Attempt.objects.filter(quiz=second.quiz).exists()


def test_one_learner_passing_unlocks_nothing_for_another(
    student_client, client, other_student, course
):
    article, (first, _, _) = course
    take_quiz(student_client, first, right=True)
    client.force_login(other_student)
    assert outline_states(client, article)["Step 2"] == LOCKED


def test_a_course_that_does_not_require_passing_locks_nothing(student_client, course):
    article, (_, second, third) = course
    article.requires_passing = False
    article.save()
    states = outline_states(student_client, article)
    assert LOCKED not in states.values()
    start(student_client, third)
    assert Attempt.objects.filter(quiz=third.quiz).exists()
