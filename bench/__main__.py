"""python -m bench: Relations under load, served as production serves it, on 127.0.0.1 only.

Builds a throwaway database in a temporary folder (or uses --database-url), fills it with
demo learners, serves it with gunicorn (DEBUG off, whitenoise with the manifest storage),
and measures, each against `/healthz` in the same rounds: repeat views (one learner's page
again and again), first views (wrk going through many learners' pages and attempts in
turn, bench/rotate.lua), Check answer on questions never answered before, and whole
quizzes taken by Python clients (answered questions per second). It splits each page's
in-process cost into middleware and session, SQL, context building and rendering, counts
the queries of one attempt, and — when PostgreSQL and Redis answer on 127.0.0.1 — runs
two gunicorn servers sharing them (clients split between the servers, answers raced,
logout on one seen by the other). Writes BENCHMARKS.md. Every phase is bounded in time,
and gunicorn is stopped at the end, on errors and on Ctrl-C. ``make bench
BENCH_ARGS="--large"`` also measures 10,000 learners.
"""

import argparse
import contextlib
import datetime
import hashlib
import http.client
import importlib.metadata
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench import (
    BASELINE,
    FIRST_VIEW_GOALS,
    REPEAT_VIEW_GOALS,
    SLIP_MARK,
    FlowResult,
    PageResult,
    Target,
    WrkResult,
    attempt_id,
    check_ids,
    csrf_field,
    error_target,
    flow_target,
    lesson_links,
    merge_flows,
    page_targets,
    pages_table,
    parse_wrk,
    query_targets,
    question_forms,
    start_action,
    summarize,
    with_ratios,
)

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = Path(__file__).with_name("report.lua")
ROTATE_SCRIPT = Path(__file__).with_name("rotate.lua")
HOST = "127.0.0.1"
PREFIX = "demo"
PASSWORD = "bench-demo-password"
STUDENT = f"{PREFIX}0001"
LARGE = 10_000
SEED = 1


@dataclass(frozen=True)
class WorkerConfig:
    worker_class: str
    workers: int
    threads: int = 1

    @property
    def label(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread, {self.workers} workers × {self.threads} threads"
        return f"{self.worker_class}, {self.workers} workers"

    def gunicorn_args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args


# Measured on the 2-core machine (BENCHMARKS.md, "Workers"): sync did better on every
# learner page and on the quiz flow, with lower p99; with keep-alive clients gthread's two
# workers often split the connections unevenly (one worker, one core, serving most of them).
DEFAULT_CLASS = "sync"
DEFAULT_WORKERS = {"sync": 5, "gthread": 2}
DEFAULT_THREADS = 8
CANDIDATES = (WorkerConfig("sync", 5), WorkerConfig("gthread", 2, 8))


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--learners", type=int, default=200, help="demo learners (default 200)"
    )
    parser.add_argument(
        "--first-view-learners",
        type=int,
        default=60,
        help="learners the first views rotate through (60)",
    )
    parser.add_argument(
        "--check-learners",
        type=int,
        default=30,
        help="fresh learners per Check answer round, 72 questions each (30)",
    )
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="serve the main measurements without Redis (it is used when --redis-url answers)",
    )
    parser.add_argument(
        "--no-two-servers",
        action="store_true",
        help="skip the two-server run (it runs when --pg-server and --redis-url answer)",
    )
    parser.add_argument(
        "--pg-server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server for --two-servers; a throwaway database is made there",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="Redis for --two-servers (keys under a prefix of their own, removed after)",
    )
    parser.add_argument(
        "--two-server-duration",
        type=int,
        default=10,
        help="seconds of the two-server flow (10)",
    )
    parser.add_argument(
        "--two-server-clients",
        type=int,
        default=8,
        help="quiz takers in the two-server run (8)",
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds per wrk run (10)"
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections (16)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per path; medians (3)"
    )
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (sync 5, gthread 2)"
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="gthread threads (8)"
    )
    parser.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default=DEFAULT_CLASS,
        help=f"({DEFAULT_CLASS})",
    )
    parser.add_argument(
        "--large", action="store_true", help=f"also measure {LARGE:,} learners"
    )
    parser.add_argument(
        "--database-url",
        help="a throwaway database to use instead of a temporary SQLite file",
    )
    parser.add_argument(
        "--flow-threads", type=int, default=16, help="quiz-taking clients (16)"
    )
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--compare-duration",
        type=int,
        default=3,
        help="seconds per path, sync vs gthread (3)",
    )
    parser.add_argument(
        "--compare-runs",
        type=int,
        default=3,
        help="runs of sync vs gthread; medians (3)",
    )
    parser.add_argument(
        "--no-compare", action="store_true", help="skip sync vs gthread"
    )
    parser.add_argument(
        "--output", default=str(ROOT / "BENCHMARKS.md"), help="report file"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--internal",
        choices=["queries", "stats", "pages", "sessions", "stored"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--internal-input", help=argparse.SUPPRESS)
    parser.add_argument("--internal-output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    needed = 1 + args.flow_threads + args.first_view_learners + args.check_learners
    if args.learners < needed:
        parser.error(
            f"--learners must be at least {needed}: the student, the quiz takers, the "
            "first views' learners and one Check answer round's"
        )
    if (
        min(args.duration, args.connections, args.runs, args.flow_threads, args.threads)
        < 1
    ):
        parser.error("durations, counts and threads must be positive")
    return args


def main_config(args) -> WorkerConfig:
    workers = args.workers or DEFAULT_WORKERS[args.worker_class]
    threads = args.threads if args.worker_class == "gthread" else 1
    return WorkerConfig(args.worker_class, workers, threads)


# The Django side, run in subprocesses with the bench's environment.


def django_env(database_url: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def generate(env: dict, learners: int) -> tuple[float, str]:
    """Demo learners up to ``learners``; the command's own time and summary line."""
    began = time.monotonic()
    out = manage(
        env,
        "generate_demo_data",
        f"--learners={learners}",
        f"--seed={SEED}",
        f"--prefix={PREFIX}",
        f"--password={PASSWORD}",
    )
    summary = out.strip().splitlines()[0] if out.strip() else ""
    match = re.search(r" in ([\d.]+) s\.", summary)
    return (float(match.group(1)) if match else time.monotonic() - began), summary


def internal(env: dict, mode: str, tmp: Path, given: dict | None = None) -> dict:
    """Run this module's --internal mode in a subprocess; its JSON result."""
    output, given_path = tmp / f"{mode}.json", tmp / f"{mode}-input.json"
    given_path.write_text(json.dumps(given or {}))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            f"--internal={mode}",
            f"--internal-input={given_path}",
            f"--internal-output={output}",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    return json.loads(output.read_text())


def internal_main(args) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relations.settings")
    django.setup()
    given = json.loads(Path(args.internal_input).read_text())
    if args.internal == "queries":
        result = measure_queries()
    elif args.internal == "pages":
        result = page_costs(given["cookie"], given["paths"])
    elif args.internal == "sessions":
        result = make_sessions(given["usernames"])
    elif args.internal == "stored":
        result = stored_answers(given["attempts"])
    else:
        result = dataset_stats()
    Path(args.internal_output).write_text(json.dumps(result))
    return 0


def page_costs(cookie: str, paths: list[str], repeat: int = 40) -> list[dict]:
    """Each page served in-process, one request at a time, no HTTP: where the time goes.

    The time of a request is split into: middleware, session and user (everything outside
    the view, with the signed-in user loaded before the view runs, as its first access
    would), SQL (every query, wherever it runs), the view building its context, and the
    template rendering (SQL inside them excluded)."""
    import io
    import statistics

    from django.core.handlers.base import BaseHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.template.response import SimpleTemplateResponse
    from django.test.utils import CaptureQueriesContext

    spent = {"inner": 0.0, "render": 0.0, "sql": 0.0, "sql_inner": 0.0}
    spent["sql_render"] = 0.0
    where = {"inner": False, "render": False}
    original_get_response = BaseHandler._get_response
    original_render = SimpleTemplateResponse.render

    def timed_get_response(self, request):
        if request.path != BASELINE and hasattr(request, "user"):
            request.user.pk  # noqa: B018 (the session and the user, outside the view)
        where["inner"] = True
        began = time.perf_counter()
        try:
            return original_get_response(self, request)
        finally:
            spent["inner"] += time.perf_counter() - began
            where["inner"] = False

    def timed_render(self):
        if self._is_rendered or where["render"]:
            return original_render(self)
        where["render"] = True
        began = time.perf_counter()
        try:
            return original_render(self)
        finally:
            spent["render"] += time.perf_counter() - began
            where["render"] = False

    def timed_sql(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - began
            spent["sql"] += took
            if where["inner"]:
                spent["sql_inner"] += took
            if where["render"]:
                spent["sql_render"] += took

    # Patched before the handler is built: it binds _get_response when it loads middleware.
    BaseHandler._get_response = timed_get_response
    SimpleTemplateResponse.render = timed_render
    application = WSGIHandler()

    def get(url: str) -> str:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "HTTP_HOST": HOST,
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        status = []
        response = application(
            environ, lambda s, headers, exc_info=None: status.append(s)
        )
        try:
            b"".join(response)
        finally:
            response.close()  # as a WSGI server does: request_finished and its handlers
        return status[0]

    costs = []
    try:
        for path in paths:
            for n in range(5):
                status = get(f"{path}{'&' if '?' in path else '?'}fresh=warm-{n}")
            with CaptureQueriesContext(connection) as captured:
                get(f"{path}{'&' if '?' in path else '?'}fresh=queries")
            queries = len(captured)  # now: the next request empties the log
            times = []
            for key in spent:
                spent[key] = 0.0
            with connection.execute_wrapper(timed_sql):
                for n in range(repeat):
                    # A parameter the pages ignore: each request misses the whole-page
                    # cache (quizzes/pages.py), as a first view does.
                    began = time.perf_counter()
                    get(f"{path}{'&' if '?' in path else '?'}fresh=costs-{n}")
                    times.append((time.perf_counter() - began) * 1000)
            total = sum(times) / repeat
            per = {key: value * 1000 / repeat for key, value in spent.items()}
            render = per["render"] - per["sql_render"]
            view = per["inner"] - per["render"] - (per["sql_inner"] - per["sql_render"])
            outside = total - per["inner"] - (per["sql"] - per["sql_inner"])
            # After the split above: these must not add to its timers.
            kept = []
            for _ in range(repeat):  # the same page again: a repeat view
                began = time.perf_counter()
                get(path)
                kept.append((time.perf_counter() - began) * 1000)
            costs.append(
                {
                    "path": path,
                    "status": status,
                    "queries": queries,
                    "ms": statistics.median(times),
                    "kept_ms": statistics.median(kept),
                    "mean_ms": total,
                    "sql_ms": per["sql"],
                    "middleware_ms": max(outside, 0.0),
                    "view_ms": max(view, 0.0),
                    "render_ms": max(render, 0.0),
                }
            )
    finally:
        BaseHandler._get_response = original_get_response
        SimpleTemplateResponse.render = original_render
    return costs


def make_sessions(usernames: list[str]) -> dict[str, dict]:
    """Signed-in sessions made in-process (as logging in would store them), with a CSRF
    cookie: the cookies of each learner. Faster than hashing a password per learner."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.middleware.csrf import _get_new_csrf_string

    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for user in User.objects.filter(username__in=usernames):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "quizzes.roles.RoleBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies[user.username] = {
            settings.CSRF_COOKIE_NAME: _get_new_csrf_string(),
            settings.SESSION_COOKIE_NAME: session.session_key,
        }
    return cookies


def stored_answers(attempts: dict[str, list[int]]) -> dict:
    """For each attempt, the questions answered as the database holds them: exactly the
    accepted ones, each once."""
    from django.db.models import Count

    from quizzes.models import Answer

    rows = (
        Answer.objects.filter(attempt_id__in=[int(a) for a in attempts])
        .values("attempt_id", "question_id")
        .annotate(n=Count("id"))
    )
    stored: dict[str, dict[int, int]] = {}
    for row in rows:
        stored.setdefault(str(row["attempt_id"]), {})[row["question_id"]] = row["n"]
    return compare_stored(attempts, stored)


def compare_stored(
    accepted: dict[str, list[int]], stored: dict[str, dict[int, int]]
) -> dict:
    """Accepted answers against stored rows: missing, stored twice, or never accepted."""
    missing = duplicated = unexpected = 0
    for attempt, questions in accepted.items():
        rows = stored.get(attempt, {})
        missing += sum(1 for q in set(questions) if rows.get(q, 0) == 0)
        duplicated += sum(1 for n in rows.values() if n > 1)
        unexpected += sum(1 for q in rows if q not in set(questions))
    return {
        "accepted": sum(len(set(q)) for q in accepted.values()),
        "stored": sum(sum(rows.values()) for rows in stored.values()),
        "missing": missing,
        "duplicated": duplicated,
        "unexpected": unexpected,
    }


def dataset_stats() -> dict:
    from django.contrib.auth.models import User

    from quizzes.models import Answer, Attempt, Progress

    return {
        "learners": User.objects.filter(username__startswith=PREFIX).count(),
        "student_attempts": Attempt.objects.filter(learner__username=STUDENT).count(),
        "attempts": Attempt.objects.count(),
        "answers": Answer.objects.count(),
        "progress": Progress.objects.count(),
    }


class TransactionCounter:
    """Commits: those ending atomic blocks and the writes that autocommit on their own."""

    writes = {"INSERT", "UPDATE", "DELETE", "REPLACE"}

    def __init__(self, connection):
        self.connection = connection
        self.commits = self.autocommit_writes = self.savepoints = 0

    def __enter__(self):
        original = self.connection.commit

        def commit():
            self.commits += 1
            return original()

        self.connection.commit = commit
        self._wrapper = self.connection.execute_wrapper(self._observe)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._wrapper.__exit__(*exc_info)
        del self.connection.commit

    def _observe(self, execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb == "SAVEPOINT":
            self.savepoints += 1
        elif verb in self.writes and not self.connection.in_atomic_block:
            self.autocommit_writes += 1
        return execute(sql, params, many, context)

    @property
    def transactions(self) -> int:
        return self.commits + self.autocommit_writes


LESSON_BODY = (
    "## Rivers\n\nThe Danube flows through ten countries before it reaches the Black Sea.\n\n"
    "The Rhine carries more freight than any other river in Europe, mostly coal and grain.\n"
)


def measure_queries() -> dict:
    """Queries of one whole attempt at a 10- and a 50-question quiz, on a throwaway database."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "sqlite":
        # A name of its own: autoclobber must never drop a test database in use by pytest.
        connection.settings_dict["TEST"]["NAME"] = f"test_relations_bench_{os.getpid()}"
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        return {str(count): attempt_queries(count) for count in (10, 50)}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def attempt_queries(count: int) -> list[dict]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from quizzes.models import Attempt, Choice, Question, Quiz
    from relations.models import Article, Section

    article = Article.objects.create(
        title=f"Benchmark, {count} questions", slug=f"bench-{count}", is_published=True
    )
    section = Section.objects.create(
        article=article,
        position=1,
        title="Rivers",
        slug="rivers",
        body=LESSON_BODY,
        is_published=True,
    )
    quiz = Quiz.objects.create(section=section)
    kinds = [
        Question.Kind.SINGLE,
        Question.Kind.MULTIPLE,
        Question.Kind.TRUE_FALSE,
        Question.Kind.SHORT,
    ]
    options = {
        Question.Kind.SINGLE: [("Danube", True), ("Rhine", False), ("Thames", False)],
        Question.Kind.MULTIPLE: [("Coal", True), ("Grain", True), ("Oil", False)],
        Question.Kind.TRUE_FALSE: [("True", True), ("False", False)],
        Question.Kind.SHORT: [("Danube", True), ("the Danube river", True)],
    }
    for position in range(1, count + 1):
        kind = kinds[(position - 1) % len(kinds)]
        question = Question.objects.create(
            quiz=quiz,
            position=position,
            kind=kind,
            prompt=f"Question {position}: which river reaches the Black Sea?",
            explanation="The lesson says the Danube reaches the Black Sea.",
            source_quote="The Danube flows through ten countries",
            status=Question.Status.PUBLISHED,
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                position=index,
                text=text,
                is_correct=right,
                feedback="",
            )
            for index, (text, right) in enumerate(options[kind], start=1)
        )
    learner = User.objects.create_user(f"bench-queries-{count}")
    client = Client()
    client.force_login(learner)
    steps = []

    def measured(step: str, expected: int, call):
        with (
            TransactionCounter(connection) as counter,
            CaptureQueriesContext(connection) as queries,
        ):
            response = call()
        if response.status_code != expected:
            raise RuntimeError(
                f"{step}: HTTP {response.status_code}, expected {expected}"
            )
        steps.append(
            {
                "step": step,
                "queries": len(queries),
                "transactions": counter.transactions,
                "savepoints": counter.savepoints,
                "sql": [query["sql"] for query in queries.captured_queries],
            }
        )
        return response

    start = reverse("quizzes:start_quiz", args=[article.slug, section.slug])
    measured("start", 302, lambda: client.post(start))
    attempt = Attempt.objects.get(learner=learner, quiz=quiz)
    page = reverse("quizzes:attempt_detail", args=[attempt.pk])
    measured("quiz page", 200, lambda: client.get(page))
    for question in Question.objects.filter(
        pk__in=attempt.question_ids
    ).prefetch_related("choices"):
        right = [choice for choice in question.choices.all() if choice.is_correct]
        data = (
            {"text": right[0].text}
            if question.kind == Question.Kind.SHORT
            else {"choice": [choice.pk for choice in right]}
        )
        url = reverse("quizzes:check_answer", args=[attempt.pk, question.pk])
        measured(
            "check answer",
            200,
            lambda url=url, data=data: client.post(
                url, data, headers={"HX-Request": "true"}
            ),
        )
    finish = reverse("quizzes:finish_attempt", args=[attempt.pk])
    measured("finish", 302, lambda: client.post(finish))
    results = reverse("quizzes:attempt_results", args=[attempt.pk])
    measured("results", 200, lambda: client.get(results))
    return steps


# The server and its clients.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn as production runs it, on a free loopback port; always stopped on exit."""

    def __init__(self, env: dict, config: WorkerConfig, log_path: Path):
        self.env, self.config, self.log_path = env, config, log_path
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> "Server":
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "relations.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            *self.config.gunicorn_args(),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        self.log = self.log_path.open("ab")
        # Its own session: Ctrl-C reaches the bench, which then stops gunicorn in order.
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", BASELINE)
                if connection.getresponse().status == 200:
                    connection.close()
                    return
                connection.close()
            time.sleep(0.2)
        raise RuntimeError(
            f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # The master did not stop: kill its process group (it and its workers).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Reply:
    status: int
    location: str
    body: str


class Browser:
    """One learner's browser: keep-alive connections and a cookie jar (http.client only).

    Given several ports, it sends each request to the next one in turn, as a proxy
    without sticky sessions would: the servers must share every bit of session state."""

    def __init__(self, port: int, cookies: dict | None = None, also: tuple = ()):
        self.ports = [port, *also]
        self.port = port
        self.turn = 0
        self.cookies = dict(cookies or {})
        self.connections: dict[int, http.client.HTTPConnection] = {}
        self.requests = 0

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()

    def _drop(self, port: int) -> None:
        connection = self.connections.pop(port, None)
        if connection is not None:
            connection.close()

    def get(self, path: str, **headers) -> Reply:
        return self.request("GET", path, None, headers)

    def post(self, path: str, fields: dict, **headers) -> Reply:
        return self.request("POST", path, fields, headers)

    def request(
        self, method: str, path: str, fields: dict | None, headers: dict
    ) -> Reply:
        body = urlencode(fields, doseq=True).encode() if fields is not None else None
        sent = {"Accept": "text/html", **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(
                f"{name}={value}" for name, value in self.cookies.items()
            )
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        for last_try in (False, True):
            connection = self.connections.get(port)
            reused = connection is not None
            if connection is None:
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                self.connections[port] = connection
            try:
                connection.request(method, path, body, sent)
                response = connection.getresponse()
                data = response.read()
            except (ConnectionResetError, BrokenPipeError, http.client.BadStatusLine):
                self._drop(port)
                if reused and not last_try:
                    continue  # the server had closed an idle keep-alive connection
                raise
            except BaseException:
                self._drop(port)
                raise
            self.requests += 1
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            if response.will_close:
                self._drop(port)
            location = response.getheader("Location", "")
            return Reply(response.status, location, data.decode("utf-8", "replace"))
        raise AssertionError("unreachable")

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            pair, *attributes = header.split(";")
            name, _, value = pair.strip().partition("=")
            expired = any(a.strip().lower() == "max-age=0" for a in attributes)
            if expired or value in {"", '""'}:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


class FlowError(Exception):
    pass


def expect(reply: Reply, status: int, step: str) -> Reply:
    if reply.status != status:
        raise FlowError(
            f"{step}: HTTP {reply.status} (expected {status}) {reply.location}"
        )
    return reply


def log_in(port: int, username: str, password: str = PASSWORD) -> dict:
    """Post the login form with its CSRF token, as a browser does; the cookies after."""
    browser = Browser(port)
    page = expect(browser.get("/accounts/login/"), 200, "login page")
    reply = browser.post(
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_field(page.body),
            "next": "/",
        },
    )
    browser.close()
    if reply.status != 302 or "sessionid" not in browser.cookies:
        hint = " (locked out by django-axes?)" if reply.status == 429 else ""
        raise RuntimeError(f"Logging {username} in failed: HTTP {reply.status}{hint}")
    return browser.cookies


def take_quiz(
    browser: Browser,
    start_url: str,
    rng: random.Random,
    *,
    timings: dict[str, list[float]] | None = None,
    answer_share: float = 1.0,
    finish: bool = True,
    accepted: list | None = None,
) -> str:
    """Start (or resume) a quiz, check answers with htmx, finish; the path reached."""

    def timed(step: str, call) -> Reply:
        began = time.perf_counter()
        reply = call()
        if timings is not None:
            timings.setdefault(step, []).append((time.perf_counter() - began) * 1000)
        return reply

    reply = expect(
        timed(
            "start",
            lambda: browser.post(start_url, {"csrfmiddlewaretoken": browser.csrf}),
        ),
        302,
        "start",
    )
    quiz_page = f"/attempts/{attempt_id(reply.location)}/"
    page = expect(timed("quiz page", lambda: browser.get(quiz_page)), 200, "quiz page")
    forms = question_forms(page.body)
    htmx = {"HX-Request": "true", "X-CSRFToken": browser.csrf}
    for form in forms[: round(len(forms) * answer_share)]:
        fields = form.answer(rng.choice)
        check = timed(
            "check answer", lambda f=form, d=fields: browser.post(f.action, d, **htmx)
        )
        expect(check, 200, "check answer")
        if accepted is not None and SLIP_MARK not in check.body:
            accepted.append(check_ids(form.action))
    if not finish:
        return quiz_page
    reply = timed(
        "finish",
        lambda: browser.post(
            f"{quiz_page}finish", {"csrfmiddlewaretoken": browser.csrf}
        ),
    )
    results = f"{quiz_page}results"
    if expect(reply, 302, "finish").location.split("#")[0] != results:
        raise FlowError(f"finish: redirected to {reply.location}")
    expect(timed("results", lambda: browser.get(results)), 200, "results")
    return results


@dataclass
class Plan:
    """What the measurements need, prepared once over HTTP (the database outlives servers)."""

    student: dict
    takers: list[dict]
    starts: list[str]
    pages: list[tuple[str, str]] = field(default_factory=list)
    # First views: page name → wrk rotation lines, one per learner (or attempt).
    first_views: dict[str, list[str]] = field(default_factory=dict)
    # Learners not used yet, for Check answer rounds (each round answers fresh questions).
    fresh: list[dict] = field(default_factory=list)


def prepare(port: int, args, env: dict | None = None, tmp: Path | None = None) -> Plan:
    learners, flow_threads = args.learners, args.flow_threads
    say(f"  Logging in {STUDENT} and the quiz takers…")
    student = log_in(port, STUDENT)
    takers = [
        log_in(port, f"{PREFIX}{n:04d}")
        for n in range(2, min(learners, flow_threads + 1) + 1)
    ]
    browser = Browser(port, student)
    home = expect(browser.get("/"), 200, "outline")
    lessons = lesson_links(home.body)
    if len(lessons) < 2:
        raise RuntimeError("The course outline shows fewer than two lessons.")
    starts = [
        start_action(expect(browser.get(path), 200, "lesson").body) for path in lessons
    ]
    rng = random.Random(SEED)
    results = take_quiz(browser, starts[0], rng)
    in_progress = take_quiz(browser, starts[1], rng, answer_share=0.5, finish=False)
    student = browser.cookies
    browser.close()
    pages = [
        ("Health check (baseline)", BASELINE),
        ("Course outline", "/"),
        ("Lesson", lessons[0]),
        ("Quiz in progress", in_progress),
        ("Results", results),
        ("My progress", "/progress/"),
    ]
    plan = Plan(student=student, takers=takers, starts=starts, pages=pages)
    if env is not None and tmp is not None:
        first = flow_threads + 2
        names = [f"{PREFIX}{n:04d}" for n in range(first, learners + 1)]
        sessions = internal(env, "sessions", tmp, {"usernames": names})
        pool = [sessions[name] for name in names if name in sessions]
        viewers, plan.fresh = (
            pool[: args.first_view_learners],
            pool[args.first_view_learners :],
        )
        say(f"  Preparing first views for {len(viewers)} learners…")
        plan.first_views = prepare_first_views(port, viewers, lessons, starts, rng)
    return plan


def rotation_line(
    method: str, path: str, cookies: dict, *, htmx: bool = False, body: str = ""
) -> str:
    """One line of bench/rotate.lua's request file."""
    csrf = cookies.get("csrftoken", "") if method == "POST" else ""
    fields = [method, path, cookie_header(cookies), csrf, "1" if htmx else "0", body]
    if any("\t" in field or "\n" in field for field in fields):
        raise ValueError(f"a tab or newline in a request: {fields}")
    return "\t".join(fields)


def prepare_first_views(
    port: int,
    viewers: list[dict],
    lessons: list[str],
    starts: list[str],
    rng: random.Random,
) -> dict[str, list[str]]:
    """Each learner finishes one quiz and half-answers another: every page of the first
    views is a different learner's (or attempt's), so no cache of one page can hit."""
    views: dict[str, list[str]] = {
        name: []
        for name in (
            "Health check (baseline)",
            "Course outline",
            "Lesson",
            "Quiz in progress",
            "Results",
            "My progress",
        )
    }
    for index, cookies in enumerate(viewers):
        browser = Browser(port, cookies)
        results = take_quiz(browser, starts[index % len(starts)], rng)
        in_progress = take_quiz(
            browser,
            starts[(index + 1) % len(starts)],
            rng,
            answer_share=0.5,
            finish=False,
        )
        browser.close()
        jar = browser.cookies
        views["Health check (baseline)"].append(rotation_line("GET", BASELINE, jar))
        views["Course outline"].append(rotation_line("GET", "/", jar))
        lesson = lessons[(index + 2) % len(lessons)]
        views["Lesson"].append(rotation_line("GET", lesson, jar))
        views["Quiz in progress"].append(rotation_line("GET", in_progress, jar))
        views["Results"].append(rotation_line("GET", results, jar))
        views["My progress"].append(rotation_line("GET", "/progress/", jar))
    return views


def prepare_checks(
    port: int, plan: Plan, learners: int, rng: random.Random
) -> list[str]:
    """Fresh learners start every quiz: one Check answer request per open question, in a
    shuffled order (so that concurrent requests are mostly different learners')."""
    take, plan.fresh = plan.fresh[:learners], plan.fresh[learners:]
    if len(take) < learners:
        say(
            f"  Only {len(take)} fresh learners left for Check answer (asked {learners})."
        )
    lines = []
    for cookies in take:
        browser = Browser(port, cookies)
        for start in plan.starts:
            reply = expect(
                browser.post(start, {"csrfmiddlewaretoken": browser.csrf}), 302, "start"
            )
            page = expect(
                browser.get(f"/attempts/{attempt_id(reply.location)}/"), 200, "quiz"
            )
            for form in question_forms(page.body):
                body = urlencode(form.answer(rng.choice), doseq=True)
                lines.append(
                    rotation_line(
                        "POST", form.action, browser.cookies, htmx=True, body=body
                    )
                )
        browser.close()
    rng.shuffle(lines)
    return lines


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def run_wrk(
    port: int,
    path: str,
    cookies: dict,
    duration: int,
    args,
    *,
    rotation: Path | None = None,
) -> WrkResult:
    """wrk on one path as one learner, or (``rotation``) through a file of requests."""
    if rotation is None:
        script = ["-s", str(LUA_SCRIPT), "-H", f"Cookie: {cookie_header(cookies)}"]
        target = [f"http://{HOST}:{port}{path}"]
        threads = min(args.wrk_threads, args.connections)
    else:
        # One thread: each wrk thread would go through the whole file on its own.
        script = ["-s", str(ROTATE_SCRIPT)]
        target = [f"http://{HOST}:{port}/", "--", str(rotation)]
        threads = 1
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(args.connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "10s",
        *script,
        *target,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if result.returncode:
        raise RuntimeError(f"wrk failed on {path}:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


def measure_first_views(
    port: int, plan: Plan, args, tmp: Path, *, loads: list[float]
) -> list[PageResult]:
    """Rounds of first views (each request another learner's page) and of Check answer
    (each request a question not answered before), with /healthz in the same rounds."""
    rng = random.Random(SEED + 1)
    files = {}
    for name, lines in plan.first_views.items():
        files[name] = tmp / f"first-{len(files)}.tsv"
        files[name].write_text("\n".join(lines) + "\n")
    paths = dict(plan.pages)
    samples: dict[str, list[WrkResult]] = {name: [] for name in files}
    samples["Check answer"] = []
    for name, file in files.items():  # warm-up
        run_wrk(port, paths[name], {}, min(2, args.duration), args, rotation=file)
    for number in range(1, args.runs + 1):
        for name, file in files.items():
            result = run_wrk(port, paths[name], {}, args.duration, args, rotation=file)
            loads.append(os.getloadavg()[0])
            samples[name].append(result)
            say(
                f"  first views run {number}/{args.runs} {name:<24} {result.rps:7.0f} req/s"
                f"  p50 {result.p50_ms:6.1f} ms  non-2xx {result.non2xx}"
                f"  repeated {result.wrapped}"
            )
        lines = prepare_checks(port, plan, args.check_learners, rng)
        file = tmp / f"checks-{number}.tsv"
        file.write_text("\n".join(lines) + "\n")
        result = run_wrk(port, "(Check answer)", {}, args.duration, args, rotation=file)
        loads.append(os.getloadavg()[0])
        samples["Check answer"].append(result)
        say(
            f"  first views run {number}/{args.runs} {'Check answer':<24} {result.rps:7.0f} req/s"
            f"  p50 {result.p50_ms:6.1f} ms  non-2xx {result.non2xx}"
            f"  of {len(lines)} questions, repeated {result.wrapped}"
        )
    paths["Check answer"] = "POST"
    pages = with_ratios(
        [summarize(name, paths[name], runs) for name, runs in samples.items()]
    )
    # Labelled after the ratios (which find /healthz by its path).
    for page in pages:
        lines = plan.first_views.get(page.name)
        if lines:
            page.path = f"{len(set(lines))} learners' pages in turn"
        elif page.name == "Check answer":
            page.path = "POST, a new question each time"
    return pages


def run_flow(
    port: int,
    plan: Plan,
    duration: float,
    *,
    others: tuple = (),
    accepted: list | None = None,
) -> FlowResult:
    """Each taker loops over whole quizzes for ``duration`` seconds.

    With ``others`` (more servers), the takers are split between the servers: even ones
    stay on one server, odd ones send each request to the next server in turn. The stored
    answers' (attempt, question) pairs are added to ``accepted`` when it is given."""
    deadline = time.monotonic() + duration
    outcomes: list[dict] = [{} for _ in plan.takers]
    ports = [port, *others]

    def take(index: int, cookies: dict) -> None:
        home = ports[index % len(ports)]
        if index % 2 and len(ports) > 1:
            browser = Browser(home, cookies, tuple(p for p in ports if p != home))
        else:
            browser = Browser(home, cookies)
        rng = random.Random(index)
        outcome = outcomes[index]
        outcome.update(finished=0, errors=0, samples=[], timings={}, accepted=[])
        turn = index
        while time.monotonic() < deadline:
            start = plan.starts[turn % len(plan.starts)]
            turn += 1
            try:
                take_quiz(
                    browser,
                    start,
                    rng,
                    timings=outcome["timings"],
                    accepted=outcome["accepted"],
                )
                outcome["finished"] += 1
            except (FlowError, ValueError, OSError, http.client.HTTPException) as error:
                outcome["errors"] += 1
                if len(outcome["samples"]) < 3:
                    outcome["samples"].append(f"{type(error).__name__}: {error}")
                browser.close()
                time.sleep(0.05)
        browser.close()
        outcome["requests"] = browser.requests

    began = time.monotonic()
    workers = [
        threading.Thread(target=take, args=(index, cookies), daemon=True)
        for index, cookies in enumerate(plan.takers)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()) + 90)
    seconds = time.monotonic() - began
    stuck = sum(1 for worker in workers if worker.is_alive())
    timings: dict[str, list[float]] = {}
    stored = [pair for outcome in outcomes for pair in outcome.get("accepted", [])]
    if accepted is not None:
        accepted.extend(stored)
    for outcome in outcomes:
        for step, values in outcome.get("timings", {}).items():
            timings.setdefault(step, []).extend(values)
    return FlowResult(
        threads=len(workers),
        seconds=seconds,
        finished=sum(outcome.get("finished", 0) for outcome in outcomes),
        requests=sum(outcome.get("requests", 0) for outcome in outcomes),
        errors=stuck + sum(outcome.get("errors", 0) for outcome in outcomes),
        latencies_ms=timings,
        error_samples=[
            sample for outcome in outcomes for sample in outcome.get("samples", [])
        ],
        answered=len(stored),
    )


@dataclass
class Measurement:
    label: str
    config: WorkerConfig
    pages: list[PageResult]
    flow: FlowResult
    stats: dict = field(default_factory=dict)
    generated_s: float | None = None
    costs: list[dict] = field(default_factory=list)
    first_views: list[PageResult] = field(default_factory=list)


def measure(
    servers: list[tuple[str, int]],
    plan: Plan,
    args,
    *,
    duration: int,
    runs: int,
    loads: list[float],
) -> list[tuple[list[PageResult], FlowResult]]:
    """Warm up, then rounds of every path and of the quiz flow; medians per server.

    With several servers (sync vs gthread) the measurements alternate between them, path by
    path, so that other work on the machine weighs on each about equally.
    """
    say("  Warming up…")
    for _, port in servers:
        for _, path in plan.pages:
            run_wrk(port, path, plan.student, min(2, duration), args)
        run_flow(port, plan, min(2, duration))
    samples = [{path: [] for _, path in plan.pages} for _ in servers]
    flows: list[list[FlowResult]] = [[] for _ in servers]
    for number in range(1, runs + 1):
        for name, path in plan.pages:
            for index, (label, port) in enumerate(servers):
                result = run_wrk(port, path, plan.student, duration, args)
                loads.append(os.getloadavg()[0])
                samples[index][path].append(result)
                say(
                    f"  {label} run {number}/{runs} {name:<24} {result.rps:7.0f} req/s"
                    f"  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                    f"  non-2xx {result.non2xx}"
                )
        for index, (label, port) in enumerate(servers):
            flow = run_flow(port, plan, duration)
            loads.append(os.getloadavg()[0])
            flows[index].append(flow)
            say(
                f"  {label} run {number}/{runs} {'Quiz flow':<24} {flow.attempts_per_s:7.1f} "
                f"attempts/s ({flow.requests_per_s:.0f} req/s, {flow.errors} errors)"
            )
    return [
        (
            with_ratios(
                [
                    summarize(name, path, samples[index][path])
                    for name, path in plan.pages
                ]
            ),
            merge_flows(flows[index]),
        )
        for index in range(len(servers))
    ]


# Two servers sharing one PostgreSQL and one Redis.


def race_answers(
    ports: list[int], cookies: dict, start: str, rng: random.Random
) -> dict:
    """One learner starts a quiz and sends each answer to two servers at the same moment
    (a double click behind a proxy): both must answer 200 and one answer be stored."""
    browser = Browser(ports[0], cookies)
    reply = expect(
        browser.post(start, {"csrfmiddlewaretoken": browser.csrf}), 302, "start"
    )
    page = expect(browser.get(f"/attempts/{attempt_id(reply.location)}/"), 200, "quiz")
    jar = dict(browser.cookies)
    browser.close()
    errors, samples, accepted = 0, [], []
    htmx = {"HX-Request": "true", "X-CSRFToken": jar.get("csrftoken", "")}
    for form in question_forms(page.body):
        fields = form.answer(rng.choice)
        replies: list = [None, None]

        def send(slot: int, port: int, form=form, fields=fields, replies=replies):
            client = Browser(port, jar)
            try:
                replies[slot] = client.post(form.action, fields, **htmx)
            except (OSError, http.client.HTTPException) as error:
                replies[slot] = error
            finally:
                client.close()

        pair = [
            threading.Thread(target=send, args=(slot, port))
            for slot, port in enumerate(ports[:2])
        ]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(timeout=60)
        bad = [r for r in replies if not isinstance(r, Reply) or r.status != 200]
        if bad:
            errors += len(bad)
            samples.append(f"race on {form.action}: {bad[0]!r}"[:200])
        elif any(SLIP_MARK not in r.body for r in replies):
            accepted.append(check_ids(form.action))
    return {"errors": errors, "samples": samples, "accepted": accepted}


def logout_everywhere(
    ports: list[int], username: str, password: str
) -> tuple[bool, str]:
    """Log in on one server, use the session on the other, log out on the first: the
    other must refuse the old cookie at once."""
    one, two = ports[0], ports[1]
    browser = Browser(one)
    page = expect(browser.get("/accounts/login/"), 200, "login page")
    reply = browser.post(
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_field(page.body),
        },
    )
    if reply.status != 302:
        return False, f"login on the first server: HTTP {reply.status}"
    old = dict(browser.cookies)
    browser.close()
    other = Browser(two, old)
    if other.get("/progress/").status != 200:
        return False, "the second server did not know the session"
    mine = Browser(one, old)
    form = expect(mine.get("/progress/"), 200, "progress")
    reply = mine.post(
        "/accounts/logout/", {"csrfmiddlewaretoken": csrf_field(form.body)}
    )
    mine.close()
    if reply.status not in (200, 302):
        return False, f"logout on the first server: HTTP {reply.status}"
    after = Browser(two, old).get("/progress/")
    other.close()
    if after.status != 302 or "/accounts/login/" not in after.location:
        return False, f"the second server still served the session: HTTP {after.status}"
    return True, "the old cookie was sent to the login page by the other server"


def two_server_check(
    ports: list[int],
    takers: list[dict],
    starts: list[str],
    duration: float,
    verify,
    logout_user: tuple[str, str],
    race_cookies: dict | None = None,
) -> dict:
    """Quiz takers split between two servers (half stay on one, half alternate on every
    request), answers raced between the servers, and a logout on one seen by the other.
    ``verify`` maps {attempt id: [question ids accepted]} to `compare_stored`'s counts."""
    accepted: list = []
    plan = Plan(student={}, takers=takers, starts=starts)
    flow = run_flow(
        ports[0], plan, duration, others=tuple(ports[1:]), accepted=accepted
    )
    race = {"errors": 0, "samples": [], "accepted": []}
    if race_cookies is not None:
        race = race_answers(ports, race_cookies, starts[-1], random.Random(SEED))
        accepted += race["accepted"]
    by_attempt: dict[str, list[int]] = {}
    for attempt, question in accepted:
        by_attempt.setdefault(str(attempt), []).append(question)
    stored = verify(by_attempt)
    logout_ok, logout_detail = logout_everywhere(ports, *logout_user)
    return {
        "servers": len(ports),
        "clients": flow.threads,
        "seconds": flow.seconds,
        "finished": flow.finished,
        "answered": flow.answered,
        "requests": flow.requests,
        "flow_errors": flow.errors,
        "race_questions": len(race["accepted"]),
        "race_errors": race["errors"],
        "samples": (flow.error_samples + race["samples"])[:5],
        "accepted_twice": len(accepted) - len(set(accepted)),
        **stored,
        "logout_ok": logout_ok,
        "logout_detail": logout_detail,
    }


def unreachable(args) -> str:
    """Why the two-server run cannot happen here ("" when PostgreSQL and Redis answer)."""
    try:
        import psycopg

        psycopg.connect(
            f"{args.pg_server.rstrip('/')}/postgres", connect_timeout=3
        ).close()
    except Exception as error:
        return f"PostgreSQL does not answer at {args.pg_server}: {error}".strip()
    try:
        import redis

        redis.Redis.from_url(args.redis_url, socket_connect_timeout=3).ping()
    except Exception as error:
        return f"Redis does not answer at {args.redis_url}: {error}".strip()
    return ""


def two_server_targets(two: dict) -> list[Target]:
    if "not_run" in two:
        return [
            Target(
                "two servers on PostgreSQL and Redis",
                False,
                f"not run: {two['not_run']}",
            )
        ]
    errors = two["flow_errors"] + two["race_errors"]
    exact = (
        two["missing"] == 0
        and two["duplicated"] == 0
        and two["unexpected"] == 0
        and two["accepted_twice"] == 0
    )
    return [
        Target(
            "two servers: 0 errors",
            errors == 0,
            f"{two['flow_errors']} in the quiz flow, {two['race_errors']} in the raced answers",
        ),
        Target(
            "two servers: every accepted answer stored exactly once",
            exact,
            f"{two['accepted']:,} accepted, {two['stored']:,} stored; missing {two['missing']}, "
            f"stored twice {two['duplicated']}, stored but never accepted {two['unexpected']}, "
            f"accepted by both servers {two['accepted_twice']}",
        ),
        Target(
            "two servers: logging out on one ends the session on the other",
            two["logout_ok"],
            two["logout_detail"],
        ),
    ]


def two_server_section(two: dict, args) -> list[str]:
    if "not_run" in two:
        return [
            "## Two servers, one PostgreSQL, one Redis",
            "",
            f"Not run: {two['not_run']}. `--pg-server` and `--redis-url` say where they are.",
            "",
        ]
    return [
        "## Two servers, one PostgreSQL, one Redis",
        "",
        f"Two gunicorn servers ({two['config']}) on two ports, sharing a throwaway PostgreSQL "
        "database and one Redis (cache and sessions, `REDIS_URL`). "
        f"{two['clients']} quiz takers for {args.two_server_duration} s: the even ones stay on "
        "one server, the odd ones send each request to the other server in turn (a proxy "
        "without sticky sessions). Then one learner sends every answer of a quiz to both "
        "servers at the same moment, and a learner logs in on one server, is seen on the "
        "other, logs out on the first and replays the old cookie on the second.",
        "",
        "| clients | finished attempts | answers stored by Check answer | requests | errors "
        "| raced questions | accepted | stored | missing | stored twice | logout seen by the other |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        f"| {two['clients']} | {two['finished']} | {two['answered']} | {two['requests']} "
        f"| {two['flow_errors'] + two['race_errors']} | {two['race_questions']} "
        f"| {two['accepted']} | {two['stored']} | {two['missing']} | {two['duplicated']} "
        f"| {'yes' if two['logout_ok'] else 'NO'} |",
        "",
        *(
            ["Errors seen: " + "; ".join(f"`{s}`" for s in two["samples"]), ""]
            if two["samples"]
            else []
        ),
    ]


def run_two_servers(args, tmp: Path) -> dict:
    """A throwaway PostgreSQL database and a Redis key prefix of its own; both removed."""
    import psycopg
    import redis

    name = f"relations_bench_{os.getpid()}"
    server_url = args.pg_server.rstrip("/")
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    prefix = f"relations-bench-{secrets.token_hex(4)}"
    try:
        env = django_env(f"{server_url}/{name}")
        env.update(REDIS_URL=args.redis_url, DJANGO_CACHE_KEY_PREFIX=prefix)
        say("Two servers: migrating a throwaway PostgreSQL database…")
        manage(env, "migrate", "--no-input")
        clients = args.two_server_clients
        generate(env, clients + 3)
        manage(env, "collectstatic", "--no-input")
        config = WorkerConfig("sync", 3)
        log = tmp / "two-servers.log"
        with Server(env, config, log) as one, Server(env, config, log) as two:
            ports = [one.port, two.port]
            takers = [
                log_in(ports[n % 2], f"{PREFIX}{n:04d}") for n in range(2, clients + 2)
            ]
            browser = Browser(ports[0], log_in(ports[0], STUDENT))
            home = expect(browser.get("/"), 200, "outline")
            starts = [
                start_action(expect(browser.get(path), 200, "lesson").body)
                for path in lesson_links(home.body)
            ]
            browser.close()
            racer = log_in(ports[1], f"{PREFIX}{clients + 2:04d}")
            say(f"Two servers: {clients} quiz takers for {args.two_server_duration} s…")
            result = two_server_check(
                ports,
                takers,
                starts,
                args.two_server_duration,
                lambda attempts: internal(env, "stored", tmp, {"attempts": attempts}),
                (f"{PREFIX}{clients + 3:04d}", PASSWORD),
                race_cookies=racer,
            )
        result["config"] = f"{config.label} each"
        return result
    finally:
        with contextlib.suppress(Exception):
            client = redis.Redis.from_url(args.redis_url)
            keys = list(client.scan_iter(match=f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The report.


def git(*args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def code_state() -> str:
    """A digest of the files on disk that git sees (tracked or not ignored), so that a
    commit of unchanged files is no change; BENCHMARKS.md itself is left out."""
    digest = hashlib.sha256()
    listed = git("ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    for name in sorted(set(listed) - {"BENCHMARKS.md"}):
        digest.update(name.encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def machine() -> dict:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    wrk_version = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    )
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "wrk": (wrk_version.stdout or wrk_version.stderr).split(" [")[0].strip(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
    }


def flow_table(rows: list[tuple[str, FlowResult]]) -> str:
    lines = [
        "| run | clients | finished attempts/s | requests/s | Check answer p50 / p99 ms "
        "| Finish p50 / p99 ms | errors |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for label, flow in rows:
        lines.append(
            f"| {label} | {flow.threads} | {flow.attempts_per_s:.1f} | {flow.requests_per_s:.0f} "
            f"| {flow.latency('check answer', 0.5):.0f} / {flow.latency('check answer', 0.99):.0f} "
            f"| {flow.latency('finish', 0.5):.0f} / {flow.latency('finish', 0.99):.0f} | {flow.errors} |"
        )
    return "\n".join(lines)


def queries_section(queries: dict) -> tuple[str, int, int]:
    """The table of queries per step; the most for one Check answer, the 10-question total."""

    def by_step(steps: list[dict], step: str) -> list[dict]:
        return [s for s in steps if s["step"] == step]

    labels = [
        ("start", "Start quiz (POST, redirect)"),
        ("quiz page", "Quiz page (GET)"),
        ("check answer", "Check answer (htmx POST), each"),
        ("finish", "Finish quiz (POST, redirect)"),
        ("results", "Results (GET)"),
    ]
    lines = [
        "| step | 10 questions: queries | commits | 50 questions: queries | commits |",
        "|---|--:|--:|--:|--:|",
    ]

    def cell(steps: list[dict], key: str) -> str:
        values = [s[key] for s in steps]
        low, high = min(values), max(values)
        return str(low) if low == high else f"{low}–{high}"

    for step, label in labels:
        row = [label]
        for count in ("10", "50"):
            steps = by_step(queries[count], step)
            row += [cell(steps, "queries"), cell(steps, "transactions")]
        lines.append("| " + " | ".join(row) + " |")
    totals = ["**Whole attempt**"]
    for count in ("10", "50"):
        totals += [
            f"**{sum(s['queries'] for s in queries[count])}**",
            str(sum(s["transactions"] for s in queries[count])),
        ]
    lines.append("| " + " | ".join(totals) + " |")
    check_max = max(
        s["queries"]
        for count in ("10", "50")
        for s in by_step(queries[count], "check answer")
    )
    total_10 = sum(s["queries"] for s in queries["10"])
    one_check = by_step(queries["10"], "check answer")[0]
    sql = "\n".join(
        f"{n}. `{q[:150].replace('`', '')}`" for n, q in enumerate(one_check["sql"], 1)
    )
    lines += [
        "",
        f"One Check answer (10-question quiz): {one_check['queries']} queries, "
        f"{one_check['transactions']} commit(s), {one_check['savepoints']} savepoint(s):",
        "",
        sql,
    ]
    return "\n".join(lines), check_max, total_10


def costs_table(pages: list[PageResult], costs: list[dict], cores: int) -> str:
    names = {page.path: page.name for page in pages}
    lines = [
        "| page | queries | ms per request (median) | middleware, session, user ms "
        "| SQL ms | view and context ms | rendering ms | ceiling req/s "
        "| repeat view ms (median) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for cost in costs:
        ceiling = cores * 1000 / cost["ms"] if cost["ms"] else 0
        lines.append(
            f"| {names.get(cost['path'], cost['path'])} | {cost['queries']} | {cost['ms']:.2f} "
            f"| {cost.get('middleware_ms', 0):.2f} | {cost['sql_ms']:.2f} "
            f"| {cost.get('view_ms', 0):.2f} | {cost.get('render_ms', 0):.2f} | {ceiling:,.0f} "
            f"| {cost.get('kept_ms', cost['ms']):.2f} |"
        )
    return "\n".join(lines)


def compare_table(rows: list[Measurement]) -> str:
    paths = [page.path for page in rows[0].pages]
    names = {page.path: page.name for page in rows[0].pages}
    header = (
        "| config | "
        + " | ".join(names[path] for path in paths)
        + " | quiz flow attempts/s | errors |"
    )
    lines = [header, "|---|" + "--:|" * (len(paths) + 2)]
    for row in rows:
        by_path = {page.path: page for page in row.pages}
        cells = [f"{by_path[path].rps:,.0f}" for path in paths]
        errors = sum(page.errors for page in row.pages) + row.flow.errors
        lines.append(
            f"| {row.config.label} | "
            + " | ".join(cells)
            + f" | {row.flow.attempts_per_s:.1f} | {errors} |"
        )
    return "\n".join(lines)


def shortfalls(m: "Measurement", cores: int) -> list[str]:
    """For each page short of its goal: what one request costs now, where, and what it
    would have to cost. Each core serves 1/cost requests a second, so a page at
    `goal` × /healthz may cost at most (/healthz's cost) / goal; /healthz's own cost under
    gunicorn is measured (cores / its rate), and what gunicorn and HTTP add to any request
    is that cost minus /healthz in-process."""
    costs = {cost["path"]: cost for cost in m.costs}
    by_name = {page.name: page for page in m.pages}
    health = by_name.get("Health check (baseline)")
    base = costs.get(BASELINE)
    if not health or not health.rps or not base:
        return []
    served_ms = cores * 1000 / health.rps
    overhead = max(served_ms - base["ms"], 0.0)
    lines = []
    goals = [(name, goal, "first views") for name, goal in FIRST_VIEW_GOALS.items()]
    goals += [(name, goal, "repeat views") for name, goal in REPEAT_VIEW_GOALS.items()]
    pages = {("first views", p.name): p for p in m.first_views}
    pages.update({("repeat views", p.name): p for p in m.pages})
    for name, goal, kind in goals:
        page = pages.get((kind, name))
        if page is None or page.ratio is None or page.ratio >= goal:
            continue
        allowed = served_ms / goal - overhead
        cost = costs.get(by_name[name].path) if name in by_name else None
        if cost is not None and kind == "repeat views":
            lines.append(
                f"- {name} ({kind}): {page.ratio:.2f} × /healthz. A repeat view costs "
                f"{cost.get('kept_ms', cost['ms']):.1f} ms in-process; to reach {goal} × it "
                f"may cost at most {allowed:.1f} ms ({served_ms:.2f} ms per /healthz request "
                f"under gunicorn, of which {overhead:.2f} ms HTTP and gunicorn, ÷ {goal})."
            )
            continue
        if cost is None:
            lines.append(
                f"- {name} ({kind}): {page.ratio:.2f} × /healthz; one request may cost at most "
                f"{allowed:.1f} ms in-process to reach {goal} ×."
            )
            continue
        lines.append(
            f"- {name} ({kind}): {page.ratio:.2f} × /healthz. One request costs {cost['ms']:.1f} ms "
            f"in-process (rendering {cost.get('render_ms', 0):.1f}, view and context "
            f"{cost.get('view_ms', 0):.1f}, middleware, session and user "
            f"{cost.get('middleware_ms', 0):.1f}, SQL {cost['sql_ms']:.1f}); to reach {goal} × it "
            f"may cost at most {allowed:.1f} ms ({served_ms:.2f} ms per /healthz request under "
            f"gunicorn, of which {overhead:.2f} ms HTTP and gunicorn, ÷ {goal}). "
            + what_would_meet(cost, allowed)
        )
    return lines


def what_would_meet(cost: dict, allowed: float) -> str:
    """What must come off a first view's cost, and whether one part alone is already
    over the whole allowance (then no saving elsewhere can meet the goal)."""
    parts = {
        "rendering": cost.get("render_ms", 0),
        "view and context": cost.get("view_ms", 0),
        "middleware, session and user": cost.get("middleware_ms", 0),
        "SQL": cost["sql_ms"],
    }
    cut = max(cost["ms"] - allowed, 0)
    text = f"To meet it, {cut:.1f} ms ({cut / cost['ms']:.0%}) must come off"
    over = [name for name, ms in parts.items() if ms > allowed]
    if over:
        text += (
            f"; {' and '.join(over)} alone already cost{'s' if len(over) == 1 else ''} "
            f"more than {allowed:.1f} ms, so {'it' if len(over) == 1 else 'each'} must "
            "be made cheaper itself (see docs/SPEED.md for the levers measured)"
        )
    return text + "."


def baseline_of(m: "Measurement") -> float:
    return next((p.rps for p in m.pages if p.path == BASELINE), 0.0)


def report(
    args,
    info: dict,
    measurements: list[Measurement],
    compared: list[Measurement],
    queries: dict,
    loads: list[float],
    two: dict | None = None,
) -> str:
    query_table, check_max, total_10 = queries_section(queries)
    targets: list[Target] = []
    for m in measurements:
        targets += page_targets(
            m.first_views, f"{m.label}, first views", FIRST_VIEW_GOALS
        )
        targets += page_targets(m.pages, f"{m.label}, repeat views", REPEAT_VIEW_GOALS)
        baseline = next((p.rps for p in m.pages if p.path == BASELINE), 0.0)
        targets.append(flow_target(m.label, m.flow, baseline))
        targets.append(error_target(m.label, [*m.pages, *m.first_views], m.flow))
    if two is not None:
        targets += two_server_targets(two)
    targets += query_targets(check_max, total_10)
    database = (
        "PostgreSQL (--database-url)"
        if args.database_url
        else "SQLite (WAL) in a temporary folder"
    )
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); run it again rather than editing this file.",
        "",
        f"- Machine: {info['cores']} cores, {info['cpu']}; {info['platform']}",
        f"- Load average (1 min) when the run began: {loads[0]:.2f} (well above 0 means other "
        f"work shared the {info['cores']} cores and lowered the numbers); during the "
        f"measurements {min(loads):.2f}–{max(loads):.2f}, which counts the bench's own "
        "gunicorn workers, wrk and clients",
        f"- Date: {info['date']}; commit {info['commit']}",
        *(
            [
                "- **The code changed while this ran** (a commit or an uncommitted edit): "
                "the tables may mix two versions; run it again."
            ]
            if info["state"] != info["state_after"]
            else []
        ),
        f"- Software: Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}, SQLite {info['sqlite']}, {info['wrk']}",
        f"- Database: {database}; `DJANGO_CONN_MAX_AGE=60`, DEBUG off, `DJANGO_HTTPS=0`, whitenoise with the manifest storage",
        f"- Cache and sessions: {info['cache']}",
        f"- Load: wrk, {args.connections} connections, {args.wrk_threads} thread(s), {args.duration} s per path, "
        f"{args.runs} runs, medians (non-2xx and socket errors are summed over the runs); "
        "repeat views fetch each page as the signed-in student "
        f"`{STUDENT}`; first views go through {args.first_view_learners} learners' pages in turn "
        "(`bench/rotate.lua`); the ratio is to `/healthz` measured in the same rounds",
        "- **The machine is shared**: other helpers' tests and servers ran on the same 2 cores "
        "during this run, so absolute requests per second move from run to run; the ratios to "
        "`/healthz` measured in the same rounds are what counts.",
        "",
        "## Targets",
        "",
        *[target.line() for target in targets],
        "",
    ]
    for m in measurements:
        stats = m.stats
        generated = (
            f" (`generate_demo_data` took {m.generated_s:.1f} s for the learners it added)"
            if m.generated_s is not None
            else ""
        )
        lines += [
            f"## {m.label}",
            "",
            f"Dataset before the quiz flows of this table added theirs: {stats.get('learners', 0):,} learners, {stats.get('attempts', 0):,} attempts, "
            f"{stats.get('answers', 0):,} answers, {stats.get('progress', 0):,} progress rows{generated}. "
            f"Server: gunicorn, {m.config.label}. Attempts of the student `{STUDENT}`: "
            f"{m.stats.get('student_attempts', 0)}.",
            "",
            "### First views",
            "",
            "Nothing is fetched twice in a row: each request is the next learner's page (their "
            "outline, a lesson, their quiz in progress, their results of a 12-question quiz, "
            "their progress), so a cache of one page cannot serve the next; Check answer posts "
            "an answer to a question not answered before, for fresh learners in each round "
            '("repeated" counts requests made after the list ran out).',
            "",
            pages_table(m.first_views),
            "",
            "Repeated requests after a list ran out: "
            + ", ".join(f"{p.name} {p.wrapped}" for p in m.first_views)
            + ".",
            "",
            "### Repeat views",
            "",
            f"The same page of the same learner (`{STUDENT}`) again and again.",
            "",
            pages_table(m.pages),
            "",
            "### Where the time goes",
            "",
            "Each page served in-process (the WSGI application called directly, no HTTP, one "
            "request at a time, DEBUG off), 40 requests: the median, and the mean split into "
            "middleware, session and user (outside the view; the signed-in user is loaded "
            "before the view runs), SQL (every query), the view building its context, and "
            "the template rendering (both without their SQL). Each of these requests "
            "carries a parameter the page ignores, so none is served from the whole-page "
            "cache (`quizzes/pages.py`): they are first views. The ceiling is what "
            f"{info['cores']} fully busy cores could serve at that cost. The last column is "
            "the same page asked for again (a repeat view), served from the whole-page cache "
            "where the page is one it keeps and `REDIS_URL` is set.",
            "",
            costs_table(m.pages, m.costs, info["cores"]),
            "",
            f"Quiz flow: {m.flow.threads} clients (Python http.client, keep-alive), each as its own "
            "learner, loop over start quiz → quiz page → Check answer on every question (htmx POST "
            "with `X-CSRFToken` and `HX-Request: true`) → Finish quiz → results, "
            f"{args.duration} s per run; the median run:",
            "",
            flow_table([("median", m.flow)]),
            "",
            f"Answered questions (Check answer requests that stored an answer): "
            f"{m.flow.answered_per_s:,.1f}/s, "
            f"{m.flow.answered_per_s / max(baseline_of(m), 1):.3f} × `/healthz` req/s.",
            "",
        ]
        notes = shortfalls(m, info["cores"])
        if notes:
            lines += ["### Why the page goals are not met", "", *notes, ""]
        if m.flow.error_samples:
            lines += [
                "Errors seen: " + "; ".join(f"`{s}`" for s in m.flow.error_samples),
                "",
            ]
    lines += [
        "## Queries of one attempt",
        "",
        "Measured in-process with Django's test client and `CaptureQueriesContext` on a separate "
        "throwaway database (quizzes cycling single, multiple, true/false and short questions). "
        "A commit is an atomic block that commits or a write that autocommits on its own.",
        "",
        query_table,
        "",
    ]
    if two is not None:
        lines += two_server_section(two, args)
    if compared:
        lines += [
            "## Workers: sync vs gthread",
            "",
            f"A quick run ({args.compare_duration} s per path, {args.compare_runs} run(s), medians, "
            "the dataset of the first table, requests per second): both servers run at once and are measured in turn, path "
            "by path, so that other work on the machine weighs on both alike. The default "
            f"(`{DEFAULT_CLASS}`) is the one that did better when it was chosen; `--worker-class` "
            "and `--workers` choose another.",
            "",
            compare_table(compared),
            "",
        ]
    return "\n".join(lines)


def run(args, tmp: Path) -> int:
    load_before = os.getloadavg()[0]
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = django_env(database_url)
    cache_prefix = ""
    if args.no_redis:
        info_cache = "local memory per process (`--no-redis`); sessions in the database"
    else:
        try:
            import redis

            redis.Redis.from_url(args.redis_url, socket_connect_timeout=3).ping()
        except Exception as error:
            info_cache = (
                f"local memory per process (Redis did not answer at {args.redis_url}: "
                f"{error}); sessions in the database"
            )
        else:
            cache_prefix = f"relations-bench-{secrets.token_hex(4)}"
            env.update(REDIS_URL=args.redis_url, DJANGO_CACHE_KEY_PREFIX=cache_prefix)
            info_cache = (
                f"Redis at {args.redis_url} (`REDIS_URL`, as in production: one cache for "
                "every worker, sessions read from it and written through to the database)"
            )
    try:
        return run_with(args, tmp, database_url, env, info_cache, load_before)
    finally:
        if cache_prefix:
            with contextlib.suppress(Exception):
                import redis

                client = redis.Redis.from_url(args.redis_url)
                keys = list(client.scan_iter(match=f"{cache_prefix}:*"))
                if keys:
                    client.delete(*keys)


def run_with(
    args, tmp: Path, database_url: str, env: dict, info_cache: str, load_before: float
) -> int:
    info = machine()
    info["cache"] = info_cache
    info["state"] = code_state()
    config = main_config(args)
    say(f"Temporary folder: {tmp}")
    say("Migrating a throwaway database…")
    manage(env, "migrate", "--no-input")
    say(f"Generating {args.learners:,} demo learners…")
    generated_s, summary = generate(env, args.learners)
    say(f"  {summary}")
    # Counted before the quiz flows add their own attempts.
    first_stats = internal(env, "stats", tmp)
    say("Collecting static files (manifest storage)…")
    manage(env, "collectstatic", "--no-input")
    say(
        "Counting the queries of one attempt (in-process, separate throwaway database)…"
    )
    queries = internal(env, "queries", tmp)
    log = tmp / "gunicorn.log"
    plan: Plan | None = None
    loads = [load_before]
    compared: list[Measurement] = []
    if not args.no_compare:
        say("Quick run, sync vs gthread, both served at once and measured in turn…")
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(Server(env, c, log)) for c in CANDIDATES]
            plan = prepare(servers[0].port, args, env, tmp)
            results = measure(
                [(server.config.worker_class, server.port) for server in servers],
                plan,
                args,
                duration=args.compare_duration,
                runs=args.compare_runs,
                loads=loads,
            )
        for candidate, (pages, flow) in zip(CANDIDATES, results, strict=True):
            compared.append(Measurement(candidate.label, candidate, pages, flow))
    measurements = []
    datasets = [(args.learners, generated_s, first_stats)]
    if args.large and args.learners < LARGE:
        datasets.append((LARGE, None, None))
    for learners, seconds, stats in datasets:
        if seconds is None:
            say(f"Generating demo learners up to {learners:,}…")
            seconds, summary = generate(env, learners)
            say(f"  {summary}")
            stats = internal(env, "stats", tmp)
        label = f"{stats['learners']:,} learners"
        say(f"Measuring {label} with gunicorn {config.label}…")
        with Server(env, config, log) as server:
            plan = plan or prepare(server.port, args, env, tmp)
            [(pages, flow)] = measure(
                [(config.worker_class, server.port)],
                plan,
                args,
                duration=args.duration,
                runs=args.runs,
                loads=loads,
            )
            say("  First views and Check answer…")
            first_views = measure_first_views(server.port, plan, args, tmp, loads=loads)
        say("  Timing each page in-process…")
        costs = internal(
            env,
            "pages",
            tmp,
            {
                "cookie": cookie_header(plan.student),
                "paths": [p for _, p in plan.pages],
            },
        )
        measurements.append(
            Measurement(label, config, pages, flow, stats, seconds, costs, first_views)
        )
        say(pages_table(pages))
        say(pages_table(first_views))
    two = None
    if not args.no_two_servers:
        missing = unreachable(args)
        if missing:
            say(f"Two servers: not run ({missing}).")
            two = {"not_run": missing}
        else:
            two = run_two_servers(args, tmp)
        say("\n".join(two_server_section(two, args)))
    loads.append(os.getloadavg()[0])
    info["state_after"] = code_state()
    if info["state"] != info["state_after"]:
        say("Warning: the code changed while the benchmark ran; run it again.")
    text = report(args, info, measurements, compared, queries, loads, two)
    Path(args.output).write_text(text + "\n")
    say("")
    say(text)
    say(f"\nWritten to {args.output}")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.internal:
        return internal_main(args)
    if shutil.which("wrk") is None:
        say("wrk is not installed (Debian: apt-get install wrk).")
        return 2
    # A plain `kill` unwinds like Ctrl-C, so that gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tmp = Path(tempfile.mkdtemp(prefix="relations-bench-"))
    try:
        return run(args, tmp)
    except KeyboardInterrupt:
        say("Interrupted; gunicorn stopped.")
        return 130
    finally:
        if args.keep:
            say(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
