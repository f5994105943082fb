"""Whole learner pages kept for repeat views (quizzes.pages): a repeat view is served
without rebuilding the page, its forms still post, and every change that a page shows
reaches it on the very next request: a new answer, a finished attempt, a lesson edit, a
new question version, a group change, a message; no learner ever gets another's page."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Attempt, Question
from quizzes.pages import PLACEHOLDER, stamp_changed_by
from quizzes.roles import TEACHERS_GROUP
from quizzes.services import save_question
from tests.factories import make_quiz_with_questions, make_user

# Committed writes renew the stamps (on commit), as in production.
pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"x-csrftoken": ")([^"]+)')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def quiz():
    return make_quiz_with_questions(4)


def without_tokens(html: str) -> str:
    return TOKEN.sub(r"\1…", html)


def get(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


def check_right(client, attempt: Attempt, question: Question):
    right = [c for c in question.choices.all() if c.is_correct]
    data = (
        {"text": right[0].text}
        if question.kind == "short"
        else {"choice": [c.pk for c in right]}
    )
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200


def finished_attempt(client, learner, quiz) -> Attempt:
    attempt = Attempt.objects.start(learner=learner, quiz=quiz)
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        check_right(client, attempt, question)
    url = reverse("quizzes:finish_attempt", args=[attempt.pk])
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    return attempt


def test_a_repeat_view_is_the_same_page_without_rebuilding_it_and_its_forms_post(
    student, quiz
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    lesson_url = quiz.section.get_absolute_url()
    get(client, "/")  # the outline reads the review count the navigation shows
    with CaptureQueriesContext(connection) as built:
        first = get(client, lesson_url)
    with CaptureQueriesContext(connection) as kept:
        again = get(client, lesson_url)
    assert without_tokens(again) == without_tokens(first)
    assert PLACEHOLDER not in again
    # The session and the signed-in user only: nothing of the lesson is read again.
    assert len(kept) <= 2 < len(built), [q["sql"][:90] for q in kept.captured_queries]
    assert not any("relations_section" in q["sql"] for q in kept.captured_queries)

    # The token filled into the kept page is this visitor's own: its form posts.
    token = TOKEN.search(again).group(2)
    start = reverse(
        "quizzes:start_quiz", args=[quiz.section.article.slug, quiz.section.slug]
    )
    response = client.post(start, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Attempt.objects.filter(learner=student).count() == 1


def test_a_new_answer_and_a_finished_attempt_show_on_the_next_view(
    student_client, student, quiz
):
    lesson_url = quiz.section.get_absolute_url()
    get(student_client, "/")
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    assert "0 of 4 answered" in get(student_client, lesson_url)
    get(student_client, lesson_url)  # now kept

    first = Question.objects.get(pk=attempt.question_ids[0])
    check_right(student_client, attempt, first)
    assert "1 of 4 answered" in get(student_client, lesson_url)

    before = get(student_client, reverse("quizzes:my_progress"))
    assert "100%" not in before
    for question in Question.objects.filter(pk__in=attempt.question_ids[1:]):
        check_right(student_client, attempt, question)
    url = reverse("quizzes:finish_attempt", args=[attempt.pk])
    assert student_client.post(url, {"confirm": "yes"}).status_code == 302
    assert "100%" in get(student_client, reverse("quizzes:my_progress"))
    assert "Quiz passed" in get(student_client, quiz.section.article.get_absolute_url())
    assert "answered)" not in get(student_client, lesson_url)  # no quiz to resume


def test_a_lesson_edit_and_a_new_question_version_reach_kept_pages(
    student_client, student, teacher, quiz
):
    attempt = finished_attempt(student_client, student, quiz)
    results_url = reverse("quizzes:attempt_results", args=[attempt.pk])
    get(student_client, "/")
    before = get(student_client, results_url)
    get(student_client, quiz.section.get_absolute_url())

    section = quiz.section
    section.title = "Rivers that reach the sea"
    section.save()
    assert "Rivers that reach the sea" in get(student_client, results_url)
    assert "Rivers that reach the sea" in get(
        student_client, quiz.section.article.get_absolute_url()
    )
    assert "Rivers that reach the sea" in get(
        student_client, section.get_absolute_url()
    )

    # A new version: past results keep the version answered, new attempts get the new.
    old = Question.objects.get(pk=attempt.question_ids[0])
    edited = Question.objects.get(pk=old.pk)
    edited.prompt = "A rewritten question about rivers"
    rows = [
        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
        for c in old.choices.all()
    ]
    save_question(question=edited, choices=rows, user=teacher)
    after = get(student_client, results_url)
    assert old.prompt in after and "A rewritten question" not in after
    assert before != after  # the lesson's new title


def test_joining_the_teachers_group_shows_teach_on_the_kept_page(
    student_client, student
):
    get(student_client, "/")
    assert 'href="/teach/"' not in get(student_client, "/")
    student.groups.add(Group.objects.get_or_create(name=TEACHERS_GROUP)[0])
    assert 'href="/teach/"' in get(student_client, "/")
    student.groups.clear()
    assert 'href="/teach/"' not in get(student_client, "/")


def test_a_message_is_shown_once_and_never_kept(student_client, student, quiz):
    lesson_url = quiz.section.get_absolute_url()
    get(student_client, "/")
    get(student_client, lesson_url)
    get(student_client, lesson_url)
    mark = reverse(
        "quizzes:mark_read", args=[quiz.section.article.slug, quiz.section.slug]
    )
    response = student_client.post(mark, follow=True)
    assert "Lesson marked as read." in response.content.decode()
    assert "Lesson marked as read." not in get(student_client, lesson_url)
    assert "Lesson marked as read." not in get(student_client, lesson_url)


def test_no_learner_is_shown_another_learners_kept_page(client, quiz):
    one, two = make_user("learner-one"), make_user("learner-two")
    # The course's own address: "/" lists the courses when more than one is published.
    outline = quiz.section.article.get_absolute_url()
    client.force_login(one)
    finished_attempt(client, one, quiz)
    get(client, outline)
    page_one = get(client, outline)
    assert "learner-one" in page_one and "Quiz passed" in page_one

    client.force_login(two)
    get(client, outline)
    page_two = get(client, outline)
    assert "learner-two" in page_two and "learner-one" not in page_two
    assert "Quiz passed" not in page_two
    assert get(client, reverse("quizzes:my_progress")).count("100%") == 0

    client.logout()
    anonymous = get(client, outline)
    assert "learner-one" not in anonymous and "Log in" in anonymous


@pytest.mark.parametrize(
    ("sql", "stamp"),
    [
        ('INSERT INTO "quizzes_answer" ("attempt_id") VALUES (1)', "page-stamp:all"),
        ('UPDATE "relations_section" SET "title" = %s', "page-stamp:all"),
        ('DELETE FROM "quizzes_choice" WHERE 1', "page-stamp:all"),
        ('INSERT OR IGNORE INTO "quizzes_mastery" VALUES (1)', "page-stamp:all"),
        ('UPDATE "django_session" SET "expire_date" = %s', None),
        ('UPDATE "auth_user" SET "last_login" = %s', None),
        ('SELECT "quizzes_answer"."id" FROM "quizzes_answer"', None),
    ],
)
def test_which_writes_renew_which_stamp_outside_a_students_request(sql, stamp):
    # Outside a student's request (a command, the shell) a learner's table counts for all.
    assert stamp_changed_by(sql) == stamp


def test_a_new_username_shows_on_the_kept_page(student_client, student):
    get(student_client, "/")
    assert ">student<" in get(student_client, "/")
    student.username = "renamed-student"
    student.save()
    page = get(student_client, "/")
    assert ">renamed-student<" in page and ">student<" not in page


def test_a_hand_written_write_with_leading_space_counts_too():
    assert stamp_changed_by('\n  update "quizzes_quiz" set "pass_mark" = 50') == (
        "page-stamp:all"
    )


def test_the_review_count_is_read_afresh_only_after_a_change(
    student_client, student, quiz
):
    from datetime import timedelta

    from django.utils import timezone

    from quizzes.models import ReviewCard

    outline = quiz.section.article.get_absolute_url()
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    question = Question.objects.get(pk=attempt.question_ids[0])
    url = reverse("quizzes:finish_attempt", args=[attempt.pk])
    assert student_client.post(url, {"confirm": "yes"}).status_code == 302
    # Every question was left unanswered: a card each, due tomorrow; one made due now.
    card = ReviewCard.objects.get(learner=student, identity=question.identity)
    ReviewCard.objects.filter(pk=card.pk).update(
        due=timezone.now() - timedelta(hours=1)
    )
    assert "(1<span" in get(student_client, f"{outline}?view=1")

    def cards_read(page: str) -> bool:
        with CaptureQueriesContext(connection) as queries:
            get(student_client, page)
        return any("quizzes_reviewcard" in q["sql"] for q in queries.captured_queries)

    # A first view of the outline (a new address) with nothing changed: not read again.
    assert not cards_read(f"{outline}?view=2")
    # The question archived (a course change): read afresh, and its card no longer due.
    question.archive()
    assert cards_read(f"{outline}?view=3")
    assert "(0<span" in get(student_client, f"{outline}?view=4")


def test_a_lesson_published_or_hidden_shows_on_first_views_of_every_page(
    student_client, quiz
):
    from tests.factories import make_section

    article = quiz.section.article
    outline, lesson = article.get_absolute_url(), quiz.section.get_absolute_url()
    pages = [outline, lesson, reverse("quizzes:my_progress")]
    for page in pages:  # the course's lessons now kept as content
        get(student_client, f"{page}?view=1")
    added = make_section(article, title="A lesson added later")
    for page in pages:
        assert "A lesson added later" in get(student_client, f"{page}?view=2")
    added.is_published = False
    added.save()
    for page in pages:
        assert "A lesson added later" not in get(student_client, f"{page}?view=3")


def test_a_page_this_process_served_is_not_fetched_from_the_shared_cache_again(
    student_client, quiz, monkeypatch
):
    from django.core.cache import cache

    lesson = quiz.section.get_absolute_url()
    first = get(student_client, lesson)
    asked = []
    original = cache.get

    def counting_get(key, *args, **kwargs):
        asked.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    again = get(student_client, lesson)
    assert without_tokens(again) == without_tokens(first)
    assert not any(str(key).startswith("page:") for key in asked)


def test_the_pages_a_process_keeps_are_bounded_oldest_dropped_first():
    from quizzes.pages import _Recent

    recent = _Recent(2)
    recent.put("a", "page a")
    recent.put("b", "page b")
    assert recent.get("a") == "page a"  # now the most recent
    recent.put("c", "page c")
    assert recent.get("b") is None
    assert (recent.get("a"), recent.get("c")) == ("page a", "page c")


def test_a_page_asked_for_with_a_query_string_is_never_kept(student_client, quiz):
    lesson = quiz.section.get_absolute_url()
    for n in range(2):
        with CaptureQueriesContext(connection) as queries:
            page = get(student_client, f"{lesson}?made-up={n}")
        # Built each time, and the plain address was not filled by it either.
        assert any(
            "relations_section" in q["sql"] for q in queries.captured_queries
        ) or (len(queries) > 2)
    # ...and not kept for the plain address either: its first view is built too.
    with CaptureQueriesContext(connection) as plain:
        assert without_tokens(get(student_client, lesson)) == without_tokens(page)
    assert len(plain) > 2


@pytest.mark.parametrize(
    ("who", "renews"), [("student", "own"), ("teacher", "all"), ("staff", "all")]
)
def test_a_write_to_a_learners_table_renews_the_writers_own_stamp_only_for_a_student(
    who, renews, student, teacher, admin_user, rf
):
    """A student can write only their own rows; a teacher's or an admin's write to a
    learners' table may be anyone's, so it renews the stamp every page shares."""
    from quizzes import pages

    user = {"student": student, "teacher": teacher, "staff": admin_user}[who]
    request = rf.post("/")
    request.user = user
    token = pages._current_request.set(request)
    try:
        stamp = stamp_changed_by('UPDATE "quizzes_progress" SET "best_score" = 1')
    finally:
        pages._current_request.reset(token)
    expected = pages.learner_stamp(user.pk) if renews == "own" else "page-stamp:all"
    assert stamp == expected
