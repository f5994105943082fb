"""The quiz as a learner meets it (issue 13): the navigator, a slip, resuming from the
lesson and "Next lesson" — with htmx under the settings `make run` uses (DEBUG on), and
without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Answer
from relations.models import Article
from tests.browser.test_learner_journey import sign_up
from tests.factories import make_article, make_question, make_quiz, make_section

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course():
    """Two lessons; the first has a quiz of a single choice, a number and a true/false."""
    Article.objects.update(is_published=False)
    article = make_article(title="Rivers of Europe", slug="rivers")
    first = make_section(article, title="Great rivers", slug="great-rivers")
    make_section(article, title="River mouths", slug="river-mouths")
    quiz = make_quiz(first)
    make_question(quiz, "single", prompt="Which river reaches the Black Sea?")
    make_question(
        quiz,
        "numerical",
        prompt="Through how many countries does the Danube flow?",
        choices=[{"value": 10, "is_correct": True}],
    )
    make_question(quiz, "true_false", prompt="The Danube reaches the Black Sea.")
    return quiz


@pytest.fixture
def make_run_settings(settings):
    """What `make run` changes: DEBUG on (django-htmx then adds its debug script, which
    hands any htmx error response to the debug page)."""
    settings.DEBUG = True


def card_of(page, quiz, kind):
    question = quiz.questions.get(kind=kind)
    return page.locator(f"#question-{question.pk}"), question


def answer_right(card, question) -> None:
    if question.kind == "numerical":
        card.get_by_label("Your answer (a number)").fill("10")
    else:
        right = question.choices.get(is_correct=True)
        card.locator("label.option-card", has_text=right.text).click()


def answer_wrong(card, question) -> None:
    wrong = question.choices.filter(is_correct=False).first()
    card.locator("label.option-card", has_text=wrong.text).click()


def nav_link(page, number: int, state: str):
    # Chromium puts a space where the visually hidden text begins: "Question 1 : right".
    return page.locator("#quiz-nav-list").get_by_role(
        "link", name=re.compile(rf"^Question {number}\s*: {state}$")
    )


def number_of(attempt_ids: list[int], question) -> int:
    return attempt_ids.index(question.pk) + 1


def test_with_htmx_under_make_run_settings(
    page, live_server, course, make_run_settings, assert_accessible
):
    sign_up(page, live_server, "learner")
    page.get_by_role("link", name="Great rivers", exact=True).click()
    expect(page.get_by_text("Lesson 1 of 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Take the quiz").click()
    expect(page.locator("#answered-count")).to_have_text("0 of 3 answered")
    # The settings took: django-htmx's debug script is on the page.
    expect(page.locator("script[data-debug='True']")).to_have_count(1)
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    from quizzes.models import Attempt

    ids = Attempt.objects.get(learner__username="learner").question_ids

    # Slips: nothing chosen, then letters for a number. The quiz stays, with a message.
    single, single_q = card_of(page, course, "single")
    single.get_by_role("button", name="Check answer").click()
    expect(single.get_by_role("alert")).to_have_text(
        "Choose an option before checking your answer."
    )
    number, number_q = card_of(page, course, "numerical")
    number.get_by_label("Your answer (a number)").fill("ten")
    number.get_by_role("button", name="Check answer").click()
    expect(number.get_by_role("alert")).to_have_text(
        "Enter a number, such as 42 or 3.5."
    )
    expect(number.get_by_label("Your answer (a number)")).to_have_value("ten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz: Great rivers")
    expect(page.locator("#answered-count")).to_have_text("0 of 3 answered")
    assert_accessible(page)

    # Checked answers: marked in place, and the navigator follows out of band.
    answer_right(single, single_q)
    single.get_by_role("button", name="Check answer").click()
    expect(single.locator(".option-card.is-right")).to_contain_text(
        "Your answer: right"
    )
    expect(nav_link(page, number_of(ids, single_q), "right")).to_be_visible()
    true_false, true_false_q = card_of(page, course, "true_false")
    answer_wrong(true_false, true_false_q)
    true_false.get_by_role("button", name="Check answer").click()
    expect(true_false.locator(".option-card.is-wrong")).to_contain_text(
        "Your answer: wrong"
    )
    expect(true_false.locator(".option-card.is-key")).to_contain_text("Right answer")
    expect(nav_link(page, number_of(ids, true_false_q), "wrong")).to_be_visible()
    expect(page.locator("#answered-count")).to_have_text("2 of 3 answered")
    expect(nav_link(page, number_of(ids, number_q), "not answered yet")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True, "Check answer reloaded the page"
    assert_accessible(page)

    # Sticky on a desktop: still in view at the bottom of the page, and it jumps.
    page.get_by_role("button", name="Finish quiz").scroll_into_view_if_needed()
    expect(page.locator("#quiz-nav")).to_be_in_viewport()
    nav_link(page, number_of(ids, number_q), "not answered yet").click()
    expect(page).to_have_url(re.compile(f"#question-{number_q.pk}$"))
    expect(number).to_be_in_viewport()

    # Resume from the lesson.
    page.get_by_role("link", name="Great rivers").first.click()
    page.get_by_role("button", name="Resume quiz (2 of 3 answered)").click()
    expect(page.locator("#answered-count")).to_have_text("2 of 3 answered")
    number, _ = card_of(page, course, "numerical")
    number.get_by_label("Your answer (a number)").fill("10")
    number.get_by_role("button", name="Check answer").click()
    expect(page.locator("#answered-count")).to_have_text("3 of 3 answered")

    # Results: the strip, the pass mark, and on to the next lesson (2 of 3 = 67%: fail).
    page.get_by_role("button", name="Finish quiz").click()
    expect(page.get_by_role("heading", name="Your score: 67%")).to_be_visible()
    expect(page.get_by_text("Pass mark: 70%")).to_be_visible()
    strip = page.locator(".result-strip")
    expect(strip.get_by_role("link", name=re.compile(r": wrong$"))).to_have_count(1)
    expect(page.get_by_role("heading", name="Passages to re-read")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Retake quiz").click()
    for kind in ("single", "numerical", "true_false"):
        card, question = card_of(page, course, kind)
        answer_right(card, question)
        card.get_by_role("button", name="Check answer").click()
        expect(card.locator(".feedback")).to_be_visible()
    page.get_by_role("button", name="Finish quiz").click()
    expect(
        page.get_by_text("Passed: you reached the pass mark of 70%.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Next lesson")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("River mouths")
    expect(page.get_by_text("Lesson 2 of 2")).to_be_visible()


def test_without_javascript(browser, live_server, course):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_up(page, live_server, "nojs")
    page.get_by_role("link", name="Great rivers", exact=True).click()
    page.get_by_role("button", name="Take the quiz").click()
    from quizzes.models import Attempt

    ids = Attempt.objects.get(learner__username="nojs").question_ids
    methods = []
    page.on("request", lambda request: methods.append(request.method))

    # A slip: back at the question, with a summary at the top that links to it.
    number, number_q = card_of(page, course, "numerical")
    number.get_by_label("Your answer (a number)").fill("ten")
    number.get_by_role("button", name="Check answer").click()
    expect(page).to_have_url(re.compile(f"#question-{number_q.pk}$"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link")
    expect(link).to_have_text(
        f"Question {number_of(ids, number_q)}: Enter a number, such as 42 or 3.5."
    )
    expect(link).to_have_attribute("href", f"#question-{number_q.pk}")
    number = page.locator(f"#question-{number_q.pk}")
    expect(number.get_by_role("alert")).to_have_text(
        "Enter a number, such as 42 or 3.5."
    )
    expect(number.get_by_label("Your answer (a number)")).to_have_value("ten")
    # A reload is a GET (POST/redirect/GET) and the slip is gone.
    methods.clear()
    page.reload()
    assert methods[0] == "GET"
    expect(page.locator(".error-summary")).to_have_count(0)

    # The navigator works as links; after a check it is right on the next page.
    expect(page.locator("#quiz-nav")).to_have_attribute("open", "")
    single, single_q = card_of(page, course, "single")
    answer_right(single, single_q)
    single.get_by_role("button", name="Check answer").click()
    expect(page).to_have_url(re.compile(f"#question-{single_q.pk}$"))
    expect(nav_link(page, number_of(ids, single_q), "right")).to_be_visible()
    expect(page.locator("#answered-count")).to_have_text("1 of 3 answered")
    methods.clear()
    page.reload()
    assert methods[0] == "GET"
    assert Answer.objects.filter(attempt__learner__username="nojs").count() == 1
    nav_link(page, number_of(ids, number_q), "not answered yet").click()
    expect(page).to_have_url(re.compile(f"#question-{number_q.pk}$"))

    # Resume from the lesson, then finish and go on.
    page.get_by_role("link", name="Great rivers").first.click()
    page.get_by_role("button", name="Resume quiz (1 of 3 answered)").click()
    for kind in ("numerical", "true_false"):
        card, question = card_of(page, course, kind)
        answer_right(card, question)
        card.get_by_role("button", name="Check answer").click()
    expect(page.locator("#answered-count")).to_have_text("3 of 3 answered")
    page.get_by_role("button", name="Finish quiz").click()
    expect(page.get_by_role("heading", name="Your score: 100%")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Next lesson")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("River mouths")
    context.close()


def test_on_a_phone_the_navigator_folds_away(browser, live_server, course):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_up(page, live_server, "phone")
    page.get_by_role("link", name="Great rivers", exact=True).click()
    page.get_by_role("button", name="Take the quiz").click()
    navigator = page.locator("#quiz-nav")
    expect(navigator).not_to_have_attribute("open", "")
    expect(navigator.get_by_text("0 of 3 answered")).to_be_visible()
    expect(page.locator("#quiz-nav-list")).to_be_hidden()
    navigator.locator("summary").click()
    expect(page.locator("#quiz-nav-list")).to_be_visible()
    page.locator("#quiz-nav-list a").last.click()
    expect(navigator).not_to_have_attribute("open", "")
    expect(page).to_have_url(re.compile(r"#question-\d+$"))
    context.close()


def test_back_to_the_question_from_the_highlighted_passage(
    page, live_server, course, assert_accessible
):
    sign_up(page, live_server, "reader")
    page.get_by_role("link", name="Great rivers", exact=True).click()
    page.get_by_role("button", name="Take the quiz").click()
    card, question = card_of(page, course, "true_false")
    answer_wrong(card, question)
    card.get_by_role("button", name="Check answer").click()
    card.get_by_role("link", name="Show me in the lesson").click()
    expect(page.locator("#passage")).to_be_visible()
    from quizzes.models import Attempt

    ids = Attempt.objects.get(learner__username="reader").question_ids
    back = page.locator(".back-to-question").get_by_role("link")
    expect(back).to_have_text(f"← Back to question {number_of(ids, question)}")
    expect(back).to_be_in_viewport()
    assert_accessible(page)
    back.click()
    expect(page).to_have_url(re.compile(f"#question-{question.pk}$"))
    expect(page.locator(f"#question-{question.pk} .feedback")).to_be_visible()
