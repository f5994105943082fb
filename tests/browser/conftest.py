"""Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("RELATIONS_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)."
        if IN_CI:
            pytest.fail(message + " Browser tests may not be skipped in CI.")
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(autouse=True)
def _live_server_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def page(page):
    """A page that fails its test on any console error, page error or CSP violation."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.set_default_timeout(10_000)
    yield page
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    def check(page) -> None:
        results = axe.run(page)
        details = [
            f"{violation['id']}: {node['target']} {node.get('failureSummary', '')}"
            for violation in results.response["violations"]
            for node in violation["nodes"]
        ]
        assert results.violations_count == 0, f"{page.url}\n" + "\n".join(details)

    return check


@pytest.fixture
def log_in(live_server):
    def do(page, user) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    return do
