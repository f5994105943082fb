"""Importing and exporting questions: the command line, the Teach upload, round trips."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes.grading import Submission
from quizzes.models import Attempt, Question
from tests.factories import make_quiz, make_section

pytestmark = pytest.mark.django_db

BANK = """// [id:rivers-1] [tag:rivers] [tag:europe]
::Longest::Which river is the longest in Europe?{
=Volga#Right: about 3,500 km.
~Danube#Second longest.
~Rhine#Much shorter.
####The Volga flows into the Caspian Sea.
}

::Seas::Which seas do these rivers reach? {
=Danube -> Black Sea
=Rhine -> North Sea
= -> Baltic Sea
}

::Length::How many countries does the Danube cross?{#10:0}

::Capital::The Danube flows through Vienna.{TRUE#It does.#Yes.}

::Name::Name the river of Paris.{=Seine =la Seine =%0%*#Think of the Eiffel Tower.}

::Cargo::Which goods does the Rhine mostly carry?{
~%50%Coal
~%50%Grain
~%-100%Oil#Not in the lesson.
}
"""

BROKEN = """::Good::A fine question{=yes ~no}

::Bad weight::Pick one{~%37%a ~b}

::Bad number::How many?{#abc}
"""


@pytest.fixture
def quiz():
    return make_quiz(make_section(slug="rivers-lesson"))


def write(tmp_path, text: str | bytes, name="mapping.gift.txt"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_command_creates_drafts_of_every_kind(tmp_path, quiz, capsys):
    call_command(
        "import_questions",
        write(tmp_path, BANK),
        format="gift",
        section="rivers-lesson",
    )
    questions = {q.title: q for q in quiz.questions.all()}
    assert {q.kind for q in questions.values()} == {
        "single",
        "matching",
        "numerical",
        "true_false",
        "short",
        "multiple",
    }
    assert all(q.status == "draft" for q in questions.values())
    longest = questions["Longest"]
    assert longest.external_id == "rivers-1" and longest.tags == ["rivers", "europe"]
    assert longest.explanation == "The Volga flows into the Caspian Sea."
    assert questions["Name"].incorrect_feedback == "Think of the Eiffel Tower."
    assert questions["Length"].grade(Submission(text="10")) == 1
    assert "Imported 6 questions" in capsys.readouterr().out


def test_import_with_errors_writes_nothing_and_names_lines_and_titles(
    tmp_path, quiz, capsys
):
    with pytest.raises(CommandError, match="2 error"):
        call_command(
            "import_questions",
            write(tmp_path, BROKEN),
            format="gift",
            section="rivers-lesson",
        )
    err = capsys.readouterr().err
    assert "line 3 (Bad weight)" in err and "nearest allowed weight is 40" in err
    assert "line 5 (Bad number)" in err
    assert not quiz.questions.exists()


def test_dry_run_writes_nothing(tmp_path, quiz, capsys):
    call_command(
        "import_questions",
        write(tmp_path, BANK),
        format="gift",
        section="rivers-lesson",
        dry_run=True,
    )
    assert "would be imported" in capsys.readouterr().out
    assert not quiz.questions.exists()


def test_json_output_lists_questions_and_errors(tmp_path, quiz, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_questions",
            write(tmp_path, BROKEN),
            format="gift",
            section="rivers-lesson",
            json=True,
        )
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"questions", "errors"}
    assert [e["line"] for e in data["errors"]] == [3, 5]


def test_non_utf8_file_is_refused(tmp_path, quiz, capsys):
    path = write(tmp_path, "::Q::Caf\u00e9?{T}".encode("cp1252"))
    with pytest.raises(CommandError):
        call_command("import_questions", path, format="gift", section="rivers-lesson")
    assert "UTF-8" in capsys.readouterr().err
    assert not quiz.questions.exists()


def test_essay_questions_are_reported_not_dropped(tmp_path, quiz, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_questions",
            write(tmp_path, "::Opinion::What do you think?{}"),
            format="gift",
            section="rivers-lesson",
        )
    assert "not supported" in capsys.readouterr().err


def test_unknown_lesson_is_a_clear_error(tmp_path, quiz):
    with pytest.raises(CommandError, match="No lesson"):
        call_command(
            "import_questions", write(tmp_path, BANK), format="gift", section="nowhere"
        )


def test_aiken_import(tmp_path, quiz):
    aiken = "Which river crosses Vienna?\nA) Rhine\nB. Danube\nANSWER: B\n"
    call_command(
        "import_questions",
        write(tmp_path, aiken),
        format="aiken",
        section="rivers-lesson",
    )
    question = quiz.questions.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Rhine", False),
        ("Danube", True),
    ]


def test_round_trip_export_import_export_gives_the_same_file(tmp_path, quiz, capsys):
    call_command(
        "import_questions",
        write(tmp_path, BANK),
        format="gift",
        section="rivers-lesson",
    )
    capsys.readouterr()
    call_command("export_questions", section="rivers-lesson")
    first = capsys.readouterr().out
    empty = make_quiz(make_section(slug="empty-lesson"))
    call_command(
        "import_questions",
        write(tmp_path, first, "first.txt"),
        format="gift",
        section="empty-lesson",
    )
    capsys.readouterr()
    call_command("export_questions", section="empty-lesson")
    assert capsys.readouterr().out == first
    assert empty.questions.count() == 6


def test_reimporting_an_id_updates_the_question_as_a_new_version(
    tmp_path, quiz, student
):
    call_command(
        "import_questions",
        write(tmp_path, BANK),
        format="gift",
        section="rivers-lesson",
    )
    longest = quiz.questions.get(external_id="rivers-1")
    longest.source_quote = "The Danube flows through ten countries"
    longest.save()
    longest.publish()
    attempt = Attempt.objects.start(learner=student, quiz=quiz)
    attempt.record_answer(
        question=longest,
        submission=Submission(choice_ids=(longest.choices.first().pk,)),
    )
    changed = BANK.replace(
        "Which river is the longest in Europe?", "Which European river is longest?"
    )
    call_command(
        "import_questions",
        write(tmp_path, changed),
        format="gift",
        section="rivers-lesson",
    )
    versions = Question.objects.filter(external_id="rivers-1").order_by("version")
    assert [(q.version, q.is_current) for q in versions] == [(1, False), (2, True)]
    assert versions[1].prompt == "Which European river is longest?"
    assert versions[1].source_quote == longest.source_quote
    assert quiz.questions.current().filter(external_id="rivers-1").count() == 1


def test_aiken_export_writes_only_single_choice(tmp_path, quiz, capsys):
    call_command(
        "import_questions",
        write(tmp_path, BANK),
        format="gift",
        section="rivers-lesson",
    )
    capsys.readouterr()
    call_command("export_questions", section="rivers-lesson", format="aiken")
    out = capsys.readouterr().out
    assert (
        out
        == "Which river is the longest in Europe?\nA) Volga\nB) Danube\nC) Rhine\nANSWER: A\n\n"
        or out.startswith(
            "Which river is the longest in Europe?\nA) Volga\nB) Danube\nC) Rhine\nANSWER: A"
        )
    )
    assert "Vienna" not in out


def gift_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("bank.gift", text.encode(), "text/plain")


def test_teach_upload_previews_then_imports(teacher_client, quiz, tmp_path):
    url = reverse("teach:import_file", args=[quiz.pk])
    with open(write(tmp_path, BANK), "rb") as upload:
        response = teacher_client.post(url, {"format": "gift", "file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "6 questions read" in page and "Which river is the longest in Europe?" in page
    )
    assert not quiz.questions.exists()
    upload = re.search(r'name="upload" value="(\d+)"', page).group(1)
    response = teacher_client.post(
        url, {"format": "gift", "upload": upload, "confirm": "yes"}
    )
    assert response.status_code == 302
    assert quiz.questions.count() == 6


def test_teach_upload_with_errors_shows_them_and_imports_nothing(
    teacher_client, quiz, tmp_path
):
    url = reverse("teach:import_file", args=[quiz.pk])
    response = teacher_client.post(
        url, {"format": "gift", "file": gift_file(BROKEN), "confirm": "yes"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Line 3 (Bad weight)" in page and "Line 5 (Bad number)" in page
    assert "nothing will be imported" in page
    assert not quiz.questions.exists()


def test_teach_export_downloads_gift(teacher_client, quiz, tmp_path):
    call_command(
        "import_questions",
        write(tmp_path, BANK),
        format="gift",
        section="rivers-lesson",
    )
    response = teacher_client.get(reverse("teach:export_quiz", args=[quiz.pk, "gift"]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "::Longest::Which river is the longest in Europe?{" in response.content.decode()
    )
    everything = teacher_client.get(reverse("teach:export_all")).content.decode()
    assert "$CATEGORY: $course$/" in everything


def test_an_id_used_twice_in_one_file_is_an_error_not_a_crash(teacher_client, quiz):
    twice = "// [id:same]\n::One::Is it?{T}\n\n// [id:same]\n::Two::Is it not?{F}\n"
    url = reverse("teach:import_file", args=[quiz.pk])
    response = teacher_client.post(
        url, {"format": "gift", "file": gift_file(twice), "confirm": "yes"}
    )
    assert response.status_code == 400
    assert "used twice" in response.content.decode()
    assert not quiz.questions.exists()
