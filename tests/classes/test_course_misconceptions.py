"""The course loader stores a wrong option's misconception tag, and fills empty ones later."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes.course import load_course, tag_misconceptions
from quizzes.models import Choice

pytestmark = pytest.mark.django_db

LESSON = "## Rivers\n\nThe Danube flows through ten countries before the Black Sea.\n"


def write_course(directory, *, tagged: bool):
    wrong = {"text": "Rhine", "is_correct": False, "feedback": "No."}
    if tagged:
        wrong["misconception"] = "  confuses   the rivers "
    (directory / "course.json").write_text(
        json.dumps(
            {
                "article": {"slug": "rivers", "title": "Rivers"},
                "sections": [{"slug": "danube", "title": "Danube", "file": "01"}],
            }
        )
    )
    (directory / "01.md").write_text(LESSON)
    quiz = {
        "questions": [
            {
                "key": "rivers-01",
                "kind": "single",
                "prompt": "Which river reaches the Black Sea?",
                "source_quote": "The Danube flows through ten countries",
                "choices": [
                    {"text": "Danube", "is_correct": True, "feedback": "Yes."},
                    wrong,
                ],
            }
        ]
    }
    (directory / "01.quiz.json").write_text(json.dumps(quiz))


def test_loader_stores_the_tag_of_a_wrong_option(tmp_path):
    write_course(tmp_path, tagged=True)
    load_course(tmp_path)
    assert Choice.objects.get(text="Rhine").misconception == "confuses the rivers"
    assert Choice.objects.get(text="Danube").misconception == ""


def test_loader_works_with_models_from_before_the_tag(tmp_path):
    write_course(tmp_path, tagged=True)
    state = MigrationExecutor(connection).loader.project_state(
        ("quizzes", "0003_load_first_course")
    )
    load_course(tmp_path, apps=state.apps)
    assert Choice.objects.get(text="Rhine").misconception == ""
    # Loading again with today's models tags the option already there.
    load_course(tmp_path)
    assert Choice.objects.get(text="Rhine").misconception == "confuses the rivers"


def test_tags_fill_empty_fields_only(tmp_path):
    write_course(tmp_path, tagged=False)
    load_course(tmp_path)
    write_course(tmp_path, tagged=True)
    assert tag_misconceptions(tmp_path) == 1
    rhine = Choice.objects.get(text="Rhine")
    assert rhine.misconception == "confuses the rivers"
    rhine.misconception = "a teacher's own words"
    rhine.save()
    assert tag_misconceptions(tmp_path) == 0
    load_course(tmp_path)
    assert Choice.objects.get(text="Rhine").misconception == "a teacher's own words"


def test_data_migration_tags_a_course_loaded_before_tags(tmp_path, monkeypatch):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "quizzes.migrations.0005_tag_first_course_misconceptions"
    )
    write_course(tmp_path, tagged=False)
    load_course(tmp_path)
    write_course(tmp_path, tagged=True)
    monkeypatch.setattr(migration, "COURSE_DIR", tmp_path)
    migration.tag_first_course(apps, None)
    assert Choice.objects.get(text="Rhine").misconception == "confuses the rivers"
    assert Choice.objects.get(text="Danube").misconception == ""
