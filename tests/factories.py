"""Small builders for test data: make_*() returns a saved object."""

import itertools

from django.contrib.auth.models import Group, User

from quizzes.grading import Submission
from quizzes.models import Attempt, Choice, Classroom, Question, Quiz
from relations.models import Article, Section

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str | None = None, *, teacher=False, **fields) -> User:
    username = username or f"user{next(_counter)}"
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if teacher:
        # Transactional tests flush the group the data migration made.
        user.groups.add(Group.objects.get_or_create(name="Teachers")[0])
    return user


def make_article(**fields) -> Article:
    n = next(_counter)
    defaults = {"title": f"Article {n}", "slug": f"article-{n}", "is_published": True}
    return Article.objects.create(**{**defaults, **fields})


LESSON_BODY = (
    "## Rivers\n\nThe Danube flows through ten countries before it reaches the Black Sea.\n\n"
    "The Rhine carries more freight than any other river in Europe, mostly coal and grain.\n\n"
    "## Key points\n\n- Rivers link countries.\n"
)


def make_section(article: Article | None = None, **fields) -> Section:
    article = article or make_article()
    n = next(_counter)
    position = fields.pop("position", None) or (article.sections.count() + 1)
    defaults = {
        "title": f"Lesson {n}",
        "slug": f"lesson-{n}",
        "body": LESSON_BODY,
        "is_published": True,
    }
    return Section.objects.create(
        article=article, position=position, **{**defaults, **fields}
    )


def make_quiz(section: Section | None = None, **fields) -> Quiz:
    return Quiz.objects.create(section=section or make_section(), **fields)


def make_question(quiz: Quiz, kind: str = "single", **fields) -> Question:
    position = fields.pop("position", None) or (quiz.questions.count() + 1)
    defaults = {
        "prompt": f"Which river reaches the Black Sea? ({position})",
        "explanation": "The lesson says the Danube reaches the Black Sea.",
        "source_quote": "The Danube flows through ten countries",
        "status": Question.Status.PUBLISHED,
    }
    choices = fields.pop("choices", None)
    question = Question.objects.create(
        quiz=quiz, position=position, kind=kind, **{**defaults, **fields}
    )
    if choices is None:
        choices = {
            "single": [
                ("Danube", True, "Yes: it reaches the Black Sea."),
                ("Rhine", False, "The Rhine carries freight."),
                ("Thames", False, "Not in the lesson."),
            ],
            "multiple": [
                ("Coal", True, "Right."),
                ("Grain", True, "Right."),
                ("Oil", False, "The lesson names coal and grain."),
            ],
            "true_false": [("True", True, "Right."), ("False", False, "It does.")],
            "short": [("Danube", True, ""), ("the Danube river", True, "")],
            "numerical": [],
            "matching": [],
        }[kind]
    for index, row in enumerate(choices, start=1):
        if isinstance(row, dict):
            Choice.objects.create(question=question, position=index, **row)
        else:
            text, is_correct, feedback = row
            Choice.objects.create(
                question=question,
                position=index,
                text=text,
                is_correct=is_correct,
                feedback=feedback,
            )
    return question


def make_quiz_with_questions(
    count: int = 4, section: Section | None = None, **quiz_fields
) -> Quiz:
    """A quiz cycling through single, multiple, true/false and short questions."""
    quiz = make_quiz(section, **quiz_fields)
    kinds = ["single", "multiple", "true_false", "short"]
    for index in range(count):
        make_question(quiz, kinds[index % len(kinds)])
    return quiz


def make_classroom(teacher: User, *articles: Article, **fields) -> Classroom:
    classroom = Classroom.objects.create(
        name=fields.pop("name", f"Class {next(_counter)}"), **fields
    )
    classroom.teachers.add(teacher)
    classroom.articles.add(*articles)
    return classroom


def make_answer(learner: User, question: Question):
    """The learner starts (or resumes) the question's quiz and picks its first option."""
    attempt = Attempt.objects.start(learner=learner, quiz=question.quiz)
    return attempt.record_answer(
        question=question,
        submission=Submission(choice_ids=(question.choices.first().pk,)),
    )


def make_finished_attempt(learner: User, quiz: Quiz, answers: dict, *, when=None):
    """A finished attempt at the quiz: answers maps a question to the Choice(s) picked
    or to a fraction; questions left out were shown but not answered. Progress follows."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from quizzes.models import Answer, Attempt, Progress

    questions = list(quiz.questions.current().order_by("position"))
    started = when or timezone.now()
    attempt = Attempt.objects.create(
        learner=learner,
        quiz=quiz,
        question_ids=[q.pk for q in questions],
        feedback_mode=quiz.feedback_mode,
        started_at=started,
    )
    earned = Decimal(0)
    for question, given in answers.items():
        if isinstance(given, (int, float, Decimal)) and not isinstance(given, bool):
            fraction, response = Decimal(str(given)), {"text": "typed"}
        else:
            picked = given if isinstance(given, (list, tuple)) else [given]
            right = {c.pk for c in question.choices.all() if c.is_correct}
            chosen = {c.pk for c in picked}
            fraction = Decimal(1 if chosen == right else 0)
            response = {"choices": sorted(chosen)}
        Answer.objects.create(
            attempt=attempt,
            question=question,
            response=response,
            fraction=fraction,
            points=fraction * question.points,
            is_checked=True,
            answered_at=started + timedelta(seconds=10),
        )
        earned += fraction * question.points
    possible = Decimal(sum(q.points for q in questions))
    score = (earned / possible * 100).quantize(Decimal("0.01")) if possible else 0
    attempt.finished_at = started + timedelta(minutes=1)
    attempt.points_earned, attempt.points_possible = earned, possible
    attempt.score, attempt.passed = score, score >= quiz.pass_mark
    attempt.save()
    progress, _created = Progress.objects.get_or_create(
        learner=learner, section=quiz.section
    )
    progress.attempts_count += 1
    progress.last_score = score
    progress.last_attempt_at = attempt.finished_at
    if progress.best_score is None or score > progress.best_score:
        progress.best_score = score
    if attempt.passed and not progress.first_passed_at:
        progress.first_passed_at = attempt.finished_at
    progress.save()
    return attempt
