"""Load the first course (content/russia-iran/) on a fresh database.

Self-contained on purpose: it uses only the historical models of this point in the
migration history, never the live loader (`quizzes.course`), so a later model change
cannot break `migrate` on a fresh database. The Markdown helpers it imports are pure
text functions with no model in them.
"""

import json
import random
from pathlib import Path

from django.db import migrations
from django.db.models import Max

from relations.markup import contains_quote, markdown_to_text, render_markdown

COURSE_DIR = Path(__file__).resolve().parents[2] / "content" / "russia-iran"


def _read(name: str):
    return (COURSE_DIR / name).read_text(encoding="utf-8")


def load_first_course(apps, schema_editor):
    Article = apps.get_model("relations", "Article")
    Section = apps.get_model("relations", "Section")
    Quiz = apps.get_model("quizzes", "Quiz")
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    course = json.loads(_read("course.json"))
    meta = course["article"]
    article, _ = Article.objects.get_or_create(
        slug=meta["slug"],
        defaults={
            "title": meta["title"],
            "summary": meta.get("summary", ""),
            "source": meta.get("source", ""),
            "is_published": True,
        },
    )
    position = (article.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    for data in course["sections"]:
        section = Section.objects.filter(article=article, slug=data["slug"]).first()
        if section is None:
            body = _read(f"{data['file']}.md")
            section = Section.objects.create(
                article=article,
                slug=data["slug"],
                title=data["title"],
                position=position,
                body=body,
                body_html=render_markdown(body),
                word_count=len(markdown_to_text(body).split()),
                is_published=True,
            )
            position += 1
        quiz_file = COURSE_DIR / f"{data['file']}.quiz.json"
        quiz_data = json.loads(quiz_file.read_text(encoding="utf-8")) if quiz_file.exists() else {}
        quiz, _ = Quiz.objects.get_or_create(
            section=section, defaults={"pass_mark": quiz_data.get("pass_mark", 70)}
        )
        known = set(quiz.questions.exclude(external_id="").values_list("external_id", flat=True))
        number = (quiz.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        for item in quiz_data.get("questions", []):
            if item["key"] in known:
                continue
            quote = item.get("source_quote", "")
            question = Question.objects.create(
                quiz=quiz,
                position=number,
                kind=item["kind"],
                prompt=item["prompt"],
                prompt_html=render_markdown(item["prompt"]),
                explanation=item.get("explanation", ""),
                explanation_html=render_markdown(item.get("explanation", "")),
                points=item.get("points", 1),
                status="published",
                source_quote=quote,
                needs_review=not contains_quote(section.body, quote),
                external_id=item["key"],
                tags=item.get("tags", []),
                incorrect_feedback=item.get("wrong_feedback", ""),
            )
            number += 1
            if item["kind"] == "short":
                rows = [{"text": text, "is_correct": True} for text in item["accepted_answers"]]
            else:
                rows = item["choices"]
            choices = [
                Choice(
                    question=question,
                    position=index,
                    text=row["text"],
                    is_correct=row.get("is_correct", False),
                    feedback=row.get("feedback", ""),
                )
                for index, row in enumerate(rows, start=1)
            ]
            # Ids in a random order: an option's id must not say where the right one was.
            random.SystemRandom().shuffle(choices)
            Choice.objects.bulk_create(choices)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0002_teachers_group")]

    # Loading is idempotent; unapplying keeps the content (it may have been edited since).
    operations = [migrations.RunPython(load_first_course, migrations.RunPython.noop)]
