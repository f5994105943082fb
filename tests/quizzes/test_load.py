"""A bounded load run: simulated students take quizzes against a live server on loopback."""

import http.client
import os
import re
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client

from quizzes.models import Answer, Attempt
from tests.factories import make_quiz_with_questions, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="The load run needs PostgreSQL (set DATABASE_URL); SQLite serialises writers.",
    ),
]
STUDENTS = int(os.environ.get("RELATIONS_LOAD_STUDENTS", "50"))
SECONDS = float(os.environ.get("RELATIONS_LOAD_SECONDS", "60"))
TOKEN = re.compile(r'"x-csrftoken": "([^"]+)"')
OPTION = re.compile(r'id="question-(\d+)-c(\d+)"')
TYPED = re.compile(r'id="question-(\d+)-text"')


class Student:
    """One simulated learner with its own keep-alive connection and cookies."""

    def __init__(self, base_url: str, session_id: str):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=30
        )
        self.cookies = {"sessionid": session_id}
        self.token = ""
        self.accepted = 0
        self.finished = 0
        self.errors: list[str] = []

    def request(self, method: str, path: str, data: dict | None = None, htmx=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.token,
                "Referer": "http://localhost/",
            }
        if htmx:
            headers["HX-Request"] = "true"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text

    def take_quiz(self, start_path: str) -> None:
        status, location, _ = self.request("POST", start_path)
        if status != 302:
            self.errors.append(f"start {status}")
            return
        attempt_path = urlsplit(location).path
        status, _, page = self.request("GET", attempt_path)
        if status != 200:
            self.errors.append(f"quiz page {status}")
            return
        self.token = TOKEN.search(page).group(1)
        options: dict[str, list[str]] = {}
        for question, choice in OPTION.findall(page):
            options.setdefault(question, []).append(choice)
        for question in TYPED.findall(page):
            options[question] = []
        for question, choices in options.items():
            data = {"choice": choices[:1]} if choices else {"text": "Danube"}
            status, _, _ = self.request(
                "POST", f"{attempt_path}questions/{question}/", data, htmx=True
            )
            if status == 200:
                self.accepted += 1
            else:
                self.errors.append(f"check {status}")
        status, _, _ = self.request("POST", f"{attempt_path}finish", {"confirm": "yes"})
        if status == 302:
            self.finished += 1
        else:
            self.errors.append(f"finish {status}")


def test_fifty_students_for_a_minute_lose_no_answer(live_server):
    quiz = make_quiz_with_questions(8)
    start_path = f"/{quiz.section.article.slug}/{quiz.section.slug}/quiz/start"
    students = []
    for index in range(STUDENTS):
        client = Client()
        client.force_login(make_user(f"load{index}"))
        students.append(Student(live_server.url, client.cookies["sessionid"].value))
    # The first GET gives each student its CSRF cookie and token.
    for student in students:
        _, _, page = student.request("GET", "/")
        student.token = TOKEN.search(page).group(1)
    deadline = time.monotonic() + SECONDS

    def run(student: Student) -> None:
        try:
            while time.monotonic() < deadline and len(student.errors) < 5:
                student.take_quiz(start_path)
        except Exception as error:
            student.errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)

    errors = [error for student in students for error in student.errors]
    accepted = sum(student.accepted for student in students)
    finished = sum(student.finished for student in students)
    assert errors == []
    assert finished > 0
    assert Answer.objects.count() == accepted
    assert Attempt.objects.finished().count() == finished
