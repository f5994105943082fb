"""Copy that reads right: reading time as "3-minute read", a noun that agrees with its
number ("1 point", "1 learner"), and one date format on every page ("1 Dec 2026, 14:05"),
so a sentence that ends with a time never ends in "p.m..".
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    make_article,
    make_finished_attempt,
    make_question,
    make_quiz,
    make_section,
)

# An afternoon: Django's stock English format would print "Dec. 1, 2026, 2:05 p.m.".
FINISHED = datetime.datetime(2026, 12, 1, 14, 4, tzinfo=datetime.UTC)


@pytest.fixture
def course(db):
    article = make_article(title="Rivers")
    words = " ".join(["water"] * 450)  # 450 words at 200 a minute: three minutes
    section = make_section(
        article,
        title="Long river lesson",
        body=f"## Rivers\n\nThe Danube flows through ten countries. {words}\n",
    )
    quiz = make_quiz(section)
    question = make_question(quiz)  # worth one point
    return article, section, quiz, question


def teacher_client(teacher) -> Client:
    """A client of its own: the student's stays logged in as the student."""
    client = Client()
    client.force_login(teacher)
    return client


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_reading_time_reads_as_a_compound_adjective(client, course):
    article, section, _quiz, _question = course
    for page in (
        html(client.get(section.get_absolute_url())),
        html(client.get(reverse("quizzes:article_detail", args=[article.slug]))),
    ):
        assert "3-minute read" in page
        assert "minutes read" not in page


def test_one_quiz_one_point_one_learner_are_singular(
    student_client, student, teacher, course
):
    article, _section, quiz, question = course
    outline = html(
        student_client.get(reverse("quizzes:article_detail", args=[article.slug]))
    )
    assert "0 of 1 quiz passed" in outline
    right = question.choices.get(is_correct=True)
    attempt = make_finished_attempt(student, quiz, {question: right}, when=FINISHED)
    results = html(
        student_client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    )
    assert "1 of 1 point." in results
    assert "points." not in results
    progress = html(student_client.get(reverse("quizzes:my_progress")))
    assert "1 of 1 quiz passed" in progress
    teach = html(
        teacher_client(teacher).get(reverse("teach:quiz_results", args=[quiz.pk]))
    )
    assert "1 learner took this quiz; 1 passed." in teach


def test_two_points_and_two_learners_are_plural(
    student_client, student, other_student, teacher, course
):
    _article, _section, quiz, question = course
    question.points = 2
    question.save()
    right = question.choices.get(is_correct=True)
    make_finished_attempt(other_student, quiz, {question: right}, when=FINISHED)
    attempt = make_finished_attempt(student, quiz, {question: right}, when=FINISHED)
    results = html(
        student_client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    )
    assert "2 of 2 points." in results
    teach = html(
        teacher_client(teacher).get(reverse("teach:quiz_results", args=[quiz.pk]))
    )
    assert "2 learners took this quiz; 2 passed." in teach


def test_dates_share_one_format_and_punctuation_is_never_doubled(
    student_client, student, course
):
    _article, _section, quiz, question = course
    right = question.choices.get(is_correct=True)
    attempt = make_finished_attempt(student, quiz, {question: right}, when=FINISHED)
    results = html(
        student_client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    )
    assert "Finished 1 Dec 2026, 14:05." in results
    progress = html(student_client.get(reverse("quizzes:my_progress")))
    assert "last 1 Dec 2026" in progress
    assert "Attempt 1: 100% (1 Dec 2026)" in progress
    for page in (results, progress):
        assert "p.m." not in page and "a.m." not in page
        body = page.split("<body", 1)[1]
        assert not re.search(r"\w\.\.(?!\.)", body)
