"""Loading a course (an article, its lessons and quizzes) from content/<course>/.

Works with the live models and with a migration's historical models (which have no
custom save()), so derived fields are computed here explicitly.
"""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Max

from relations.markup import contains_quote, markdown_to_text, render_markdown

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
FIRST_COURSE = CONTENT_DIR / "russia-iran"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def read_course(directory: Path) -> dict:
    """The course files as one dict: article, sections with body and quiz."""
    course = json.loads((directory / "course.json").read_text(encoding="utf-8"))
    for section in course["sections"]:
        section["body"] = (directory / f"{section['file']}.md").read_text(
            encoding="utf-8"
        )
        quiz_file = directory / f"{section['file']}.quiz.json"
        section["quiz"] = (
            json.loads(quiz_file.read_text(encoding="utf-8"))
            if quiz_file.exists()
            else {"questions": []}
        )
    return course


def load_course(directory: Path = FIRST_COURSE, *, apps=global_apps) -> LoadReport:
    """Create what is missing; never overwrite what a teacher or admin has since edited."""
    Article = apps.get_model("relations", "Article")
    Section = apps.get_model("relations", "Section")
    Quiz = apps.get_model("quizzes", "Quiz")
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    course = read_course(directory)
    report = LoadReport()
    meta = course["article"]
    with transaction.atomic():
        article, created = Article.objects.get_or_create(
            slug=meta["slug"],
            defaults={
                "title": meta["title"],
                "summary": meta.get("summary", ""),
                "source": meta.get("source", ""),
                "is_published": True,
            },
        )
        (report.created if created else report.kept).append(f"article {article.slug}")
        next_position = (article.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        for data in course["sections"]:
            section = Section.objects.filter(article=article, slug=data["slug"]).first()
            if section is None:
                body = data["body"]
                section = Section.objects.create(
                    article=article,
                    slug=data["slug"],
                    title=data["title"],
                    position=next_position,
                    body=body,
                    body_html=render_markdown(body),
                    word_count=len(markdown_to_text(body).split()),
                    is_published=True,
                )
                next_position += 1
                report.created.append(f"lesson {section.slug}")
            else:
                report.kept.append(f"lesson {section.slug}")
            quiz, created = Quiz.objects.get_or_create(
                section=section,
                defaults={"pass_mark": data["quiz"].get("pass_mark", 70)},
            )
            _load_questions(Question, Choice, quiz, data["quiz"]["questions"], report)
    return report


def _has_misconceptions(Choice) -> bool:
    """Historical models from before the field was added do not have it."""
    return any(f.name == "misconception" for f in Choice._meta.get_fields())


def _load_questions(
    Question, Choice, quiz, questions: list[dict], report: LoadReport
) -> None:
    known = set(
        quiz.questions.exclude(external_id="").values_list("external_id", flat=True)
    )
    tags = _has_misconceptions(Choice)
    if tags:
        _fill_misconceptions(Choice, quiz, [q for q in questions if q["key"] in known])
    position = (quiz.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    for data in questions:
        if data["key"] in known:
            report.kept.append(f"question {data['key']}")
            continue
        question = Question.objects.create(
            quiz=quiz,
            position=position,
            kind=data["kind"],
            prompt=data["prompt"],
            prompt_html=render_markdown(data["prompt"]),
            explanation=data.get("explanation", ""),
            explanation_html=render_markdown(data.get("explanation", "")),
            points=data.get("points", 1),
            status="published",
            source_quote=data.get("source_quote", ""),
            needs_review=not contains_quote(
                quiz.section.body, data.get("source_quote", "")
            ),
            external_id=data["key"],
            tags=data.get("tags", []),
            incorrect_feedback=data.get("wrong_feedback", ""),
        )
        position += 1
        if data["kind"] == "short":
            rows = [
                {"text": text, "is_correct": True, "feedback": ""}
                for text in data["accepted_answers"]
            ]
        else:
            rows = data["choices"]
        choices = [
            Choice(
                question=question,
                position=index,
                text=row["text"],
                is_correct=row.get("is_correct", False),
                feedback=row.get("feedback", ""),
                **({"misconception": _tag(row)} if tags else {}),
            )
            for index, row in enumerate(rows, start=1)
        ]
        # Ids in a random order: an option's id must not say where the right one was written.
        random.SystemRandom().shuffle(choices)
        Choice.objects.bulk_create(choices)
        report.created.append(f"question {data['key']}")


def _tag(row: dict) -> str:
    """A wrong option's misconception tag, as the field holds it."""
    if row.get("is_correct"):
        return ""
    return " ".join(str(row.get("misconception", "")).split())[:120]


def _fill_misconceptions(Choice, quiz, questions: list[dict]) -> int:
    """Tag the already loaded options whose tag is still empty; never change a tag."""
    wanted = {
        (data["key"], row["text"]): _tag(row)
        for data in questions
        for row in data.get("choices", ())
        if _tag(row)
    }
    if not wanted:
        return 0
    keys = {key for key, _text in wanted}
    untagged = Choice.objects.filter(
        question__quiz=quiz,
        question__is_current=True,
        question__external_id__in=keys,
        misconception="",
    ).select_related("question")
    changed = []
    for choice in untagged:
        tag = wanted.get((choice.question.external_id, choice.text))
        if tag:
            choice.misconception = tag
            changed.append(choice)
    Choice.objects.bulk_update(changed, ["misconception"])
    return len(changed)


def tag_misconceptions(directory: Path = FIRST_COURSE, *, apps=global_apps) -> int:
    """Tag the course's loaded options from its files (for databases loaded before tags)."""
    Quiz = apps.get_model("quizzes", "Quiz")
    Choice = apps.get_model("quizzes", "Choice")
    course = read_course(directory)
    changed = 0
    with transaction.atomic():
        for data in course["sections"]:
            quiz = Quiz.objects.filter(
                section__article__slug=course["article"]["slug"],
                section__slug=data["slug"],
            ).first()
            if quiz is not None:
                changed += _fill_misconceptions(Choice, quiz, data["quiz"]["questions"])
    return changed
