import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.factories import make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_teacher_sees_a_quality_warning_in_the_editor_and_dismisses_it(
    page, live_server, log_in, assert_accessible
):
    quiz = make_quiz()
    question = make_question(
        quiz, "short", prompt="Which river?", choices=[("Danube", True, "")]
    )
    teacher = make_user("teacher-q", teacher=True)
    log_in(page, teacher)

    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/")
    expect(page.get_by_text("1 quality warning")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit").first.click()

    warnings = page.locator("#quality")
    expect(warnings).to_contain_text("Only one accepted answer")
    expect(warnings).to_contain_text("Add the forms a reader would type")
    assert_accessible(page)

    page.get_by_role("button", name="Dismiss this warning").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the warning")
    assert_accessible(page)

    page.get_by_label("does not apply here").fill(
        "The river has one name in the lesson."
    )
    page.get_by_role("button", name="Dismiss this warning").click()
    expect(page.locator("#quality")).to_contain_text("No open warnings")
    expect(page.locator("#quality")).to_contain_text(
        "The river has one name in the lesson."
    )
    assert_accessible(page)
    question.refresh_from_db()
    assert "single_accepted_form" in question.quality_dismissals
    assert (
        Question.objects.filter(pk=question.pk).quality_reports()[question.pk].open
        == ()
    )
