"""What the learner's pages say about where they are: the quiz navigator, answer cards
marked in place, a slip without JavaScript, the lesson's position and "Resume quiz",
"Back to question N" at a highlighted passage, and the results at a glance (issue 13)."""

import re

import pytest
from django.urls import reverse

from quizzes.models import Answer, Attempt
from tests.factories import (
    make_article,
    make_question,
    make_quiz,
    make_quiz_with_questions,
    make_section,
)
from tests.security.helpers import parse

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def start(client, section) -> Attempt:
    url = reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    assert client.post(url).status_code == 302
    return Attempt.objects.latest("started_at")


def check(client, attempt, question, data, **headers):
    url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
    return client.post(url, data, headers=headers)


def quiz_page(client, attempt):
    return client.get(reverse("quizzes:attempt_detail", args=[attempt.pk]))


def choice(question, *, correct: bool) -> int:
    return next(c.pk for c in question.choices.all() if c.is_correct == correct)


def in_order(attempt) -> list:
    """The attempt's single-choice questions, in the order the learner sees them."""
    by_id = {q.pk: q for q in attempt.quiz.questions.all()}
    return [by_id[qid] for qid in attempt.question_ids]


def navigator(content) -> list[tuple[str, set[str]]]:
    """Each navigator link: its text (what a screen reader says) and its classes."""
    strip = parse(content).by_id("quiz-nav-list")
    return [(" ".join(link.text.split()), link.classes) for link in strip.find_all("a")]


@pytest.fixture
def single_quiz(db):
    """Three single-choice questions, feedback after each."""
    quiz = make_quiz()
    for _ in range(3):
        make_question(quiz, "single")
    return quiz


# -- The navigator ------------------------------------------------------------------------


def test_the_navigator_lists_every_question_with_its_state_in_words(
    student_client, single_quiz
):
    attempt = start(student_client, single_quiz.section)
    first, second, third = in_order(attempt)
    check(student_client, attempt, first, {"choice": choice(first, correct=True)})
    check(student_client, attempt, second, {"choice": choice(second, correct=False)})
    response = quiz_page(student_client, attempt)
    entries = navigator(response.content)
    assert [text for text, _ in entries] == [
        "Question 1: right✓",
        "Question 2: wrong✗",
        "Question 3: not answered yet",
    ]
    assert "nav-right" in entries[0][1] and "nav-wrong" in entries[1][1]
    links = [
        a.attrs["href"]
        for a in parse(response.content).by_id("quiz-nav-list").find_all("a")
    ]
    assert links == [f"#question-{q.pk}" for q in (first, second, third)]
    assert "2 of 3 answered" in response.content.decode()


def test_check_answer_with_htmx_updates_the_navigator_out_of_band(
    student_client, single_quiz
):
    attempt = start(student_client, single_quiz.section)
    first, second, _ = in_order(attempt)
    check(student_client, attempt, first, {"choice": choice(first, correct=True)})
    response = check(
        student_client,
        attempt,
        second,
        {"choice": choice(second, correct=False)},
        **HTMX,
    )
    tree = parse(response.content)
    strip = tree.by_id("quiz-nav-list")
    assert strip.attrs.get("hx-swap-oob") == "true"
    assert [" ".join(a.text.split()) for a in strip.find_all("a")] == [
        "Question 1: right✓",
        "Question 2: wrong✗",
        "Question 3: not answered yet",
    ]
    assert tree.by_id("answered-count").text.strip() == "2 of 3 answered"
    assert "<html" not in response.content.decode()


def test_a_slip_over_htmx_leaves_the_navigator_as_it_was(student_client, single_quiz):
    attempt = start(student_client, single_quiz.section)
    first = in_order(attempt)[0]
    response = check(student_client, attempt, first, {}, **HTMX)
    assert response.status_code == 200
    assert [text for text, _ in navigator(response.content)][0] == (
        "Question 1: not answered yet"
    )


def test_in_a_deferred_quiz_the_navigator_says_answered_not_right_or_wrong(
    student_client, db
):
    quiz = make_quiz(feedback_mode="deferred")
    for _ in range(2):
        make_question(quiz, "single")
    attempt = start(student_client, quiz.section)
    first, second = in_order(attempt)
    check(student_client, attempt, first, {"choice": choice(first, correct=True)})
    response = check(
        student_client,
        attempt,
        second,
        {"choice": choice(second, correct=False)},
        **HTMX,
    )
    for content in (response.content, quiz_page(student_client, attempt).content):
        entries = navigator(content)
        assert [text for text, _ in entries] == [
            "Question 1: answered●",
            "Question 2: answered●",
        ]
        assert entries[0][1] == entries[1][1] == {"quiz-nav-item", "nav-answered"}


# -- Answer cards ----------------------------------------------------------------------------


def test_options_are_cards_whose_label_wraps_the_input(student_client, single_quiz):
    attempt = start(student_client, single_quiz.section)
    first = in_order(attempt)[0]
    card = parse(quiz_page(student_client, attempt).content).by_id(
        f"question-{first.pk}"
    )
    labels = [
        label for label in card.find_all("label") if "option-card" in label.classes
    ]
    assert len(labels) == 3
    for label in labels:
        (radio,) = label.find_all("input")
        assert radio.attrs["type"] == "radio" and radio.attrs["name"] == "choice"


def test_after_checking_the_chosen_option_is_marked_in_place_with_its_feedback(
    student_client, single_quiz
):
    attempt = start(student_client, single_quiz.section)
    first = in_order(attempt)[0]
    wrong = next(c for c in first.choices.all() if not c.is_correct)
    right = next(c for c in first.choices.all() if c.is_correct)
    response = check(student_client, attempt, first, {"choice": wrong.pk}, **HTMX)
    card = parse(response.content).by_id(f"question-{first.pk}")
    options = {
        li.find_all("input")[0].attrs["value"]: li
        for li in card.find_all("li")
        if "option" in li.classes
    }
    chosen, key = options[str(wrong.pk)], options[str(right.pk)]
    assert "is-wrong" in chosen.find_all("label")[0].classes
    assert "✗ Your answer: wrong" in " ".join(chosen.text.split())
    assert wrong.feedback in chosen.text
    assert "✓ Right answer" in " ".join(key.text.split())
    assert right.feedback not in key.text  # only the chosen option's feedback
    # The feedback with the explanation and the lesson link stays below the options.
    feedback = card.by_id(f"question-{first.pk}-feedback")
    assert "Not quite." in feedback.text
    assert "Show me in the lesson" in feedback.text


# -- A slip without JavaScript ----------------------------------------------------------


def test_a_slip_without_javascript_goes_back_to_the_question_with_a_summary(
    student_client, db
):
    quiz = make_quiz()
    make_question(quiz, "single")
    number = make_question(
        quiz, "numerical", choices=[{"value": 7, "is_correct": True}]
    )
    attempt = start(student_client, quiz.section)
    position = attempt.question_ids.index(number.pk) + 1

    response = check(student_client, attempt, number, {"text": "seven"})
    page_url = reverse("quizzes:attempt_detail", args=[attempt.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{page_url}#question-{number.pk}"

    page = student_client.get(response["Location"])
    assert page.status_code == 200
    tree = parse(page.content)
    summary = next(e for e in tree.iter() if "error-summary" in e.classes)
    (link,) = summary.find_all("a")
    assert link.attrs["href"] == f"#question-{number.pk}"
    assert " ".join(link.text.split()) == (
        f"Question {position}: Enter a number, such as 42 or 3.5."
    )
    card = tree.by_id(f"question-{number.pk}")
    assert card.by_id(f"question-{number.pk}-error").text == (
        "Enter a number, such as 42 or 3.5."
    )
    # What the learner typed is there to correct.
    assert card.by_id(f"question-{number.pk}-text").attrs["value"] == "seven"
    assert not Answer.objects.filter(attempt=attempt).exists()

    # Reloading shows the page, not the slip again, and posts nothing.
    again = student_client.get(response["Location"])
    assert "error-summary" not in again.content.decode()
    assert 'role="alert"' not in again.content.decode()


def test_a_slip_is_shown_only_on_its_own_attempt(student_client, single_quiz, db):
    attempt = start(student_client, single_quiz.section)
    other = start(student_client, make_quiz_with_questions(2).section)
    check(student_client, attempt, in_order(attempt)[0], {})
    assert "error-summary" not in quiz_page(student_client, other).content.decode()


def test_checking_without_javascript_redirects_to_the_question(
    student_client, single_quiz
):
    attempt = start(student_client, single_quiz.section)
    first = in_order(attempt)[0]
    response = check(
        student_client, attempt, first, {"choice": choice(first, correct=True)}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{first.pk}")
    page = student_client.get(response["Location"])
    assert "error-summary" not in page.content.decode()
    assert Answer.objects.filter(attempt=attempt).count() == 1


# -- The lesson -----------------------------------------------------------------------------


@pytest.fixture
def course(db):
    article = make_article()
    sections = [make_section(article) for _ in range(3)]
    for section in sections:
        quiz = make_quiz(section)
        for _ in range(3):
            make_question(quiz, "single")
    return sections


def test_the_lesson_says_where_it_is_in_the_course(client, course):
    content = client.get(course[1].get_absolute_url()).content.decode()
    assert "Lesson 2 of 3" in content


def test_the_lesson_offers_to_resume_an_open_attempt_with_its_count(
    student_client, course
):
    section = course[0]
    assert (
        "Take the quiz"
        in student_client.get(section.get_absolute_url()).content.decode()
    )
    attempt = start(student_client, section)
    first = in_order(attempt)[0]
    check(student_client, attempt, first, {"choice": choice(first, correct=True)})
    content = student_client.get(section.get_absolute_url()).content.decode()
    assert "Resume quiz (1 of 3 answered)" in content
    assert "Take the quiz" not in content
    attempt.finish()
    content = student_client.get(section.get_absolute_url()).content.decode()
    assert "Take the quiz" in content and "Resume quiz" not in content


def highlight_url(question, attempt) -> str:
    url = question.quiz.section.get_absolute_url()
    return f"{url}?highlight={question.pk}&attempt={attempt.pk}"


def back_links(content) -> list[tuple[str, str]]:
    return [
        (" ".join(a.text.split()), a.attrs["href"])
        for a in parse(content).find_all("a")
        if "Back to question" in a.text
    ]


def test_show_me_in_the_lesson_leads_back_to_the_question(student_client, course):
    attempt = start(student_client, course[0])
    questions = in_order(attempt)
    second = questions[1]
    response = check(
        student_client,
        attempt,
        second,
        {"choice": choice(second, correct=False)},
        **HTMX,
    )
    (link,) = [
        a
        for a in parse(response.content).find_all("a")
        if a.text == "Show me in the lesson"
    ]
    assert link.attrs["href"] == f"{highlight_url(second, attempt)}#passage"
    page = student_client.get(link.attrs["href"])
    expected = (
        f"{reverse('quizzes:attempt_detail', args=[attempt.pk])}#question-{second.pk}"
    )
    links = back_links(page.content)
    # In the note above the lesson and right after the passage.
    assert links == [
        ("Back to question 2", expected),
        ("← Back to question 2", expected),
    ]
    # One of them sits right after the highlighted passage.
    html = page.content.decode()
    assert re.search(r'id="passage".*?</p>\s*<p class="back-to-question">', html, re.S)


def test_back_to_question_leads_to_the_review_once_the_attempt_is_finished(
    student_client, course
):
    attempt = start(student_client, course[0])
    first = in_order(attempt)[0]
    check(student_client, attempt, first, {"choice": choice(first, correct=False)})
    attempt.finish()
    links = back_links(student_client.get(highlight_url(first, attempt)).content)
    results = reverse("quizzes:attempt_results", args=[attempt.pk])
    assert {href for _, href in links} == {f"{results}#question-{first.pk}"}


def test_no_way_back_into_someone_elses_attempt(student_client, other_student, course):
    mine = start(student_client, course[0])
    first = in_order(mine)[0]
    check(student_client, mine, first, {"choice": choice(first, correct=True)})
    theirs = Attempt.objects.start(learner=other_student, quiz=course[0].quiz)
    page = student_client.get(highlight_url(first, theirs))
    assert 'id="passage"' in page.content.decode()  # the highlight itself is allowed
    assert back_links(page.content) == []


# -- Results -------------------------------------------------------------------------------


def finish(client, attempt):
    client.post(
        reverse("quizzes:finish_attempt", args=[attempt.pk]), {"confirm": "yes"}
    )
    return client.get(reverse("quizzes:attempt_results", args=[attempt.pk]))


def test_results_show_every_question_at_a_glance_and_the_passages_to_reread(
    student_client, course
):
    attempt = start(student_client, course[0])
    first, second, third = in_order(attempt)
    check(student_client, attempt, first, {"choice": choice(first, correct=True)})
    check(student_client, attempt, second, {"choice": choice(second, correct=False)})
    response = finish(student_client, attempt)
    tree = parse(response.content)
    strip = next(e for e in tree.iter() if "result-strip" in e.classes)
    assert [
        (" ".join(a.text.split()), a.attrs["href"]) for a in strip.find_all("a")
    ] == [
        ("Question 1: right✓", f"#question-{first.pk}"),
        ("Question 2: wrong✗", f"#question-{second.pk}"),
        ("Question 3: not answered yet–", f"#question-{third.pk}"),
    ]
    content = response.content.decode()
    assert "Pass mark: 70%" in content and "Not passed yet" in content
    assert "Retake quiz" in content and "Next lesson" not in content
    rereads = tree.by_id("rereads-heading").parent
    # The three questions share one passage: it is listed once, for the first missed.
    assert [a.attrs["href"] for a in rereads.find_all("a")] == [
        f"{highlight_url(second, attempt)}#passage"
    ]
    assert second.source_quote in rereads.text


def test_passing_shows_success_and_the_next_lesson(student_client, course):
    attempt = start(student_client, course[0])
    for question in in_order(attempt):
        check(
            student_client,
            attempt,
            question,
            {"choice": choice(question, correct=True)},
        )
    content = finish(student_client, attempt).content.decode()
    assert "Passed: you reached the pass mark of 70%." in content
    assert f'href="{course[1].get_absolute_url()}"' in content
    assert "Next lesson" in content
    assert "Passages to re-read" not in content
