"""Lesson and question text from a teacher or an import renders inert on learner pages."""

import pytest
from django.conf import settings

from quizzes.grading import Submission
from tests.factories import make_question, make_quiz, make_section
from tests.security.helpers import (
    attempt_url,
    check_url,
    finish_url,
    parse,
    results_url,
    start_attempt,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

TEMPLATE_SYNTAX = ["{{ settings.SECRET_KEY }}", "{% debug %}"]
TEMPLATE_WORDS = " ".join(TEMPLATE_SYNTAX)

LESSON = f"""## Rivers

Plain words with {TEMPLATE_WORDS} in them.

<script>alert("lesson-script")</script>

<img src="x" onerror="alert('lesson-img')">

[a link](javascript:alert('lesson-link')) and ![a picture](javascript:alert('lesson-pic'))

<a href="javascript:alert('lesson-raw')">raw link</a>

<iframe src="https://evil.example/frame"></iframe>

<p style="color: red" hx-post="/evil/" hx-trigger="load">styled</p>

<div hx-get="/evil/" hx-trigger="revealed" hx-target="body">htmx</div>

<svg onload="alert('lesson-svg')"></svg>
"""

HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)> <iframe src="//evil.example"></iframe> '
    '<a href="javascript:alert(2)">j</a> <b style="color:red" hx-post="/evil/" hx-trigger="load">h</b> '
    + TEMPLATE_WORDS
)
MARKDOWN_HOSTILE = (
    f"{HOSTILE} [why](javascript:alert('md-link')) ![pic](javascript:alert(3))"
)

FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "style", "base", "frame"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
}


@pytest.fixture
def hostile_quiz():
    title = f'Rivers <script>alert("title")</script> <img src=x onerror=alert(1)> {TEMPLATE_WORDS}'
    section = make_section(title=title, body=LESSON)
    quiz = make_quiz(section)
    make_question(
        quiz,
        "single",
        prompt=f"Which river? {MARKDOWN_HOSTILE}",
        explanation=f"Because. {MARKDOWN_HOSTILE}",
        source_quote="Plain words with",
        choices=[
            {
                "text": f"Danube {HOSTILE}",
                "is_correct": True,
                "feedback": f"Right {HOSTILE}",
            },
            {
                "text": f"Rhine {HOSTILE}",
                "is_correct": False,
                "feedback": f"Wrong {HOSTILE}",
            },
        ],
    )
    make_question(
        quiz,
        "short",
        prompt="Name the river.",
        incorrect_feedback=f"Not that one. {HOSTILE}",
        choices=[{"text": f"Danube {HOSTILE}", "is_correct": True}],
    )
    return quiz


def assert_inert(content):
    """Nothing in the page runs, styles, frames or fires an htmx request it was given."""
    page = content.decode()
    assert settings.SECRET_KEY not in page
    for element in parse(content).iter():
        assert element.tag not in FORBIDDEN_TAGS, f"<{element.tag}> was rendered"
        if element.tag == "script":
            assert (element.attrs.get("src") or "").startswith("/static/"), (
                element.attrs
            )
        for name, value in element.attrs.items():
            value = (value or "").strip().lower()
            assert not name.startswith("on"), f"<{element.tag} {name}>"
            assert name != "style", f"<{element.tag} style>"
            assert name != "hx-trigger", f"<{element.tag} hx-trigger>"
            assert "/evil/" not in value, f"<{element.tag} {name}={value!r}>"
            if name in URL_ATTRIBUTES:
                assert not value.startswith(("javascript:", "vbscript:", "data:")), (
                    value
                )


def assert_literal(text: str):
    """Template syntax is shown as typed, never evaluated."""
    for syntax in TEMPLATE_SYNTAX:
        assert syntax in text


def test_the_lesson_page_renders_hostile_markdown_inert(client, hostile_quiz):
    response = client.get(hostile_quiz.section.get_absolute_url())
    assert response.status_code == 200
    assert_inert(response.content)
    body = next(e for e in parse(response.content).iter() if "lesson-body" in e.classes)
    assert_literal(body.text)
    assert '<script>alert("lesson-script")</script>' in body.text  # shown as text


def test_the_highlighted_lesson_page_stays_inert(student, student_client, hostile_quiz):
    question = hostile_quiz.questions.get(kind="single")
    # The passage is highlighted once the learner has answered (and finished).
    attempt = start_attempt(student, hostile_quiz)
    attempt.record_answer(question=question, submission=Submission(text="Danube"))
    attempt.finish()
    response = student_client.get(
        f"{hostile_quiz.section.get_absolute_url()}?highlight={question.pk}"
    )
    assert response.status_code == 200
    assert 'id="passage"' in response.content.decode()
    assert_inert(response.content)


def test_the_rendered_lesson_sits_inside_an_hx_disable_element(client, hostile_quiz):
    page = parse(client.get(hostile_quiz.section.get_absolute_url()).content)
    lesson_parts = [p for p in page.find_all("p") if p.text.startswith("Plain words")]
    lesson_parts += [h for h in page.find_all("h2") if h.text == "Rivers"]
    assert len(lesson_parts) == 2
    for part in lesson_parts:
        assert any("hx-disable" in ancestor.attrs for ancestor in part.ancestors())


def test_the_quiz_page_renders_hostile_questions_inert(
    student, student_client, hostile_quiz
):
    attempt = start_attempt(student, hostile_quiz)
    response = student_client.get(attempt_url(attempt))
    assert response.status_code == 200
    assert_inert(response.content)
    question = hostile_quiz.questions.get(kind="single")
    card = parse(response.content).by_id(f"question-{question.pk}")
    legend = card.find_all("legend")[0]
    assert_literal(legend.text)
    for label in card.find_all("label"):
        assert_literal(label.text)
        assert '<script>alert("x")</script>' in label.text


def test_checked_feedback_renders_hostile_text_inert(
    student, student_client, hostile_quiz
):
    attempt = start_attempt(student, hostile_quiz)
    question = hostile_quiz.questions.get(kind="single")
    response = student_client.post(
        check_url(attempt, question),
        wrong_answer(question),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Wrong <script>" in parse(response.content).text
    assert_inert(response.content)


def test_the_results_page_renders_hostile_review_inert(
    student, student_client, hostile_quiz
):
    attempt = start_attempt(student, hostile_quiz)
    for question in hostile_quiz.questions.all():
        student_client.post(check_url(attempt, question), wrong_answer(question))
    student_client.post(finish_url(attempt), {"confirm": "yes"})
    response = student_client.get(results_url(attempt))
    assert response.status_code == 200
    assert_inert(response.content)
    page = parse(response.content)
    review = next(e for e in page.iter() if "review" in e.classes)
    text = review.text
    for shown in [
        "Which river?",
        "Because.",
        "Danube <script>",
        "Right <script>",
        "Wrong <script>",
        "Not that one.",
    ]:
        assert shown in text
    assert (
        text.count("{{ settings.SECRET_KEY }}") >= 6
    )  # prompt, why, two options, feedback ×2
