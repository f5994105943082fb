from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from quizzes.learning import (
    article_outline,
    attempt_item,
    attempt_items,
    course_outline,
    progress_outlines,
)
from quizzes.models import Attempt, Progress, Question
from relations.markup import highlight_quote
from relations.models import Article, Section


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
def home(request):
    articles = list(Article.objects.published())
    if len(articles) == 1:
        return article_detail(request, articles[0].slug, article=articles[0])
    return TemplateResponse(
        request, "quizzes/article_list.html", {"articles": articles}
    )


@require_GET
def article_detail(request, article_slug: str, article: Article | None = None):
    article = article or _published_article(article_slug)
    outline = course_outline(article, request.user)
    return TemplateResponse(
        request, "quizzes/article_detail.html", {"outline": outline}
    )


@require_GET
def lesson(request, article_slug: str, section_slug: str):
    outline = article_outline(article_slug, request.user)
    current = outline.find(section_slug) if outline else None
    if current is None:
        raise Http404(_("No such lesson."))
    section = current.section
    body_html, highlighted = section.body_html, None
    quote = Question.objects.quote_to_highlight(
        section, request.GET.get("highlight", "")
    )
    if quote is not None:
        body_html, highlighted = highlight_quote(section.body_html, quote)
    previous, following = outline.neighbours(section)
    context = {
        "outline": outline,
        "lesson": current,
        "section": section,
        "body_html": body_html,
        "highlighted": highlighted,
        "previous": previous,
        "next": following,
    }
    return TemplateResponse(request, "quizzes/section_detail.html", context)


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


@never_cache
@require_GET
@login_required
def attempt_detail(request, attempt_id: int):
    attempt = _learner_attempt(request, attempt_id)
    if attempt.is_finished:
        return redirect("quizzes:attempt_results", attempt.pk)
    items = attempt_items(attempt)
    return TemplateResponse(
        request, "quizzes/attempt_detail.html", _quiz_context(attempt, items)
    )


def _quiz_context(attempt: Attempt, items) -> dict:
    return {**_counts(attempt, sum(1 for item in items if item.answer)), "items": items}


@never_cache
@require_POST
@login_required
def check_answer(request, attempt_id: int, question_id: int):
    attempt = _learner_attempt(request, attempt_id)
    if attempt.is_finished:
        return _finished_response(request, attempt)
    if question_id not in attempt.question_ids:
        raise Http404(_("This question is not part of this attempt."))
    item, answered = attempt_item(attempt, question_id)
    if not item.is_locked:
        try:
            submission = item.question.read_answer(request.POST)
        except ValidationError as error:
            # Forged or a slip, the learner sees the question again with the reason (400).
            return _answer_error(request, attempt, item, answered, error.message)
        answered += item.answer is None
        item.answer = attempt.record_answer(
            question=item.question, submission=submission
        )
    if request.htmx:
        context = {**_counts(attempt, answered), "item": item}
        return TemplateResponse(
            request, "quizzes/attempt_detail.html#check-response", context
        )
    return redirect(
        f"{reverse('quizzes:attempt_detail', args=[attempt.pk])}#{item.dom_id}"
    )


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


def _answer_error(request, attempt: Attempt, item, answered: int, message: str):
    """A slip (nothing chosen, not a number): the question again, with the message."""
    item.error = message
    if request.htmx:
        context = {**_counts(attempt, answered), "item": item}
        template = "quizzes/attempt_detail.html#check-response"
        return TemplateResponse(request, template, context, status=400)
    items = attempt_items(attempt)
    for other in items:
        if other.question.pk == item.question.pk:
            other.error = message
    context = _quiz_context(attempt, items)
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
        "can_retake": can_retake,
        "taken": taken,
    }
    return TemplateResponse(request, "quizzes/attempt_results.html", context)


@require_GET
@login_required
def my_progress(request):
    outlines = progress_outlines(request.user)
    return TemplateResponse(request, "quizzes/progress.html", {"outlines": outlines})
