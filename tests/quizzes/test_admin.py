import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from quizzes.grading import Submission
from quizzes.interchange.gift import parse_gift
from quizzes.models import Attempt, Progress, Question, Quiz
from tests.factories import (
    make_question,
    make_quiz_with_questions,
    make_section,
    make_user,
)
from tests.relations.test_admin import (
    INLINE_SCRIPT,
    INLINE_STYLE,
    changelist_queries,
    posted_form,
)

pytestmark = pytest.mark.django_db


def take_quiz(learner, quiz) -> Attempt:
    """A finished attempt that answers every published question of the quiz."""
    attempt = Attempt.objects.start(learner=learner, quiz=quiz)
    for question in quiz.questions.published():
        if question.is_choice_kind:
            submission = Submission(choice_ids=(question.choices.first().pk,))
        else:
            submission = Submission(text="Danube")
        attempt.record_answer(question=question, submission=submission)
    attempt.finish()
    return attempt


def make_learners(count: int) -> list[User]:
    """Learners without passwords: hashing fifty passwords would be most of the test's time."""
    start = User.objects.count()
    return User.objects.bulk_create(
        User(username=f"learner{start + n}") for n in range(count)
    )


def answered_question(learner) -> Question:
    quiz = make_quiz_with_questions(1)
    take_quiz(learner, quiz)
    return quiz.questions.get()


def with_choices(data: dict, rows: list[dict]) -> dict:
    """Admin form data with these choice rows in place of the posted ones."""
    data = {key: value for key, value in data.items() if not key.startswith("choices-")}
    data.update(
        {
            "choices-TOTAL_FORMS": len(rows),
            "choices-INITIAL_FORMS": 0,
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 1000,
        }
    )
    for index, row in enumerate(rows):
        data.update({f"choices-{index}-{name}": value for name, value in row.items()})
    return data


def new_question_data(admin_client, quiz, **fields) -> dict:
    data = posted_form(admin_client.get(reverse("admin:quizzes_question_add")))
    data.update(
        {
            "quiz": quiz.pk,
            "position": 9,
            "kind": "single",
            "points": 1,
            "prompt": "Which river reaches the Black Sea?",
            "source_quote": "The Danube flows through ten countries",
            "tags": "[]",
            **fields,
        }
    )
    return data


# Pages load, and only for those allowed ------------------------------------------------


def test_quiz_and_people_pages_load_for_a_superuser(admin_client, student):
    attempt = take_quiz(student, make_quiz_with_questions(2))
    records = {
        "quiz": attempt.quiz,
        "question": attempt.quiz.questions.first(),
        "attempt": attempt,
        "answer": attempt.answers.first(),
        "progress": Progress.objects.get(learner=student),
    }
    for model, obj in records.items():
        assert (
            admin_client.get(reverse(f"admin:quizzes_{model}_changelist")).status_code
            == 200
        )
        assert (
            admin_client.get(
                reverse(f"admin:quizzes_{model}_change", args=[obj.pk])
            ).status_code
            == 200
        )
    for model in ["quiz", "question"]:
        assert (
            admin_client.get(reverse(f"admin:quizzes_{model}_add")).status_code == 200
        )
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[student.pk]),
        reverse(
            "admin:auth_group_change", args=[Group.objects.get(name="Teachers").pk]
        ),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_learners_records_cannot_be_added_changed_or_deleted(admin_client, student):
    attempt = take_quiz(student, make_quiz_with_questions(1))
    answer = attempt.answers.get()
    records = {
        "attempt": attempt,
        "answer": answer,
        "progress": Progress.objects.get(learner=student),
    }
    for model, obj in records.items():
        change = reverse(f"admin:quizzes_{model}_change", args=[obj.pk])
        assert (
            admin_client.post(change, {"points": "99", "best_score": "100"}).status_code
            == 403
        )
        assert (
            admin_client.get(reverse(f"admin:quizzes_{model}_add")).status_code == 403
        )
        delete = reverse(f"admin:quizzes_{model}_delete", args=[obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    answer.refresh_from_db()
    assert answer.points == 1
    assert Attempt.objects.count() == 1


def test_staff_without_permissions_gets_403(client):
    client.force_login(make_user(is_staff=True))
    for model in ["quiz", "question", "attempt", "answer", "progress"]:
        assert (
            client.get(reverse(f"admin:quizzes_{model}_changelist")).status_code == 403
        )
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_question_pages_have_no_inline_scripts_or_styles(admin_client):
    question = make_question(make_quiz_with_questions(0))
    for url in [
        reverse("admin:quizzes_question_changelist"),
        reverse("admin:quizzes_question_change", args=[question.pk]),
        reverse("admin:relations_section_change", args=[question.quiz.section.pk]),
    ]:
        html = admin_client.get(url).content.decode()
        assert not INLINE_SCRIPT.findall(html), url
        assert not INLINE_STYLE.findall(html), url


# Every changelist has a fixed number of queries ----------------------------------------


def test_quiz_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:quizzes_quiz_changelist")
    for _ in range(5):
        make_quiz_with_questions(2)
    five = changelist_queries(admin_client, url)
    for _ in range(45):
        make_quiz_with_questions(2)
    with django_assert_num_queries(five):
        admin_client.get(url)


def test_question_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries
):
    quiz = make_quiz_with_questions(5)
    url = (
        reverse("admin:quizzes_question_changelist")
        + f"?quiz__section__id__exact={quiz.section.pk}"
    )
    five = changelist_queries(admin_client, url)
    for _ in range(45):
        make_question(quiz)
    with django_assert_num_queries(five):
        assert admin_client.get(url).context["cl"].result_count == 50


@pytest.mark.parametrize("model", ["attempt", "answer", "progress"])
def test_records_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries, model
):
    quizzes = [make_quiz_with_questions(1) for _ in range(2)]
    url = reverse(f"admin:quizzes_{model}_changelist")
    for index, learner in enumerate(make_learners(5)):
        take_quiz(learner, quizzes[index % 2])
    five = changelist_queries(admin_client, url)
    for index, learner in enumerate(make_learners(45)):
        take_quiz(learner, quizzes[index % 2])
    with django_assert_num_queries(five):
        assert admin_client.get(url).context["cl"].result_count == 50


def test_user_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:auth_user_changelist")
    teachers = Group.objects.get(name="Teachers")
    teachers.user_set.add(*make_learners(5)[::2])
    five = changelist_queries(admin_client, url)
    teachers.user_set.add(*make_learners(45)[::2])
    with django_assert_num_queries(five):
        admin_client.get(url)


# Learners' records ---------------------------------------------------------------------


def test_attempts_filter_by_quiz(admin_client, student, other_student):
    first, second = make_quiz_with_questions(1), make_quiz_with_questions(1)
    take_quiz(student, first), take_quiz(other_student, second)
    url = reverse("admin:quizzes_attempt_changelist") + f"?quiz__id__exact={second.pk}"

    result = admin_client.get(url).context["cl"].result_list

    assert [attempt.learner for attempt in result] == [other_student]


def test_progress_search_by_learner(admin_client, student, other_student):
    quiz = make_quiz_with_questions(1)
    take_quiz(student, quiz), take_quiz(other_student, quiz)
    url = reverse("admin:quizzes_progress_changelist") + "?q=other"

    result = admin_client.get(url).context["cl"].result_list

    assert [progress.learner for progress in result] == [other_student]


def test_progress_exports_as_csv_one_row_per_learner_and_lesson(
    admin_client, student, other_student
):
    first, second = make_quiz_with_questions(2), make_quiz_with_questions(2)
    for learner in [student, other_student]:
        take_quiz(learner, first), take_quiz(learner, second)
    take_quiz(student, first)
    rows = Progress.objects.all()

    response = admin_client.post(
        reverse("admin:quizzes_progress_changelist"),
        {"action": "export_csv", "_selected_action": [row.pk for row in rows]},
    )

    assert response["Content-Type"].startswith("text/csv")
    header, *lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == [
        "learner",
        "article",
        "lesson",
        "best score",
        "attempts",
        "passed at",
    ]
    assert sorted((line[0], line[2]) for line in lines) == sorted(
        (learner.username, quiz.section.title)
        for learner in [student, other_student]
        for quiz in [first, second]
    )
    student_first = next(
        line
        for line in lines
        if line[0] == "student" and line[2] == first.section.title
    )
    assert student_first[1] == first.section.article.title
    assert student_first[4] == "2"


def test_csv_export_never_starts_a_cell_with_a_formula(admin_client, student):
    quiz = make_quiz_with_questions(1, section=make_section(title="=HYPERLINK(1)"))
    take_quiz(student, quiz)

    response = admin_client.post(
        reverse("admin:quizzes_progress_changelist"),
        {"action": "export_csv", "_selected_action": [Progress.objects.get().pk]},
    )

    assert "'=HYPERLINK(1)" in response.content.decode()


# Questions and their choices -----------------------------------------------------------


def test_question_with_valid_choices_is_saved(admin_client):
    quiz = make_quiz_with_questions(0)
    data = with_choices(
        new_question_data(admin_client, quiz),
        [
            {"position": 1, "text": "Danube", "is_correct": "on"},
            {"position": 2, "text": "Rhine"},
        ],
    )

    response = admin_client.post(reverse("admin:quizzes_question_add"), data)

    assert response.status_code == 302
    question = quiz.questions.get()
    assert [choice.text for choice in question.choices.all()] == ["Danube", "Rhine"]
    assert question.status == Question.Status.DRAFT
    assert question.created_by.username == "admin"


def test_question_choices_follow_the_question_rules(admin_client):
    quiz = make_quiz_with_questions(0)
    data = with_choices(
        new_question_data(admin_client, quiz),
        [
            {"position": 1, "text": "Danube", "is_correct": "on"},
            {"position": 2, "text": "Rhine", "is_correct": "on"},
        ],
    )

    response = admin_client.post(reverse("admin:quizzes_question_add"), data)

    assert response.status_code == 200
    assert "needs exactly one right choice" in response.content.decode()
    assert not quiz.questions.exists()


def test_source_quote_must_occur_in_the_lesson(admin_client):
    quiz = make_quiz_with_questions(0)
    data = with_choices(
        new_question_data(
            admin_client, quiz, source_quote="The Volga is the longest river"
        ),
        [
            {"position": 1, "text": "Danube", "is_correct": "on"},
            {"position": 2, "text": "Rhine"},
        ],
    )

    response = admin_client.post(reverse("admin:quizzes_question_add"), data)

    assert response.status_code == 200
    assert "This phrase does not occur in the lesson" in response.content.decode()
    assert not quiz.questions.exists()


def test_two_current_questions_at_one_position_is_a_form_error(admin_client):
    quiz = make_quiz_with_questions(1)
    data = with_choices(
        new_question_data(admin_client, quiz, position=1),
        [
            {"position": 1, "text": "Danube", "is_correct": "on"},
            {"position": 2, "text": "Rhine"},
        ],
    )

    response = admin_client.post(reverse("admin:quizzes_question_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["position"] == [
        "Another current question of this quiz has this position."
    ]
    assert quiz.questions.count() == 1


def test_choices_swap_positions_in_one_save(admin_client):
    question = make_question(make_quiz_with_questions(0))
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = posted_form(admin_client.get(url))
    data["choices-0-position"], data["choices-1-position"] = 2, 1

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert [choice.text for choice in question.choices.all()] == [
        "Rhine",
        "Danube",
        "Thames",
    ]


def test_answered_question_cannot_be_changed_in_admin(admin_client, student):
    question = answered_question(student)
    url = reverse("admin:quizzes_question_change", args=[question.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, {**posted_form(page), "prompt": "Rewritten"})

    html = page.content.decode()
    assert "Edit it in the teacher editor</a>, which saves a new version" in html
    assert reverse("teach:question_edit", args=[question.pk]) in html
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.prompt != "Rewritten"


def test_deleting_an_answered_question_is_refused_with_advice(admin_client, student):
    question = answered_question(student)

    response = admin_client.post(
        reverse("admin:quizzes_question_delete", args=[question.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert (
        "Learners have answered this question; archive it instead of deleting it."
        in (response.content.decode())
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_bulk_deleting_answered_questions_is_refused_with_advice(admin_client, student):
    question = answered_question(student)
    unanswered = make_question(question.quiz)

    response = admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [question.pk, unanswered.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert "archive them instead of deleting them" in response.content.decode()
    assert Question.objects.filter(pk__in=[question.pk, unanswered.pk]).count() == 2


def test_deleting_an_unanswered_question_works(admin_client):
    question = make_question(make_quiz_with_questions(0))

    admin_client.post(
        reverse("admin:quizzes_question_delete", args=[question.pk]), {"post": "yes"}
    )

    assert not Question.objects.filter(pk=question.pk).exists()


def test_deleting_a_taken_quiz_is_refused_with_advice(admin_client, student):
    quiz = answered_question(student).quiz

    response = admin_client.get(
        reverse("admin:quizzes_quiz_delete", args=[quiz.pk]), follow=True
    )

    assert "Learners have taken this quiz; unpublish it instead of deleting it." in (
        response.content.decode()
    )
    assert Quiz.objects.filter(pk=quiz.pk).exists()


def test_publish_action_publishes_anchored_drafts(admin_client):
    question = make_question(make_quiz_with_questions(0), status=Question.Status.DRAFT)

    admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "publish", "_selected_action": [question.pk]},
    )

    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED


def test_publish_action_refuses_a_question_without_its_passage(admin_client):
    question = make_question(
        make_quiz_with_questions(0),
        status=Question.Status.DRAFT,
        source_quote="Not in the lesson",
    )

    response = admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "publish", "_selected_action": [question.pk]},
        follow=True,
    )

    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT
    assert "cannot be published" in response.content.decode()


def test_archive_action_archives_an_answered_question(admin_client, student):
    question = answered_question(student)

    admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "archive", "_selected_action": [question.pk]},
    )

    question.refresh_from_db()
    assert question.status == Question.Status.ARCHIVED


def test_questions_export_as_gift_under_their_lesson(admin_client):
    quiz = make_quiz_with_questions(2)
    picked = list(quiz.questions.all())

    response = admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {
            "action": "export_gift",
            "_selected_action": [question.pk for question in picked],
        },
    )

    assert (
        response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    )
    result = parse_gift(response.content)
    assert result.ok
    assert result.question_count == 2
    assert result.questions[0].category.endswith(f"/{quiz.section.title}")
    assert [question.text for question in result.questions[1:]] == [
        q.prompt for q in picked
    ]


def test_questions_are_found_by_the_text_of_a_choice(admin_client):
    quiz = make_quiz_with_questions(0)
    wanted = make_question(quiz, choices=[("Mekong", True, ""), ("Rhine", False, "")])
    make_question(quiz)
    url = reverse("admin:quizzes_question_changelist") + "?q=mekong"

    assert list(admin_client.get(url).context["cl"].result_list) == [wanted]


def test_lesson_admin_edits_its_quiz_settings(admin_client):
    quiz = make_quiz_with_questions(1, pass_mark=70)
    url = reverse("admin:relations_section_change", args=[quiz.section.pk])
    data = posted_form(admin_client.get(url))
    data["quiz-0-pass_mark"] = 85

    assert admin_client.post(url, data).status_code == 302
    quiz.refresh_from_db()
    assert quiz.pass_mark == 85


def test_removing_a_taken_quiz_from_its_lesson_is_refused_with_advice(
    admin_client, student
):
    quiz = answered_question(student).quiz
    url = reverse("admin:relations_section_change", args=[quiz.section.pk])
    data = {**posted_form(admin_client.get(url)), "quiz-0-DELETE": "on"}

    response = admin_client.post(url, data)

    assert "Learners have taken this quiz; unpublish it instead of deleting it." in (
        response.content.decode()
    )
    assert Quiz.objects.filter(pk=quiz.pk).exists()


# People --------------------------------------------------------------------------------


def test_user_list_shows_each_role(admin_client, student, teacher):
    html = admin_client.get(reverse("admin:auth_user_changelist")).content.decode()
    for username, role in [
        ("student", "Student"),
        ("teacher", "Teacher"),
        ("admin", "Admin"),
    ]:
        row = next(line for line in html.split("<tr") if f">{username}</a>" in line)
        assert f'<td class="field-role">{role}</td>' in row


def test_users_filter_by_role(admin_client, student, teacher):
    url = reverse("admin:auth_user_changelist") + "?role=teacher"
    assert list(admin_client.get(url).context["cl"].result_list) == [teacher]


def test_users_are_found_by_email(admin_client):
    wanted = make_user(email="ada@example.org")
    make_user(email="bob@example.org")
    url = reverse("admin:auth_user_changelist") + "?q=ada@example"
    assert list(admin_client.get(url).context["cl"].result_list) == [wanted]


def test_action_adds_users_to_teachers(admin_client, student):
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "add_to_teachers", "_selected_action": [student.pk]},
    )
    assert student.groups.filter(name="Teachers").exists()


def test_action_removes_users_from_teachers(admin_client, teacher):
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "remove_from_teachers", "_selected_action": [teacher.pk]},
    )
    assert not User.objects.get(pk=teacher.pk).groups.filter(name="Teachers").exists()


def test_deleting_a_learner_with_records_is_refused_with_advice(admin_client, student):
    take_quiz(student, make_quiz_with_questions(1))

    response = admin_client.post(
        reverse("admin:auth_user_delete", args=[student.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert "deactivate the account" in response.content.decode()
    assert User.objects.filter(pk=student.pk).exists()


def test_deleting_a_user_without_records_works(admin_client, student):
    admin_client.post(
        reverse("admin:auth_user_delete", args=[student.pk]), {"post": "yes"}
    )
    assert not User.objects.filter(pk=student.pk).exists()


def test_a_view_only_staff_user_sees_a_question_read_only(client, db):
    from django.contrib.auth.models import Permission, User
    from django.urls import reverse as url_for

    from tests.factories import make_question, make_quiz

    question = make_question(make_quiz())
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_question"))
    client.force_login(viewer)
    response = client.get(url_for("admin:quizzes_question_change", args=[question.pk]))
    assert response.status_code == 200
    assert question.prompt in response.content.decode()
