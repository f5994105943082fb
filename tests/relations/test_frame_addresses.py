"""The frame's links (relations.context_processors.frame) are the addresses Django would
work out, under whatever script prefix the site is served."""

from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import clear_script_prefix, reverse, set_script_prefix

from relations.context_processors import PAGES, STATIC, frame


def test_every_frame_link_is_the_address_django_gives():
    links = frame(RequestFactory().get("/"))["frame"]
    assert {name: links[name] for name in PAGES} == {
        name: reverse(view) for name, view in PAGES.items()
    }
    assert {name: links[name] for name in STATIC} == {
        name: static(path) for name, path in STATIC.items()
    }


def test_under_a_script_prefix_the_links_carry_it():
    set_script_prefix("/relations/")
    try:
        links = frame(RequestFactory().get("/"))["frame"]
        assert links["home"] == "/relations/"
        assert links["logout"].startswith("/relations/")
    finally:
        clear_script_prefix()
    assert frame(RequestFactory().get("/"))["frame"]["home"] == "/"
