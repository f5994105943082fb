import math

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relations.markup import markdown_to_text, render_markdown

WORDS_PER_MINUTE = 200


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Attribution: the article this course is based on."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    requires_passing = models.BooleanField(
        _("Require passing each quiz to unlock the next lesson"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:article_detail", args=[self.slug])


class SectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, article__is_published=True)


class Section(models.Model):
    """One section of an article: a lesson."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("article"),
    )
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="section_unique_position"
            ),
            models.UniqueConstraint(
                fields=["article", "slug"], name="section_unique_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.word_count = len(markdown_to_text(self.body).split())
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "word_count",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quizzes:lesson", args=[self.article.slug, self.slug])

    @property
    def reading_minutes(self) -> int:
        """Minutes a reader needs, at least one."""
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))
