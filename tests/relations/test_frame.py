"""The frame every page shares: <html lang> follows the active language, each page has
its own meta description, and tables that stack on a phone keep a label per cell."""

import re

from django.test import Client
from django.urls import reverse

from quizzes.models import Membership
from tests.factories import (
    make_classroom,
    make_finished_attempt,
    make_quiz_with_questions,
)


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def description(page: str) -> str:
    found = re.search(r'<meta name="description" content="([^"]+)">', page)
    assert found, "no meta description"
    return found.group(1)


def stacked_tables(page: str) -> list[str]:
    return re.findall(r'<table class="[^"]*table-stack[^"]*">.*?</table>', page, re.S)


def assert_every_cell_is_labelled(page: str) -> None:
    tables = stacked_tables(page)
    assert tables, "no stacking table on the page"
    for table in tables:
        body = table.split("<tbody>", 1)[1]
        cells = re.findall(r"<td\b[^>]*>", body)
        assert cells
        unlabelled = [cell for cell in cells if 'data-label="' not in cell]
        assert not unlabelled, unlabelled
        assert all(re.search(r'data-label="[^"]+"', cell) for cell in cells)


def test_html_lang_follows_the_active_language(client, settings, db):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    make_quiz_with_questions(1)
    english = html(client.get("/"))
    assert '<html lang="en">' in english
    french = html(client.get("/", headers={"accept-language": "fr"}))
    assert '<html lang="fr">' in french


def test_each_page_describes_itself(student_client, quiz):
    article = quiz.section.article
    outline = description(html(student_client.get(article.get_absolute_url())))
    progress = description(html(student_client.get(reverse("quizzes:my_progress"))))
    login = description(html(Client().get(reverse("login"))))
    assert article.title in outline
    assert progress.startswith("Your progress")
    assert len({outline, progress, login}) >= 2
    assert all(len(text) <= 200 for text in (outline, progress, login))


def test_my_progress_labels_every_cell_for_phones(student_client, student, quiz):
    question = quiz.questions.first()
    make_finished_attempt(student, quiz, {question: question.choices.first()})
    page = html(student_client.get(reverse("quizzes:my_progress")))
    assert_every_cell_is_labelled(page)
    assert 'data-label="Best"' in page and 'data-label="Reviews"' in page


def test_teach_home_labels_every_cell_for_phones(teacher_client, quiz):
    page = html(teacher_client.get(reverse("teach:index")))
    assert_every_cell_is_labelled(page)
    assert 'data-label="Needs review"' in page


def test_class_grid_labels_each_cell_with_its_lesson(
    teacher_client, teacher, student, quiz
):
    classroom = make_classroom(teacher, quiz.section.article)
    Membership.objects.create(classroom=classroom, learner=student)
    page = html(teacher_client.get(reverse("classes:progress", args=[classroom.pk])))
    assert_every_cell_is_labelled(page)
    assert f'data-label="{quiz.section.title}"' in page


def test_base_template_has_the_extra_css_block_for_area_stylesheets():
    from django.conf import settings

    base = (settings.BASE_DIR / "templates" / "base.html").read_text()
    link = '<link rel="stylesheet" href="{{ frame.css }}">\n'
    assert link + "  {% block extra_css %}{% endblock %}\n" in base
