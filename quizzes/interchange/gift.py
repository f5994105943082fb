"""GIFT, Moodle's plain-text question format: parser and exporter (see shared/specs/gift.md)."""

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation

from quizzes.interchange.parsed import (
    PHP_WHITESPACE,
    ParsedAnswer,
    ParsedQuestion,
    ParseError,
    ParseResult,
    clean_name,
    decode,
    default_name,
    split_lines,
)

# Escaped characters become Unicode noncharacters (reserved for a program's internal use)
# while the structure is parsed, so that `\~` never splits answers; `_restore` puts them back.
_PLACEHOLDERS = {char: chr(0xFDD0 + index) for index, char in enumerate("~=#{}:n")}
_RESTORE = {
    ord(mark): ("\n" if char == "n" else char) for char, mark in _PLACEHOLDERS.items()
}
_DROP_PLACEHOLDERS = dict.fromkeys(_RESTORE)
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")

_FORMAT_PREFIX = re.compile(r"\[(moodle|html|plain|markdown)\]")
_WEIGHT = re.compile(r"%(-*)([0-9]{1,2}\.?[0-9]*)%")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# A value: runs of plain characters (possessive: never given back), `\]` (an escaped
# bracket) or a lone backslash; it ends at the first `]` that is not escaped.
_COMMENT_TAG = re.compile(r"\[(id|tag):((?:[^\]\\]++|\\\]|\\)*)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}

# Moodle's question_bank::fraction_options_full(), in Moodle's order so ties snap the same way.
_POSITIVE = [
    "1",
    "0.9",
    "0.8333333",
    "0.8",
    "0.75",
    "0.7",
    "0.6666667",
    "0.6",
    "0.5",
    "0.4",
    "0.3333333",
    "0.3",
    "0.25",
    "0.2",
    "0.1666667",
    "0.1428571",
    "0.125",
    "0.1111111",
    "0.1",
    "0.05",
]
ALLOWED_FRACTIONS = [
    Decimal(0),
    *map(Decimal, _POSITIVE),
    *(-Decimal(f) for f in _POSITIVE),
]
_GRADE_TOLERANCE = Decimal("0.0000001")
_GRADED_KINDS = ("single", "multiple", "short", "numerical")


class _Invalid(Exception):
    """A question that cannot be imported; caught per block and turned into a ParseError."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_gift(data: str | bytes, *, nearest_grade: bool = False) -> ParseResult:
    """Read a GIFT file; never raises: every problem is a ParseError in the result."""
    text, error = decode(data, "GIFT")
    if error:
        return ParseResult(errors=[error])
    result = ParseResult()
    category = ""
    for line, lines in _blocks(text.translate(_DROP_PLACEHOLDERS)):
        try:
            question, errors = _parse_block(line, lines, category, nearest_grade)
        except Exception:
            # A bug here must reach the teacher as a reported problem, never as a crashed import.
            question = None
            errors = [
                ParseError(line, "", "This question could not be read.", "internal")
            ]
        result.errors += errors
        if question and not errors:
            result.questions.append(question)
            if question.kind == "category":
                category = question.category
    return result


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Trimmed lines of each block with its first line number; `0` is blank, as in PHP."""
    block: list[str] = []
    start = 0
    for number, raw in enumerate(split_lines(text), 1):
        line = raw.strip(PHP_WHITESPACE)
        if line in ("", "0"):
            if block:
                yield start, block
            block = []
        else:
            if not block:
                start = number
            block.append(line)
    if block:
        yield start, block


def _parse_block(
    line: int, lines: list[str], category: str, nearest_grade: bool
) -> tuple[ParsedQuestion | None, list[ParseError]]:
    comments = [text for text in lines if text.startswith("//")]
    body = "\n".join(text for text in lines if not text.startswith("//"))
    if not body:
        return None, []
    text = _protect(body)
    if text.startswith("$CATEGORY:"):
        return _category(line, text)
    idnumber, tags = extract_idnumber_and_tags(comments)
    question = ParsedQuestion(
        line=line,
        name="",
        kind="",
        idnumber=idnumber,
        tags=tags,
        category=category,
        **extract_relations_fields(comments),
    )
    if text.startswith("::") and "::" in text[2:]:
        name, text = text[2:].split("::", 1)
        question.name = clean_name(_restore(name))
        text = text.strip(PHP_WHITESPACE)
    elif text.startswith("::"):
        text = text[2:]
    title = question.name or default_name(_restore(text.partition("{")[0]))
    try:
        _parse_question(question, text)
    except _Invalid as exc:
        return None, [ParseError(line, question.name or title, exc.message, exc.code)]
    return question, _check_fractions(question, nearest_grade)


def _category(line: int, text: str) -> tuple[ParsedQuestion | None, list[ParseError]]:
    path, _, rest = _restore(text.removeprefix("$CATEGORY:")).partition("\n")
    path = path.strip(PHP_WHITESPACE)
    if not path or rest:
        message = "Write `$CATEGORY: path` alone, with a category path, followed by a blank line."
        return None, [ParseError(line, "", message, "category")]
    return ParsedQuestion(line=line, name="", kind="category", category=path), []


def extract_idnumber_and_tags(comments: Iterable[str]) -> tuple[str, list[str]]:
    """The `[id:…]` and `[tag:…]` values of comment lines; a value may not span lines."""
    idnumber = None
    tags = []
    for comment in comments:
        if "]" not in comment:
            continue  # no mark can close on this line
        for kind, raw in _comment_marks(comment):
            value = raw.replace("\\]", "]").strip()
            if kind == "tag" and value:
                tags.append(value)
            elif kind == "id" and idnumber is None:
                idnumber = value
    return idnumber or "", list(dict.fromkeys(tags))


# Our own fields, each on a comment line of its own right before the question.
RELATIONS_FIELDS = {"quote": "source_quote", "status": "status"}
_RELATIONS_LINE = re.compile(r"//\s*relations-(quote|status):(.*)")
_UNESCAPE_LINE = re.compile(r"\\([\\nr])")


def extract_relations_fields(comments: Iterable[str]) -> dict[str, str]:
    """`source_quote` and `status` from `// relations-quote: …` and
    `// relations-status: …` lines (the last of each wins)."""
    found = {}
    for comment in comments:
        if match := _RELATIONS_LINE.match(comment):
            value = _UNESCAPE_LINE.sub(
                lambda m: {"n": "\n", "r": "\r"}.get(m[1], m[1]), match[2].strip()
            )
            found[RELATIONS_FIELDS[match[1]]] = value
    return found


def relations_comment(name: str, value: str) -> str:
    """A `// relations-<name>: value` line; a line break in the value is written as \\n."""
    escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return f"// relations-{name}: {escaped}\n"


def _comment_marks(comment: str) -> list[tuple[str, str]]:
    """`(kind, raw value)` of each `[id:…]`/`[tag:…]` of a comment line, in linear time.

    A value ends at the first `]` not escaped as `\\]`. Searched over the whole line,
    every `[tag:` with no `]` after it would rescan the rest of the line (quadratic
    time on a line of many `[tag:`); cut after the line's last `]`, every start that
    is tried ends in a match, and the search moves on past it.
    """
    return _COMMENT_TAG.findall(comment, 0, comment.rfind("]") + 1)


def _parse_question(question: ParsedQuestion, text: str) -> None:
    """Fill `question` from the block's text (name already removed)."""
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        answers, question_text = None, text
    elif end < 0:
        raise _Invalid(
            "braces", "The answer block opened with { is never closed with }."
        )
    elif start < 0 or end < start:
        raise _Invalid("braces", "Found } without a { before it.")
    else:
        answers = text[start + 1 : end].strip(PHP_WHITESPACE)
        after = text[end + 1 :]
        # Text after the block makes it a missing-word question: the block becomes a blank.
        blank = "_____" if after.strip(PHP_WHITESPACE) else ""
        question_text = text[:start] + blank + after
        if "{" in question_text or "}" in question_text:
            raise _Invalid(
                "braces",
                "Only one answer block is allowed; write \\{ and \\} for literal braces.",
            )

    general_feedback = ""
    if answers and "####" in answers:
        answers, _, general_feedback = answers.rpartition("####")
        answers = answers.strip(PHP_WHITESPACE)

    question.text, question.text_format = _with_format(question_text, "moodle")
    if not question.text:
        raise _Invalid("empty-text", "The question has no text.")
    fmt = question.text_format
    question.general_feedback, question.general_feedback_format = _with_format(
        general_feedback, fmt
    )
    if not question.name:
        question.name = default_name(question.text)

    if answers is None:
        question.kind = "description"
    elif not answers:
        question.kind = "essay"
    elif answers.startswith("#"):
        _numerical(question, answers[1:])
    elif "~" in answers:
        _multichoice(question, answers)
    elif "=" in answers and "->" in answers:
        _matching(question, answers)
    elif answers.split("#", 1)[0].strip(PHP_WHITESPACE) in _TRUE_FALSE:
        _true_false(question, answers)
    else:
        _short(question, answers)


def _protect(text: str) -> str:
    """Hide escaped characters from the parser; `\\\\` is a literal backslash at once."""
    return _ESCAPE.sub(lambda m: "\\" if m[1] == "\\" else _PLACEHOLDERS[m[1]], text)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _with_format(raw: str, default: str) -> tuple[str, str]:
    """Text and format of a part that may start with `[html]` etc.; an empty part keeps the default."""
    raw = raw.strip(PHP_WHITESPACE)
    fmt = default
    if match := _FORMAT_PREFIX.match(raw):
        fmt, raw = match[1], raw[match.end() :]
    text = _restore(raw).strip(PHP_WHITESPACE)
    return text, (fmt if text else default)


def _pieces(answers: str, separator: str) -> list[str]:
    """Answers split on `separator`; text before the first separator counts only if not blank."""
    pieces = [piece.strip(PHP_WHITESPACE) for piece in answers.split(separator)]
    return pieces[1:] if not pieces[0] else pieces


def _weight(piece: str, default: Decimal) -> tuple[Decimal, str]:
    """The `%n%` weight at the start of an answer (as a fraction) and the rest of it."""
    match = _WEIGHT.match(piece)
    if not match:
        return default, piece
    value = Decimal(match[2]) / 100
    return (-value if match[1] else value), piece[match.end() :]


def _answer(piece: str, fraction: Decimal, fmt: str) -> ParsedAnswer:
    """An answer from `text#feedback`, refusing empty answer texts."""
    text, _, feedback = piece.partition("#")
    answer = ParsedAnswer("", fraction)
    answer.text, answer.text_format = _with_format(text, fmt)
    answer.feedback, answer.feedback_format = _with_format(feedback, fmt)
    if not answer.text:
        raise _Invalid("empty-answer", "An answer has no text.")
    return answer


def _multichoice(question: ParsedQuestion, answers: str) -> None:
    question.kind = "single" if "=" in answers else "multiple"
    pieces = _pieces(answers.replace("=", "~="), "~")
    if len(pieces) < 2:
        raise _Invalid(
            "answer-count", "A multiple-choice question needs at least 2 answers."
        )
    for piece in pieces:
        if piece.startswith("="):
            piece = piece[1:]
            if _WEIGHT.match(piece.lstrip(PHP_WHITESPACE)):
                # Moodle would keep "%50%" as answer text here, which is never what was meant.
                message = "In multiple choice = always means 100 %; write partial credit as ~%50%answer."
                raise _Invalid("weight-after-equals", message)
            fraction = Decimal(1)
        else:
            fraction, piece = _weight(piece, Decimal(0))
        question.answers.append(_answer(piece, fraction, question.text_format))


def _short(question: ParsedQuestion, answers: str) -> None:
    question.kind = "short"
    if "->" in answers:
        # Only reachable without any `=`: a matching pair missing its `=`, and no GIFT could export it.
        raise _Invalid(
            "matching",
            "Write each matching pair as =left -> right, with at least 2 pairs.",
        )
    for piece in _pieces(answers, "="):
        fraction, piece = _weight(piece, Decimal(1))
        question.answers.append(_answer(piece, fraction, question.text_format))
    if not question.answers:
        raise _Invalid(
            "answer-count", "A short-answer question needs at least 1 answer."
        )


def _matching(question: ParsedQuestion, answers: str) -> None:
    question.kind = "matching"
    fmt = question.text_format
    pieces = _pieces(answers, "=")
    if len(pieces) < 2:
        raise _Invalid("answer-count", "A matching question needs at least 2 pairs.")
    for piece in pieces:
        if "->" not in piece:
            raise _Invalid(
                "matching", f"A matching pair needs a ->: {_restore(piece)!r}."
            )
        left, _, right = piece.partition("->")
        prompt, prompt_format = _with_format(left, fmt)
        text = _restore(right).strip(PHP_WHITESPACE)
        if not text:
            raise _Invalid(
                "empty-answer",
                f"The matching pair {_restore(piece)!r} has nothing after ->.",
            )
        # Fraction 1 marks a real pair, 0 an extra distractor (no left side).
        fraction = Decimal(1 if prompt else 0)
        answer = ParsedAnswer(text, fraction, text_format=fmt, feedback_format=fmt)
        answer.match_prompt, answer.match_prompt_format = prompt, prompt_format
        question.answers.append(answer)


def _true_false(question: ParsedQuestion, answers: str) -> None:
    fmt = question.text_format
    token, wrong, right = (answers.split("#", 2) + ["", ""])[:3]
    correct = _TRUE_FALSE[token.strip(PHP_WHITESPACE)]
    wrong_feedback, right_feedback = _with_format(wrong, fmt), _with_format(right, fmt)
    # The first feedback is for a student who answers wrongly, the second for a right answer.
    on_true, on_false = (
        (right_feedback, wrong_feedback)
        if correct
        else (wrong_feedback, right_feedback)
    )
    question.kind = "true_false"
    question.correct_answer = correct
    question.penalty = Decimal(1)
    question.feedback_true, question.feedback_true_format = on_true
    question.feedback_false, question.feedback_false_format = on_false
    # The same question as two choices, for code that treats every question as choices.
    question.answers = [
        ParsedAnswer("True", Decimal(correct), on_true[0], fmt, on_true[1]),
        ParsedAnswer("False", Decimal(not correct), on_false[0], fmt, on_false[1]),
    ]


def _numerical(question: ParsedQuestion, answers: str) -> None:
    question.kind = "numerical"
    fmt = question.text_format
    answers, tilde, wrong = answers.partition("~")
    for piece in _pieces(answers, "="):
        fraction, piece = _weight(piece, Decimal(1))
        value, _, feedback = piece.partition("#")
        text, tolerance = _number(_restore(value).strip(PHP_WHITESPACE))
        answer = ParsedAnswer(text, fraction, text_format=fmt, tolerance=tolerance)
        answer.feedback, answer.feedback_format = _with_format(feedback, fmt)
        question.answers.append(answer)
    if not question.answers:
        raise _Invalid(
            "answer-count", "A numerical question needs at least one numeric answer."
        )
    if tilde:
        # `~#feedback` is what any other number gets: Moodle stores it as answer `*` at 0 %.
        junk, _, feedback = wrong.partition("#")
        if junk.strip(PHP_WHITESPACE):
            message = "In a numerical question ~ may only introduce #feedback for other answers."
            raise _Invalid("numerical", message)
        answer = ParsedAnswer("*", Decimal(0), text_format=fmt)
        answer.feedback, answer.feedback_format = _with_format(feedback, fmt)
        question.answers.append(answer)


def _number(value: str) -> tuple[str, Decimal | None]:
    """The answer and tolerance of `n`, `n:tolerance` or `min..max` (a midpoint and half the range)."""
    if value == "*":
        return "*", None
    if value.find("..") > 0:
        low, high = (_decimal(part) for part in value.split("..", 1))
        middle = (low + high) / 2
        if high < low:
            raise _Invalid("numerical", f"The range {value!r} ends below its start.")
        return _plain(middle), high - middle
    answer, tolerance = value.split(":", 1) if value.find(":") > 0 else (value, "0")
    _decimal(answer)
    margin = _decimal(tolerance)
    if margin < 0:
        raise _Invalid("numerical", f"The tolerance in {value!r} is negative.")
    return answer, margin


def _decimal(text: str) -> Decimal:
    text = text.strip(PHP_WHITESPACE)
    if not _NUMBER.fullmatch(text):
        # Moodle silently accepts anything here (an assignment bug); we refuse it.
        raise _Invalid("not-a-number", f"{text!r} is not a number.")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise _Invalid("not-a-number", f"{text!r} is not a number.") from exc


def _check_fractions(question: ParsedQuestion, nearest_grade: bool) -> list[ParseError]:
    """Errors for weights Moodle does not allow; with `nearest_grade`, snap them instead."""
    if question.kind not in _GRADED_KINDS:
        return []
    errors = []
    for answer in question.answers:
        nearest = min(
            ALLOWED_FRACTIONS, key=lambda allowed: abs(allowed - answer.fraction)
        )
        if nearest_grade or abs(nearest - answer.fraction) < _GRADE_TOLERANCE:
            answer.fraction = nearest
        else:
            message = (
                f"The weight {_percent(answer.fraction)} % of answer {answer.text!r} is not allowed;"
                f" the nearest allowed weight is {_percent(nearest)} %."
            )
            errors.append(ParseError(question.line, question.name, message, "grade"))
    return errors


def _plain(number: Decimal) -> str:
    """`number` without exponent or trailing zeros: 50, -33.33333, 0.5."""
    return "0" if number == 0 else format(number.normalize(), "f")


# --- Export ---------------------------------------------------------------------------

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


def export_gift(
    questions: Iterable[ParsedQuestion], *, with_header_ids: bool = True
) -> str:
    """GIFT text for `questions`, written as Moodle writes it; without header ids, no `// question:` lines."""
    return "".join(_export(question, with_header_ids) for question in questions)


def _export(question: ParsedQuestion, with_header_ids: bool) -> str:
    out = []
    if with_header_ids:
        name = (
            question.name
            if question.is_question
            else f"switch category to {question.category}"
        )
        out.append(f"// question: {question.export_id}  name: {_one_line(name)}\n")
    if question.kind == "category":
        return "".join(out) + f"$CATEGORY: {_one_line(question.category)}\n\n"
    marks = [f"[id:{_comment_value(question.idnumber)}]"] if question.idnumber else []
    marks += [f"[tag:{_comment_value(tag)}]" for tag in question.tags]
    if marks:
        out.append(f"// {' '.join(marks)}\n")
    if question.source_quote:
        out.append(relations_comment("quote", question.source_quote))
    if question.status:
        out.append(relations_comment("status", question.status))
    out.append(
        f"::{_escape(question.name)}::{_write(question.text, question.text_format, 'moodle')}"
    )
    if question.kind not in _WRITERS:
        raise ValueError(f"GIFT cannot export a question of kind {question.kind!r}.")
    out.append(_WRITERS[question.kind](question))
    return "".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _comment_value(value: str) -> str:
    return _one_line(value).replace("]", "\\]")


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _write(text: str, fmt: str, default: str, *, after_mark: bool = False) -> str:
    """`[fmt]`-prefixed, escaped text; the prefix is written only when it is needed to read it back."""
    escaped = _escape(text)
    # Moodle writes the prefix only for a format that differs; we also write it when the text
    # itself starts like a prefix (or, after ~ or =, like a weight), which would be misread.
    ambiguous = _FORMAT_PREFIX.match(escaped) or (after_mark and _WEIGHT.match(escaped))
    if text and (fmt != default or ambiguous):
        return f"[{fmt}]{escaped}"
    return escaped


def _general_feedback(question: ParsedQuestion, indent: str = "\t") -> str:
    text = _write(
        question.general_feedback,
        question.general_feedback_format,
        question.text_format,
    )
    if not text:
        return ""
    return f"{indent}####{text}\n" if indent else f"####{text}"


def _feedback(answer: ParsedAnswer, question: ParsedQuestion) -> str:
    return _write(answer.feedback, answer.feedback_format, question.text_format)


def _write_description(question: ParsedQuestion) -> str:
    return "\n"


def _write_essay(question: ParsedQuestion) -> str:
    return "{" + _general_feedback(question, "") + "}\n"


def _write_true_false(question: ParsedQuestion) -> str:
    fmt = question.text_format
    on_true = _write(question.feedback_true, question.feedback_true_format, fmt)
    on_false = _write(question.feedback_false, question.feedback_false_format, fmt)
    wrong, right = (
        (on_false, on_true) if question.correct_answer else (on_true, on_false)
    )
    out = "{" + ("TRUE" if question.correct_answer else "FALSE")
    if wrong or right:
        out += f"#{wrong}"
    if right:
        out += f"#{right}"
    return out + _general_feedback(question, "") + "}\n"


def _write_multichoice(question: ParsedQuestion) -> str:
    right = [
        question.kind == "single" and answer.fraction == 1
        for answer in question.answers
    ]
    if right and all(right):
        # A block without any ~ would read back as short answer.
        right[-1] = False
    lines = []
    for answer, is_right in zip(question.answers, right, strict=True):
        if is_right:
            mark = "="
        elif answer.fraction == 0:
            mark = "~"
        else:
            mark = f"~%{_percent(answer.fraction)}%"
        text = _write(
            answer.text, answer.text_format, question.text_format, after_mark=True
        )
        feedback = f"#{_feedback(answer, question)}" if answer.feedback else ""
        lines.append(f"\t{mark}{text}{feedback}\n")
    return _answer_block(question, lines)


def _write_short(question: ParsedQuestion) -> str:
    lines = []
    for answer in question.answers:
        text = _write(answer.text, answer.text_format, question.text_format)
        lines.append(
            f"\t=%{_percent(answer.fraction)}%{text}#{_feedback(answer, question)}\n"
        )
    return _answer_block(question, lines)


def _write_numerical(question: ParsedQuestion) -> str:
    lines = []
    for index, answer in enumerate(question.answers, 1):
        feedback = _feedback(answer, question)
        if answer.text != "*":
            value = f"{answer.text}:{_plain(answer.tolerance or Decimal(0))}"
            lines.append(f"\t=%{_percent(answer.fraction)}%{value}#{feedback}\n")
        elif answer.fraction == 0 and index == len(question.answers):
            lines.append(f"\t~#{feedback}\n")
        else:
            lines.append(f"\t=%{_percent(answer.fraction)}%*#{feedback}\n")
    return _answer_block(question, lines, opening="{#")


def _write_matching(question: ParsedQuestion) -> str:
    lines = []
    for answer in question.answers:
        prompt = _write(
            answer.match_prompt or "", answer.match_prompt_format, question.text_format
        )
        lines.append(f"\t={prompt} -> {_escape(answer.text)}\n")
    return _answer_block(question, lines)


def _answer_block(
    question: ParsedQuestion, lines: list[str], opening: str = "{"
) -> str:
    return f"{opening}\n{''.join(lines)}{_general_feedback(question)}}}\n"


def _percent(fraction: Decimal) -> str:
    return _plain(fraction * 100)


_WRITERS = {
    "description": _write_description,
    "essay": _write_essay,
    "true_false": _write_true_false,
    "single": _write_multichoice,
    "multiple": _write_multichoice,
    "short": _write_short,
    "numerical": _write_numerical,
    "matching": _write_matching,
}
