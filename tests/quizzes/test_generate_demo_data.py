from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from quizzes.management.commands.generate_demo_data import DEFAULT_PASSWORD
from quizzes.models import Answer, Attempt, Progress

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = StringIO()
    call_command(
        "generate_demo_data", stdout=out, **{"learners": 20, "seed": 3, **options}
    )
    return out.getvalue()


def history(prefix: str) -> list[tuple]:
    """Everything the seed decides, keyed by learner number rather than by row ids."""
    rows = []
    for attempt in (
        Attempt.objects.filter(learner__username__startswith=prefix)
        .select_related("learner")
        .prefetch_related("answers")
        .order_by("learner__username", "started_at")
    ):
        answers = sorted(
            (a.question_id, a.response, a.points) for a in attempt.answers.all()
        )
        number = attempt.learner.username.removeprefix(prefix)
        rows.append(
            (number, attempt.quiz_id, attempt.question_ids, attempt.score, answers)
        )
    return rows


def test_creates_learners_who_can_log_in_with_the_printed_password():
    output = generate()
    learners = User.objects.filter(username__startswith="demo").order_by("username")
    assert [u.username for u in learners[:2]] == ["demo0001", "demo0002"]
    assert learners.count() == 20
    assert DEFAULT_PASSWORD in output
    assert learners.first().check_password(DEFAULT_PASSWORD)
    assert len({u.password for u in learners}) == 1


def test_every_learner_has_finished_attempts_with_answers_and_varied_scores():
    generate()
    attempts = Attempt.objects.filter(learner__username__startswith="demo")
    assert attempts.unfinished().count() == 0
    assert set(attempts.values_list("learner", flat=True)) == set(
        User.objects.filter(username__startswith="demo").values_list("pk", flat=True)
    )
    scores = list(attempts.values_list("score", flat=True))
    assert all(Decimal(0) <= score <= Decimal(100) for score in scores)
    assert len(set(scores)) > 5
    assert {True, False} <= set(attempts.values_list("passed", flat=True))
    assert Answer.objects.filter(attempt__in=attempts).count() > attempts.count() * 6


def test_attempt_scores_are_graded_as_finishing_an_attempt_grades_them():
    generate(learners=5)
    for attempt in Attempt.objects.filter(
        learner__username__startswith="demo"
    ).select_related("quiz"):
        answers = list(attempt.answers.select_related("question"))
        assert {a.question_id for a in answers} <= set(attempt.question_ids)
        for answer in answers:
            fraction = answer.question.grade(answer.submission)
            assert answer.fraction == fraction.quantize(Decimal("0.00001"))
            assert answer.is_checked
            assert attempt.started_at < answer.answered_at < attempt.finished_at
        earned = sum((a.points for a in answers), Decimal(0))
        assert attempt.points_earned == earned
        assert attempt.score == (earned / attempt.points_possible * 100).quantize(
            Decimal("0.01")
        )
        assert attempt.passed == (attempt.score >= attempt.quiz.pass_mark)


def test_progress_agrees_with_the_attempts():
    generate()
    rows = Progress.objects.filter(learner__username__startswith="demo").select_related(
        "section__quiz"
    )
    assert rows.exists()
    for progress in rows:
        attempts = list(
            Attempt.objects.filter(
                learner=progress.learner_id, quiz=progress.section.quiz
            ).order_by("started_at")
        )
        assert progress.attempts_count == len(attempts)
        assert progress.read_at is not None
        if not attempts:
            assert (
                progress.best_score
                is progress.last_score
                is progress.first_passed_at
                is None
            )
            continue
        assert progress.read_at <= attempts[0].started_at
        assert progress.last_score == attempts[-1].score
        assert progress.last_attempt_at == attempts[-1].finished_at
        assert progress.best_score == max(a.score for a in attempts)
        passed = [a.finished_at for a in attempts if a.passed]
        assert progress.first_passed_at == (passed[0] if passed else None)


def test_lessons_are_taken_in_order():
    generate()
    sections = {}
    for progress in Progress.objects.filter(
        learner__username__startswith="demo", attempts_count__gt=0
    ).select_related("section"):
        sections.setdefault(progress.learner_id, []).append(progress.section.position)
    for positions in sections.values():
        assert sorted(positions) == list(range(1, len(positions) + 1))


def test_the_same_seed_gives_the_same_learners_and_another_seed_does_not():
    generate(prefix="first")
    generate(prefix="again")
    generate(prefix="other", seed=4)
    assert history("first") == history("again")
    assert history("first") != history("other")


def test_running_again_with_the_same_prefix_skips_existing_learners():
    generate()
    before = (User.objects.count(), Attempt.objects.count(), Progress.objects.count())
    output = generate()
    assert "Created 0 learners (20 already existed" in output
    assert (
        User.objects.count(),
        Attempt.objects.count(),
        Progress.objects.count(),
    ) == before
    generate(learners=25)
    assert User.objects.filter(username__startswith="demo").count() == 25
