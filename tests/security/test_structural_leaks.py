"""Structural leak tests: nothing in the markup depends on which answer is right.

The name-based leak tests look for secrets and suspicious words; these do not need to
guess a name. Every page and fragment a learner can load before answering a question
is rendered twice, with the answer key moved in between (another option right, another
accepted answer or number, other pairs), and must come out byte for byte the same. And
an attempt that shows the options in another order must send the same markup for each
place in the list, apart from the option's own text and id.
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from quizzes.models import Question
from tests.security.helpers import (
    HTMX,
    KINDS,
    attempt_url,
    check_url,
    finish_url,
    make_quiz_of_every_kind,
    parse,
    right_answer,
    start_attempt,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

CSRF = re.compile(
    r'(name="csrfmiddlewaretoken" value=")[^"]+(")|("x-csrftoken": ")[^"]+(")'
)


def without_tokens(content: bytes) -> str:
    """The page without its CSRF tokens, which are masked afresh on every response."""
    return CSRF.sub(lambda m: "".join(g for g in m.groups() if g), content.decode())


def move_answer_key(question: Question) -> None:
    """Make another answer the right one, keeping every option's id, text and place."""
    choices = list(question.choices.order_by("position"))
    if question.kind in {"single", "true_false", "multiple"}:
        flags = [choice.is_correct for choice in choices]
        flags = flags[-1:] + flags[:-1]  # the right option(s) move one place on
        assert flags != [choice.is_correct for choice in choices]
        for choice, flag in zip(choices, flags, strict=True):
            choice.is_correct = flag
    elif question.kind == "short":
        for choice in choices:
            choice.text = choice.text + "-moved"
    elif question.kind == "numerical":
        for choice in choices:
            choice.value += 100
    elif question.kind == "matching":
        rows = [choice for choice in choices if choice.text]
        targets = [row.match_text for row in rows]
        for row, target in zip(rows, targets[1:] + targets[:1], strict=True):
            row.match_text = target
    for choice in choices:
        choice.save()


def empty_answer(question: Question) -> dict:
    return {"text": "  "} if question.kind in {"short", "numerical"} else {}


def learner_views(client, attempt, question, posted: dict) -> dict[str, str]:
    """Everything the learner can load while `question` is not yet answered for good."""
    section = attempt.quiz.section
    # Each round starts from the same cache: the navigation's due count is cached by
    # the pages of the round before, which says nothing about the answer key.
    cache.clear()
    views = {}
    if attempt.shows_feedback_now:
        views["quiz page"] = client.get(attempt_url(attempt))
    else:
        # Deferred: an answer is saved, not checked; saving may happen many times.
        views["save (htmx)"] = client.post(
            check_url(attempt, question), posted, headers=HTMX
        )
        views["save (no js)"] = client.post(check_url(attempt, question), posted)
        views["quiz page with a saved answer"] = client.get(attempt_url(attempt))
    empty = empty_answer(question)
    views["empty answer (htmx)"] = client.post(
        check_url(attempt, question), empty, headers=HTMX
    )
    views["empty answer (no js)"] = client.post(check_url(attempt, question), empty)
    # Without JavaScript a slip redirects to the question (POST/redirect/GET): the page
    # after it carries the message and the error summary, once.
    views["empty answer (no js): the page it leads to"] = client.get(
        attempt_url(attempt)
    )
    views["finish: are you sure"] = client.post(finish_url(attempt))
    views["lesson"] = client.get(section.get_absolute_url())
    views["outline"] = client.get(section.article.get_absolute_url())
    views["my progress"] = client.get(reverse("quizzes:my_progress"))
    for name, response in views.items():
        assert response.status_code in {200, 302, 400}, name
    return {name: without_tokens(response.content) for name, response in views.items()}


@pytest.fixture(params=["immediate", "deferred"])
def quiz(request, db):
    return make_quiz_of_every_kind(feedback_mode=request.param)


@pytest.mark.parametrize("kind", KINDS)
def test_moving_the_answer_key_changes_nothing_a_learner_can_load(
    student_client, student, quiz, kind
):
    attempt = start_attempt(student, quiz)
    question = quiz.questions.get(kind=kind)
    posted = wrong_answer(question)
    before = learner_views(student_client, attempt, question, posted)
    move_answer_key(question)
    after = learner_views(student_client, attempt, question, posted)
    for name in before:
        assert after[name] == before[name], f"{name} shows where the answer is"
    assert not attempt.answers.filter(question=question, is_checked=True).exists()


def test_other_questions_stay_the_same_after_one_is_checked(student_client, student):
    quiz = make_quiz_of_every_kind()
    attempt = start_attempt(student, quiz)
    checked = quiz.questions.get(kind="true_false")
    student_client.post(check_url(attempt, checked), wrong_answer(checked))
    for kind in ("single", "multiple", "matching"):
        question = quiz.questions.get(kind=kind)
        before = learner_views(student_client, attempt, question, {})
        move_answer_key(question)
        assert learner_views(student_client, attempt, question, {}) == before, kind


def by_place(page: str, question: Question, order: list[int]) -> str:
    """The page with each option's id and text replaced by its place in the list."""
    texts = {choice.pk: choice.text for choice in question.choices.all()}
    shown = [pk for pk in order if texts[pk]]  # a matching distractor has no row
    for place, pk in enumerate(shown, start=1):
        # A label's text: only right after the option's own id (other questions may
        # use the same words).
        for prefix in ("-c", "-m"):
            page = page.replace(
                f'{prefix}{pk}">{texts[pk]}<', f'{prefix}#{place}">option {place}<'
            )
        for pattern in (f'-c{pk}"', f'value="{pk}"', f'-m{pk}"', f'match-{pk}"'):
            page = page.replace(pattern, pattern.replace(str(pk), f"#{place}"))
    return page


@pytest.mark.parametrize("kind", ["single", "multiple", "matching"])
def test_another_order_of_options_sends_the_same_markup_for_each_place(
    student_client, student, quiz, kind
):
    attempt = start_attempt(student, quiz)
    question = quiz.questions.get(kind=kind)
    posted = {}  # a saved choice would rightly move with its option
    order = list(attempt.choice_order[str(question.pk)])
    first = learner_views(student_client, attempt, question, posted)
    shown = [pk for pk in order if question.choices.get(pk=pk).text]
    hidden = [pk for pk in order if pk not in shown]  # a matching distractor
    moved = shown[1:] + shown[:1] + hidden  # every shown option changes place
    attempt.choice_order[str(question.pk)] = moved
    attempt.save(update_fields=["choice_order"])
    second = learner_views(student_client, attempt, question, posted)
    changed = False
    for name in first:
        changed |= first[name] != second[name]
        assert by_place(second[name], question, moved) == by_place(
            first[name], question, order
        ), f"{name}: an option's markup depends on the option"
    assert changed, "the options were shown in the same order both times"


NAVIGATOR = re.compile(r'<ol id="quiz-nav-list".*?</ol>', re.DOTALL)


def navigators(client, attempt, question, posted: dict) -> list[str]:
    """The navigator after saving `posted`: in the htmx swap and on the quiz page."""
    swapped = client.post(check_url(attempt, question), posted, headers=HTMX)
    page = client.get(attempt_url(attempt))
    found = [
        NAVIGATOR.findall(swapped.content.decode()),
        NAVIGATOR.findall(page.content.decode()),
    ]
    assert all(len(one) == 1 for one in found), "no navigator to compare"
    return [one[0] for one in found]


@pytest.mark.parametrize("kind", KINDS)
def test_a_deferred_quizs_navigator_is_the_same_for_a_right_and_a_wrong_answer(
    student_client, student, kind
):
    quiz = make_quiz_of_every_kind(feedback_mode="deferred")
    attempt = start_attempt(student, quiz)
    question = quiz.questions.get(kind=kind)
    right = navigators(student_client, attempt, question, right_answer(question))
    assert attempt.answers.get(question=question).is_right
    wrong = navigators(student_client, attempt, question, wrong_answer(question))
    assert not attempt.answers.get(question=question).is_right
    assert right == wrong
    entry = parse(right[1]).by_id("quiz-nav-list").find_all("a")
    place = attempt.question_ids.index(question.pk)
    assert " ".join(entry[place].text.split()) == f"Question {place + 1}: answered●"


def test_an_immediate_quizs_navigator_says_right_or_wrong_once_checked(
    student_client, student
):
    # The counterpart: the test above would pass if the navigator never said anything.
    quiz = make_quiz_of_every_kind()
    attempt = start_attempt(student, quiz)
    question = quiz.questions.get(kind="single")
    (swapped, page) = navigators(
        student_client, attempt, question, wrong_answer(question)
    )
    place = attempt.question_ids.index(question.pk)
    for markup in (swapped, page):
        entry = parse(markup).by_id("quiz-nav-list").find_all("a")[place]
        assert " ".join(entry.text.split()) == f"Question {place + 1}: wrong✗"
