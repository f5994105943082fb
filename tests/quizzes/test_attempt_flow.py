import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import Answer, Attempt, Progress, Question
from tests.factories import make_question, make_quiz_with_questions

pytestmark = pytest.mark.django_db


def start(client, section) -> Attempt:
    url = reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    response = client.post(url)
    assert response.status_code == 302
    return Attempt.objects.latest("started_at")


def right_answer_data(question) -> dict:
    choices = list(question.choices.all())
    if question.kind == "short":
        return {"text": choices[0].text.upper() + "."}
    return {"choice": [c.pk for c in choices if c.is_correct]}


def wrong_answer_data(question) -> dict:
    choices = list(question.choices.all())
    if question.kind == "short":
        return {"text": "Volga"}
    return {"choice": [next(c.pk for c in choices if not c.is_correct)]}


def check(client, attempt, question, data, **headers):
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    return client.post(url, data, headers=headers)


def test_starting_a_quiz_creates_an_attempt_and_marks_the_lesson_read(
    student_client, student, section
):
    attempt = start(student_client, section)
    assert attempt.learner == student
    assert len(attempt.question_ids) == 4
    assert Progress.objects.get(learner=student, section=section).read_at is not None


def test_starting_again_resumes_the_unfinished_attempt(student_client, section):
    first = start(student_client, section)
    second = start(student_client, section)
    assert first.pk == second.pk
    assert Attempt.objects.count() == 1


def test_question_order_is_stored_and_stable_on_reload(student_client, section):
    attempt = start(student_client, section)
    url = reverse("quizzes:attempt_detail", args=[attempt.pk])
    pattern = re.compile(r'id="question-(\d+)-c(\d+)"')
    first = pattern.findall(student_client.get(url).content.decode())
    second = pattern.findall(student_client.get(url).content.decode())
    assert first == second
    shown_questions = list(dict.fromkeys(int(qid) for qid, _ in first))
    assert shown_questions == [q for q in attempt.question_ids if q in shown_questions]


def test_check_answer_with_htmx_returns_only_that_question_with_feedback(
    student_client, section
):
    attempt = start(student_client, section)
    question = section.quiz.questions.get(kind="single")
    response = check(
        student_client,
        attempt,
        question,
        right_answer_data(question),
        HX_Request="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Right." in html
    assert question.explanation in html
    assert "Show me in the lesson" in html
    assert "1 of 4 answered" in html
    assert 'hx-swap-oob="true"' in html


def test_check_answer_without_javascript_redirects_back_to_the_question(
    student_client, section
):
    attempt = start(student_client, section)
    question = section.quiz.questions.get(kind="true_false")
    response = check(student_client, attempt, question, wrong_answer_data(question))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{question.pk}")
    page = student_client.get(response["Location"]).content.decode()
    assert "Not quite." in page
    assert "It does." in page  # feedback for the chosen wrong option


def test_a_checked_answer_is_locked(student_client, section):
    attempt = start(student_client, section)
    question = section.quiz.questions.get(kind="single")
    check(student_client, attempt, question, wrong_answer_data(question))
    check(student_client, attempt, question, right_answer_data(question))
    answer = Answer.objects.get(attempt=attempt, question=question)
    assert answer.fraction == 0
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_short_answer_ignores_case_spaces_and_trailing_punctuation(
    student_client, section
):
    attempt = start(student_client, section)
    question = section.quiz.questions.get(kind="short")
    check(student_client, attempt, question, {"text": "  the DANUBE river!  "})
    assert Answer.objects.get(attempt=attempt, question=question).fraction == 1


def test_multiple_answers_scores_right_minus_wrong_over_right(student_client, section):
    attempt = start(student_client, section)
    question = section.quiz.questions.get(kind="multiple")
    coal, grain, oil = question.choices.order_by("position")
    check(student_client, attempt, question, {"choice": [coal.pk, oil.pk]})
    assert Answer.objects.get(attempt=attempt, question=question).fraction == 0


def test_finish_grades_updates_progress_and_opens_results(
    student_client, student, section
):
    attempt = start(student_client, section)
    questions = list(section.quiz.questions.all())
    for question in questions[:3]:
        check(student_client, attempt, question, right_answer_data(question))
    check(student_client, attempt, questions[3], wrong_answer_data(questions[3]))
    response = student_client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:attempt_results", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.score == Decimal("75.00")
    assert attempt.passed is True
    progress = Progress.objects.get(learner=student, section=section)
    assert (progress.attempts_count, progress.best_score, progress.last_score) == (
        1,
        Decimal("75.00"),
        Decimal("75.00"),
    )
    assert progress.first_passed_at is not None
    page = student_client.get(response["Location"]).content.decode()
    assert "Your score: 75%" in page
    assert "Retake quiz" in page


def test_finishing_with_unanswered_questions_asks_first(student_client, section):
    attempt = start(student_client, section)
    response = student_client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    assert response.status_code == 200
    assert "4 questions are not answered yet" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.finished_at is None
    student_client.post(
        reverse("quizzes:finish_attempt", args=[attempt.pk]), {"confirm": "yes"}
    )
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_finishing_twice_grades_once(student_client, student, section):
    attempt = start(student_client, section)
    url = reverse("quizzes:finish_attempt", args=[attempt.pk])
    student_client.post(url, {"confirm": "yes"})
    student_client.post(url, {"confirm": "yes"})
    assert Progress.objects.get(learner=student, section=section).attempts_count == 1


def test_retake_starts_a_new_attempt_and_keeps_the_best_score(
    student_client, student, section
):
    attempt = start(student_client, section)
    for question in section.quiz.questions.all():
        check(student_client, attempt, question, right_answer_data(question))
    student_client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    retake = start(student_client, section)
    assert retake.pk != attempt.pk
    student_client.post(
        reverse("quizzes:finish_attempt", args=[retake.pk]), {"confirm": "yes"}
    )
    progress = Progress.objects.get(learner=student, section=section)
    assert (progress.attempts_count, progress.best_score, progress.last_score) == (
        2,
        Decimal("100.00"),
        Decimal("0.00"),
    )
    page = student_client.get(reverse("quizzes:my_progress")).content.decode()
    assert "Attempt 1: 100%" in page and "Attempt 2: 0%" in page


def test_max_attempts_stops_a_further_retake(student_client, section):
    quiz = section.quiz
    quiz.max_attempts = 1
    quiz.save()
    attempt = start(student_client, section)
    student_client.post(
        reverse("quizzes:finish_attempt", args=[attempt.pk]), {"confirm": "yes"}
    )
    url = reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    response = student_client.post(url, follow=True)
    assert "used all the attempts" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_deferred_feedback_shows_nothing_until_the_end(student_client, student):
    quiz = make_quiz_with_questions(2, feedback_mode="deferred")
    attempt = start(student_client, quiz.section)
    question = quiz.questions.get(kind="single")
    response = check(
        student_client,
        attempt,
        question,
        wrong_answer_data(question),
        HX_Request="true",
    )
    html = response.content.decode()
    assert "Answer saved" in html
    assert question.explanation not in html
    check(student_client, attempt, question, right_answer_data(question))
    assert Answer.objects.get(attempt=attempt, question=question).fraction == 1


def test_a_learner_never_sees_draft_questions(student_client):
    quiz = make_quiz_with_questions(2)
    draft = make_question(
        quiz, status="draft", prompt="A draft question nobody should see"
    )
    attempt = start(student_client, quiz.section)
    assert draft.pk not in attempt.question_ids
    page = student_client.get(
        reverse("quizzes:attempt_detail", args=[attempt.pk])
    ).content.decode()
    assert "A draft question nobody should see" not in page


def test_a_learner_answers_matching_and_numerical_questions(student_client):
    from quizzes.models import Choice

    quiz = make_quiz_with_questions(0)
    matching = make_question(quiz, "matching", choices=[])
    danube = Choice.objects.create(
        question=matching,
        position=1,
        text="Danube",
        match_text="Black Sea",
        is_correct=True,
    )
    rhine = Choice.objects.create(
        question=matching,
        position=2,
        text="Rhine",
        match_text="North Sea",
        is_correct=True,
    )
    Choice.objects.create(
        question=matching, position=3, text="", match_text="Caspian Sea"
    )
    numerical = make_question(quiz, "numerical", choices=[])
    Choice.objects.create(
        question=numerical, position=1, value=10, tolerance=1, is_correct=True
    )
    attempt = start(student_client, quiz.section)
    page = student_client.get(
        reverse("quizzes:attempt_detail", args=[attempt.pk])
    ).content.decode()
    assert (
        f'name="match-{danube.pk}"' in page and "<option>Caspian Sea</option>" in page
    )
    assert 'inputmode="decimal"' in page
    check(
        student_client,
        attempt,
        matching,
        {f"match-{danube.pk}": "Black Sea", f"match-{rhine.pk}": "Caspian Sea"},
    )
    response = check(
        student_client, attempt, numerical, {"text": "ten"}, HX_Request="true"
    )
    # A slip: the card again with the message, as a normal response (the debug page
    # of `make run` takes over any 4xx that htmx receives).
    assert response.status_code == 200 and "Enter a number" in response.content.decode()
    check(student_client, attempt, numerical, {"text": "10,5"})
    fractions = dict(
        Answer.objects.filter(attempt=attempt).values_list("question_id", "fraction")
    )
    assert fractions == {matching.pk: Decimal("0.5"), numerical.pk: Decimal("1")}


def test_mark_as_read_keeps_the_first_reading_time(student_client, student, section):
    url = reverse("quizzes:mark_read", args=[section.article.slug, section.slug])
    student_client.post(url)
    first = Progress.objects.get(learner=student, section=section).read_at
    student_client.post(url)
    start(student_client, section)
    progress = Progress.objects.get(learner=student, section=section)
    assert progress.read_at == first
    assert Progress.objects.filter(learner=student).count() == 1


def test_a_forged_choice_with_htmx_shows_the_question_again_with_the_reason(
    student_client, section
):
    attempt = start(student_client, section)
    question = section.quiz.questions.get(kind="single")
    response = check(
        student_client, attempt, question, {"choice": "999999"}, HX_Request="true"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="question-{question.pk}"' in html and "<html" not in html
    assert "does not belong to this question" in html
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_an_answer_racing_the_finish_goes_to_the_results_not_an_error(
    student_client, student, quiz, monkeypatch
):
    """The attempt is finished (in another tab) after Check answer has read it open but
    before it takes the lock: the learner is sent to the results, nothing is stored."""
    from quizzes.models import AttemptQuerySet

    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    question = Question.objects.get(pk=attempt.question_ids[0])
    monkeypatch.setattr(
        AttemptQuerySet, "open_for_update", lambda self, attempt: self.none()
    )
    results_url = reverse("quizzes:attempt_results", args=[attempt.pk])
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    data = right_answer_data(question)
    response = student_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == results_url
    response = student_client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"] == results_url
    assert not attempt.answers.exists()
