"""Logging out ends the session everywhere: two real servers share one database (and one
Redis when REDIS_URL is set), a learner logs in and out on one, and the other refuses the
old cookie. A per-process session cache fails this: the second server keeps serving the
session it cached before the logout."""

import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.factories import PASSWORD, make_user
from tests.security.servers import (
    REDIS_URL,
    csrf_token,
    database_url,
    log_in,
    redis_or_skip,
    request,
    server,
    server_env,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("shared_cache", ["database only", "redis"])
def test_logging_out_on_one_server_ends_the_session_on_the_other(
    settings, shared_cache
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    learner = make_user()
    env = server_env()
    prefix = f"relations-test-{uuid.uuid4().hex}"
    if shared_cache == "redis":
        env.update(REDIS_URL=redis_or_skip(), DJANGO_CACHE_KEY_PREFIX=prefix)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        directory = Path(tmp)
        env["DATABASE_URL"] = database_url(directory)
        one = stack.enter_context(server(env, directory / "one.log"))
        two = stack.enter_context(server(env, directory / "two.log"))
        cookies = log_in(one, learner.username, PASSWORD)
        old_cookies = dict(cookies)

        # Signed in on both servers (the second one now has the session in hand).
        for port in (one, two, two):
            status, _, body = request(port, "GET", "/progress/", cookies=old_cookies)
            assert status == 200, (port, status)
            assert learner.username in body

        status, headers, body = request(one, "GET", "/progress/", cookies=cookies)
        status, headers, _ = request(
            one,
            "POST",
            "/accounts/logout/",
            cookies=cookies,
            form={"csrfmiddlewaretoken": csrf_token(body)},
        )
        assert status in (200, 302)

        # The old cookie, replayed, is signed out everywhere, at once.
        for port in (two, one, two):
            status, headers, _ = request(port, "GET", "/progress/", cookies=old_cookies)
            assert status == 302, (port, status)
            assert headers["Location"].startswith("/accounts/login/")

    if shared_cache == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
