"""The teacher role costs no query of its own: the signed-in user is loaded with it
(quizzes.roles.RoleBackend), and a change of groups shows on the very next request."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.roles import TEACHERS_GROUP
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TEACH_LINK = 'href="/teach/"'


def teachers() -> Group:
    return Group.objects.get_or_create(name=TEACHERS_GROUP)[0]


def test_joining_and_leaving_the_teachers_group_shows_on_the_next_request(
    student_client, student
):
    assert TEACH_LINK not in student_client.get("/").content.decode()
    assert student_client.get(reverse("teach:index")).status_code == 403

    student.groups.add(teachers())
    assert TEACH_LINK in student_client.get("/").content.decode()
    assert student_client.get(reverse("teach:index")).status_code == 200

    student.groups.remove(teachers())
    assert TEACH_LINK not in student_client.get("/").content.decode()
    assert student_client.get(reverse("teach:index")).status_code == 403


def test_the_group_side_and_clearing_count_too(student_client, student):
    group = teachers()
    group.user_set.add(student)
    assert TEACH_LINK in student_client.get("/").content.decode()
    student.groups.clear()
    assert TEACH_LINK not in student_client.get("/").content.decode()
    group.user_set.add(student)
    group.delete()
    assert TEACH_LINK not in student_client.get("/").content.decode()


def test_a_renamed_group_no_longer_makes_teachers(teacher_client):
    assert TEACH_LINK in teacher_client.get("/").content.decode()
    Group.objects.filter(name=TEACHERS_GROUP).update(name="Former teachers")
    assert TEACH_LINK not in teacher_client.get("/").content.decode()


@pytest.mark.parametrize("role", ["student", "teacher"])
def test_the_role_is_read_with_the_user_in_one_query(client, student, teacher, role):
    client.force_login(teacher if role == "teacher" else student)
    client.get("/")  # warm: the session's first request may write it
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert (TEACH_LINK in page) is (role == "teacher")
    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("auth_group" in q and "auth_user" not in q for q in sql), sql
    [user_query] = [q for q in sql if 'FROM "auth_user"' in q]
    assert "auth_group" in user_query


def test_logging_in_with_a_password_uses_the_role_backend(client, student):
    response = client.post(
        reverse("login"), {"username": student.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "quizzes.roles.RoleBackend"


def test_a_wrong_password_fails_once_and_signs_nobody_in(client, student):
    from django.contrib.auth.signals import user_login_failed

    failures = []

    def count(**kwargs):
        failures.append(kwargs)

    user_login_failed.connect(count)
    try:
        response = client.post(
            reverse("login"), {"username": student.username, "password": "wrong"}
        )
    finally:
        user_login_failed.disconnect(count)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert len(failures) == 1


def test_sessions_signed_in_before_the_role_backend_still_work(client, student):
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("quizzes:my_progress"))
    assert page.status_code == 200
    assert student.username in page.content.decode()


def test_a_deactivated_or_deleted_user_is_signed_out_on_the_next_request(
    student_client, student
):
    assert student.username in student_client.get("/").content.decode()
    type(student).objects.filter(pk=student.pk).update(is_active=False)
    page = student_client.get(reverse("quizzes:my_progress"))
    assert page.status_code == 302 and reverse("login") in page["Location"]


def test_a_session_naming_no_valid_user_signs_nobody_in(client, student):
    from quizzes.roles import RoleBackend

    assert RoleBackend().get_user("not-a-number") is None
    assert RoleBackend().get_user(student.pk + 1000) is None
    user = RoleBackend().get_user(str(student.pk))
    assert user == student and user._is_teacher is False
