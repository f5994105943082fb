import pytest

from quizzes.course import load_course
from relations.models import Article
from tests.security.helpers import FIRST_COURSE, make_quiz_of_every_kind, start_attempt


@pytest.fixture
def first_course(db):
    """The course the data migration loads, reloaded if a flushing test emptied it."""
    load_course()  # idempotent: creates only what is missing
    return Article.objects.get(slug=FIRST_COURSE)


@pytest.fixture
def every_kind_quiz(db):
    return make_quiz_of_every_kind()


@pytest.fixture
def attempt(student, every_kind_quiz):
    """The student's unfinished attempt at a quiz with one question of every kind."""
    return start_attempt(student, every_kind_quiz)


@pytest.fixture
def questions(every_kind_quiz):
    """The quiz's questions by kind."""
    return {
        question.kind: question
        for question in every_kind_quiz.questions.prefetch_related("choices")
    }
