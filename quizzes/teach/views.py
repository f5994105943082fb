"""The Teach area: teachers write, preview, publish, import and export questions."""

import re
from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import services
from quizzes.answers import refusal_status
from quizzes.interchange import EXPORTERS, PARSERS, mapping
from quizzes.learning import QuestionItem
from quizzes.models import Answer, ImportUpload, Progress, Question, Quiz, ReviewLog
from quizzes.roles import teacher_required
from quizzes.teach.forms import (
    BulkStatusForm,
    DismissWarningForm,
    ImportForm,
    QuestionEditor,
    QuestionFilterForm,
    QuizSettingsForm,
)
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
    """The quiz's questions as a table: search, filters, bulk actions; the row just
    saved in the editor (?saved=<id>) is marked."""
    quiz = _quiz(quiz_id)
    filters = QuestionFilterForm(request.GET if request.GET else None)
    questions = list(
        filters.apply(quiz.questions.current())
        .select_related("updated_by")
        .with_stats()
        .order_by("position")
    )
    reports = quiz.questions.quality_reports()
    for question in questions:
        question.quality = reports.get(question.pk)
    if filters.filters().get("warnings"):
        questions = [q for q in questions if q.quality and q.quality.open]
    template = "quizzes/teach/quiz_detail.html"
    # Back to a filtered list, htmx asks again for the whole page (no history cache).
    if request.htmx and not request.htmx.history_restore_request:
        template += "#question-table"
    context = {
        "quiz": quiz,
        "questions": questions,
        "kinds": Question.Kind.choices,
        "filters": filters,
        "saved": int_param(request.GET, "saved"),
        "checked": _ints(request.GET.getlist("checked")),
    }
    return TemplateResponse(request, template, context)


def _ints(values: list[str]) -> set[int]:
    return {int(value) for value in values if re.fullmatch(r"[0-9]{1,18}", value)}


def _list_url(quiz: Quiz, data, **extra) -> str:
    """The question list with the filters found in `data` (only those) and `extra`."""
    query = QueryDict(mutable=True)
    for name in QuestionFilterForm.FIELDS:
        if value := data.get(name, ""):
            query[name] = value[:200]
    for name, value in extra.items():
        if isinstance(value, list | tuple | set):
            query.setlist(name, [str(item) for item in value])
        elif value is not None:
            query[name] = str(value)
    url = reverse("teach:quiz_detail", args=[quiz.pk])
    return f"{url}?{query.urlencode()}" if query else url


@require_POST
@teacher_required
def questions_bulk(request, quiz_id: int):
    """Publish or archive the checked questions, by the rules of one at a time: if any
    cannot be, none is changed, and each refusal is named with its reason."""
    quiz = _quiz(quiz_id)
    form = BulkStatusForm(request.POST, quiz=quiz)
    if not form.is_valid():
        if "question" in form.errors and request.POST.getlist("question"):
            raise Http404(_("No such question in this quiz."))
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_list_url(quiz, request.POST))
    status = BulkStatusForm.ACTIONS[form.cleaned_data["action"]]
    ids = form.cleaned_data["question"]
    try:
        changed = services.set_statuses(quiz=quiz, ids=ids, status=status)
    except ValidationError as error:
        _say_refused(request, error)
        return redirect(_list_url(quiz, request.POST, checked=ids))
    label = Question.Status(status).label.lower()
    messages.success(
        request,
        ngettext(
            "%(n)s question is now %(status)s.",
            "%(n)s questions are now %(status)s.",
            len(changed),
        )
        % {"n": len(changed), "status": label},
    )
    return redirect(_list_url(quiz, request.POST))


def _say_refused(request, error: ValidationError) -> None:
    """Nothing changed: how many questions were refused, then each one's reason."""
    count = len(error.messages)
    messages.error(
        request,
        ngettext(
            "Nothing was changed: %(n)s question cannot be published.",
            "Nothing was changed: %(n)s questions cannot be published.",
            count,
        )
        % {"n": count},
    )
    for message in error.messages:
        messages.error(request, message)


@require_http_methods(["GET", "POST"])
@teacher_required
def quiz_settings(request, quiz_id: int):
    """Pass mark, feedback mode, attempts and visibility of a quiz."""
    quiz = _quiz(quiz_id)
    if request.method == "POST":
        form = QuizSettingsForm(request.POST, instance=quiz)
        if form.is_valid():
            form.save()
            messages.success(request, _("Quiz settings saved."))
            return redirect("teach:quiz_detail", quiz.pk)
    else:
        form = QuizSettingsForm(instance=quiz)
    return TemplateResponse(
        request, "quizzes/teach/quiz_settings.html", {"quiz": quiz, "form": form}
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
        url = _list_url(question.quiz, {}, saved=saved.pk)
        return redirect(f"{url}#question-{saved.pk}")
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
    status = _try_answer(item, request.POST) if request.method == "POST" else 200
    template = "quizzes/teach/question_preview.html"
    if request.htmx:
        template += "#preview-card"
    return TemplateResponse(
        request, template, {"item": item, "question": question}, status=status
    )


def _try_answer(item: QuestionItem, data) -> int:
    """Grade the teacher's try in the preview, stored nowhere; the response's status.
    A slip (nothing chosen) is shown as an ordinary answer: with DEBUG on, htmx hands
    any 4xx to the debug page. A forged post stays a 400."""
    question = item.question
    try:
        submission = question.read_answer(data)
    except ValidationError as error:
        item.error = error.message
        return refusal_status(error)
    values = question.answer_values(submission)
    item.answer = Answer(question=question, is_checked=True, **values)
    return 200


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
    if request.POST.get("back") == "preview":
        return redirect("teach:question_preview", question.pk)
    return redirect("teach:quiz_detail", question.quiz_id)


@require_http_methods(["GET", "POST"])
@teacher_required
def question_delete(request, question_id: int):
    """GET asks to confirm; POST deletes (a question nobody answered; others are archived)."""
    question = _current_question(question_id)
    if request.method == "GET":
        return TemplateResponse(
            request,
            "quizzes/teach/question_delete.html",
            {"question": question, "quiz": question.quiz},
        )
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
    """Preview a file or pasted text (kept on the server, owned by this teacher), then
    import it by reference: the Import button sends the preview's id, never the text again."""
    quiz = _quiz(quiz_id)
    plan, upload = None, None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = _previewed_upload(request, quiz, form)
        if upload is not None:
            plan = _plan(quiz, upload)
            if plan.ok and request.POST.get("confirm") == "yes":
                return _import(request, quiz, plan, upload)
            if plan.ok and not upload.pk:
                upload = ImportUpload.objects.keep(upload)
    else:
        form = ImportForm()
    context = {
        "quiz": quiz,
        "form": form,
        "plan": plan,
        "upload": upload,
        "example": GIFT_EXAMPLE,
    }
    status = 400 if plan is not None and not plan.ok else 200
    return TemplateResponse(
        request, "quizzes/teach/import.html", context, status=status
    )


def _plan(quiz: Quiz, upload: ImportUpload) -> mapping.ImportPlan:
    result = PARSERS[upload.format](bytes(upload.content))
    return mapping.plan_import(quiz, result.questions, result.errors)


def _import(request, quiz: Quiz, plan: mapping.ImportPlan, upload: ImportUpload):
    """Import the previewed questions; the kept preview is no longer needed."""
    saved = services.import_questions(quiz=quiz, plan=plan, user=request.user)
    if upload.pk:
        upload.delete()
    messages.success(request, _imported_message(saved))
    return redirect("teach:quiz_detail", quiz.pk)


GIFT_EXAMPLE = """// [id:danube-sea]
// relations-quote: The Danube flows through ten countries
// relations-status: draft
::Black Sea::Which river reaches the Black Sea?{
	=Danube#Yes: it flows through ten countries first.
	~Rhine#The Rhine ends in the North Sea.
	~Thames
}

::Freight::The Rhine carries more freight than any other river in Europe.{TRUE}
"""


def _imported_message(saved: list[Question]) -> str:
    counts = Counter(question.status for question in saved)
    if counts[Question.Status.DRAFT] == len(saved):
        return ngettext(
            "Imported %(n)s question as a draft. Add its source quote, then publish.",
            "Imported %(n)s questions as drafts. Add each one's source quote, then publish.",
            len(saved),
        ) % {"n": len(saved)}
    drafts = counts[Question.Status.DRAFT]
    return _(
        "Imported %(n)s questions: %(published)s published, %(drafts)s, %(archived)s archived."
    ) % {
        "n": len(saved),
        "published": counts[Question.Status.PUBLISHED],
        "drafts": ngettext("%(n)s draft", "%(n)s drafts", drafts) % {"n": drafts},
        "archived": counts[Question.Status.ARCHIVED],
    }


def _previewed_upload(request, quiz: Quiz, form: ImportForm) -> ImportUpload | None:
    """The file or text just sent (unsaved), or this teacher's previewed one; None if
    expired."""
    file, text = form.cleaned_data["file"], form.cleaned_data["text"]
    if file or text:
        return ImportUpload(
            owner=request.user,
            quiz=quiz,
            format=form.cleaned_data["format"],
            name=file.name[:255] if file else _("pasted text"),
            content=file.read() if file else text.encode(),
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
                _("This preview has expired; choose the file or paste the text again."),
                code="expired",
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
