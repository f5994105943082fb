"""What a teacher sees of a group of learners, each read in a fixed number of queries.

A cohort is one class (its members, its articles) or, for a teacher who runs without
classes, every learner with progress on any article. No function here runs a query per
learner, per lesson or per question.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from quizzes.classes.statistics import (
    ItemStatistics,
    QuizStatistics,
    median,
    quiz_statistics,
)
from quizzes.learning import LESSON_TEXT
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
from relations.markup import highlight_quote
from relations.models import Article, Section

STATE_LABELS = {
    "not_started": _("Not started"),
    "read": _("Read"),
    "passed": _("Passed"),
    "retry": _("Needs another try"),
}
SORTS = ("name", "-name", "progress", "-progress", "activity", "-activity")


@dataclass
class Cohort:
    """The learners a teacher may see: one class, or everyone ("all learners")."""

    classroom: Classroom | None

    @property
    def scope(self) -> str:
        return str(self.classroom.pk) if self.classroom else "all"

    @property
    def name(self) -> str:
        return self.classroom.name if self.classroom else str(_("All learners"))

    def learner_ids(self) -> QuerySet:
        """A subquery of the cohort's learner ids (no query of its own)."""
        if self.classroom:
            return Membership.objects.filter(classroom=self.classroom).values(
                "learner_id"
            )
        return Progress.objects.values("learner_id")

    def learners(self) -> list[User]:
        return list(
            User.objects.filter(pk__in=self.learner_ids())
            .only("pk", "username", "first_name", "last_name", "email")
            .order_by("username")
        )

    def articles(self) -> QuerySet:
        if self.classroom:
            return Article.objects.filter(classrooms=self.classroom)
        return Article.objects.all()

    def sections(self) -> list[Section]:
        """The cohort's published lessons in course order, with their quizzes."""
        return list(
            Section.objects.published()
            .filter(article__in=self.articles())
            .select_related("article", "quiz")
            .defer("body", "body_html", "article__summary")
            .order_by("article__title", "article__pk", "position")
        )


# The progress grid ------------------------------------------------------------------


@dataclass
class Cell:
    section: Section
    progress: Progress | None

    @property
    def state(self) -> str:
        return self.progress.state if self.progress else "not_started"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def best_score(self):
        return self.progress.best_score if self.progress else None


@dataclass
class Row:
    learner: User
    cells: list[Cell]

    @property
    def passed(self) -> int:
        return sum(1 for cell in self.cells if cell.state == "passed")

    @property
    def total(self) -> int:
        return sum(1 for cell in self.cells if _has_quiz(cell.section))

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 0

    @cached_property
    def last_activity(self) -> datetime | None:
        moments = [
            moment
            for cell in self.cells
            if cell.progress
            for moment in (cell.progress.read_at, cell.progress.last_attempt_at)
            if moment
        ]
        return max(moments, default=None)


@dataclass
class LessonSummary:
    section: Section
    learners: int
    passed: int
    median_best: float | None

    @property
    def share_passed(self) -> int | None:
        return round(100 * self.passed / self.learners) if self.learners else None


@dataclass
class Grid:
    sections: list[Section]
    rows: list[Row]
    summaries: list[LessonSummary]
    sort: str

    @property
    def sorting(self) -> dict[str, dict[str, str]]:
        """Per sortable column: the sort its link asks for, and its aria-sort now."""
        columns = {}
        for key in ("name", "progress", "activity"):
            # Name reads A to Z first; progress and activity most first.
            natural = "ascending" if key == "name" else "descending"
            flipped = "descending" if key == "name" else "ascending"
            if self.sort == key:
                columns[key] = {"next": f"-{key}", "aria": natural}
            elif self.sort == f"-{key}":
                columns[key] = {"next": key, "aria": flipped}
            else:
                columns[key] = {"next": key, "aria": ""}
        return columns


def _has_quiz(section: Section) -> bool:
    quiz = getattr(section, "quiz", None)
    return quiz is not None and quiz.is_published


def progress_grid(cohort: Cohort, sort: str = "name") -> Grid:
    """Learners × lessons with each cell's state: three queries."""
    if sort not in SORTS:
        sort = "name"
    learners = cohort.learners()
    sections = cohort.sections()
    progress = {
        (row.learner_id, row.section_id): row
        for row in Progress.objects.filter(
            learner_id__in=cohort.learner_ids(), section__in=[s.pk for s in sections]
        )
    }
    rows = [
        Row(
            learner=learner,
            cells=[Cell(s, progress.get((learner.pk, s.pk))) for s in sections],
        )
        for learner in learners
    ]
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    if key == "name":
        rows.sort(
            key=lambda row: row.learner.get_username().casefold(), reverse=reverse
        )
    elif key == "progress":
        # Most progress first unless reversed; the name breaks ties the same way always.
        rows.sort(key=lambda row: row.learner.get_username().casefold())
        rows.sort(key=lambda row: row.percent, reverse=not reverse)
    else:
        rows.sort(key=lambda row: row.learner.get_username().casefold())
        never = datetime.min.replace(tzinfo=UTC)
        rows.sort(key=lambda row: row.last_activity or never, reverse=not reverse)
    summaries = []
    for index, section in enumerate(sections):
        cells = [row.cells[index] for row in rows]
        bests = sorted(float(c.best_score) for c in cells if c.best_score is not None)
        summaries.append(
            LessonSummary(
                section=section,
                learners=len(cells),
                passed=sum(1 for c in cells if c.state == "passed"),
                median_best=median(bests),
            )
        )
    return Grid(sections=sections, rows=rows, summaries=summaries, sort=sort)


# Item statistics ----------------------------------------------------------------------


def identities(questions) -> dict[int, int]:
    """Each question version's identity: the id of its first version."""
    previous = {q.pk: q.previous_version_id for q in questions}
    roots = {}
    for pk in previous:
        root = pk
        while previous.get(root):
            root = previous[root]
        roots[pk] = root
    return roots


@dataclass
class ItemRow:
    question: Question  # the current version, which the teacher edits
    stats: ItemStatistics


@dataclass
class QuizReport:
    quiz: Quiz
    stats: QuizStatistics
    items: list[ItemRow]
    all_attempts: bool

    def for_question(self, question: Question) -> ItemStatistics | None:
        return self.by_identity.get(self.identity.get(question.pk))

    @cached_property
    def by_identity(self) -> dict[int, ItemStatistics]:
        return {self.identity[row.question.pk]: row.stats for row in self.items}

    identity: dict[int, int] = field(default_factory=dict)


def quiz_report(
    cohort: Cohort, quiz: Quiz, *, all_attempts: bool = False
) -> QuizReport:
    """Moodle's statistics for one quiz over the cohort's finished attempts: three queries.

    By default each learner's first attempt only, as Moodle does; columns are question
    identities, so the versions of one question count as one question.
    """
    questions = list(
        Question.objects.filter(quiz=quiz)
        .only(
            "pk",
            "quiz_id",
            "position",
            "title",
            "prompt",
            "kind",
            "points",
            "status",
            "is_current",
            "previous_version_id",
            "source_quote",
        )
        .order_by("position", "pk")
    )
    identity = identities(questions)
    current = {identity[q.pk]: q for q in questions if q.is_current}
    attempts_query = Attempt.objects.finished().filter(
        quiz=quiz, learner_id__in=cohort.learner_ids()
    )
    attempts = list(
        attempts_query.order_by("learner_id", "started_at", "pk").values_list(
            "pk", "learner_id", "question_ids"
        )
    )
    if not all_attempts:
        seen: set[int] = set()
        firsts = []
        for attempt in attempts:
            if attempt[1] not in seen:
                seen.add(attempt[1])
                firsts.append(attempt)
        attempts = firsts
    kept = {pk for pk, _learner, _ids in attempts}
    fractions: dict[int, dict[int, float]] = {}
    for attempt_id, question_id, fraction in Answer.objects.filter(
        attempt__in=attempts_query
    ).values_list("attempt_id", "question_id", "fraction"):
        if attempt_id in kept:
            fractions.setdefault(attempt_id, {})[question_id] = float(fraction)
    # Columns: every identity some attempt showed, in the current order of the quiz.
    shown = {
        identity[qid] for _pk, _l, ids in attempts for qid in ids if qid in identity
    }
    columns = sorted(
        (root for root in shown if root in current),
        key=lambda root: (current[root].position, root),
    )
    index = {root: position for position, root in enumerate(columns)}
    max_marks = [float(current[root].points) for root in columns]
    matrix = []
    for attempt_id, _learner, ids in attempts:
        row: list[float | None] = [None] * len(columns)
        answered = fractions.get(attempt_id, {})
        for qid in ids:
            root = identity.get(qid)
            if root in index:
                column = index[root]
                row[column] = answered.get(qid, 0.0) * max_marks[column]
        matrix.append(row)
    stats = quiz_statistics(matrix, max_marks)
    items = [
        ItemRow(question=current[root], stats=item)
        for root, item in zip(columns, stats.items, strict=True)
    ]
    return QuizReport(
        quiz=quiz,
        stats=stats,
        items=items,
        all_attempts=all_attempts,
        identity=identity,
    )


# Misconceptions -----------------------------------------------------------------------


@dataclass
class Misconception:
    tag: str
    learners: set[int] = field(default_factory=set)
    picks: int = 0
    questions: dict[int, Question] = field(default_factory=dict)  # by question version

    @property
    def learner_count(self) -> int:
        return len(self.learners)

    @property
    def sections(self) -> list[Section]:
        seen = {}
        for question in self.questions.values():
            seen.setdefault(question.quiz.section.pk, question.quiz.section)
        return list(seen.values())


def _tagged_choices(cohort: Cohort) -> list[Choice]:
    return list(
        Choice.objects.filter(question__quiz__section__article__in=cohort.articles())
        .exclude(misconception="")
        .select_related("question__quiz__section__article")
        .defer(*(f"question__{name}" for name in LESSON_TEXT))
    )


def misconceptions(cohort: Cohort) -> list[Misconception]:
    """Tags ranked by how many learners picked an option carrying them: two queries."""
    choices = _tagged_choices(cohort)
    by_choice = {choice.pk: choice for choice in choices}
    found: dict[str, Misconception] = {}
    answers = Answer.objects.filter(
        question_id__in={choice.question_id for choice in choices},
        attempt__learner_id__in=cohort.learner_ids(),
    ).values_list("attempt__learner_id", "response")
    for learner_id, response in answers:
        for choice_id in response.get("choices", ()):
            choice = by_choice.get(choice_id)
            if choice is None:
                continue
            entry = found.setdefault(
                choice.misconception, Misconception(tag=choice.misconception)
            )
            entry.learners.add(learner_id)
            entry.picks += 1
            entry.questions.setdefault(choice.question_id, choice.question)
    return sorted(found.values(), key=lambda m: (-m.learner_count, m.tag.casefold()))


@dataclass
class LearnerMisconception:
    tag: str
    questions: list[Question]
    last_shown: datetime
    is_corrected: bool


def learner_misconceptions(cohort: Cohort, learner: User) -> list[LearnerMisconception]:
    """The tags a learner's answers showed, and whether a later answer got it right.

    Corrected: every question where the learner picked the tagged option was answered
    right later (in any version of that question). Three queries.
    """
    choices = {choice.pk: choice for choice in _tagged_choices(cohort)}
    versions = Question.objects.filter(
        quiz__section__article__in=cohort.articles()
    ).only("pk", "previous_version_id")
    identity = identities(versions)
    answers = list(
        Answer.objects.filter(attempt__learner=learner)
        .order_by("answered_at", "pk")
        .values_list("question_id", "response", "fraction", "answered_at")
    )
    shown: dict[str, dict[int, datetime]] = {}  # tag → identity → last pick
    questions: dict[str, dict[int, Question]] = {}
    for question_id, response, _fraction, answered_at in answers:
        for choice_id in response.get("choices", ()):
            choice = choices.get(choice_id)
            if choice is None:
                continue
            root = identity.get(question_id, question_id)
            shown.setdefault(choice.misconception, {})[root] = answered_at
            questions.setdefault(choice.misconception, {})[root] = choice.question
    right_after: dict[int, datetime] = {}  # identity → latest right answer
    for question_id, _response, fraction, answered_at in answers:
        if fraction == 1:
            right_after[identity.get(question_id, question_id)] = answered_at
    result = [
        LearnerMisconception(
            tag=tag,
            questions=list(questions[tag].values()),
            last_shown=max(picks.values()),
            is_corrected=all(
                root in right_after and right_after[root] > picked
                for root, picked in picks.items()
            ),
        )
        for tag, picks in shown.items()
    ]
    return sorted(result, key=lambda m: (m.is_corrected, m.tag.casefold()))


# Coverage of the text -------------------------------------------------------------------

# Blocks a reader reads as a paragraph; headings are neither "tested" nor "not tested".
_BLOCK = re.compile(r"<(p|li|blockquote|td|th)\b[^>]*>.*?</\1>", re.DOTALL)


@dataclass
class Passage:
    number: int
    tag: str
    inner_html: str  # from the sanitized lesson HTML, with the quotes marked
    questions: list[ItemRow]

    @property
    def dom_id(self) -> str:
        return f"passage-{self.number}"

    @property
    def is_tested(self) -> bool:
        return bool(self.questions)

    @property
    def facility(self) -> float | None:
        values = [
            row.stats.facility
            for row in self.questions
            if row.stats.facility is not None
        ]
        return sum(values) / len(values) if values else None

    @property
    def answers(self) -> int:
        return sum(row.stats.n for row in self.questions)

    @property
    def band(self) -> str:
        """untested, unanswered, hard, moderate or easy: a CSS class and a label."""
        if not self.questions:
            return "untested"
        facility = self.facility
        if facility is None:
            return "unanswered"
        if facility < 40:
            return "hard"
        if facility < 70:
            return "moderate"
        return "easy"


def coverage(
    section: Section, report: QuizReport, questions: list[Question]
) -> list[str | Passage]:
    """The lesson's HTML cut into raw parts and passages, each passage with its questions.

    A passage is a paragraph (or list item, quote, table cell); the questions whose source
    quote it holds are marked in it by `highlight_quote`, as the lesson page marks one.
    """
    rows = {
        question.pk: ItemRow(
            question=question,
            stats=report.for_question(question)
            or quiz_statistics([], [float(question.points)]).items[0],
        )
        for question in questions
    }
    parts: list[str | Passage] = []
    body, done = section.body_html, 0
    for number, match in enumerate(_BLOCK.finditer(body), start=1):
        parts.append(body[done : match.start()])
        done = match.end()
        block, tag = match.group(0), match.group(1)
        anchored = []
        for question in questions:
            marked, found = highlight_quote(block, question.source_quote)
            if found:
                block = marked
                anchored.append(rows[question.pk])
        inner = block[block.index(">") + 1 : -len(f"</{tag}>")]
        parts.append(
            Passage(number=number, tag=tag, inner_html=inner, questions=anchored)
        )
    parts.append(body[done:])
    return parts
