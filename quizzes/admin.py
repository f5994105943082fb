"""Admin for quizzes, people and learners' records."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes.forms import QuestionForm
from quizzes.interchange import gift, mapping
from quizzes.models import (
    Answer,
    Attempt,
    Choice,
    Classroom,
    Membership,
    Progress,
    Question,
    Quiz,
)
from quizzes.roles import TEACHERS_GROUP
from relations.admin import (
    AdvisedDeleteInlineFormSet,
    PositionedInlineFormSet,
    ProtectedDeleteMixin,
    PublishActionsMixin,
    SectionAdmin,
)
from relations.models import Section


class QuizListFilter(admin.RelatedFieldListFilter):
    """Quizzes named after their lesson, listed in one query."""

    def field_choices(self, field, request, model_admin):
        quizzes = Quiz.objects.select_related("section__article").order_by(
            "section__article__title", "section__position"
        )
        return [
            (quiz.pk, f"{quiz.section.article} · {quiz.section}") for quiz in quizzes
        ]


# Content ------------------------------------------------------------------------------


class QuizInlineFormSet(AdvisedDeleteInlineFormSet):
    protected_delete_message = _(
        "Learners have taken this quiz; unpublish it instead of deleting it."
    )


class QuizInline(admin.StackedInline):
    """The quiz settings of a lesson."""

    model = Quiz
    formset = QuizInlineFormSet
    fields = ["pass_mark", "feedback_mode", "max_attempts", "is_published"]
    max_num = 1
    extra = 0


class SectionWithQuizAdmin(SectionAdmin):
    """The lesson admin of `relations`, with its quiz settings (which `relations` cannot import)."""

    inlines = [*SectionAdmin.inlines, QuizInline]


admin.site.unregister(Section)
admin.site.register(Section, SectionWithQuizAdmin)


@admin.register(Quiz)
class QuizAdmin(ProtectedDeleteMixin, PublishActionsMixin, admin.ModelAdmin):
    list_display = [
        "lesson",
        "article",
        "pass_mark",
        "feedback_mode",
        "max_attempts",
        "is_published",
        "questions_link",
    ]
    list_select_related = ["section__article"]
    list_filter = ["section__article", "feedback_mode", "is_published"]
    search_fields = ["section__title", "section__article__title"]
    ordering = ["section__article__title", "section__position"]
    fields = ["section", "pass_mark", "feedback_mode", "max_attempts", "is_published"]
    actions = ["publish", "unpublish", "delete_selected"]
    protected_delete_message = _(
        "Learners have taken this quiz; unpublish it instead of deleting it."
    )
    protected_bulk_delete_message = _(
        "Learners have taken some of these quizzes; "
        "unpublish them instead of deleting them. Nothing was deleted."
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_count=Count("questions", filter=Q(questions__is_current=True))
            )
        )

    @admin.display(description=_("lesson"), ordering="section__position")
    def lesson(self, quiz):
        return quiz.section.title

    @admin.display(description=_("article"), ordering="section__article__title")
    def article(self, quiz):
        return quiz.section.article.title

    @admin.display(description=_("questions"), ordering="question_count")
    def questions_link(self, quiz):
        url = reverse(
            "admin:quizzes_question_changelist", current_app=self.admin_site.name
        )
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"quiz__id__exact": quiz.pk}),
            quiz.question_count,
        )


def is_locked(question: Question | None) -> bool:
    """An earlier version, or answered by learners: changing it would rewrite their results."""
    if question is None or question.pk is None:
        return False
    if not hasattr(question, "_has_answers"):
        # Asked several times while one admin page is built.
        question._has_answers = question.has_answers()
    return not question.is_current or question._has_answers


class ChoiceInlineFormSet(PositionedInlineFormSet):
    def clean(self):
        """The question's own rules for its choices (`Question.clean_choices`)."""
        super().clean()
        if any(self.errors):
            return
        deleted = self.deleted_forms
        choices = [
            form.instance
            for form in self.forms
            if form.cleaned_data and form not in deleted
        ]
        self.instance.clean_choices(choices)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    fields = [
        "position",
        "text",
        "is_correct",
        "match_text",
        "value",
        "tolerance",
        "feedback",
        "misconception",
    ]
    ordering = ["position"]
    extra = 0

    # A question that learners have answered keeps its choices: their answers point at them.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not is_locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_locked(obj)


class VersionListFilter(admin.SimpleListFilter):
    title = _("version")
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return [("old", _("Earlier versions")), ("all", _("All versions"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Current"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(is_current=self.value() != "old")


class QuestionAdminForm(QuestionForm):
    """The teacher editor's question form, so its rules hold here too, with quiz and position."""

    class Meta(QuestionForm.Meta):
        fields = ["quiz", "position", *QuestionForm.Meta.fields, "external_id", "tags"]

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        section = (
            instance.quiz.section if instance is not None and instance.quiz_id else None
        )
        super().__init__(*args, section=section, **kwargs)

    def clean_quiz(self):
        # Fields are cleaned in order: the quote is then checked against this quiz's lesson.
        quiz = self.cleaned_data["quiz"]
        self.section = quiz.section
        return quiz

    def clean_source_quote(self):
        if self.section is None:
            # No valid quiz, so no lesson to look in; the quiz field shows its own error.
            return self.cleaned_data["source_quote"]
        return super().clean_source_quote()

    def validate_unique(self):
        super().validate_unique()
        # `is_current` is no form field, so model validation skips the unique constraints
        # that name it (position and external id among current questions); check them
        # here, or saving fails.
        exclude = self._get_validation_exclusions() - {"is_current"}
        for constraint in Question._meta.constraints:
            try:
                constraint.validate(Question, self.instance, exclude=exclude)
            except ValidationError as error:
                name = (getattr(constraint, "fields", None) or [None])[-1]
                if name not in self.fields:
                    self.add_error(None, error)
                    continue
                self.add_error(
                    name,
                    ValidationError(
                        _("Another current question of this quiz has this %(field)s."),
                        code="unique",
                        params={"field": Question._meta.get_field(name).verbose_name},
                    ),
                )


HISTORY_FIELDS = [
    "version",
    "previous_version",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
]


@admin.register(Question)
class QuestionAdmin(ProtectedDeleteMixin, admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = [
        "short_prompt",
        "lesson",
        "position",
        "kind",
        "status",
        "points",
        "needs_review",
        "version",
    ]
    list_display_links = ["short_prompt"]
    list_select_related = ["quiz__section"]
    list_filter = [
        ("quiz__section__article", admin.RelatedFieldListFilter),
        ("quiz__section", admin.RelatedFieldListFilter),
        "kind",
        "status",
        "needs_review",
        VersionListFilter,
    ]
    search_fields = ["prompt", "title", "choices__text", "choices__match_text"]
    ordering = ["quiz__section__article__title", "quiz__section__position", "position"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "quiz",
                    "position",
                    "kind",
                    "status",
                    "points",
                    "title",
                    "prompt",
                ],
                "description": _(
                    "To publish or archive questions, select them in the list of questions "
                    "and choose the action."
                ),
            },
        ),
        (
            _("Feedback and source"),
            {
                "fields": [
                    "explanation",
                    "incorrect_feedback",
                    "source_quote",
                    "needs_review",
                ]
            },
        ),
        (
            _("Interchange"),
            {"fields": ["external_id", "tags"], "classes": ["collapse"]},
        ),
        (_("History"), {"fields": HISTORY_FIELDS, "classes": ["collapse"]}),
    ]
    # Status changes go through the actions, which apply the rules of publishing.
    readonly_fields = ["status", "needs_review", *HISTORY_FIELDS]
    inlines = [ChoiceInline]
    actions = ["publish", "archive", "export_gift", "delete_selected"]
    protected_delete_message = _(
        "Learners have answered this question; archive it instead of deleting it."
    )
    protected_bulk_delete_message = _(
        "Learners have answered some of these questions; "
        "archive them instead of deleting them. Nothing was deleted."
    )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_locked(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if change and not self.has_change_permission(request, obj):
            # Shown read-only (answered, an old version, or view permission only):
            # the editor's rules have nothing to check and its fields are absent.
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method == "GET" and obj is not None and is_locked(obj):
            if obj.is_current:
                message = format_html(
                    _(
                        "Learners have answered this question, so it cannot be changed "
                        'here. <a href="{url}">Edit it in the teacher editor</a>, which '
                        "saves a new version and keeps their answers, or archive it."
                    ),
                    url=reverse("teach:question_edit", args=[obj.pk]),
                )
            else:
                message = _(
                    "This is an earlier version of a question; it cannot be changed."
                )
            self.message_user(request, message, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "quiz":
            kwargs["queryset"] = Quiz.objects.select_related(
                "section__article"
            ).order_by("section__article__title", "section__position")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("prompt"), ordering="prompt")
    def short_prompt(self, question):
        return question.display_title

    @admin.display(description=_("lesson"), ordering="quiz__section__position")
    def lesson(self, question):
        return question.quiz.section.title

    @admin.action(permissions=["change"], description=_("Publish selected questions"))
    def publish(self, request, queryset):
        self._set_status(request, queryset, Question.Status.PUBLISHED)

    @admin.action(permissions=["change"], description=_("Archive selected questions"))
    def archive(self, request, queryset):
        self._set_status(request, queryset, Question.Status.ARCHIVED)

    @admin.action(
        permissions=["view"], description=_("Export selected questions as GIFT")
    )
    def export_gift(self, request, queryset):
        questions = (
            queryset.select_related("quiz__section__article")
            .prefetch_related("choices")
            .order_by(*self.ordering)
        )
        parsed, quiz_id = [], None
        for question in questions:
            if question.quiz_id != quiz_id:
                # A category per lesson, as the teacher's export writes it: imports land there.
                parsed.append(mapping.category_switch(question.quiz.section))
                quiz_id = question.quiz_id
            parsed.append(mapping.to_parsed(question))
        response = HttpResponse(
            gift.export_gift(parsed), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="questions.gift.txt"'
        return response

    def _set_status(self, request, queryset, status: str) -> None:
        changed = 0
        for question in queryset.current().select_related("quiz__section"):
            try:
                question.set_status(status)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                changed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d question is now %(status)s.",
                "%(count)d questions are now %(status)s.",
                changed,
            )
            % {"count": changed, "status": Question.Status(status).label.lower()},
            messages.SUCCESS,
        )


# Learners' records: read-only --------------------------------------------------------


class ReadOnlyAdminMixin:
    """Learners' records are shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Answer
    fields = ["question", "response", "fraction", "points", "is_checked", "answered_at"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "learner",
        "lesson",
        "started_at",
        "finished_at",
        "score",
        "passed",
        "answer_count",
    ]
    list_select_related = ["learner", "quiz__section"]
    list_filter = [
        ("quiz", QuizListFilter),
        ("learner", admin.RelatedOnlyFieldListFilter),
        "started_at",
        "finished_at",
        "passed",
    ]
    search_fields = ["learner__username", "learner__email"]
    date_hierarchy = "started_at"
    inlines = [AnswerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("answers"))

    @admin.display(description=_("lesson"), ordering="quiz__section__position")
    def lesson(self, attempt):
        return attempt.quiz.section.title

    @admin.display(description=_("answers"), ordering="answer_count")
    def answer_count(self, attempt):
        return attempt.answer_count


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "learner",
        "lesson",
        "question",
        "points",
        "is_checked",
        "answered_at",
    ]
    list_select_related = ["attempt__learner", "question__quiz__section"]
    list_filter = [
        ("attempt__quiz", QuizListFilter),
        ("attempt__learner", admin.RelatedOnlyFieldListFilter),
        "answered_at",
    ]
    search_fields = ["attempt__learner__username", "attempt__learner__email"]
    date_hierarchy = "answered_at"

    @admin.display(description=_("learner"), ordering="attempt__learner__username")
    def learner(self, answer):
        return answer.attempt.learner

    @admin.display(description=_("lesson"))
    def lesson(self, answer):
        return answer.question.quiz.section.title


CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA_PREFIXES) else text


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "learner",
        "article",
        "lesson",
        "read_at",
        "attempts_count",
        "best_score",
        "last_score",
        "first_passed_at",
        "last_attempt_at",
    ]
    list_select_related = ["learner", "section__article"]
    list_filter = [
        ("section__article", admin.RelatedFieldListFilter),
        ("section", admin.RelatedFieldListFilter),
        ("learner", admin.RelatedOnlyFieldListFilter),
        "first_passed_at",
        "last_attempt_at",
    ]
    search_fields = ["learner__username", "learner__email"]
    ordering = ["learner__username", "section__article__title", "section__position"]
    actions = ["export_csv"]

    @admin.display(description=_("article"), ordering="section__article__title")
    def article(self, progress):
        return progress.section.article.title

    @admin.display(description=_("lesson"), ordering="section__position")
    def lesson(self, progress):
        return progress.section.title

    @admin.action(
        permissions=["view"], description=_("Export selected progress as CSV")
    )
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="progress.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["learner", "article", "lesson", "best score", "attempts", "passed at"]
        )
        rows = queryset.select_related("learner", "section__article").order_by(
            *self.ordering
        )
        for progress in rows:
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (
                        progress.learner.get_username(),
                        progress.section.article.title,
                        progress.section.title,
                        progress.best_score,
                        progress.attempts_count,
                        progress.first_passed_at,
                    )
                ]
            )
        return response


# People -------------------------------------------------------------------------------


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return UserAdmin.ROLES

    def queryset(self, request, queryset):
        if self.value() == "admin":
            return queryset.filter(is_superuser=True)
        if self.value() == "teacher":
            return queryset.filter(is_superuser=False, is_in_teachers=True)
        if self.value() == "student":
            return queryset.filter(is_superuser=False, is_in_teachers=False)
        return queryset


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(ProtectedDeleteMixin, auth_admin.UserAdmin):
    ROLES = [
        ("student", _("Student")),
        ("teacher", _("Teacher")),
        ("admin", _("Admin")),
    ]

    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "is_staff",
        "is_active",
    ]
    list_filter = [RoleListFilter, "is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "email", "first_name", "last_name"]
    actions = ["add_to_teachers", "remove_from_teachers", "delete_selected"]
    protected_delete_message = _(
        "This user has learning records, which are never deleted here; "
        "deactivate the account (untick “Active”) instead."
    )
    protected_bulk_delete_message = _(
        "Some of these users have learning records, which are never deleted here; "
        "deactivate their accounts instead. Nothing was deleted."
    )

    def is_delete_refused(self, objs) -> bool:
        return (
            Attempt.objects.filter(learner__in=objs).exists()
            or Progress.objects.filter(learner__in=objs).exists()
        )

    def get_queryset(self, request):
        membership = User.groups.through.objects.filter(
            user=OuterRef("pk"), group__name=TEACHERS_GROUP
        )
        return super().get_queryset(request).annotate(is_in_teachers=Exists(membership))

    @admin.display(description=_("role"))
    def role(self, user):
        if user.is_superuser:
            key = "admin"
        elif user.is_in_teachers:
            key = "teacher"
        else:
            key = "student"
        return dict(self.ROLES)[key]

    @admin.action(
        permissions=["change"], description=_("Add selected users to Teachers")
    )
    def add_to_teachers(self, request, queryset):
        group = Group.objects.get(name=TEACHERS_GROUP)
        users = list(queryset)
        group.user_set.add(*users)
        self.message_user(
            request,
            ngettext(
                "%(count)d user is now a teacher.",
                "%(count)d users are now teachers.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(
        permissions=["change"], description=_("Remove selected users from Teachers")
    )
    def remove_from_teachers(self, request, queryset):
        group = Group.objects.get(name=TEACHERS_GROUP)
        users = list(queryset)
        group.user_set.remove(*users)
        self.message_user(
            request,
            ngettext(
                "%(count)d user is no longer a teacher.",
                "%(count)d users are no longer teachers.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


# Classes: admins see every class -------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["learner", "joined_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["learner"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("learner")


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "join_code", "teacher_names", "learner_count", "created_at"]
    list_filter = [("articles", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["name", "join_code", "teachers__username", "teachers__email"]
    filter_horizontal = ["teachers", "articles"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("teachers")
            .annotate(learner_count=Count("memberships", distinct=True))
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teachers":
            kwargs["queryset"] = User.objects.filter(
                Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True)
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("teachers"))
    def teacher_names(self, classroom):
        return ", ".join(t.get_username() for t in classroom.teachers.all())

    @admin.display(description=_("learners"), ordering="learner_count")
    def learner_count(self, classroom):
        return classroom.learner_count
