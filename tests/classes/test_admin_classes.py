import pytest
from django.urls import reverse

from quizzes.models import Membership
from tests.factories import make_classroom, make_quiz, make_user

pytestmark = pytest.mark.django_db


def test_admin_lists_every_teachers_classes_with_their_learners(admin_client):
    article = make_quiz().section.article
    first = make_classroom(make_user("t1", teacher=True), article, name="Group A")
    make_classroom(make_user("t2", teacher=True), article, name="Group B")
    Membership.objects.create(classroom=first, learner=make_user("pupil"))
    page = admin_client.get(reverse("admin:quizzes_classroom_changelist")).text
    assert "Group A" in page and "Group B" in page
    assert first.join_code in page
    detail = admin_client.get(
        reverse("admin:quizzes_classroom_change", args=[first.pk])
    ).text
    assert "pupil" in detail or str(first.learners.get().pk) in detail


def test_only_teachers_are_offered_as_a_class_teacher(admin_client):
    make_user("pupil")
    make_user("t1", teacher=True)
    page = admin_client.get(reverse("admin:quizzes_classroom_add")).text
    assert ">t1<" in page and ">pupil<" not in page
