"""Numbers in query strings: anything but plain ASCII digits is a 404, never a 500."""

from urllib.parse import urlencode

import pytest
from django.http import Http404, QueryDict
from django.urls import reverse

from relations.params import int_param

pytestmark = pytest.mark.django_db

NOT_NUMBERS = [
    "²",
    "٣",
    "１２",
    "3_0",
    " 3",
    "-1",
    "+1",
    "1e3",
    "0x1f",
    "1.0",
    "9" * 19,
]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_the_lesson_page_refuses_a_highlight_that_is_not_a_number(
    client, section, value
):
    response = client.get(section.get_absolute_url(), {"highlight": value})
    assert response.status_code == 404


def test_the_lesson_page_without_a_highlight_or_with_an_unknown_one_is_shown(
    client, section
):
    assert client.get(section.get_absolute_url()).status_code == 200
    assert client.get(section.get_absolute_url(), {"highlight": ""}).status_code == 200
    response = client.get(section.get_absolute_url(), {"highlight": "9" * 18})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_int_param_refuses_what_is_not_ascii_digits(value):
    with pytest.raises(Http404):
        int_param(QueryDict(urlencode({"n": value})), "n")


def test_int_param_reads_digits_and_absence():
    assert int_param(QueryDict("n=0042"), "n") == 42
    assert int_param(QueryDict(""), "n") is None


@pytest.mark.parametrize("value", ["²", "٣", "1.5", "9" * 19])
def test_the_teach_results_page_refuses_a_page_that_is_not_a_number(
    teacher_client, quiz, value
):
    url = reverse("teach:quiz_results", args=[quiz.pk])
    assert teacher_client.get(url, {"page": value}).status_code == 404
    assert teacher_client.get(url, {"page": "1"}).status_code == 200
