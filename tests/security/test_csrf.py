"""htmx requests carry the CSRF token the page gives them, and need it."""

import json

import pytest
from django.test import Client

from quizzes.models import Answer
from tests.security.helpers import HTMX, attempt_url, check_url, parse, right_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    return client


def htmx_token(client, url) -> str:
    """The token as htmx sends it: from the hx-headers on <body>."""
    body = parse(client.get(url).content).find_all("body")[0]
    headers = {
        name.lower(): value
        for name, value in json.loads(body.attrs["hx-headers"]).items()
    }
    return headers["x-csrftoken"]


def test_an_htmx_check_without_the_token_is_forbidden(csrf_client, attempt, questions):
    csrf_client.get(attempt_url(attempt))
    question = questions["single"]
    response = csrf_client.post(
        check_url(attempt, question), right_answer(question), headers=HTMX
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_an_htmx_check_with_a_wrong_token_is_forbidden(csrf_client, attempt, questions):
    token = htmx_token(csrf_client, attempt_url(attempt))
    forged = token[::-1] if token[::-1] != token else "x" * len(token)
    question = questions["single"]
    response = csrf_client.post(
        check_url(attempt, question),
        right_answer(question),
        headers={**HTMX, "X-CSRFToken": forged},
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_an_htmx_check_with_the_token_from_the_page_is_accepted(
    csrf_client, attempt, questions
):
    token = htmx_token(csrf_client, attempt_url(attempt))
    question = questions["single"]
    response = csrf_client.post(
        check_url(attempt, question),
        right_answer(question),
        headers={**HTMX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert Answer.objects.get(attempt=attempt, question=question).is_right


def test_every_htmx_form_is_also_a_plain_form_with_its_own_token(csrf_client, attempt):
    page = parse(csrf_client.get(attempt_url(attempt)).content)
    htmx_forms = [form for form in page.find_all("form") if "hx-post" in form.attrs]
    assert htmx_forms
    for form in htmx_forms:
        assert form.attrs["method"] == "post"
        assert form.attrs["action"] == form.attrs["hx-post"]
        names = [element.attrs.get("name") for element in form.find_all("input")]
        assert "csrfmiddlewaretoken" in names


def test_review_posts_need_the_token(csrf_client, student, attempt, questions):
    from django.urls import reverse

    from quizzes.models import ReviewCard, ReviewLog
    from tests.security.helpers import finish_url

    token = htmx_token(csrf_client, attempt_url(attempt))
    csrf_client.post(
        finish_url(attempt), {"confirm": "yes", "csrfmiddlewaretoken": token}
    )
    card = ReviewCard.objects.filter(learner=student).first()
    question = questions["single"]
    posts = [
        reverse("review:start"),
        reverse("review:practice", args=[attempt.pk]),
        reverse("review:check", args=[card.pk]),
        reverse("review:add", args=[attempt.pk, question.pk]),
    ]
    for url in posts:
        assert csrf_client.post(url, {"question": 1, "reviews": 0}).status_code == 403
        assert (
            csrf_client.post(url, headers={**HTMX, "X-CSRFToken": "wrong"}).status_code
            == 403
        )
    assert (
        csrf_client.post(
            reverse("review:start"), headers={**HTMX, "X-CSRFToken": token}
        ).status_code
        == 302
    )
    assert not ReviewLog.objects.exists()


def test_teach_posts_need_the_token_and_every_teach_form_carries_it(teacher):
    """Each POST of Teach is refused without the token, and changes nothing; the forms
    of the pages that post carry it."""
    from django.urls import reverse

    from quizzes.models import Question
    from tests.factories import make_question, make_quiz

    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    quiz = make_quiz()
    question = make_question(quiz, status="draft")
    posts = {
        reverse("teach:questions_bulk", args=[quiz.pk]): {
            "action": "publish",
            "question": question.pk,
        },
        reverse("teach:quiz_settings", args=[quiz.pk]): {
            "pass_mark": "90",
            "feedback_mode": "deferred",
        },
        reverse("teach:question_status", args=[question.pk]): {
            "status": "published",
            "back": "preview",
        },
        reverse("teach:question_delete", args=[question.pk]): {},
        reverse("teach:import_file", args=[quiz.pk]): {
            "format": "gift",
            "text": "::Q::A river?{=Danube ~Rhine}",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    question.refresh_from_db()
    quiz.refresh_from_db()
    assert question.status == "draft" and quiz.pass_mark == 70
    assert Question.objects.filter(quiz=quiz).count() == 1
    pages = [
        reverse("teach:quiz_detail", args=[quiz.pk]),
        reverse("teach:quiz_settings", args=[quiz.pk]),
        reverse("teach:question_preview", args=[question.pk]),
        reverse("teach:question_delete", args=[question.pk]),
        reverse("teach:import_file", args=[quiz.pk]),
    ]
    for url in pages:
        forms = parse(client.get(url).content).find_all("form")
        posting = [f for f in forms if f.attrs.get("method") == "post"]
        assert posting, url
        for form in posting:
            names = [element.attrs.get("name") for element in form.find_all("input")]
            assert "csrfmiddlewaretoken" in names, url
