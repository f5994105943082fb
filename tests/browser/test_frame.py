"""The shared frame in a real browser: pages of the design system pass axe at desktop
and phone widths, stacked table cells show their column's name, and the focus ring is
two-tone (ink inside, amber outside) on the header's blue and on white."""

import pytest
from playwright.sync_api import expect

from quizzes.models import Membership
from relations.models import Article
from tests.factories import (
    make_article,
    make_classroom,
    make_finished_attempt,
    make_quiz_with_questions,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def course():
    Article.objects.update(is_published=False)
    article = make_article(title="Rivers of Europe", slug="rivers")
    section = make_section(article, title="Great rivers", slug="great-rivers")
    return make_quiz_with_questions(4, section=section)


def test_learner_pages_pass_axe_on_desktop_and_phone(
    page, live_server, log_in, assert_accessible, course
):
    learner = make_user("lena")
    question = course.questions.first()
    make_finished_attempt(learner, course, {question: question.choices.first()})
    log_in(page, learner)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for path in ("/", "/progress/"):
            page.goto(live_server.url + path)
            assert_accessible(page)
    # On a phone, each cell of My progress shows its column's name beside the value.
    page.goto(live_server.url + "/progress/")
    best = page.locator("td[data-label='Best']").first
    label = best.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Best"'
    expect(page.locator("table thead")).not_to_be_in_viewport()


def test_teacher_pages_pass_axe_on_desktop_and_phone(
    page, live_server, log_in, assert_accessible, course
):
    teacher = make_user("tom", teacher=True)
    learner = make_user("lena")
    classroom = make_classroom(teacher, course.section.article)
    Membership.objects.create(classroom=classroom, learner=learner)
    log_in(page, teacher)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for path in ("/teach/", f"/teach/classes/{classroom.pk}/progress"):
            page.goto(live_server.url + path)
            assert_accessible(page)
    cell = page.locator(f"td[data-label='{course.section.title}']").first
    assert cell.evaluate("c => getComputedStyle(c, '::before').content") == (
        f'"{course.section.title}"'
    )


def test_focus_ring_is_ink_inside_amber_outside(page, live_server, course):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link, on the header's blue
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.className, s.outlineColor, s.outlineStyle,"
        " s.boxShadow]; }"
    )
    assert focused[0] == "brand"
    assert focused[1] == "rgb(27, 31, 36)" and focused[2] == "solid"
    assert "rgb(242, 169, 0)" in focused[3]


def test_error_page_passes_axe_on_desktop_and_phone(
    browser, live_server, assert_accessible, course
):
    # Its own page: the 404 status is logged as a console error, by design.
    page = browser.new_page()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        response = page.goto(live_server.url + "/no-such-page/here/")
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.get_by_role("link", name="Back to the course")).to_be_visible()
        assert_accessible(page)
    page.close()
