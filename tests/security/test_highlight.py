"""The lesson page's ?highlight=<question> marks the passage that answers the question:
so only once the learner has answered it (checked, or in a finished attempt), or for a
teacher or staff; never for a question that is not published, never for a visitor."""

import pytest

from quizzes.grading import Submission
from quizzes.models import Attempt, Question
from tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

QUOTE = "The Danube flows through ten countries"


@pytest.fixture
def question():
    quiz = make_quiz(feedback_mode="deferred")
    question = make_question(quiz, source_quote=QUOTE)
    question.publish()
    make_question(quiz, source_quote="The Rhine carries more freight").publish()
    return question


def lesson_with_highlight(client, question: Question) -> str:
    section = question.quiz.section
    response = client.get(section.get_absolute_url(), {"highlight": question.pk})
    assert response.status_code == 200
    return response.content.decode()


def is_highlighted(page: str) -> bool:
    return 'id="passage"' in page and "<mark>" in page


def answer(learner, question: Question, *, finish: bool):
    attempt = Attempt.objects.start(learner=learner, quiz=question.quiz)
    choice = question.choices.first()
    attempt.record_answer(
        question=question,
        submission=Submission(choice_ids=(choice.pk,)),
    )
    if finish:
        attempt.finish()
    return attempt


def test_a_visitor_who_is_not_signed_in_sees_no_highlight(client, question):
    assert not is_highlighted(lesson_with_highlight(client, question))


def test_a_learner_who_has_not_answered_sees_no_highlight(
    student_client, student, question
):
    Attempt.objects.start(learner=student, quiz=question.quiz)
    assert not is_highlighted(lesson_with_highlight(student_client, question))


def test_an_unchecked_answer_in_an_open_deferred_attempt_is_not_enough(
    student_client, student, question
):
    answer(student, question, finish=False)
    assert not is_highlighted(lesson_with_highlight(student_client, question))


def test_after_finishing_the_learner_sees_the_passage(
    student_client, student, question
):
    answer(student, question, finish=True)
    assert is_highlighted(lesson_with_highlight(student_client, question))


def test_a_checked_answer_shows_the_passage_at_once(student_client, student, question):
    question.quiz.feedback_mode = "immediate"
    question.quiz.save()
    answer(student, question, finish=False)
    assert is_highlighted(lesson_with_highlight(student_client, question))


def test_another_learners_answer_does_not_count(
    student_client, other_student, question
):
    answer(other_student, question, finish=True)
    assert not is_highlighted(lesson_with_highlight(student_client, question))


def test_a_teacher_sees_the_passage(teacher_client, question):
    assert is_highlighted(lesson_with_highlight(teacher_client, question))


def test_staff_see_the_passage(admin_client, question):
    assert is_highlighted(lesson_with_highlight(admin_client, question))


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_an_unpublished_question_is_never_highlighted(
    teacher_client, student, student_client, question, status
):
    answer(student, question, finish=True)
    Question.objects.filter(pk=question.pk).update(status=status)
    assert not is_highlighted(lesson_with_highlight(teacher_client, question))
    assert not is_highlighted(lesson_with_highlight(student_client, question))
