import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.factories import make_question, make_quiz, make_section, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def make_questions():
    quiz = make_quiz(make_section(title="Rivers of Europe"))
    make_question(quiz, prompt="Which river reaches the Black Sea?")
    make_question(
        quiz, "true_false", status="draft", prompt="The Rhine carries freight."
    )
    make_question(quiz, status="draft", prompt="Which river crosses Vienna?")
    make_question(
        quiz,
        "short",
        status="draft",
        prompt="Name the longest river.",
        source_quote="Not in the lesson",
        choices=[("Volga", True, "")],
    )
    return quiz


def test_teacher_filters_ticks_and_publishes_in_bulk(
    page, live_server, log_in, assert_accessible
):
    quiz = make_questions()
    log_in(page, make_user("teacher-list", teacher=True))
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/")
    rows = page.locator("table.question-table tbody tr")
    expect(rows).to_have_count(4)
    assert_accessible(page)

    # With JavaScript, a filter swaps only the table and the URL follows.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Status").select_option("draft")
    expect(rows).to_have_count(3)
    expect(page).to_have_url(
        f"{live_server.url}/teach/quizzes/{quiz.pk}/?q=&status=draft&kind="
    )
    page.get_by_label("Search the questions").fill("river")
    expect(rows).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True
    expect(
        page.get_by_role("status").filter(has_text="2 questions match")
    ).to_be_visible()
    assert_accessible(page)

    # Ticking a row that cannot be published refuses the whole batch, by name.
    page.get_by_label("Tick “Which river crosses Vienna?”").check()
    page.get_by_label("Tick “Name the longest river.”").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(
        page.get_by_text("Nothing was changed: 1 question cannot be published.")
    ).to_be_visible()
    expect(
        page.get_by_text("“Name the longest river.” cannot be published")
    ).to_be_visible()
    assert quiz.questions.filter(status="published").count() == 1
    # The filter and the ticks survive the refusal.
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Tick “Which river crosses Vienna?”")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Tick “Name the longest river.”").uncheck()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("1 question is now published.")).to_be_visible()
    assert (
        Question.objects.get(prompt="Which river crosses Vienna?").status == "published"
    )

    # Delete asks first.
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/")
    page.get_by_text("More actions for The Rhine carries freight.").click()
    page.get_by_role("link", name="Delete… The Rhine carries freight.").click()
    expect(page.get_by_role("heading", name="Delete this question?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_text("Question deleted.")).to_be_visible()
    expect(rows).to_have_count(3)


def test_without_javascript_the_filters_and_bulk_actions_work(
    browser, live_server, assert_accessible
):
    quiz = make_questions()
    teacher = make_user("teacher-nojs", teacher=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(teacher.username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/")
    page.get_by_label("Kind", exact=True).select_option("true_false")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.question-table tbody tr")
    expect(rows).to_have_count(1)
    page.get_by_label("Tick “The Rhine carries freight.”").check()
    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.get_by_text("1 question is now archived.")).to_be_visible()
    assert (
        Question.objects.get(prompt="The Rhine carries freight.").status == "archived"
    )
    context.close()


def test_on_a_phone_each_cell_keeps_its_label(
    page, live_server, log_in, assert_accessible
):
    quiz = make_questions()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, make_user("teacher-phone", teacher=True))
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/")
    cell = page.locator("table.question-table tbody tr").first.locator(
        "td[data-label='Status']"
    )
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Status"'
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)


def test_settings_import_and_preview_pages_pass_axe(
    page, live_server, log_in, assert_accessible
):
    quiz = make_questions()
    log_in(page, make_user("teacher-pages", teacher=True))
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/settings")
    assert_accessible(page)
    page.get_by_label("Pass mark (%)").fill("120")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Pass mark (%)")
    assert_accessible(page)
    page.get_by_role("link", name="Pass mark (%)").click()
    expect(page.get_by_label("Pass mark (%)")).to_be_focused()
    page.get_by_label("Pass mark (%)").fill("60")
    page.get_by_label("Deferred: at the end of the quiz").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Quiz settings saved.")).to_be_visible()
    expect(page.get_by_text("Pass mark: 60%")).to_be_visible()

    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/import")
    assert_accessible(page)
    paste = page.get_by_label("Or paste the questions")
    paste.fill(
        "// relations-quote: The Danube flows through ten countries\n"
        "::Sea::Which river reaches the Black Sea?{=Danube ~Rhine}"
    )
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_text("arrives as Draft")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 question").click()
    expect(page.get_by_text("Imported 1 question as a draft.")).to_be_visible()

    page.get_by_role("link", name="Preview Sea").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish this question").click()
    expect(page.get_by_text("“Sea” is now published.")).to_be_visible()
    assert quiz.questions.get(title="Sea").status == "published"


def test_a_pasted_error_shows_its_line_and_passes_axe(
    browser, live_server, assert_accessible
):
    """A file with errors answers 400 (the preview is refused), which the `page`
    fixture would count as a console error: this page is its own."""
    quiz = make_questions()
    teacher = make_user("teacher-paste", teacher=True)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(teacher.username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/import")
    page.get_by_label("Or paste the questions").fill(
        "::Sea::Which river reaches the Black Sea?{=Danube ~Rhine}\n\n::Bad::How long?{#far}"
    )
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Line 3 (Bad): 'far' is not a number."
    )
    expect(page.get_by_label("Or paste the questions")).to_have_value(
        "::Sea::Which river reaches the Black Sea?{=Danube ~Rhine}\n\n::Bad::How long?{#far}"
    )
    assert_accessible(page)
    context.close()
