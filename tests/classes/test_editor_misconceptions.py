"""The editor: a misconception field on wrong options, suggested from the course's tags."""

import pytest
from django.urls import reverse

from tests.factories import make_question, make_quiz, make_section
from tests.quizzes.test_teach import editor_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz()


def rows(right_tag="", wrong_tag="confuses the two rivers"):
    return [
        {
            "text": "Danube",
            "is_correct": "on",
            "feedback": "Yes.",
            "misconception": right_tag,
        },
        {"text": "Rhine", "feedback": "No.", "misconception": f"  {wrong_tag}  "},
    ]


def test_a_wrong_option_saves_its_misconception(teacher_client, quiz):
    url = reverse("teach:question_new", args=[quiz.pk])
    response = teacher_client.post(url, editor_data(rows=rows()))
    assert response.status_code == 302
    question = quiz.questions.get()
    assert {c.text: c.misconception for c in question.choices.all()} == {
        "Danube": "",
        "Rhine": "confuses the two rivers",
    }
    page = teacher_client.get(reverse("teach:question_edit", args=[question.pk])).text
    assert 'value="confuses the two rivers"' in page


def test_a_right_option_with_a_misconception_is_a_form_error(teacher_client, quiz):
    url = reverse("teach:question_new", args=[quiz.pk])
    response = teacher_client.post(url, editor_data(rows=rows(right_tag="oops")))
    assert response.status_code == 200
    assert "A right option holds no misconception" in response.text
    assert not quiz.questions.exists()


def test_editor_suggests_the_tags_of_this_course_only(teacher_client, quiz):
    question = make_question(quiz)
    rhine = question.choices.get(text="Rhine")
    rhine.misconception = "confuses the two rivers"
    rhine.save()
    elsewhere = make_question(make_quiz())
    thames = elsewhere.choices.get(text="Thames")
    thames.misconception = "another course's idea"
    thames.save()
    sibling = make_quiz(make_section(quiz.section.article))
    url = reverse("teach:question_new", args=[sibling.pk])
    page = teacher_client.get(url).text
    assert '<datalist id="misconception-tags">' in page
    assert '<option value="confuses the two rivers">' in page
    assert (
        "another course&#x27;s idea" not in page and "another course's idea" not in page
    )
    assert 'list="misconception-tags"' in page


def test_misconception_field_only_for_kinds_with_wrong_options(teacher_client, quiz):
    single = teacher_client.get(
        reverse("teach:question_new", args=[quiz.pk]), {"kind": "single"}
    ).text
    short = teacher_client.get(
        reverse("teach:question_new", args=[quiz.pk]), {"kind": "short"}
    ).text
    assert "Misconception (wrong options)" in single
    assert "Misconception (wrong options)" not in short


def test_row_actions_keep_the_tags(teacher_client, quiz):
    url = reverse("teach:question_new", args=[quiz.pk])
    response = teacher_client.post(
        url,
        {**editor_data(rows=rows()), "row_action": "add"},
        headers={"HX-Request": "true"},
    )
    assert response.text.count('list="misconception-tags"') == 3
    assert "confuses the two rivers" in response.text
