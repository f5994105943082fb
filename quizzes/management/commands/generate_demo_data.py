"""Demo learners with finished attempts across the published course.

Every learner shares one password, hashed once: hashing is deliberately slow, and ten
thousand hashes would take longer than everything else together. Each learner's history
comes from its own random generator, seeded by ``--seed`` and the learner's number, so a
seed always gives the same learners whichever of them already exist.
"""

import random
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.backends.utils import format_number
from django.utils import timezone

from quizzes.grading import Submission
from quizzes.models import (
    Answer,
    Attempt,
    Choice,
    Classroom,
    Membership,
    Progress,
    Question,
    Quiz,
)
from quizzes.roles import TEACHERS_GROUP, is_teacher
from relations.models import Article

DEFAULT_PASSWORD = "relations-demo-password"
LEARNERS_PER_BATCH = 250
# What a learner who does not know the answer types instead.
WRONG_TYPED = ("not sure", "Moscow", "Tehran", "the treaty", "1991", "sanctions", "oil")


@dataclass
class QuizPlan:
    """A published quiz with what grading needs, loaded once."""

    quiz: Quiz
    questions: list[Question]
    by_id: dict[int, Question] = field(init=False)
    choices: dict[int, list[Choice]] = field(init=False)
    possible: Decimal = field(init=False)
    graded: dict[tuple, tuple[dict, Decimal, Decimal]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self):
        self.by_id = {question.pk: question for question in self.questions}
        self.choices = {
            question.pk: list(question.choices.all()) for question in self.questions
        }
        self.possible = Decimal(sum(question.points for question in self.questions))

    def grade(
        self, question: Question, submission: Submission
    ) -> tuple[dict, Decimal, Decimal]:
        """The stored response, fraction and points, as Attempt.record_answer saves them.

        Grading is pure, so each distinct submission is graded once.
        """
        key = (
            question.pk,
            submission.choice_ids,
            submission.text,
            *submission.matches.items(),
        )
        if key not in self.graded:
            fraction = question.grade(submission)
            self.graded[key] = (
                submission.as_json(),
                stored(fraction, 6, 5),
                stored(fraction * question.points, 9, 3),
            )
        return self.graded[key]


@dataclass
class Totals:
    learners: int = 0
    skipped: int = 0
    attempts: int = 0
    answers: int = 0
    progress: int = 0


def published_course() -> list[list[QuizPlan]]:
    """Each published article's quizzes in lesson order, with questions and choices."""
    course = []
    for article in Article.objects.published().order_by("title", "pk"):
        quizzes = (
            Quiz.objects.published()
            .filter(section__article=article)
            .select_related("section")
            .order_by("section__position")
        )
        plans = []
        for quiz in quizzes:
            questions = list(
                quiz.questions.published()
                .prefetch_related("choices")
                .order_by("position")
            )
            if questions:
                plans.append(QuizPlan(quiz=quiz, questions=questions))
        if plans:
            course.append(plans)
    return course


def stored(value: Decimal, max_digits: int, decimal_places: int) -> Decimal:
    """The value as the database keeps it (what Attempt.finish sums later)."""
    return Decimal(format_number(value, max_digits, decimal_places))


class Learner:
    """One simulated learner: reads lessons in order and takes their quizzes."""

    def __init__(self, rng: random.Random, joined: datetime):
        self.rng = rng
        self.clock = joined + timedelta(minutes=rng.uniform(1, 30))
        # Most learners know a fair share; a few know little, a few nearly everything.
        self.skill = rng.betavariate(5, 2)
        self.attempts: list[tuple[Attempt, list[Answer]]] = []
        self.progress: list[Progress] = []

    def wait(self, low: float, high: float) -> datetime:
        self.clock += timedelta(seconds=self.rng.uniform(low, high))
        return self.clock

    def follow(self, plans: list[QuizPlan]) -> None:
        rng = self.rng
        done = 1
        while done < len(plans) and rng.random() < 0.75:
            done += 1
        for plan in plans[:done]:
            self.take_lesson(plan)
        if done < len(plans) and rng.random() < 0.3:
            # Read the next lesson but did not take its quiz (yet).
            read_at = self.wait(600, 86_400)
            self.progress.append(
                Progress(section_id=plans[done].quiz.section_id, read_at=read_at)
            )

    def take_lesson(self, plan: QuizPlan) -> None:
        quiz = plan.quiz
        read_at = self.wait(60, 3600)
        self.wait(60 * quiz.section.reading_minutes, 120 * quiz.section.reading_minutes)
        limit = quiz.max_attempts or 3
        progress = Progress(section_id=quiz.section_id, read_at=read_at)
        for number in range(min(limit, 3)):
            attempt = self.take_quiz(plan, skill=min(0.97, self.skill + 0.08 * number))
            progress.count_attempt(attempt)
            # Those who failed usually retake; a few who passed retake to do better.
            if self.rng.random() >= (0.15 if attempt.passed else 0.75):
                break
            self.wait(120, 2 * 86_400)
        self.progress.append(progress)

    def take_quiz(self, plan: QuizPlan, *, skill: float) -> Attempt:
        """An attempt as Attempt.objects.start, record_answer and finish leave it."""
        rng, quiz = self.rng, plan.quiz
        attempt = Attempt.shuffled(quiz, plan.questions, rng)
        attempt.started_at = self.wait(5, 60)
        questions = [plan.by_id[pk] for pk in attempt.question_ids]
        is_checked = quiz.feedback_mode == Quiz.FeedbackMode.IMMEDIATE
        answers = []
        for question in questions:
            answered_at = self.wait(8, 90)
            if rng.random() < 0.03:
                continue  # left unanswered: it scores zero
            submission = self.answer(
                question, plan.choices[question.pk], knows=rng.random() < skill
            )
            response, fraction, points = plan.grade(question, submission)
            answers.append(
                Answer(
                    question_id=question.pk,
                    response=response,
                    fraction=fraction,
                    points=points,
                    is_checked=is_checked,
                    answered_at=answered_at,
                )
            )
        earned = sum((answer.points for answer in answers), Decimal(0))
        attempt.finished_at = self.wait(5, 60)
        for name, value in attempt.result_for(earned, plan.possible).items():
            setattr(attempt, name, value)
        self.attempts.append((attempt, answers))
        return attempt

    def answer(
        self, question: Question, choices: list[Choice], *, knows: bool
    ) -> Submission:
        rng = self.rng
        right = [choice for choice in choices if choice.is_correct]
        wrong = [choice for choice in choices if not choice.is_correct]
        kind = question.kind
        if kind in {Question.Kind.SINGLE, Question.Kind.TRUE_FALSE}:
            pick = rng.choice(right if knows or not wrong else wrong)
            return Submission(choice_ids=(pick.pk,))
        if kind == Question.Kind.MULTIPLE:
            if knows:
                chosen = right
            else:
                chosen = [
                    c for c in choices if rng.random() < (0.6 if c.is_correct else 0.35)
                ]
                chosen = chosen or [rng.choice(choices)]
            return Submission(choice_ids=tuple(choice.pk for choice in chosen))
        if kind == Question.Kind.SHORT:
            if knows and right:
                text = rng.choice(right).text
                return Submission(text=text.lower() if rng.random() < 0.3 else text)
            return Submission(text=rng.choice(WRONG_TYPED))
        if kind == Question.Kind.NUMERICAL:
            target = next((c for c in right if c.value is not None), None)
            if target is None:
                return Submission(text="0")
            value = (
                target.value
                if knows
                else target.value + (target.tolerance or 0) + rng.randint(1, 9)
            )
            return Submission(text=str(value.normalize()))
        rows = [choice for choice in choices if choice.text]
        options = [choice.match_text for choice in rows]
        if not knows:
            rng.shuffle(options)
        return Submission(
            matches={row.pk: option for row, option in zip(rows, options, strict=True)}
        )


class Command(BaseCommand):
    help = (
        "Create demo learners with finished attempts and progress across the published "
        "course. Existing usernames are skipped, so re-running is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--learners", type=int, default=100, help="How many (default 100)."
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Same seed, same learners."
        )
        parser.add_argument(
            "--prefix",
            default="demo",
            help="Usernames are <prefix>0001, <prefix>0002, …",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="The password every demo learner shares.",
        )
        parser.add_argument(
            "--classes",
            type=int,
            default=0,
            help="Place the learners in this many classes, in turn (default: none).",
        )
        parser.add_argument(
            "--teacher",
            default="",
            help="Username of the teacher of those classes (default: <prefix>-teacher, "
            "created with the learners' password).",
        )

    def handle(
        self,
        *args,
        learners: int,
        seed: int,
        prefix: str,
        password: str,
        classes: int = 0,
        teacher: str = "",
        **options,
    ):
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        if classes < 0:
            raise CommandError("--classes cannot be negative.")
        if not re.fullmatch(r"[\w.@+-]+", prefix) or len(prefix) > 140:
            raise CommandError("--prefix may hold letters, digits and @ . + - _ only.")
        course = published_course()
        if not course:
            raise CommandError(
                "No published quiz with questions: run migrate or load_course first."
            )
        began = time.monotonic()
        # Midnight today: the same seed gives the same history all day.
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        password_hash = make_password(password)
        totals = Totals()
        with transaction.atomic():
            for first in range(1, learners + 1, LEARNERS_PER_BATCH):
                numbers = range(first, min(first + LEARNERS_PER_BATCH, learners + 1))
                self.create_batch(
                    numbers, prefix, seed, today, password_hash, course, totals
                )
            if classes:
                placed = self.place_in_classes(
                    learners, prefix, classes, teacher, password_hash
                )
        elapsed = time.monotonic() - began
        self.stdout.write(
            f"Created {totals.learners} learners ({totals.skipped} already existed, skipped): "
            f"{totals.attempts} attempts, {totals.answers} answers, {totals.progress} progress "
            f"rows in {elapsed:.1f} s."
        )
        self.stdout.write(
            f"Usernames {prefix}0001…; every demo learner's password: {password}"
        )
        if classes:
            self.stdout.write(placed)

    def place_in_classes(
        self, learners: int, prefix: str, classes: int, teacher: str, password_hash
    ) -> str:
        """Learner n goes to class ((n − 1) mod classes) + 1; the classes study every
        published article. Re-running keeps the classes and memberships already there."""
        if teacher:
            owner = User.objects.filter(username=teacher).first()
            if owner is None or not is_teacher(owner):
                raise CommandError(f"No teacher with the username {teacher!r}.")
        else:
            owner, _created = User.objects.get_or_create(
                username=f"{prefix}-teacher",
                defaults={
                    "password": password_hash,
                    "email": f"{prefix}-teacher@example.org",
                },
            )
            owner.groups.add(Group.objects.get_or_create(name=TEACHERS_GROUP)[0])
        articles = list(Article.objects.published())
        rooms = []
        for number in range(1, classes + 1):
            room = Classroom.objects.filter(
                teachers=owner, name=f"{prefix} class {number}"
            ).first()
            if room is None:
                room = Classroom.objects.create(name=f"{prefix} class {number}")
                room.teachers.add(owner)
            room.articles.add(*articles)
            rooms.append(room)
        ids = dict(
            User.objects.filter(
                username__in=[f"{prefix}{n:04d}" for n in range(1, learners + 1)]
            ).values_list("username", "pk")
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    classroom=rooms[(n - 1) % classes],
                    learner_id=ids[f"{prefix}{n:04d}"],
                )
                for n in range(1, learners + 1)
                if f"{prefix}{n:04d}" in ids
            ],
            ignore_conflicts=True,
        )
        codes = ", ".join(f"{room.name} ({room.join_code})" for room in rooms)
        return f"Classes taught by {owner.username}: {codes}."

    def create_batch(
        self, numbers, prefix, seed, today, password_hash, course, totals
    ) -> None:
        usernames = {number: f"{prefix}{number:04d}" for number in numbers}
        existing = set(
            User.objects.filter(username__in=usernames.values()).values_list(
                "username", flat=True
            )
        )
        totals.skipped += len(existing)
        simulated = []
        for number, username in usernames.items():
            if username in existing:
                continue
            rng = random.Random(f"{seed}:{number}")
            joined = today - timedelta(days=rng.uniform(45, 180))
            learner = Learner(rng, joined)
            for plans in course:
                learner.follow(plans)
            user = User(
                username=username,
                email=f"{username}@example.org",
                password=password_hash,
                date_joined=joined,
                last_login=learner.clock,
            )
            simulated.append((user, learner))
        if not simulated:
            return
        User.objects.bulk_create([user for user, _ in simulated])
        attempts, progress = [], []
        for user, learner in simulated:
            for attempt, _ in learner.attempts:
                attempt.learner_id = user.pk
                attempts.append(attempt)
            for row in learner.progress:
                row.learner_id = user.pk
                progress.append(row)
        Attempt.objects.bulk_create(attempts)
        answers = []
        for _, learner in simulated:
            for attempt, attempt_answers in learner.attempts:
                for answer in attempt_answers:
                    answer.attempt_id = attempt.pk
                answers.extend(attempt_answers)
        Answer.objects.bulk_create(answers)
        Progress.objects.bulk_create(progress)
        totals.learners += len(simulated)
        totals.attempts += len(attempts)
        totals.answers += len(answers)
        totals.progress += len(progress)
