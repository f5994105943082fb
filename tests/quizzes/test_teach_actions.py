"""Every Teach action a teacher can take, and what the teacher then sees."""

import html
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes.models import Answer, Attempt, Question, Quiz
from relations.models import Article
from tests.factories import (
    make_answer,
    make_article,
    make_question,
    make_quiz,
    make_section,
)

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def quiz():
    return make_quiz(make_section(title="Rivers of Europe"))


def test_create_a_quiz_for_a_lesson_makes_that_lessons_quiz(teacher_client):
    article = make_article()
    first = make_section(article, title="First lesson")
    make_quiz(first)
    second = make_section(article, title="Second lesson")
    response = teacher_client.post(
        reverse("teach:quiz_create", args=[second.pk]), follow=True
    )
    quiz = Quiz.objects.get(section=second)
    assert response.redirect_chain[-1][0] == reverse(
        "teach:quiz_detail", args=[quiz.pk]
    )
    text = page(response)
    assert "Quiz created for “Second lesson”." in text
    assert "Questions: Second lesson" in text
    assert Quiz.objects.filter(section__article=article).count() == 2


def test_create_a_quiz_again_opens_the_lessons_existing_quiz(teacher_client, quiz):
    response = teacher_client.post(reverse("teach:quiz_create", args=[quiz.section.pk]))
    assert response["Location"] == reverse("teach:quiz_detail", args=[quiz.pk])
    assert Quiz.objects.filter(section=quiz.section).count() == 1


def test_publish_from_teach_makes_a_draft_visible_to_learners(
    teacher_client, student, quiz
):
    question = make_question(quiz, status="draft", prompt="Which river?")
    response = teacher_client.post(
        reverse("teach:question_status", args=[question.pk]),
        {"status": "published"},
        follow=True,
    )
    assert "“Which river?” is now published." in page(response)
    question.refresh_from_db()
    assert question.status == "published"
    assert Attempt.objects.start(learner=student, quiz=quiz).question_ids == [
        question.pk
    ]


def test_archive_from_teach_takes_a_question_out_of_new_attempts(
    teacher_client, student, quiz
):
    kept = make_question(quiz)
    question = make_question(quiz, prompt="Which sea?")
    response = teacher_client.post(
        reverse("teach:question_status", args=[question.pk]),
        {"status": "archived"},
        follow=True,
    )
    assert "“Which sea?” is now archived." in page(response)
    question.refresh_from_db()
    assert question.status == "archived"
    assert Attempt.objects.start(learner=student, quiz=quiz).question_ids == [kept.pk]


def test_back_to_draft_from_teach(teacher_client, quiz):
    question = make_question(quiz, prompt="Which sea?")
    response = teacher_client.post(
        reverse("teach:question_status", args=[question.pk]),
        {"status": "draft"},
        follow=True,
    )
    assert "“Which sea?” is now draft." in page(response)
    question.refresh_from_db()
    assert question.status == "draft"


def test_an_unknown_status_is_refused_and_changes_nothing(teacher_client, quiz):
    question = make_question(quiz, status="draft")
    response = teacher_client.post(
        reverse("teach:question_status", args=[question.pk]), {"status": "deleted"}
    )
    assert response.status_code == 400
    question.refresh_from_db()
    assert question.status == "draft"


def test_deleting_a_draft_removes_it(teacher_client, quiz):
    question = make_question(quiz, status="draft")
    response = teacher_client.post(
        reverse("teach:question_delete", args=[question.pk]), follow=True
    )
    assert "Question deleted." in page(response)
    assert "No questions yet." in page(response)
    assert not Question.objects.filter(pk=question.pk).exists()


def test_an_old_version_cannot_be_edited_published_or_deleted(
    teacher_client, student, quiz
):
    question = make_question(quiz)
    make_answer(student, question)
    edit_url = reverse("teach:question_edit", args=[question.pk])
    form = teacher_client.get(edit_url)
    assert form.status_code == 200
    data = {
        "kind": "single",
        "prompt": "Reworded?",
        "points": "1",
        "source_quote": "The Danube flows through ten countries",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "30",
        "choices-0-text": "Danube",
        "choices-0-is_correct": "on",
        "choices-1-text": "Rhine",
    }
    assert teacher_client.post(edit_url, data).status_code == 302
    question.refresh_from_db()
    assert not question.is_current
    assert teacher_client.get(edit_url).status_code == 403
    assert (
        teacher_client.post(edit_url, {**data, "prompt": "Again?"}).status_code == 403
    )
    status_url = reverse("teach:question_status", args=[question.pk])
    assert teacher_client.post(status_url, {"status": "archived"}).status_code == 403
    delete_url = reverse("teach:question_delete", args=[question.pk])
    assert teacher_client.post(delete_url).status_code == 403
    question.refresh_from_db()
    assert question.prompt != "Again?" and question.status == "published"
    assert quiz.questions.current().get().prompt == "Reworded?"


def test_aiken_download(teacher_client, quiz):
    make_question(
        quiz,
        prompt="Which river reaches the Black Sea?",
        choices=[("Rhine", False, ""), ("Danube", True, ""), ("Thames", False, "")],
    )
    make_question(quiz, "short")  # Aiken has single choice only: left out
    response = teacher_client.get(reverse("teach:export_quiz", args=[quiz.pk, "aiken"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="rivers-of-europe.aiken.txt"'
    )
    assert response.content.decode() == (
        "Which river reaches the Black Sea?\n"
        "A) Rhine\nB) Danube\nC) Thames\nANSWER: B\n"
    )


def test_gift_download_and_an_unknown_format(teacher_client, quiz):
    make_question(quiz, prompt="Which river reaches the Black Sea?")
    gift = teacher_client.get(reverse("teach:export_quiz", args=[quiz.pk, "gift"]))
    assert gift["Content-Disposition"].endswith('filename="rivers-of-europe.gift.txt"')
    assert "Which river reaches the Black Sea?" in gift.content.decode()
    assert "=Danube" in gift.content.decode()
    other = teacher_client.get(reverse("teach:export_quiz", args=[quiz.pk, "csv"]))
    assert other.status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_preview_without_an_answer_is_a_slip_that_records_nothing(
    teacher_client, quiz, htmx
):
    question = make_question(quiz, status="draft")
    headers = {"HX-Request": "true"} if htmx else {}
    response = teacher_client.post(
        reverse("teach:question_preview", args=[question.pk]), {}, headers=headers
    )
    # A slip, not a malformed request: a normal answer with the message (issue 15).
    assert response.status_code == 200
    text = page(response)
    assert 'role="alert"' in text
    assert "Check answer" in text  # the question again, to answer
    assert "Right answer" not in text and question.explanation not in text
    assert ("<html" in text) is not htmx
    assert not Attempt.objects.exists() and not Answer.objects.exists()


def test_load_course_command_loads_then_keeps(db):
    Article.objects.all().delete()  # the data migration loaded it already
    out = StringIO()
    call_command("load_course", stdout=out)
    first = out.getvalue()
    assert first.startswith("Course loaded from ")
    assert " 0 created" not in first
    assert Article.objects.get(slug="russia-and-iran").sections.count() == 6
    created = Question.objects.count()
    assert created >= 60
    out = StringIO()
    call_command("load_course", stdout=out)
    assert ": 0 created," in out.getvalue()
    assert Question.objects.count() == created


def test_load_course_command_refuses_a_folder_without_a_course(db, tmp_path):
    with pytest.raises(CommandError, match="No course.json"):
        call_command("load_course", str(tmp_path))
