"""Aiken, the one-line multiple-choice format Moodle imports: parser and exporter."""

import html
import re
from collections.abc import Iterable
from decimal import Decimal

from quizzes.interchange.parsed import (
    PHP_WHITESPACE,
    ParsedAnswer,
    ParsedQuestion,
    ParseError,
    ParseResult,
    decode,
    default_name,
    flatten,
    split_lines,
)

_OPTION = re.compile(r"[A-Z][).]")
_MAX_OPTIONS = 26


def _escape(text: str) -> str:
    """HTML-escape as PHP's htmlspecialchars(ENT_NOQUOTES): quotes stay as they are."""
    return html.escape(text, quote=False)


def parse_aiken(data: str | bytes, *, nearest_grade: bool = False) -> ParseResult:
    """Read an Aiken file; never raises: every problem is a ParseError in the result.

    Aiken has no weights, so `nearest_grade` (GIFT's option) changes nothing.
    """
    text, error = decode(data, "Aiken")
    if error:
        return ParseResult(errors=[error])
    result = ParseResult()
    current: ParsedQuestion | None = None

    def fail(number: int, code: str, message: str) -> None:
        result.errors.append(
            ParseError(
                number,
                current.name if current else "",
                f"{message} on line {number}",
                code,
            )
        )

    lines = split_lines(text)
    for number, raw in enumerate(lines, 1):
        line = raw.strip(PHP_WHITESPACE)
        if len(line) < 2:
            # Moodle skips such lines, so a one-character line is never a question.
            continue
        if _OPTION.match(line):
            if current is None:
                fail(number, "not-started", "Question not started")
                continue
            answer = _escape(line[2:].strip(PHP_WHITESPACE))
            current.answers.append(
                ParsedAnswer(
                    answer, Decimal(0), text_format="html", feedback_format="html"
                )
            )
        elif line.startswith("ANSWER:"):
            if current is None:
                fail(number, "not-started", "Question not started")
                continue
            letter = line.partition(":")[2].strip(PHP_WHITESPACE)[:1]
            index = ord(letter) - ord("A") if letter else -1
            if len(current.answers) < 2:
                fail(number, "answer-count", "Question must have at least 2 answers")
            elif not 0 <= index < len(current.answers):
                fail(
                    number,
                    "answer-letter",
                    f"Answer {letter!r} is not one of the options",
                )
            else:
                current.answers[index].fraction = Decimal(1)
                result.questions.append(current)
            current = None
        else:
            if current is not None:
                fail(
                    number,
                    "not-completed",
                    "Question not completed before next question start",
                )
            current = ParsedQuestion(
                line=number,
                name=default_name(line),
                kind="single",
                text=_escape(line),
                text_format="html",
                general_feedback_format="html",
            )
    if current is not None:
        # Moodle drops such a last question silently; we report it.
        fail(
            len(lines),
            "not-completed",
            "Question not completed before the end of the file",
        )
    return result


def export_aiken(questions: Iterable[ParsedQuestion]) -> str:
    """Aiken text for the single-answer questions (2 to 26 choices, one right); others are skipped."""
    blocks = []
    for question in questions:
        right = [
            index
            for index, answer in enumerate(question.answers)
            if answer.fraction == 1
        ]
        if (
            question.kind != "single"
            or not 2 <= len(question.answers) <= _MAX_OPTIONS
            or not right
        ):
            continue
        lines = [flatten(question.text, question.text_format)]
        lines += [
            f"{chr(ord('A') + index)}) {flatten(answer.text, answer.text_format)}"
            for index, answer in enumerate(question.answers)
        ]
        lines.append(f"ANSWER: {chr(ord('A') + right[-1])}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
