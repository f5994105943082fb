"""Tag the first course's wrong options with their misconceptions (content/russia-iran/).

Self-contained on purpose, like 0003: historical models only, never the live loader.
It fills empty tags only, so a tag a teacher has written since is kept.
"""

import json
from pathlib import Path

from django.db import migrations

COURSE_DIR = Path(__file__).resolve().parents[2] / "content" / "russia-iran"


def tag_first_course(apps, schema_editor):
    Choice = apps.get_model("quizzes", "Choice")
    course = json.loads((COURSE_DIR / "course.json").read_text(encoding="utf-8"))
    wanted = {}
    for section in course["sections"]:
        quiz_file = COURSE_DIR / f"{section['file']}.quiz.json"
        if not quiz_file.exists():
            continue
        for question in json.loads(quiz_file.read_text(encoding="utf-8"))["questions"]:
            for row in question.get("choices", ()):
                tag = " ".join(str(row.get("misconception", "")).split())[:120]
                if tag and not row.get("is_correct"):
                    wanted[(section["slug"], question["key"], row["text"])] = tag
    if not wanted:
        return
    changed = []
    untagged = Choice.objects.filter(
        question__is_current=True,
        question__quiz__section__article__slug=course["article"]["slug"],
        misconception="",
    ).select_related("question__quiz__section")
    for choice in untagged:
        question = choice.question
        key = (question.quiz.section.slug, question.external_id, choice.text)
        if key in wanted:
            choice.misconception = wanted[key]
            changed.append(choice)
    Choice.objects.bulk_update(changed, ["misconception"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_classroom_membership_misconception")]

    # Unapplying keeps the tags: a teacher may have edited them since.
    operations = [migrations.RunPython(tag_first_course, migrations.RunPython.noop)]
