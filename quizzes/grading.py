"""Grading rules, one function per kind of question. Pure: no database access."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# Dashes and hyphens of every width, and the minus sign: all separate words alike.
_DASHES = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63]")
_QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
_TRAILING_PUNCTUATION = ".!?,;:\u2026"
# A period after a letter ("U.S.", "St."), never one between digits ("3.5").
_ABBREVIATION_DOT = re.compile(r"(?<=[^\W\d_])\.")
_SPACES = re.compile(r"\s+")
_ARTICLES = ("the ", "a ", "an ")
# A near miss is one slip in a word at least this long; shorter words differ by one
# letter too often to be the same word ("Iran" and "Iraq").
NEAR_MISS_MIN_LENGTH = 5


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


def fold_accents(text: str) -> str:
    """ "Tartūs" -> "Tartus": drop the combining marks that decomposition splits off."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept)


def _strip_quotes_and_punctuation(text: str) -> str:
    # Alternate until stable: '"Tartus."' and 'Tartus".' both lose everything around.
    while True:
        stripped = text.strip().strip(_QUOTES).rstrip(_TRAILING_PUNCTUATION)
        if stripped == text:
            return text
        text = stripped


def normalize_typed(text: str) -> str:
    """A typed answer as the grader compares it: the words, lower case, one space apart.

    Case, Unicode forms and accents, dashes, dots in abbreviations, surrounding quotes,
    trailing punctuation, repeated spaces and a leading article ("the", "a", "an") do
    not count.
    """
    text = fold_accents(unicodedata.normalize("NFKC", text)).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _strip_quotes_and_punctuation(text)
    text = _SPACES.sub(" ", _ABBREVIATION_DOT.sub("", text)).strip()
    for article in _ARTICLES:
        # Before dashes become spaces: "A-level" keeps its "a".
        if text.startswith(article) and len(text) > len(article):
            text = text[len(article) :]
            break
    text = _SPACES.sub(" ", _DASHES.sub(" ", text)).strip()
    return _strip_quotes_and_punctuation(text)


def typed_key(text: str) -> str:
    """What two typed answers must share to match: a space, a dash or nothing between
    two parts of a word all count the same ("multi polar", "multi-polar", "multipolar")."""
    return normalize_typed(text).replace(" ", "")


def credit(choice) -> Decimal:
    """The share of the points (0 to 1) that choosing or typing this option earns."""
    if not choice.is_correct:
        return ZERO
    percent = getattr(choice, "credit", None)
    return ONE if percent is None else Decimal(percent) / HUNDRED


# Digits of Arabic script (Arabic-Indic and the Persian forms) read as 0-9.
_DIGITS = {ord("\u0660") + i: str(i) for i in range(10)} | {
    ord("\u06f0") + i: str(i) for i in range(10)
}
_ARABIC_DECIMAL = "\u066b"
_ARABIC_THOUSANDS = "\u066c"
# Spaces people put between groups of three digits: plain, no-break, thin, narrow.
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u2009\u202f](?=\d)")
_OTHER_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")


def _ungroup(integer: str, separator: str) -> str | None:
    """ "1,234,567" -> "1234567"; None when the groups are not of three digits."""
    candidate = integer.replace(separator, ",")
    sign = candidate[:1] if candidate[:1] in "+-" else ""
    if not _GROUPED.fullmatch(candidate[len(sign) :]):
        return None
    return sign + candidate[len(sign) :].replace(",", "")


def is_ambiguous_number(text: str) -> bool:
    """ "1,234" could be 1234 or 1.234: one comma followed by exactly three digits."""
    cleaned = _canonical_digits(text)
    return bool(re.fullmatch(r"[+-]?[1-9]\d{0,2},\d{3}", cleaned))


def _canonical_digits(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().translate(_DIGITS)
    text = text.replace("\u2212", "-").replace(_ARABIC_DECIMAL, ".")
    # A space between digits groups them as U+066C does; any other space is noise.
    return _OTHER_SPACES.sub("", _GROUP_SPACES.sub(_ARABIC_THOUSANDS, text))


def parse_number(text: str) -> Decimal | None:
    """A typed number, or None when it is not one or could be read two ways.

    Accepts a decimal point or comma, the Arabic decimal sign (U+066B), Arabic-Indic and
    Persian digits, and thousands grouped by spaces, U+066C, or commas and periods when
    the other sign is the decimal one ("1,234.5", "1.234,5", "1,234,567"). "1,234"
    alone is ambiguous (1234 or 1.234) and gives None, so the learner is asked again.
    """
    text = _canonical_digits(text)
    if is_ambiguous_number(text):
        return None
    if _ARABIC_THOUSANDS in text:
        if not re.fullmatch(r"[+-]?\d{1,3}(?:\u066c\d{3})+(?:[.,]\d+)?", text):
            return None
        text = text.replace(_ARABIC_THOUSANDS, "")
    if "," in text and "." in text:
        decimal_sign = "," if text.rfind(",") > text.rfind(".") else "."
        if text.count(decimal_sign) > 1:
            return None  # "1,234.567,8": group signs on both sides of the decimal one
        group_sign = "." if decimal_sign == "," else ","
        integer, _, fraction = text.rpartition(decimal_sign)
        integer = _ungroup(integer, group_sign)
        if integer is None:
            return None
        text = f"{integer}.{fraction}"
    elif text.count(",") > 1 or text.count(".") > 1:
        sign = "," if "," in text else "."
        text = _ungroup(text, sign)
        if text is None:
            return None
    else:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def grade_single(choices: Iterable, submission: Submission) -> Decimal:
    """The chosen option's credit."""
    if len(submission.choice_ids) != 1:
        return ZERO
    (chosen,) = submission.choice_ids
    return next((credit(c) for c in choices if c.pk == chosen), ZERO)


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
    """The best credit among the accepted forms that the typed answer matches."""
    typed = typed_key(submission.text)
    if not typed:
        return ZERO
    return max(
        (credit(c) for c in choices if c.is_correct and typed_key(c.text) == typed),
        default=ZERO,
    )


def grade_numerical(choices: Iterable, submission: Submission) -> Decimal:
    """The best credit among the answers whose tolerance covers the value."""
    value = parse_number(submission.text)
    if value is None:
        return ZERO
    return max(
        (
            credit(c)
            for c in choices
            if c.is_correct
            and c.value is not None
            and abs(value - c.value) <= (c.tolerance or ZERO)
        ),
        default=ZERO,
    )


def grade_matching(choices: Iterable, submission: Submission) -> Decimal:
    """Each row matched right earns its share."""
    rows = [choice for choice in choices if choice.text]
    if not rows:
        return ZERO
    right = sum(1 for row in rows if submission.matches.get(row.pk) == row.match_text)
    return Decimal(right) / Decimal(len(rows))


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of two neighbouring letters
    (optimal string alignment): "Tartsu" is one slip away from "Tartus"."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _slip_in_long_word(typed: str, expected_words: list[str]) -> bool:
    """Whether the one slip between typed and the joined expected words falls in a
    word of NEAR_MISS_MIN_LENGTH letters or more."""
    expected = "".join(expected_words)
    at = next(
        (i for i, (x, y) in enumerate(zip(typed, expected, strict=False)) if x != y),
        min(len(typed), len(expected)),
    )
    start = 0
    for word in expected_words:
        end = start + len(word)
        # A slip at a boundary may belong to the word before or after it.
        letters = sum(char.isalpha() for char in word)
        if start <= at <= end and letters >= NEAR_MISS_MIN_LENGTH:
            return True
        start = end
    return False


def near_miss(choices: Iterable, submission: Submission) -> str:
    """The accepted spelling a typed answer misses by one slip in a long word, or "".

    Only for answers that match no accepted form: a near miss earns nothing, but the
    learner is told to check the spelling.
    """
    typed = typed_key(submission.text)
    accepted = [c for c in choices if c.is_correct and c.text]
    if not typed or any(typed_key(c.text) == typed for c in accepted):
        return ""
    for choice in sorted(accepted, key=lambda c: -credit(c)):
        words = normalize_typed(choice.text).split(" ")
        if edit_distance(typed, "".join(words)) == 1 and _slip_in_long_word(
            typed, words
        ):
            return choice.text
    return ""


def percent(earned: Decimal, possible: Decimal) -> Decimal:
    """A score in percent, to two places; nothing possible scores zero."""
    if not possible:
        return ZERO
    return (earned / possible * HUNDRED).quantize(Decimal("0.01"))
