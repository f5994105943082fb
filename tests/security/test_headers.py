"""Learner pages send a strict policy, and need nothing inline or from elsewhere to work."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from relations.models import Article, Section
from tests.security.helpers import (
    HTMX,
    attempt_url,
    check_url,
    finish_url,
    parse,
    results_url,
    right_answer,
    start_attempt,
)

pytestmark = pytest.mark.django_db

SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def _quiz_pages(client, student, quiz):
    done = start_attempt(student, quiz)
    done.finish()
    attempt = start_attempt(student, quiz)
    question = quiz.questions.filter(kind="single").first()
    return {
        "quiz": lambda: client.get(attempt_url(attempt)),
        "check answer (htmx)": lambda: client.post(
            check_url(attempt, question), right_answer(question), headers=HTMX
        ),
        "check answer (400)": lambda: client.post(check_url(attempt, question), {}),
        "finish confirmation": lambda: client.post(finish_url(attempt)),
        "results": lambda: client.get(results_url(done)),
    }


PAGES = [
    "home (course list)",
    "home (outline)",
    "outline",
    "lesson",
    "lesson (highlight)",
    "quiz",
    "check answer (htmx)",
    "check answer (400)",
    "finish confirmation",
    "results",
    "my progress",
    "login",
    "signup",
    "not found",
]
ANONYMOUS_PAGES = {
    "home (course list)",
    "home (outline)",
    "outline",
    "lesson",
    "not found",
}
SIGNED_OUT_ONLY = {"login", "signup"}


def only_course_home(client, article):
    """With one published course, the home page is its outline."""
    Article.objects.exclude(pk=article.pk).update(is_published=False)
    response = client.get("/")
    assert article.title in response.content.decode()
    return response


@pytest.fixture
def get_page(client, student, every_kind_quiz):
    """Request a learner page by name, signed in or not."""
    section = every_kind_quiz.section
    article = section.article
    question = every_kind_quiz.questions.first()

    def get(name: str, *, signed_in: bool):
        if signed_in:
            client.force_login(student)
        pages = {
            "home (course list)": lambda: client.get("/"),
            "home (outline)": lambda: only_course_home(client, article),
            "outline": lambda: client.get(article.get_absolute_url()),
            "lesson": lambda: client.get(section.get_absolute_url()),
            "lesson (highlight)": lambda: client.get(
                f"{section.get_absolute_url()}?highlight={question.pk}"
            ),
            "my progress": lambda: client.get(reverse("quizzes:my_progress")),
            "login": lambda: client.get(reverse("login")),
            "signup": lambda: client.get(reverse("signup")),
            "not found": lambda: client.get("/no-such-course/no-such-lesson/"),
        }
        if signed_in:
            pages.update(_quiz_pages(client, student, every_kind_quiz))
        response = pages[name]()
        expected = {"check answer (400)": 400, "not found": 404}.get(name, 200)
        assert response.status_code == expected
        return response

    return get


def _page_cases():
    for name in PAGES:
        if name not in SIGNED_OUT_ONLY:
            yield pytest.param(name, True, id=f"{name}, signed in")
        if name in ANONYMOUS_PAGES | SIGNED_OUT_ONLY:
            yield pytest.param(name, False, id=f"{name}, anonymous")


PAGE_CASES = list(_page_cases())


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(("name", "signed_in"), PAGE_CASES)
def test_every_page_sends_a_strict_content_security_policy(get_page, name, signed_in):
    response = get_page(name, signed_in=signed_in)
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert "unsafe-" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "signed_in"), PAGE_CASES)
def test_every_page_forbids_framing_and_sniffing_and_limits_referrers(
    get_page, name, signed_in
):
    response = get_page(name, signed_in=signed_in)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in SAFE_REFERRER_POLICIES


def external_references(content) -> list[str]:
    found = []
    for element in parse(content).iter():
        attribute = {"script": "src", "img": "src", "link": "href"}.get(element.tag)
        value = (element.attrs.get(attribute) or "").strip() if attribute else ""
        if not value:
            continue
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("//", "/\\", "\\")):
            found.append(f"<{element.tag} {attribute}={value!r}>")
    return found


def inline_code(content) -> list[str]:
    found = []
    for element in parse(content).iter():
        if element.tag == "script" and not element.attrs.get("src"):
            found.append("<script> without src")
        if element.tag == "style":
            found.append("<style>")
        if "style" in element.attrs:
            found.append(f"<{element.tag} style=...>")
        found.extend(
            f"<{element.tag} {name}=...>"
            for name in element.attrs
            if name.startswith("on")
        )
    return found


@pytest.mark.parametrize(("name", "signed_in"), PAGE_CASES)
def test_no_page_loads_scripts_styles_or_images_from_elsewhere(
    get_page, name, signed_in
):
    response = get_page(name, signed_in=signed_in)
    page = parse(response.content)
    if page.find_all("html"):  # a whole page, not an htmx fragment
        assert page.find_all("script") and page.find_all("link")
    assert external_references(response.content) == []


@pytest.mark.parametrize(("name", "signed_in"), PAGE_CASES)
def test_no_page_has_inline_scripts_or_styles(get_page, name, signed_in):
    response = get_page(name, signed_in=signed_in)
    assert inline_code(response.content) == []


def test_the_first_course_lessons_load_nothing_from_elsewhere_and_nothing_inline(
    client, first_course
):
    sections = Section.objects.published().filter(article=first_course)
    assert sections.count() == 6
    for section in sections:
        response = client.get(section.get_absolute_url())
        assert response.status_code == 200
        assert external_references(response.content) == [], section.slug
        assert inline_code(response.content) == [], section.slug


def test_the_checks_see_what_they_look_for():
    page = (
        b'<link rel="stylesheet" href="https://cdn.example/x.css"><script>alert(1)</script>'
        b'<img src="//evil.example/p.png" style="x" onload="y"><style>p{}</style>'
    )
    assert len(external_references(page)) == 2
    assert len(inline_code(page)) == 4
