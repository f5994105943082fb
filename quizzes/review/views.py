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

from quizzes.answers import refusal_status
from quizzes.models import Attempt, Question, ReviewCard, ReviewLog
from quizzes.review import queries, services

SESSION_KEY = "review_round"
ROUND_SIZE = 20


def _round(request) -> queries.Round:
    return queries.Round.from_session(request.session.get(SESSION_KEY))


def _save_round(request, round_: queries.Round | None) -> None:
    if round_ is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = round_.as_session()


def _state(request, round_: queries.Round, now) -> queries.RoundState:
    due_by = now if round_.source == ReviewLog.Source.REVIEW else None
    return queries.round_state(request.user, round_, due_by)


@never_cache
@require_GET
@login_required
def index(request):
    """The round's next question, or what is due and a button to start."""
    now = timezone.now()
    round_ = _round(request)
    state = _state(request, round_, now)
    question = state.current and queries.question_for(state.current)
    if question is None:
        return _overview(request, round_, state, now)
    item = queries.review_item(state.current, question, number=state.done + 1)
    queries.shuffle_choices(item, random.SystemRandom())
    context = _card_context(item, state.current, round_, state)
    return TemplateResponse(request, "quizzes/review/card.html", context)


def _overview(request, round_, state, now):
    times = services.refresh_due_times(request.user.pk)
    next_due = next((t for t in times if t > now.timestamp()), None)
    context = {
        "due": services.due_count(times, now),
        "next_due_at": next_due and datetime.fromtimestamp(next_due, UTC),
        "finished_round": state.done,
        "source": round_.source,
    }
    if round_.queue:
        _save_round(request, None)
    return TemplateResponse(request, "quizzes/review/index.html", context)


def _card_context(item, card, round_, state, log=None) -> dict:
    return {
        "item": item,
        "card": card,
        "log": log,
        "source": round_.source,
        "state": state,
    }


@require_POST
@login_required
def start(request):
    cards = ReviewCard.objects.for_learner(request.user).due(timezone.now())
    round_ = queries.Round.of(cards[:ROUND_SIZE], ReviewLog.Source.REVIEW)
    _save_round(request, round_)
    return redirect("review:index")


@require_POST
@login_required
def practice(request, attempt_id: int):
    """Retry the questions missed in one of the learner's finished attempts."""
    attempt = get_object_or_404(
        Attempt.objects.finished(), pk=attempt_id, learner=request.user
    )
    cards = queries.missed_cards(attempt)
    if not cards:
        messages.info(request, _("You missed no question in this quiz."))
        return redirect(attempt)
    _save_round(request, queries.Round.of(cards, ReviewLog.Source.PRACTICE))
    return redirect("review:index")


@never_cache
@require_POST
@login_required
def check(request, card_id: int):
    now = timezone.now()
    round_ = _round(request)
    state = _state(request, round_, now)
    card, question = _card_and_question(request, card_id, state)
    item = queries.review_item(card, question, number=state.done + 1)
    queries.order_choices(item, request.POST.getlist("order"))
    try:
        log = services.record_review(
            card=card,
            question=question,
            submission=question.read_answer(request.POST),
            seen_reviews=_posted_int(request.POST.get("reviews")),
            source=round_.source or ReviewLog.Source.REVIEW,
            now=now,
            order=[choice.pk for choice in item.choices],
        )
    except ValidationError as error:
        item.error = error.messages[0]
        return _refused(request, error, _card_context(item, card, round_, state))
    if not request.htmx:
        return redirect("review:answer", log.pk)
    item.answer = log.as_answer()
    context = _card_context(item, card, round_, state.after(card), log=log)
    return TemplateResponse(request, "quizzes/review/card.html#review-card", context)


def _card_and_question(request, card_id: int, state) -> tuple[ReviewCard, Question]:
    """The learner's card (from the round when it is in it) and the version of its
    question the page showed; 404 for anyone else's card or another question."""
    card = next((c for c in state.pending if c.pk == card_id), None) or (
        get_object_or_404(ReviewCard, pk=card_id, learner=request.user)
    )
    question = queries.question_for(card, _posted_int(request.POST.get("question")))
    if question is None:
        raise Http404(_("This question is not this card's."))
    return card, question


def _refused(request, error: ValidationError, context: dict) -> TemplateResponse:
    """The card again with the reason (see `refusal_status`)."""
    template = "quizzes/review/card.html" + ("#review-card" if request.htmx else "")
    return TemplateResponse(request, template, context, status=refusal_status(error))


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
    round_ = _round(request)
    state = _state(request, round_, timezone.now())
    item = queries.review_item(log.card, log.question, number=state.done)
    queries.order_choices(item, log.response.get("order", []))
    item.answer = log.as_answer()
    context = _card_context(item, log.card, round_, state, log=log)
    return TemplateResponse(request, "quizzes/review/card.html", context)


@require_POST
@login_required
def add(request, attempt_id: int, question_id: int):
    """Add to review, on the results page, for a question answered right."""
    attempt = get_object_or_404(
        Attempt.objects.finished(), pk=attempt_id, learner=request.user
    )
    if question_id not in attempt.question_ids:
        raise Http404(_("This question is not part of this attempt."))
    question = get_object_or_404(Question, pk=question_id)
    context = {"attempt": attempt, "question": question, "in_review": True}
    try:
        services.add_to_review(
            learner=request.user, question=question, now=timezone.now()
        )
    except ValidationError as error:
        context.update(in_review=False, error=error.messages[0])
    if request.htmx:
        return TemplateResponse(request, "quizzes/review/add_button.html", context)
    if context["in_review"]:
        messages.success(request, _("Added to your review."))
    else:
        messages.error(request, context["error"])
    url = reverse("quizzes:attempt_results", args=[attempt.pk])
    return redirect(f"{url}#question-{question.pk}")
