import random
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes import grading, mastery, quality
from quizzes.review import scheduling
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


class RandomUUID(models.Func):
    """A random UUID made by the database, for rows written by code that predates a
    UUID field (an old data migration's models)."""

    function = "gen_random_uuid"
    template = "%(function)s()"
    output_field = models.UUIDField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps a UUID in SQLite as 32 hex digits.
        return "(lower(hex(randomblob(16))))", []


class QuestionQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each question."""
        return self.filter(is_current=True)

    def published(self):
        return self.filter(is_current=True, status=Question.Status.PUBLISHED)

    def answered_by(self, user):
        """Questions (any version of them) whose feedback this learner has seen: checked
        or finished in a quiz, or answered in review or practice."""
        identity = models.OuterRef("identity")
        in_quiz = Answer.objects.filter(
            attempt__learner=user, question__identity=identity
        ).filter(
            models.Q(is_checked=True) | models.Q(attempt__finished_at__isnull=False)
        )
        in_review = ReviewLog.objects.filter(
            card__learner=user, question__identity=identity
        )
        return self.filter(models.Exists(in_quiz) | models.Exists(in_review))

    def highlightable_for(self, user):
        """Published questions whose answering passage this user may see highlighted:
        a teacher or staff any, a learner those answered (checked, in a finished
        attempt, or in review), an anonymous visitor none."""
        from quizzes.roles import is_teacher

        published = self.filter(status=Question.Status.PUBLISHED)
        if not user.is_authenticated:
            return published.none()
        if user.is_staff or is_teacher(user):
            return published
        return published.answered_by(user)

    def with_stats(self):
        """Each question with how often it was answered, its average credit and its
        near misses."""
        return self.annotate(
            answer_count=models.Count("answers"),
            average=models.Avg("answers__fraction"),
            near_miss_count=models.Count(
                "answers", filter=models.Q(answers__is_near_miss=True)
            ),
        )

    def quote_to_highlight(self, section, question_id: int, user) -> str | None:
        """The source quote of the lesson's question named in a ?highlight= parameter,
        if this user may see its passage (see highlightable_for)."""
        if question_id is None:
            return None
        return (
            self.highlightable_for(user)
            .filter(pk=question_id, quiz__section=section)
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

    def quality_reports(self) -> dict[int, "quality.Report"]:
        """Quality warnings per question, each checked against the rest of its quiz.

        Archived questions are left out. Four queries, however many questions.
        """
        questions = list(
            self.current()
            .exclude(status=Question.Status.ARCHIVED)
            .prefetch_related("choices")
            .order_by("quiz_id", "position")
        )
        quiz_ids = {question.quiz_id for question in questions}
        by_quiz: dict[int, list[Question]] = {}
        for question in (
            Question.objects.current()
            .filter(quiz_id__in=quiz_ids)
            .exclude(status=Question.Status.ARCHIVED)
            .prefetch_related("choices")
            .order_by("quiz_id", "position")
            if quiz_ids
            else []
        ):
            by_quiz.setdefault(question.quiz_id, []).append(question)
        wanted = {question.pk for question in questions}
        reports = {}
        for siblings in by_quiz.values():
            items = [question.quality_item() for question in siblings]
            warnings = quality.check_quiz(items)
            for question in siblings:
                if question.pk in wanted:
                    reports[question.pk] = quality.Report.of(
                        [w for w in warnings if w.key == str(question.pk)],
                        question.quality_dismissals,
                    )
        return reports


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
    # What survives new versions: review cards and statistics follow it, answers keep
    # the version (pk) they answered.
    identity = models.UUIDField(
        default=uuid.uuid4, db_default=RandomUUID(), editable=False, db_index=True
    )
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
    quality_dismissals = models.JSONField(
        _("dismissed quality warnings"),
        default=dict,
        # Code running with models from before this field (the course loader in a
        # migration) inserts questions without it.
        db_default={},
        blank=True,
        editable=False,
        help_text=_("Warning code → why it does not apply, who said so and when."),
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
            models.UniqueConstraint(
                fields=["identity"],
                condition=models.Q(is_current=True),
                name="question_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return Truncator(self.prompt).chars(80)

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
        return self.title or str(self)

    def quality_item(self) -> quality.Item:
        return quality.Item.from_question(self)

    def dismiss_warning(self, *, code: str, reason: str, user) -> None:
        """Record that a quality warning does not apply here; later versions keep it."""
        reason = reason.strip()
        if code not in quality.CODES:
            raise ValidationError(
                _("There is no quality warning “%(code)s”.") % {"code": code},
                code="unknown_warning",
            )
        if not reason:
            raise ValidationError(
                _("Say why the warning does not apply to this question."),
                code="reason_required",
            )
        self.quality_dismissals = {
            **self.quality_dismissals,
            code: {
                "reason": reason,
                "by": user.get_username() if user else "",
                "at": timezone.now().isoformat(timespec="seconds"),
            },
        }
        self.save(update_fields=["quality_dismissals", "needs_review", "updated_at"])

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
        ReviewCard.objects.filter(identity=self.identity).update(is_retired=False)

    def archive(self) -> None:
        self.status = self.Status.ARCHIVED
        self.save(update_fields=["status", "needs_review", "updated_at"])
        ReviewCard.objects.filter(identity=self.identity).update(is_retired=True)

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
    def has_credit(self) -> bool:
        """Whether each right option carries its own credit (GIFT `=%50%`, `~%50%`)."""
        return self.rules.has_credit

    @property
    def is_typed_kind(self) -> bool:
        return self.rules.types_answer

    def grade(self, submission: grading.Submission) -> Decimal:
        """The fraction of this question's points that the submission earns (0 to 1)."""
        return self.rules.grade(self.choices.all(), submission)

    def answer_values(self, submission: grading.Submission) -> dict:
        """What an Answer stores for this submission: the response, fraction, points,
        and whether it was a near miss."""
        fraction = self.grade(submission)
        return {
            "response": submission.as_json(),
            "fraction": fraction,
            "points": fraction * self.points,
            "is_near_miss": bool(self.near_miss(submission)),
        }

    def read_answer(self, data) -> grading.Submission:
        """The learner's answer from posted form data; raises ValidationError."""
        return self.rules.read_answer(self, data)

    @property
    def checks_spelling(self) -> bool:
        """Whether a typed answer one slip away from an accepted one is a near miss."""
        return self.rules.find_near_miss is not None

    def near_miss(self, submission: grading.Submission) -> str:
        """The accepted spelling a typed answer missed by one slip, or ""."""
        find = self.rules.find_near_miss
        return find(self.choices.all(), submission) if find else ""

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


# Choice ids are random, not sequential: a page shows an option's id (the value of its
# radio button), and sequential ids would tell the order the author typed the options
# in, and authors often type the right one first. Below 2**53, so JavaScript reads them
# exactly; among that many, two random ids collide about once in 10**8 questions' worth.
CHOICE_ID_LIMIT = 2**53


def new_choice_id() -> int:
    return secrets.randbelow(CHOICE_ID_LIMIT - 1) + 1


class ChoiceQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Every new choice gets a random id, however it is created."""
        objs = list(objs)
        for choice in objs:
            if choice.pk is None:
                choice.pk = new_choice_id()
        return super().bulk_create(objs, *args, **kwargs)

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
            models.CheckConstraint(
                condition=models.Q(credit__isnull=True)
                | models.Q(credit__gte=0, credit__lte=100),
                name="choice_credit_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.match_text

    def save(self, *args, **kwargs):
        if self.pk is None:
            # A random id (see new_choice_id); force_insert: no UPDATE is tried first.
            self.pk = new_choice_id()
            kwargs.setdefault("force_insert", True)
        super().save(*args, **kwargs)

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

    def start(self, *, learner, quiz: Quiz, rng: random.Random | None = None):
        """Resume the learner's unfinished attempt, or start a new one in a fresh order.

        Serialised per learner and lesson: simultaneous starts (a double click, ten
        tabs) queue on the learner's Progress row, so each sees the attempts the others
        made and the attempt limit holds. An upsert makes the row first, so there is
        always one to lock; SQLite's IMMEDIATE transactions serialise writers anyway.
        """
        with transaction.atomic():
            Progress.objects.mark_read(learner=learner, section=quiz.section)
            Progress.objects.select_for_update().filter(
                learner=learner, section_id=quiz.section_id
            ).exists()
            return self._start_locked(learner=learner, quiz=quiz, rng=rng)

    def _start_locked(self, *, learner, quiz: Quiz, rng: random.Random | None):
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
        return attempt

    def open_for_update(self, attempt):
        """The attempt if still open, its row locked until the transaction ends: the
        lock under which answers are stored and the attempt is finished."""
        return self.select_for_update().filter(pk=attempt.pk, finished_at__isnull=True)


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

    def record_answer(
        self,
        *,
        question: Question,
        submission: grading.Submission,
        answers: dict | None = None,
    ):
        """Save and grade one answer. A checked (locked) answer is never changed.

        Under the lock that finishing takes (the attempt's row): an answer is stored
        only while the attempt is open, so none arrives after the score was counted.
        Given a dict, fills it with every answer of the attempt by question id, as
        stored once this one is (read under the lock: "Check answer" needs them for the
        navigator, and reads them once).
        """
        if self.is_finished:
            raise ValidationError(_("This attempt is finished."), code="finished")
        values = question.answer_values(submission)
        with transaction.atomic():
            if not Attempt.objects.open_for_update(self).exists():
                raise ValidationError(_("This attempt is finished."), code="finished")
            values.update(
                is_checked=self.shows_feedback_now, answered_at=timezone.now()
            )
            if self.shows_feedback_now:
                # Read after the lock (a fresh statement, so it sees what a request that
                # held the lock before stored): a second click keeps the first answer.
                if answers is None:
                    stored = Answer.objects.filter(attempt=self, question=question)
                    stored = stored.first()
                else:
                    answers.update(self.answers_by_question())
                    stored = answers.get(question.pk)
                if stored is not None:
                    return stored
                answer = Answer.objects.create(
                    attempt=self, question=question, **values
                )
            else:
                # Deferred feedback: the learner may change the answer until the attempt
                # is finished (nothing is checked before then). One upsert.
                (answer,) = Answer.objects.bulk_create(
                    [Answer(attempt=self, question=question, **values)],
                    update_conflicts=True,
                    unique_fields=["attempt", "question"],
                    update_fields=list(values),
                )
                if answers is not None:
                    answers.update(self.answers_by_question())
            if answers is not None:
                answers[question.pk] = answer
            return answer

    def answers_by_question(self) -> dict:
        """Every answer of the attempt as stored now, by question id: one query."""
        return {a.question_id: a for a in Answer.objects.filter(attempt=self)}

    def finish(self) -> bool:
        """Grade the attempt and count it in Progress, once, in one transaction.

        Returns False if it was already finished.
        """
        with transaction.atomic():
            # First the lock "Check answer" takes too: no answer is being stored while
            # the points are added up, and none can be stored after.
            if not Attempt.objects.open_for_update(self).exists():
                return False
            now = timezone.now()
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
            # Same transaction: the misses become review cards, the score moves mastery.
            from quizzes.review.services import attempt_finished

            attempt_finished(attempt=self, now=now)
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
    is_near_miss = models.BooleanField(
        _("near miss"),
        default=False,
        help_text=_(
            "Typed one slip away from an accepted answer: no points, and told to"
            " check the spelling."
        ),
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


class ImportUploadQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())

    def keep(self, upload: "ImportUpload") -> "ImportUpload":
        """Save a previewed file, and clear out the previews nobody imported in time."""
        self.expired().delete()
        upload.save(force_insert=True)
        return upload


class ImportUpload(models.Model):
    """A GIFT or Aiken file a teacher has previewed, kept here until it is imported (or
    expires), so that importing refers to it instead of sending the whole file again."""

    LIFETIME = timedelta(hours=2)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=10)
    name = models.CharField(max_length=255, blank=True)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("previewed import")
        verbose_name_plural = _("previewed imports")
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.name or f"{self.format} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + self.LIFETIME
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


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

    def remove_teacher(self, teacher) -> None:
        """A teacher stops teaching the class; a class always keeps one teacher (the
        class row is locked, so two teachers removing each other cannot leave none)."""
        with transaction.atomic():
            Classroom.objects.select_for_update().filter(pk=self.pk).exists()
            if not self.teachers.exclude(pk=teacher.pk).exists():
                raise ValidationError(
                    _(
                        "A class needs a teacher: add a co-teacher first, or delete the class."
                    ),
                    code="last_teacher",
                )
            self.teachers.remove(teacher)


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


class Mastery(models.Model):
    """How well one learner masters one lesson, with the changes that led there."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mastery",
        verbose_name=_("learner"),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="mastery",
        verbose_name=_("lesson"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=mastery.LEVEL_CHOICES, default=mastery.Level.NOT_STARTED
    )
    points = models.PositiveSmallIntegerField(_("mastery points"), default=0)
    proficient_since = models.DateTimeField(_("proficient since"), null=True)
    # The latest changes, newest first: {"at", "rule", "from", "to"}; what the page explains.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("mastery")
        verbose_name_plural = _("mastery")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "section"], name="mastery_once_per_lesson"
            ),
            models.CheckConstraint(
                condition=models.Q(level__lte=max(mastery.Level)),
                name="mastery_known_level",
            ),
            models.CheckConstraint(
                condition=models.Q(points__lte=mastery.MAX_POINTS),
                name="mastery_points_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.section} · {self.get_level_display()}"

    @property
    def state(self) -> mastery.MasteryState:
        return mastery.MasteryState(
            level=mastery.Level(self.level), proficient_since=self.proficient_since
        )

    def apply(self, change: mastery.Change) -> None:
        """Take the new state and remember why; the caller saves."""
        before, after = self.level, change.state.level
        self.level = after
        self.points = mastery.POINTS[after]
        self.proficient_since = change.state.proficient_since
        self.updated_at = change.at
        if after != before:
            entry = {
                "at": change.at.isoformat(),
                "rule": change.rule,
                "from": int(before),
                "to": int(after),
            }
            self.evidence = [entry, *self.evidence][: mastery.EVIDENCE_KEPT]


class ReviewCardQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(learner=user)

    def active(self):
        """Not retired, and its question's current version is published where learners see it."""
        shown = Question.objects.filter(
            identity=models.OuterRef("identity"),
            is_current=True,
            status=Question.Status.PUBLISHED,
            quiz__is_published=True,
            quiz__section__is_published=True,
            quiz__section__article__is_published=True,
        )
        return self.filter(is_retired=False).filter(models.Exists(shown))

    def due(self, now):
        return self.active().filter(due__lte=now).order_by("due", "pk")


class ReviewCard(models.Model):
    """One question (by identity, whatever its version) that one learner reviews, FSRS-scheduled."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_cards",
        verbose_name=_("learner"),
    )
    identity = models.UUIDField(_("question identity"))
    state = models.PositiveSmallIntegerField(
        _("FSRS state"), choices=scheduling.STATE_CHOICES
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    # Answers given in review; a posted answer names the count it saw, so a second
    # click cannot review the card twice.
    reviews = models.PositiveIntegerField(_("reviews"), default=0)
    is_retired = models.BooleanField(
        _("retired"), default=False, help_text=_("Its question was archived.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "identity"], name="review_card_once_per_question"
            ),
        ]
        indexes = [models.Index(fields=["learner", "is_retired", "due"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.identity} · {self.due:%Y-%m-%d}"

    @property
    def schedule(self) -> scheduling.CardState:
        return scheduling.CardState(
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def take(self, schedule: scheduling.CardState) -> None:
        """Copy a new schedule in; the caller saves."""
        self.state, self.step = schedule.state, schedule.step
        self.stability, self.difficulty = schedule.stability, schedule.difficulty
        self.due, self.last_review = schedule.due, schedule.last_review


class ReviewLogQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(card__learner=user)

    def stats_by_identity(self, identities) -> dict:
        """Review and practice answers per question identity (every version): how many,
        how many right, and the average credit; one query."""
        rows = (
            self.filter(question__identity__in=list(identities))
            .values("question__identity")
            .annotate(
                answers=models.Count("pk"),
                right=models.Count("pk", filter=models.Q(fraction__gte=1)),
                average=models.Avg("fraction"),
            )
            .order_by()
        )
        return {row["question__identity"]: row for row in rows}


class ReviewLog(models.Model):
    """One answer given in review or practice: append-only, never edited."""

    class Source(models.TextChoices):
        REVIEW = "review", _("Review")
        PRACTICE = "practice", _("Practice of missed questions")

    card = models.ForeignKey(ReviewCard, on_delete=models.PROTECT, related_name="logs")
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        related_name="review_logs",
        help_text=_("The version answered."),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=scheduling.RATING_CHOICES
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source, default=Source.REVIEW
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    response = models.JSONField(default=dict)
    fraction = models.DecimalField(max_digits=6, decimal_places=5, default=0)
    points = models.DecimalField(max_digits=9, decimal_places=3, default=0)
    due_after = models.DateTimeField(_("due next"), help_text=_("When it comes back."))

    objects = ReviewLogQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("review answer")
        verbose_name_plural = _("review answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fraction__gte=0) & models.Q(fraction__lte=1),
                name="review_log_fraction_0_to_1",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=4),
                name="review_log_known_rating",
            ),
        ]
        indexes = [models.Index(fields=["question", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.card_id} · {self.question_id} · {self.reviewed_at:%Y-%m-%d}"

    @property
    def comes_back_in(self) -> str:
        """When the question comes back, in words: "tomorrow", "in 3 days"."""
        days = round((self.due_after - self.reviewed_at) / timedelta(days=1))
        if days <= 0:
            return str(_("later today"))
        if days == 1:
            return str(_("tomorrow"))
        return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}

    def as_answer(self) -> Answer:
        """An unsaved Answer with this review's response, for the quiz's feedback templates."""
        return Answer(
            question=self.question,
            response=self.response,
            fraction=self.fraction,
            points=self.points,
            is_checked=True,
            answered_at=self.reviewed_at,
        )
