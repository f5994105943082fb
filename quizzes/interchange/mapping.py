"""Between our questions and the interchange formats (GIFT, Aiken): import plans and export."""

import html
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from quizzes import quality
from quizzes.grading import credit
from quizzes.interchange.gift import ALLOWED_FRACTIONS
from quizzes.interchange.parsed import (
    ParsedAnswer,
    ParsedQuestion,
    ParseError,
    default_name,
    strip_tags,
)
from quizzes.models import Question, Quiz
from relations.markup import contains_quote

SUPPORTED_KINDS = {kind.value for kind in Question.Kind}
ONE = Decimal(1)


@dataclass
class PlannedQuestion:
    """One parsed question, as it would be written."""

    parsed: ParsedQuestion
    fields: dict
    choices: list[dict]
    existing: Question | None = None
    # What the question will be once written: draft, published or archived.
    status: str = Question.Status.DRAFT
    warnings: list[str] = field(default_factory=list)
    # Item-quality warnings (quizzes.quality), checked across the file's questions.
    quality: list = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return Question.Kind(self.fields["kind"]).label

    @property
    def status_label(self) -> str:
        return Question.Status(self.status).label

    @property
    def source_quote(self) -> str:
        """The quote it will have: the file's, else the existing question's."""
        if "source_quote" in self.fields:
            return self.fields["source_quote"]
        return self.existing.source_quote if self.existing else ""


@dataclass
class ImportPlan:
    questions: list[PlannedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.questions)


def _text(value: str, text_format: str) -> str:
    """Our questions are Markdown: HTML from a bank becomes its plain text."""
    if text_format == "html":
        return html.unescape(strip_tags(value)).strip()
    return value.strip()


def plan_import(
    quiz: Quiz, parsed: list[ParsedQuestion], errors: list[ParseError]
) -> ImportPlan:
    """What importing these questions into the quiz would do; errors make it import nothing."""
    plan = ImportPlan(errors=list(errors))
    existing = _existing_by_id(quiz, [q.idnumber for q in parsed if q.idnumber])
    seen_ids: set[str] = set()
    for question in parsed:
        if question.idnumber in seen_ids:
            plan.errors.append(
                ParseError(
                    question.line,
                    question.name,
                    _("The id “%(id)s” is used twice in this file.")
                    % {"id": question.idnumber},
                    "duplicate_id",
                )
            )
            continue
        if question.idnumber:
            seen_ids.add(question.idnumber)
        if question.kind == "category":
            plan.skipped.append(
                _("Category “%(name)s”: ignored; every question goes into this quiz.")
                % {"name": question.category}
            )
            continue
        if question.kind not in SUPPORTED_KINDS:
            plan.errors.append(
                ParseError(
                    question.line,
                    question.name,
                    _(
                        "%(kind)s questions are not supported yet; remove it from the file."
                    )
                    % {"kind": question.kind.capitalize()},
                    "unsupported",
                )
            )
            continue
        try:
            planned = _plan_one(question)
        except ValueError as error:
            plan.errors.append(
                ParseError(question.line, question.name, str(error), "invalid")
            )
            continue
        planned.existing = existing.get(question.idnumber)
        _plan_status(quiz, planned)
        plan.questions.append(planned)
    if not plan.questions and not plan.errors:
        plan.errors.append(
            ParseError(1, "", _("The file holds no questions."), "empty")
        )
    found = quality.check_rows([(p.fields, p.choices) for p in plan.questions])
    for planned, warnings in zip(plan.questions, found, strict=True):
        planned.quality = warnings
    return plan


def _existing_by_id(quiz: Quiz, ids: list[str]) -> dict[str, Question]:
    """This quiz's current questions named by these ids: by their external id, or (for
    a question written in Teach, whose export names it by its identity) by identity."""
    identities = {}
    for value in ids:
        try:
            identities[uuid.UUID(value)] = value
        except ValueError:
            continue
    found = (
        quiz.questions.current()
        .filter(models.Q(external_id__in=ids) | models.Q(identity__in=list(identities)))
        .prefetch_related("choices")
    )
    by_id = {}
    for question in found:
        if question.identity in identities:
            by_id.setdefault(identities[question.identity], question)
        if question.external_id:
            # A question's own external id wins over another's identity.
            by_id[question.external_id] = question
    return by_id


def _plan_status(quiz: Quiz, planned: PlannedQuestion) -> None:
    """The status the file asks for, under the rules of Question.publish(): a question
    is published only if its source quote occurs in the lesson; otherwise a draft."""
    wanted = planned.parsed.status.strip().lower()
    if not wanted:
        return
    if wanted not in Question.Status.values:
        planned.warnings.append(
            _("Unknown status “%(status)s”: it arrives as a draft.")
            % {"status": planned.parsed.status}
        )
        return
    if wanted == Question.Status.PUBLISHED and not contains_quote(
        quiz.section.body, planned.source_quote
    ):
        planned.warnings.append(
            _(
                "Published in the file, but its source quote is not in this lesson:"
                " it arrives as a draft."
            )
        )
        return
    planned.status = wanted


def _plan_one(question: ParsedQuestion) -> PlannedQuestion:
    fmt = question.text_format
    fields = {
        "kind": question.kind,
        "title": question.name[:255],
        "prompt": _text(question.text, fmt),
        "explanation": _text(
            question.general_feedback, question.general_feedback_format
        ),
        "incorrect_feedback": "",
        "external_id": question.idnumber[:100],
        "tags": question.tags,
    }
    if question.source_quote:
        fields["source_quote"] = question.source_quote[
            : Question._meta.get_field("source_quote").max_length
        ]
    warnings: list[str] = []
    # Imported here: the table of kinds names this module's functions.
    from quizzes.kinds import KINDS

    choices = KINDS[question.kind].import_rows(question, fields, warnings)
    import_misconceptions(fields, choices, warnings)
    return PlannedQuestion(question, fields, choices, warnings=warnings)


# `[tag:misconception:…]`: Moodle's tag syntax, with our prefix.
MISCONCEPTION_TAG = re.compile(r"\s*\[tag:misconception:([^\]]*)\]", re.I)
MISCONCEPTION_PREFIX = "misconception:"
MISCONCEPTION_MAX_LENGTH = 120


def _clean_tag(value: str) -> str:
    return " ".join(value.split())[:MISCONCEPTION_MAX_LENGTH]


def import_misconceptions(fields: dict, rows: list[dict], warnings: list) -> None:
    """Misconception tags to wrong options.

    On an option's feedback, `[tag:misconception:…]` tags that option (and leaves the
    feedback). In the question's tags (`// [tag:misconception:…]`), it tags every wrong
    option that has no tag of its own. Right options take no tag.
    """
    tags = []
    for tag in fields.get("tags", []):
        if tag.lower().startswith(MISCONCEPTION_PREFIX):
            tags.append(_clean_tag(tag[len(MISCONCEPTION_PREFIX) :]))
    if tags:
        fields["tags"] = [
            tag
            for tag in fields["tags"]
            if not tag.lower().startswith(MISCONCEPTION_PREFIX)
        ]
    default = tags[-1] if tags else ""
    tagged = 0
    for row in rows:
        found = MISCONCEPTION_TAG.findall(row.get("feedback", ""))
        if found:
            row["feedback"] = MISCONCEPTION_TAG.sub("", row["feedback"]).strip()
        own = _clean_tag(found[-1]) if found else ""
        if row.get("is_correct"):
            if own:
                warnings.append(
                    _("“%(text)s” is a right option: its misconception tag is ignored.")
                    % {"text": row.get("text") or row.get("match_text", "")}
                )
            continue
        if own or default:
            row["misconception"] = own or default
            tagged += 1
    if default and not tagged:
        warnings.append(
            _(
                "The misconception tag “%(tag)s” is ignored: the question has no wrong option."
            )
            % {"tag": default}
        )


def _tagged_feedback(choice) -> str:
    """A wrong option's feedback with its misconception tag, as the import reads it back."""
    if choice.is_correct or not choice.misconception:
        return choice.feedback
    # A tag cannot hold "]": it would end the tag.
    mark = f"[tag:misconception:{choice.misconception.replace(']', ')')}]"
    return f"{choice.feedback} {mark}" if choice.feedback else mark


def import_true_false(question: ParsedQuestion, fields: dict, warnings: list) -> list:
    feedback = {"True": question.feedback_true, "False": question.feedback_false}
    return [
        {
            "text": text,
            "is_correct": (text == "True") == bool(question.correct_answer),
            "feedback": _text(feedback[text], question.text_format),
        }
        for text in ("True", "False")
    ]


def _typed_answers(question: ParsedQuestion, fields: dict) -> list[ParsedAnswer]:
    """The answers, the catch-all `*` one becoming the feedback for any other answer."""
    others = [a for a in question.answers if a.text == "*"]
    if others:
        fields["incorrect_feedback"] = _text(
            others[-1].feedback, others[-1].feedback_format
        )
    return [a for a in question.answers if a.text != "*"]


def _row(answer: ParsedAnswer) -> dict:
    return {
        "text": _text(answer.text, answer.text_format),
        "feedback": _text(answer.feedback, answer.feedback_format),
    }


def _with_credit(answer: ParsedAnswer, row: dict, warnings: list) -> dict:
    """A weight of 100 % is right, between 0 and 100 % right with that credit, 0 % wrong."""
    row["is_correct"] = answer.fraction > 0
    row["credit"] = answer.fraction * 100 if 0 < answer.fraction < 1 else None
    if answer.fraction < 0:
        warnings.append(
            _(
                "“%(text)s” takes away %(percent)s%% of the points; it is imported as"
                " wrong, without the penalty."
            )
            % {"text": row["text"], "percent": _number_text(-answer.fraction * 100)}
        )
    return row


def import_single(question: ParsedQuestion, fields: dict, warnings: list) -> list:
    return [_with_credit(a, _row(a), warnings) for a in question.answers]


def import_multiple(question: ParsedQuestion, fields: dict, warnings: list) -> list:
    return [{**_row(a), "is_correct": a.fraction > 0} for a in question.answers]


def import_matching(question: ParsedQuestion, fields: dict, warnings: list) -> list:
    return [
        {
            **_row(a),
            "text": _text(a.match_prompt or "", a.match_prompt_format),
            "match_text": _text(a.text, a.text_format),
            "is_correct": bool(a.match_prompt),
        }
        for a in question.answers
    ]


def import_short(question: ParsedQuestion, fields: dict, warnings: list) -> list:
    answers = _typed_answers(question, fields)
    rows = [_with_credit(a, _row(a), warnings) for a in answers]
    return [row for row in rows if row["is_correct"]]


def import_numerical(question: ParsedQuestion, fields: dict, warnings: list) -> list:
    rows = []
    for answer in _typed_answers(question, fields):
        row = _with_credit(answer, _row(answer), warnings)
        try:
            row["value"] = Decimal(answer.text)
        except InvalidOperation:
            raise ValueError(
                _("“%(text)s” is not a number.") % {"text": answer.text}
            ) from None
        row["tolerance"] = answer.tolerance or Decimal(0)
        row["text"] = ""
        rows.append(row)
    return rows


def category_switch(section) -> ParsedQuestion:
    """A `$CATEGORY` line naming the article and lesson, as Moodle banks are organised."""
    category = f"$course$/{section.article.title}/{section.title}"
    return ParsedQuestion(line=0, name="", kind="category", category=category)


def parsed_quizzes(quizzes, *, categories: bool) -> list[ParsedQuestion]:
    """The current questions of these quizzes, in order, for an exporter; with
    `categories`, a `$CATEGORY` switch (article/lesson) before each quiz. Three queries."""
    quizzes = quizzes.select_related("section__article").prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.current()
            .prefetch_related("choices")
            .order_by("position"),
        )
    )
    parsed: list[ParsedQuestion] = []
    for quiz in quizzes.order_by("section__article__title", "section__position"):
        if categories:
            category = f"$course$/{quiz.section.article.title}/{quiz.section.title}"
            parsed.append(
                ParsedQuestion(line=0, name="", kind="category", category=category)
            )
        parsed.extend(to_parsed(question) for question in quiz.questions.all())
    return parsed


def _nearest_fraction(value: Decimal) -> Decimal:
    return min(ALLOWED_FRACTIONS, key=lambda allowed: abs(allowed - value))


def to_parsed(question: Question) -> ParsedQuestion:
    """One of our questions as the interchange formats see it (choices prefetched)."""
    choices = list(question.choices.all())
    parsed = ParsedQuestion(
        line=0,
        name=question.title or default_name(question.prompt),
        kind=question.kind,
        text=question.prompt,
        general_feedback=question.explanation,
        # Every question gets an id: a question written in Teach has no external id,
        # so its identity (the same for all its versions) names it.
        idnumber=question.external_id or str(question.identity),
        tags=list(question.tags or []),
        export_id=question.position,
        source_quote=question.source_quote,
        status=question.status,
    )
    question.rules.export_answers(question, choices, parsed)
    return parsed


def export_true_false(question: Question, choices: list, parsed: ParsedQuestion):
    by_text = {c.text: c for c in choices}
    parsed.correct_answer = bool(by_text.get("True") and by_text["True"].is_correct)
    parsed.feedback_true = (
        _tagged_feedback(by_text["True"]) if "True" in by_text else ""
    )
    parsed.feedback_false = (
        _tagged_feedback(by_text["False"]) if "False" in by_text else ""
    )


def export_single(question: Question, choices: list, parsed: ParsedQuestion):
    parsed.answers = [
        ParsedAnswer(c.text, credit(c), _tagged_feedback(c)) for c in choices
    ]


def export_multiple(question: Question, choices: list, parsed: ParsedQuestion):
    right = [c for c in choices if c.is_correct]
    share = _nearest_fraction(ONE / max(len(right), 1))
    parsed.answers = [
        ParsedAnswer(c.text, share if c.is_correct else -share, _tagged_feedback(c))
        for c in choices
    ]


def export_matching(question: Question, choices: list, parsed: ParsedQuestion):
    parsed.answers = [
        ParsedAnswer(
            c.match_text, ONE if c.text else Decimal(0), c.feedback, match_prompt=c.text
        )
        for c in choices
    ]


def _other_answers(question: Question, parsed: ParsedQuestion) -> None:
    """The feedback for any other answer, as GIFT's catch-all `*` answer."""
    if question.incorrect_feedback:
        parsed.answers.append(
            ParsedAnswer("*", Decimal(0), question.incorrect_feedback)
        )


def export_short(question: Question, choices: list, parsed: ParsedQuestion):
    export_single(question, choices, parsed)
    _other_answers(question, parsed)


def export_numerical(question: Question, choices: list, parsed: ParsedQuestion):
    parsed.answers = [
        ParsedAnswer(
            _number_text(c.value),
            credit(c),
            c.feedback,
            tolerance=(c.tolerance or Decimal(0)).normalize(),
        )
        for c in choices
        if c.value is not None
    ]
    _other_answers(question, parsed)


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")
