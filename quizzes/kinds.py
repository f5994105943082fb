"""One entry per kind of question: everything that differs between kinds, in one table.

Each entry names the kind's grader (`quizzes.grading`), the rules its choices must follow,
the reader of a learner's posted answer (`quizzes.answers`), what the editor shows for
its choice rows, and its two templates:
`includes/question_inputs/<kind>.html` (the inputs a learner answers with) and
`includes/question_review/<kind>.html` (the answer reviewed, with feedback).
Adding a kind means one entry here, its two templates, and its grading function.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quizzes import answers, grading
from quizzes.interchange import mapping
from quizzes.models import Question


@dataclass(frozen=True)
class Editor:
    """How the teacher's editor shows a kind's choice rows."""

    legend: Promise
    # The row fields shown, of: text, match_text, value, tolerance, is_correct, feedback,
    # misconception (wrong options only).
    fields: tuple[str, ...]
    text_label: Promise = _("Choice text")
    add_label: Promise = _("Add a choice")
    blank_rows: int = 3
    # Rows every question of the kind has, in order, with nothing to add or remove.
    fixed_texts: tuple[str, ...] = ()
    # Whether a row is a right one, for kinds whose rows have no "Right" box.
    is_right: Callable[[dict], bool] | None = None

    @property
    def default_rows(self) -> list[dict]:
        if self.fixed_texts:
            return [{"text": text} for text in self.fixed_texts]
        return [{} for _ in range(self.blank_rows)]


@dataclass(frozen=True)
class KindRules:
    kind: str
    grade: Callable  # (choices, Submission) -> fraction
    check_choices: Callable[[list], None]  # raises ValidationError
    read_answer: (
        Callable  # (question, posted data) -> Submission; raises ValidationError
    )
    editor: Editor
    # From a parsed GIFT/Aiken question to choice rows, and back (`interchange.mapping`).
    import_rows: Callable
    export_answers: Callable
    hint: Promise | str = ""
    # Learners pick among the options (statistics count how often each is picked).
    picks_options: bool = False
    # Learners type the answer.
    types_answer: bool = False
    shuffles_choices: bool = True

    @property
    def input_template(self) -> str:
        return f"includes/question_inputs/{self.kind}.html"

    @property
    def review_template(self) -> str:
        return f"includes/question_review/{self.kind}.html"


def _right(choices: list) -> list:
    return [choice for choice in choices if choice.is_correct]


def _one_right(choices: list) -> None:
    if len(_right(choices)) != 1:
        raise ValidationError(
            _("A single-choice or true/false question needs exactly one right choice."),
            code="one_right_choice",
        )


def check_single(choices: list) -> None:
    _one_right(choices)
    if len(choices) < 2:
        raise ValidationError(_("Give at least two choices."), code="too_few_choices")


def check_true_false(choices: list) -> None:
    _one_right(choices)
    if len(choices) != 2:
        raise ValidationError(
            _("A true/false question has exactly two choices."), code="true_false_two"
        )


def check_multiple(choices: list) -> None:
    right = _right(choices)
    if len(right) < 2 or len(right) == len(choices):
        raise ValidationError(
            _(
                "A multiple-answers question needs at least two right choices and one wrong."
            ),
            code="multiple_right_wrong",
        )


def check_short(choices: list) -> None:
    if not _right(choices):
        raise ValidationError(
            _("A short-answer question needs at least one accepted answer."),
            code="no_accepted_answer",
        )


def check_numerical(choices: list) -> None:
    if not any(choice.value is not None for choice in _right(choices)):
        raise ValidationError(
            _("A numerical question needs a number as its answer."), code="no_number"
        )


def check_matching(choices: list) -> None:
    if len([choice for choice in choices if choice.text]) < 2:
        raise ValidationError(
            _("A matching question needs at least two pairs."), code="too_few_pairs"
        )


_OPTIONS = ("text", "is_correct", "feedback", "misconception")

KINDS: dict[str, KindRules] = {
    rules.kind: rules
    for rules in [
        KindRules(
            kind=Question.Kind.SINGLE,
            import_rows=mapping.import_single,
            export_answers=mapping.export_single,
            grade=grading.grade_single,
            check_choices=check_single,
            read_answer=answers.read_one_choice,
            editor=Editor(legend=_("Choices"), fields=_OPTIONS),
            picks_options=True,
        ),
        KindRules(
            kind=Question.Kind.MULTIPLE,
            import_rows=mapping.import_multiple,
            export_answers=mapping.export_multiple,
            grade=grading.grade_multiple,
            check_choices=check_multiple,
            read_answer=answers.read_choices,
            editor=Editor(legend=_("Choices"), fields=_OPTIONS),
            hint=_("Select all that apply."),
            picks_options=True,
        ),
        KindRules(
            kind=Question.Kind.TRUE_FALSE,
            import_rows=mapping.import_true_false,
            export_answers=mapping.export_true_false,
            grade=grading.grade_single,
            check_choices=check_true_false,
            read_answer=answers.read_one_choice,
            editor=Editor(
                legend=_("Choices"), fields=_OPTIONS, fixed_texts=("True", "False")
            ),
            picks_options=True,
            shuffles_choices=False,
        ),
        KindRules(
            kind=Question.Kind.SHORT,
            import_rows=mapping.import_short,
            export_answers=mapping.export_short,
            grade=grading.grade_short,
            check_choices=check_short,
            read_answer=answers.read_text,
            types_answer=True,
            editor=Editor(
                legend=_("Accepted answers"),
                fields=("text",),
                text_label=_("Accepted answer"),
                add_label=_("Add an accepted answer"),
                blank_rows=1,
                is_right=lambda row: True,
            ),
        ),
        KindRules(
            kind=Question.Kind.NUMERICAL,
            import_rows=mapping.import_numerical,
            export_answers=mapping.export_numerical,
            grade=grading.grade_numerical,
            check_choices=check_numerical,
            read_answer=answers.read_number,
            types_answer=True,
            editor=Editor(
                legend=_("Answers (a number and a tolerance)"),
                fields=("value", "tolerance", "feedback"),
                is_right=lambda row: row["value"] is not None,
            ),
        ),
        KindRules(
            kind=Question.Kind.MATCHING,
            import_rows=mapping.import_matching,
            export_answers=mapping.export_matching,
            grade=grading.grade_matching,
            check_choices=check_matching,
            read_answer=answers.read_matches,
            editor=Editor(
                legend=_("Pairs (leave the left side empty for an extra wrong match)"),
                fields=("text", "match_text", "feedback"),
                text_label=_("Left side"),
                add_label=_("Add a pair"),
                is_right=lambda row: bool(row["text"]),
            ),
        ),
    ]
}
