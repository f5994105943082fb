"""The rules of one attempt: starting, answering, finishing, and the progress it leaves."""

import datetime
import html
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.grading import Submission
from quizzes.models import Answer, Attempt, Progress, Question
from tests.factories import make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


def right(question) -> Submission:
    return Submission(
        choice_ids=tuple(c.pk for c in question.choices.all() if c.is_correct)
    )


def wrong(question) -> Submission:
    return Submission(
        choice_ids=(next(c.pk for c in question.choices.all() if not c.is_correct),)
    )


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_partly_right_shows_the_points_earned_of_the_points_possible(
    student_client, student
):
    quiz = make_quiz()
    question = make_question(quiz, "multiple", points=2)
    coal = question.choices.get(text="Coal")
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    response = student_client.post(
        reverse("quizzes:check_answer", args=[attempt.pk, question.pk]),
        {"choice": [coal.pk]},
        headers={"HX-Request": "true"},
    )
    assert "Partly right: 1 of 2 points." in page(response)
    student_client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    results = student_client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    assert "Partly right: 1 of 2 points." in page(results)
    assert "Your score: 50%" in page(results)


def test_partly_right_shows_fractions_of_a_point(student_client, student):
    quiz = make_quiz()
    question = make_question(
        quiz,
        "multiple",
        points=3,
        choices=[
            ("Coal", True, ""),
            ("Grain", True, ""),
            ("Timber", True, ""),
            ("Oil", False, ""),
        ],
    )
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    coal = question.choices.get(text="Coal")
    response = student_client.post(
        reverse("quizzes:check_answer", args=[attempt.pk, question.pk]),
        {"choice": [coal.pk]},
        headers={"HX-Request": "true"},
    )
    assert "Partly right: 1 of 3 points." in page(response)


def test_starting_a_quiz_without_published_questions_is_refused(
    student_client, student
):
    quiz = make_quiz()
    make_question(quiz, status="draft")
    section = quiz.section
    response = student_client.post(
        reverse("quizzes:start_quiz", args=[section.article.slug, section.slug]),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == section.get_absolute_url()
    assert "This quiz has no questions yet." in page(response)
    assert not Attempt.objects.filter(learner=student).exists()


def test_start_refuses_an_empty_quiz_with_its_code(student):
    with pytest.raises(ValidationError) as error:
        Attempt.objects.start(learner=student, quiz=make_quiz())
    assert error.value.code == "empty_quiz"
    assert error.value.messages == ["This quiz has no questions yet."]


def test_start_keeps_the_quiz_settings_and_the_points_possible(student):
    quiz = make_quiz(feedback_mode="deferred")
    make_question(quiz, points=2)
    make_question(quiz, "true_false", points=3)
    make_question(quiz, status="draft", points=5)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    assert attempt.feedback_mode == "deferred"
    assert attempt.points_possible == 5
    assert attempt.learner == student and not attempt.is_finished
    assert Progress.objects.get(learner=student).read_at is not None


def test_start_shuffles_questions_and_options_but_keeps_true_before_false(student):
    quiz = make_quiz()
    questions = [make_question(quiz, "single") for _ in range(4)]
    true_false = make_question(quiz, "true_false")
    orders, option_orders = set(), set()
    for seed in range(12):
        attempt = Attempt.objects.start(
            learner=make_user(), quiz=quiz, rng=random.Random(seed)
        )
        orders.add(tuple(attempt.question_ids))
        option_orders.add(tuple(attempt.choice_order[str(questions[0].pk)]))
        true, false = true_false.choices.order_by("position")
        assert attempt.choice_order[str(true_false.pk)] == [true.pk, false.pk]
        assert sorted(attempt.question_ids) == sorted(
            q.pk for q in [*questions, true_false]
        )
    assert len(orders) > 1 and len(option_orders) > 1


def test_start_resumes_the_unfinished_attempt(student, quiz):
    first = Attempt.objects.start(learner=student, quiz=quiz)
    assert Attempt.objects.start(learner=student, quiz=quiz).pk == first.pk
    first.finish()
    assert Attempt.objects.start(learner=student, quiz=quiz).pk != first.pk


def test_max_attempts_counts_finished_attempts_only_once_used_up(student):
    quiz = make_quiz(max_attempts=2)
    make_question(quiz)
    for _ in range(2):
        Attempt.objects.start(learner=student, quiz=quiz).finish()
    with pytest.raises(ValidationError) as error:
        Attempt.objects.start(learner=student, quiz=quiz)
    assert error.value.code == "no_attempts_left"
    assert error.value.messages == ["You have used all the attempts this quiz allows."]
    # Another learner is not held by this learner's attempts.
    assert Attempt.objects.start(learner=make_user(), quiz=quiz)


def test_an_answer_earns_its_fraction_of_the_question_points(student):
    quiz = make_quiz()
    question = make_question(quiz, "multiple", points=4)
    coal = question.choices.get(text="Coal")
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    answer = attempt.record_answer(
        question=question, submission=Submission(choice_ids=(coal.pk,))
    )
    assert answer.fraction == Decimal("0.5") and answer.points == 2
    assert answer.is_checked
    assert answer.response == {"choices": [coal.pk]}


def test_an_immediate_answer_stands_once_given(student):
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    attempt.record_answer(question=question, submission=wrong(question))
    again = attempt.record_answer(question=question, submission=right(question))
    assert again.fraction == 0
    assert Answer.objects.get().fraction == 0


def test_a_deferred_answer_can_change_until_the_end_and_is_not_checked(student):
    quiz = make_quiz(feedback_mode="deferred")
    question = make_question(quiz)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    first = attempt.record_answer(question=question, submission=wrong(question))
    assert not first.is_checked
    attempt.record_answer(question=question, submission=right(question))
    answer = Answer.objects.get()
    assert answer.fraction == 1 and answer.points == 1 and not answer.is_checked
    assert answer.response == right(question).as_json()


def test_no_answer_is_taken_after_the_attempt_is_finished(student, quiz):
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    attempt.finish()
    question = Question.objects.get(pk=attempt.question_ids[0])
    with pytest.raises(ValidationError) as error:
        attempt.record_answer(question=question, submission=right(question))
    assert error.value.code == "finished"
    assert error.value.messages == ["This attempt is finished."]
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("right_answers", "score", "passed"),
    [
        (0, Decimal("0.00"), False),
        (1, Decimal("33.33"), False),
        (2, Decimal("66.67"), False),  # rounded to two places, half up
        (3, Decimal("100.00"), True),
    ],
)
def test_finish_scores_points_earned_over_points_possible(
    student, right_answers, score, passed
):
    quiz = make_quiz(pass_mark=67)
    questions = [make_question(quiz) for _ in range(3)]
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    for question in questions[:right_answers]:
        attempt.record_answer(question=question, submission=right(question))
    assert attempt.finish() is True
    attempt.refresh_from_db()
    assert attempt.score == score and attempt.passed is passed
    assert attempt.points_earned == right_answers and attempt.points_possible == 3
    assert attempt.is_finished


def test_a_score_equal_to_the_pass_mark_passes(student):
    quiz = make_quiz(pass_mark=50)
    questions = [make_question(quiz) for _ in range(2)]
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    attempt.record_answer(question=questions[0], submission=right(questions[0]))
    attempt.finish()
    attempt.refresh_from_db()
    assert attempt.score == 50 and attempt.passed


def test_finishing_twice_changes_nothing_the_second_time(student, quiz):
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    assert attempt.finish() is True
    finished_at = Attempt.objects.get().finished_at
    again = Attempt.objects.get()
    assert again.finish() is False
    assert Attempt.objects.get().finished_at == finished_at
    assert Progress.objects.get(learner=student).attempts_count == 1


def test_finish_counts_points_possible_when_the_attempt_did_not_store_them(student):
    quiz = make_quiz()
    one = make_question(quiz, points=1)
    three = make_question(quiz, points=3)
    attempt = Attempt.objects.create(
        learner=student,
        quiz=quiz,
        question_ids=[one.pk, three.pk],
        feedback_mode="immediate",
    )
    attempt.record_answer(question=three, submission=right(three))
    attempt.finish()
    attempt.refresh_from_db()
    assert attempt.points_possible == 4 and attempt.score == 75


def test_progress_keeps_the_best_and_the_last_score_and_the_first_pass(student):
    quiz = make_quiz(pass_mark=50)
    question = make_question(quiz)
    scores = []
    for answer in (right, wrong, right):
        attempt = Attempt.objects.start(learner=student, quiz=quiz)
        attempt.record_answer(question=question, submission=answer(question))
        attempt.finish()
        progress = Progress.objects.get(learner=student)
        scores.append((progress.last_score, progress.best_score, progress.state))
        if len(scores) == 1:
            first_pass = progress.first_passed_at
            assert first_pass == Attempt.objects.get(pk=attempt.pk).finished_at
    assert scores == [(100, 100, "passed"), (0, 100, "passed"), (100, 100, "passed")]
    progress = Progress.objects.get(learner=student)
    assert progress.attempts_count == 3
    assert progress.first_passed_at == first_pass
    assert progress.last_attempt_at == Attempt.objects.latest("started_at").finished_at


def test_progress_after_a_failed_attempt_asks_for_another_try(student):
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    attempt.record_answer(question=question, submission=wrong(question))
    attempt.finish()
    progress = Progress.objects.get(learner=student)
    assert progress.state == "retry" and progress.first_passed_at is None
    assert progress.best_score == 0 and progress.last_score == 0


def test_finishing_an_attempt_made_elsewhere_marks_the_lesson_read(student):
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = Attempt.objects.create(
        learner=student,
        quiz=quiz,
        question_ids=[question.pk],
        feedback_mode="immediate",
        points_possible=1,
    )
    attempt.finish()
    progress = Progress.objects.get(learner=student)
    assert progress.read_at == attempt.started_at
    assert progress.attempts_count == 1


def test_finishing_one_attempt_leaves_everyone_elses_open(student, other_student, quiz):
    mine = Attempt.objects.start(learner=student, quiz=quiz)
    theirs = Attempt.objects.start(learner=other_student, quiz=quiz)
    mine.finish()
    theirs.refresh_from_db()
    assert not theirs.is_finished and theirs.score is None
    assert theirs.finish() is True


def test_start_orders_the_questions_with_the_random_source_it_is_given(student):
    quiz = make_quiz()
    for _ in range(6):
        make_question(quiz, "single")
    first = Attempt.objects.start(learner=student, quiz=quiz, rng=random.Random(5))
    second = Attempt.objects.start(learner=make_user(), quiz=quiz, rng=random.Random(5))
    # The same seed gives the same order of questions and of every question's options.
    assert first.question_ids == second.question_ids
    assert first.choice_order == second.choice_order


def test_a_shuffled_attempt_takes_the_extra_fields_it_is_given(student):
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = Attempt.shuffled(quiz, [question], random.Random(1), learner=student)
    assert attempt.learner == student
    assert attempt.question_ids == [question.pk]


def test_an_answer_arriving_after_another_request_finished_the_attempt_is_refused(
    student, quiz
):
    # This request loaded the attempt while it was open; another one then finished it.
    # Someone else's attempt at the quiz is still open, which must not let it through.
    Attempt.objects.start(learner=make_user(), quiz=quiz)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    Attempt.objects.get(pk=attempt.pk).finish()
    assert not attempt.is_finished
    question = Question.objects.get(pk=attempt.question_ids[0])
    with pytest.raises(ValidationError) as error:
        attempt.record_answer(question=question, submission=right(question))
    assert error.value.code == "finished"
    assert error.value.messages == ["This attempt is finished."]
    assert not Answer.objects.exists()


def test_a_changed_deferred_answer_is_dated_when_it_was_changed(student):
    quiz = make_quiz(feedback_mode="deferred")
    question = make_question(quiz)
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    attempt.record_answer(question=question, submission=wrong(question))
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Answer.objects.update(answered_at=long_ago)
    before = timezone.now()
    attempt.record_answer(question=question, submission=right(question))
    assert Answer.objects.get().answered_at >= before


def test_starting_runs_the_same_queries_for_2_and_12_questions(student):
    counts = []
    for size in (2, 12):
        quiz = make_quiz()
        for _ in range(size):
            make_question(quiz, "single")
        learner = make_user()
        with CaptureQueriesContext(connection) as queries:
            Attempt.objects.start(learner=learner, quiz=quiz)
        counts.append(len(queries))
    assert counts[0] == counts[1]
