"""Classes: teachers run classes and read their learners' work; learners join and leave."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.admin import csv_cell
from quizzes.classes import reports
from quizzes.classes.forms import ClassroomForm, CoTeacherForm, JoinForm
from quizzes.classes.statistics import RELIABLE_FROM, TOO_FEW_TO_JUDGE
from quizzes.learning import QuestionItem, attempt_items
from quizzes.models import Attempt, Classroom, Membership, Progress, Quiz
from quizzes.roles import teacher_required
from relations.models import Section


def _cohort(request, scope: str) -> reports.Cohort:
    """The teacher's own class (404 for anyone else's), or all learners."""
    if scope == "all":
        if (
            not request.user.is_superuser
            and Classroom.objects.taught_by(request.user).exists()
        ):
            raise PermissionDenied(
                _("You teach classes: each class shows its own learners.")
            )
        return reports.Cohort(classroom=None)
    classroom = get_object_or_404(
        Classroom.objects.taught_by(request.user), pk=int(scope)
    )
    return reports.Cohort(classroom=classroom)


def _own_classroom(request, classroom_id: int) -> Classroom:
    return get_object_or_404(Classroom.objects.taught_by(request.user), pk=classroom_id)


# Teachers: their classes ------------------------------------------------------------------


@require_GET
@teacher_required
def classroom_list(request):
    classrooms = (
        Classroom.objects.taught_by(request.user)
        .annotate(learner_count=Count("memberships", distinct=True))
        .prefetch_related("articles")
    )
    return TemplateResponse(
        request, "quizzes/classes/classroom_list.html", {"classrooms": classrooms}
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_create(request):
    if request.method == "POST":
        form = ClassroomForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                classroom = form.save()
                classroom.teachers.add(request.user)
            messages.success(
                request,
                _("Class created. Give your students its join code: %(code)s")
                % {"code": classroom.join_code},
            )
            return redirect(classroom)
    else:
        form = ClassroomForm()
    return TemplateResponse(
        request, "quizzes/classes/classroom_form.html", {"form": form}
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_edit(request, classroom_id: int):
    """Rename the class or change the articles it studies; learners and codes stay."""
    classroom = _own_classroom(request, classroom_id)
    data = request.POST if request.method == "POST" else None
    form = ClassroomForm(data, instance=classroom)
    if form.is_valid():
        form.save()
        messages.success(request, _("Class saved."))
        return redirect(classroom)
    return TemplateResponse(
        request,
        "quizzes/classes/classroom_form.html",
        {"form": form, "classroom": classroom},
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_delete(request, classroom_id: int):
    """GET asks to confirm; POST deletes the class. Learners keep their own progress."""
    classroom = _own_classroom(request, classroom_id)
    if request.method == "POST":
        name = classroom.name
        classroom.delete()
        messages.success(
            request,
            _("“%(name)s” is deleted; its learners keep their own progress.")
            % {"name": name},
        )
        return redirect("classes:classroom_list")
    context = {"classroom": classroom, "learner_count": classroom.memberships.count()}
    return TemplateResponse(request, "quizzes/classes/classroom_delete.html", context)


@require_GET
@teacher_required
def classroom_detail(request, classroom_id: int):
    classroom = _own_classroom(request, classroom_id)
    cohort = reports.Cohort(classroom=classroom)
    context = {
        "classroom": classroom,
        "cohort": cohort,
        "memberships": classroom.memberships.select_related("learner").order_by(
            "learner__username"
        ),
        "teachers": classroom.teachers.order_by("username"),
        "sections": cohort.sections(),
        "join_url": request.build_absolute_uri(classroom.join_url()),
        "teacher_form": CoTeacherForm(),
    }
    return TemplateResponse(request, "quizzes/classes/classroom_detail.html", context)


@require_POST
@teacher_required
def regenerate_code(request, classroom_id: int):
    classroom = _own_classroom(request, classroom_id)
    classroom.regenerate_code()
    messages.success(
        request,
        _("New join code: %(code)s. The old code and link no longer work.")
        % {"code": classroom.join_code},
    )
    return redirect(classroom)


@require_POST
@teacher_required
def remove_learner(request, classroom_id: int, learner_id: int):
    classroom = _own_classroom(request, classroom_id)
    membership = get_object_or_404(
        Membership.objects.select_related("learner"),
        classroom=classroom,
        learner_id=learner_id,
    )
    membership.delete()
    messages.success(
        request,
        _("%(name)s is no longer in this class.")
        % {"name": membership.learner.get_username()},
    )
    return redirect(classroom)


@require_POST
@teacher_required
def add_teacher(request, classroom_id: int):
    classroom = _own_classroom(request, classroom_id)
    form = CoTeacherForm(request.POST)
    if form.is_valid():
        teacher = form.cleaned_data["teacher"]
        classroom.teachers.add(teacher)
        messages.success(
            request,
            _("%(name)s now teaches this class too.")
            % {"name": teacher.get_username()},
        )
    else:
        messages.error(request, " ".join(form.errors["teacher"]))
    return redirect(classroom)


@require_POST
@teacher_required
def remove_teacher(request, classroom_id: int, teacher_id: int):
    classroom = _own_classroom(request, classroom_id)
    teacher = get_object_or_404(classroom.teachers, pk=teacher_id)
    try:
        classroom.remove_teacher(teacher)
    except ValidationError as error:
        messages.error(request, error.message)
        return redirect(classroom)
    if teacher == request.user:
        messages.success(
            request, _("You no longer teach “%(name)s”.") % {"name": classroom.name}
        )
        return redirect("classes:classroom_list")
    messages.success(
        request,
        _("%(name)s no longer teaches this class.") % {"name": teacher.get_username()},
    )
    return redirect(classroom)


# Teachers: what the class does ------------------------------------------------------------


@require_GET
@teacher_required
def progress(request, scope: str):
    cohort = _cohort(request, scope)
    grid = reports.progress_grid(cohort, request.GET.get("sort", "name"))
    return TemplateResponse(
        request, "quizzes/classes/progress.html", {"cohort": cohort, "grid": grid}
    )


@require_GET
@teacher_required
def progress_csv(request, scope: str):
    cohort = _cohort(request, scope)
    grid = reports.progress_grid(cohort, request.GET.get("sort", "name"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(cohort.name) or "class"
    response["Content-Disposition"] = f'attachment; filename="{filename}-progress.csv"'
    writer = csv.writer(response)
    header = [_("learner"), _("passed"), _("of"), _("last activity")]
    for section in grid.sections:
        header += [section.title, _("%(lesson)s: best") % {"lesson": section.title}]
    writer.writerow([csv_cell(value) for value in header])
    for row in grid.rows:
        values = [row.learner.get_username(), row.passed, row.total, row.last_activity]
        for cell in row.cells:
            values += [cell.label, cell.best_score]
        writer.writerow([csv_cell(value) for value in values])
    return response


def _learner(cohort: reports.Cohort, learner_id: int) -> User:
    return get_object_or_404(
        User.objects.filter(pk__in=cohort.learner_ids()), pk=learner_id
    )


@require_GET
@teacher_required
def learner_detail(request, scope: str, learner_id: int):
    cohort = _cohort(request, scope)
    learner = _learner(cohort, learner_id)
    sections = cohort.sections()
    progress = {
        row.section_id: row
        for row in Progress.objects.filter(learner=learner, section__in=sections)
    }
    cells = [reports.Cell(section, progress.get(section.pk)) for section in sections]
    attempts = (
        Attempt.objects.finished()
        .filter(learner=learner, quiz__section__in=sections)
        .select_related("quiz__section")
        .defer(
            "question_ids",
            "choice_order",
            "quiz__section__body",
            "quiz__section__body_html",
        )
        .order_by("quiz__section__position", "started_at")
    )
    context = {
        "cohort": cohort,
        "learner": learner,
        "cells": cells,
        "attempts": attempts,
        "misconceptions": reports.learner_misconceptions(cohort, learner),
    }
    return TemplateResponse(request, "quizzes/classes/learner_detail.html", context)


@require_GET
@teacher_required
def learner_lesson(request, scope: str, learner_id: int, section_id: int):
    """One grid cell: the learner's attempts at one lesson's quiz."""
    cohort = _cohort(request, scope)
    learner = _learner(cohort, learner_id)
    section = get_object_or_404(
        Section.objects.select_related("article"),
        pk=section_id,
        article__in=cohort.articles(),
    )
    attempts = (
        Attempt.objects.finished()
        .filter(learner=learner, quiz__section=section)
        .order_by("started_at")
    )
    context = {
        "cohort": cohort,
        "learner": learner,
        "section": section,
        "cell": reports.Cell(
            section, Progress.objects.filter(learner=learner, section=section).first()
        ),
        "attempts": attempts,
    }
    return TemplateResponse(request, "quizzes/classes/learner_lesson.html", context)


@require_GET
@teacher_required
def attempt_review(request, scope: str, attempt_id: int):
    """A learner's finished attempt as the learner reviews it, read-only."""
    cohort = _cohort(request, scope)
    attempt = get_object_or_404(
        Attempt.objects.finished().select_related("quiz__section__article", "learner"),
        pk=attempt_id,
        learner_id__in=cohort.learner_ids(),
        quiz__section__article__in=cohort.articles(),
    )
    items: list[QuestionItem] = attempt_items(attempt)
    context = {
        "cohort": cohort,
        "attempt": attempt,
        "learner": attempt.learner,
        "section": attempt.quiz.section,
        "items": items,
    }
    return TemplateResponse(request, "quizzes/classes/attempt_review.html", context)


def _quiz(cohort: reports.Cohort, quiz_id: int) -> Quiz:
    return get_object_or_404(
        Quiz.objects.select_related("section__article"),
        pk=quiz_id,
        section__article__in=cohort.articles(),
    )


@require_GET
@teacher_required
def quiz_statistics(request, scope: str, quiz_id: int):
    cohort = _cohort(request, scope)
    quiz = _quiz(cohort, quiz_id)
    all_attempts = request.GET.get("attempts") == "all"
    report = reports.quiz_report(cohort, quiz, all_attempts=all_attempts)
    context = {
        "cohort": cohort,
        "quiz": quiz,
        "report": report,
        "too_few": TOO_FEW_TO_JUDGE,
        "reliable": RELIABLE_FROM,
    }
    return TemplateResponse(request, "quizzes/classes/quiz_statistics.html", context)


@require_GET
@teacher_required
def misconception_list(request, scope: str):
    cohort = _cohort(request, scope)
    context = {"cohort": cohort, "misconceptions": reports.misconceptions(cohort)}
    return TemplateResponse(request, "quizzes/classes/misconception_list.html", context)


@require_GET
@teacher_required
def lesson_coverage(request, scope: str, section_id: int):
    cohort = _cohort(request, scope)
    section = get_object_or_404(
        Section.objects.select_related("article", "quiz"),
        pk=section_id,
        article__in=cohort.articles(),
        quiz__isnull=False,
    )
    quiz = section.quiz
    all_attempts = request.GET.get("attempts") == "all"
    report = reports.quiz_report(cohort, quiz, all_attempts=all_attempts)
    parts = reports.coverage(section, report, _anchored_questions(quiz, report))
    passages = [p for p in parts if isinstance(p, reports.Passage)]
    context = {
        "cohort": cohort,
        "section": section,
        "quiz": quiz,
        "report": report,
        "parts": parts,
        "passages": [p for p in passages if p.is_tested],
        "untested": sum(1 for p in passages if not p.is_tested),
    }
    return TemplateResponse(request, "quizzes/classes/lesson_coverage.html", context)


def _anchored_questions(quiz: Quiz, report) -> list:
    """The report's questions, then the quiz's other published ones, that have a quote."""
    reported = [row.question for row in report.items]
    seen = {question.pk for question in reported}
    others = [
        question
        for question in quiz.questions.published().order_by("position")
        if question.pk not in seen
    ]
    return [q for q in reported + others if q.source_quote]


# Learners: joining and leaving -------------------------------------------------------------


@require_GET
@login_required
def my_classes(request):
    memberships = (
        Membership.objects.filter(learner=request.user)
        .select_related("classroom")
        .prefetch_related("classroom__articles", "classroom__teachers")
        .order_by("classroom__name")
    )
    return TemplateResponse(
        request,
        "quizzes/classes/my_classes.html",
        {"memberships": memberships, "form": JoinForm()},
    )


def _join(request, classroom: Classroom):
    try:
        with transaction.atomic():
            Membership.objects.create(classroom=classroom, learner=request.user)
    except IntegrityError:
        messages.info(
            request, _("You are already in %(name)s.") % {"name": classroom.name}
        )
    else:
        messages.success(request, _("You joined %(name)s.") % {"name": classroom.name})
    return redirect("classes:my_classes")


@require_http_methods(["GET", "POST"])
@login_required
def join(request):
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            return _join(request, form.classroom)
    else:
        form = JoinForm()
    return TemplateResponse(request, "quizzes/classes/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def join_link(request, code: str):
    """The link a teacher shares: GET asks to confirm, POST joins."""
    classroom = get_object_or_404(
        Classroom.objects.prefetch_related("articles", "teachers"), join_code=code
    )
    if request.method == "POST":
        return _join(request, classroom)
    is_member = classroom.memberships.filter(learner=request.user).exists()
    return TemplateResponse(
        request,
        "quizzes/classes/join_confirm.html",
        {"classroom": classroom, "is_member": is_member},
    )


@require_POST
@login_required
def leave(request, classroom_id: int):
    membership = get_object_or_404(
        Membership.objects.select_related("classroom"),
        classroom_id=classroom_id,
        learner=request.user,
    )
    membership.delete()
    messages.success(
        request, _("You left %(name)s.") % {"name": membership.classroom.name}
    )
    return redirect("classes:my_classes")
