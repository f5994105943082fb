"""Classes: who sees what, joining, leaving, removing and new codes."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Classroom, Membership
from tests.factories import make_classroom, make_finished_attempt, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(teacher, quiz):
    return make_classroom(teacher, quiz.section.article, name="Year 11 history, B")


def teacher_pages(classroom, quiz, learner):
    scope = classroom.pk
    return [
        reverse("classes:classroom_detail", args=[scope]),
        reverse("classes:progress", args=[scope]),
        reverse("classes:progress_csv", args=[scope]),
        reverse("classes:misconception_list", args=[scope]),
        reverse("classes:quiz_statistics", args=[scope, quiz.pk]),
        reverse("classes:lesson_coverage", args=[scope, quiz.section.pk]),
        reverse("classes:learner_detail", args=[scope, learner.pk]),
        reverse("classes:learner_lesson", args=[scope, learner.pk, quiz.section.pk]),
    ]


def test_teacher_sees_every_page_of_their_class(
    teacher_client, classroom, quiz, student
):
    Membership.objects.create(classroom=classroom, learner=student)
    for url in teacher_pages(classroom, quiz, student):
        assert teacher_client.get(url).status_code == 200, url


def test_another_teachers_class_is_404(client, classroom, quiz, student):
    Membership.objects.create(classroom=classroom, learner=student)
    client.force_login(make_user("rival", teacher=True))
    for url in teacher_pages(classroom, quiz, student):
        assert client.get(url).status_code == 404, url
    regenerate = reverse("classes:regenerate_code", args=[classroom.pk])
    assert client.post(regenerate).status_code == 404


def test_student_is_403_and_anonymous_goes_to_log_in(client, classroom, quiz, student):
    Membership.objects.create(classroom=classroom, learner=student)
    urls = teacher_pages(classroom, quiz, student)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(student)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_learner_outside_the_class_is_404_for_its_teacher(
    teacher_client, classroom, quiz, other_student
):
    url = reverse("classes:learner_detail", args=[classroom.pk, other_student.pk])
    assert teacher_client.get(url).status_code == 404


def test_an_attempt_review_is_shown_only_to_the_class_teachers(
    client, teacher, classroom, quiz, student, other_student
):
    """A learner's attempt, read-only, for their class's teachers; 404 for another
    teacher, for a learner outside the class and for an attempt still open; 403 for
    a student, even the one who made it."""
    Membership.objects.create(classroom=classroom, learner=student)
    finished = make_finished_attempt(
        student, quiz, dict.fromkeys(quiz.questions.all(), 1)
    )
    outsider = make_finished_attempt(other_student, quiz, {})
    still_open = Attempt.objects.start(learner=student, quiz=quiz)

    def review(attempt):
        return reverse("classes:attempt_review", args=[classroom.pk, attempt.pk])

    client.force_login(teacher)
    assert client.get(review(finished)).status_code == 200
    assert client.get(review(outsider)).status_code == 404
    assert client.get(review(still_open)).status_code == 404
    client.force_login(make_user("rival", teacher=True))
    assert client.get(review(finished)).status_code == 404
    client.force_login(student)
    assert client.get(review(finished)).status_code == 403


def test_teacher_creates_a_class_and_is_its_teacher(teacher_client, teacher, quiz):
    article = quiz.section.article
    response = teacher_client.post(
        reverse("classes:classroom_create"),
        {"name": "Year 9, group A", "articles": [article.pk]},
    )
    classroom = Classroom.objects.get(name="Year 9, group A")
    assert response.status_code == 302
    assert list(classroom.teachers.all()) == [teacher]
    page = teacher_client.get(response.url)
    assert classroom.join_code in page.content.decode()


def test_class_without_article_is_a_form_error(teacher_client):
    response = teacher_client.post(
        reverse("classes:classroom_create"), {"name": "Empty"}
    )
    assert response.status_code == 200
    assert "Choose at least one article." in response.content.decode()
    assert not Classroom.objects.exists()


def test_student_joins_by_code_typed_loosely(student_client, student, classroom):
    code = classroom.join_code
    typed = f" {code[:4].lower()}-{code[4:]} "
    response = student_client.post(reverse("classes:join"), {"code": typed})
    assert response.status_code == 302
    assert classroom.learners.filter(pk=student.pk).exists()
    again = student_client.post(reverse("classes:join"), {"code": code}, follow=True)
    assert "already in" in again.content.decode()
    assert Membership.objects.filter(learner=student).count() == 1


def test_wrong_code_is_a_form_error(student_client, student, classroom):
    response = student_client.post(reverse("classes:join"), {"code": "NOPE1234"})
    assert response.status_code == 200
    assert "No class has this code" in response.content.decode()
    assert not Membership.objects.exists()


def test_join_link_asks_first_and_joins_on_post(student_client, student, classroom):
    url = reverse("classes:join_link", args=[classroom.join_code])
    page = student_client.get(url)
    assert page.status_code == 200
    assert "Join this class" in page.content.decode()
    assert not Membership.objects.exists()
    student_client.post(url)
    assert classroom.learners.filter(pk=student.pk).exists()


def test_join_link_needs_log_in(client, classroom):
    url = reverse("classes:join_link", args=[classroom.join_code])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_student_leaves_and_sees_no_class(student_client, student, classroom):
    Membership.objects.create(classroom=classroom, learner=student)
    assert classroom.name in student_client.get(reverse("classes:my_classes")).text
    left = student_client.post(
        reverse("classes:leave", args=[classroom.pk]), follow=True
    )
    assert f"You left {classroom.name}." in left.text
    assert not Membership.objects.exists()
    assert classroom.name not in student_client.get(reverse("classes:my_classes")).text


def test_leaving_a_class_one_is_not_in_is_404(student_client, classroom):
    response = student_client.post(reverse("classes:leave", args=[classroom.pk]))
    assert response.status_code == 404


def test_teacher_removes_a_student(teacher_client, classroom, student):
    Membership.objects.create(classroom=classroom, learner=student)
    url = reverse("classes:remove_learner", args=[classroom.pk, student.pk])
    assert teacher_client.get(url).status_code == 405
    teacher_client.post(url)
    assert not classroom.learners.exists()


def test_new_code_stops_the_old_one(teacher_client, classroom, student, client):
    old = classroom.join_code
    teacher_client.post(reverse("classes:regenerate_code", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.join_code != old
    client.force_login(student)
    response = client.post(reverse("classes:join"), {"code": old})
    assert "No class has this code" in response.content.decode()
    old_link = client.get(reverse("classes:join_link", args=[old]))
    assert old_link.status_code == 404


def test_co_teacher_added_by_email_sees_the_class(teacher_client, classroom, client):
    colleague = make_user("colleague", teacher=True, email="co@example.org")
    teacher_client.post(
        reverse("classes:add_teacher", args=[classroom.pk]),
        {"teacher": "CO@example.org"},
    )
    client.force_login(colleague)
    url = reverse("classes:progress", args=[classroom.pk])
    assert client.get(url).status_code == 200


def test_a_student_cannot_be_made_co_teacher(teacher_client, classroom, student):
    response = teacher_client.post(
        reverse("classes:add_teacher", args=[classroom.pk]),
        {"teacher": student.username},
        follow=True,
    )
    assert "No single teacher" in response.content.decode()
    assert not classroom.teachers.filter(pk=student.pk).exists()


def test_all_learners_only_for_a_teacher_without_classes(client, classroom, teacher):
    url = reverse("classes:progress", args=["all"])
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    client.force_login(make_user("classless", teacher=True))
    assert client.get(url).status_code == 200


def test_join_code_is_unique_in_the_database(teacher, quiz):
    from django.db import IntegrityError

    first = make_classroom(teacher, quiz.section.article)
    with pytest.raises(IntegrityError):
        make_classroom(teacher, quiz.section.article, join_code=first.join_code)
