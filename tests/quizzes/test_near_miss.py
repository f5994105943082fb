"""A typed answer one slip away from an accepted one: no points, told to check the
spelling, the expected spelling shown only once the question is answered."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import Answer, Attempt
from tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

ALMOST = "Almost: check the spelling"


def short_quiz(**quiz_fields):
    quiz = make_quiz(**quiz_fields)
    question = make_question(
        quiz,
        "short",
        prompt="Which Syrian port hosts Russia's naval base?",
        choices=[("Tartus", True, "")],
    )
    return quiz, question


def start(client, quiz) -> Attempt:
    section = quiz.section
    client.post(
        reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    )
    return Attempt.objects.latest("started_at")


def check(client, attempt, question, text):
    """ "Check answer" as htmx sends it: the question's card comes back."""
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    return client.post(url, {"text": text}, headers={"HX-Request": "true"})


def test_a_near_miss_earns_nothing_and_says_to_check_the_spelling(student_client):
    quiz, question = short_quiz()
    attempt = start(student_client, quiz)

    response = check(student_client, attempt, question, "Tartuss")

    html = response.content.decode()
    assert ALMOST in html
    assert "Tartus</strong>" in html  # the expected spelling
    answer = Answer.objects.get(attempt=attempt, question=question)
    assert answer.fraction == 0 and answer.is_near_miss


def test_the_expected_spelling_never_reaches_the_page_before_answering(
    student_client,
):
    quiz, question = short_quiz()
    attempt = start(student_client, quiz)

    page = student_client.get(reverse("quizzes:attempt_detail", args=[attempt.pk]))

    html = page.content.decode()
    assert "Tartus" not in html and ALMOST not in html


def test_a_right_answer_or_a_plain_wrong_one_is_no_near_miss(student_client):
    quiz, question = short_quiz()
    other = make_question(
        quiz, "short", prompt="Which sea?", choices=[("Caspian Sea", True, "")]
    )
    attempt = start(student_client, quiz)

    right = check(student_client, attempt, question, "“tartūs.”").content.decode()
    wrong = check(student_client, attempt, other, "Black Sea").content.decode()

    assert "Right." in right and "Not quite." in wrong
    assert ALMOST not in right and ALMOST not in wrong
    assert not Answer.objects.filter(is_near_miss=True).exists()
    assert Answer.objects.get(question=question).fraction == 1


def test_deferred_feedback_keeps_the_near_miss_for_the_results(student_client):
    quiz, question = short_quiz(feedback_mode="deferred")
    attempt = start(student_client, quiz)

    saved = check(student_client, attempt, question, "Tartsu")

    assert "Answer saved" in saved.content.decode()
    assert ALMOST not in saved.content.decode()
    assert "Tartus" not in saved.content.decode()
    student_client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    results = student_client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    assert ALMOST in results.content.decode()
    assert Answer.objects.get(attempt=attempt).is_near_miss


def test_teachers_see_near_misses_per_question(client, student, teacher):
    quiz, question = short_quiz()
    client.force_login(student)
    attempt = start(client, quiz)
    check(client, attempt, question, "Tarttus")
    client.force_login(teacher)

    page = client.get(reverse("teach:quiz_results", args=[quiz.pk]))

    assert "1 near miss:" in page.content.decode()


def test_partial_credit_says_partly_right_with_points(student_client):
    quiz = make_quiz()
    question = make_question(
        quiz,
        "short",
        points=2,
        choices=[
            {"text": "Tartus", "is_correct": True},
            {"text": "Syria", "is_correct": True, "credit": Decimal(50)},
        ],
    )
    attempt = start(student_client, quiz)

    html = check(student_client, attempt, question, "syria").content.decode()

    assert "Partly right: 1 of 2 points." in html
    assert Answer.objects.get(question=question).points == 1


def test_an_ambiguous_number_is_asked_again_not_graded(student_client):
    quiz = make_quiz()
    question = make_question(
        quiz,
        "numerical",
        choices=[{"is_correct": True, "value": Decimal(1822), "tolerance": 0}],
    )
    attempt = start(student_client, quiz)

    asked = check(student_client, attempt, question, "1,822").content.decode()

    assert "could be read two ways" in asked
    assert not Answer.objects.exists()
    right = check(student_client, attempt, question, "۱۸۲۲").content.decode()
    assert "Right." in right
