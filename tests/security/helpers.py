"""Reading the HTML a page sends, and a quiz whose secrets are easy to spot in it."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz
from tests.factories import make_question, make_quiz

VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str) -> list[Element]:
        return [element for element in self.iter() if element.tag == tag]

    def by_id(self, element_id: str) -> Element:
        found = [
            element for element in self.iter() if element.attrs.get("id") == element_id
        ]
        assert len(found) == 1, f"expected one #{element_id}, found {len(found)}"
        return found[0]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def text(self) -> str:
        return "".join(
            child if isinstance(child, str) else child.text for child in self.children
        )

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(content: bytes | str) -> Element:
    """The page as a tree of elements (attribute values and text unescaped)."""
    builder = _TreeBuilder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root


def visible_text(content: bytes | str) -> str:
    """Everything the browser receives, with character references decoded."""
    return html.unescape(content.decode() if isinstance(content, bytes) else content)


# A quiz with one question of every kind. Everything a learner must not see before
# answering carries a marker ("Xq"), so a leak is a plain substring search.
NUMBER_ANSWER = Decimal("7319.25")


def _choices(kind: str, tag: str) -> list[dict]:
    return {
        "single": [
            {"text": "Danube", "is_correct": True, "feedback": f"Xq-feedback-{tag}-1"},
            {"text": "Rhine", "is_correct": False, "feedback": f"Xq-feedback-{tag}-2"},
            {"text": "Thames", "is_correct": False, "feedback": f"Xq-feedback-{tag}-3"},
        ],
        "multiple": [
            {"text": "Coal", "is_correct": True, "feedback": f"Xq-feedback-{tag}-1"},
            {"text": "Grain", "is_correct": True, "feedback": f"Xq-feedback-{tag}-2"},
            {"text": "Oil", "is_correct": False, "feedback": f"Xq-feedback-{tag}-3"},
        ],
        "true_false": [
            {"text": "True", "is_correct": True, "feedback": f"Xq-feedback-{tag}-1"},
            {"text": "False", "is_correct": False, "feedback": f"Xq-feedback-{tag}-2"},
        ],
        "short": [
            {"text": f"Xq-accepted-{tag}-danube", "is_correct": True},
            {"text": f"Xq-accepted-{tag}-river", "is_correct": True},
        ],
        "numerical": [
            {
                "value": NUMBER_ANSWER,
                "tolerance": Decimal("0.5"),
                "is_correct": True,
                "feedback": f"Xq-feedback-{tag}-1",
            },
        ],
        "matching": [
            {
                "text": "Danube",
                "match_text": "Black Sea",
                "feedback": f"Xq-feedback-{tag}-1",
            },
            {
                "text": "Rhine",
                "match_text": "North Sea",
                "feedback": f"Xq-feedback-{tag}-2",
            },
            {
                "text": "Thames",
                "match_text": "English Channel",
                "feedback": f"Xq-feedback-{tag}-3",
            },
            {"text": "", "match_text": "Caspian Sea"},
        ],
    }[kind]


def make_question_with_secrets(quiz: Quiz, kind: str) -> Question:
    tag = f"{kind}-{quiz.pk}"
    return make_question(
        quiz,
        kind,
        prompt=f"Prompt of the {kind} question",
        explanation=f"Xq-explanation-{tag}",
        incorrect_feedback=f"Xq-wrong-{tag}",
        choices=_choices(kind, tag),
    )


KINDS = [kind.value for kind in Question.Kind]


def make_quiz_of_every_kind(section=None, **quiz_fields) -> Quiz:
    quiz = make_quiz(section, **quiz_fields)
    for kind in KINDS:
        make_question_with_secrets(quiz, kind)
    return quiz


def secrets_of(question: Question) -> list[str]:
    """What only an answered question may show: explanation, feedback, accepted answers."""
    found = [question.explanation, question.incorrect_feedback]
    for choice in question.choices.all():
        if choice.feedback:
            found.append(choice.feedback)
        if question.kind == Question.Kind.SHORT:
            found.append(choice.text)
        if choice.value is not None:
            found.append(str(choice.value.normalize()))
    return [secret for secret in found if secret]


def right_answer(question: Question) -> dict:
    choices = list(question.choices.all())
    if question.kind == Question.Kind.SHORT:
        return {"text": choices[0].text}
    if question.kind == Question.Kind.NUMERICAL:
        return {"text": str(choices[0].value.normalize())}
    if question.kind == Question.Kind.MATCHING:
        return {f"match-{c.pk}": c.match_text for c in choices if c.text}
    return {"choice": [c.pk for c in choices if c.is_correct]}


def wrong_answer(question: Question) -> dict:
    choices = list(question.choices.all())
    if question.kind == Question.Kind.SHORT:
        return {"text": "Volga"}
    if question.kind == Question.Kind.NUMERICAL:
        return {"text": "12"}
    if question.kind == Question.Kind.MATCHING:
        return {f"match-{c.pk}": "Caspian Sea" for c in choices if c.text}
    return {"choice": [next(c.pk for c in choices if not c.is_correct)]}


def start_attempt(learner, quiz: Quiz) -> Attempt:
    return Attempt.objects.start(learner=learner, quiz=quiz)


def attempt_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_detail", args=[attempt.pk])


def check_url(attempt: Attempt, question: Question | int) -> str:
    question_id = question if isinstance(question, int) else question.pk
    return reverse("quizzes:check_answer", args=[attempt.pk, question_id])


def finish_url(attempt: Attempt) -> str:
    return reverse("quizzes:finish_attempt", args=[attempt.pk])


def results_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_results", args=[attempt.pk])


def start_url(section) -> str:
    return reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])


def mark_read_url(section) -> str:
    return reverse("quizzes:mark_read", args=[section.article.slug, section.slug])


HTMX = {"HX-Request": "true"}

# The course the data migration loads into every database, the tests' too.
FIRST_COURSE = "russia-and-iran"
