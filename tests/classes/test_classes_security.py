"""Class pages: every POST needs its CSRF token, and nothing is inline."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Membership
from tests.factories import make_classroom, make_finished_attempt, make_user
from tests.security.test_headers import inline_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(teacher, quiz, student):
    classroom = make_classroom(teacher, quiz.section.article)
    Membership.objects.create(classroom=classroom, learner=student)
    return classroom


def test_every_post_needs_the_csrf_token(teacher, student, classroom):
    make_user("colleague", teacher=True)
    as_teacher = Client(enforce_csrf_checks=True)
    as_teacher.force_login(teacher)
    teacher_posts = {
        reverse("classes:classroom_create"): {"name": "x"},
        reverse("classes:regenerate_code", args=[classroom.pk]): {},
        reverse("classes:add_teacher", args=[classroom.pk]): {"teacher": "colleague"},
        reverse("classes:remove_learner", args=[classroom.pk, student.pk]): {},
        reverse("classes:classroom_edit", args=[classroom.pk]): {"name": "renamed"},
        reverse("classes:remove_teacher", args=[classroom.pk, teacher.pk]): {},
        reverse("classes:classroom_delete", args=[classroom.pk]): {},
    }
    for url, data in teacher_posts.items():
        assert as_teacher.post(url, data).status_code == 403, url
    as_student = Client(enforce_csrf_checks=True)
    as_student.force_login(student)
    student_posts = {
        reverse("classes:join"): {"code": classroom.join_code},
        reverse("classes:join_link", args=[classroom.join_code]): {},
        reverse("classes:leave", args=[classroom.pk]): {},
    }
    for url, data in student_posts.items():
        assert as_student.post(url, data).status_code == 403, url
    classroom.refresh_from_db()
    assert classroom.name != "renamed"
    assert classroom.teachers.count() == 1
    assert classroom.learners.get() == student


def test_class_pages_have_no_inline_script_or_style(
    client, teacher, student, classroom, quiz
):
    attempt = make_finished_attempt(
        student, quiz, dict.fromkeys(quiz.questions.all(), 1)
    )
    scope = classroom.pk
    client.force_login(teacher)
    teacher_urls = [
        reverse("classes:classroom_list"),
        reverse("classes:classroom_create"),
        reverse("classes:classroom_detail", args=[scope]),
        reverse("classes:progress", args=[scope]),
        reverse("classes:misconception_list", args=[scope]),
        reverse("classes:quiz_statistics", args=[scope, quiz.pk]),
        reverse("classes:lesson_coverage", args=[scope, quiz.section.pk]),
        reverse("classes:learner_detail", args=[scope, student.pk]),
        reverse("classes:learner_lesson", args=[scope, student.pk, quiz.section.pk]),
        reverse("classes:attempt_review", args=[scope, attempt.pk]),
        reverse("classes:classroom_edit", args=[scope]),
        reverse("classes:classroom_delete", args=[scope]),
    ]
    for url in teacher_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content) == [], url
    client.force_login(student)
    for url in [
        reverse("classes:my_classes"),
        reverse("classes:join"),
        reverse("classes:join_link", args=[classroom.join_code]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content) == [], url
