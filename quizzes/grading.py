"""Grading rules, one function per kind of question. Pure: no database access."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,;:]+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Submission:
    """What a learner sent for one question."""

    choice_ids: tuple[int, ...] = ()
    text: str = ""
    matches: Mapping[int, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        data: dict = {}
        if self.choice_ids:
            data["choices"] = list(self.choice_ids)
        if self.text:
            data["text"] = self.text
        if self.matches:
            data["matches"] = {str(key): value for key, value in self.matches.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> "Submission":
        return cls(
            choice_ids=tuple(data.get("choices", ())),
            text=data.get("text", ""),
            matches={int(key): value for key, value in data.get("matches", {}).items()},
        )


def normalize_typed(text: str) -> str:
    """Typed answers compare ignoring case, surrounding spaces and trailing punctuation."""
    return _SPACES.sub(" ", _TRAILING_PUNCTUATION.sub("", text.strip())).casefold()


def parse_number(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", ".").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def grade_single(choices: Iterable, submission: Submission) -> Decimal:
    right = {choice.pk for choice in choices if choice.is_correct}
    chosen = set(submission.choice_ids)
    return ONE if len(chosen) == 1 and chosen <= right else ZERO


def grade_multiple(choices: Iterable, submission: Submission) -> Decimal:
    """max(0, (right chosen - wrong chosen) / right options)."""
    choices = list(choices)
    right = {choice.pk for choice in choices if choice.is_correct}
    chosen = set(submission.choice_ids)
    if not right:
        return ZERO
    earned = Decimal(len(chosen & right) - len(chosen - right)) / Decimal(len(right))
    return max(ZERO, earned)


def grade_short(choices: Iterable, submission: Submission) -> Decimal:
    typed = normalize_typed(submission.text)
    accepted = {normalize_typed(choice.text) for choice in choices if choice.is_correct}
    return ONE if typed and typed in accepted else ZERO


def grade_numerical(choices: Iterable, submission: Submission) -> Decimal:
    value = parse_number(submission.text)
    if value is None:
        return ZERO
    for choice in choices:
        if (
            choice.is_correct
            and choice.value is not None
            and abs(value - choice.value) <= (choice.tolerance or ZERO)
        ):
            return ONE
    return ZERO


def grade_matching(choices: Iterable, submission: Submission) -> Decimal:
    """Each row matched right earns its share."""
    rows = [choice for choice in choices if choice.text]
    if not rows:
        return ZERO
    right = sum(1 for row in rows if submission.matches.get(row.pk) == row.match_text)
    return Decimal(right) / Decimal(len(rows))


def percent(earned: Decimal, possible: Decimal) -> Decimal:
    """A score in percent, to two places; nothing possible scores zero."""
    if not possible:
        return ZERO
    return (earned / possible * HUNDRED).quantize(Decimal("0.01"))
