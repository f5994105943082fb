"""Spaced review: missed questions come back on the days FSRS schedules, with a fixed clock."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.mastery import Level
from quizzes.models import Mastery, Question, ReviewCard, ReviewLog
from quizzes.services import save_question
from tests.factories import make_question, make_quiz, make_user
from tests.security.helpers import (
    HTMX,
    check_url,
    finish_url,
    right_answer,
    start_attempt,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch, settings):
    """Every `timezone.now()` of the app reads this clock."""
    fixed = Clock(T0)
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    settings.SESSION_COOKIE_AGE = int(timedelta(days=365).total_seconds())
    return fixed


@pytest.fixture
def learner_client(client, student, clock):
    client.force_login(student)
    return client


@pytest.fixture
def review_quiz(db):
    """Three single-choice questions and one short answer."""
    quiz = make_quiz()
    for _ in range(3):
        make_question(quiz, "single")
    make_question(quiz, "short")
    return quiz


def questions_of(quiz) -> list[Question]:
    return list(quiz.questions.order_by("position").prefetch_related("choices"))


def take_quiz(client, learner, quiz, *, wrong=(), skip=()) -> object:
    """Answer every question right except `wrong` (and leave `skip` unanswered), finish."""
    attempt = start_attempt(learner, quiz)
    for question in questions_of(quiz):
        if question in skip:
            continue
        answer = wrong_answer(question) if question in wrong else right_answer(question)
        assert client.post(check_url(attempt, question), answer).status_code == 302
    client.post(finish_url(attempt), {"confirm": "yes"})
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def start_round(client):
    return client.post(reverse("review:start"))


def shown_card(client) -> tuple[ReviewCard, Question, str]:
    """The card the review page shows now, its question version and the page."""
    page = client.get(reverse("review:index"))
    assert page.status_code == 200
    content = page.content.decode()
    card = page.context["card"]
    return card, page.context["item"].question, content


def answer_shown(client, *, right: bool, htmx=False):
    card, question, _ = shown_card(client)
    data = right_answer(question) if right else wrong_answer(question)
    data |= {"question": question.pk, "reviews": card.reviews}
    headers = HTMX if htmx else {}
    return client.post(reverse("review:check", args=[card.pk]), data, headers=headers)


def test_missed_questions_become_cards_due_the_next_day(
    learner_client, student, review_quiz, clock
):
    first, second, third, short = questions_of(review_quiz)
    take_quiz(learner_client, student, review_quiz, wrong=[first], skip=[short])
    cards = {card.identity: card for card in ReviewCard.objects.filter(learner=student)}
    assert set(cards) == {first.identity, short.identity}
    assert {card.due for card in cards.values()} == {T0 + timedelta(days=1)}


def test_the_review_comes_back_on_the_days_fsrs_schedules(
    learner_client, student, review_quiz, clock
):
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])

    page = learner_client.get(reverse("review:index"))
    assert "Nothing is due for review now." in page.content.decode()

    # Again (day 0) → 1 day; Good → 2 days; Good → 6 days; Again → back the next day.
    expected_gaps = [(True, 2), (True, 6), (False, 1), (True, 2)]
    clock.advance(days=1)
    for right, gap in expected_gaps:
        assert start_round(learner_client).status_code == 302
        response = answer_shown(learner_client, right=right)
        log = ReviewLog.objects.get(
            pk=int(response["Location"].rstrip("/").split("/")[-1])
        )
        words = "tomorrow" if gap == 1 else f"in {gap} days"
        answer_page = learner_client.get(response["Location"]).content.decode()
        assert f"This question comes back {words}." in answer_page
        assert log.due_after == clock.now + timedelta(days=gap)
        clock.advance(days=gap - 1, hours=23)
        assert (
            "Nothing is due"
            in learner_client.get(reverse("review:index")).content.decode()
        )
        clock.advance(hours=1)
    assert ReviewLog.objects.filter(card__learner=student).count() == 4


def test_a_round_shows_the_oldest_due_first_and_at_most_twenty(
    learner_client, student, clock
):
    quiz = make_quiz()
    questions = [make_question(quiz, "true_false") for _ in range(22)]
    take_quiz(learner_client, student, quiz, wrong=questions)
    oldest = ReviewCard.objects.get(learner=student, identity=questions[5].identity)
    ReviewCard.objects.filter(pk=oldest.pk).update(due=T0 - timedelta(days=3))
    clock.advance(days=1)
    start_round(learner_client)
    card, _question, content = shown_card(learner_client)
    assert card.pk == oldest.pk
    assert "question 1 of 20 in this round" in content
    for _ in range(20):
        answer_shown(learner_client, right=True)
    page = learner_client.get(reverse("review:index")).content.decode()
    assert "Round done: you answered 20 questions." in page
    assert "2 questions are due." in page


def test_checking_with_htmx_swaps_the_card_with_feedback_and_the_next_due_date(
    learner_client, student, review_quiz, clock
):
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    clock.advance(days=1)
    start_round(learner_client)
    response = answer_shown(learner_client, right=False, htmx=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="review-card"')
    assert 'aria-live="polite"' in content
    assert "Not quite." in content
    assert first.explanation in content
    assert "Show me in the lesson" in content
    assert "This question comes back tomorrow." in content


def test_a_second_post_of_the_same_answer_is_refused_and_logs_once(
    learner_client, student, review_quiz, clock
):
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    clock.advance(days=1)
    start_round(learner_client)
    card, question, _ = shown_card(learner_client)
    data = right_answer(question) | {"question": question.pk, "reviews": card.reviews}
    url = reverse("review:check", args=[card.pk])
    assert learner_client.post(url, data).status_code == 302
    again = learner_client.post(url, data)
    assert again.status_code == 400
    assert "already answered" in again.content.decode()
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_an_empty_answer_is_a_slip_shown_with_its_reason_and_writes_nothing(
    learner_client, student, review_quiz, clock
):
    """A slip is an ordinary answer (200, as in a quiz: with DEBUG on, htmx would hand a
    400 to the debug page); the message is tied to the options for screen readers."""
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    clock.advance(days=1)
    start_round(learner_client)
    card, question, _ = shown_card(learner_client)
    url = reverse("review:check", args=[card.pk])
    data = {"question": question.pk, "reviews": card.reviews}
    for headers in ({}, {"HX-Request": "true"}):
        response = learner_client.post(url, data, headers=headers)
        text = response.content.decode()
        assert response.status_code == 200
        assert "Choose an option before checking your answer." in text
        assert 'id="review-card-error"' in text
        assert 'aria-describedby="review-card-error' in text
    forged = learner_client.post(url, {**data, "choice": "999999999"})
    assert forged.status_code == 400
    assert not ReviewLog.objects.exists()
    card.refresh_from_db()
    assert card.reviews == 0


def test_a_new_version_replaces_the_question_shown_and_its_answer_keeps_the_version(
    learner_client, student, review_quiz, teacher, clock
):
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    old_pk = first.pk
    first.prompt = "Which river, says the edited lesson, reaches the Black Sea?"
    rows = [
        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
        for c in first.choices.all()
    ]
    new_version = save_question(question=first, choices=rows, user=teacher)
    assert new_version.pk != old_pk
    assert Question.objects.get(pk=old_pk).identity == new_version.identity
    clock.advance(days=1)
    start_round(learner_client)
    card, question, content = shown_card(learner_client)
    assert question.pk == new_version.pk
    assert "the edited lesson" in content
    answer_shown(learner_client, right=True)
    assert ReviewLog.objects.get().question_id == new_version.pk


def test_an_archived_question_retires_its_card(
    learner_client, student, review_quiz, clock
):
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    first.archive()
    assert ReviewCard.objects.get(learner=student).is_retired
    clock.advance(days=1)
    page = learner_client.get(reverse("review:index")).content.decode()
    assert "Nothing is due for review now." in page
    first.publish()
    assert not ReviewCard.objects.get(learner=student).is_retired


def test_the_navigation_shows_the_due_count(
    learner_client, student, review_quiz, clock, django_capture_on_commit_callbacks
):
    first, second, *_ = questions_of(review_quiz)
    take_quiz(learner_client, student, review_quiz, wrong=[first, second])
    article_url = review_quiz.section.article.get_absolute_url()

    def navigation(url) -> str:
        content = learner_client.get(url).content.decode()
        nav = content.split("</nav>")[0]
        return " ".join(re.sub(r"<[^>]+>", "", nav).split())

    assert "Review (0 questions due)" in navigation(article_url)
    clock.advance(days=1)
    assert "Review (2 questions due)" in navigation(article_url)
    start_round(learner_client)
    with django_capture_on_commit_callbacks(execute=True):
        answer_shown(learner_client, right=True)
    # Any page, not only the outline: the count comes from the cache, written afresh
    # once the answer is committed.
    assert "Review (1 question due)" in navigation(reverse("quizzes:my_progress"))


def test_add_to_review_makes_a_card_for_a_question_answered_right(
    learner_client, student, review_quiz, clock
):
    first, second, *_ = questions_of(review_quiz)
    attempt = take_quiz(learner_client, student, review_quiz, wrong=[first])
    response = learner_client.post(reverse("review:add", args=[attempt.pk, second.pk]))
    assert response.status_code == 302
    card = ReviewCard.objects.get(learner=student, identity=second.identity)
    assert card.due == T0 + timedelta(days=2)  # as if answered right (Good) today
    htmx = learner_client.post(
        reverse("review:add", args=[attempt.pk, second.pk]), headers=HTMX
    )
    assert "In your review" in htmx.content.decode()
    assert ReviewCard.objects.filter(learner=student).count() == 2


def test_practice_retries_just_the_missed_questions_and_counts_in_review(
    learner_client, student, review_quiz, clock
):
    first, second, third, short = questions_of(review_quiz)
    attempt = take_quiz(learner_client, student, review_quiz, wrong=[first, short])
    response = learner_client.post(reverse("review:practice", args=[attempt.pk]))
    assert response.status_code == 302
    seen = []
    for _ in range(2):
        card, question, _ = shown_card(learner_client)
        seen.append(question.pk)
        answer_shown(learner_client, right=True)
    assert sorted(seen) == sorted([first.pk, short.pk])
    assert set(ReviewLog.objects.values_list("source", flat=True)) == {"practice"}
    page = learner_client.get(reverse("review:index")).content.decode()
    assert "Round done: you answered 2 questions." in page
    assert attempt.learner.attempts.count() == 1  # not a quiz attempt


def test_mastery_follows_the_quiz_and_the_reviews(
    learner_client, student, review_quiz, clock
):
    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])  # 75%: passed
    mastery = Mastery.objects.get(learner=student, section=review_quiz.section)
    assert (mastery.level, mastery.points) == (Level.FAMILIAR, 50)

    clock.advance(days=1)
    start_round(learner_client)
    answer_shown(learner_client, right=True)  # a pass, then right in review
    mastery.refresh_from_db()
    assert (mastery.level, mastery.points) == (Level.PROFICIENT, 80)
    assert mastery.evidence[0]["rule"] == "review_right_after_pass"

    clock.advance(days=2)  # due again; only 2 days after becoming Proficient
    start_round(learner_client)
    answer_shown(learner_client, right=False)
    mastery.refresh_from_db()
    assert mastery.level == Level.FAMILIAR  # a miss drops one level


def test_mastered_after_a_right_review_three_days_later(
    learner_client, student, review_quiz, clock
):
    attempt = take_quiz(learner_client, student, review_quiz)  # 100%: Proficient
    assert Mastery.objects.get(learner=student).level == Level.PROFICIENT
    question = questions_of(review_quiz)[1]
    learner_client.post(reverse("review:add", args=[attempt.pk, question.pk]))
    clock.advance(days=3)
    start_round(learner_client)
    answer_shown(learner_client, right=True)
    mastery = Mastery.objects.get(learner=student)
    assert (mastery.level, mastery.points) == (Level.MASTERED, 100)


# -- Scoping ----------------------------------------------------------------------


@pytest.fixture
def others_card(review_quiz, clock):
    other = make_user("reviewer-two")
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    first = questions_of(review_quiz)[0]
    attempt = take_quiz(other_client, other, review_quiz, wrong=[first])
    clock.advance(days=1)
    start_round(other_client)
    answer_shown(other_client, right=False)
    return ReviewCard.objects.get(learner=other), attempt


def test_another_learners_card_answer_and_attempt_are_404(learner_client, others_card):
    card, attempt = others_card
    question = Question.objects.get(identity=card.identity, is_current=True)
    log = ReviewLog.objects.get(card=card)
    data = right_answer(question) | {"question": question.pk, "reviews": card.reviews}
    assert (
        learner_client.post(reverse("review:check", args=[card.pk]), data).status_code
        == 404
    )
    assert (
        learner_client.get(reverse("review:answer", args=[log.pk])).status_code == 404
    )
    assert (
        learner_client.post(reverse("review:practice", args=[attempt.pk])).status_code
        == 404
    )
    assert (
        learner_client.post(
            reverse("review:add", args=[attempt.pk, question.pk])
        ).status_code
        == 404
    )
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_review_pages_need_a_login(client, db):
    response = client.get(reverse("review:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_card_answered_with_another_cards_question_is_404(
    learner_client, student, review_quiz, clock
):
    first, second, *_ = questions_of(review_quiz)
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    card = ReviewCard.objects.get(learner=student)
    data = right_answer(second) | {"question": second.pk, "reviews": 0}
    response = learner_client.post(reverse("review:check", args=[card.pk]), data)
    assert response.status_code == 404
    assert not ReviewLog.objects.exists()


def test_a_review_answer_is_graded_like_the_quiz(
    learner_client, student, review_quiz, clock
):
    short = questions_of(review_quiz)[3]
    take_quiz(learner_client, student, review_quiz, wrong=[short])
    clock.advance(days=1)
    start_round(learner_client)
    card, question, _ = shown_card(learner_client)
    learner_client.post(
        reverse("review:check", args=[card.pk]),
        {"text": "  the DANUBE river. ", "question": question.pk, "reviews": 0},
    )
    log = ReviewLog.objects.get()
    assert log.fraction == Decimal(1)
    assert log.rating == 3  # Good


def test_admin_shows_review_records_read_only(
    admin_user, learner_client, student, review_quiz, clock
):
    from django.test import Client

    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    admin_client = Client()
    admin_client.force_login(admin_user)
    for model in ("mastery", "reviewcard", "reviewlog"):
        response = admin_client.get(reverse(f"admin:quizzes_{model}_changelist"))
        assert response.status_code == 200
    card = ReviewCard.objects.get()
    change = admin_client.post(
        reverse("admin:quizzes_reviewcard_change", args=[card.pk]), {"reviews": 9}
    )
    assert change.status_code == 403


def test_a_question_answered_in_review_counts_as_answered_for_the_highlight(
    learner_client, student, review_quiz, clock
):
    first, second, *_ = questions_of(review_quiz)
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    quiz_free = make_question(review_quiz, "single")  # never in an attempt
    answered = Question.objects.answered_by(student)
    assert set(answered.values_list("pk", flat=True)) >= {first.pk, second.pk}
    assert quiz_free not in answered
    other = make_user("not-the-learner")
    assert not Question.objects.answered_by(other).exists()
    card = ReviewCard.objects.create(
        learner=student, identity=quiz_free.identity, state=2, due=clock.now
    )
    ReviewLog.objects.create(
        card=card, question=quiz_free, rating=3, due_after=clock.now, fraction=1
    )
    assert quiz_free in Question.objects.answered_by(student)


def visible(content: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", content.decode()).split())


def test_the_results_page_offers_retry_add_to_review_and_the_next_lesson(
    learner_client, student, review_quiz, clock
):
    from tests.factories import make_quiz_with_questions, make_section

    following = make_section(review_quiz.section.article, title="The next rivers")
    make_quiz_with_questions(2, section=following)
    first, second, *_ = questions_of(review_quiz)
    attempt = take_quiz(learner_client, student, review_quiz, wrong=[first])
    page = learner_client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))
    text = visible(page.content)
    assert "Retry the question I missed" in text
    assert "Next lesson : The next rivers" in text
    assert text.count("Add to review") == 3  # the three answered right
    assert text.count("In your review") == 1  # the one missed
    assert "Mastery: Familiar" in text


def test_a_failed_quiz_offers_no_next_lesson(
    learner_client, student, review_quiz, clock
):
    from tests.factories import make_section

    make_section(review_quiz.section.article, title="The next rivers")
    attempt = take_quiz(
        learner_client, student, review_quiz, wrong=questions_of(review_quiz)
    )
    text = visible(
        learner_client.get(
            reverse("quizzes:attempt_results", args=[attempt.pk])
        ).content
    )
    assert "Next lesson" not in text
    assert "Retry the 4 questions I missed" in text


def test_the_outline_and_the_lessons_contents_show_mastery_and_points(
    learner_client, student, review_quiz, clock
):
    from tests.factories import make_quiz_with_questions, make_section

    article = review_quiz.section.article
    other = make_section(article, title="Still to do")
    make_quiz_with_questions(2, section=other)
    take_quiz(learner_client, student, review_quiz)  # 100%: Proficient
    outline = visible(learner_client.get(article.get_absolute_url()).content)
    assert "Mastery: Proficient" in outline
    assert "Mastery: Not started" in outline
    assert "Mastery points: 80 of 200" in outline
    assert "How mastery is earned" in outline
    lesson = learner_client.get(other.get_absolute_url())
    contents = visible(lesson.content).split("Lessons of this course")[1]
    assert "Mastery: Proficient" in contents and "Mastery: Not started" in contents


def test_my_progress_says_why_each_lesson_has_its_mastery(
    learner_client, student, review_quiz, clock
):
    from tests.factories import make_quiz_with_questions, make_section

    other = make_section(review_quiz.section.article, title="Still to do")
    make_quiz_with_questions(2, section=other)
    take_quiz(learner_client, student, review_quiz)  # 100%: Proficient
    text = visible(learner_client.get(reverse("quizzes:my_progress")).content)
    assert "Mastery: Proficient" in text
    assert text.count("Why:") == 1  # the lesson not started has no reason to give
    assert re.search(r"Why: you scored 100% in the quiz \(\d+ \w+ \d{4}\)\.", text)


def test_the_teachers_results_show_review_answers_apart_over_every_version(
    learner_client, student, review_quiz, teacher, clock
):
    from django.test import Client

    first = questions_of(review_quiz)[0]
    take_quiz(learner_client, student, review_quiz, wrong=[first])
    clock.advance(days=1)
    start_round(learner_client)
    answer_shown(learner_client, right=True)  # a review answer to version 1
    first.prompt += " (reworded)"
    rows = [
        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
        for c in first.choices.all()
    ]
    save_question(question=first, choices=rows, user=teacher)  # version 2
    teacher_client = Client()
    teacher_client.force_login(teacher)
    page = teacher_client.get(reverse("teach:quiz_results", args=[review_quiz.pk]))
    text = visible(page.content)
    assert "1 answer in review or practice (every version), 1 right" in text
    # Quiz answers are counted apart: version 2 has none yet.
    assert "In quizzes: 0 answers" in text


def test_add_to_review_refuses_a_question_left_unanswered(
    learner_client, student, review_quiz, clock
):
    first, second, *_ = questions_of(review_quiz)
    attempt = take_quiz(learner_client, student, review_quiz, skip=[second])
    ReviewCard.objects.filter(identity=second.identity).delete()
    response = learner_client.post(
        reverse("review:add", args=[attempt.pk, second.pk]), headers=HTMX
    )
    assert "Answer this question in a quiz" in response.content.decode()
    assert "In your review" not in response.content.decode()
    assert not ReviewCard.objects.filter(identity=second.identity).exists()
