"""Expected refusals (404, 403) are logged in one line; real errors keep their traceback."""

import logging
import sys

import pytest

from relations.log_filters import ExpectedRefusalsInOneLine


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def one_line(record) -> str:
    return logging.Formatter("%(levelname)s %(message)s").format(record)


@pytest.mark.django_db
def test_a_missing_page_is_logged_in_one_line(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/no-such-article/no-such-lesson/")
    assert response.status_code == 404
    (record,) = request_records(caplog)
    assert record.exc_info is None
    assert one_line(record) == ("WARNING Not Found: /no-such-article/no-such-lesson/")


def test_a_refused_teacher_page_is_logged_in_one_line(student_client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = student_client.get("/teach/")
    assert response.status_code == 403
    (record,) = request_records(caplog)
    text = one_line(record)
    assert text == "WARNING Forbidden (Permission denied): /teach/"
    assert "Traceback" not in caplog.text


def test_an_unexpected_error_keeps_its_traceback():
    try:
        raise ValueError("a real fault")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: /x",
        (),
        exc_info,
    )
    assert ExpectedRefusalsInOneLine().filter(record) is True
    assert record.exc_info is exc_info
    assert "Traceback" in one_line(record)


def test_the_filter_drops_the_traceback_of_a_raised_404():
    from django.http import Http404

    try:
        raise Http404("No lesson")
    except Http404:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: /x", (), exc_info
    )
    assert ExpectedRefusalsInOneLine().filter(record) is True
    assert one_line(record) == "WARNING Not Found: /x"
