"""Imports in Teach: a size limit checked before the file is read, and the previewed
file kept on the server (owned by its teacher, for a while) and imported by reference,
so a large valid file imports as well as it previews."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from quizzes.models import ImportUpload
from tests.factories import make_quiz, make_user

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024


def big_valid_gift(size: int, questions: int = 5) -> bytes:
    """A valid GIFT file of about `size` bytes: a few questions under long comments."""
    comment = "// " + "notes on the source " * (size // questions // 20) + "\n"
    return "".join(
        f"{comment}::Q{n}::Which river reaches the Black Sea ({n})? {{=Danube ~Rhine}}\n\n"
        for n in range(questions)
    ).encode()


def preview(client, quiz, content: bytes):
    return client.post(
        reverse("teach:import_file", args=[quiz.pk]),
        {"format": "gift", "file": SimpleUploadedFile("bank.gift", content)},
    )


def upload_reference(response) -> str:
    return re.search(r'name="upload" value="(\d+)"', response.content.decode()).group(1)


def confirm(client, quiz, reference: str):
    return client.post(
        reverse("teach:import_file", args=[quiz.pk]),
        {"format": "gift", "upload": reference, "confirm": "yes"},
    )


def test_a_valid_two_and_a_half_megabyte_file_previews_and_imports(teacher_client):
    quiz = make_quiz()
    content = big_valid_gift(int(2.5 * MEGABYTE))
    assert len(content) > 2.5 * MEGABYTE
    response = preview(teacher_client, quiz, content)
    assert response.status_code == 200
    assert "5 questions read" in response.content.decode()
    # The Import form refers to the kept file; it does not carry the file again.
    assert len(response.content) < MEGABYTE
    response = confirm(teacher_client, quiz, upload_reference(response))
    assert response.status_code == 302
    assert quiz.questions.count() == 5
    assert not ImportUpload.objects.exists()


def test_a_file_over_the_limit_gets_a_clear_error_and_nothing_is_kept(
    teacher_client, settings
):
    settings.IMPORT_MAX_BYTES = MEGABYTE
    quiz = make_quiz()
    response = preview(teacher_client, quiz, big_valid_gift(int(1.5 * MEGABYTE)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is 1.5 MB; files up to 1.0 MB can be imported." in page
    assert "questions read" not in page
    assert not ImportUpload.objects.exists()
    assert not quiz.questions.exists()


def test_another_teachers_preview_cannot_be_imported(teacher_client, client):
    quiz = make_quiz()
    reference = upload_reference(preview(teacher_client, quiz, big_valid_gift(2000)))
    other = make_user("other-teacher", teacher=True)
    client.force_login(other)
    assert confirm(client, quiz, reference).status_code == 404
    assert not quiz.questions.exists()


def test_a_preview_is_imported_only_into_its_own_quiz(teacher_client):
    quiz, elsewhere = make_quiz(), make_quiz()
    reference = upload_reference(preview(teacher_client, quiz, big_valid_gift(2000)))
    assert confirm(teacher_client, elsewhere, reference).status_code == 404
    assert not elsewhere.questions.exists()


def test_an_expired_preview_asks_for_the_file_again(teacher_client):
    quiz = make_quiz()
    reference = upload_reference(preview(teacher_client, quiz, big_valid_gift(2000)))
    ImportUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = confirm(teacher_client, quiz, reference)
    assert response.status_code == 200
    assert "This preview has expired" in response.content.decode()
    assert not quiz.questions.exists()
    assert not ImportUpload.objects.exists()


def test_a_new_preview_clears_expired_ones(teacher_client):
    quiz = make_quiz()
    preview(teacher_client, quiz, big_valid_gift(2000))
    ImportUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    preview(teacher_client, quiz, big_valid_gift(2000))
    assert ImportUpload.objects.count() == 1
