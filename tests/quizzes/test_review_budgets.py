"""Each review step runs a fixed number of queries, whatever the number of cards or questions."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import ReviewCard
from tests.factories import make_user
from tests.quizzes.test_query_budgets import BUDGET, HTMX, make_quiz_of
from tests.security.helpers import finish_url, start_attempt, wrong_answer

pytestmark = pytest.mark.django_db


def learner_with_cards(questions: int) -> tuple[Client, object]:
    """A learner who left a quiz of `questions` questions unanswered: every one due."""
    learner = make_user()
    client = Client()
    client.force_login(learner)
    attempt = start_attempt(learner, make_quiz_of(questions))
    client.post(finish_url(attempt), {"confirm": "yes"})
    ReviewCard.objects.filter(learner=learner).update(due=attempt.started_at)
    client.post(reverse("review:start"))
    return client, learner


def shown(client):
    page = client.get(reverse("review:index"))
    return page.context["card"], page.context["item"].question


def check(client, htmx=False):
    card, question = shown(client)
    data = wrong_answer(question) | {"question": question.pk, "reviews": card.reviews}
    headers = HTMX if htmx else {}
    return client.post(reverse("review:check", args=[card.pk]), data, headers=headers)


def ready_to_check(client, htmx=False):
    card, question = shown(client)
    data = wrong_answer(question) | {"question": question.pk, "reviews": card.reviews}
    url = reverse("review:check", args=[card.pk])
    return lambda: client.post(url, data, headers=HTMX if htmx else {})


def ready_answer_page(client):
    location = check(client)["Location"]
    return lambda: client.get(location)


def ready_nothing_due(client, learner):
    ReviewCard.objects.filter(learner=learner).update(is_retired=True)
    return lambda: client.get(reverse("review:index"))


# Each step is made ready outside the count, then measured.
STEPS = {
    "review page (a card)": lambda c, _: lambda: c.get(reverse("review:index")),
    "check answer": lambda c, _: ready_to_check(c),
    "check answer (htmx)": lambda c, _: ready_to_check(c, htmx=True),
    "answer page": lambda c, _: ready_answer_page(c),
    "start a round": lambda c, _: lambda: c.post(reverse("review:start")),
    "review page (nothing due)": ready_nothing_due,
}


@pytest.mark.parametrize("step", STEPS)
def test_a_review_step_runs_the_same_queries_for_3_and_36_cards(
    step, django_assert_max_num_queries
):
    small, large = learner_with_cards(3), learner_with_cards(36)
    small_request, large_request = STEPS[step](*small), STEPS[step](*large)
    with CaptureQueriesContext(connection) as queries:
        small_response = small_request()
    with django_assert_max_num_queries(BUDGET) as large_queries:
        large_response = large_request()
    assert small_response.status_code == large_response.status_code
    assert small_response.status_code in {200, 302}
    assert len(queries) == len(large_queries), "\n".join(
        q["sql"][:120] for q in large_queries.captured_queries
    )
