import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Classroom
from relations.models import Article
from tests.factories import (
    make_article,
    make_finished_attempt,
    make_quiz_with_questions,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiz():
    Article.objects.update(is_published=False)
    article = make_article(title="Rivers of Europe", slug="rivers")
    section = make_section(article, title="Great rivers", slug="great-rivers")
    quiz = make_quiz_with_questions(4, section=section)
    single = quiz.questions.get(kind="single")
    rhine = single.choices.get(text="Rhine")
    rhine.misconception = "mixes up the Rhine and the Danube"
    rhine.save()
    return quiz


def switch_user(page, log_in, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def test_teacher_runs_a_class_that_three_students_join(
    page, live_server, log_in, assert_accessible, quiz
):
    teacher = make_user("ms-lee", teacher=True)
    students = [make_user(name) for name in ("ana", "ben", "cleo")]

    log_in(page, teacher)
    page.get_by_role("link", name="Teach").click()
    page.get_by_role("navigation", name="Teach").get_by_role(
        "link", name="Classes"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Create a class").click()
    page.get_by_label("Name of the class").fill("Year 11 history, group B")
    page.get_by_label("Rivers of Europe").check()
    assert_accessible(page)
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Year 11 history, group B"
    )
    assert_accessible(page)
    classroom = Classroom.objects.get()
    expect(page.locator(".join-code code")).to_have_text(classroom.join_code)

    # Two students type the code; the third opens the link and confirms.
    for student in students[:2]:
        switch_user(page, log_in, student)
        page.get_by_role("link", name="My classes").click()
        page.get_by_label("Join code").fill(classroom.join_code.lower())
        page.get_by_role("button", name="Join", exact=True).click()
        expect(page.get_by_text("You joined Year 11 history, group B.")).to_be_visible()
        assert_accessible(page)
    switch_user(page, log_in, students[2])
    page.goto(f"{live_server.url}/classes/join/{classroom.join_code}/")
    assert_accessible(page)
    page.get_by_role("button", name="Join this class").click()
    expect(page.get_by_text("You joined Year 11 history, group B.")).to_be_visible()
    assert classroom.learners.count() == 3

    questions = list(quiz.questions.order_by("position"))
    single = next(q for q in questions if q.kind == "single")
    rhine = single.choices.get(text="Rhine")
    danube = single.choices.get(text="Danube")
    make_finished_attempt(students[0], quiz, dict.fromkeys(questions, 1))
    make_finished_attempt(students[1], quiz, {single: rhine})
    make_finished_attempt(students[2], quiz, {single: rhine})
    make_finished_attempt(
        students[2], quiz, dict.fromkeys(questions, 1) | {single: danube}
    )

    switch_user(page, log_in, teacher)
    page.goto(f"{live_server.url}/teach/classes/")
    page.get_by_role("link", name="Year 11 history, group B", exact=True).click()
    page.get_by_role("link", name="Progress", exact=True).click()
    grid = page.locator("table.class-grid")
    expect(grid.locator("tbody tr")).to_have_count(3)
    expect(grid).to_contain_text("Passed · 100%")
    expect(grid).to_contain_text("Needs another try · 0%")
    expect(grid).to_contain_text("67% passed")
    assert_accessible(page)
    page.get_by_role("link", name="Overall").click()
    expect(grid.locator("tbody tr").first).to_contain_text("ana")
    page.get_by_role("link", name=re.compile("Needs another try · 0%.*ben")).click()
    page.get_by_role("link", name=re.compile(r"Attempt 1: 0%")).click()
    expect(page.get_by_text("Rhine").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Misconceptions").click()
    expect(page.locator(".misconception-tag")).to_have_text(
        ["mixes up the Rhine and the Danube"]
    )
    expect(page.get_by_text("2 learners")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Class and code").click()
    page.get_by_role("link", name="Statistics of Great rivers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statistics: Great rivers"
    )
    expect(page.get_by_text("Too few attempts to judge.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="All attempts").click()
    expect(page.locator("dl.figures")).to_contain_text("4")
    page.get_by_role("link", name="See the figures on the lesson text").click()
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_text("Not tested").first).to_be_visible()
    assert_accessible(page)
    page.locator("a.coverage-label").first.click()
    expect(page).to_have_url(re.compile(r"#passage-\d+-questions$"))

    # The teacher renames the class, then looks at what deleting it would mean.
    page.goto(f"{live_server.url}{classroom.get_absolute_url()}")
    page.get_by_role("link", name="Edit name and articles").click()
    assert_accessible(page)
    page.get_by_label("Name of the class").fill("Year 11 history, group C")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Class saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Year 11 history, group C"
    )
    page.get_by_role("link", name="Delete the class").click()
    expect(page.get_by_text("3 learners are in it.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel, keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Year 11 history, group C"
    )
