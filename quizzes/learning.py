"""What the learner's pages show: lessons with their state, questions with their answers."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from quizzes import grading, mastery
from quizzes.models import Answer, Attempt, Choice, Mastery, Progress, Question
from quizzes.pages import kept_content
from relations.models import Article, Section

POINT = Decimal("0.001")


@dataclass
class LessonState:
    section: Section
    progress: Progress | None = None
    is_locked: bool = False
    has_quiz: bool = False

    @property
    def state(self) -> str:
        if self.is_locked:
            return "locked"
        return self.progress.state if self.progress else "not_started"

    @property
    def is_passed(self) -> bool:
        return bool(self.progress and self.progress.is_passed)

    @property
    def mastery(self) -> mastery.Level:
        """Read with the progress (see `with_mastery`); Not started without it."""
        level = getattr(self.progress, "mastery_level", None)
        return mastery.Level(level or mastery.Level.NOT_STARTED)

    @property
    def mastery_label(self) -> str:
        return str(mastery.LABELS[self.mastery])

    @property
    def mastery_points(self) -> int:
        return mastery.POINTS[self.mastery]

    @property
    def mastery_reason(self) -> dict | None:
        """Why the level is what it is: the latest change's rule in words and its date
        (read with the progress, see `with_mastery(evidence=True)`)."""
        return mastery.reason(getattr(self.progress, "mastery_evidence", None))


@dataclass
class CourseOutline:
    article: Article
    lessons: list[LessonState]

    @property
    def passed_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.is_passed)

    @property
    def total(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.has_quiz)

    @property
    def mastery_points(self) -> tuple[int, int]:
        """Mastery points earned and possible over the lessons with a quiz."""
        return mastery.course_points(
            lesson.mastery for lesson in self.lessons if lesson.has_quiz
        )

    @property
    def next_lesson(self) -> LessonState | None:
        """The first lesson not yet passed: where "Continue" leads."""
        return next(
            (
                lesson
                for lesson in self.lessons
                if not lesson.is_passed and not lesson.is_locked
            ),
            None,
        )

    def find(self, section_slug: str) -> LessonState | None:
        return next(
            (les for les in self.lessons if les.section.slug == section_slug), None
        )

    def lesson(self, section: Section) -> LessonState:
        return next(
            lesson for lesson in self.lessons if lesson.section.pk == section.pk
        )

    def neighbours(self, section: Section) -> tuple[Section | None, Section | None]:
        sections = [lesson.section for lesson in self.lessons]
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        previous = sections[index - 1] if index > 0 else None
        following = sections[index + 1] if index + 1 < len(sections) else None
        return previous, following


def with_mastery(progress: "models.QuerySet[Progress]", *, evidence: bool = False):
    """Progress rows with their lesson's mastery level (and, asked for, the record of
    why it changed), in the same query."""
    row = Mastery.objects.filter(
        learner=models.OuterRef("learner"), section=models.OuterRef("section")
    )
    progress = progress.annotate(mastery_level=models.Subquery(row.values("level")[:1]))
    if evidence:
        progress = progress.annotate(
            mastery_evidence=models.Subquery(
                row.values("evidence")[:1], output_field=models.JSONField()
            )
        )
    return progress


def course_outline(
    article: Article, user, sections=None, progress: dict | None = None
) -> CourseOutline:
    """Every published lesson of the article with the user's progress: two queries.

    Given the sections and the progress (by section id), it runs none.
    """
    if sections is None:
        sections = kept_content(
            f"lessons:{article.pk}",
            lambda: list(
                article.sections.published()
                .select_related("quiz")
                .defer("body", "body_html")  # an outline shows no lesson text
                .order_by("position")
            ),
        )
    if progress is None:
        progress = {}
        if user.is_authenticated:
            progress = {
                row.section_id: row
                for row in with_mastery(
                    Progress.objects.filter(
                        learner=user, section__in=[s.pk for s in sections]
                    )
                )
            }
    lessons = []
    blocked = False
    for section in sections:
        quiz = getattr(section, "quiz", None)
        has_quiz = quiz is not None and quiz.is_published
        lesson = LessonState(
            section=section,
            progress=progress.get(section.pk),
            is_locked=article.requires_passing and blocked,
            has_quiz=has_quiz,
        )
        if has_quiz and not lesson.is_passed:
            blocked = True
        lessons.append(lesson)
    return CourseOutline(article=article, lessons=lessons)


def article_outline(article_slug: str, user) -> CourseOutline | None:
    """The published article's outline, its lessons fetched with it in one query."""
    sections = kept_content(
        f"lessons-of-slug:{article_slug}",
        lambda: list(
            Section.objects.published()
            .filter(article__slug=article_slug)
            .select_related("article", "quiz")
            .order_by("position")
        ),
    )
    if not sections:
        return None
    return course_outline(sections[0].article, user, sections=sections)


def progress_outlines(user) -> list[CourseOutline]:
    """Every published course's outline with the learner's progress and finished
    attempts per lesson ("My progress"): four queries, whatever the number of courses."""
    articles = kept_content(
        "courses-with-lessons",
        lambda: list(
            Article.objects.published()
            .prefetch_related("sections__quiz")
            .order_by("title")
        ),
    )
    attempts = Attempt.objects.for_learner(user).finished().order_by("started_at")
    by_section: dict[int, list[Attempt]] = {}
    for attempt in attempts.select_related("quiz"):
        by_section.setdefault(attempt.quiz.section_id, []).append(attempt)
    progress = {
        row.section_id: row
        for row in with_mastery(Progress.objects.filter(learner=user), evidence=True)
    }
    outlines = []
    for article in articles:
        sections = sorted(
            (s for s in article.sections.all() if s.is_published),
            key=lambda s: s.position,
        )
        outline = course_outline(article, user, sections=sections, progress=progress)
        for lesson_state in outline.lessons:
            lesson_state.attempts = by_section.get(lesson_state.section.pk, [])
        outlines.append(outline)
    return outlines


def answer_state(answer: Answer | None, finished: bool) -> str:
    """How far a question has got: unanswered, answered (saved, no feedback yet),
    or, once feedback may be shown, right, partial or wrong."""
    if answer is None:
        return "unanswered"
    if not (finished or answer.is_checked):
        return "answered"
    if answer.is_right:
        return "right"
    return "partial" if answer.is_partly_right else "wrong"


# What the navigator and the results strip say beside the colour and the icon.
STATE_LABELS = {
    "unanswered": _("not answered yet"),
    "answered": _("answered"),
    "right": _("right"),
    "partial": _("partly right"),
    "wrong": _("wrong"),
}
STATE_ICONS = {
    "unanswered": "",
    "answered": "●",
    "right": "✓",
    "partial": "◐",
    "wrong": "✗",
}


@dataclass
class NavEntry:
    """One question in the quiz navigator: its number, where it is and how it stands."""

    number: int
    question_id: int
    state: str

    @property
    def dom_id(self) -> str:
        return f"question-{self.question_id}"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def icon(self) -> str:
        return STATE_ICONS[self.state]


def navigator(attempt: Attempt, question_ids, answers: dict) -> list[NavEntry]:
    """The navigator's entries from answers already fetched: no query."""
    return [
        NavEntry(
            number=number,
            question_id=qid,
            state=answer_state(answers.get(qid), attempt.is_finished),
        )
        for number, qid in enumerate(question_ids, start=1)
    ]


@dataclass
class QuestionItem:
    """One question of an attempt, in the attempt's order, with the learner's answer."""

    number: int
    question: Question
    choices: list[Choice]
    answer: Answer | None
    attempt: Attempt | None  # None in a teacher's preview
    error: str = ""
    posted: dict = field(default_factory=dict)

    @cached_property
    def dom_id(self) -> str:
        return f"question-{self.question.pk}"

    @property
    def lesson_url(self) -> str:
        """ "Show me in the lesson"; from an attempt, the passage links back to it."""
        url = self.question.lesson_url()
        if self.attempt is None:
            return url
        path, fragment = url.split("#", 1)
        return f"{path}&attempt={self.attempt.pk}#{fragment}"

    @property
    def show_feedback(self) -> bool:
        """Right answers and feedback only once the learner has answered for good."""
        if self.attempt is not None and self.attempt.is_finished:
            return True
        return bool(self.answer and self.answer.is_checked)

    @property
    def is_locked(self) -> bool:
        return self.show_feedback

    @cached_property
    def chosen_ids(self) -> set[int]:
        # Cached: templates ask once per option. Set `answer` before rendering.
        if "choices" in self.posted:
            return set(self.posted["choices"])
        if self.answer:
            return set(self.answer.response.get("choices", ()))
        return set()

    @property
    def matches(self) -> dict[str, str]:
        if "matches" in self.posted:
            return self.posted["matches"]
        return self.answer.response.get("matches", {}) if self.answer else {}

    @property
    def rows(self) -> list[dict]:
        """Matching: each row with the learner's match and, once shown, the right one."""
        chosen = self.matches
        return [
            {"choice": choice, "chosen": chosen.get(str(choice.pk), "")}
            for choice in self.choices
            if choice.text
        ]

    @property
    def match_options(self) -> list[str]:
        # Alphabetical: listed in the rows' order, the nth option would answer the nth row.
        options = {choice.match_text for choice in self.choices if choice.match_text}
        return sorted(options, key=lambda option: (option.casefold(), option))

    @property
    def accepted(self) -> list[Choice]:
        return [choice for choice in self.choices if choice.is_correct]

    @property
    def near_miss(self) -> str:
        """The spelling a near miss missed; empty until feedback may be shown."""
        if not (self.show_feedback and self.answer and self.answer.is_near_miss):
            return ""
        return grading.near_miss(self.choices, self.answer.submission)

    @property
    def fraction(self) -> Decimal:
        return self.answer.fraction if self.answer else Decimal(0)

    @property
    def points(self) -> Decimal:
        # As stored (three places): a fresh answer's 1/3 × 3 points would show as "1.00".
        return self.answer.points.quantize(POINT) if self.answer else Decimal(0)

    @property
    def typed(self) -> str:
        if "text" in self.posted:
            return self.posted["text"]
        return self.answer.response.get("text", "") if self.answer else ""

    @property
    def state(self) -> str:
        finished = self.attempt is not None and self.attempt.is_finished
        return answer_state(self.answer, finished)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def state_icon(self) -> str:
        return STATE_ICONS[self.state]

    @property
    def result(self) -> str:
        if not self.answer:
            return "unanswered"
        if self.answer.is_right:
            return "right"
        if self.answer.is_partly_right:
            return "partial"
        return "wrong"


# Each question row would otherwise carry its lesson's whole text, twice.
LESSON_TEXT = (
    "quiz__section__body",
    "quiz__section__body_html",
    "quiz__section__article__summary",
)


def _ordered_choices(attempt: Attempt, question: Question) -> list[Choice]:
    by_id = {choice.pk: choice for choice in question.choices.all()}
    order = attempt.choice_order.get(str(question.pk), [])
    # Choices added after the attempt started (an edit without answers) come last.
    order = [cid for cid in order if cid in by_id] + [
        cid for cid in by_id if cid not in order
    ]
    return [by_id[cid] for cid in order]


def _questions(ids) -> "models.QuerySet[Question]":
    return (
        Question.objects.filter(pk__in=ids)
        .select_related("quiz__section__article")
        .defer(*LESSON_TEXT)
        .prefetch_related("choices")
    )


def _question_with_choices(question_id: int) -> Question:
    """A question and its choices in one query ("Check answer" runs on every answer)."""
    choices = list(
        Choice.objects.filter(question_id=question_id)
        .select_related("question__quiz__section__article")
        .defer(*(f"question__{field}" for field in LESSON_TEXT))
        .order_by("position")
    )
    if not choices:
        return _questions([question_id]).get()
    question = choices[0].question
    # What prefetch_related("choices") would have stored, without its second query.
    question._prefetched_objects_cache = {"choices": choices}
    return question


def passages_to_reread(items: list[QuestionItem]) -> list[QuestionItem]:
    """The questions not fully right that point to a passage, one per passage."""
    seen, missed = set(), []
    for item in items:
        quote = item.question.source_quote
        if item.result != "right" and quote and quote not in seen:
            seen.add(quote)
            missed.append(item)
    return missed


def attempt_items(attempt: Attempt) -> list[QuestionItem]:
    """The attempt's questions in its stored order: at most three queries, whatever the
    count. Answered versions come from the cache (quizzes.versions) when kept there; only
    the others are loaded, and the answered ones among them kept for the next page."""
    from quizzes import versions

    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    quiz = attempt.quiz
    questions = versions.load(
        [qid for qid in attempt.question_ids if qid in answers], quiz
    )
    missing = [qid for qid in attempt.question_ids if qid not in questions]
    if missing:
        loaded = {question.pk: question for question in _questions(missing)}
        versions.keep(
            loaded[qid] for qid in missing if qid in answers and qid in loaded
        )
        questions.update(loaded)
    items = []
    for qid in attempt.question_ids:
        question = questions.get(qid)
        if question is None:
            continue
        items.append(
            QuestionItem(
                number=len(items) + 1,
                question=question,
                choices=_ordered_choices(attempt, question),
                answer=answers.get(qid),
                attempt=attempt,
            )
        )
    return items


def attempt_item(
    attempt: Attempt, question_id: int, *, with_answers: bool = True
) -> tuple[QuestionItem, dict]:
    """One question of the attempt and the attempt's answers by question: two queries
    (one without the answers: then the dict is empty, for the caller to fill). A version
    answered before (kept in the cache, quizzes.versions) costs no query."""
    from quizzes import versions

    question = versions.load([question_id], attempt.quiz).get(question_id)
    if question is None:
        question = _question_with_choices(question_id)
    answers = attempt.answers_by_question() if with_answers else {}
    item = QuestionItem(
        number=attempt.question_ids.index(question_id) + 1,
        question=question,
        choices=_ordered_choices(attempt, question),
        answer=answers.get(question_id),
        attempt=attempt,
    )
    return item, answers
