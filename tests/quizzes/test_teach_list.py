"""The Teach question table: search, filters, bulk publish/archive, delete confirmation,
the row just saved; the quiz settings form; publishing from the preview."""

import html
import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz
from tests.factories import make_answer, make_question, make_quiz, make_section
from tests.quizzes.test_teach import editor_data

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def row_ids(response) -> list[int]:
    """The questions shown in the table, in order."""
    return [int(pk) for pk in re.findall(r'<tr id="question-(\d+)"', page(response))]


@pytest.fixture
def quiz():
    return make_quiz(make_section(title="Rivers of Europe"))


@pytest.fixture
def mixed(quiz):
    """A published, a draft, an archived and an unanchored draft question, one per kind."""
    return {
        "published": make_question(
            quiz, "single", prompt="Which river reaches the sea?"
        ),
        "draft": make_question(
            quiz, "true_false", prompt="The Rhine carries freight.", status="draft"
        ),
        "archived": make_question(
            quiz, "multiple", prompt="Which goods travel?", status="archived"
        ),
        "unanchored": make_question(
            quiz,
            "short",
            prompt="Name the longest river.",
            status="draft",
            source_quote="Not in the lesson at all",
            choices=[("Volga", True, "")],
        ),
    }


def list_url(quiz, **params) -> str:
    return reverse("teach:quiz_detail", args=[quiz.pk])


def get_list(client, quiz, **params):
    return client.get(reverse("teach:quiz_detail", args=[quiz.pk]), params)


def test_the_list_is_a_table_with_a_caption_and_labelled_cells(teacher_client, mixed):
    quiz = mixed["published"].quiz
    text = page(get_list(teacher_client, quiz))
    assert "<caption" in text and "Questions of Rivers of Europe" in text
    assert '<th scope="col">Status</th>' in text
    assert 'data-label="Status"' in text and 'data-label="Actions"' in text
    assert row_ids(get_list(teacher_client, quiz)) == [q.pk for q in mixed.values()]


def test_search_finds_text_in_the_prompt(teacher_client, mixed):
    response = get_list(teacher_client, mixed["draft"].quiz, q="FREIGHT")
    assert row_ids(response) == [mixed["draft"].pk]
    assert "1 question matches" in page(response)


def test_search_that_finds_nothing_says_so(teacher_client, mixed):
    response = get_list(teacher_client, mixed["draft"].quiz, q="Amazon")
    assert row_ids(response) == []
    assert "No question matches these filters." in page(response)


@pytest.mark.parametrize("status", ["published", "draft", "archived"])
def test_filter_by_status(teacher_client, mixed, status):
    response = get_list(teacher_client, mixed["draft"].quiz, status=status)
    expected = [q.pk for q in mixed.values() if q.status == status]
    assert row_ids(response) == expected


def test_filter_by_kind(teacher_client, mixed):
    response = get_list(teacher_client, mixed["draft"].quiz, kind="true_false")
    assert row_ids(response) == [mixed["draft"].pk]


def test_filter_needs_review(teacher_client, mixed):
    response = get_list(teacher_client, mixed["draft"].quiz, review="on")
    assert row_ids(response) == [mixed["unanchored"].pk]


def test_filter_quality_warnings(teacher_client, mixed):
    # A short answer with a single accepted form has a quality warning.
    response = get_list(teacher_client, mixed["draft"].quiz, warnings="on")
    assert row_ids(response) == [mixed["unanchored"].pk]
    assert "1 quality warning" in page(response)


def test_filters_combine(teacher_client, mixed):
    quiz = mixed["draft"].quiz
    assert row_ids(get_list(teacher_client, quiz, status="draft", q="river")) == [
        mixed["unanchored"].pk
    ]


def test_an_unknown_filter_value_is_shown_as_an_error_not_applied(
    teacher_client, mixed
):
    response = get_list(teacher_client, mixed["draft"].quiz, status="deleted")
    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    assert len(row_ids(response)) == 4


def test_htmx_filter_returns_only_the_table(teacher_client, mixed):
    response = teacher_client.get(
        reverse("teach:quiz_detail", args=[mixed["draft"].quiz.pk]),
        {"status": "draft"},
        headers={"HX-Request": "true"},
    )
    text = page(response)
    assert text.lstrip().startswith('<div id="question-table"')
    assert "<html" not in text
    assert row_ids(response) == [mixed["draft"].pk, mixed["unanchored"].pk]


def test_htmx_history_restore_gets_the_whole_page(teacher_client, mixed):
    response = teacher_client.get(
        reverse("teach:quiz_detail", args=[mixed["draft"].quiz.pk]),
        {"status": "draft"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in page(response)
    assert row_ids(response) == [mixed["draft"].pk, mixed["unanchored"].pk]


def bulk(client, quiz, action, questions, **extra):
    return client.post(
        reverse("teach:questions_bulk", args=[quiz.pk]),
        {"action": action, "question": [q.pk for q in questions], **extra},
    )


def test_bulk_publish_publishes_every_ticked_question(teacher_client, quiz):
    drafts = [make_question(quiz, status="draft") for _ in range(3)]
    response = bulk(teacher_client, quiz, "publish", drafts[:2], status="draft")
    assert response.status_code == 302
    # Back to the same filtered list.
    assert response["Location"].endswith("?status=draft")
    statuses = [Question.objects.get(pk=q.pk).status for q in drafts]
    assert statuses == ["published", "published", "draft"]
    followed = teacher_client.get(response["Location"])
    assert "2 questions are now published." in page(followed)


def test_bulk_publish_with_a_refused_row_changes_nothing_and_names_it(
    teacher_client, mixed
):
    quiz = mixed["draft"].quiz
    ticked = [mixed["draft"], mixed["unanchored"]]
    response = bulk(teacher_client, quiz, "publish", ticked)
    assert Question.objects.get(pk=mixed["draft"].pk).status == "draft"
    assert Question.objects.get(pk=mixed["unanchored"].pk).status == "draft"
    text = page(teacher_client.get(response["Location"]))
    assert "Nothing was changed: 1 question cannot be published." in text
    assert (
        "“Name the longest river.” cannot be published: Its source quote no longer"
        " occurs in the lesson." in text
    )
    # The ticks are kept, so the teacher can untick the refused row and try again.
    assert (
        f'value="{mixed["draft"].pk}" form="bulk-form" id="tick-{mixed["draft"].pk}" checked'
        in text
    )


def test_bulk_archive_archives_and_retires_like_one_by_one(teacher_client, mixed):
    quiz = mixed["draft"].quiz
    bulk(teacher_client, quiz, "archive", [mixed["published"], mixed["unanchored"]])
    assert Question.objects.get(pk=mixed["published"].pk).status == "archived"
    assert Question.objects.get(pk=mixed["unanchored"].pk).status == "archived"
    assert Question.objects.get(pk=mixed["draft"].pk).status == "draft"


def test_bulk_without_a_tick_says_what_to_do(teacher_client, quiz):
    make_question(quiz, status="draft")
    response = teacher_client.post(
        reverse("teach:questions_bulk", args=[quiz.pk]), {"action": "publish"}
    )
    assert "Tick at least one question first." in page(
        teacher_client.get(response["Location"])
    )


def test_bulk_refuses_a_question_of_another_quiz(teacher_client, quiz):
    elsewhere = make_question(make_quiz(), status="draft")
    mine = make_question(quiz, status="draft")
    response = bulk(teacher_client, quiz, "publish", [mine, elsewhere])
    assert response.status_code == 404
    assert Question.objects.get(pk=mine.pk).status == "draft"
    assert Question.objects.get(pk=elsewhere.pk).status == "draft"


def test_bulk_refuses_an_unknown_action(teacher_client, quiz):
    question = make_question(quiz, status="draft")
    response = bulk(teacher_client, quiz, "delete", [question])
    assert response.status_code == 302
    assert Question.objects.filter(pk=question.pk, status="draft").exists()


def test_delete_asks_first_and_deletes_only_on_post(teacher_client, quiz):
    question = make_question(quiz, status="draft", prompt="Which sea?")
    url = reverse("teach:question_delete", args=[question.pk])
    listing = page(get_list(teacher_client, quiz))
    # The list links to the confirmation; it has no one-click delete.
    assert f'href="{url}"' in listing and f'action="{url}"' not in listing
    confirm = teacher_client.get(url)
    assert confirm.status_code == 200
    assert "Delete this question?" in page(confirm) and "Which sea?" in page(confirm)
    assert f'<form method="post" action="{url}">' in page(confirm)
    assert Question.objects.filter(pk=question.pk).exists()
    response = teacher_client.post(url, follow=True)
    assert "Question deleted." in page(response)
    assert not Question.objects.filter(pk=question.pk).exists()


def test_delete_of_an_answered_question_offers_archive_instead(
    teacher_client, student, quiz
):
    question = make_question(quiz)
    make_answer(student, question)
    url = reverse("teach:question_delete", args=[question.pk])
    text = page(teacher_client.get(url))
    assert "cannot be deleted" in text and "Archive it" in text
    response = teacher_client.post(url, follow=True)
    assert "archive it instead of deleting it" in page(response)
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_row_just_saved_is_marked_after_the_editor(teacher_client, quiz):
    other = make_question(quiz)
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]), editor_data()
    )
    saved = quiz.questions.exclude(pk=other.pk).get()
    assert response["Location"] == (
        reverse("teach:quiz_detail", args=[quiz.pk])
        + f"?saved={saved.pk}#question-{saved.pk}"
    )
    text = page(teacher_client.get(response["Location"]))
    assert "Question saved." in text
    assert f'<tr id="question-{saved.pk}" class="just-saved">' in text
    assert f'<tr id="question-{other.pk}" class="">' in text
    assert text.count("Just saved") == 1


def test_a_new_version_is_the_row_marked(teacher_client, student, quiz):
    question = make_question(quiz)
    make_answer(student, question)
    response = teacher_client.post(
        reverse("teach:question_edit", args=[question.pk]),
        editor_data(prompt="Reworded?"),
    )
    new = quiz.questions.current().get()
    assert new.pk != question.pk
    assert f"saved={new.pk}" in response["Location"]


def test_a_saved_parameter_that_is_not_a_number_is_404(teacher_client, quiz):
    assert get_list(teacher_client, quiz, saved="x").status_code == 404


def test_list_queries_do_not_grow_with_questions_under_every_filter(
    teacher_client, quiz, django_assert_max_num_queries
):
    params = {
        "q": "river",
        "status": "draft",
        "kind": "short",
        "review": "on",
        "warnings": "on",
    }
    for _ in range(2):
        make_question(
            quiz,
            "short",
            status="draft",
            source_quote="missing",
            choices=[("Danube", True, "")],
        )
    url = reverse("teach:quiz_detail", args=[quiz.pk])
    teacher_client.get(url, params)
    with django_assert_max_num_queries(14) as few:
        assert len(row_ids(teacher_client.get(url, params))) == 2
    for _ in range(20):
        make_question(
            quiz,
            "short",
            status="draft",
            source_quote="missing",
            choices=[("Danube", True, "")],
        )
        make_question(quiz, "single")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(row_ids(teacher_client.get(url, params))) == 22


# --- Quiz settings ------------------------------------------------------------------


def settings_data(**fields) -> dict:
    return {
        "pass_mark": "80",
        "feedback_mode": "deferred",
        "max_attempts": "3",
        "is_published": "on",
        **fields,
    }


def test_settings_form_shows_the_quiz_values(teacher_client, quiz):
    response = teacher_client.get(reverse("teach:quiz_settings", args=[quiz.pk]))
    text = page(response)
    assert response.status_code == 200
    assert 'name="pass_mark" value="70"' in text
    assert 'value="immediate" id="id_feedback_mode_0" required checked' in text


def test_settings_are_saved(teacher_client, quiz):
    response = teacher_client.post(
        reverse("teach:quiz_settings", args=[quiz.pk]), settings_data(), follow=True
    )
    assert "Quiz settings saved." in page(response)
    assert "Pass mark: 80%" in page(response)  # as learners read it
    quiz.refresh_from_db()
    assert (quiz.pass_mark, quiz.feedback_mode, quiz.max_attempts) == (
        80,
        "deferred",
        3,
    )
    assert quiz.is_published


def test_empty_max_attempts_means_unlimited_and_unticked_hides(teacher_client, quiz):
    data = settings_data(max_attempts="")
    del data["is_published"]
    teacher_client.post(reverse("teach:quiz_settings", args=[quiz.pk]), data)
    quiz.refresh_from_db()
    assert quiz.max_attempts is None and not quiz.is_published


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pass_mark", "101", "less than or equal to 100"),
        ("pass_mark", "-1", "greater than or equal to 0"),
        ("pass_mark", "seventy", "Enter a whole number."),
        ("max_attempts", "0", "greater than or equal to 1"),
        ("feedback_mode", "sometimes", "Select a valid choice."),
    ],
)
def test_invalid_settings_are_refused_with_a_message(
    teacher_client, quiz, field, value, message
):
    response = teacher_client.post(
        reverse("teach:quiz_settings", args=[quiz.pk]),
        settings_data(**{field: value}),
    )
    assert response.status_code == 200
    text = page(response)
    assert message in text
    assert f'href="#id_{field}' in text  # the error summary links to the field
    fresh = Quiz.objects.get(pk=quiz.pk)
    assert (fresh.pass_mark, fresh.feedback_mode, fresh.max_attempts) == (
        70,
        "immediate",
        None,
    )


def test_settings_of_a_quiz_that_does_not_exist_are_404(teacher_client):
    url = reverse("teach:quiz_settings", args=[987654])
    assert teacher_client.get(url).status_code == 404
    assert teacher_client.post(url, settings_data()).status_code == 404


def test_settings_are_for_teachers_only(client, student, quiz):
    url = reverse("teach:quiz_settings", args=[quiz.pk])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(student)
    assert client.get(url).status_code == 403
    assert client.post(url, settings_data()).status_code == 403
    assert Quiz.objects.get(pk=quiz.pk).pass_mark == 70


def test_a_new_attempt_follows_the_new_feedback_mode(teacher_client, student, quiz):
    make_question(quiz)
    teacher_client.post(reverse("teach:quiz_settings", args=[quiz.pk]), settings_data())
    attempt = Attempt.objects.start(learner=student, quiz=Quiz.objects.get(pk=quiz.pk))
    assert attempt.feedback_mode == "deferred"


# --- Publish from the preview ---------------------------------------------------------


def test_publish_from_the_preview_returns_to_the_preview(teacher_client, quiz):
    question = make_question(quiz, status="draft", prompt="Which river?")
    preview_url = reverse("teach:question_preview", args=[question.pk])
    text = page(teacher_client.get(preview_url))
    status_url = reverse("teach:question_status", args=[question.pk])
    assert f'action="{status_url}"' in text and "Publish this question" in text
    response = teacher_client.post(
        status_url, {"status": "published", "back": "preview"}, follow=True
    )
    assert response.redirect_chain[-1][0] == preview_url
    assert "“Which river?” is now published." in page(response)
    assert "Publish this question" not in page(response)
    assert Question.objects.get(pk=question.pk).status == "published"


def test_publish_from_the_preview_keeps_the_anchor_rule(teacher_client, quiz):
    question = make_question(
        quiz, status="draft", prompt="Which river?", source_quote="not in it"
    )
    response = teacher_client.post(
        reverse("teach:question_status", args=[question.pk]),
        {"status": "published", "back": "preview"},
        follow=True,
    )
    assert "cannot be published" in page(response)
    assert "Publish this question" in page(response)
    assert Question.objects.get(pk=question.pk).status == "draft"


def test_the_preview_of_a_published_question_offers_no_publish(teacher_client, quiz):
    question = make_question(quiz)
    text = page(
        teacher_client.get(reverse("teach:question_preview", args=[question.pk]))
    )
    assert "Publish this question" not in text


def test_odd_checked_values_are_ignored(teacher_client, quiz):
    question = make_question(quiz, status="draft")
    response = teacher_client.get(
        reverse("teach:quiz_detail", args=[quiz.pk]),
        {"checked": ["²", "abc", "9" * 40, str(question.pk)]},
    )
    assert response.status_code == 200
    assert f'id="tick-{question.pk}" checked' in page(response)


def test_a_long_prompt_is_cut_with_an_ellipsis(teacher_client, quiz):
    prompt = (
        "Which of the rivers that rise in the Alps and cross several countries before "
        "reaching the North Sea carries the most freight?"
    )
    make_question(quiz, "single", prompt=prompt)
    text = page(get_list(teacher_client, quiz))
    assert prompt[:79] + "…" in text
    assert prompt not in text
