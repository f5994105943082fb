"""An option's id is on the page (its radio button's value). Sequential ids would tell the
order the author typed the options in, and authors often type the right one first; so
every path that creates choices (admin, Teach, import, the course loader) gives random
ids, and the lowest id says nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from quizzes import services
from quizzes.models import Choice, Question
from tests.factories import make_quiz, make_section
from tests.quizzes.test_admin import new_question_data, with_choices
from tests.security.helpers import attempt_url, parse, start_attempt

pytestmark = pytest.mark.django_db

# Random ids below 2**53 are this small once in two million; sequence numbers always are.
SMALL = 2**32
RIVERS = ["Danube", "Rhine", "Thames", "Volga", "Seine", "Loire", "Elbe", "Oder"]


def assert_ids_say_nothing(question: Question) -> None:
    ids = [choice.pk for choice in question.choices.order_by("position")]
    assert len(ids) >= 2
    assert all(pk > SMALL for pk in ids), ids
    assert ids != sorted(ids), "ids rise in the order the options were typed"


def test_choices_added_in_admin_get_ids_that_do_not_follow_the_typed_order(
    admin_client,
):
    quiz = make_quiz()
    rows = [
        {"position": n, "text": river, "is_correct": "on" if n == 1 else ""}
        for n, river in enumerate(RIVERS, start=1)
    ]
    data = with_choices(new_question_data(admin_client, quiz), rows)
    response = admin_client.post(reverse("admin:quizzes_question_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = quiz.questions.get()
    assert_ids_say_nothing(question)
    right = question.choices.get(is_correct=True)
    assert right.position == 1


def test_choices_written_in_teach_get_random_ids(teacher):
    quiz = make_quiz()
    question = Question(quiz=quiz, kind="single", prompt="Which river?")
    rows = [{"text": river, "is_correct": n == 0} for n, river in enumerate(RIVERS)]
    saved = services.save_question(question=question, choices=rows, user=teacher)
    assert_ids_say_nothing(saved)


def test_imported_choices_get_random_ids(tmp_path):
    quiz = make_quiz(make_section(slug="ids-lesson"))
    answers = " ".join(
        f"{'=' if n == 0 else '~'}{river}" for n, river in enumerate(RIVERS)
    )
    path = tmp_path / "bank.gift"
    path.write_text(f"::Q1::Which river reaches the Black Sea? {{{answers}}}\n")
    call_command("import_questions", str(path), format="gift", section="ids-lesson")
    assert_ids_say_nothing(quiz.questions.get())


def test_the_course_loader_gives_random_ids(first_course):
    questions = Question.objects.filter(
        quiz__section__article=first_course, kind="single"
    )
    assert questions.exists()
    for question in questions:
        assert all(pk > SMALL for pk in question.choices.values_list("pk", flat=True))


def test_choices_created_one_by_one_get_random_ids():
    quiz = make_quiz()
    question = Question.objects.create(quiz=quiz, position=1, prompt="Which river?")
    for n, river in enumerate(RIVERS, start=1):
        Choice.objects.create(question=question, position=n, text=river)
    assert_ids_say_nothing(question)


def test_the_quiz_page_shows_options_whose_ids_do_not_rank_the_right_one(
    student_client, student, admin_client
):
    quiz = make_quiz()
    rows = [
        {"position": n, "text": river, "is_correct": "on" if n == 1 else ""}
        for n, river in enumerate(RIVERS, start=1)
    ]
    data = with_choices(new_question_data(admin_client, quiz), rows)
    admin_client.post(reverse("admin:quizzes_question_add"), data)
    question = quiz.questions.get()
    question.publish()
    attempt = start_attempt(student, quiz)
    student_client.force_login(student)
    page = parse(student_client.get(attempt_url(attempt)).content)
    values = [
        int(element.attrs["value"])
        for element in page.find_all("input")
        if element.attrs.get("name") == "choice"
    ]
    assert sorted(values) == sorted(question.choices.values_list("pk", flat=True))
    typed_order = list(
        question.choices.order_by("position").values_list("pk", flat=True)
    )
    assert sorted(values) != typed_order
