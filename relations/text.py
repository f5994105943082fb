"""Checks on text that comes from files (imported questions and articles)."""

import re

# C0 controls other than tab, line feed and carriage return, DEL, and C1 controls: no
# text editor writes them on purpose, PostgreSQL refuses NUL in text, and nothing in a
# lesson or a question can show them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ControlCharacter:
    """Where a forbidden control character is, and what to tell the author."""

    def __init__(self, line: int, character: str):
        self.line = line
        self.character = character

    @property
    def message(self) -> str:
        return (
            f"Line {self.line} contains a control character (U+{ord(self.character):04X}), "
            "which text files may not contain. Remove it and import the file again."
        )


def find_control_character(text: str) -> ControlCharacter | None:
    """The first forbidden control character of `text` with its line number, if any."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    line = len(_LINE_BREAK.findall(text, 0, found.start())) + 1
    return ControlCharacter(line, found.group())


def too_big_message(size: int, limit: int) -> str | None:
    """Why a file of `size` bytes is refused, or None when it is within `limit`."""
    if size <= limit:
        return None
    return (
        f"The file is {_megabytes(size)}; files up to {_megabytes(limit)} can be "
        "imported. Split it into smaller files."
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
