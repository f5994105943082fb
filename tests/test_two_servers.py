"""A short run of `make bench --two-servers`' check in CI's PostgreSQL pass: two gunicorn
servers share one PostgreSQL database and one Redis; quiz takers are split between them
(half of them send every request to the other server in turn), answers are raced between
the servers, and a logout on one server must end the session on the other."""

import random
import re
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from bench.__main__ import (
    Browser,
    Server,
    WorkerConfig,
    log_in,
    stored_answers,
    take_quiz,
    two_server_check,
    two_server_targets,
)
from tests.factories import (
    PASSWORD,
    make_article,
    make_quiz_with_questions,
    make_section,
    make_user,
)
from tests.security.servers import REDIS_URL, database_url, redis_or_skip, server_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers share one PostgreSQL database (SQLite is one process's file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_servers_share_sessions_and_store_each_answer_once(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    article = make_article()
    sections = [make_section(article) for _ in range(2)]
    for section in sections:
        make_quiz_with_questions(8, section=section)
    starts = [
        reverse("quizzes:start_quiz", args=[article.slug, section.slug])
        for section in sections
    ]
    learners = [make_user() for _ in range(7)]
    prefix = f"relations-test-{uuid.uuid4().hex}"
    env = server_env(
        DATABASE_URL=database_url(Path(tmp_path)),
        REDIS_URL=redis_or_skip(),
        DJANGO_CACHE_KEY_PREFIX=prefix,
    )
    config = WorkerConfig("sync", 2)
    log = Path(tmp_path) / "servers.log"
    try:
        with Server(env, config, log) as one, Server(env, config, log) as two:
            ports = [one.port, two.port]
            takers = [
                log_in(ports[n % 2], learner.username, PASSWORD)
                for n, learner in enumerate(learners[:4])
            ]
            racer = log_in(ports[1], learners[4].username, PASSWORD)
            result = two_server_check(
                ports,
                takers,
                starts,
                3,
                stored_answers,
                (learners[5].username, PASSWORD),
                race_cookies=racer,
            )
            kept_pages = kept_page_seen_from_the_other_server(
                ports, learners[6].username, sections[1].get_absolute_url(), starts[1]
            )
    finally:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)

    assert result["finished"] >= 1, result
    assert result["race_questions"] == 8, result
    for target in two_server_targets(result):
        assert target.met, (target.line(), result)
    assert result["accepted"] == result["stored"] > 8
    before, kept, after = kept_pages
    assert before == kept and "answered)" not in kept
    assert re.search(r"Resume quiz \(\d of 8 answered\)", after), after[-2000:]


def kept_page_seen_from_the_other_server(ports, username, lesson, start):
    """A learner's lesson page kept by server two; answers given on server one; the
    lesson page asked of server two again. The three pages, without their CSRF tokens."""
    token = re.compile(r'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+')
    on_two = Browser(ports[1], log_in(ports[0], username, PASSWORD))
    on_two.get("/")  # the outline: where the navigation's review count is read
    pages = [token.sub(r"\1…", on_two.get(lesson).body) for _ in range(2)]
    on_one = Browser(ports[0], on_two.cookies)
    take_quiz(on_one, start, random.Random(7), answer_share=0.5, finish=False)
    pages.append(token.sub(r"\1…", on_two.get(lesson).body))
    on_one.close()
    on_two.close()
    return pages
