"""Review: due questions one at a time, and practice rounds of a quiz's missed questions.

The round in progress is a queue of card ids in the learner's session: a review session
takes the 20 cards due longest ago, a practice round the cards of one attempt's misses.
"""

import random
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from quizzes.forms import SubmissionError, read_submission
from quizzes.models import Attempt, Question, ReviewCard, ReviewLog
from quizzes.review import queries, services

SESSION_KEY = "review_round"
ROUND_SIZE = 20


def _round(request) -> dict:
    return request.session.get(SESSION_KEY) or {"queue": [], "source": "", "done": 0}


def _save_round(request, queue: list[int], source: str, done: int = 0) -> None:
    request.session[SESSION_KEY] = {"queue": queue, "source": source, "done": done}


@never_cache
@require_GET
@login_required
def index(request):
    """The round's next question, or what is due and a button to start."""
    now = timezone.now()
    state = _round(request)
    due_by = now if state["source"] == ReviewLog.Source.REVIEW else None
    card, question = queries.next_in_round(request.user, state["queue"], due_by)
    if card is None:
        times = services.refresh_due_times(request.user.pk)
        context = {
            "due": services.due_count(times, now),
            "next_due_at": next(
                (datetime.fromtimestamp(t, UTC) for t in times if t > now.timestamp()),
                None,
            ),
            "finished_round": state["done"],
            "source": state["source"],
        }
        if state["queue"] or state["done"]:
            _save_round(request, [], "")
        return TemplateResponse(request, "quizzes/review/index.html", context)
    item = queries.review_item(card, question, number=state["done"] + 1)
    queries.shuffle_choices(item, random.SystemRandom())
    context = _card_context(item, card, state)
    return TemplateResponse(request, "quizzes/review/card.html", context)


def _card_context(item, card, state, log=None) -> dict:
    return {
        "item": item,
        "card": card,
        "log": log,
        "source": state["source"],
        "remaining": len(state["queue"]),
        "done": state["done"],
        "round_total": state["done"] + len(state["queue"]),
    }


@require_POST
@login_required
def start(request):
    now = timezone.now()
    ids = list(
        ReviewCard.objects.for_learner(request.user)
        .due(now)
        .values_list("pk", flat=True)[:ROUND_SIZE]
    )
    _save_round(request, ids, ReviewLog.Source.REVIEW)
    return redirect("review:index")


@require_POST
@login_required
def practice(request, attempt_id: int):
    """Retry the questions missed in one of the learner's finished attempts."""
    attempt = get_object_or_404(
        Attempt.objects.finished(), pk=attempt_id, learner=request.user
    )
    ids = queries.missed_card_ids(attempt)
    if not ids:
        messages.info(request, _("You missed no question in this quiz."))
        return redirect(attempt)
    _save_round(request, ids, ReviewLog.Source.PRACTICE)
    return redirect("review:index")


@never_cache
@require_POST
@login_required
def check(request, card_id: int):
    card = get_object_or_404(ReviewCard, pk=card_id, learner=request.user)
    state = _round(request)
    question = get_object_or_404(
        queries.current_questions(),
        pk=_posted_int(request.POST.get("question")),
        identity=card.identity,
    )
    item = queries.review_item(card, question, number=state["done"] + 1)
    queries.order_choices(item, request.POST.getlist("order"))
    try:
        submission = read_submission(question, request.POST)
        log = services.record_review(
            card=card,
            question=question,
            submission=submission,
            seen_reviews=_posted_int(request.POST.get("reviews")),
            source=state["source"] or ReviewLog.Source.REVIEW,
            now=timezone.now(),
            order=[choice.pk for choice in item.choices],
        )
    except (SubmissionError, ValidationError) as error:
        item.error = getattr(error, "message", None) or error.messages[0]
        template = "quizzes/review/card.html"
        if request.htmx:
            template += "#review-card"
        context = _card_context(item, card, state)
        return TemplateResponse(request, template, context, status=400)
    queue = [pk for pk in state["queue"] if pk != card.pk]
    _save_round(request, queue, state["source"], state["done"] + 1)
    if request.htmx:
        item.answer = log.as_answer()
        context = _card_context(item, card, _round(request), log=log)
        return TemplateResponse(
            request, "quizzes/review/card.html#review-card", context
        )
    return redirect("review:answer", log.pk)


def _posted_int(value) -> int:
    return int(value) if value and value.isascii() and value.isdigit() else -1


@never_cache
@require_GET
@login_required
def answer(request, log_id: int):
    """A review answer with its feedback and when the question comes back."""
    log = get_object_or_404(
        ReviewLog.objects.for_learner(request.user).select_related(
            "card", *(f"question__{path}" for path in queries.QUESTION_PATHS)
        ),
        pk=log_id,
    )
    item = queries.review_item(
        log.card, log.question, number=_round(request)["done"] or 1
    )
    queries.order_choices(item, log.response.get("order", []))
    item.answer = log.as_answer()
    context = _card_context(item, log.card, _round(request), log=log)
    return TemplateResponse(request, "quizzes/review/card.html", context)


@require_POST
@login_required
def add(request, attempt_id: int, question_id: int):
    """ "Add to review" on the results page, for a question answered right."""
    attempt = get_object_or_404(
        Attempt.objects.finished(), pk=attempt_id, learner=request.user
    )
    if question_id not in attempt.question_ids:
        raise Http404(_("This question is not part of this attempt."))
    question = get_object_or_404(Question, pk=question_id)
    try:
        services.add_to_review(
            learner=request.user, question=question, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    if request.htmx:
        context = {"attempt": attempt, "question": question, "in_review": True}
        return TemplateResponse(request, "quizzes/review/add_button.html", context)
    messages.success(request, _("Added to your review."))
    url = reverse("quizzes:attempt_results", args=[attempt.pk])
    return redirect(f"{url}#question-{question.pk}")
