"""Accounts: one account per email address (any case), and reset links that point at the
configured site, not at whatever Host header the request carried."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def sign_up(client, username, email):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_signing_up_with_an_email_another_account_uses_in_other_case_is_refused(client):
    make_user("first", email="Learner@Example.org")
    response = sign_up(client, "second", "learner@example.ORG")
    assert response.status_code == 200
    assert "An account already uses this email address" in response.content.decode()
    assert not User.objects.filter(username="second").exists()


def test_signing_up_with_a_new_email_works(client):
    make_user("first", email="one@example.org")
    assert sign_up(client, "second", "two@example.org").status_code == 302
    assert User.objects.get(username="second").email == "two@example.org"


def test_accounts_without_an_email_may_be_many(client):
    make_user("first", email="")
    assert sign_up(client, "second", "").status_code == 302


def test_the_database_refuses_a_second_account_with_the_same_email_in_any_case():
    make_user("first", email="learner@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("second", email="LEARNER@example.org")
    make_user("third", email="")
    make_user("fourth", email="")


def test_a_signup_racing_another_gets_the_form_error_not_a_500(client, monkeypatch):
    # Both checked the address before either saved: the unique index decides.
    from relations.forms import SignupForm

    monkeypatch.setattr(
        SignupForm, "clean_email", lambda form: form.cleaned_data["email"]
    )
    make_user("first", email="race@example.org")
    response = sign_up(client, "second", "Race@example.org")
    assert response.status_code == 200
    assert "An account already uses this email address" in response.content.decode()


def reset_link(client, email, **extra) -> str:
    response = client.post(reverse("password_reset"), {"email": email}, **extra)
    assert response.status_code == 302
    (message,) = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0)


def test_reset_links_use_the_configured_site_url_whatever_the_host_header(
    client, settings
):
    settings.SITE_URL = "https://relations.example.org"
    settings.ALLOWED_HOSTS = ["relations.example.org", "attacker.example.com"]
    make_user("learner", email="learner@example.org")
    link = reset_link(client, "learner@example.org", HTTP_HOST="attacker.example.com")
    assert link.startswith("https://relations.example.org/accounts/reset/")
    assert "attacker" not in mail.outbox[0].body


def test_without_a_site_url_reset_links_use_the_request_host(client, settings):
    settings.SITE_URL = ""
    make_user("learner", email="learner@example.org")
    link = reset_link(client, "learner@example.org", HTTP_HOST="localhost")
    assert link.startswith("http://localhost/accounts/reset/")


def test_the_reset_link_opens_the_set_password_page(client, settings):
    settings.SITE_URL = "https://relations.example.org"
    make_user("learner", email="learner@example.org")
    link = reset_link(client, "learner@example.org")
    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert "new_password1" in response.content.decode()


def test_admin_giving_a_user_an_email_another_account_has_gets_a_form_error(
    admin_client,
):
    make_user("first", email="taken@example.org")
    second = make_user("second", email="")
    url = reverse("admin:auth_user_change", args=[second.pk])
    data = {
        "username": "second",
        "email": "TAKEN@example.org",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "An account already uses this email address" in response.content.decode()
    second.refresh_from_db()
    assert second.email == ""
