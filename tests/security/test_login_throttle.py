"""Guessing passwords: five failures for one username from one address lock that pair out."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
LOCKED = 429


def log_in(client, username, password, address=ADDRESS):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username, times, address=ADDRESS):
    return [
        log_in(client, username, "wrong password", address).status_code
        for _ in range(times)
    ]


def age_the_failures(by: timedelta):
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])


def test_axes_is_configured_for_five_failures_per_username_and_address_for_fifteen_minutes():
    cool_off = settings.AXES_COOLOFF_TIME
    assert settings.AXES_FAILURE_LIMIT == 5
    assert cool_off == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_four_failures_still_show_the_form(client, student):
    assert fail(client, student.username, 4) == [200] * 4


def test_the_fifth_and_sixth_failures_are_locked_out(client, student):
    assert fail(client, student.username, 6) == [200, 200, 200, 200, LOCKED, LOCKED]


def test_the_lockout_page_says_what_happened(client, student):
    fail(client, student.username, 4)
    response = log_in(client, student.username, "nope")
    assert response.status_code == LOCKED
    assert "Too many failed log-ins" in response.content.decode()


def test_the_right_password_is_refused_while_locked_out(client, student, password):
    fail(client, student.username, 5)
    response = log_in(client, student.username, password)
    assert response.status_code == LOCKED
    assert "_auth_user_id" not in client.session


def test_another_username_from_the_same_address_is_not_locked(
    client, student, other_student, password
):
    fail(client, student.username, 5)
    response = log_in(client, other_student.username, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_student.pk)


def test_the_same_username_from_another_address_is_not_locked(
    client, student, password
):
    fail(client, student.username, 5)
    response = log_in(client, student.username, password, address="198.51.100.9")
    assert response.status_code == 302


def test_the_lockout_holds_just_before_the_cool_off_ends(client, student, password):
    fail(client, student.username, 5)
    age_the_failures(by=timedelta(minutes=14))
    assert log_in(client, student.username, password).status_code == LOCKED


def test_after_the_cool_off_the_right_password_logs_in(client, student, password):
    fail(client, student.username, 5)
    age_the_failures(by=timedelta(minutes=15, seconds=1))
    response = log_in(client, student.username, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_a_successful_log_in_resets_the_count(client, student, password):
    fail(client, student.username, 4)
    assert log_in(client, student.username, password).status_code == 302
    client.logout()
    assert fail(client, student.username, 4) == [200] * 4


# Behind a proxy every request comes from the proxy's address: only a setting that says a
# trusted proxy is in front makes the forwarded client address count.
PROXY = "10.0.0.2"


def fail_via_proxy(client, username, times, forwarded):
    return [
        client.post(
            reverse("login"),
            {"username": username, "password": "wrong password"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code
        for _ in range(times)
    ]


def log_in_via_proxy(client, username, password, forwarded):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_escape_the_lockout(
    client, student, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(5):
        fail_via_proxy(client, student.username, 1, forwarded=f"198.51.100.{number}")
    response = log_in_via_proxy(client, student.username, password, "192.0.2.99")
    assert response.status_code == LOCKED


def test_behind_a_trusted_proxy_one_client_failing_does_not_lock_out_the_others(
    client, student, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    assert fail_via_proxy(client, student.username, 5, "198.51.100.4")[-1] == LOCKED
    response = log_in_via_proxy(client, student.username, password, "192.0.2.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_behind_a_trusted_proxy_addresses_the_client_adds_on_the_left_are_ignored(
    client, student, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        # The client forges the left part; the proxy appends the address it saw.
        fail_via_proxy(
            client, student.username, 1, forwarded=f"203.0.113.{number}, 198.51.100.4"
        )
    response = log_in_via_proxy(client, student.username, password, "198.51.100.4")
    assert response.status_code == LOCKED


def test_behind_two_trusted_proxies_the_client_is_second_from_the_right(
    client, student, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    fail_via_proxy(client, student.username, 5, "203.0.113.1, 198.51.100.4, 10.0.0.1")
    locked = log_in_via_proxy(
        client, student.username, password, "198.51.100.4, 10.0.0.1"
    )
    assert locked.status_code == LOCKED
    other = log_in_via_proxy(client, student.username, password, "192.0.2.7, 10.0.0.1")
    assert other.status_code == 302
