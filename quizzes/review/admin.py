"""Learners' mastery and review records in Django admin: shown, never edited."""

from django.contrib import admin

from quizzes.admin import ReadOnlyAdminMixin
from quizzes.models import Mastery, ReviewCard, ReviewLog


@admin.register(Mastery)
class MasteryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["learner", "section", "level", "points", "updated_at"]
    list_select_related = ["learner", "section"]
    list_filter = ["level", ("section", admin.RelatedFieldListFilter)]
    search_fields = ["learner__username"]


@admin.register(ReviewCard)
class ReviewCardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["learner", "identity", "due", "reviews", "is_retired"]
    list_select_related = ["learner"]
    list_filter = ["is_retired", "state"]
    search_fields = ["learner__username", "identity"]


@admin.register(ReviewLog)
class ReviewLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["card", "question", "source", "rating", "fraction", "reviewed_at"]
    list_select_related = ["card__learner", "question"]
    list_filter = ["source", "rating"]
    search_fields = ["card__learner__username"]
