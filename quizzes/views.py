from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from quizzes.answers import SLIPS, kept_after_slip
from quizzes.learning import (
    article_outline,
    attempt_item,
    attempt_items,
    course_outline,
    navigator,
    passages_to_reread,
    progress_outlines,
)
from quizzes.models import Attempt, Progress, Question
from quizzes.pages import kept, kept_content
from quizzes.review import queries as review_queries
from quizzes.review import services as review_services
from relations.markup import highlight_quote
from relations.models import Article, Section
from relations.params import int_param


def _published_article(slug: str) -> Article:
    return get_object_or_404(Article.objects.published(), slug=slug)


def _learner_attempt(request, attempt_id: int) -> Attempt:
    """The signed-in learner's own attempt, or 404."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz__section__article"),
        pk=attempt_id,
        learner=request.user,
    )


@require_GET
@kept
def home(request):
    articles = kept_content("courses", lambda: list(Article.objects.published()))
    if len(articles) == 1:
        return article_detail(request, articles[0].slug, article=articles[0])
    return TemplateResponse(
        request, "quizzes/article_list.html", {"articles": articles}
    )


@require_GET
@kept
def article_detail(request, article_slug: str, article: Article | None = None):
    article = article or _published_article(article_slug)
    outline = course_outline(article, request.user)
    if request.user.is_authenticated:
        # The navigation's "Review (N)" reads these; the outline is where learners land.
        review_services.ensure_due_times(request.user.pk)
    return TemplateResponse(
        request, "quizzes/article_detail.html", {"outline": outline}
    )


@require_GET
@kept
def lesson(request, article_slug: str, section_slug: str):
    outline = article_outline(article_slug, request.user)
    current = outline.find(section_slug) if outline else None
    if current is None:
        raise Http404(_("No such lesson."))
    section = current.section
    body_html, highlighted, back = _highlighted_body(request, section)
    previous, following = outline.neighbours(section)
    context = {
        "outline": outline,
        "lesson": current,
        "position": outline.lessons.index(current) + 1,
        "section": section,
        "body_html": body_html,
        "highlighted": highlighted,
        "back": back,
        "open_attempt": _open_attempt(request.user, current),
        "previous": previous,
        "next": following,
    }
    return TemplateResponse(request, "quizzes/section_detail.html", context)


def _highlighted_body(request, section) -> tuple[str, bool | None, dict | None]:
    """The lesson's text with the passage that answers ?highlight= marked, and where
    "Back to question N" leads. Only where the answer is no secret: the question was
    answered, or a teacher asks."""
    question_id = int_param(request.GET, "highlight")
    quote = Question.objects.quote_to_highlight(section, question_id, request.user)
    if quote is None:
        return section.body_html, None, None
    back = _back_to_question(request, question_id)
    after = ""
    if back:
        after = render_to_string(
            "quizzes/section_detail.html#back-to-question", {"back": back}
        )
    body_html, highlighted = highlight_quote(section.body_html, quote, after=after)
    return body_html, highlighted, back


def _back_to_question(request, question_id: int) -> dict | None:
    """Where "Back to question N" leads from a highlighted passage: the learner's own
    attempt named in ?attempt=, if that question is in it; else nowhere."""
    attempt_id = int_param(request.GET, "attempt")
    if attempt_id is None or not request.user.is_authenticated:
        return None
    attempt = (
        Attempt.objects.for_learner(request.user)
        .filter(pk=attempt_id)
        .only("pk", "question_ids", "finished_at")
        .first()
    )
    if attempt is None or question_id not in attempt.question_ids:
        return None
    page = "attempt_results" if attempt.is_finished else "attempt_detail"
    return {
        "number": attempt.question_ids.index(question_id) + 1,
        "url": f"{reverse(f'quizzes:{page}', args=[attempt.pk])}#question-{question_id}",
    }


def _open_attempt(user, lesson) -> Attempt | None:
    """The learner's unfinished attempt at the lesson's quiz, with its answers counted."""
    if not (user.is_authenticated and lesson.has_quiz):
        return None
    return (
        Attempt.objects.for_learner(user)
        .unfinished()
        .filter(quiz__section=lesson.section)
        .annotate(answered=Count("answers"))
        .only("pk", "question_ids")
        .first()
    )


@require_POST
@login_required
def mark_read(request, article_slug: str, section_slug: str):
    section = get_object_or_404(
        Section.objects.published(), article__slug=article_slug, slug=section_slug
    )
    Progress.objects.mark_read(learner=request.user, section=section)
    messages.success(request, _("Lesson marked as read."))
    return redirect(section)


@require_POST
@login_required
def start_quiz(request, article_slug: str, section_slug: str):
    section = get_object_or_404(
        Section.objects.published().select_related("article", "quiz"),
        article__slug=article_slug,
        slug=section_slug,
        quiz__is_published=True,
    )
    gated = section.article.requires_passing
    if (
        gated
        and course_outline(section.article, request.user).lesson(section).is_locked
    ):
        messages.error(
            request, _("Pass the previous lesson's quiz to unlock this one.")
        )
        return redirect(section)
    try:
        attempt = Attempt.objects.start(learner=request.user, quiz=section.quiz)
    except ValidationError as error:
        messages.error(request, error.message)
        return redirect(section)
    return redirect(attempt)


# Where a slip made without JavaScript waits for the page the redirect leads to.
SLIP_KEY = "quiz_slip"


@never_cache
@require_GET
@login_required
def attempt_detail(request, attempt_id: int):
    attempt = _learner_attempt(request, attempt_id)
    if attempt.is_finished:
        return redirect("quizzes:attempt_results", attempt.pk)
    items = attempt_items(attempt)
    # A slip made without JavaScript, kept across the redirect (POST/redirect/GET).
    slip = request.session.pop(SLIP_KEY, None)
    slipped = None
    if slip and slip.get("attempt") == attempt.pk:
        slipped = next(
            (item for item in items if item.question.pk == slip.get("question")), None
        )
        if slipped is not None:
            slipped.error, slipped.posted = slip["message"], slip.get("posted", {})
    context = {**_quiz_context(attempt, items), "slipped": slipped}
    return TemplateResponse(request, "quizzes/attempt_detail.html", context)


def _quiz_context(attempt: Attempt, items) -> dict:
    answers = {item.question.pk: item.answer for item in items if item.answer}
    nav = navigator(attempt, [item.question.pk for item in items], answers)
    return {**_counts(attempt, len(answers)), "items": items, "nav": nav}


@never_cache
@require_POST
@login_required
def check_answer(request, attempt_id: int, question_id: int):
    attempt = _learner_attempt(request, attempt_id)
    if attempt.is_finished:
        return _finished_response(request, attempt)
    if question_id not in attempt.question_ids:
        raise Http404(_("This question is not part of this attempt."))
    # The attempt's answers are read once, under the lock that storing takes.
    item, answers = attempt_item(attempt, question_id, with_answers=False)
    try:
        submission = item.question.read_answer(request.POST)
    except ValidationError as error:
        return _refused_answer(request, attempt, item, error)
    try:
        item.answer = attempt.record_answer(
            question=item.question, submission=submission, answers=answers
        )
    except ValidationError as error:
        if error.code != "finished":
            raise
        # Finished in another tab between reading the attempt and taking its lock.
        return _finished_response(request, attempt)
    return _checked_response(request, attempt, item, answers)


def _refused_answer(request, attempt: Attempt, item, error: ValidationError):
    """A post that is no answer: a checked question shown as it was, a slip (nothing
    chosen, letters for a number) asked again, anything else a 400."""
    answers = attempt.answers_by_question()
    item.answer = answers.get(item.question.pk)
    if item.is_locked:  # checked before: shown as it was, whatever was posted
        return _checked_response(request, attempt, item, answers)
    if error.code in SLIPS:
        # The question again with the reason: a slip is an ordinary answer
        # (200: with DEBUG on, htmx would hand a 400 to the debug page).
        item.posted = kept_after_slip(item.question, request.POST)
        return _slip(request, attempt, item, answers, error.message)
    # A forged or malformed post: a 400.
    return _answer_error(request, attempt, item, answers, error.message)


def _checked_response(request, attempt: Attempt, item, answers: dict):
    if request.htmx:
        return TemplateResponse(
            request,
            "quizzes/attempt_detail.html#check-response",
            _check_context(attempt, item, answers),
        )
    return redirect(_question_url(attempt, item))


def _question_url(attempt: Attempt, item) -> str:
    return f"{reverse('quizzes:attempt_detail', args=[attempt.pk])}#{item.dom_id}"


def _check_context(attempt: Attempt, item, answers: dict) -> dict:
    """The checked question's card and, out of band, the navigator and the counters."""
    return {
        **_counts(attempt, len(answers)),
        "item": item,
        "nav": navigator(attempt, attempt.question_ids, answers),
    }


def _slip(request, attempt: Attempt, item, answers: dict, message: str):
    """Nothing chosen, letters for a number...: with htmx, the card with the message;
    without, back to the question on the quiz page (a reload does not post again)."""
    item.error = message
    if request.htmx:
        return TemplateResponse(
            request,
            "quizzes/attempt_detail.html#check-response",
            _check_context(attempt, item, answers),
        )
    request.session[SLIP_KEY] = {
        "attempt": attempt.pk,
        "question": item.question.pk,
        "message": message,
        "posted": item.posted,
    }
    return redirect(_question_url(attempt, item))


def _counts(attempt: Attempt, answered: int) -> dict:
    total = len(attempt.question_ids)
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "section": attempt.quiz.section,
        "answered": answered,
        "total": total,
        "unanswered": total - answered,
    }


def _answer_error(request, attempt: Attempt, item, answers: dict, message: str):
    """A post no form of ours sends: the question again with the reason, as a 400."""
    item.error = message
    if request.htmx:
        template = "quizzes/attempt_detail.html#check-response"
        context = _check_context(attempt, item, answers)
        return TemplateResponse(request, template, context, status=400)
    items = attempt_items(attempt)
    for other in items:
        if other.question.pk == item.question.pk:
            other.error = message
    context = {**_quiz_context(attempt, items), "slipped": None}
    return TemplateResponse(request, "quizzes/attempt_detail.html", context, status=400)


def _finished_response(request, attempt: Attempt):
    url = reverse("quizzes:attempt_results", args=[attempt.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@never_cache
@require_POST
@login_required
def finish_attempt(request, attempt_id: int):
    attempt = _learner_attempt(request, attempt_id)
    if not attempt.is_finished and request.POST.get("confirm") != "yes":
        context = _counts(attempt, attempt.answers.count())
        if context["unanswered"]:
            return TemplateResponse(
                request, "quizzes/attempt_confirm_finish.html", context
            )
    attempt.finish()
    return _finished_response(request, attempt)


@never_cache
@require_GET
@login_required
@kept
def attempt_results(request, attempt_id: int):
    attempt = _learner_attempt(request, attempt_id)
    if not attempt.is_finished:
        return redirect(attempt)
    items = attempt_items(attempt)
    quiz = attempt.quiz
    taken = Attempt.objects.for_learner(request.user).filter(quiz=quiz).count()
    can_retake = quiz.allows_attempt(taken)
    context = {
        **_quiz_context(attempt, items),
        **review_queries.for_results(attempt, items),
        "can_retake": can_retake,
        "taken": taken,
        "rereads": passages_to_reread(items),
    }
    return TemplateResponse(request, "quizzes/attempt_results.html", context)


@require_GET
@login_required
@kept
def my_progress(request):
    outlines = progress_outlines(request.user)
    return TemplateResponse(request, "quizzes/progress.html", {"outlines": outlines})
