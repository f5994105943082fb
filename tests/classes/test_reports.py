"""What a teacher reads about a class: grid, CSV, statistics, misconceptions, coverage."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.classes import reports
from quizzes.models import Membership, Progress, Question
from tests.factories import (
    make_classroom,
    make_finished_attempt,
    make_question,
    make_quiz,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db


def join(classroom, *learners):
    for learner in learners:
        Membership.objects.create(classroom=classroom, learner=learner)


def singles(quiz):
    return list(quiz.questions.current().order_by("position"))


def right(question):
    return next(c for c in question.choices.all() if c.is_correct)


def wrong(question, text=None):
    return next(
        c
        for c in question.choices.all()
        if not c.is_correct and (text is None or c.text == text)
    )


@pytest.fixture
def course(teacher):
    """Two lessons of one article, each with a three-question single-choice quiz."""
    first = make_quiz()
    article = first.section.article
    second = make_quiz(make_section(article))
    for quiz in (first, second):
        for _index in range(3):
            make_question(quiz, "single")
    classroom = make_classroom(teacher, article, name="Group B")
    return classroom, first, second


def test_grid_shows_each_state_in_words(teacher_client, course):
    classroom, first, second = course
    ana, ben, cleo, dan = (make_user(n) for n in ("ana", "ben", "cleo", "dan"))
    join(classroom, ana, ben, cleo, dan)
    make_finished_attempt(ana, first, {q: right(q) for q in singles(first)})
    make_finished_attempt(ben, first, {singles(first)[0]: right(singles(first)[0])})
    Progress.objects.create(learner=cleo, section=first.section, read_at=timezone.now())
    grid = reports.progress_grid(reports.Cohort(classroom))
    states = {row.learner.username: [c.state for c in row.cells] for row in grid.rows}
    assert states == {
        "ana": ["passed", "not_started"],
        "ben": ["retry", "not_started"],
        "cleo": ["read", "not_started"],
        "dan": ["not_started", "not_started"],
    }
    page = teacher_client.get(reverse("classes:progress", args=[classroom.pk])).text
    assert "Passed · 100%" in page
    assert "Needs another try · 33%" in page
    assert ">Read<" in page and "Not started" in page
    # Summary of the first lesson: one of four passed; best scores 100 and 33.33.
    summary = grid.summaries[0]
    assert summary.share_passed == 25
    assert summary.median_best == pytest.approx((100 + 33.33) / 2)
    assert "25% passed" in page
    # The cell links to that learner's attempts at the lesson, and those to reviews.
    cell_url = reverse(
        "classes:learner_lesson", args=[classroom.pk, ana.pk, first.section.pk]
    )
    assert cell_url in page
    attempt = ana.attempts.get()
    lesson_page = teacher_client.get(cell_url).text
    review_url = reverse("classes:attempt_review", args=[classroom.pk, attempt.pk])
    assert review_url in lesson_page
    review = teacher_client.get(review_url).text
    assert "Right answer" in review and "Your answer" in review


def test_grid_sorts_by_name_progress_and_activity(teacher_client, course):
    classroom, first, second = course
    now = timezone.now()
    zoe, adam, mia = make_user("zoe"), make_user("adam"), make_user("mia")
    join(classroom, zoe, adam, mia)
    # zoe passes both lessons long ago, mia passes one recently, adam only read.
    for quiz in (first, second):
        make_finished_attempt(
            zoe, quiz, {q: right(q) for q in singles(quiz)}, when=now - timedelta(30)
        )
    make_finished_attempt(mia, first, {q: right(q) for q in singles(first)}, when=now)
    Progress.objects.create(
        learner=adam, section=first.section, read_at=now - timedelta(days=3)
    )
    url = reverse("classes:progress", args=[classroom.pk])

    def order(sort):
        grid = teacher_client.get(url, {"sort": sort}).context["grid"]
        return [row.learner.username for row in grid.rows]

    assert order("name") == ["adam", "mia", "zoe"]
    assert order("-name") == ["zoe", "mia", "adam"]
    assert order("progress") == ["zoe", "mia", "adam"]
    assert order("-progress") == ["adam", "mia", "zoe"]
    assert order("activity") == ["mia", "adam", "zoe"]
    assert order("-activity") == ["zoe", "adam", "mia"]
    assert order("nonsense") == ["adam", "mia", "zoe"]
    # Links work without JavaScript: the active column links to the reverse order.
    page = teacher_client.get(url, {"sort": "progress"}).text
    assert 'href="?sort=-progress"' in page and 'aria-sort="descending"' in page


def test_csv_cells_cannot_run_as_formulas(teacher_client, course):
    classroom, first, _second = course
    first.section.title = "=HYPERLINK(1)"
    first.section.save()
    learner = make_user("+plus", email="x@example.org")
    join(classroom, learner)
    make_finished_attempt(learner, first, {q: right(q) for q in singles(first)})
    response = teacher_client.get(reverse("classes:progress_csv", args=[classroom.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert "'=HYPERLINK(1)" in rows[0]
    assert rows[1][0] == "'+plus"
    assert "Passed" in rows[1]
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row
    )


def test_statistics_page_counts_first_attempts_unless_asked(teacher_client, course):
    classroom, first, _second = course
    q1, q2, q3 = singles(first)
    learner = make_user("ana")
    join(classroom, learner)
    make_finished_attempt(learner, first, {q1: wrong(q1)})
    make_finished_attempt(learner, first, {q1: right(q1), q2: right(q2)})
    url = reverse("classes:quiz_statistics", args=[classroom.pk, first.pk])
    report = teacher_client.get(url).context["report"]
    assert report.stats.n == 1
    assert [row.stats.facility for row in report.items] == [0, 0, 0]
    report = teacher_client.get(url, {"attempts": "all"}).context["report"]
    assert report.stats.n == 2
    # q1 wrong then right: 50%; q2 unanswered then right: 50%; q3 never: 0%.
    assert [row.stats.facility for row in report.items] == [50, 50, 0]
    page = teacher_client.get(url).text
    assert "Too few attempts to judge" in page


def test_statistics_follow_a_question_across_versions(teacher_client, course):
    classroom, first, _second = course
    q1 = singles(first)[0]
    ana, ben = make_user("ana"), make_user("ben")
    join(classroom, ana, ben)
    make_finished_attempt(ana, first, {q1: right(q1)})
    # q1 is edited after being answered: a new version takes its place.
    Question.objects.filter(pk=q1.pk).update(is_current=False)
    newer = make_question(first, "single", position=q1.position, previous_version=q1)
    make_finished_attempt(ben, first, {newer: wrong(newer)})
    report = reports.quiz_report(reports.Cohort(classroom), first)
    row = next(r for r in report.items if r.question.pk == newer.pk)
    assert row.stats.n == 2
    assert row.stats.facility == 50
    assert len(report.items) == 3


def test_misconceptions_ranked_by_learners_not_picks(teacher_client, course):
    classroom, first, second = course
    q1, q2, _q3 = singles(first)
    wrong(q1, "Rhine").__class__.objects.filter(pk=wrong(q1, "Rhine").pk).update(
        misconception="confuses the two rivers"
    )
    for question in (q2, singles(second)[0]):
        choice = wrong(question, "Thames")
        choice.misconception = "guesses a famous river"
        choice.save()
    ana, ben, cleo = make_user("ana"), make_user("ben"), make_user("cleo")
    join(classroom, ana, ben, cleo)
    outsider = make_user("outsider")
    # ana picks "confuses" three times; ben and cleo each pick "guesses" once.
    for _index in range(3):
        make_finished_attempt(ana, first, {q1: wrong(q1, "Rhine")})
    make_finished_attempt(ben, first, {q2: wrong(q2, "Thames")})
    sq = singles(second)[0]
    make_finished_attempt(cleo, second, {sq: wrong(sq, "Thames")})
    for _index in range(5):  # not in the class: never counted
        make_finished_attempt(outsider, first, {q1: wrong(q1, "Rhine")})
    found = reports.misconceptions(reports.Cohort(classroom))
    assert [(m.tag, m.learner_count, m.picks) for m in found] == [
        ("guesses a famous river", 2, 2),
        ("confuses the two rivers", 1, 3),
    ]
    page = teacher_client.get(
        reverse("classes:misconception_list", args=[classroom.pk])
    ).text
    assert page.index("guesses a famous river") < page.index("confuses the two rivers")
    assert q2.lesson_url().replace("&", "&amp;") in page or q2.lesson_url() in page
    assert f"#item-{q2.pk}" in page


def test_learner_page_shows_a_corrected_misconception(teacher_client, course):
    classroom, first, _second = course
    q1, q2, _q3 = singles(first)
    for question, tag in ((q1, "mixes up rivers"), (q2, "picks any capital")):
        choice = wrong(question)
        choice.misconception = tag
        choice.save()
    ana = make_user("ana")
    join(classroom, ana)
    now = timezone.now()
    make_finished_attempt(
        ana, first, {q1: wrong(q1), q2: wrong(q2)}, when=now - timedelta(days=2)
    )
    make_finished_attempt(ana, first, {q1: right(q1), q2: wrong(q2)}, when=now)
    found = {
        m.tag: m.is_corrected
        for m in reports.learner_misconceptions(reports.Cohort(classroom), ana)
    }
    assert found == {"mixes up rivers": True, "picks any capital": False}
    page = teacher_client.get(
        reverse("classes:learner_detail", args=[classroom.pk, ana.pk])
    ).text
    assert "Corrected: answered right later" in page
    assert "Not corrected yet" in page


def test_coverage_marks_tested_passages_and_untested_paragraphs(teacher_client, course):
    classroom, first, _second = course
    # Every question of the factory quotes the Danube paragraph; the Rhine one is untested.
    ana = make_user("ana")
    join(classroom, ana)
    make_finished_attempt(ana, first, {q: wrong(q) for q in singles(first)})
    url = reverse("classes:lesson_coverage", args=[classroom.pk, first.section.pk])
    page = teacher_client.get(url).text
    assert "<mark>The Danube flows through ten countries</mark>" in page
    assert "Tested by 3 questions · facility 0% (hard)" in page
    assert 'class="coverage coverage-hard"' in page
    assert "Not tested" in page
    rhine = page.index("The Rhine carries more freight")
    assert page.index("Not tested", rhine) > rhine
    assert 'href="#passage-1-questions"' in page and 'id="passage-1-questions"' in page
    assert page.count('id="passage"') == 0


@pytest.mark.parametrize(
    "name",
    [
        "progress",
        "progress_csv",
        "misconception_list",
        "quiz_statistics",
        "lesson_coverage",
        "learner_detail",
        "learner_lesson",
        "attempt_review",
    ],
)
def test_query_count_does_not_grow_with_learners_or_questions(
    client, django_assert_max_num_queries, name
):
    teacher = make_user("boss", teacher=True)
    client.force_login(teacher)

    def build(learners: int, questions: int, attempts: int):
        quiz = make_quiz()
        for _index in range(questions):
            question = make_question(quiz, "single")
            choice = wrong(question)
            choice.misconception = f"idea {question.pk % 3}"
            choice.save()
        classroom = make_classroom(teacher, quiz.section.article)
        users = [make_user() for _index in range(learners)]
        join(classroom, *users)
        for user in users:
            for _index in range(attempts):
                make_finished_attempt(user, quiz, {q: wrong(q) for q in singles(quiz)})
            last = make_finished_attempt(
                user, quiz, {q: right(q) for q in singles(quiz)}
            )
        args = {
            "progress": [classroom.pk],
            "progress_csv": [classroom.pk],
            "misconception_list": [classroom.pk],
            "quiz_statistics": [classroom.pk, quiz.pk],
            "lesson_coverage": [classroom.pk, quiz.section.pk],
            "learner_detail": [classroom.pk, users[0].pk],
            "learner_lesson": [classroom.pk, users[0].pk, quiz.section.pk],
            "attempt_review": [classroom.pk, last.pk],
        }[name]
        return reverse(f"classes:{name}", args=args)

    small, large = build(2, 2, 1), build(7, 6, 3)
    with django_assert_max_num_queries(12) as small_queries:
        assert client.get(small).status_code == 200
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        assert client.get(large).status_code == 200
