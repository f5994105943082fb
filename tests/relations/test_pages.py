import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_section

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Set-Cookie" not in response.headers


def test_signup_creates_a_student_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "newbie" in page
    assert "My progress" in page


def test_signup_with_mismatched_passwords_shows_the_error(client):
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()


def test_logout_is_a_post(student_client):
    assert student_client.get(reverse("logout")).status_code == 405
    assert student_client.post(reverse("logout")).status_code == 302


def test_navigation_shows_admin_only_to_staff(client, student, admin_user):
    client.force_login(student)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_password_reset_sends_an_email(client, student, mailoutbox):
    student.email = "student@example.com"
    student.save()
    client.post(reverse("password_reset"), {"email": "student@example.com"})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_unpublished_lesson_is_not_found(client):
    section = make_section(is_published=False)
    assert client.get(section.get_absolute_url()).status_code == 404


def test_lesson_page_shows_reading_time_and_neighbours(client):
    first = make_section(title="First river lesson")
    second = make_section(first.article, title="Second river lesson")
    page = client.get(second.get_absolute_url()).content.decode()
    assert "1-minute read" in page
    assert "Previous lesson" in page and "First river lesson" in page
