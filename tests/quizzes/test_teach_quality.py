"""Quality warnings in Teach: on the question list, in the editor, in the import preview,
and dismissing one with a reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Question
from tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz()


@pytest.fixture
def flagged(quiz):
    """A short answer that accepts only one form."""
    return make_question(
        quiz, "short", prompt="Which river?", choices=[("Danube", True, "")]
    )


def dismiss(client, question, code="single_accepted_form", reason="Only one name."):
    return client.post(
        reverse("teach:question_dismiss_warning", args=[question.pk]),
        {"code": code, "reason": reason},
    )


def test_the_question_list_counts_each_questions_open_warnings(
    teacher_client, quiz, flagged
):
    clean = make_question(quiz, "single", prompt="Which river reaches the sea?")
    page = teacher_client.get(reverse("teach:quiz_detail", args=[quiz.pk]))
    html = page.content.decode()
    rows = html.split('<tr id="question-')[1:]
    assert "1 quality warning" in rows[0]
    assert "quality warning" not in rows[1]
    assert clean.prompt in rows[1]


def test_the_question_list_takes_a_fixed_number_of_queries(
    teacher_client, quiz, django_assert_max_num_queries
):
    for _ in range(3):
        make_question(quiz, "short", choices=[("Danube", True, "")])
    url = reverse("teach:quiz_detail", args=[quiz.pk])
    teacher_client.get(url)
    with django_assert_max_num_queries(14) as few:
        teacher_client.get(url)
    for _ in range(6):
        make_question(quiz, "single")
    with django_assert_max_num_queries(len(few.captured_queries)):
        teacher_client.get(url)


def test_the_editor_lists_each_warning_with_why_and_how(teacher_client, flagged):
    page = teacher_client.get(reverse("teach:question_edit", args=[flagged.pk]))
    html = page.content.decode()
    assert "Only one accepted answer" in html
    assert "Add the forms a reader would type" in html
    assert 'name="reason"' in html and "Dismiss this warning" in html


def test_a_teacher_dismisses_a_warning_with_a_reason(teacher_client, teacher, flagged):
    response = dismiss(teacher_client, flagged)
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("teach:question_edit", args=[flagged.pk])
    )
    flagged.refresh_from_db()
    note = flagged.quality_dismissals["single_accepted_form"]
    assert note["reason"] == "Only one name." and note["by"] == teacher.username
    editor = teacher_client.get(response["Location"]).content.decode()
    assert "No open warnings" in editor and "Only one name." in editor
    listing = teacher_client.get(reverse("teach:quiz_detail", args=[flagged.quiz_id]))
    assert "quality warning" not in listing.content.decode()


def test_dismissing_without_a_reason_is_a_form_error_and_stores_nothing(
    teacher_client, flagged
):
    response = dismiss(teacher_client, flagged, reason="   ")
    assert response.status_code == 200
    assert "Say why the warning does not apply" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.quality_dismissals == {}


def test_dismissing_an_unknown_warning_is_a_form_error(teacher_client, flagged):
    response = dismiss(teacher_client, flagged, code="<script>")
    assert response.status_code == 200
    assert "&lt;script&gt;" not in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.quality_dismissals == {}


def test_only_teachers_dismiss_and_only_by_post(client, student, teacher, flagged):
    url = reverse("teach:question_dismiss_warning", args=[flagged.pk])
    response = dismiss(client, flagged)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(student)
    assert dismiss(client, flagged).status_code == 403
    client.force_login(teacher)
    assert client.get(url).status_code == 405
    flagged.refresh_from_db()
    assert flagged.quality_dismissals == {}


def test_dismissing_needs_the_csrf_token(teacher, flagged):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    assert dismiss(client, flagged).status_code == 403


def test_an_unknown_question_is_404(teacher_client):
    response = teacher_client.post(
        reverse("teach:question_dismiss_warning", args=[999999]),
        {"code": "single_accepted_form", "reason": "x"},
    )
    assert response.status_code == 404


def test_warnings_never_block_publishing(teacher_client, flagged):
    flagged.status = Question.Status.DRAFT
    flagged.save()
    teacher_client.post(
        reverse("teach:question_status", args=[flagged.pk]), {"status": "published"}
    )
    flagged.refresh_from_db()
    assert flagged.status == Question.Status.PUBLISHED


def test_the_import_preview_shows_quality_warnings(teacher_client, quiz):
    bank = (
        "::Capital:: What is the capital of Iran? {=Tehran}\n\n"
        "::Rivers:: Which is a river? {=The Volga, the longest river in Europe ~Oslo ~Rome}\n"
    )
    response = teacher_client.post(
        reverse("teach:import_file", args=[quiz.pk]),
        {"format": "gift", "file": SimpleUploadedFile("questions.gift", bank.encode())},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only one accepted answer" in html
    assert "Right option much longer" in html
