"""Reading a learner's answer from a posted form: one reader per way of answering.

`quizzes.kinds` says which reader each kind of question uses.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quizzes.grading import Submission, is_ambiguous_number, parse_number
from quizzes.models import Question

MAX_TYPED_LENGTH = 500
# What a learner can get wrong with the real form (nothing chosen, letters in a number):
# answered as an ordinary page with the message. Every other code means a post no form
# of ours sends (forged or malformed): a 400.
SLIPS = frozenset({"missing", "not_a_number"})


def refusal_status(error: ValidationError) -> int:
    """200 for a slip (with DEBUG on, htmx would hand a 4xx to the debug page), 400 for
    a forged or malformed post."""
    return 200 if error.code in SLIPS else 400


def read_text(question: Question, data) -> Submission:
    """A typed answer (short answer)."""
    text = data.get("text", "")
    if len(text) > MAX_TYPED_LENGTH:
        raise ValidationError(
            ngettext(
                "That answer is too long (at most %(n)d character).",
                "That answer is too long (at most %(n)d characters).",
                MAX_TYPED_LENGTH,
            )
            % {"n": MAX_TYPED_LENGTH},
            code="too_long",
        )
    if "\x00" in text:
        # No form sends it, and PostgreSQL cannot store it in a JSON column.
        raise ValidationError(
            _("The answer was not understood."), code="null_character"
        )
    if not text.strip():
        raise ValidationError(_("Type an answer before checking it."), code="missing")
    return Submission(text=text.strip())


def read_number(question: Question, data) -> Submission:
    """A typed number (numerical)."""
    submission = read_text(question, data)
    if is_ambiguous_number(submission.text):
        raise ValidationError(
            _(
                "“%(text)s” could be read two ways: write it without the comma for a"
                " whole number, or with a decimal point (such as 3.5)."
            )
            % {"text": submission.text},
            code="ambiguous_number",
        )
    if not _is_comparable_number(submission.text):
        raise ValidationError(
            _("Enter a number, such as 42 or 3.5."), code="not_a_number"
        )
    return submission


# Far beyond any value a question can hold (at most 14 digits), and far below where
# decimal arithmetic overflows when grading compares the two.
MAX_NUMBER_EXPONENT = 1000


def _is_comparable_number(text: str) -> bool:
    number = parse_number(text)
    return number is not None and number.adjusted() <= MAX_NUMBER_EXPONENT


def read_one_choice(question: Question, data) -> Submission:
    """One option picked (single choice, true/false)."""
    if not data.getlist("choice"):
        raise ValidationError(
            _("Choose an option before checking your answer."), code="missing"
        )
    submission = read_choices(question, data)
    if len(submission.choice_ids) > 1:
        raise ValidationError(_("Choose only one option."), code="too_many")
    return submission


def read_choices(question: Question, data) -> Submission:
    """Options picked (multiple answers)."""
    raw = data.getlist("choice")
    if not raw:
        raise ValidationError(
            _("Choose at least one option before checking your answer."),
            code="missing",
        )
    try:
        ids = [int(value) for value in raw]
    except (TypeError, ValueError):
        raise ValidationError(
            _("The answer was not understood (malformed option)."),
            code="malformed",
        ) from None
    if len(set(ids)) != len(ids):
        raise ValidationError(_("The same option was sent twice."), code="repeated")
    if not set(ids) <= {choice.pk for choice in question.choices.all()}:
        raise ValidationError(
            _("That option does not belong to this question."),
            code="foreign",
        )
    return Submission(choice_ids=tuple(ids))


def read_matches(question: Question, data) -> Submission:
    """A match chosen for every row (matching)."""
    options = {choice.match_text for choice in question.choices.all()}
    matches = {}
    for row in question.choices.all():
        if not row.text:
            continue
        value = data.get(f"match-{row.pk}", "")
        if not value:
            raise ValidationError(_("Choose a match for every row."), code="missing")
        if value not in options:
            raise ValidationError(
                _("That match is not one of the options."),
                code="foreign",
            )
        matches[row.pk] = value
    return Submission(matches=matches)


def kept_after_slip(question: Question, data) -> dict:
    """What the learner had filled in when a slip sent the question back: the typed
    text and the matches already chosen (only real options), shown again with the
    message. Options are never kept: the only slip with options is choosing none."""
    kept = {}
    if "text" in data:
        kept["text"] = data.get("text", "")[:MAX_TYPED_LENGTH]
    options = {choice.match_text for choice in question.choices.all()}
    matches = {
        str(row.pk): data.get(f"match-{row.pk}")
        for row in question.choices.all()
        if row.text and data.get(f"match-{row.pk}") in options
    }
    if matches:
        kept["matches"] = matches
    return kept
