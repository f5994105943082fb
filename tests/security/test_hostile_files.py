"""Hostile import files: slow to parse on purpose, or carrying bytes no text should hold.
Every path (Teach, the commands, the article importer) answers with a line-numbered
error and stores nothing; parsing time grows linearly with the file."""

import re
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from quizzes.interchange.aiken import parse_aiken
from quizzes.interchange.gift import extract_idnumber_and_tags, parse_gift
from quizzes.models import Question
from relations.article_import import parse_article
from relations.models import Article
from tests.factories import make_quiz, make_section

MEGABYTE = 1024 * 1024
QUESTION = "::Q1::Which river reaches the Black Sea? {=Danube ~Rhine ~Thames}\n"


def timed_parse(text: str):
    started = time.perf_counter()
    result = parse_gift(text)
    return result, time.perf_counter() - started


@pytest.mark.parametrize("mark", ["[tag:", "[id:", "[tag:\\]", "[id:x\\]"])
def test_a_one_megabyte_comment_of_repeated_marks_parses_in_well_under_a_second(mark):
    comment = "// " + mark * (MEGABYTE // len(mark))
    result, seconds = timed_parse(f"{comment}\n{QUESTION}")
    assert seconds < 1, f"{seconds:.2f} s"
    assert [question.name for question in result.questions] == ["Q1"]


def test_a_megabyte_of_comment_lines_with_unclosed_marks_parses_quickly():
    lines = "// [tag:a [tag:b [id:c\n" * (MEGABYTE // 23)
    result, seconds = timed_parse(f"{lines}{QUESTION}")
    assert seconds < 1, f"{seconds:.2f} s"
    assert result.ok


# The rule as a regular expression states it (quadratic on hostile input, so only short
# comments here): the scanner must find exactly the same marks.
_REFERENCE = re.compile(r"\[(id|tag):((?:\\\]|[^\]])*)\]")


@given(st.lists(st.sampled_from(["[tag:", "[id:", "]", "\\", "\\]", "a", " ", "["])))
def test_the_linear_scanner_reads_marks_as_the_reference_rule_does(pieces):
    comment = "// " + "".join(pieces)
    expected_ids = [v for k, v in _REFERENCE.findall(comment) if k == "id"]
    expected_tags = [v for k, v in _REFERENCE.findall(comment) if k == "tag"]
    idnumber, tags = extract_idnumber_and_tags([comment])
    assert idnumber == (
        expected_ids[0].replace("\\]", "]").strip() if expected_ids else ""
    )
    wanted = [t.replace("\\]", "]").strip() for t in expected_tags]
    assert tags == list(dict.fromkeys(t for t in wanted if t))


# Control characters --------------------------------------------------------------------

CONTROL_CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_gift_with_a_control_character_is_refused_with_its_line(character):
    text = f"// first\n\n::Q1::Which river{character}? {{=Danube ~Rhine}}\n"
    result = parse_gift(text.encode())
    assert not result.questions
    (error,) = result.errors
    assert error.line == 3 and error.code == "control_character"
    assert f"U+{ord(character):04X}" in error.message


def test_aiken_with_a_nul_byte_is_refused_with_its_line():
    text = "Which river?\rA) Danube\rB) Rh\x00ine\rANSWER: A\r"
    result = parse_aiken(text.encode())
    assert not result.questions
    assert [(e.line, e.code) for e in result.errors] == [(3, "control_character")]


def test_tabs_and_every_kind_of_line_ending_are_still_welcome():
    result = parse_gift(b"::Q1::\tWhich river?\r\n{=Danube ~Rhine}\r\n")
    assert result.ok and len(result.questions) == 1


def test_an_article_with_a_nul_byte_is_refused_with_its_line():
    with pytest.raises(ValidationError, match="Line 5 .*U\\+0000") as error:
        parse_article("# Title\n\n## Trade\n\nOil\x00 and grain.\n")
    assert error.value.code == "control_character"


@pytest.mark.django_db
def test_teach_upload_with_a_nul_byte_shows_the_line_and_stores_nothing(
    teacher_client,
):
    quiz = make_quiz()
    upload = SimpleUploadedFile(
        "bank.gift", b"::Q1::Which river?\n{=Danube\x00 ~Rhine}\n", "text/plain"
    )
    response = teacher_client.post(
        reverse("teach:import_file", args=[quiz.pk]),
        {"format": "gift", "file": upload, "confirm": "yes"},
    )
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "Line 2 contains a control character (U+0000)" in page
    assert not Question.objects.filter(quiz=quiz).exists()


@pytest.mark.django_db
def test_the_import_questions_command_refuses_a_nul_byte_and_stores_nothing(
    tmp_path, capsys
):
    quiz = make_quiz(make_section(slug="hostile-lesson"))
    path = tmp_path / "bank.gift"
    path.write_bytes(b"::Q1::Which river?\n{=Danube ~Rhine}\n\n::Q2::\x00?{T}\n")
    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import_questions", str(path), format="gift", section="hostile-lesson"
        )
    assert "line 4: Line 4 contains a control character" in capsys.readouterr().err
    assert not Question.objects.filter(quiz=quiz).exists()


@pytest.mark.django_db
def test_the_import_article_command_refuses_a_nul_byte_and_stores_nothing(tmp_path):
    path = tmp_path / "article.md"
    path.write_bytes(b"# Hostile\n\n## Trade\n\nOil and\x00 grain.\n")
    with pytest.raises(CommandError, match="Line 5 contains a control character"):
        call_command("import_article", str(path))
    assert not Article.objects.filter(slug="hostile").exists()


# Size limits in the commands ------------------------------------------------------------


def big_gift(questions: int) -> str:
    return "\n".join(
        f"::Q{n}::Which river reaches the Black Sea ({n})? {{=Danube ~Rhine ~Thames}}\n"
        for n in range(questions)
    )


@pytest.mark.django_db
def test_import_questions_refuses_a_file_over_the_limit_unless_raised(
    tmp_path, settings
):
    settings.IMPORT_MAX_BYTES = 2000
    quiz = make_quiz(make_section(slug="size-lesson"))
    path = tmp_path / "bank.gift"
    path.write_text(big_gift(40))
    assert path.stat().st_size > 2000
    with pytest.raises(CommandError, match="can be imported"):
        call_command(
            "import_questions", str(path), format="gift", section="size-lesson"
        )
    assert not quiz.questions.exists()
    call_command(
        "import_questions",
        str(path),
        format="gift",
        section="size-lesson",
        max_size=path.stat().st_size,
    )
    assert quiz.questions.count() == 40


@pytest.mark.django_db
def test_import_article_refuses_a_file_over_the_limit_unless_raised(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1000
    path = tmp_path / "article.md"
    path.write_text("# Big\n\n## Trade\n\n" + "Oil and grain. " * 200)
    with pytest.raises(CommandError, match="can be imported"):
        call_command("import_article", str(path))
    assert not Article.objects.filter(slug="big").exists()
    call_command("import_article", str(path), max_size=10_000)
    assert Article.objects.get(slug="big").sections.count() == 1
