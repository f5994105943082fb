"""Item-quality checks: cues that let a test-wise learner answer without knowing.

Pure, like grading: small value objects in (`Item`, `Option`), a list of `QualityWarning` out.
No database access inside the checks; `Item.from_question` and `Item.from_data` adapt
our models and the course's JSON.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SINGLE, MULTIPLE, TRUE_FALSE, SHORT = "single", "multiple", "true_false", "short"
CHOICE_KINDS = {SINGLE, MULTIPLE}

# How much longer the right option must be, against the wrong ones' average, to stand out.
LENGTH_RATIO = 1.3
# ... and by at least this many characters (a name of six letters against four is no cue).
LENGTH_MARGIN = 10
# Two options this similar (0 to 1, after normalising) read as the same option.
NEAR_DUPLICATE = 0.9
# Fewest questions of one kind before a repeated pattern across a quiz means anything.
PATTERN_MINIMUM = 3

ABSOLUTE_WORDS = re.compile(
    r"\b(always|never|all|none|every|everyone|everything|nothing|no one|only|"
    r"entirely|completely|totally|exactly|solely|certainly|with certainty|"
    r"impossible|invariably|must)\b",
    re.IGNORECASE,
)
OF_THE_ABOVE = re.compile(
    r"\b(all|none|both|neither)\b[\w\s,]*\b(of the above|of these|of them|above)\b",
    re.IGNORECASE,
)
NEGATIVE = re.compile(r"\b(not|except|never|least)\b|n't\b", re.IGNORECASE)
EMPHASISED_NEGATIVE = re.compile(
    r"\b(NOT|EXCEPT|NEVER|LEAST)\b|N'T\b|(\*\*|__|\*|_)[^*_\n]*"
    r"\b(not|except|never|least)\b[^*_\n]*\2",
)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOPWORDS = """a an the and or but of to in on at by for with from into onto over under as is are
    was were be been being it its this that these those which what who whom whose why how
    when where there their they them he she his her we our you your i me my do does did
    not no yes true false than then so such can could would should will shall may might
    has have had about after before between each other more most less least very also
    both either neither one two three some any many much own same only just select
    apply all following lesson article according says say said"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass(frozen=True)
class Option:
    text: str
    is_correct: bool


@dataclass(frozen=True)
class Item:
    """One question as the checks see it."""

    key: str
    kind: str
    prompt: str
    options: tuple[Option, ...] = ()

    @property
    def right(self) -> list[Option]:
        return [option for option in self.options if option.is_correct]

    @property
    def wrong(self) -> list[Option]:
        return [option for option in self.options if not option.is_correct]

    @classmethod
    def from_question(cls, question) -> "Item":
        """A saved question; its choices should be prefetched."""
        return cls(
            key=str(question.pk),
            kind=question.kind,
            prompt=question.prompt,
            options=tuple(
                Option(choice.text, choice.is_correct)
                for choice in question.choices.all()
            ),
        )

    @classmethod
    def from_data(cls, key: str, data: Mapping, choices: Iterable[Mapping]) -> "Item":
        """A question as plain data: the course's JSON or an import plan's fields."""
        return cls(
            key=key,
            kind=data["kind"],
            prompt=data.get("prompt", ""),
            options=tuple(
                Option(row.get("text", ""), bool(row.get("is_correct")))
                for row in choices
            ),
        )


@dataclass(frozen=True)
class QualityWarning:
    key: str
    code: str
    message: str
    others: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return str(TITLES.get(self.code, self.code))

    def as_json(self) -> dict:
        return {
            "question": self.key,
            "code": self.code,
            "title": self.title,
            "message": self.message,
        }


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(WORD.findall(text))


def key_words(text: str) -> set[str]:
    """The words that carry meaning, crudely singularised."""
    words = set()
    for word in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if word in STOPWORDS or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


# One function per check on a single question.


def check_longest_right(item: Item) -> list[QualityWarning]:
    if item.kind not in CHOICE_KINDS or not item.right or not item.wrong:
        return []
    right = [len(option.text.strip()) for option in item.right]
    wrong = [len(option.text.strip()) for option in item.wrong]
    average_wrong = sum(wrong) / len(wrong)
    average_right = sum(right) / len(right)
    stands_out = (
        min(right) > max(wrong)
        and average_right >= LENGTH_RATIO * average_wrong
        and average_right - average_wrong >= LENGTH_MARGIN
    )
    if not stands_out:
        return []
    return [
        QualityWarning(
            item.key,
            "longest_right",
            _(
                "The right option is much longer than the others. Learners who have "
                "not read the lesson pick the longest option, because right answers "
                "tend to carry the most qualifications. Shorten it, or make the wrong "
                "options just as specific."
            ),
        )
    ]


def check_absolute_words(item: Item) -> list[QualityWarning]:
    if item.kind == TRUE_FALSE:
        right = item.right[0].text.strip().casefold() if item.right else ""
        if right == "false" and ABSOLUTE_WORDS.search(item.prompt):
            return [
                QualityWarning(
                    item.key,
                    "absolute_words",
                    _(
                        "The statement is false and uses an absolute word (always, "
                        "never, only…). Learners know such statements are usually "
                        "false, so it can be answered without the lesson. Reword it "
                        "without the absolute, or make a true statement that uses one."
                    ),
                )
            ]
        return []
    if item.kind not in CHOICE_KINDS:
        return []
    in_wrong = any(ABSOLUTE_WORDS.search(option.text) for option in item.wrong)
    in_right = any(ABSOLUTE_WORDS.search(option.text) for option in item.right)
    if in_wrong and not in_right:
        return [
            QualityWarning(
                item.key,
                "absolute_words",
                _(
                    "Absolute words (always, never, only, all…) appear only in wrong "
                    "options. Learners rule such options out on sight. Remove them, or "
                    "use them in a right option too."
                ),
            )
        ]
    return []


def check_of_the_above(item: Item) -> list[QualityWarning]:
    if item.kind not in CHOICE_KINDS:
        return []
    if any(OF_THE_ABOVE.search(option.text) for option in item.options):
        return [
            QualityWarning(
                item.key,
                "of_the_above",
                _(
                    "An option reads “all/none of the above”. Options are shuffled, so "
                    "“above” may point at nothing, and a learner who spots two right "
                    "options knows the answer without knowing the rest. Replace it "
                    "with a real option."
                ),
            )
        ]
    return []


def check_negative_stem(item: Item) -> list[QualityWarning]:
    if item.kind not in CHOICE_KINDS:
        return []
    if NEGATIVE.search(item.prompt) and not EMPHASISED_NEGATIVE.search(item.prompt):
        return [
            QualityWarning(
                item.key,
                "negative_stem",
                _(
                    "The question asks for what is not so, but the negative word is "
                    "easy to miss, and learners who know the answer then pick a true "
                    "statement. Write the negative in capitals or bold (NOT, **except**), "
                    "or ask the question the positive way."
                ),
            )
        ]
    return []


def check_duplicate_options(item: Item) -> list[QualityWarning]:
    if item.kind not in CHOICE_KINDS:
        return []
    texts = [normalise(option.text) for option in item.options]
    for index, first in enumerate(texts):
        for second in texts[index + 1 :]:
            if first == second or (
                first
                and second
                and SequenceMatcher(None, first, second).ratio() >= NEAR_DUPLICATE
                and sorted(first.split()) != sorted(second.split())
            ):
                return [
                    QualityWarning(
                        item.key,
                        "duplicate_options",
                        _(
                            "Two options say the same thing, or almost. A learner can "
                            "rule both out (or in) together, so the question has one "
                            "option fewer than it seems. Make every option a distinct "
                            "idea."
                        ),
                    )
                ]
    return []


def check_option_repeats_stem(item: Item) -> list[QualityWarning]:
    if item.kind not in CHOICE_KINDS or not item.wrong:
        return []
    stem = key_words(item.prompt)
    wrong = max(len(key_words(option.text) & stem) for option in item.wrong)
    for option in item.right:
        shared = len(key_words(option.text) & stem)
        if shared >= 2 and shared >= wrong + 2:
            return [
                QualityWarning(
                    item.key,
                    "option_repeats_stem",
                    _(
                        "The right option repeats key words of the question that no "
                        "wrong option uses, so it can be matched by its words alone. "
                        "Reword the right option, or let the wrong options echo the "
                        "question as well."
                    ),
                )
            ]
    return []


def check_all_or_none_right(item: Item) -> list[QualityWarning]:
    if item.kind != MULTIPLE or not item.options:
        return []
    if item.right and item.wrong:
        return []
    return [
        QualityWarning(
            item.key,
            "all_or_none_right",
            _(
                "In this multiple-answers question every option is right, or none is. "
                "Ticking everything (or nothing) then earns full marks without "
                "reading. Have at least two right options and one wrong one."
            ),
        )
    ]


def check_single_accepted_form(item: Item) -> list[QualityWarning]:
    if item.kind != SHORT or len(item.right) != 1:
        return []
    return [
        QualityWarning(
            item.key,
            "single_accepted_form",
            _(
                "Only one typed answer is accepted. Learners who know the answer often "
                "write it another way (an abbreviation, a synonym the lesson uses, a "
                "“the …” form) and are marked wrong. Add the forms a reader would type."
            ),
        )
    ]


QUESTION_CHECKS = (
    check_longest_right,
    check_absolute_words,
    check_of_the_above,
    check_negative_stem,
    check_duplicate_options,
    check_option_repeats_stem,
    check_all_or_none_right,
    check_single_accepted_form,
)


def check_question(item: Item) -> list[QualityWarning]:
    return [warning for check in QUESTION_CHECKS for warning in check(item)]


# Checks across one quiz.


def _gives_away(item: Item, other: Item) -> bool:
    """Does the other question's wording contain this one's answer?"""
    words = f" {normalise(other.prompt)} "
    if item.kind == SHORT:
        return any(
            len(normalise(option.text)) >= 4 and f" {normalise(option.text)} " in words
            for option in item.right
        )
    if item.kind == SINGLE and item.right and item.wrong:
        prompt = key_words(other.prompt)
        right = key_words(item.right[0].text)
        if len(right) < 2 or not right <= prompt:
            return False
        return not any(
            key_words(option.text) and key_words(option.text) <= prompt
            for option in item.wrong
        )
    return False


def check_answers_another(items: Sequence[Item]) -> list[QualityWarning]:
    warnings = []
    for item in items:
        givers = [
            other.key
            for other in items
            if other.key != item.key and _gives_away(item, other)
        ]
        if givers:
            warnings.append(
                QualityWarning(
                    item.key,
                    "answered_by_another",
                    _(
                        "Another question in this quiz contains this question's "
                        "answer in its wording, so a learner can copy it from there. "
                        "Reword one of them."
                    ),
                    others=tuple(givers),
                )
            )
    return warnings


def _right_positions(item: Item) -> tuple[int, ...]:
    return tuple(
        index for index, option in enumerate(item.options, start=1) if option.is_correct
    )


def check_patterns(items: Sequence[Item]) -> list[QualityWarning]:
    """The same right position (or count) everywhere is a pattern learners notice."""
    warnings = []
    groups = {
        SINGLE: [item for item in items if item.kind == SINGLE and item.right],
        TRUE_FALSE: [item for item in items if item.kind == TRUE_FALSE and item.right],
        MULTIPLE: [item for item in items if item.kind == MULTIPLE and item.right],
    }
    for kind, group in groups.items():
        if len(group) < PATTERN_MINIMUM:
            continue
        if kind == MULTIPLE:
            values = {len(item.right) for item in group}
            message = _(
                "Every multiple-answers question in this quiz has the same number of "
                "right options, so learners learn to tick that many. Vary it (two to "
                "four right options)."
            )
        elif kind == TRUE_FALSE:
            values = {item.right[0].text.strip().casefold() for item in group}
            message = _(
                "Every true/false question in this quiz has the same answer, so "
                "learners who notice can answer without reading. Mix true and false "
                "statements."
            )
        else:
            values = {_right_positions(item) for item in group}
            message = _(
                "The right option sits in the same place in every single-choice "
                "question of this quiz. Options are shuffled for learners, but a "
                "printed or exported copy keeps the order: vary where you write it."
            )
        if len(values) == 1:
            last = group[-1]
            warnings.append(
                QualityWarning(
                    last.key,
                    "same_pattern",
                    message,
                    others=tuple(item.key for item in group[:-1]),
                )
            )
    return warnings


def check_quiz(items: Sequence[Item]) -> list[QualityWarning]:
    """Every warning for the questions of one quiz, question by question."""
    warnings = [warning for item in items for warning in check_question(item)]
    warnings += check_answers_another(items)
    warnings += check_patterns(items)
    order = {item.key: index for index, item in enumerate(items)}
    return sorted(warnings, key=lambda warning: order.get(warning.key, len(order)))


@dataclass(frozen=True)
class Dismissed:
    warning: QualityWarning
    reason: str
    by: str = ""


@dataclass(frozen=True)
class Report:
    """One question's warnings: those still open, and those a teacher dismissed."""

    open: tuple[QualityWarning, ...] = ()
    dismissed: tuple[Dismissed, ...] = ()

    @classmethod
    def of(
        cls, warnings: Iterable[QualityWarning], dismissals: Mapping[str, Mapping]
    ) -> "Report":
        open_, dismissed = [], []
        for warning in warnings:
            note = dismissals.get(warning.code)
            if note is None:
                open_.append(warning)
            else:
                dismissed.append(
                    Dismissed(warning, note.get("reason", ""), note.get("by", ""))
                )
        return cls(tuple(open_), tuple(dismissed))


def check_rows(
    rows: Sequence[tuple[Mapping, Iterable[Mapping]]],
) -> list[list[QualityWarning]]:
    """Warnings for questions not saved yet (an import preview): (fields, choices) pairs
    in, one list of warnings per question out, each checked against the others."""
    items = [
        Item.from_data(str(index), fields, choices)
        for index, (fields, choices) in enumerate(rows)
    ]
    warnings = check_quiz(items)
    return [[w for w in warnings if w.key == item.key] for item in items]


def undismissed(
    warnings: Iterable[QualityWarning], dismissals: Mapping[str, Mapping]
) -> list[QualityWarning]:
    """The warnings not dismissed; dismissals map a question's key to {code: ...}."""
    return [
        warning
        for warning in warnings
        if warning.code not in dismissals.get(warning.key, {})
    ]


TITLES = {
    "longest_right": gettext_lazy("Right option much longer"),
    "absolute_words": gettext_lazy("Absolute words give it away"),
    "of_the_above": gettext_lazy("“All/none of the above”"),
    "negative_stem": gettext_lazy("Negative question not emphasised"),
    "duplicate_options": gettext_lazy("Duplicate options"),
    "option_repeats_stem": gettext_lazy("Option repeats the question's words"),
    "all_or_none_right": gettext_lazy("All or no options right"),
    "single_accepted_form": gettext_lazy("Only one accepted answer"),
    "answered_by_another": gettext_lazy("Answered by another question"),
    "same_pattern": gettext_lazy("Same answer pattern across the quiz"),
}
CODES = tuple(TITLES)
