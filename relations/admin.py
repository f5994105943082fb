"""Admin for the course content: articles and their lessons."""

from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import NestedObjects, model_ngettext, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import Count, F, Max
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from relations.models import Article, Section


class PositionedInlineFormSet(BaseInlineFormSet):
    """Rows ordered by a `position` unique within their parent, reorderable in one save.

    The formset already refuses two rows with the same position. Saving them one by one
    would still trip the unique constraint when two rows swap places, so rows that move
    (or go) are first parked above every position in use, then saved where they belong.
    """

    def save_existing_objects(self, commit=True):
        if commit:
            self._park_moving_rows()
        return super().save_existing_objects(commit)

    def _park_moving_rows(self) -> None:
        deleted = self.deleted_forms
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None
            and (
                form in deleted
                or (form.has_changed() and "position" in form.changed_data)
            )
        ]
        if not moving:
            return
        siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
        in_use = siblings.aggregate(top=Max("position"))["top"] or 0
        wanted = [
            form.cleaned_data.get("position") or 0
            for form in self.forms
            if form.cleaned_data
        ]
        ceiling = max([in_use, *wanted])
        siblings.filter(pk__in=moving).update(position=F("position") + ceiling + 1)


class AdvisedDeleteInlineFormSet(BaseInlineFormSet):
    """Refuses to remove rows that learners' records depend on, saying what to do instead."""

    protected_delete_message = _(
        "Learners' records depend on a row you removed; keep it."
    )

    def clean(self):
        # Before super().clean(): Django's own protected-delete check raises from there.
        removed = [
            form.instance
            for form in self.initial_forms
            if form.instance.pk is not None and self._should_delete_form(form)
        ]
        if removed and is_protected(removed):
            raise ValidationError(self.protected_delete_message, code="protected")
        super().clean()


def is_protected(objs) -> bool:
    """Would deleting these objects reach rows that refuse it (on_delete=PROTECT)?"""
    objs = list(objs)
    if not objs:
        return False
    collector = NestedObjects(using=router.db_for_write(objs[0].__class__))
    collector.collect(objs)
    return bool(collector.protected)


class ProtectedDeleteMixin:
    """Refuse, with advice, to delete content that learners' records depend on.

    The database refuses too (PROTECT); this turns the refusal into a message that
    says what to do instead.
    """

    protected_delete_message = _(
        "Learners' records depend on this object; it cannot be deleted."
    )
    protected_bulk_delete_message = _(
        "Learners' records depend on some of the selected objects; nothing was deleted."
    )

    def is_delete_refused(self, objs) -> bool:
        return is_protected(objs)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is not None
            and self.has_delete_permission(request, obj)
            and self.is_delete_refused([obj])
        ):
            self.message_user(request, self.protected_delete_message, messages.ERROR)
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        permissions=["delete"],
        description=admin_actions.delete_selected.short_description,
    )
    def delete_selected(self, request, queryset):
        if self.is_delete_refused(queryset):
            self.message_user(
                request, self.protected_bulk_delete_message, messages.ERROR
            )
            return None
        return admin_actions.delete_selected(self, request, queryset)


class PublishActionsMixin:
    """The Publish and Unpublish actions, for models with an `is_published` flag."""

    @admin.action(
        permissions=["change"],
        description=_("Publish selected %(verbose_name_plural)s"),
    )
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(
            request,
            _("%(count)d %(items)s published.")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )

    @admin.action(
        permissions=["change"],
        description=_("Unpublish selected %(verbose_name_plural)s"),
    )
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(
            request,
            _("%(count)d %(items)s unpublished.")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )


class SectionInlineFormSet(AdvisedDeleteInlineFormSet, PositionedInlineFormSet):
    protected_delete_message = _(
        "Learners have records in a lesson you removed; unpublish it instead of deleting it."
    )


class SectionInline(admin.TabularInline):
    model = Section
    formset = SectionInlineFormSet
    fields = ["position", "title", "slug", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["position"]
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(ProtectedDeleteMixin, PublishActionsMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "lesson_count", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "source", "is_published", "requires_passing"]
    inlines = [SectionInline]
    actions = ["publish", "unpublish", "delete_selected"]
    protected_delete_message = _(
        "Learners have records in this article's lessons; unpublish it instead of deleting it."
    )
    protected_bulk_delete_message = _(
        "Learners have records in the lessons of some of these articles; "
        "unpublish them instead of deleting them. Nothing was deleted."
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_count=Count("sections"))

    @admin.display(description=_("lessons"), ordering="lesson_count")
    def lesson_count(self, article):
        return article.lesson_count


@admin.register(Section)
class SectionAdmin(ProtectedDeleteMixin, PublishActionsMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "article",
        "position",
        "is_published",
        "word_count",
        "preview_link",
    ]
    list_select_related = ["article"]
    list_filter = ["article", "is_published"]
    search_fields = ["title", "body"]
    ordering = ["article__title", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "article",
        "position",
        "title",
        "slug",
        "is_published",
        "body",
        "preview_link",
    ]
    readonly_fields = ["preview_link"]
    actions = ["publish", "unpublish", "delete_selected"]
    protected_delete_message = _(
        "Learners have records in this lesson; unpublish it instead of deleting it."
    )
    protected_bulk_delete_message = _(
        "Learners have records in some of these lessons; "
        "unpublish them instead of deleting them. Nothing was deleted."
    )

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_preview",
        )
        return [preview, *super().get_urls()]

    @admin.display(description=_("preview"))
    def preview_link(self, section):
        if section.pk is None:
            return _("Save the lesson to preview it.")
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_preview",
            args=[section.pk],
            current_app=self.admin_site.name,
        )
        return format_html('<a href="{}">{}</a>', url, _("Preview"))

    def preview_view(self, request, object_id):
        """The saved lesson body, rendered as learners see it."""
        section = self.get_object(request, unquote(object_id))
        if section is None:
            raise Http404
        if not self.has_view_permission(request, section):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(lesson)s") % {"lesson": section.title},
            "subtitle": section.article.title,
            "opts": self.opts,
            "section": section,
            "has_view_permission": True,
        }
        return TemplateResponse(
            request, "admin/relations/section/preview.html", context
        )
