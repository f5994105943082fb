from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes import grading
from relations.markup import contains_quote, inline_html, render_markdown
from relations.models import Section


class QuizQuerySet(models.QuerySet):
    def for_lesson(self, reference: str):
        """Quizzes of the lesson named by slug, or by article-slug/lesson-slug."""
        article_slug, _, section_slug = reference.rpartition("/")
        quizzes = self.filter(section__slug=section_slug)
        if article_slug:
            quizzes = quizzes.filter(section__article__slug=article_slug)
        return quizzes

    def published(self):
        return self.filter(
            is_published=True,
            section__is_published=True,
            section__article__is_published=True,
        )


class Quiz(models.Model):
    class FeedbackMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate: after each question")
        DEFERRED = "deferred", _("Deferred: at the end of the quiz")

    section = models.OneToOneField(
        Section, on_delete=models.CASCADE, related_name="quiz", verbose_name=_("lesson")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    feedback_mode = models.CharField(
        _("feedback"),
        max_length=20,
        choices=FeedbackMode,
        default=FeedbackMode.IMMEDIATE,
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited attempts."),
    )
    is_published = models.BooleanField(_("published"), default=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100),
                name="quiz_pass_mark_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Quiz: %(lesson)s") % {"lesson": self.section.title})


class QuestionQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each question."""
        return self.filter(is_current=True)

    def published(self):
        return self.filter(is_current=True, status=Question.Status.PUBLISHED)

    def refresh_review_flags(self) -> int:
        """Flag the questions whose source quote is missing from their lesson; unflag the rest."""
        changed = []
        for question in self.select_related("quiz__section"):
            flag = not question.quote_in_lesson()
            if flag != question.needs_review:
                question.needs_review = flag
                changed.append(question)
        Question.objects.bulk_update(changed, ["needs_review"])
        return len(changed)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple answers")
        TRUE_FALSE = "true_false", _("True/false")
        SHORT = "short", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz")
    )
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(
        _("title"),
        max_length=255,
        blank=True,
        help_text=_("Optional; GIFT calls it the name."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SINGLE)
    prompt = models.TextField(_("prompt"))
    prompt_html = models.TextField(editable=False, blank=True)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Why the right answer is right.")
    )
    explanation_html = models.TextField(editable=False, blank=True)
    incorrect_feedback = models.TextField(
        _("feedback for any other answer"),
        blank=True,
        help_text=_(
            "Short and numerical answers: what a learner who typed something else is told."
        ),
    )
    points = models.PositiveSmallIntegerField(
        _("points"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT
    )
    source_quote = models.CharField(
        _("source quote"),
        max_length=500,
        blank=True,
        help_text=_(
            "A short phrase copied verbatim from the lesson that answers the question."
        ),
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    previous_version = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="next_versions",
    )
    is_current = models.BooleanField(default=True, editable=False)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        editable=False,
        help_text=_("Its source quote is missing or no longer occurs in the lesson."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "position"],
                condition=models.Q(is_current=True),
                name="question_unique_position",
            ),
            models.UniqueConstraint(
                fields=["quiz", "external_id"],
                condition=models.Q(is_current=True) & ~models.Q(external_id=""),
                name="question_unique_external_id",
            ),
            models.UniqueConstraint(
                fields=["previous_version"],
                name="question_one_next_version",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt[:80]

    def save(self, *args, **kwargs):
        self.prompt_html = render_markdown(self.prompt)
        self.explanation_html = render_markdown(self.explanation)
        self.needs_review = not self.quote_in_lesson()
        super().save(*args, **kwargs)

    @property
    def review_reason(self) -> str:
        if not self.needs_review:
            return ""
        if not self.source_quote.strip():
            return str(
                _("No source quote: add the passage of the lesson that answers it.")
            )
        return str(_("Its source quote no longer occurs in the lesson."))

    @property
    def display_title(self) -> str:
        return self.title or self.prompt[:80]

    def has_answers(self) -> bool:
        return self.answers.exists()

    def publish(self) -> None:
        """Publish; a question must be anchored to its lesson first."""
        if self.needs_review:
            raise ValidationError(
                _("“%(title)s” cannot be published: %(reason)s")
                % {"title": self.display_title, "reason": self.review_reason},
                code="needs_anchor",
            )
        self.status = self.Status.PUBLISHED
        self.save(update_fields=["status", "needs_review", "updated_at"])

    def archive(self) -> None:
        self.status = self.Status.ARCHIVED
        self.save(update_fields=["status", "needs_review", "updated_at"])

    @property
    def prompt_inline_html(self) -> str:
        """The prompt as phrasing content, fit for a <legend>."""
        return inline_html(self.prompt_html)

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.TRUE_FALSE}

    # Kinds whose right options each carry their own credit (GIFT `=%50%`, `~%50%`).
    CREDITED_KINDS = frozenset({Kind.SINGLE, Kind.SHORT, Kind.NUMERICAL})

    @property
    def is_credited_kind(self) -> bool:
        return self.kind in self.CREDITED_KINDS

    @property
    def is_typed_kind(self) -> bool:
        return self.kind in {self.Kind.SHORT, self.Kind.NUMERICAL}

    def grade(self, submission: grading.Submission) -> Decimal:
        """The fraction of this question's points that the submission earns (0 to 1)."""
        rule = {
            self.Kind.SINGLE: grading.grade_single,
            self.Kind.TRUE_FALSE: grading.grade_single,
            self.Kind.MULTIPLE: grading.grade_multiple,
            self.Kind.SHORT: grading.grade_short,
            self.Kind.NUMERICAL: grading.grade_numerical,
            self.Kind.MATCHING: grading.grade_matching,
        }[self.kind]
        return rule(self.choices.all(), submission)

    def near_miss(self, submission: grading.Submission) -> str:
        """The accepted spelling a short answer missed by one slip, or ""."""
        if self.kind != self.Kind.SHORT:
            return ""
        return grading.near_miss(self.choices.all(), submission)

    def quote_in_lesson(self) -> bool:
        return bool(self.source_quote.strip()) and contains_quote(
            self.quiz.section.body, self.source_quote
        )

    def lesson_url(self) -> str:
        section = self.quiz.section
        return f"{section.get_absolute_url()}?highlight={self.pk}#passage"

    def clean_choices(self, choices: list) -> None:
        """The rules a question's choices must follow, for every editor."""
        right = [choice for choice in choices if choice.is_correct]
        wrong = [choice for choice in choices if not choice.is_correct]
        full = [choice for choice in right if choice.credit in (None, 100)]
        if self.kind == self.Kind.TRUE_FALSE and (len(right) != 1 or len(full) != 1):
            raise ValidationError(
                _("A true/false question needs exactly one right choice."),
                code="one_right_choice",
            )
        if self.kind == self.Kind.SINGLE and len(full) != 1:
            raise ValidationError(
                _(
                    "A single-choice question needs exactly one right choice with full"
                    " credit (100 %); others may earn partial credit."
                ),
                code="one_right_choice",
            )
        if self.kind in self.CREDITED_KINDS:
            self._clean_credit(right, wrong, full)
        if self.kind == self.Kind.TRUE_FALSE and len(choices) != 2:
            raise ValidationError(
                _("A true/false question has exactly two choices."),
                code="true_false_two",
            )
        if self.kind == self.Kind.SINGLE and len(choices) < 2:
            raise ValidationError(
                _("Give at least two choices."), code="too_few_choices"
            )
        if self.kind == self.Kind.MULTIPLE and (len(right) < 2 or not wrong):
            raise ValidationError(
                _(
                    "A multiple-answers question needs at least two right choices and one wrong."
                ),
                code="multiple_right_wrong",
            )
        if self.kind == self.Kind.SHORT and not right:
            raise ValidationError(
                _("A short-answer question needs at least one accepted answer."),
                code="no_accepted_answer",
            )
        if self.kind == self.Kind.NUMERICAL and not any(
            c.value is not None for c in right
        ):
            raise ValidationError(
                _("A numerical question needs a number as its answer."),
                code="no_number",
            )
        if self.kind == self.Kind.MATCHING and len([c for c in choices if c.text]) < 2:
            raise ValidationError(
                _("A matching question needs at least two pairs."), code="too_few_pairs"
            )

    def _clean_credit(self, right: list, wrong: list, full: list) -> None:
        for choice in wrong:
            if choice.credit:
                raise ValidationError(
                    _(
                        "“%(text)s” earns credit but is not marked right: mark it"
                        " right, or leave its credit empty."
                    )
                    % {"text": choice.text},
                    code="credit_on_wrong",
                )
        for choice in right:
            if choice.credit is not None and not 0 < choice.credit <= 100:
                raise ValidationError(
                    _(
                        "The credit of “%(text)s” must be more than 0 and at most"
                        " 100 %%."
                    )
                    % {"text": choice.text or choice.value},
                    code="credit_out_of_range",
                )
        if right and not full:
            raise ValidationError(
                _("At least one accepted answer must earn full credit (100 %)."),
                code="no_full_credit",
            )


class Choice(models.Model):
    """An option of a question; for short answers an accepted answer, for matching a pair."""

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("question"),
    )
    position = models.PositiveIntegerField(_("position"))
    text = models.CharField(_("text"), max_length=1000, blank=True)
    is_correct = models.BooleanField(_("right"), default=False)
    feedback = models.TextField(_("feedback"), blank=True)
    value = models.DecimalField(
        _("value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    match_text = models.CharField(_("matches"), max_length=1000, blank=True)
    credit = models.DecimalField(
        _("credit (%)"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Single choice, short and numerical answers: the share of the points a"
            " right option earns, e.g. 50 for a partly right one. Empty: 100 when"
            " right, nothing when wrong."
        ),
    )

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="choice_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(credit__isnull=True)
                | models.Q(credit__gte=0, credit__lte=100),
                name="choice_credit_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.match_text

    @property
    def is_partly_right(self) -> bool:
        return self.is_correct and self.credit is not None and self.credit < 100

    @property
    def credit_percent(self) -> Decimal:
        """The share of the points this option earns, in percent, as grading counts it."""
        return grading.credit(self) * 100


class AttemptQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(learner=user)

    def finished(self):
        return self.filter(finished_at__isnull=False)

    def unfinished(self):
        return self.filter(finished_at__isnull=True)


class Attempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("learner"),
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz")
    )
    question_ids = models.JSONField(default=list, editable=False)
    choice_order = models.JSONField(default=dict, editable=False)
    feedback_mode = models.CharField(max_length=20, choices=Quiz.FeedbackMode)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    points_earned = models.DecimalField(max_digits=9, decimal_places=3, default=0)
    points_possible = models.DecimalField(max_digits=9, decimal_places=3, default=0)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        indexes = [models.Index(fields=["learner", "quiz", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.quiz.section.title} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        if self.is_finished:
            return reverse("quizzes:attempt_results", args=[self.pk])
        return reverse("quizzes:attempt_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def shows_feedback_now(self) -> bool:
        return self.feedback_mode == Quiz.FeedbackMode.IMMEDIATE


class Answer(models.Model):
    """What one learner answered to one question version in one attempt, and its points."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers"
    )
    response = models.JSONField(default=dict)
    fraction = models.DecimalField(max_digits=6, decimal_places=5, default=0)
    points = models.DecimalField(max_digits=9, decimal_places=3, default=0)
    is_checked = models.BooleanField(
        default=False, help_text=_("Feedback was shown, so the answer is locked.")
    )
    is_near_miss = models.BooleanField(
        _("near miss"),
        default=False,
        help_text=_(
            "Typed one slip away from an accepted answer: no points, and told to"
            " check the spelling."
        ),
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="answer_once_per_attempt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.question_id}"

    @property
    def submission(self) -> grading.Submission:
        return grading.Submission.from_json(self.response)

    @property
    def is_right(self) -> bool:
        return self.fraction == 1

    @property
    def is_partly_right(self) -> bool:
        return 0 < self.fraction < 1


class Progress(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("learner"),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    attempts_count = models.PositiveIntegerField(_("attempts"), default=0)
    last_score = models.DecimalField(
        _("last score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    best_score = models.DecimalField(
        _("best score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    first_passed_at = models.DateTimeField(_("first passed"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "section"], name="progress_once_per_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.section}"

    @property
    def is_passed(self) -> bool:
        return self.first_passed_at is not None

    @property
    def state(self) -> str:
        """not_started, read, passed or retry: what the outline shows."""
        if self.first_passed_at:
            return "passed"
        if self.attempts_count:
            return "retry"
        if self.read_at:
            return "read"
        return "not_started"
