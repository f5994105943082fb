"""A review session in a real browser, with htmx and without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import ReviewCard, ReviewLog
from relations.models import Article
from tests.browser.test_learner_journey import answer, sign_up
from tests.factories import make_article, make_quiz_with_questions, make_section

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course():
    Article.objects.update(is_published=False)
    article = make_article(title="Rivers of Europe", slug="rivers")
    section = make_section(article, title="Great rivers", slug="great-rivers")
    make_quiz_with_questions(4, section=section)
    return section


def miss_every_question(page) -> None:
    """Take the quiz and finish it unanswered: every question becomes a review card."""
    page.get_by_role("link", name="Great rivers", exact=True).click()
    page.get_by_role("button", name="Take the quiz").click()
    page.get_by_role("button", name="Finish quiz").click()
    page.get_by_role("button", name="Finish anyway").click()
    expect(page.get_by_role("heading", name="Your score: 0%")).to_be_visible()


def a_day_later(username: str) -> None:
    ReviewCard.objects.filter(learner__username=username).update(
        due=timezone.now() - timedelta(minutes=1)
    )


def test_a_review_session_with_htmx(
    page, live_server, course, assert_accessible, settings
):
    # Under the settings `make run` uses: DEBUG on, so django-htmx's debug script would
    # hand any 4xx answer to its debug page.
    settings.DEBUG = True
    sign_up(page, live_server, "reviewer")
    miss_every_question(page)
    assert ReviewCard.objects.filter(learner__username="reviewer").count() == 4
    a_day_later("reviewer")

    page.get_by_role("link", name=re.compile(r"^Review")).click()
    expect(page.get_by_text("4 questions are due.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start review").click()
    page.evaluate("window.notReloaded = true")
    for number in range(1, 5):
        card = page.locator("#review-card")
        expect(card).to_contain_text(f"question {number} of 4 in this round")
        expect(card.locator(".feedback")).to_have_count(0)
        if number == 1:
            assert_accessible(page)
            # A slip: nothing chosen. The card says what to do, in place.
            card.get_by_role("button", name="Check answer").click()
            expect(page.locator("#review-card-error")).to_have_text(
                re.compile(r"^(Choose|Type|Enter) ")
            )
            expect(page.locator("#review-card")).to_contain_text(
                f"question {number} of 4 in this round"
            )
            assert page.evaluate("window.notReloaded") is True
            card = page.locator("#review-card")
        answer(card)
        card.get_by_role("button", name="Check answer").click()
        swapped = page.locator("#review-card")
        expect(swapped.locator(".feedback")).to_be_visible()
        expect(page.locator("#review-card-feedback")).to_be_focused()
        expect(swapped).to_contain_text(
            re.compile(r"This question comes back (tomorrow|in \d+ days)\.")
        )
        expect(
            swapped.get_by_role("link", name="Show me in the lesson")
        ).to_be_visible()
        if number == 1:
            assert page.evaluate("window.notReloaded") is True
            assert_accessible(page)
        next_name = "Next question" if number < 4 else "Finish this round"
        swapped.get_by_role("link", name=next_name).click()
    expect(page.get_by_text("Round done: you answered 4 questions.")).to_be_visible()
    expect(page.get_by_text("Nothing is due for review now.")).to_be_visible()
    assert_accessible(page)
    assert ReviewLog.objects.filter(card__learner__username="reviewer").count() == 4

    page.get_by_role("link", name="Course", exact=True).click()
    expect(page.locator(".lesson-item .mastery")).to_contain_text(
        re.compile(r"Mastery: (Attempted|Familiar|Proficient)")
    )
    expect(page.get_by_text(re.compile(r"Mastery points: \d+ of 100"))).to_be_visible()
    assert_accessible(page)


def test_a_review_session_without_javascript(browser, live_server, course):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_up(page, live_server, "plainreviewer")
    miss_every_question(page)
    page.get_by_role("button", name="Retry the 4 questions I missed").click()
    expect(
        page.get_by_role("heading", name="Practice the questions you missed")
    ).to_be_visible()
    for number in range(1, 5):
        card = page.locator("#review-card")
        expect(card).to_contain_text(f"question {number} of 4 in this round")
        answer(card)
        card.get_by_role("button", name="Check answer").click()
        expect(page.locator("#review-card .feedback")).to_be_visible()
        page.get_by_role(
            "link", name="Next question" if number < 4 else "Finish this round"
        ).click()
    expect(page.get_by_text("Round done: you answered 4 questions.")).to_be_visible()
    logs = ReviewLog.objects.filter(card__learner__username="plainreviewer")
    assert set(logs.values_list("source", flat=True)) == {"practice"}
    a_day_later("plainreviewer")
    page.get_by_role("link", name=re.compile(r"^Review")).click()
    page.get_by_role("button", name="Start review").click()
    for number in range(1, 5):
        card = page.locator("#review-card")
        expect(card).to_contain_text(f"question {number} of 4 in this round")
        answer(card)
        card.get_by_role("button", name="Check answer").click()
        assert "/review/answers/" in page.url
        expect(page.locator("#review-card .feedback")).to_be_visible()
        expect(page.locator("#review-card")).to_contain_text("This question comes back")
        page.get_by_role(
            "link", name="Next question" if number < 4 else "Finish this round"
        ).click()
    expect(page.get_by_text("Round done: you answered 4 questions.")).to_be_visible()
    context.close()
