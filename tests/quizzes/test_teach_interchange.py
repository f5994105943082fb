"""Pasted GIFT and Aiken in Teach, and exports that come back through our own import
with their ids, source quotes and statuses."""

import html
import re

import pytest
from django.urls import reverse

from quizzes.interchange import mapping
from quizzes.interchange.gift import export_gift, parse_gift
from quizzes.models import ImportUpload, Question
from tests.factories import make_answer, make_question, make_quiz, make_section

pytestmark = pytest.mark.django_db

QUOTE = "The Danube flows through ten countries"


def page(response) -> str:
    return html.unescape(response.content.decode())


def import_url(quiz) -> str:
    return reverse("teach:import_file", args=[quiz.pk])


def paste(client, quiz, text: str, fmt: str = "gift"):
    return client.post(import_url(quiz), {"format": fmt, "text": text})


def confirm(client, quiz, response):
    reference = re.search(r'name="upload" value="(\d+)"', page(response)).group(1)
    return client.post(
        import_url(quiz), {"format": "gift", "upload": reference, "confirm": "yes"}
    )


@pytest.fixture
def quiz():
    return make_quiz(make_section(title="Rivers of Europe"))


# --- Paste ----------------------------------------------------------------------------


def test_the_import_page_has_a_paste_box_a_guide_and_an_example(teacher_client, quiz):
    text = page(teacher_client.get(import_url(quiz)))
    assert '<textarea name="text"' in text
    assert "GIFT in a minute" in text
    assert "::Black Sea::Which river reaches the Black Sea?{" in text
    # The example itself imports cleanly.
    example = re.search(r"<code>(// \[id:danube-sea\].*?)</code>", text, re.S).group(1)
    assert parse_gift(example).ok


def test_pasted_gift_previews_then_imports_through_a_kept_upload(teacher_client, quiz):
    response = paste(
        teacher_client,
        quiz,
        "::Sea::Which river reaches the Black Sea?{=Danube ~Rhine}",
    )
    assert response.status_code == 200
    assert "1 question read" in page(response)
    assert not quiz.questions.exists()
    kept = ImportUpload.objects.get()
    assert kept.name == "pasted text" and kept.quiz == quiz
    # The Import button refers to the kept text; it does not carry it again.
    assert 'name="text"' in page(response) and "Which river reaches" in page(response)
    response = confirm(teacher_client, quiz, response)
    assert response.status_code == 302
    assert quiz.questions.get().prompt == "Which river reaches the Black Sea?"
    assert not ImportUpload.objects.exists()


def test_pasted_aiken_imports(teacher_client, quiz):
    response = paste(
        teacher_client,
        quiz,
        "Which river crosses Vienna?\r\nA) Rhine\r\nB) Danube\r\nANSWER: B\r\n",
        "aiken",
    )
    assert "1 question read" in page(response)
    confirm(teacher_client, quiz, response)
    question = quiz.questions.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Rhine", False),
        ("Danube", True),
    ]


def test_a_pasted_error_is_shown_with_its_line_and_nothing_is_kept(
    teacher_client, quiz
):
    text = (
        "::Good::Which river reaches the Black Sea?{=Danube ~Rhine}\n"
        "\n"
        "// a note\n"
        "::Bad number::How long is the Danube?{#about 2850}\n"
    )
    response = paste(teacher_client, quiz, text)
    assert response.status_code == 400
    assert "Line 3 (Bad number): 'about 2850' is not a number." in page(response)
    assert "nothing will be imported" in page(response)
    # The text is still in the box, to be corrected.
    assert "{#about 2850}" in page(response)
    assert not ImportUpload.objects.exists()
    assert not quiz.questions.exists()


def test_pasted_text_over_the_limit_is_refused_clearly(teacher_client, quiz, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = paste(teacher_client, quiz, "::Q::A river?{=Danube ~Rhine}\n" * 50)
    assert "can be pasted" in page(response) and "Upload it as a file" in page(response)
    assert not ImportUpload.objects.exists()


def test_a_file_and_pasted_text_together_are_refused(teacher_client, quiz):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = teacher_client.post(
        import_url(quiz),
        {
            "format": "gift",
            "text": "::Q::A river?{=Danube ~Rhine}",
            "file": SimpleUploadedFile("bank.gift", b"::Q::A river?{=Danube ~Rhine}"),
        },
    )
    assert "Choose a file or paste text, not both." in page(response)
    assert not ImportUpload.objects.exists()


def test_nothing_chosen_nothing_pasted(teacher_client, quiz):
    response = teacher_client.post(import_url(quiz), {"format": "gift", "text": "  \n"})
    assert "Choose a file or paste the questions to import." in page(response)


# --- Export: id, quote, status ---------------------------------------------------------


def test_gift_export_names_every_question_with_quote_and_status(teacher_client, quiz):
    written = make_question(quiz, prompt="Which river reaches the Black Sea?")
    imported = make_question(quiz, status="draft", external_id="rivers-2")
    text = teacher_client.get(
        reverse("teach:export_quiz", args=[quiz.pk, "gift"])
    ).content.decode()
    assert (
        f"// [id:{written.identity}]\n"
        f"// relations-quote: {QUOTE}\n"
        "// relations-status: published\n"
        "::Which river reaches the Black Sea?::Which river reaches the Black Sea?{"
    ) in text
    assert "// [id:rivers-2]\n" in text
    assert "// relations-status: draft\n" in text
    assert imported.external_id == "rivers-2"


def test_the_id_of_a_question_is_the_same_in_every_version(student, quiz):
    question = make_question(quiz)
    make_answer(student, question)
    from quizzes import services

    new = services.save_question(
        question=Question.objects.get(pk=question.pk),
        choices=[{"text": "Danube", "is_correct": True}, {"text": "Rhine"}],
        user=None,
    )
    assert new.pk != question.pk
    first = export_gift([mapping.to_parsed(question)])
    second = export_gift([mapping.to_parsed(new)])
    assert (
        f"[id:{question.identity}]" in first and f"[id:{question.identity}]" in second
    )


def true_false_question(**fields):
    """A parsed true/false question, as the exporter receives one."""
    from quizzes.interchange.parsed import ParsedQuestion

    return ParsedQuestion(
        line=0,
        name="Q",
        kind="true_false",
        text="The Danube is long.",
        correct_answer=True,
        **fields,
    )


def test_quote_with_a_line_break_and_backslash_round_trips_in_gift():
    question = true_false_question(
        source_quote="ten\ncountries \\n not a break", status="draft", idnumber="q-1"
    )
    back = parse_gift(export_gift([question])).questions[0]
    assert back.source_quote == "ten\ncountries \\n not a break"
    assert (back.status, back.idnumber) == ("draft", "q-1")


def test_a_quote_typed_in_a_browser_keeps_its_windows_line_break_in_gift():
    """A textarea posts line breaks as CR LF: both characters go out escaped, on one
    comment line, and come back as they were."""
    quote = "flows through\r\nten countries"
    exported = export_gift([true_false_question(source_quote=quote)])
    assert "// relations-quote: flows through\\r\\nten countries\n" in exported
    assert parse_gift(exported).questions[0].source_quote == quote


def test_moodle_reads_our_lines_as_comments():
    """Without our extension, the lines change nothing in the question."""
    plain = "::Q::A river?{=Danube ~Rhine}\n"
    ours = "// relations-quote: a quote\n// relations-status: published\n" + plain
    a, b = parse_gift(plain).questions[0], parse_gift(ours).questions[0]
    assert (a.name, a.text, a.answers) == (b.name, b.text, b.answers)
    assert (b.source_quote, b.status) == ("a quote", "published")


def export_and_preview(client, source, target):
    text = client.get(
        reverse("teach:export_quiz", args=[source.pk, "gift"])
    ).content.decode()
    return paste(client, target, text)


def state(quiz):
    return [
        (
            q.prompt,
            q.source_quote,
            q.status,
            [(c.text, c.is_correct) for c in q.choices.all()],
        )
        for q in quiz.questions.current().order_by("position")
    ]


def test_export_then_import_elsewhere_gives_the_same_questions(teacher_client, quiz):
    make_question(quiz, prompt="Which river reaches the Black Sea?")
    make_question(quiz, "true_false", status="draft", prompt="The Rhine is long.")
    make_question(
        quiz,
        "short",
        status="archived",
        prompt="Which river?",
        source_quote="The Rhine carries more freight",
    )
    target = make_quiz(make_section(title="Same lesson again"))
    response = export_and_preview(teacher_client, quiz, target)
    assert "3 questions read" in page(response)
    assert "arrives as Published" in page(response)
    assert f"Source quote: “{QUOTE}”" in page(response)
    response = confirm(teacher_client, target, response)
    assert state(target) == state(quiz)
    message = page(teacher_client.get(response["Location"]))
    assert "Imported 3 questions: 1 published, 1 draft, 1 archived." in message
    # Each came with the id it was exported under: a second import updates them.
    originals = {str(q.identity) for q in quiz.questions.all()}
    assert {q.external_id for q in target.questions.all()} == originals


def test_reimporting_an_export_updates_the_same_questions(teacher_client, quiz):
    kept = make_question(quiz, prompt="Which river reaches the Black Sea?")
    text = teacher_client.get(
        reverse("teach:export_quiz", args=[quiz.pk, "gift"])
    ).content.decode()
    text = text.replace("reaches the Black Sea?", "ends in the Black Sea?")
    response = paste(teacher_client, quiz, text)
    assert "updates an existing question" in page(response)
    confirm(teacher_client, quiz, response)
    current = quiz.questions.current().get()
    assert current.pk == kept.pk  # nobody answered it: updated in place
    assert current.prompt == "Which river ends in the Black Sea?"
    assert current.status == "published" and current.source_quote == QUOTE


def test_reimporting_an_answered_question_makes_a_new_version_with_the_same_id(
    teacher_client, student, quiz
):
    question = make_question(quiz)
    make_answer(student, question)
    text = teacher_client.get(
        reverse("teach:export_quiz", args=[quiz.pk, "gift"])
    ).content.decode()
    confirm(
        teacher_client, quiz, paste(teacher_client, quiz, text.replace("(1)", "(one)"))
    )
    versions = Question.objects.filter(identity=question.identity).order_by("version")
    assert [(q.version, q.is_current) for q in versions] == [(1, False), (2, True)]
    assert versions[1].prompt.endswith("(one)") and versions[1].status == "published"


def test_published_in_the_file_without_its_quote_in_the_lesson_arrives_as_draft(
    teacher_client, quiz
):
    text = (
        "// relations-quote: The Amazon is in another lesson\n"
        "// relations-status: published\n"
        "::Q::Which river?{=Danube ~Rhine}\n"
    )
    response = paste(teacher_client, quiz, text)
    assert "its source quote is not in this lesson: it arrives as a draft" in page(
        response
    )
    assert "arrives as Draft" in page(response)
    confirm(teacher_client, quiz, response)
    question = quiz.questions.get()
    assert question.status == "draft" and question.needs_review
    assert question.source_quote == "The Amazon is in another lesson"


def test_an_unknown_status_arrives_as_draft_with_a_warning(teacher_client, quiz):
    text = f"// relations-quote: {QUOTE}\n// relations-status: live\n::Q::A river?{{=Danube ~Rhine}}\n"
    response = paste(teacher_client, quiz, text)
    assert "Unknown status “live”: it arrives as a draft." in page(response)
    confirm(teacher_client, quiz, response)
    assert quiz.questions.get().status == "draft"


def test_a_file_without_our_lines_still_gives_drafts_and_keeps_quotes(
    teacher_client, quiz
):
    question = make_question(quiz, external_id="rivers-1")
    text = "// [id:rivers-1]\n::Q::Which river, now?{=Danube ~Rhine}\n"
    confirm(teacher_client, quiz, paste(teacher_client, quiz, text))
    current = quiz.questions.current().get()
    assert current.pk == question.pk
    assert current.status == "draft" and current.source_quote == QUOTE
