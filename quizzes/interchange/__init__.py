"""Question banks in and out: GIFT and Aiken, read into format-neutral dataclasses
(`parsed`), and mapped to and from our models (`mapping`).

PARSERS and EXPORTERS are the one table of formats: the commands and Teach use them.
"""

from quizzes.interchange.aiken import export_aiken, parse_aiken
from quizzes.interchange.gift import export_gift, parse_gift
from quizzes.interchange.parsed import (
    ParsedAnswer,
    ParsedQuestion,
    ParseError,
    ParseResult,
)

FORMATS = {"gift": "GIFT", "aiken": "Aiken"}
PARSERS = {"gift": parse_gift, "aiken": parse_aiken}
EXPORTERS = {"gift": export_gift, "aiken": export_aiken}

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "PARSERS",
    "ParseError",
    "ParseResult",
    "ParsedAnswer",
    "ParsedQuestion",
]
