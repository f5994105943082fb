import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.factories import make_quiz, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_teacher_adds_and_removes_choice_rows_with_htmx_and_saves(
    page, live_server, log_in, assert_accessible
):
    quiz = make_quiz()
    teacher = make_user("teacher-b", teacher=True)
    log_in(page, teacher)
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/new?kind=single")
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    rows = page.locator("#choice-rows li.choice-row")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Add a choice").click()
    expect(rows).to_have_count(4)
    page.get_by_role("button", name="Remove row 4").click()
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Remove row 3").click()
    expect(rows).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True

    page.get_by_label("Prompt").fill("Which river reaches the Black Sea?")
    page.get_by_label("Explanation").fill("The lesson names the Danube.")
    page.get_by_label("Source quote").fill("The Danube flows through ten countries")
    texts = page.get_by_label("Choice text")
    texts.nth(0).fill("Rhine")
    texts.nth(1).fill("Danube")
    page.get_by_label("Right").nth(1).check()
    page.get_by_role("button", name="Move up row 2").click()
    expect(page.get_by_label("Choice text").nth(0)).to_have_value("Danube")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    assert_accessible(page)

    question = Question.objects.get(quiz=quiz)
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Danube", True),
        ("Rhine", False),
    ]
    page.get_by_role("link", name="Preview").first.click()
    page.get_by_label("Danube").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback")).to_contain_text("Right.")
    assert_accessible(page)
