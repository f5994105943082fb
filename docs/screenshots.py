"""Screenshots of the main pages at 1280 and 390 px wide: `make screenshots`.

Builds a throwaway SQLite database in a temporary folder (migrate loads the course),
creates a student and a teacher, serves the site with `runserver` on a free port and
drives Debian's Chromium (/usr/bin/chromium, nothing downloaded) through the learner's
and the teacher's pages. Writes docs/screenshots/<page>-<width>.png.

    .venv/bin/python docs/screenshots.py [--out DIR] [--only outline,lesson]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("RELATIONS_CHROMIUM", "/usr/bin/chromium")
WIDTHS = (1280, 390)
# Long pages are cut here: the top of a page is what a screenshot is for.
MAX_HEIGHT = 3200
PASSWORD = "screenshots-Pass-42"

SETUP = """
import json
from django.contrib.auth.models import Group, User
from django.urls import reverse
from relations.models import Section
student = User.objects.create_user("sam", password=PASSWORD)
teacher = User.objects.create_user("tess", password=PASSWORD)
teacher.groups.add(Group.objects.get_or_create(name="Teachers")[0])
section = Section.objects.filter(is_published=True, quiz__isnull=False).order_by(
    "article__pk", "position"
).first()
question = section.quiz.questions.current().order_by("position").first()
from quizzes.models import Classroom, Membership
classroom = Classroom.objects.create(name="Year 11 history, group B")
classroom.teachers.add(teacher)
classroom.articles.add(section.article)
Membership.objects.create(classroom=classroom, learner=student)
print(json.dumps({
    "class": reverse("classes:classroom_detail", args=[classroom.pk]),
    "class_edit": reverse("classes:classroom_edit", args=[classroom.pk]),
    "class_delete": reverse("classes:classroom_delete", args=[classroom.pk]),
    "lesson": section.get_absolute_url(),
    "teach_list": reverse("teach:quiz_detail", args=[section.quiz.pk]),
    "teach_editor": reverse("teach:question_edit", args=[question.pk]),
}))
""".replace("PASSWORD", repr(PASSWORD))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("runserver stopped before answering.")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("runserver did not answer in 20 seconds.")


def answer(card) -> None:
    """Answer a question card with its first option, a typed word or a first pick."""
    typed = card.locator("input[type=text], input[type=number], input[inputmode]")
    if typed.count():
        typed.first.fill("1")
        return
    selects = card.locator("select")
    if selects.count():
        for index in range(selects.count()):
            selects.nth(index).select_option(index=1)
        return
    card.locator("input[type=radio], input[type=checkbox]").first.check()


class Camera:
    """One browser page; each shot is taken at every width from the same state."""

    def __init__(self, browser, base: str, out: Path, only: set[str]):
        self.base, self.out, self.only = base, out, only
        self.context = browser.new_context(
            viewport={"width": WIDTHS[0], "height": 900}, device_scale_factor=1
        )
        self.page = self.context.new_page()

    def shoot(self, name: str) -> None:
        if self.only and name not in self.only:
            return
        page = self.page
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            # The viewport takes the page's height (up to MAX_HEIGHT), so the shot is
            # what a reader scrolling down would see, painted in one go.
            page.set_viewport_size({"width": width, "height": 900})
            height = min(
                page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT
            )
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(150)
            path = self.out / f"{name}-{width}.png"
            page.screenshot(path=path)
            say(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def log_in(self, username: str) -> None:
        page = self.page
        self.context.clear_cookies()
        page.goto(f"{self.base}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.base}/")


def take(base: str, urls: dict, out: Path, only: set[str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        camera = Camera(browser, base, out, only)
        page = camera.page
        camera.log_in("sam")
        page.goto(base + "/")
        camera.shoot("outline")
        page.goto(base + urls["lesson"])
        camera.shoot("lesson")
        page.get_by_role("button", name="Take the quiz").click()
        page.wait_for_url("**/attempts/**")
        camera.shoot("quiz")
        cards = page.locator("section.question-card")
        for index in range(2):
            answer(cards.nth(index))
            cards.nth(index).get_by_role("button", name="Check answer").click()
            cards.nth(index).locator(".feedback").wait_for()
        camera.shoot("quiz-checked")
        for index in range(2, cards.count()):
            answer(cards.nth(index))
        page.get_by_role("button", name="Finish quiz").click()
        page.wait_for_load_state("networkidle")
        finish_anyway = page.get_by_role("button", name="Finish anyway")
        if finish_anyway.count():
            finish_anyway.click()
        page.get_by_role("heading", name="Your score", exact=False).wait_for()
        camera.shoot("results")
        page.goto(base + "/progress/")
        camera.shoot("my-progress")
        camera.log_in("tess")
        page.goto(base + urls["teach_list"])
        camera.shoot("teach-list")
        page.goto(base + urls["teach_editor"])
        camera.shoot("teach-editor")
        page.goto(base + urls["class"])
        camera.shoot("class")
        page.goto(base + urls["class_edit"])
        camera.shoot("class-edit")
        page.goto(base + urls["class_delete"])
        camera.shoot("class-delete")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--only", default="", help="comma-separated page names, e.g. outline,quiz"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    only = {name for name in args.only.split(",") if name}
    with tempfile.TemporaryDirectory(prefix="relations-screenshots-") as folder:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith("DJANGO_") and k != "REDIS_URL"
            },
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        }
        say("Building a throwaway database…")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "load_course", "--verbosity", "0")
        urls = json.loads(manage(env, "shell", "--verbosity", "0", "-c", SETUP))
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            say(f"Screenshots from {base} into {args.out}:")
            take(base, urls, args.out, only)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
