"""GIFT carries misconception tags: on an option's feedback, or in the question's tags."""

import pytest
from django.core.management import call_command

from quizzes.interchange import mapping
from quizzes.interchange.gift import parse_gift
from quizzes.models import Question
from tests.factories import make_quiz, make_section

pytestmark = pytest.mark.django_db

TAGGED = """// [id:rivers-1] [tag:rivers] [tag:misconception:picks a famous river]
::Longest::Which river is the longest in Europe?{
=Volga#Right: about 3,500 km.
~Danube#Second longest. [tag:misconception:thinks the Danube is longest]
~Rhine#Much shorter.
~Thames
}

::Capital::The Danube flows through Vienna.{TRUE#It does. [tag:misconception:doubts Vienna]#Yes.}

::Cargo::Which goods does the Rhine mostly carry?{
~%50%Coal#Right. [tag:misconception:not for a right one]
~%50%Grain
~%-100%Oil#Not in the lesson. [tag\\:misconception\\:thinks of oil]
}
"""


def import_file(tmp_path, text: str, lesson: str):
    path = tmp_path / f"{lesson}.gift.txt"
    path.write_text(text, encoding="utf-8")
    call_command("import_questions", str(path), format="gift", section=lesson)


def tags_of(title: str) -> dict[str, str]:
    question = Question.objects.current().get(title=title)
    return {c.text: c.misconception for c in question.choices.all()}


def test_import_reads_tags_from_feedback_and_from_question_tags(tmp_path, capsys):
    make_quiz(make_section(slug="rivers-lesson"))
    import_file(tmp_path, TAGGED, "rivers-lesson")
    # Its own tag wins; the question's tag goes to the other wrong options.
    assert tags_of("Longest") == {
        "Volga": "",
        "Danube": "thinks the Danube is longest",
        "Rhine": "picks a famous river",
        "Thames": "picks a famous river",
    }
    longest = Question.objects.current().get(title="Longest")
    assert longest.tags == ["rivers"]
    danube = longest.choices.get(text="Danube")
    assert danube.feedback == "Second longest."
    # True/false: TRUE is right, so the first feedback is the wrong option's (False).
    assert tags_of("Capital") == {"True": "", "False": "doubts Vienna"}
    # Escaped colons read the same; a right option's tag is dropped.
    assert tags_of("Cargo") == {"Coal": "", "Grain": "", "Oil": "thinks of oil"}
    cargo = Question.objects.current().get(title="Cargo")
    assert cargo.choices.get(text="Coal").feedback == "Right."


def test_a_tag_on_a_right_option_is_a_warning(quiz):
    plan = mapping.plan_import(quiz, parse_gift(TAGGED).questions, [])
    assert plan.ok
    warnings = [w for planned in plan.questions for w in planned.warnings]
    assert warnings == ["“Coal” is a right option: its misconception tag is ignored."]


def test_a_question_tag_without_wrong_options_is_a_warning(quiz):
    text = (
        "// [tag:misconception:any river]\n::Name::Name the river of Paris.{=Seine}\n"
    )
    plan = mapping.plan_import(quiz, parse_gift(text).questions, [])
    assert plan.questions[0].warnings == [
        "The misconception tag “any river” is ignored: the question has no wrong option."
    ]
    assert plan.questions[0].fields["tags"] == []


def test_export_writes_the_tags_back_and_they_survive_a_round_trip(tmp_path, capsys):
    make_quiz(make_section(slug="rivers-lesson"))
    import_file(tmp_path, TAGGED, "rivers-lesson")
    capsys.readouterr()
    call_command("export_questions", section="rivers-lesson")
    exported = capsys.readouterr().out
    assert "misconception" in exported
    make_quiz(make_section(slug="copy-lesson"))
    import_file(tmp_path, exported, "copy-lesson")
    copies = Question.objects.filter(quiz__section__slug="copy-lesson")
    originals = Question.objects.filter(quiz__section__slug="rivers-lesson")

    def tagged(questions):
        return sorted(
            (c.question.title, c.text, c.misconception, c.feedback)
            for q in questions
            for c in q.choices.all()
        )

    assert tagged(copies) == tagged(originals)


def test_teach_import_preview_shows_the_tags_and_the_rule(teacher_client):
    from django.urls import reverse

    quiz = make_quiz()
    url = reverse("teach:import_file", args=[quiz.pk])
    page = teacher_client.get(url).text
    assert "[tag:misconception:" in page
    response = teacher_client.post(url, {"format": "gift", "content": TAGGED})
    assert response.status_code == 200
    assert "Misconception: thinks the Danube is longest" in response.text
    assert "Misconception: picks a famous river" in response.text
    assert not quiz.questions.exists()
