import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Progress
from relations.models import Article, Section
from tests.factories import make_article, make_section, make_user

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


def posted_form(response) -> dict:
    """What a browser posts back, unchanged, from an admin change form and its inlines."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(k): v for k, v in management.initial.items()}
        )
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_article_pages_load_for_a_superuser(admin_client):
    article = make_article()
    make_section(article)
    for url in [
        reverse("admin:relations_article_changelist"),
        reverse("admin:relations_article_add"),
        reverse("admin:relations_article_change", args=[article.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_lesson_pages_load_for_a_superuser(admin_client):
    section = make_section()
    for url in [
        reverse("admin:relations_section_changelist"),
        reverse("admin:relations_section_add"),
        reverse("admin:relations_section_change", args=[section.pk]),
        reverse("admin:relations_section_preview", args=[section.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_pages_have_no_inline_scripts_or_styles(admin_client):
    section = make_section()
    for url in [
        reverse("admin:relations_article_changelist"),
        reverse("admin:relations_article_change", args=[section.article.pk]),
        reverse("admin:relations_section_change", args=[section.pk]),
        reverse("admin:relations_section_preview", args=[section.pk]),
    ]:
        html = admin_client.get(url).content.decode()
        assert not INLINE_SCRIPT.findall(html), url
        assert not INLINE_STYLE.findall(html), url


def test_article_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:relations_article_changelist")
    for _ in range(5):
        make_section(make_article())
    five = changelist_queries(admin_client, url)
    for _ in range(45):
        make_section(make_article())
    with django_assert_num_queries(five):
        admin_client.get(url)


def test_lesson_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:relations_section_changelist")
    for _ in range(5):
        make_section()
    five = changelist_queries(admin_client, url)
    for _ in range(45):
        make_section()
    with django_assert_num_queries(five):
        admin_client.get(url)


def test_unpublish_action_hides_the_selected_articles(admin_client):
    shown, hidden = make_article(), make_article()
    admin_client.post(
        reverse("admin:relations_article_changelist"),
        {"action": "unpublish", "_selected_action": [hidden.pk]},
    )
    assert list(Article.objects.published().filter(pk__in=[shown.pk, hidden.pk])) == [
        shown
    ]


def test_publish_action_publishes_the_selected_lessons(admin_client):
    section = make_section(is_published=False)
    admin_client.post(
        reverse("admin:relations_section_changelist"),
        {"action": "publish", "_selected_action": [section.pk]},
    )
    section.refresh_from_db()
    assert section.is_published


def test_lessons_swap_positions_in_one_save(admin_client):
    article = make_article()
    first, second = make_section(article, position=1), make_section(article, position=2)
    url = reverse("admin:relations_article_change", args=[article.pk])
    data = posted_form(admin_client.get(url))
    data["sections-0-position"], data["sections-1-position"] = 2, 1

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert list(article.sections.order_by("position")) == [second, first]


def test_two_lessons_at_one_position_is_a_form_error(admin_client):
    article = make_article()
    make_section(article, position=1), make_section(article, position=2)
    url = reverse("admin:relations_article_change", args=[article.pk])
    data = posted_form(admin_client.get(url))
    data["sections-1-position"] = 1

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert (
        "Please correct the duplicate data for position." in response.content.decode()
    )
    assert list(article.sections.values_list("position", flat=True)) == [1, 2]


def test_a_lesson_can_move_to_the_place_of_a_removed_one(admin_client):
    article = make_article()
    make_section(article, position=1)
    second = make_section(article, position=2)
    url = reverse("admin:relations_article_change", args=[article.pk])
    data = posted_form(admin_client.get(url))
    data["sections-0-DELETE"] = "on"
    data["sections-1-position"] = 1

    assert admin_client.post(url, data).status_code == 302
    assert list(article.sections.values_list("pk", "position")) == [(second.pk, 1)]


def test_deleting_an_article_that_learners_used_is_refused_with_advice(
    admin_client, student
):
    section = make_section()
    Progress.objects.create(learner=student, section=section)
    url = reverse("admin:relations_article_delete", args=[section.article.pk])

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    assert "unpublish it instead of deleting it" in response.content.decode()
    assert Article.objects.filter(pk=section.article.pk).exists()


def test_deleting_a_lesson_that_learners_used_is_refused_with_advice(
    admin_client, student
):
    section = make_section()
    Progress.objects.create(learner=student, section=section)
    url = reverse("admin:relations_section_delete", args=[section.pk])

    response = admin_client.get(url, follow=True)

    assert "Learners have records in this lesson; unpublish it instead" in (
        response.content.decode()
    )
    assert Section.objects.filter(pk=section.pk).exists()


def test_bulk_deleting_lessons_that_learners_used_is_refused_with_advice(
    admin_client, student
):
    used, unused = make_section(), make_section()
    Progress.objects.create(learner=student, section=used)

    response = admin_client.post(
        reverse("admin:relations_section_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [used.pk, unused.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert "unpublish them instead of deleting them" in response.content.decode()
    assert Section.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_removing_a_used_lesson_from_its_article_is_refused(admin_client, student):
    section = make_section()
    Progress.objects.create(learner=student, section=section)
    url = reverse("admin:relations_article_change", args=[section.article.pk])
    data = posted_form(admin_client.get(url))
    data["sections-0-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Learners have records in a lesson you removed; unpublish it instead" in (
        response.content.decode()
    )
    assert Section.objects.filter(pk=section.pk).exists()


def test_deleting_an_unused_lesson_works(admin_client):
    section = make_section()
    url = reverse("admin:relations_section_delete", args=[section.pk])

    admin_client.post(url, {"post": "yes"})

    assert not Section.objects.filter(pk=section.pk).exists()


def test_lesson_preview_shows_the_rendered_body_inside_the_admin(admin_client):
    section = make_section(
        body="## Rivers\n\nThe **Danube** flows east.\n\n<script>alert(1)</script>"
    )
    url = reverse("admin:relations_section_preview", args=[section.pk])

    html = admin_client.get(url).content.decode()

    assert "<h2>Rivers</h2>" in html
    assert "<strong>Danube</strong>" in html
    assert "alert(1)</script>" not in html
    assert 'id="site-name"' in html


def test_lesson_change_page_links_to_its_preview(admin_client):
    section = make_section()
    response = admin_client.get(
        reverse("admin:relations_section_change", args=[section.pk])
    )
    assert (
        reverse("admin:relations_section_preview", args=[section.pk])
        in response.content.decode()
    )


def test_staff_without_permissions_cannot_see_content(client):
    staff = make_user(is_staff=True)
    client.force_login(staff)
    section = make_section()
    for url in [
        reverse("admin:relations_article_changelist"),
        reverse("admin:relations_section_change", args=[section.pk]),
        reverse("admin:relations_section_preview", args=[section.pk]),
    ]:
        assert client.get(url).status_code == 403, url


def test_staff_with_view_permission_can_preview_a_lesson(client):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_section"))
    client.force_login(staff)
    section = make_section()

    response = client.get(reverse("admin:relations_section_preview", args=[section.pk]))

    assert response.status_code == 200
