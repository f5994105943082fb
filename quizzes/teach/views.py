"""The Teach area: teachers write, preview, publish, import and export questions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import services
from quizzes.answers import SLIPS
from quizzes.interchange import EXPORTERS, PARSERS, mapping
from quizzes.learning import QuestionItem
from quizzes.models import Answer, ImportUpload, Progress, Question, Quiz, ReviewLog
from quizzes.roles import teacher_required
from quizzes.teach.forms import DismissWarningForm, ImportForm, QuestionEditor
from relations.models import Article, Section
from relations.params import int_param

STATUS_COUNTS = {
    status: Count(
        "quiz__questions",
        filter=Q(quiz__questions__is_current=True, quiz__questions__status=status),
    )
    for status in Question.Status.values
}


@require_GET
@teacher_required
def index(request):
    articles = Article.objects.prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.select_related("quiz")
            .annotate(
                **{f"count_{status}": count for status, count in STATUS_COUNTS.items()},
                count_review=Count(
                    "quiz__questions",
                    filter=Q(
                        quiz__questions__is_current=True,
                        quiz__questions__needs_review=True,
                    )
                    & ~Q(quiz__questions__status=Question.Status.ARCHIVED),
                ),
            )
            .order_by("position"),
        )
    )
    return TemplateResponse(request, "quizzes/teach/index.html", {"articles": articles})


@require_POST
@teacher_required
def quiz_create(request, section_id: int):
    section = get_object_or_404(Section, pk=section_id)
    quiz, _created = Quiz.objects.get_or_create(section=section)
    messages.success(
        request, _("Quiz created for “%(lesson)s”.") % {"lesson": section.title}
    )
    return redirect("teach:quiz_detail", quiz.pk)


def _quiz(quiz_id: int) -> Quiz:
    return get_object_or_404(
        Quiz.objects.select_related("section__article"), pk=quiz_id
    )


@require_GET
@teacher_required
def quiz_detail(request, quiz_id: int):
    quiz = _quiz(quiz_id)
    questions = list(
        quiz.questions.current()
        .select_related("updated_by", "created_by")
        .with_stats()
        .order_by("position")
    )
    reports = quiz.questions.quality_reports()
    for question in questions:
        question.quality = reports.get(question.pk)
    return TemplateResponse(
        request,
        "quizzes/teach/quiz_detail.html",
        {"quiz": quiz, "questions": questions, "kinds": Question.Kind.choices},
    )


def _current_question(question_id: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("quiz__section__article").prefetch_related(
            "choices"
        ),
        pk=question_id,
    )
    if not question.is_current:
        raise PermissionDenied(_("This is an old version; edit the current one."))
    return question


def _new_question(quiz_id: int, kind: str | None) -> Question:
    if kind not in Question.Kind.values:
        kind = Question.Kind.SINGLE
    return Question(quiz=_quiz(quiz_id), kind=kind)


@require_http_methods(["GET", "POST"])
@teacher_required
def question_edit(request, quiz_id: int | None = None, question_id: int | None = None):
    if question_id is not None:
        question = _current_question(question_id)
    else:
        question = _new_question(quiz_id, request.GET.get("kind"))
    data = request.POST if request.method == "POST" else None
    editor = QuestionEditor(question, data)
    template = "quizzes/teach/question_form.html"
    if editor.row_action is not None and request.htmx:
        template += "#choice-rows"
    elif editor.is_valid():
        saved = editor.save(user=request.user)
        if question_id and saved.pk != question_id:  # a new version was made
            message = _(
                "Saved as version %(v)s: learners' past answers keep the version they answered."
            ) % {"v": saved.version}
        else:
            message = _("Question saved.")
        messages.success(request, message)
        return redirect("teach:quiz_detail", question.quiz_id)
    context = editor.context()
    if question.pk and not template.endswith("#choice-rows"):
        # Archived questions are not checked, so there may be no report.
        context["quality"] = (
            Question.objects.filter(pk=question.pk).quality_reports().get(question.pk)
        )
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
@teacher_required
def question_preview(request, question_id: int):
    question = get_object_or_404(
        Question.objects.select_related("quiz__section__article").prefetch_related(
            "choices"
        ),
        pk=question_id,
    )
    item = QuestionItem(
        number=question.position,
        question=question,
        choices=list(question.choices.all()),
        answer=None,
        attempt=None,
    )
    status = 200
    if request.method == "POST":
        try:
            submission = question.read_answer(request.POST)
        except ValidationError as error:
            # A slip (nothing chosen) is shown as an ordinary answer: with DEBUG on,
            # htmx hands any 4xx to the debug page. A forged post stays a 400.
            item.error, status = error.message, 200 if error.code in SLIPS else 400
        else:
            values = question.answer_values(submission)
            item.answer = Answer(question=question, is_checked=True, **values)
    template = "quizzes/teach/question_preview.html"
    if request.htmx:
        template += "#preview-card"
    return TemplateResponse(
        request, template, {"item": item, "question": question}, status=status
    )


@require_POST
@teacher_required
def question_dismiss_warning(request, question_id: int):
    """Dismiss one quality warning for this question (and its later versions), with a reason."""
    question = _current_question(question_id)
    form = DismissWarningForm(request.POST)
    if form.is_valid():
        try:
            question.dismiss_warning(
                code=form.cleaned_data["code"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request, _("Warning dismissed; your reason is kept with it.")
            )
            return redirect(
                reverse("teach:question_edit", args=[question.pk]) + "#quality"
            )
    return TemplateResponse(
        request,
        "quizzes/teach/question_dismiss.html",
        {"question": question, "form": form},
    )


@require_POST
@teacher_required
def question_status(request, question_id: int):
    question = _current_question(question_id)
    status = request.POST.get("status", "")
    if status not in Question.Status.values:
        return HttpResponse(_("Unknown status."), status=400)
    try:
        question.set_status(status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {
                "title": question.display_title,
                "status": Question.Status(status).label.lower(),
            },
        )
    return redirect("teach:quiz_detail", question.quiz_id)


@require_POST
@teacher_required
def question_delete(request, question_id: int):
    question = _current_question(question_id)
    try:
        question.delete_unanswered()
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Question deleted."))
    return redirect("teach:quiz_detail", question.quiz_id)


@require_http_methods(["GET", "POST"])
@teacher_required
def import_file(request, quiz_id: int):
    """Preview a file (kept on the server, owned by this teacher), then import it by
    reference: the Import button sends the preview's id, never the file again."""
    quiz = _quiz(quiz_id)
    plan, upload = None, None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = _previewed_upload(request, quiz, form)
        if upload is not None:
            result = PARSERS[upload.format](bytes(upload.content))
            plan = mapping.plan_import(quiz, result.questions, result.errors)
            if plan.ok and request.POST.get("confirm") == "yes":
                saved = services.import_questions(
                    quiz=quiz, plan=plan, user=request.user
                )
                if upload.pk:
                    upload.delete()
                messages.success(
                    request,
                    ngettext(
                        "Imported %(n)d question as a draft. Add its source quote, then publish it.",
                        "Imported %(n)d questions as drafts. Add each one's source quote, then publish.",
                        len(saved),
                    )
                    % {"n": len(saved)},
                )
                return redirect("teach:quiz_detail", quiz.pk)
            if plan.ok and not upload.pk:
                upload = ImportUpload.objects.keep(upload)
    else:
        form = ImportForm()
    context = {"quiz": quiz, "form": form, "plan": plan, "upload": upload}
    status = 400 if plan is not None and not plan.ok else 200
    return TemplateResponse(
        request, "quizzes/teach/import.html", context, status=status
    )


def _previewed_upload(request, quiz: Quiz, form: ImportForm) -> ImportUpload | None:
    """The file just sent (unsaved), or this teacher's previewed one; None if expired."""
    file = form.cleaned_data["file"]
    if file:
        return ImportUpload(
            owner=request.user,
            quiz=quiz,
            format=form.cleaned_data["format"],
            name=file.name[:255],
            content=file.read(),
        )
    upload = get_object_or_404(
        ImportUpload.objects.owned_by(request.user),
        pk=form.cleaned_data["upload"],
        quiz=quiz,
    )
    if upload.is_expired:
        upload.delete()
        form.add_error(
            None,
            ValidationError(
                _("This preview has expired; choose the file again."), code="expired"
            ),
        )
        return None
    return upload


def _download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@teacher_required
def export_quiz(request, quiz_id: int, file_format: str):
    quiz = _quiz(quiz_id)
    parsed = mapping.parsed_quizzes(Quiz.objects.filter(pk=quiz.pk), categories=False)
    name = slugify(quiz.section.title) or f"quiz-{quiz.pk}"
    if file_format in EXPORTERS:
        return _download(EXPORTERS[file_format](parsed), f"{name}.{file_format}.txt")
    return HttpResponse(_("Unknown format: use gift or aiken."), status=404)


@require_GET
@teacher_required
def export_all(request):
    parsed = mapping.parsed_quizzes(Quiz.objects.all(), categories=True)
    return _download(EXPORTERS["gift"](parsed), "relations-questions.gift.txt")


RECENT_ANSWERS = 5000


@require_GET
@teacher_required
def quiz_results(request, quiz_id: int):
    """How learners do on this quiz, and which wrong options they pick."""
    quiz = _quiz(quiz_id)
    questions = list(
        quiz.questions.current()
        .prefetch_related("choices")
        .with_stats()
        .order_by("position")
    )
    picks = Answer.objects.filter(question__in=questions).option_picks(RECENT_ANSWERS)
    # Apart from quiz answers, and over every version of each question.
    reviewed = ReviewLog.objects.stats_by_identity(q.identity for q in questions)
    for question in questions:
        question.option_stats = [
            (choice, picks.get(choice.pk, 0)) for choice in question.choices.all()
        ]
        question.review_stats = reviewed.get(question.identity)
    takers = Progress.objects.of_takers(quiz.section)
    learners = takers.select_related("learner").order_by("learner__username")
    context = {
        "quiz": quiz,
        "questions": questions,
        "summary": takers.summary(),
        "learners": Paginator(learners, 50).get_page(int_param(request.GET, "page")),
        "recent_limit": RECENT_ANSWERS,
    }
    return TemplateResponse(request, "quizzes/teach/quiz_results.html", context)
