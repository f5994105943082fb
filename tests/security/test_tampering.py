"""Requests no honest form sends: refused, and nothing is written."""

from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.answers import MAX_TYPED_LENGTH
from quizzes.grading import Submission, parse_number
from quizzes.models import Answer, Attempt, Progress, Question, Quiz
from tests.factories import make_question
from tests.security.helpers import (
    HTMX,
    attempt_url,
    check_url,
    finish_url,
    mark_read_url,
    parse,
    results_url,
    right_answer,
    start_attempt,
    start_url,
    visible_text,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def post_form(client, url, fields, **headers):
    """POST fields (a dict, or pairs to repeat a key) as a browser encodes a form."""
    return client.post(
        url, urlencode(fields, doseq=True), content_type=FORM, headers=headers
    )


def page_after_slip(client, response):
    """Without JavaScript a slip redirects back to its question (POST/redirect/GET)."""
    assert response.status_code == 302, response.status_code
    assert "#question-" in response["Location"]
    return client.get(response["Location"])


def snapshot(attempt: Attempt) -> tuple:
    """Everything a learner's request could change."""
    attempt.refresh_from_db()
    return (
        list(Answer.objects.order_by("pk").values()),
        list(Attempt.objects.order_by("pk").values()),
        list(Progress.objects.order_by("pk").values()),
    )


def foreign_choice(questions, kind="multiple"):
    return questions[kind].choices.first().pk


# -- Check answer: forged choices ------------------------------------------------------


def test_a_choice_of_another_question_is_refused(student_client, attempt, questions):
    before = snapshot(attempt)
    response = post_form(
        student_client,
        check_url(attempt, questions["single"]),
        {"choice": foreign_choice(questions)},
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


def test_a_choice_of_another_quiz_is_refused(student_client, attempt, questions):
    elsewhere = (
        Question.objects.exclude(quiz=attempt.quiz).filter(kind="single").first()
    )
    before = snapshot(attempt)
    response = post_form(
        student_client,
        check_url(attempt, questions["single"]),
        {"choice": elsewhere.choices.first().pk},
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


@pytest.mark.parametrize(
    "value",
    ["abc", "1.5", "", " ", "-1", "0x1f", "1e3", "9" * 30, "9" * 5000, str(2**63)],
)
def test_a_malformed_choice_id_is_refused(student_client, attempt, questions, value):
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions["single"]), {"choice": value}
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_the_same_choice_sent_twice_is_refused(
    student_client, attempt, questions, kind
):
    right = next(c.pk for c in questions[kind].choices.all() if c.is_correct)
    before = snapshot(attempt)
    response = post_form(
        student_client,
        check_url(attempt, questions[kind]),
        [("choice", right), ("choice", right)],
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


@pytest.mark.parametrize("kind", ["single", "true_false"])
def test_two_choices_on_a_one_choice_question_are_refused(
    student_client, attempt, questions, kind
):
    ids = [choice.pk for choice in questions[kind].choices.all()][:2]
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions[kind]), {"choice": ids}
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


def test_a_match_that_is_not_an_option_is_refused(student_client, attempt, questions):
    question = questions["matching"]
    fields = right_answer(question)
    fields[next(iter(fields))] = "Atlantic Ocean"
    before = snapshot(attempt)
    response = post_form(student_client, check_url(attempt, question), fields)
    assert response.status_code == 400
    assert snapshot(attempt) == before


# -- Check answer: nothing chosen -------------------------------------------------------

MISSING = {
    "single": "Choose an option before checking your answer.",
    "true_false": "Choose an option before checking your answer.",
    "multiple": "Choose at least one option before checking your answer.",
    "short": "Type an answer before checking it.",
    "numerical": "Type an answer before checking it.",
    "matching": "Choose a match for every row.",
}


@pytest.mark.parametrize("kind", MISSING)
def test_an_empty_answer_gets_the_page_with_the_message_as_a_normal_response(
    student_client, attempt, questions, kind
):
    # A slip, not an error: 200 (was 400, which the debug page takes over under htmx).
    # Without JavaScript it goes back to the question (POST/redirect/GET).
    before = snapshot(attempt)
    response = post_form(student_client, check_url(attempt, questions[kind]), {})
    assert response.status_code == 302
    assert (
        response["Location"] == f"{attempt_url(attempt)}#question-{questions[kind].pk}"
    )
    response = student_client.get(response["Location"])
    assert response.status_code == 200
    card = parse(response.content).by_id(f"question-{questions[kind].pk}")
    alert = next(e for e in card.iter() if e.attrs.get("role") == "alert")
    assert alert.text.strip() == MISSING[kind]
    # The whole quiz page, not a bare message.
    assert parse(response.content).find_all("html")
    assert snapshot(attempt) == before


@pytest.mark.parametrize("kind", MISSING)
def test_an_empty_answer_over_htmx_gets_the_card_with_the_message_as_a_normal_response(
    student_client, attempt, questions, kind
):
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions[kind]), {}, **HTMX
    )
    assert response.status_code == 200
    card = parse(response.content).by_id(f"question-{questions[kind].pk}")
    alert = next(e for e in card.iter() if e.attrs.get("role") == "alert")
    assert alert.text.strip() == MISSING[kind]
    assert snapshot(attempt) == before


def test_blank_spaces_are_not_an_answer(student_client, attempt, questions):
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions["short"]), {"text": "   \t "}
    )
    response = page_after_slip(student_client, response)
    assert response.status_code == 200
    assert MISSING["short"] in visible_text(response.content)
    assert snapshot(attempt) == before


def test_a_number_question_refuses_text_with_a_message(
    student_client, attempt, questions
):
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions["numerical"]), {"text": "seven"}
    )
    response = page_after_slip(student_client, response)
    assert response.status_code == 200
    assert "Enter a number, such as 42 or 3.5." in visible_text(response.content)
    assert snapshot(attempt) == before


@pytest.mark.parametrize("number", ["1e999999999", "-1e999999999", "9e1000001"])
def test_a_number_too_large_to_compare_is_refused_not_a_server_error(
    student_client, attempt, questions, number
):
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions["numerical"]), {"text": number}
    )
    response = page_after_slip(student_client, response)
    assert response.status_code == 200
    assert "Enter a number" in visible_text(response.content)
    assert snapshot(attempt) == before


def test_a_typed_answer_with_a_null_character_is_refused(
    student_client, attempt, questions
):
    # PostgreSQL cannot store U+0000 in JSON: refused here, it would be a server error there.
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, questions["short"]), {"text": "Dan\x00ube"}
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


# -- Check answer: sizes ----------------------------------------------------------------


def test_a_typed_answer_over_the_limit_is_refused(student_client, attempt, questions):
    before = snapshot(attempt)
    response = post_form(
        student_client,
        check_url(attempt, questions["short"]),
        {"text": "a" * (MAX_TYPED_LENGTH + 1)},
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


def test_a_typed_answer_at_the_limit_is_saved(student_client, attempt, questions):
    response = post_form(
        student_client,
        check_url(attempt, questions["short"]),
        {"text": "a" * MAX_TYPED_LENGTH},
    )
    assert response.status_code == 302
    assert Answer.objects.get(attempt=attempt).response == {
        "text": "a" * MAX_TYPED_LENGTH
    }


def test_a_body_over_the_upload_limit_is_refused(student_client, attempt, questions):
    before = snapshot(attempt)
    padding = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post_form(
        student_client,
        check_url(attempt, questions["single"]),
        {"choice": right_answer(questions["single"])["choice"], "padding": padding},
    )
    assert response.status_code == 400
    assert snapshot(attempt) == before


# -- URLs and methods -------------------------------------------------------------------


def test_a_question_of_another_quiz_is_not_found(student_client, attempt):
    elsewhere = Question.objects.exclude(quiz=attempt.quiz).first()
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, elsewhere), right_answer(elsewhere)
    )
    assert response.status_code == 404
    assert snapshot(attempt) == before


def test_a_draft_question_of_the_same_quiz_is_not_found(
    student_client, attempt, every_kind_quiz
):
    draft = make_question(every_kind_quiz, "single", status=Question.Status.DRAFT)
    before = snapshot(attempt)
    response = post_form(student_client, check_url(attempt, draft), right_answer(draft))
    assert response.status_code == 404
    assert snapshot(attempt) == before


@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_huge_ids_in_the_url_are_not_found(student_client, attempt, questions, huge):
    before = snapshot(attempt)
    question = questions["single"]
    for url in [
        reverse("quizzes:check_answer", args=[attempt.pk, huge]),
        reverse("quizzes:check_answer", args=[huge, question.pk]),
        reverse("quizzes:finish_attempt", args=[huge]),
    ]:
        assert post_form(student_client, url, right_answer(question)).status_code == 404
    for url in [
        reverse("quizzes:attempt_detail", args=[huge]),
        reverse("quizzes:attempt_results", args=[huge]),
    ]:
        assert student_client.get(url).status_code == 404
    assert snapshot(attempt) == before


POST_ONLY = {
    "start quiz": lambda attempt, question: start_url(attempt.quiz.section),
    "mark read": lambda attempt, question: mark_read_url(attempt.quiz.section),
    "check answer": lambda attempt, question: check_url(attempt, question),
    "finish": lambda attempt, question: finish_url(attempt),
}


@pytest.mark.parametrize("name", POST_ONLY)
def test_get_on_a_post_only_url_is_405_and_writes_nothing(
    student_client, attempt, questions, name
):
    before = snapshot(attempt)
    response = student_client.get(POST_ONLY[name](attempt, questions["single"]))
    assert response.status_code == 405
    assert snapshot(attempt) == before


# -- Locked and finished ----------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_answering_a_checked_question_again_changes_nothing(
    student_client, attempt, questions, headers
):
    question = questions["multiple"]
    post_form(student_client, check_url(attempt, question), wrong_answer(question))
    before = snapshot(attempt)
    response = post_form(
        student_client, check_url(attempt, question), right_answer(question), **headers
    )
    assert response.status_code in {200, 302}
    assert snapshot(attempt) == before


def test_finishing_twice_grades_once_and_changes_nothing_the_second_time(
    student_client, attempt, questions
):
    question = questions["single"]
    post_form(student_client, check_url(attempt, question), right_answer(question))
    post_form(student_client, finish_url(attempt), {"confirm": "yes"})
    before = snapshot(attempt)
    response = post_form(student_client, finish_url(attempt), {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == results_url(attempt)
    assert snapshot(attempt) == before
    assert Progress.objects.get(section=attempt.quiz.section).attempts_count == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_checking_an_answer_on_a_finished_attempt_changes_nothing(
    student_client, attempt, questions, headers
):
    post_form(student_client, finish_url(attempt), {"confirm": "yes"})
    before = snapshot(attempt)
    question = questions["single"]
    response = post_form(
        student_client, check_url(attempt, question), right_answer(question), **headers
    )
    if headers:
        assert response["HX-Redirect"] == results_url(attempt)
    else:
        assert response["Location"] == results_url(attempt)
    assert snapshot(attempt) == before


# -- Someone else's attempt, and nobody's -----------------------------------------------


@pytest.fixture
def others_attempt(other_student, every_kind_quiz):
    return start_attempt(other_student, every_kind_quiz)


OTHERS = {
    "quiz page": lambda client, attempt, question: client.get(attempt_url(attempt)),
    "check answer": lambda client, attempt, question: post_form(
        client, check_url(attempt, question), right_answer(question)
    ),
    "check answer (htmx)": lambda client, attempt, question: post_form(
        client, check_url(attempt, question), right_answer(question), **HTMX
    ),
    "finish": lambda client, attempt, question: post_form(
        client, finish_url(attempt), {"confirm": "yes"}
    ),
    "results": lambda client, attempt, question: client.get(results_url(attempt)),
}


@pytest.mark.parametrize("name", OTHERS)
def test_another_learners_attempt_is_not_found(
    student_client, others_attempt, questions, name
):
    before = snapshot(others_attempt)
    response = OTHERS[name](student_client, others_attempt, questions["single"])
    assert response.status_code == 404
    assert snapshot(others_attempt) == before


def test_another_learners_finished_results_are_not_found(
    student_client, others_attempt
):
    others_attempt.finish()
    response = student_client.get(results_url(others_attempt))
    assert response.status_code == 404
    assert "Your score" not in visible_text(response.content)


ANONYMOUS = {
    "start quiz": lambda attempt, question: (start_url(attempt.quiz.section), {}),
    "mark read": lambda attempt, question: (mark_read_url(attempt.quiz.section), {}),
    "check answer": lambda attempt, question: (
        check_url(attempt, question),
        right_answer(question),
    ),
    "finish": lambda attempt, question: (finish_url(attempt), {"confirm": "yes"}),
}


@pytest.mark.parametrize("name", ANONYMOUS)
def test_an_anonymous_post_goes_to_log_in_and_writes_nothing(
    client, attempt, questions, name
):
    url, fields = ANONYMOUS[name](attempt, questions["single"])
    Progress.objects.all().delete()
    before = snapshot(attempt)
    response = post_form(client, url, fields)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query) == {REDIRECT_FIELD_NAME: [url]}
    assert snapshot(attempt) == before


# -- Any form body at all ---------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70)


def fresh_attempt(learner, quiz: Quiz, feedback_mode: str) -> Attempt:
    questions = list(quiz.questions.published().prefetch_related("choices"))
    return Attempt.objects.create(
        learner=learner,
        quiz=quiz,
        question_ids=[question.pk for question in questions],
        choice_order={str(q.pk): [c.pk for c in q.choices.all()] for q in questions},
        feedback_mode=feedback_mode,
    )


def form_bodies(questions: list[Question]):
    """Form fields an attacker might send: real, foreign and made-up ids, any text."""
    all_choice_ids = [choice.pk for q in questions for choice in q.choices.all()]
    rows = [
        choice for q in questions for choice in q.choices.all() if q.kind == "matching"
    ]
    options = sorted({row.match_text for row in rows if row.match_text})
    accepted = [
        choice.text if q.kind == "short" else str(choice.value)
        for q in questions
        if q.is_typed_kind
        for choice in q.choices.all()
        if choice.is_correct
    ]
    choice_value = st.one_of(st.sampled_from(all_choice_ids), NUMBERS, TEXT)
    typed = st.one_of(
        TEXT,
        st.sampled_from(accepted),
        st.text(
            st.sampled_from("a 1.,e-"),
            min_size=MAX_TYPED_LENGTH - 5,
            max_size=MAX_TYPED_LENGTH + 5,
        ),
        st.from_regex(
            r"-?[0-9]{1,8}([.,][0-9]{1,6})?(e-?[0-9]{1,10})?", fullmatch=True
        ),
    )
    match_value = st.one_of(st.sampled_from(options), TEXT)
    fields = st.fixed_dictionaries(
        {},
        optional={
            "choice": st.lists(choice_value, max_size=4),
            "text": typed,
            "confirm": st.one_of(st.just("yes"), TEXT),
            **{f"match-{row.pk}": match_value for row in rows},
            "match-0": match_value,  # a row that does not exist
        },
    )
    junk = st.dictionaries(TEXT, TEXT, max_size=3)
    return st.builds(lambda known, extra: {**extra, **known}, fields, junk)


def assert_answer_is_whole(answer: Answer, question: Question):
    """A written answer is a complete, valid submission graded as the rules say."""
    choices = list(question.choices.all())
    response = answer.response
    if question.is_choice_kind:
        assert set(response) == {"choices"}
        ids = response["choices"]
        assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids)
        assert set(ids) <= {c.pk for c in choices}
        if question.kind == "multiple":
            assert ids
        else:
            assert len(ids) == 1
    elif question.kind == "matching":
        assert set(response) == {"matches"}
        rows = {str(c.pk) for c in choices if c.text}
        assert set(response["matches"]) == rows
        assert set(response["matches"].values()) <= {c.match_text for c in choices}
    else:
        assert set(response) == {"text"}
        text = response["text"]
        assert text == text.strip() and 0 < len(text) <= MAX_TYPED_LENGTH
        assert "\x00" not in text
        if question.kind == "numerical":
            assert parse_number(text) is not None
    assert Decimal(0) <= answer.fraction <= Decimal(1)
    # Graded as the rules say, up to the columns' decimal places.
    regraded = question.grade(Submission.from_json(response))
    assert abs(answer.fraction - regraded) <= Decimal("0.000005")
    assert abs(answer.points - regraded * question.points) <= Decimal("0.0005")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_body_posted_to_check_answer_writes_a_whole_answer_or_nothing(
    student, student_client, every_kind_quiz, data
):
    questions = list(every_kind_quiz.questions.prefetch_related("choices"))
    mode = data.draw(st.sampled_from(Quiz.FeedbackMode.values), label="mode")
    attempt = fresh_attempt(student, every_kind_quiz, mode)
    question = data.draw(st.sampled_from(questions), label="question")
    if data.draw(st.booleans(), label="answered before"):
        post_form(student_client, check_url(attempt, question), wrong_answer(question))
    before = list(Answer.objects.filter(attempt=attempt).values())
    locked = bool(before) and before[0]["is_checked"]
    body = data.draw(form_bodies(questions), label="body")
    headers = HTMX if data.draw(st.booleans(), label="htmx") else {}

    response = post_form(student_client, check_url(attempt, question), body, **headers)

    assert response.status_code in {200, 302, 400}
    if response.status_code == 302:
        # Without JavaScript: a slip's message is on the page the redirect leads to.
        response = student_client.get(response["Location"])
    answers = list(Answer.objects.filter(attempt=attempt))
    assert len(answers) <= 1
    assert all(answer.question_id == question.pk for answer in answers)
    # Refused: a forged post (400) or a slip shown with its message (200).
    refused = response.status_code == 400 or 'role="alert"' in response.content.decode()
    if refused or locked:
        assert list(Answer.objects.filter(attempt=attempt).values()) == before
    else:
        assert len(answers) == 1
        assert_answer_is_whole(answers[0], question)
        assert answers[0].is_checked == (mode == Quiz.FeedbackMode.IMMEDIATE)
    attempt.refresh_from_db()
    assert attempt.finished_at is None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_body_posted_to_finish_grades_once_or_not_at_all(
    student, student_client, every_kind_quiz, data
):
    questions = list(every_kind_quiz.questions.prefetch_related("choices"))
    attempt = fresh_attempt(student, every_kind_quiz, Quiz.FeedbackMode.IMMEDIATE)
    answered = data.draw(
        st.lists(st.sampled_from(questions), unique=True), label="answered"
    )
    for question in answered:
        pick = right_answer if data.draw(st.booleans(), label="right") else wrong_answer
        response = post_form(
            student_client, check_url(attempt, question), pick(question)
        )
        assert response.status_code == 302
    answers_before = list(Answer.objects.filter(attempt=attempt).values())
    body = data.draw(form_bodies(questions), label="body")
    headers = HTMX if data.draw(st.booleans(), label="htmx") else {}

    response = post_form(student_client, finish_url(attempt), body, **headers)

    assert response.status_code in {200, 302}
    assert list(Answer.objects.filter(attempt=attempt).values()) == answers_before
    attempt.refresh_from_db()
    if attempt.finished_at is None:
        assert body.get("confirm") != "yes" and len(answered) < len(questions)
        assert "not answered yet" in visible_text(response.content)
    else:
        target = response.get("HX-Redirect") or response.get("Location")
        assert target == results_url(attempt)
        possible = Decimal(sum(q.points for q in questions))
        earned = sum((a["points"] for a in answers_before), Decimal(0))
        assert (attempt.points_possible, attempt.points_earned) == (possible, earned)
        assert Decimal(0) <= attempt.score <= Decimal(100)
        assert attempt.score == (earned / possible * 100).quantize(Decimal("0.01"))
        assert attempt.passed == (attempt.score >= every_kind_quiz.pass_mark)
        again = snapshot(attempt)
        post_form(student_client, finish_url(attempt), body, **headers)
        assert snapshot(attempt) == again
    finished = (
        Attempt.objects.filter(learner=student, quiz=every_kind_quiz).finished().count()
    )
    progress = Progress.objects.filter(
        learner=student, section=every_kind_quiz.section
    ).first()
    assert (progress.attempts_count if progress else 0) == finished


# -- make run: DEBUG on ------------------------------------------------------------------


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_with_debug_on_a_slip_is_a_normal_response_and_a_forgery_still_a_400(
    settings, student_client, attempt, questions, headers
):
    # django-htmx's debug script hands any htmx error response to the debug page,
    # replacing the quiz: a learner's slip must never be one.
    settings.DEBUG = True
    url = check_url(attempt, questions["numerical"])
    slip = post_form(student_client, url, {"text": "seven"}, **headers)
    if not headers:  # without JavaScript: back to the question, then the page
        assert slip.status_code == 302
        slip = student_client.get(slip["Location"])
    assert slip.status_code == 200
    assert "Enter a number, such as 42 or 3.5." in visible_text(slip.content)
    forged = post_form(
        student_client,
        check_url(attempt, questions["single"]),
        {"choice": "x"},
        **headers,
    )
    assert forged.status_code == 400


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_with_debug_on_a_slip_in_the_teach_preview_is_a_normal_response(
    settings, teacher_client, questions, headers
):
    settings.DEBUG = True
    url = reverse("teach:question_preview", args=[questions["single"].pk])
    slip = post_form(teacher_client, url, {}, **headers)
    assert slip.status_code == 200
    assert "Choose an option before checking your answer." in visible_text(slip.content)
    forged = post_form(teacher_client, url, {"choice": "x"}, **headers)
    assert forged.status_code == 400
