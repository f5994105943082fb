"""Reading a learner's answer from a posted form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizzes.grading import Submission, parse_number
from quizzes.models import Question

MAX_TYPED_LENGTH = 500


def read_submission(question: Question, data) -> Submission:
    """Validate the posted fields against this question; raise ValidationError."""
    if question.is_choice_kind:
        return _read_choices(question, data)
    if question.kind == Question.Kind.MATCHING:
        return _read_matches(question, data)
    text = data.get("text", "")
    if len(text) > MAX_TYPED_LENGTH:
        raise ValidationError(
            _("That answer is too long (at most %(n)s characters).")
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
    if question.kind == Question.Kind.NUMERICAL and not _is_comparable_number(text):
        raise ValidationError(
            _("Enter a number, such as 42 or 3.5."), code="not_a_number"
        )
    return Submission(text=text.strip())


# Far beyond any value a question can hold (at most 14 digits), and far below where
# decimal arithmetic overflows when grading compares the two.
MAX_NUMBER_EXPONENT = 1000


def _is_comparable_number(text: str) -> bool:
    number = parse_number(text)
    return number is not None and number.adjusted() <= MAX_NUMBER_EXPONENT


def _read_choices(question: Question, data) -> Submission:
    raw = data.getlist("choice")
    if not raw:
        message = (
            _("Choose at least one option before checking your answer.")
            if question.kind == Question.Kind.MULTIPLE
            else _("Choose an option before checking your answer.")
        )
        raise ValidationError(message, code="missing")
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
    if question.kind != Question.Kind.MULTIPLE and len(ids) > 1:
        raise ValidationError(_("Choose only one option."), code="too_many")
    return Submission(choice_ids=tuple(ids))


def _read_matches(question: Question, data) -> Submission:
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
