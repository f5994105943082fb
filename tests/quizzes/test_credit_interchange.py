"""GIFT partial credit comes in as credit, goes out as the same weights, and grades."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.grading import Submission
from tests.factories import make_quiz, make_section

pytestmark = pytest.mark.django_db

PARTIAL = """::Port::Where is Russia's naval base in Syria?{
=Tartus#Right.
=%50%Syria#Right country; which port?
=%0%*#The lesson names the port.
}

::Base::Which port is Russia's naval base in Syria?{
=Tartus
~%50%Latakia#Latakia hosts the air base, not the naval one.
~Baku
}

::Treaty::In which year was the treaty signed?{#
=1822:0
=%50%1822:2#Close: within two years.
}
"""


def import_gift(client, quiz, text: str):
    url = reverse("teach:import_file", args=[quiz.pk])
    return client.post(
        url,
        {
            "format": "gift",
            "file": SimpleUploadedFile("questions.gift", text.encode()),
            "confirm": "yes",
        },
    )


def export_gift(client, quiz) -> str:
    url = reverse("teach:export_quiz", args=[quiz.pk, "gift"])
    return client.get(url).content.decode()


def test_gift_partial_credit_is_imported_as_credit(teacher_client):
    quiz = make_quiz()

    response = import_gift(teacher_client, quiz, PARTIAL)

    assert response.status_code == 302
    port = quiz.questions.get(title="Port")
    base = quiz.questions.get(title="Base")
    treaty = quiz.questions.get(title="Treaty")
    assert port.grade(Submission(text="Tartus")) == 1
    assert port.grade(Submission(text="syria")) == Decimal("0.5")
    assert port.grade(Submission(text="Moscow")) == 0
    latakia = base.choices.get(text="Latakia")
    baku = base.choices.get(text="Baku")
    assert base.grade(Submission(choice_ids=(latakia.pk,))) == Decimal("0.5")
    assert base.grade(Submission(choice_ids=(baku.pk,))) == 0
    assert treaty.grade(Submission(text="1822")) == 1
    assert treaty.grade(Submission(text="1820")) == Decimal("0.5")
    assert treaty.grade(Submission(text="1819")) == 0


def test_the_preview_no_longer_warns_that_partial_credit_is_imported_as_wrong(
    teacher_client,
):
    quiz = make_quiz()
    url = reverse("teach:import_file", args=[quiz.pk])

    preview = teacher_client.post(
        url,
        {
            "format": "gift",
            "file": SimpleUploadedFile("questions.gift", PARTIAL.encode()),
        },
    )

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "imported as wrong" not in html
    assert html.count("Partly right: 50%") == 3


def test_gift_credit_survives_import_export_import(teacher_client):
    first = make_quiz()
    import_gift(teacher_client, first, PARTIAL)

    exported = export_gift(teacher_client, first)

    assert "\t=%50%Syria#Right country; which port?\n" in exported
    assert "\t~%50%Latakia#" in exported
    assert "\t=%50%1822:2#Close\\: within two years.\n" in exported
    second = make_quiz(make_section(slug="second-lesson"))
    assert import_gift(teacher_client, second, exported).status_code == 302
    assert export_gift(teacher_client, second) == exported
    partial = {
        (question.title, choice.text or str(choice.value.normalize())): choice.credit
        for question in second.questions.all()
        for choice in question.choices.all()
        if choice.credit is not None
    }
    assert partial == {
        ("Port", "Syria"): 50,
        ("Base", "Latakia"): 50,
        ("Treaty", "1822"): 50,
    }


def test_aiken_export_still_names_the_fully_right_option(teacher_client):
    quiz = make_quiz()
    import_gift(teacher_client, quiz, PARTIAL)

    url = reverse("teach:export_quiz", args=[quiz.pk, "aiken"])
    aiken = teacher_client.get(url).content.decode()

    assert "A) Tartus\nB) Latakia\nC) Baku\nANSWER: A\n" in aiken


def test_a_penalty_weight_is_imported_as_wrong_and_the_preview_says_so(
    teacher_client,
):
    quiz = make_quiz()
    url = reverse("teach:import_file", args=[quiz.pk])
    text = "::Base::Which port is Russia's naval base in Syria?{=Tartus ~%-50%Baku ~Latakia}"

    preview = teacher_client.post(
        url,
        {"format": "gift", "file": SimpleUploadedFile("questions.gift", text.encode())},
    )

    html = preview.content.decode()
    assert "“Baku” takes away 50% of the points" in html
    import_gift(teacher_client, quiz, text)
    baku = quiz.questions.get().choices.get(text="Baku")
    assert not baku.is_correct and baku.credit is None
