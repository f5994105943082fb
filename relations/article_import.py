"""Reading an article (Markdown or plain text) into a title and its sections.

Pure: no database. The `import_article` command turns the result into rows.

Markdown: `#` and `##` headings start sections (deeper headings stay in the body). A
single leading `#` heading followed by `##` headings is the article's title.

Plain text: a heading is a short line standing alone between blank lines with no
closing punctuation; the first such line of the file is the title.

In both, text before the first section is the introduction, and the top of the file may
carry a byline ("by Jane Doe") and the title repeated; those are dropped.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from relations.markup import markdown_to_text, normalize

INTRODUCTION = "Introduction"
HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 100
CLOSING_PUNCTUATION = ".!?:;,…"
# Stripped before looking at a line's last character: 'He said "no."' ends a sentence.
CLOSING_QUOTES = "\"')]}»”’"

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,9}[.)])(?:\s|$)")
_BYLINE = re.compile(r"^by\s+\S", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedSection:
    title: str
    body: str

    @property
    def word_count(self) -> int:
        """Words a reader sees, counted as Section.save() counts them."""
        return len(markdown_to_text(self.body).split())


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    sections: list[ParsedSection]

    @property
    def word_count(self) -> int:
        """Words in all sections."""
        return sum(section.word_count for section in self.sections)


@dataclass(frozen=True)
class _Heading:
    line: int
    level: int
    text: str


def parse_article(text: str) -> ParsedArticle:
    """The article's title (empty if none is found) and its sections, introduction first."""
    lines = (
        text.removeprefix("\ufeff")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .split("\n")
    )
    if not any(line.strip() for line in lines):
        raise ValidationError(_("The article is empty."), code="empty")
    headings = _markdown_headings(lines)
    if headings:
        title, sections = _parse_markdown(lines, headings)
    else:
        title, sections = _parse_plain_text(lines)
    if not sections:
        raise ValidationError(
            _(
                "No sections found. Start each section with a Markdown heading (# or ##), "
                "or, in plain text, put each section title on a short line of its own "
                "between blank lines."
            ),
            code="no_sections",
        )
    return ParsedArticle(title=title, sections=sections)


def _markdown_headings(lines: list[str]) -> list[_Heading]:
    """The `#` and `##` headings, outside fenced code blocks."""
    headings = []
    fence = ""
    for number, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence:
            if (
                fence_match
                and fence_match.group(1).startswith(fence)
                and not line.strip(fence[0] + " \t")
            ):
                fence = ""
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        match = _ATX_HEADING.match(line)
        if match is None or len(match.group(1)) > 2:
            continue
        heading_text = _CLOSING_HASHES.sub("", match.group(2) or "").strip()
        if not heading_text:
            raise ValidationError(
                _("The heading on line %(line)s has no text.") % {"line": number + 1},
                code="empty_heading",
            )
        headings.append(
            _Heading(line=number, level=len(match.group(1)), text=heading_text)
        )
    return headings


def _parse_markdown(
    lines: list[str], headings: list[_Heading]
) -> tuple[str, list[ParsedSection]]:
    first = headings[0]
    has_title_heading = (
        first.level == 1
        and len(headings) > 1
        and all(h.level == 2 for h in headings[1:])
    )
    if has_title_heading:
        title = first.text
        headings = headings[1:]
        preamble = lines[: first.line] + lines[first.line + 1 : headings[0].line]
    else:
        title = ""
        preamble = lines[: first.line]
    title, preamble = _front_matter(preamble, title)
    sections = _introduction("\n".join(preamble))
    ends = [heading.line for heading in headings[1:]] + [len(lines)]
    for heading, end in zip(headings, ends, strict=True):
        body = "\n".join(lines[heading.line + 1 : end]).strip("\n")
        sections.append(ParsedSection(title=heading.text, body=body))
    return title, sections


def _parse_plain_text(lines: list[str]) -> tuple[str, list[ParsedSection]]:
    title, rest = _front_matter(lines, "")
    paragraphs: list[list[str]] = [[]]
    for line in rest:
        # Indentation would make a Markdown code block of a plain paragraph.
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    intro: list[str] = []
    sections: list[ParsedSection] = []
    current_title, current_body = None, intro
    for paragraph in filter(None, paragraphs):
        if len(paragraph) == 1 and _is_heading_like(paragraph[0]):
            if current_title is not None:
                sections.append(ParsedSection(current_title, "\n\n".join(current_body)))
            current_title, current_body = paragraph[0], []
        else:
            current_body.append("\n".join(paragraph))
    if current_title is not None:
        sections.append(ParsedSection(current_title, "\n\n".join(current_body)))
    if not sections:
        return title, []
    return title, _introduction("\n\n".join(intro)) + sections


def _front_matter(lines: list[str], title: str) -> tuple[str, list[str]]:
    """Skip the top's blank lines, bylines and repeated titles; find a title line if none given."""

    def is_skipped(line: str, title: str) -> bool:
        return not line.strip() or _is_byline(line) or _is_same_text(line, title)

    start = 0
    while start < len(lines) and is_skipped(lines[start], title):
        start += 1
    if not title and start < len(lines):
        candidate = lines[start]
        stands_alone = start + 1 == len(lines) or is_skipped(
            lines[start + 1], candidate
        )
        if stands_alone and _is_heading_like(candidate):
            title = candidate.strip()
            start += 1
            while start < len(lines) and is_skipped(lines[start], title):
                start += 1
    return title, lines[start:]


def _introduction(body: str) -> list[ParsedSection]:
    """The introduction as a section, if it has any text a reader would see."""
    body = body.strip("\n")
    if not any(character.isalnum() for character in markdown_to_text(body)):
        return []
    return [ParsedSection(title=INTRODUCTION, body=body)]


def _is_heading_like(line: str) -> bool:
    text = line.strip()
    if (
        not text
        or len(text) > HEADING_MAX_CHARS
        or len(text.split()) > HEADING_MAX_WORDS
    ):
        return False
    if not any(character.isalpha() for character in text) or _LIST_ITEM.match(text):
        return False
    if text.startswith("#"):
        return False
    end = text.rstrip(CLOSING_QUOTES)
    return bool(end) and end[-1] not in CLOSING_PUNCTUATION


def _is_byline(line: str) -> bool:
    text = line.strip().strip("*_").strip()
    return (
        bool(_BYLINE.match(text))
        and len(text) <= HEADING_MAX_CHARS
        and len(text.split()) <= HEADING_MAX_WORDS
    )


def _is_same_text(line: str, title: str) -> bool:
    return bool(title) and normalize(line).casefold() == normalize(title).casefold()
