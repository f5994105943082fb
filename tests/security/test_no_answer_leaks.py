"""Before a question is answered, nothing the browser receives gives its answer away."""

import re

import pytest
from django.urls import reverse

from quizzes.models import Answer, Question, Quiz
from relations.models import Article
from tests.factories import make_quiz
from tests.security.helpers import (
    HTMX,
    attempt_url,
    check_url,
    finish_url,
    make_question_with_secrets,
    make_quiz_of_every_kind,
    parse,
    results_url,
    right_answer,
    secrets_of,
    start_attempt,
    visible_text,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

# Attribute names a page could use to mark the right option for a script to read.
TELLTALE_ATTRIBUTE = re.compile(
    r"correct|answer|right|solution|explanation|feedback|score", re.I
)
REVIEW_CLASSES = {
    "feedback",
    "option-review",
    "option-feedback",
    "is-right",
    "explanation",
}


def assert_no_secrets(content, questions):
    text = visible_text(content)
    for question in questions:
        for secret in secrets_of(question):
            assert secret not in text, f"{question.kind}: {secret!r} was sent"


def assert_nothing_marks_the_right_option(root):
    """No attribute, class or text in this part of the page singles out a right option."""
    assert "Right answer" not in root.text
    for element in root.iter():
        telltale = [name for name in element.attrs if TELLTALE_ATTRIBUTE.search(name)]
        assert not telltale, f"<{element.tag}> carries {telltale}"
        assert not element.classes & REVIEW_CLASSES, (
            f"<{element.tag} class={element.classes}>"
        )
        for name, value in element.attrs.items():
            assert "is_correct" not in f"{name}={value}"
        assert not any(
            "is_correct" in child
            for child in element.children
            if isinstance(child, str)
        )


def card(content, question):
    return parse(content).by_id(f"question-{question.pk}")


def test_the_quiz_page_sends_no_explanation_feedback_or_accepted_answer(
    student_client, attempt, questions
):
    response = student_client.get(attempt_url(attempt))
    assert response.status_code == 200
    assert_no_secrets(response.content, questions.values())


def test_the_quiz_page_marks_no_option_as_right(student_client, attempt):
    response = student_client.get(attempt_url(attempt))
    assert_nothing_marks_the_right_option(parse(response.content))


def test_after_one_answer_is_checked_the_other_questions_stay_secret(
    student_client, attempt, questions
):
    answered = questions["single"]
    student_client.post(check_url(attempt, answered), wrong_answer(answered))
    response = student_client.get(attempt_url(attempt))
    page = visible_text(response.content)
    assert answered.explanation in page  # the search does find a secret that is there
    others = [q for q in questions.values() if q != answered]
    assert_no_secrets(response.content, others)
    for question in others:
        assert_nothing_marks_the_right_option(card(response.content, question))


@pytest.mark.parametrize(
    "kind", ["single", "multiple", "short", "numerical", "matching"]
)
def test_an_htmx_check_response_sends_nothing_about_other_questions(
    student_client, attempt, questions, kind
):
    answered = questions[kind]
    response = student_client.post(
        check_url(attempt, answered), right_answer(answered), headers=HTMX
    )
    assert response.status_code == 200
    assert answered.explanation in visible_text(response.content)
    assert_no_secrets(
        response.content, [q for q in questions.values() if q != answered]
    )


def test_the_page_for_an_empty_answer_reveals_nothing(
    student_client, attempt, questions
):
    slip = student_client.post(check_url(attempt, questions["single"]), {})
    # Without JavaScript a slip redirects back to the question (POST/redirect/GET).
    assert slip.status_code == 302
    response = student_client.get(slip["Location"])
    assert response.status_code == 200
    assert "Choose an option before checking your answer." in visible_text(
        response.content
    )
    assert_no_secrets(response.content, questions.values())
    assert_nothing_marks_the_right_option(parse(response.content))


@pytest.mark.parametrize(
    "kind", ["single", "multiple", "true_false", "short", "numerical", "matching"]
)
def test_the_htmx_card_for_an_empty_answer_reveals_nothing(
    student_client, attempt, questions, kind
):
    response = student_client.post(
        check_url(attempt, questions[kind]), {}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert_no_secrets(response.content, questions.values())
    assert_nothing_marks_the_right_option(parse(response.content))


def test_a_saved_answer_in_deferred_mode_reveals_nothing_until_the_end(
    student, student_client
):
    quiz = make_quiz_of_every_kind(feedback_mode=Quiz.FeedbackMode.DEFERRED)
    attempt = start_attempt(student, quiz)
    questions = list(quiz.questions.prefetch_related("choices"))
    for question in questions:
        response = student_client.post(
            check_url(attempt, question), wrong_answer(question), headers=HTMX
        )
        assert response.status_code == 200
        assert_no_secrets(response.content, questions)
    page = student_client.get(attempt_url(attempt))
    assert "Answer saved" in visible_text(page.content)
    assert_no_secrets(page.content, questions)
    assert_nothing_marks_the_right_option(parse(page.content))


def test_a_typed_answer_is_shown_back_but_not_the_other_accepted_answers(
    student, student_client
):
    quiz = make_quiz(feedback_mode=Quiz.FeedbackMode.DEFERRED)
    question = make_question_with_secrets(quiz, "short")
    attempt = start_attempt(student, quiz)
    typed, other = [choice.text for choice in question.choices.all()]
    student_client.post(check_url(attempt, question), {"text": typed})
    page = visible_text(student_client.get(attempt_url(attempt)).content)
    assert f'value="{typed}"' in page
    assert other not in page
    assert question.explanation not in page


def test_the_finish_confirmation_reveals_nothing(student_client, attempt, questions):
    response = student_client.post(finish_url(attempt))
    assert response.status_code == 200
    assert "not answered yet" in visible_text(response.content)
    assert_no_secrets(response.content, questions.values())


def test_the_results_of_an_unfinished_attempt_send_nothing_but_a_redirect(
    student_client, attempt
):
    response = student_client.get(results_url(attempt))
    assert response.status_code == 302
    assert response["Location"] == attempt_url(attempt)
    assert response.content == b""


def test_the_lesson_page_reveals_no_answers(
    student_client, attempt, questions, every_kind_quiz
):
    section = every_kind_quiz.section
    for url in [
        section.get_absolute_url(),
        f"{section.get_absolute_url()}?highlight={questions['single'].pk}",
    ]:
        response = student_client.get(url)
        assert response.status_code == 200
        assert_no_secrets(response.content, questions.values())
        assert_nothing_marks_the_right_option(parse(response.content))


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_outline_reveals_no_answers(
    client, student, attempt, questions, every_kind_quiz, signed_in
):
    if signed_in:
        client.force_login(student)
    article = every_kind_quiz.section.article
    Article.objects.exclude(pk=article.pk).update(is_published=False)
    for url in ["/", article.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert every_kind_quiz.section.title in visible_text(response.content)
        assert_no_secrets(response.content, questions.values())
        assert_nothing_marks_the_right_option(parse(response.content))


def test_my_progress_reveals_no_answers(student_client, attempt, questions):
    response = student_client.get(reverse("quizzes:my_progress"))
    assert response.status_code == 200
    assert_no_secrets(response.content, questions.values())


def rows_and_options(content, question) -> tuple[list[str], list[list[str]]]:
    element = card(content, question)
    rows = [label.text for label in element.find_all("label")]
    options = [
        [o.text for o in select.find_all("option")]
        for select in element.find_all("select")
    ]
    return rows, options


def test_matching_options_do_not_follow_the_order_of_the_rows(
    student_client, attempt, questions
):
    question = questions["matching"]
    danube, rhine, thames, distractor = (
        c.pk for c in question.choices.order_by("position")
    )
    shown = []
    for order in (
        [danube, rhine, thames, distractor],
        [thames, rhine, danube, distractor],
    ):
        attempt.choice_order[str(question.pk)] = order
        attempt.save(update_fields=["choice_order"])
        shown.append(
            rows_and_options(student_client.get(attempt_url(attempt)).content, question)
        )
    (first_rows, first_options), (second_rows, second_options) = shown
    assert first_rows == ["Danube", "Rhine", "Thames"]
    assert second_rows == ["Thames", "Rhine", "Danube"]
    # Every row offers the same list, whatever the rows' order: the list's order says
    # nothing about which option belongs to which row.
    assert first_options == second_options
    assert len({tuple(options) for options in first_options}) == 1


def test_always_picking_the_option_with_the_smallest_value_does_not_pass_the_first_course(
    student, student_client, first_course
):
    course_quizzes = Quiz.objects.filter(section__article=first_course)
    assert course_quizzes.count() == 6
    right = total = 0
    for quiz in course_quizzes:
        attempt = start_attempt(student, quiz)
        page = student_client.get(attempt_url(attempt)).content
        for question in quiz.questions.filter(kind=Question.Kind.SINGLE):
            values = [
                element.attrs["value"]
                for element in card(page, question).find_all("input")
                if element.attrs.get("name") == "choice"
            ]
            smallest = min(values, key=lambda value: (len(value), value))
            student_client.post(check_url(attempt, question), {"choice": smallest})
            answer = Answer.objects.get(attempt=attempt, question=question)
            right += answer.is_right
            total += 1
    assert total >= 20
    assert right < total


QUIZ_PAGES = {
    "quiz page": (200, lambda c, a, q: c.get(attempt_url(a))),
    "check answer (htmx)": (
        200,
        lambda c, a, q: c.post(check_url(a, q), right_answer(q), headers=HTMX),
    ),
    "check answer (redirect)": (
        302,
        lambda c, a, q: c.post(check_url(a, q), right_answer(q)),
    ),
    "check answer (empty)": (302, lambda c, a, q: c.post(check_url(a, q), {})),
    "check answer (empty): the page after": (
        200,
        lambda c, a, q: c.get(c.post(check_url(a, q), {})["Location"]),
    ),
    "check answer (tampered)": (
        400,
        lambda c, a, q: c.post(check_url(a, q), {"choice": "abc"}),
    ),
    "finish confirmation": (200, lambda c, a, q: c.post(finish_url(a))),
    "finish": (302, lambda c, a, q: c.post(finish_url(a), {"confirm": "yes"})),
    "results": (200, lambda c, a, q: finish_then_get_results(c, a)),
}


def finish_then_get_results(client, attempt):
    client.post(finish_url(attempt), {"confirm": "yes"})
    return client.get(results_url(attempt))


@pytest.mark.parametrize("page_name", QUIZ_PAGES)
def test_quiz_pages_tell_the_browser_not_to_store_them(
    student_client, attempt, questions, page_name
):
    status, request = QUIZ_PAGES[page_name]
    response = request(student_client, attempt, questions["single"])
    assert response.status_code == status
    assert "no-store" in response.get("Cache-Control", "")


def test_a_review_card_reveals_nothing_before_it_is_answered(
    student, student_client, every_kind_quiz, questions
):
    """Every kind missed in a quiz comes back in review with no answer in the page."""
    from quizzes.models import ReviewCard

    attempt = start_attempt(student, every_kind_quiz)
    student_client.post(finish_url(attempt), {"confirm": "yes"})
    ReviewCard.objects.filter(learner=student).update(due=attempt.started_at)
    assert student_client.post(reverse("review:start")).status_code == 302
    for _ in questions:
        page = student_client.get(reverse("review:index"))
        assert page.status_code == 200
        assert_no_secrets(page.content, questions.values())
        assert_nothing_marks_the_right_option(parse(page.content).by_id("review-card"))
        card, question = page.context["card"], page.context["item"].question
        url = reverse("review:check", args=[card.pk])
        fields = {"question": question.pk, "reviews": card.reviews}
        empty = student_client.post(url, fields, headers=HTMX)
        assert empty.status_code == 200  # a slip: the card again, with the reason
        assert_no_secrets(empty.content, questions.values())
        answered = student_client.post(url, fields | wrong_answer(question))
        assert answered.status_code == 302
        shown = student_client.get(answered["Location"])
        if question.explanation:  # the search finds a secret that is there
            assert question.explanation in visible_text(shown.content)
        assert_no_secrets(
            shown.content, [q for q in questions.values() if q != question]
        )
