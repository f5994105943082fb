import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.grading import Submission
from quizzes.models import Answer, Attempt, Question
from tests.factories import make_answer, make_question, make_quiz, make_section

pytestmark = pytest.mark.django_db

QUOTE = "The Danube flows through ten countries"


def editor_data(kind="single", rows=None, **fields) -> dict:
    rows = (
        rows
        if rows is not None
        else [
            {
                "text": "Danube",
                "is_correct": "on",
                "feedback": "It reaches the Black Sea.",
            },
            {"text": "Rhine", "feedback": "The Rhine carries freight."},
        ]
    )
    data = {
        "kind": kind,
        "title": "",
        "prompt": "Which river reaches the Black Sea?",
        "points": "1",
        "explanation": "The lesson says so.",
        "incorrect_feedback": "",
        "source_quote": QUOTE,
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "30",
        **fields,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"choices-{index}-{name}"] = value
    return data


@pytest.fixture
def quiz():
    return make_quiz()


def test_students_get_403_and_anonymous_users_go_to_login(client, student, quiz):
    urls = [
        reverse("teach:index"),
        reverse("teach:quiz_detail", args=[quiz.pk]),
        reverse("teach:quiz_results", args=[quiz.pk]),
        reverse("teach:quiz_settings", args=[quiz.pk]),
        reverse("teach:question_new", args=[quiz.pk]),
        reverse("teach:import_file", args=[quiz.pk]),
        reverse("teach:export_quiz", args=[quiz.pk, "gift"]),
        reverse("teach:export_all"),
    ]
    for url in urls:
        response = client.get(url)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        ), url
    client.force_login(student)
    for url in urls:
        assert client.get(url).status_code == 403, url
    question = make_question(quiz)
    assert (
        client.get(reverse("teach:question_delete", args=[question.pk])).status_code
        == 403
    )
    for name in ["question_status", "question_delete"]:
        response = client.post(
            reverse(f"teach:{name}", args=[question.pk]), {"status": "archived"}
        )
        assert response.status_code == 403
    response = client.post(
        reverse("teach:questions_bulk", args=[quiz.pk]),
        {"action": "archive", "question": question.pk},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("teach:quiz_settings", args=[quiz.pk]),
        {"pass_mark": "5", "feedback_mode": "deferred"},
    )
    assert response.status_code == 403
    question.refresh_from_db()
    quiz.refresh_from_db()
    assert question.status == "published" and quiz.pass_mark == 70


def test_teach_index_lists_lessons_with_question_counts(teacher_client, quiz):
    make_question(quiz)
    make_question(quiz, status="draft")
    page = teacher_client.get(reverse("teach:index")).content.decode()
    assert quiz.section.title in page
    assert reverse("teach:quiz_detail", args=[quiz.pk]) in page


def test_teacher_writes_a_question_and_it_records_the_author(
    teacher_client, teacher, quiz
):
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]), editor_data()
    )
    assert response.status_code == 302
    question = quiz.questions.get()
    assert question.status == "draft"
    assert question.created_by == teacher and question.updated_by == teacher
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Danube", True),
        ("Rhine", False),
    ]


def test_single_choice_needs_exactly_one_right_choice(teacher_client, quiz):
    rows = [
        {"text": "Danube", "is_correct": "on"},
        {"text": "Rhine", "is_correct": "on"},
    ]
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]), editor_data(rows=rows)
    )
    assert response.status_code == 200
    assert "exactly one right choice" in response.content.decode()
    assert not quiz.questions.exists()


def test_multiple_answers_need_two_right_and_one_wrong(teacher_client, quiz):
    rows = [{"text": "Coal", "is_correct": "on"}, {"text": "Grain"}]
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]),
        editor_data("multiple", rows=rows),
    )
    assert "at least two right choices and one wrong" in response.content.decode()


def test_numerical_needs_a_number_and_matching_two_pairs(teacher_client, quiz):
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]),
        editor_data("numerical", rows=[{"value": "ten"}]),
    )
    assert "Enter a number" in response.content.decode()
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]),
        editor_data("matching", rows=[{"text": "Danube", "match_text": "Black Sea"}]),
    )
    assert "at least two pairs" in response.content.decode()
    assert not quiz.questions.exists()


def test_source_quote_must_occur_in_the_lesson(teacher_client, quiz):
    response = teacher_client.post(
        reverse("teach:question_new", args=[quiz.pk]),
        editor_data(source_quote="The Volga is the longest river"),
    )
    assert "does not occur in the lesson" in response.content.decode()
    assert not quiz.questions.exists()


def test_add_and_remove_choice_rows_without_saving(teacher_client, quiz):
    url = reverse("teach:question_new", args=[quiz.pk])
    response = teacher_client.post(
        url, {**editor_data(), "row_action": "add"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="choice-rows"' in html and "<html" not in html
    assert 'name="choices-TOTAL_FORMS" value="3"' in html
    response = teacher_client.post(url, {**editor_data(), "row_action": "remove-0"})
    html = response.content.decode()
    assert 'name="choices-TOTAL_FORMS" value="1"' in html
    assert 'value="Rhine"' in html and 'value="Danube"' not in html
    assert not quiz.questions.exists()


def test_matching_and_numerical_questions_are_saved_and_graded(teacher_client, quiz):
    url = reverse("teach:question_new", args=[quiz.pk])
    teacher_client.post(
        url, editor_data("numerical", rows=[{"value": "10", "tolerance": "1"}])
    )
    rows = [
        {"text": "Danube", "match_text": "Black Sea"},
        {"text": "Rhine", "match_text": "North Sea"},
        {"text": "", "match_text": "Caspian Sea"},
    ]
    teacher_client.post(url, editor_data("matching", rows=rows))
    numerical = quiz.questions.get(kind="numerical")
    matching = quiz.questions.get(kind="matching")
    assert numerical.grade(Submission(text="10.8")) == 1
    assert numerical.grade(Submission(text="12")) == 0
    danube, rhine, _ = matching.choices.all()
    assert (
        matching.grade(
            Submission(matches={danube.pk: "Black Sea", rhine.pk: "Caspian Sea"})
        )
        == 0.5
    )


def test_preview_checks_an_answer_without_creating_an_attempt(teacher_client, quiz):
    question = make_question(quiz, status="draft")
    right = question.choices.get(is_correct=True)
    url = reverse("teach:question_preview", args=[question.pk])
    assert question.prompt in teacher_client.get(url).content.decode()
    response = teacher_client.post(
        url, {"choice": [right.pk]}, headers={"HX-Request": "true"}
    )
    assert "Right." in response.content.decode()
    assert not Attempt.objects.exists() and not Answer.objects.exists()


def test_publish_needs_a_source_quote_in_the_lesson(teacher_client, quiz):
    question = make_question(quiz, status="draft", source_quote="")
    response = teacher_client.post(
        reverse("teach:question_status", args=[question.pk]),
        {"status": "published"},
        follow=True,
    )
    assert "cannot be published" in response.content.decode()
    question.refresh_from_db()
    assert question.status == "draft"


def test_a_question_with_answers_is_archived_not_deleted(teacher_client, student, quiz):
    question = make_question(quiz)
    make_answer(student, question)
    response = teacher_client.post(
        reverse("teach:question_delete", args=[question.pk]), follow=True
    )
    assert "archive it instead" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_editing_an_answered_question_makes_a_new_version_and_old_reviews_stay(
    teacher_client, student, quiz
):
    student_client = Client()
    student_client.force_login(student)
    question = make_question(quiz)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    right = question.choices.get(is_correct=True)
    attempt.record_answer(
        question=question,
        submission=Submission(choice_ids=(right.pk,)),
    )
    attempt.finish()
    results_url = reverse("quizzes:attempt_results", args=[attempt.pk])
    before = student_client.get(results_url).content.decode()

    edit_url = reverse("teach:question_edit", args=[question.pk])
    rows = [
        {"text": "Volga", "is_correct": "on", "feedback": "Now the Volga."},
        {"text": "Danube", "feedback": "Not any more."},
    ]
    teacher_client.post(edit_url, editor_data(rows=rows, prompt="A reworded question?"))
    question.refresh_from_db()
    new = quiz.questions.current().get()
    assert (
        new.pk != question.pk and new.version == 2 and new.previous_version == question
    )
    assert not question.is_current
    after = student_client.get(results_url).content.decode()
    assert after == before.replace(*_csrf_pair(before, after))
    assert "A reworded question?" not in after and "Volga" not in after
    assert "Your score: 100%" in after


def _csrf_pair(first: str, second: str) -> tuple[str, str]:
    """The two pages differ only by their masked CSRF tokens."""
    pattern = re.compile(r'"x-csrftoken": "([^"]+)"')
    return pattern.search(first).group(1), pattern.search(second).group(1)


def test_an_attempt_in_progress_keeps_the_version_it_started_with(
    teacher_client, student, quiz
):
    question = make_question(quiz)
    other = make_question(quiz)
    first = Attempt.objects.start(learner=student, quiz=quiz)
    first.record_answer(
        question=other,
        submission=Submission(choice_ids=(other.choices.first().pk,)),
    )
    # another learner answered `question`, so the edit makes a new version
    from tests.factories import make_user

    learner = make_user()
    done = Attempt.objects.start(learner=learner, quiz=quiz)
    done.record_answer(
        question=question,
        submission=Submission(choice_ids=(question.choices.first().pk,)),
    )
    teacher_client.post(
        reverse("teach:question_edit", args=[question.pk]),
        editor_data(prompt="Edited?"),
    )
    first.refresh_from_db()
    assert question.pk in first.question_ids
    fresh = Attempt.objects.start(learner=make_user(), quiz=quiz)
    assert question.pk not in fresh.question_ids


def test_lesson_edit_that_removes_the_quote_flags_the_question(quiz):
    question = make_question(quiz)
    assert not question.needs_review
    section = quiz.section
    section.body = section.body.replace("ten countries", "several countries")
    section.save()
    question.refresh_from_db()
    assert question.needs_review
    assert "no longer occurs" in question.review_reason


def test_section_factory_body_has_the_quote():
    assert QUOTE in make_section().body


def test_results_show_how_often_each_wrong_option_is_picked(teacher_client, quiz):
    from tests.factories import make_user

    question = make_question(quiz)
    wrong = question.choices.filter(is_correct=False).first()
    for _ in range(3):
        attempt = Attempt.objects.start(learner=make_user(), quiz=quiz)
        attempt.record_answer(
            question=question,
            submission=Submission(choice_ids=(wrong.pk,)),
        )
        attempt.finish()
    page = teacher_client.get(
        reverse("teach:quiz_results", args=[quiz.pk])
    ).content.decode()
    assert "3 learners took this quiz; 0 passed." in page
    assert f'<tr><th scope="row">{wrong.text}</th><td>no</td><td>3</td></tr>' in page


def test_results_page_query_count_does_not_grow_with_learners(
    teacher_client, quiz, django_assert_max_num_queries
):
    from tests.factories import make_user

    question = make_question(quiz)
    for _ in range(12):
        attempt = Attempt.objects.start(learner=make_user(), quiz=quiz)
        attempt.record_answer(
            question=question,
            submission=Submission(choice_ids=(question.choices.first().pk,)),
        )
        attempt.finish()
    with django_assert_max_num_queries(12):
        assert (
            teacher_client.get(
                reverse("teach:quiz_results", args=[quiz.pk])
            ).status_code
            == 200
        )
