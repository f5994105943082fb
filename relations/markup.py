"""Safe Markdown rendering and finding a quoted passage in a lesson."""

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("js-default")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to show: no scripts, handlers, styles or hx-* attributes."""
    raw = _md.render(text or "")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)


def normalize(text: str) -> str:
    """Text compared for quotes: typographic quotes folded, white space collapsed."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


def markdown_to_text(text: str) -> str:
    """The words a reader sees in rendered Markdown, as plain text."""
    return normalize(html.unescape(_TAG.sub(" ", render_markdown(text))))


def contains_quote(markdown_text: str, quote: str) -> bool:
    """Does the quote appear verbatim in the lesson, as a reader sees it?"""
    needle = normalize(quote)
    return bool(needle) and needle in markdown_to_text(markdown_text)


_BLOCK = re.compile(r"<(p|li|h[2-6]|td|th|blockquote)\b[^>]*>.*?</\1>", re.DOTALL)


def highlight_quote(
    rendered_html: str, quote: str, after: str = ""
) -> tuple[str, bool]:
    """Mark the block of rendered HTML that holds the quote; return (html, found).

    `after` (trusted HTML, such as a link back to the question) follows the block."""
    needle = normalize(quote)
    if not needle:
        return rendered_html, False
    for match in _BLOCK.finditer(rendered_html):
        block = match.group(0)
        if needle not in normalize(html.unescape(_TAG.sub("", block))):
            continue
        tag = match.group(1)
        opening_end = block.index(">") + 1
        inner = block[opening_end : -len(f"</{tag}>")]
        escaped = html.escape(needle, quote=False)
        marked_inner = inner.replace(escaped, f"<mark>{escaped}</mark>", 1)
        new_block = (
            f'<{tag} id="passage" class="passage" tabindex="-1">{marked_inner}</{tag}>'
        )
        start, end = match.span()
        return rendered_html[:start] + new_block + after + rendered_html[end:], True
    return rendered_html, False


_SINGLE_PARAGRAPH = re.compile(r"^\s*<p>(.*)</p>\s*$", re.DOTALL)


def inline_html(rendered_html: str) -> str:
    """Rendered HTML reduced to phrasing content: one paragraph's inside, else plain text."""
    match = _SINGLE_PARAGRAPH.match(rendered_html)
    if match and "<p>" not in match.group(1):
        return match.group(1)
    return html.escape(html.unescape(_TAG.sub(" ", rendered_html)).strip(), quote=False)
