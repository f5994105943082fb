"""Per-option credit: the rules a teacher's choices follow, in the editor and the admin."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes.grading import Submission
from quizzes.models import Choice, Question
from tests.factories import make_question, make_quiz
from tests.quizzes.test_admin import new_question_data, with_choices

pytestmark = pytest.mark.django_db

QUOTE = "The Danube flows through ten countries"


def rules(kind: str, *rows: tuple) -> None:
    """Question(kind).clean_choices for rows of (text, is_correct, credit, value)."""
    choices = [
        Choice(text=text, is_correct=right, credit=credit, value=value)
        for text, right, credit, value in rows
    ]
    Question(kind=kind).clean_choices(choices)


@pytest.mark.parametrize(
    ("kind", "rows"),
    [
        ("single", [("Tartus", True, None, None), ("Latakia", False, None, None)]),
        (
            "single",
            [
                ("Tartus", True, Decimal(100), None),
                ("Latakia", True, Decimal(50), None),
                ("Baku", False, Decimal(0), None),
            ],
        ),
        ("short", [("Tartus", True, None, None), ("Syria", True, Decimal(25), None)]),
        (
            "numerical",
            [("", True, None, Decimal(1822)), ("", True, Decimal(50), Decimal(1820))],
        ),
    ],
)
def test_valid_credit(kind, rows):
    rules(kind, *rows)


@pytest.mark.parametrize(
    ("kind", "rows", "code"),
    [
        # no option with full credit
        (
            "single",
            [("Tartus", True, Decimal(50), None), ("Baku", False, None, None)],
            "one_right_choice",
        ),
        ("short", [("Tartus", True, Decimal(50), None)], "no_full_credit"),
        ("numerical", [("", True, Decimal(90), Decimal(1822))], "no_full_credit"),
        # two options with full credit in a single-choice question
        (
            "single",
            [("Tartus", True, None, None), ("Latakia", True, Decimal(100), None)],
            "one_right_choice",
        ),
        # credit on a wrong option, or none on a right one
        (
            "single",
            [("Tartus", True, None, None), ("Baku", False, Decimal(50), None)],
            "credit_on_wrong",
        ),
        (
            "short",
            [("Tartus", True, None, None), ("Syria", True, Decimal(0), None)],
            "credit_out_of_range",
        ),
        (
            "short",
            [("Tartus", True, None, None), ("Syria", True, Decimal(120), None)],
            "credit_out_of_range",
        ),
    ],
)
def test_invalid_credit(kind, rows, code):
    with pytest.raises(ValidationError) as raised:
        rules(kind, *rows)
    assert raised.value.code == code


def editor_data(kind: str, rows: list[dict]) -> dict:
    data = {
        "kind": kind,
        "title": "",
        "prompt": "Where is Russia's naval base in Syria?",
        "points": "2",
        "explanation": "",
        "incorrect_feedback": "",
        "source_quote": QUOTE,
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "30",
        "save": "1",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"choices-{index}-{name}"] = value
    return data


def test_teacher_gives_an_accepted_answer_half_credit_and_it_grades_so(
    teacher_client,
):
    quiz = make_quiz()
    url = reverse("teach:question_new", args=[quiz.pk])
    rows = [{"text": "Tartus", "credit": ""}, {"text": "Syria", "credit": "50"}]

    teacher_client.post(url, editor_data("short", rows))

    question = quiz.questions.get()
    assert question.grade(Submission(text="Tartus")) == 1
    assert question.grade(Submission(text="syria.")) == Decimal("0.5")
    edit = teacher_client.get(reverse("teach:question_edit", args=[question.pk]))
    html = edit.content.decode()
    assert 'value="50"' in html  # shown as the teacher wrote it, not "50.00000"
    assert "Credit (%)" in html


def test_teacher_gives_a_single_choice_option_partial_credit(teacher_client):
    quiz = make_quiz()
    url = reverse("teach:question_new", args=[quiz.pk])
    rows = [
        {"text": "Tartus", "is_correct": "on"},
        {"text": "Latakia", "is_correct": "on", "credit": "33.33333"},
        {"text": "Baku"},
    ]

    teacher_client.post(url, editor_data("single", rows))

    question = quiz.questions.get()
    latakia = question.choices.get(text="Latakia")
    assert question.grade(Submission(choice_ids=(latakia.pk,))) == Decimal("0.3333333")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"text": "Tartus", "credit": "50"}],
            "At least one accepted answer must earn full credit",
        ),
        (
            [{"text": "Tartus"}, {"text": "Syria", "credit": "150"}],
            "less than or equal to 100",
        ),
        (
            [{"text": "Tartus"}, {"text": "Syria", "credit": "-5"}],
            "greater than or equal to 0",
        ),
        ([{"text": "Tartus"}, {"text": "Syria", "credit": "half"}], "Enter a number"),
    ],
)
def test_editor_rejects_bad_credit_without_saving(teacher_client, rows, message):
    quiz = make_quiz()
    url = reverse("teach:question_new", args=[quiz.pk])

    response = teacher_client.post(url, editor_data("short", rows))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not quiz.questions.exists()


def test_editor_refuses_credit_on_a_wrong_option(teacher_client):
    quiz = make_quiz()
    url = reverse("teach:question_new", args=[quiz.pk])
    rows = [{"text": "Tartus", "is_correct": "on"}, {"text": "Baku", "credit": "50"}]

    response = teacher_client.post(url, editor_data("single", rows))

    assert "is not marked right" in response.content.decode()
    assert not quiz.questions.exists()


def test_admin_sets_credit_per_choice(admin_client):
    quiz = make_quiz()
    data = with_choices(
        new_question_data(admin_client, quiz, kind="short"),
        [
            {"position": 1, "text": "Tartus", "is_correct": "on", "credit": ""},
            {"position": 2, "text": "Syria", "is_correct": "on", "credit": "50"},
        ],
    )

    response = admin_client.post(reverse("admin:quizzes_question_add"), data)

    assert response.status_code == 302
    question = quiz.questions.get()
    assert question.grade(Submission(text="Syria")) == Decimal("0.5")
    page = admin_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    )
    assert 'value="50"' in page.content.decode()


def test_admin_refuses_a_short_answer_without_full_credit(admin_client):
    quiz = make_quiz()
    data = with_choices(
        new_question_data(admin_client, quiz, kind="short"),
        [{"position": 1, "text": "Syria", "is_correct": "on", "credit": "50"}],
    )

    response = admin_client.post(reverse("admin:quizzes_question_add"), data)

    assert response.status_code == 200
    assert "must earn full credit" in response.content.decode()
    assert not quiz.questions.exists()


def test_the_database_refuses_credit_over_100():
    question = make_question(make_quiz(), "short")
    with pytest.raises(Exception, match="choice_credit_0_to_100|CHECK"):
        Choice.objects.create(
            question=question, position=9, text="x", credit=Decimal(101)
        )
