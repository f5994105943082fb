"""Real server processes for tests that need several requests at once or several servers:
`manage.py runserver` on free ports, sharing the test database, always stopped."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
REDIS_URL = os.environ.get("RELATIONS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> str:
    """The test Redis's URL; a skip where none answers, a failure in CI (it must run)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis must answer at {REDIS_URL} in CI: {error}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(directory: Path) -> str:
    """The test database as the servers reach it: PostgreSQL's own, or SQLite copied to a file."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = settings["USER"] + (
            f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        )
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"
    # The test database lives in this process's memory: copy it (committed rows and all).
    import sqlite3

    path = directory / "servers.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


@contextmanager
def server(env: dict, log: Path):
    """`manage.py runserver` on a free port; always stopped, even when the test fails."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {log.read_text()}")
            try:
                status, _, _ = request(port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start: {log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def request(port: int, method: str, path: str, *, cookies=None, form=None):
    """One request; returns (status, headers, body). Redirects are not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}/"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()


def set_cookies(headers, cookies: dict) -> None:
    for value in headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie(value)
        for key, morsel in parsed.items():
            if morsel["max-age"] == "0" or not morsel.value:
                cookies.pop(key, None)
            else:
                cookies[key] = morsel.value


def csrf_token(body: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


def log_in(port: int, username: str, password: str) -> dict:
    """The cookies of a session signed in on the server at `port`."""
    cookies: dict = {}
    _, headers, body = request(port, "GET", "/accounts/login/")
    set_cookies(headers, cookies)
    status, headers, body = request(
        port,
        "POST",
        "/accounts/login/",
        cookies=cookies,
        form={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(body),
        },
    )
    assert status == 302, body
    set_cookies(headers, cookies)
    return cookies


def server_env(**extra) -> dict:
    """The environment of a development server (DEBUG on) on the test database."""
    import os

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "REDIS_URL"
    }
    env.update(DJANGO_DEBUG="1", DJANGO_LOG_LEVEL="ERROR", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env
