import random
import secrets
from contextlib import nullcontext
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes import grading
from relations.markup import contains_quote, inline_html, render_markdown
from relations.models import Article, Section


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

    def allows_attempt(self, taken: int) -> bool:
        """Whether a learner who has taken `taken` attempts may start another."""
        return self.max_attempts is None or taken < self.max_attempts


class QuestionQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each question."""
        return self.filter(is_current=True)

    def published(self):
        return self.filter(is_current=True, status=Question.Status.PUBLISHED)

    def with_stats(self):
        """Each question with how often it was answered and its average credit."""
        return self.annotate(
            answer_count=models.Count("answers"),
            average=models.Avg("answers__fraction"),
        )

    def quote_to_highlight(self, section, question_id: str) -> str | None:
        """The source quote of the lesson's question named in a ?highlight= parameter."""
        if not question_id.isdigit():
            return None
        return (
            self.filter(pk=int(question_id), quiz__section=section)
            .values_list("source_quote", flat=True)
            .first()
        )

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

    def set_status(self, status: str) -> None:
        """Publish, archive or return to draft; raises ValidationError when it can't."""
        if status == self.Status.PUBLISHED:
            self.publish()
        elif status == self.Status.ARCHIVED:
            self.archive()
        else:
            self.status = self.Status.DRAFT
            self.save(update_fields=["status", "needs_review", "updated_at"])

    def delete_unanswered(self) -> None:
        """Drafts nobody answered can go; anything else is archived instead."""
        if self.has_answers():
            raise ValidationError(
                _(
                    "Learners have answered this question; archive it instead of deleting it."
                ),
                code="answered",
            )
        self.delete()

    @property
    def prompt_inline_html(self) -> str:
        """The prompt as phrasing content, fit for a <legend>."""
        return inline_html(self.prompt_html)

    @property
    def rules(self):
        """This kind's entry in the table of kinds (`quizzes.kinds`)."""
        # Imported here: the table is keyed by Question.Kind, so it imports this module.
        from quizzes.kinds import KINDS

        return KINDS[self.kind]

    @property
    def is_choice_kind(self) -> bool:
        return self.rules.picks_options

    @property
    def is_typed_kind(self) -> bool:
        return self.rules.types_answer

    def grade(self, submission: grading.Submission) -> Decimal:
        """The fraction of this question's points that the submission earns (0 to 1)."""
        return self.rules.grade(self.choices.all(), submission)

    def answer_values(self, submission: grading.Submission) -> dict:
        """What an Answer stores for this submission: the response, fraction, points."""
        fraction = self.grade(submission)
        return {
            "response": submission.as_json(),
            "fraction": fraction,
            "points": fraction * self.points,
        }

    def read_answer(self, data) -> grading.Submission:
        """The learner's answer from posted form data; raises ValidationError."""
        return self.rules.read_answer(self, data)

    def quote_in_lesson(self) -> bool:
        return bool(self.source_quote.strip()) and contains_quote(
            self.quiz.section.body, self.source_quote
        )

    def lesson_url(self) -> str:
        section = self.quiz.section
        return f"{section.get_absolute_url()}?highlight={self.pk}#passage"

    def clean_choices(self, choices: list) -> None:
        """The rules a question's choices must follow, for every editor."""
        self.rules.check_choices(choices)


class ChoiceQuerySet(models.QuerySet):
    def misconception_tags(self, article_id: int):
        """The misconception tags used in a course, A to Z, for the editor to suggest."""
        return (
            self.filter(question__quiz__section__article_id=article_id)
            .exclude(misconception="")
            .values_list("misconception", flat=True)
            .distinct()
            .order_by("misconception")
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
    misconception = models.CharField(
        _("misconception"),
        max_length=120,
        blank=True,
        # Rows written by code that predates the field (a data migration) get "" too.
        default="",
        db_default="",
        help_text=_(
            "Wrong options: the wrong idea a learner who picks it holds, in a few words."
        ),
    )

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="choice_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.match_text


class AttemptQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(learner=user)

    def finished(self):
        return self.filter(finished_at__isnull=False)

    def unfinished(self):
        return self.filter(finished_at__isnull=True)

    def start(self, *, learner, quiz: Quiz, rng: random.Random | None = None):
        """Resume the learner's unfinished attempt, or start a new one in a fresh order."""
        taken = self.for_learner(learner).filter(quiz=quiz)
        attempt = taken.unfinished().first()
        if attempt is not None:
            return attempt
        if not quiz.allows_attempt(taken.count()):
            raise ValidationError(
                _("You have used all the attempts this quiz allows."),
                code="no_attempts_left",
            )
        questions = list(quiz.questions.published().prefetch_related("choices"))
        if not questions:
            raise ValidationError(
                _("This quiz has no questions yet."), code="empty_quiz"
            )
        attempt = Attempt.shuffled(quiz, questions, rng or random.SystemRandom())
        attempt.learner = learner
        attempt.save(force_insert=True)
        # No shared transaction needed: marking read is idempotent, and retried by finishing.
        Progress.objects.mark_read(learner=learner, section=quiz.section)
        return attempt


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

    @classmethod
    def shuffled(cls, quiz: Quiz, questions: list, rng: random.Random, **fields):
        """A new (unsaved) attempt at these questions, in a random order of questions
        and of each question's choices (true/false keeps True before False)."""
        questions = list(questions)
        rng.shuffle(questions)
        choice_order = {}
        for question in questions:
            ids = [choice.pk for choice in question.choices.all()]
            if question.rules.shuffles_choices:
                rng.shuffle(ids)
            choice_order[str(question.pk)] = ids
        return cls(
            quiz=quiz,
            question_ids=[question.pk for question in questions],
            choice_order=choice_order,
            feedback_mode=quiz.feedback_mode,
            points_possible=sum(question.points for question in questions),
            **fields,
        )

    def result_for(self, earned: Decimal, possible: Decimal) -> dict:
        """The attempt's result fields for these points: the one score arithmetic."""
        score = grading.percent(earned, possible)
        return {
            "points_earned": earned,
            "points_possible": possible,
            "score": score,
            "passed": score >= self.quiz.pass_mark,
        }

    def record_answer(self, *, question: Question, submission: grading.Submission):
        """Save and grade one answer. A checked (locked) answer is never changed."""
        if self.is_finished:
            raise ValidationError(_("This attempt is finished."), code="finished")
        values = {
            **question.answer_values(submission),
            "is_checked": self.shows_feedback_now,
            "answered_at": timezone.now(),
        }
        if self.shows_feedback_now:
            try:
                # One INSERT commits on its own; inside a caller's transaction it needs
                # a savepoint so that a conflict does not spoil that transaction.
                atomic = (
                    transaction.atomic if connection.in_atomic_block else nullcontext
                )
                with atomic():
                    return Answer.objects.create(
                        attempt=self, question=question, **values
                    )
            except IntegrityError:
                # Already answered (a second click, another tab): the first answer stands.
                return Answer.objects.get(attempt=self, question=question)
        # Deferred feedback: the learner may change the answer until the attempt is
        # finished (nothing is checked before then). One upsert, not a read and a write.
        (answer,) = Answer.objects.bulk_create(
            [Answer(attempt=self, question=question, **values)],
            update_conflicts=True,
            unique_fields=["attempt", "question"],
            update_fields=list(values),
        )
        return answer

    def finish(self) -> bool:
        """Grade the attempt and count it in Progress, once, in one transaction.

        Returns False if it was already finished.
        """
        now = timezone.now()
        with transaction.atomic():
            # Set when the attempt started; computed here only for attempts made elsewhere.
            possible = self.points_possible or Decimal(
                sum(
                    Question.objects.filter(pk__in=self.question_ids).values_list(
                        "points", flat=True
                    )
                )
            )
            # Plain values: Answer instances with .only() each loaded attempt_id in a query.
            earned = sum(self.answers.values_list("points", flat=True), Decimal(0))
            result = self.result_for(earned, possible)
            # The guarded UPDATE is the lock: only one request moves finished_at off NULL.
            if not Attempt.objects.filter(pk=self.pk, finished_at__isnull=True).update(
                finished_at=now, **result
            ):
                return False
            self.finished_at = now
            for name, value in result.items():
                setattr(self, name, value)
            Progress.objects.record_attempt(self)
        return True


class AnswerQuerySet(models.QuerySet):
    def option_picks(self, limit: int) -> dict[int, int]:
        """How often each option was picked, by choice id, over the latest answers."""
        picks: dict[int, int] = {}
        recent = self.order_by("-answered_at").values_list("response", flat=True)
        for response in recent[:limit]:
            for choice_id in response.get("choices", ()):
                picks[choice_id] = picks.get(choice_id, 0) + 1
        return picks


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
    answered_at = models.DateTimeField(default=timezone.now)

    objects = AnswerQuerySet.as_manager()

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


class ProgressQuerySet(models.QuerySet):
    def mark_read(self, *, learner, section) -> None:
        """Record that the learner has read the lesson; the first time counts."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        # One upsert (SQLite and PostgreSQL alike) instead of an UPDATE and an INSERT:
        # a new row gets read_at, an existing one keeps the read_at it already had.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (learner_id, section_id, read_at, attempts_count) "
                "VALUES (%s, %s, %s, 0) ON CONFLICT (learner_id, section_id) "
                f"DO UPDATE SET read_at = COALESCE({table}.read_at, excluded.read_at)",
                [
                    learner.pk,
                    section.pk,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                ],
            )

    def of_takers(self, section):
        """The progress of every learner who has finished an attempt at the lesson's quiz."""
        return self.filter(section=section, attempts_count__gt=0)

    def summary(self) -> dict:
        return self.aggregate(
            learners=models.Count("pk"),
            passed=models.Count("pk", filter=models.Q(first_passed_at__isnull=False)),
            average_best=models.Avg("best_score"),
        )

    def record_attempt(self, attempt: Attempt) -> None:
        """Count a finished attempt, the row locked (call inside its transaction)."""
        progress, _created = self.select_for_update().get_or_create(
            learner_id=attempt.learner_id, section_id=attempt.quiz.section_id
        )
        progress.count_attempt(attempt)
        progress.save()


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

    objects = ProgressQuerySet.as_manager()

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

    def count_attempt(self, attempt: Attempt) -> None:
        """Take a finished attempt into account (in memory; the caller saves)."""
        self.attempts_count += 1
        self.last_score = attempt.score
        self.last_attempt_at = attempt.finished_at
        if self.best_score is None or attempt.score > self.best_score:
            self.best_score = attempt.score
        if attempt.passed and self.first_passed_at is None:
            self.first_passed_at = attempt.finished_at
        if self.read_at is None:
            self.read_at = attempt.started_at

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


# No 0/O or 1/I/L: codes are read aloud and copied from a board.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(
        secrets.choice(JOIN_CODE_ALPHABET) for _index in range(JOIN_CODE_LENGTH)
    )


def normalize_join_code(code: str) -> str:
    """What a learner typed, as stored: upper case, no spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user):
        return self.filter(teachers=user)


class Classroom(models.Model):
    """A teacher's class: learners who joined with its code, studying some articles."""

    name = models.CharField(_("name"), max_length=200)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="taught_classrooms",
        verbose_name=_("teachers"),
    )
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="classrooms",
        verbose_name=_("learners"),
    )
    articles = models.ManyToManyField(
        Article, related_name="classrooms", verbose_name=_("articles")
    )
    join_code = models.CharField(
        _("join code"), max_length=20, unique=True, default=new_join_code
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classes:classroom_detail", args=[self.pk])

    def join_url(self) -> str:
        return reverse("classes:join_link", args=[self.join_code])

    def regenerate_code(self) -> None:
        """A new join code: the old one and its link stop working."""
        self.join_code = new_join_code()
        self.save(update_fields=["join_code"])

    def is_taught_by(self, user) -> bool:
        return self.teachers.filter(pk=user.pk).exists()


class Membership(models.Model):
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("class"),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("learner"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["classroom", "learner__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "learner"], name="membership_once_per_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.classroom}"
