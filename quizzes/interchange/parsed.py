"""Questions as the GIFT and Aiken parsers read them, before they touch the database."""

import html
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from relations.text import find_control_character

KINDS = (
    "single",
    "multiple",
    "true_false",
    "short",
    "numerical",
    "matching",
    "essay",
    "description",
    "category",
)
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
DEFAULT_PENALTY = Decimal("0.3333333")

# What PHP's trim() strips: Moodle keeps other whitespace (e.g. a no-break space) as text.
PHP_WHITESPACE = " \t\n\r\0\x0b"

# A tag as PHP's strip_tags sees one: "<" followed by a space ("3 < 4") is plain text.
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
NAME_MAX_LENGTH = 255
_DEFAULT_NAME_LENGTH = 80


@dataclass
class ParsedAnswer:
    """One choice, accepted response, numerical value or matching pair."""

    text: str
    fraction: Decimal
    feedback: str = ""
    text_format: str = "moodle"
    feedback_format: str = "moodle"
    tolerance: Decimal | None = None
    match_prompt: str | None = None
    match_prompt_format: str = "moodle"


@dataclass
class ParsedQuestion:
    """One question (or a `$CATEGORY` switch) read from an interchange file."""

    line: int
    name: str
    kind: str
    text: str = ""
    text_format: str = "moodle"
    general_feedback: str = ""
    general_feedback_format: str = "moodle"
    answers: list[ParsedAnswer] = field(default_factory=list)
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    category: str = ""
    penalty: Decimal = DEFAULT_PENALTY
    correct_answer: bool | None = None
    feedback_true: str = ""
    feedback_true_format: str = "moodle"
    feedback_false: str = ""
    feedback_false_format: str = "moodle"
    export_id: int = 0
    # Ours, not Moodle's: from `// relations-quote:` and `// relations-status:` comment
    # lines, which Moodle reads as comments and ignores.
    source_quote: str = ""
    status: str = ""

    @property
    def is_question(self) -> bool:
        """Whether this is a real question rather than a category switch."""
        return self.kind != "category"


@dataclass
class ParseError:
    """A problem in the input, located by line and by the question's title."""

    line: int
    title: str
    message: str
    code: str

    def __str__(self) -> str:
        if not self.title:
            return self.message
        return f"Error importing question {self.title}: {self.message}"


@dataclass
class ParseResult:
    """Everything read from one file: the questions, or the reasons it cannot be imported."""

    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file can be imported (it has no errors at all)."""
        return not self.errors

    @property
    def question_count(self) -> int:
        """How many questions there are, not counting category switches (as Moodle counts)."""
        return sum(question.is_question for question in self.questions)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy; Decimals become strings so that no precision is lost."""
        return {
            "questions": [_jsonable(asdict(question)) for question in self.questions],
            "errors": [asdict(error) for error in self.errors],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def decode(data: str | bytes, format_name: str) -> tuple[str, ParseError | None]:
    """Text from `data`, or an `encoding` error when the bytes are not UTF-8."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            message = f"The file does not use UTF-8 character encoding. {format_name} files must use UTF-8."
            return "", ParseError(line, "", message, "encoding")
    text = data.removeprefix("\ufeff")
    # Refused, not stripped: the author learns where the stray byte is, nothing is stored.
    if control := find_control_character(text):
        return "", ParseError(control.line, "", control.message, "control_character")
    return text, None


def split_lines(text: str) -> list[str]:
    """Lines of `text`, whatever the line endings (old Macs used a bare CR)."""
    return _LINE_BREAK.split(text)


def strip_tags(text: str) -> str:
    """`text` without HTML tags."""
    return _TAG.sub("", text)


def clean_name(name: str) -> str:
    """A question name as Moodle stores one: no tags, one line, at most 255 characters."""
    return " ".join(strip_tags(name).split())[:NAME_MAX_LENGTH]


def default_name(text: str) -> str:
    """A name made from the question text, for questions that have no title."""
    plain = " ".join(strip_tags(text).split())
    if len(plain) > _DEFAULT_NAME_LENGTH:
        # Cut at a word boundary and mark the cut, as Moodle's shorten_text() does.
        cut = plain[: _DEFAULT_NAME_LENGTH - 3]
        plain = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "..."
    return clean_name(plain) or "Question"


_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|pre|blockquote|hr)\b[^>]*>",
    re.IGNORECASE,
)


def flatten(text: str, text_format: str) -> str:
    """`text` as one line of plain text (HTML tags dropped, entities decoded)."""
    if text_format in ("html", "moodle"):
        text = html.unescape(strip_tags(_BLOCK_TAG.sub(" ", text)))
    return " ".join(text.split())
