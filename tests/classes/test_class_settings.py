"""A teacher edits, hands over and deletes a class; the rules of who may."""

import pytest
from django.urls import reverse

from quizzes.models import Classroom, Membership, Progress
from tests.factories import (
    make_article,
    make_classroom,
    make_finished_attempt,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(teacher, quiz, student):
    classroom = make_classroom(teacher, quiz.section.article, name="Year 11 history, B")
    Membership.objects.create(classroom=classroom, learner=student)
    return classroom


def test_the_class_page_links_to_edit_and_delete(teacher_client, classroom):
    page = teacher_client.get(classroom.get_absolute_url()).content.decode()
    assert reverse("classes:classroom_edit", args=[classroom.pk]) in page
    assert reverse("classes:classroom_delete", args=[classroom.pk]) in page


def test_renaming_and_changing_articles_keeps_learners_and_code(
    teacher_client, classroom, quiz, student
):
    other = make_article(title="Rivers of Europe", slug="rivers")
    code = classroom.join_code
    url = reverse("classes:classroom_edit", args=[classroom.pk])
    form = teacher_client.get(url).content.decode()
    assert 'value="Year 11 history, B"' in form and "Save changes" in form
    response = teacher_client.post(
        url, {"name": "Year 11 history, C", "articles": [other.pk]}, follow=True
    )
    assert "Class saved." in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.name == "Year 11 history, C"
    assert list(classroom.articles.all()) == [other]
    assert classroom.join_code == code
    assert list(classroom.learners.all()) == [student]


def test_an_edit_without_a_name_or_article_shows_why_and_changes_nothing(
    teacher_client, classroom, quiz
):
    url = reverse("classes:classroom_edit", args=[classroom.pk])
    response = teacher_client.post(url, {"name": "", "articles": []})
    text = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in text
    assert "Choose at least one article." in text
    classroom.refresh_from_db()
    assert classroom.name == "Year 11 history, B"
    assert list(classroom.articles.all()) == [quiz.section.article]


def test_removing_a_co_teacher(teacher_client, classroom):
    colleague = make_user("colleague", teacher=True)
    classroom.teachers.add(colleague)
    url = reverse("classes:remove_teacher", args=[classroom.pk, colleague.pk])
    response = teacher_client.post(url, follow=True)
    assert "colleague no longer teaches this class." in response.content.decode()
    assert not classroom.is_taught_by(colleague)


def test_the_last_teacher_cannot_leave(teacher_client, teacher, classroom):
    url = reverse("classes:remove_teacher", args=[classroom.pk, teacher.pk])
    response = teacher_client.post(url, follow=True)
    assert "A class needs a teacher" in response.content.decode()
    assert classroom.is_taught_by(teacher)
    page = teacher_client.get(classroom.get_absolute_url()).content.decode()
    assert "Stop teaching this class" not in page


def test_a_teacher_who_stops_teaching_loses_the_class(client, teacher, classroom):
    colleague = make_user("colleague", teacher=True)
    classroom.teachers.add(colleague)
    client.force_login(teacher)
    page = client.get(classroom.get_absolute_url()).content.decode()
    assert "Stop teaching this class" in page
    url = reverse("classes:remove_teacher", args=[classroom.pk, teacher.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("classes:classroom_list")
    assert client.get(classroom.get_absolute_url()).status_code == 404
    assert list(classroom.teachers.all()) == [colleague]


def test_deleting_asks_first_and_keeps_the_learners_work(
    teacher_client, classroom, quiz, student
):
    make_finished_attempt(student, quiz, dict.fromkeys(quiz.questions.all(), 1))
    url = reverse("classes:classroom_delete", args=[classroom.pk])
    confirm = teacher_client.get(url).content.decode()
    assert "Delete this class?" in confirm and "1 learner is in it." in confirm
    assert Classroom.objects.filter(pk=classroom.pk).exists()
    response = teacher_client.post(url, follow=True)
    assert "is deleted; its learners keep their own progress." in (
        response.content.decode()
    )
    assert not Classroom.objects.filter(pk=classroom.pk).exists()
    assert not Membership.objects.exists()
    assert Progress.objects.filter(learner=student).exists()
    assert student.attempts.count() == 1


def test_only_the_class_teachers_may_change_it(client, classroom, teacher, student):
    urls = {
        reverse("classes:classroom_edit", args=[classroom.pk]): {"name": "x"},
        reverse("classes:classroom_delete", args=[classroom.pk]): {},
        reverse("classes:remove_teacher", args=[classroom.pk, teacher.pk]): {},
    }
    client.force_login(make_user("rival", teacher=True))
    for url, data in urls.items():
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, data).status_code == 404, url
    client.force_login(student)
    for url, data in urls.items():
        assert client.post(url, data).status_code == 403, url
    classroom.refresh_from_db()
    assert classroom.name == "Year 11 history, B"
    assert classroom.is_taught_by(teacher)


def test_removing_someone_who_does_not_teach_the_class_is_404(
    teacher_client, classroom, student
):
    url = reverse("classes:remove_teacher", args=[classroom.pk, student.pk])
    assert teacher_client.post(url).status_code == 404
