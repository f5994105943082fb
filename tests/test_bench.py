import contextlib
import random
import re
from pathlib import Path

import pytest
from django.urls import reverse

import bench
from bench import (
    FlowResult,
    PageResult,
    WrkResult,
    attempt_id,
    csrf_field,
    error_target,
    lesson_links,
    merge_flows,
    page_targets,
    pages_table,
    parse_wrk,
    percentile,
    query_targets,
    question_forms,
    start_action,
    summarize,
    with_ratios,
)
from bench.__main__ import Browser, TransactionCounter, main_config, parse_args

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   10.01ms 120.00ms   70.00%
  4000 requests in 10.00s, 80.00MB read
Requests/sec:    400.00
BENCH requests=4000 duration_us=10000000 p50_us=38500 p90_us=52000 p99_us=98000 max_us=120000 non2xx=3 connect=0 read=1 write=0 timeout=2 status=0
"""


def wrk_result(
    rps: float, p50: float = 10, p99: float = 50, non2xx: int = 0
) -> WrkResult:
    return WrkResult(
        requests=int(rps * 10),
        duration_s=10,
        p50_ms=p50,
        p90_ms=p99,
        p99_ms=p99,
        max_ms=p99,
        non2xx=non2xx,
        socket_errors=0,
    )


def page(path: str, rps: float) -> PageResult:
    return PageResult(path, path, rps, 1.0, 2.0, 0, 0, 3)


def test_parse_wrk_reads_rate_percentiles_and_errors():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests == 4000
    assert result.rps == pytest.approx(400)
    assert (result.p50_ms, result.p99_ms) == (38.5, 98.0)
    assert result.non2xx == 3
    assert result.socket_errors == 3


def test_parse_wrk_without_the_report_line_says_so():
    with pytest.raises(ValueError, match="no BENCH line"):
        parse_wrk(
            "Running 10s test\nunable to connect to 127.0.0.1:8000 Connection refused\n"
        )


def test_the_lua_script_prints_every_number_parse_wrk_reads():
    script = (Path(bench.__file__).parent / "report.lua").read_text()
    printed = set(re.findall(r"(\w+)=%", script))
    assert {
        "requests",
        "duration_us",
        "p50_us",
        "p90_us",
        "p99_us",
        "max_us",
        "non2xx",
    } <= printed
    assert {"connect", "read", "write", "timeout"} <= printed


def test_summarize_takes_medians_and_adds_up_errors():
    runs = [
        wrk_result(300, 10, 80, 1),
        wrk_result(100, 30, 90),
        wrk_result(200, 20, 70, 2),
    ]
    result = summarize("Outline", "/", runs)
    assert result.rps == pytest.approx(200)
    assert (result.p50_ms, result.p99_ms) == (20, 80)
    assert result.non2xx == 3
    assert result.errors == 3


def test_ratios_are_to_the_health_check_of_the_same_run():
    pages = with_ratios(
        [page("/healthz", 2000), page("/", 500), page("/progress/", 400)]
    )
    assert [p.ratio for p in pages] == [1.0, 0.25, 0.2]
    table = pages_table(pages)
    assert table.splitlines()[2].startswith("| /healthz | `/healthz` | 2,000 | 1.00 |")
    assert "| 0.25 |" in table


def test_page_targets_state_the_gap_of_a_slow_page():
    pages = with_ratios([page("/healthz", 2000), page("/", 500), page("/lesson/", 800)])
    slow, fast = page_targets(pages, "100 learners")
    assert not slow.met
    assert "0.25 × /healthz, 17% short" in slow.detail
    assert "needs 600 req/s, has 500" in slow.detail
    assert fast.met
    assert "not met" in slow.line()


def test_query_targets_count_over_the_limit():
    check, attempt = query_targets(check_max=10, attempt_total=80)
    assert not check.met
    assert "2 over the limit of 8" in check.detail
    assert attempt.met


def test_any_error_misses_the_error_target():
    pages = [page("/healthz", 100), PageResult("Results", "/r", 10, 1, 2, 1, 0, 3)]
    assert not error_target("x", pages, None).met
    flow = FlowResult(threads=2, seconds=10, finished=5, requests=50, errors=0)
    assert error_target("x", pages[:1], flow).met


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([], 0.5) == 0


def test_merge_flows_keeps_the_median_run_and_every_error():
    runs = [
        FlowResult(threads=16, seconds=10, finished=n, requests=n * 14, errors=e)
        for n, e in ((30, 0), (10, 2), (20, 1))
    ]
    merged = merge_flows(runs)
    assert merged.attempts_per_s == pytest.approx(2.0)
    assert merged.requests_per_s == pytest.approx(28.0)
    assert merged.errors == 3


def test_links_tokens_and_redirects_are_read_from_pages():
    outline = '<li class="lesson-item">\n  <a href="/course/first-lesson/">First</a>'
    assert lesson_links(outline) == ["/course/first-lesson/"]
    assert (
        csrf_field('<input type="hidden" name="csrfmiddlewaretoken" value="abc">')
        == "abc"
    )
    assert (
        start_action('<form method="post" action="/course/one/quiz/start">')
        == "/course/one/quiz/start"
    )
    assert attempt_id("/attempts/42/") == 42
    assert attempt_id("http://127.0.0.1:8000/attempts/7/") == 7
    with pytest.raises(ValueError):
        attempt_id("/course/one/")


def test_cookies_are_kept_replaced_and_deleted():
    browser = Browser(port=1)
    browser._keep_cookies(
        ["csrftoken=abc; expires=Wed; Max-Age=31449600; Path=/; SameSite=Lax"]
    )
    browser._keep_cookies(["sessionid=s1; HttpOnly; Path=/", "csrftoken=def; Path=/"])
    assert browser.cookies == {"csrftoken": "def", "sessionid": "s1"}
    browser._keep_cookies(
        ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/']
    )
    assert browser.cookies == {"csrftoken": "def"}


def test_options_pick_the_default_workers_of_each_class():
    assert main_config(parse_args([])).label == "sync, 5 workers"
    assert main_config(parse_args(["--worker-class", "sync"])).workers == 5
    gthread = main_config(parse_args(["--worker-class", "gthread"]))
    assert (gthread.workers, gthread.threads) == (2, 8)
    assert (
        main_config(parse_args(["--worker-class", "sync", "--workers", "3"])).label
        == "sync, 3 workers"
    )
    with pytest.raises(SystemExit):
        parse_args(["--learners", "1"])


@pytest.mark.django_db
def test_question_forms_read_the_real_quiz_page(student_client, section):
    start = reverse("quizzes:start_quiz", args=[section.article.slug, section.slug])
    attempt_url = student_client.post(start).url
    forms = question_forms(student_client.get(attempt_url).content.decode())
    assert sorted(form.kind for form in forms) == ["checkbox", "radio", "radio", "text"]
    radio = next(form for form in forms if form.kind == "radio")
    fields = radio.answer(random.Random(1).choice)
    assert (
        student_client.post(
            radio.action, fields, headers={"HX-Request": "true"}
        ).status_code
        == 200
    )
    # A checked answer is locked: its form is no longer offered.
    after = question_forms(student_client.get(attempt_url).content.decode())
    assert len(after) == 3
    assert radio.action not in {form.action for form in after}


class FakeConnection:
    """Just what TransactionCounter touches of a Django connection."""

    def __init__(self):
        self.in_atomic_block = False
        self.committed = 0
        self.wrappers = []

    def commit(self):
        self.committed += 1

    @contextlib.contextmanager
    def execute_wrapper(self, wrapper):
        self.wrappers.append(wrapper)
        yield
        self.wrappers.remove(wrapper)

    def execute(self, sql: str) -> None:
        def run(sql, params, many, context):
            return None

        for wrapper in self.wrappers:
            wrapper(run, sql, None, False, {})


def test_transaction_counter_counts_atomic_commits_and_autocommitted_writes():
    fake = FakeConnection()
    with TransactionCounter(fake) as counter:
        fake.execute("SELECT 1")
        fake.execute("UPDATE quizzes_progress SET read_at = 1")  # autocommits alone
        fake.in_atomic_block = True
        fake.execute("SAVEPOINT s1")
        fake.execute("INSERT INTO quizzes_answer VALUES (1)")
        fake.commit()
        fake.in_atomic_block = False
    fake.commit()  # after the block: no longer counted
    assert (counter.commits, counter.autocommit_writes, counter.savepoints) == (1, 1, 1)
    assert counter.transactions == 2
    assert fake.committed == 2


def test_wrapped_requests_of_a_rotation_are_read_and_summed():
    line = WRK_OUTPUT.replace("status=0", "status=0 wrapped=7")
    assert parse_wrk(line).wrapped == 7
    assert parse_wrk(WRK_OUTPUT).wrapped == 0
    runs = [parse_wrk(line), parse_wrk(line)]
    assert summarize("Outline", "/", runs).wrapped == 14


def test_rotation_lines_carry_cookie_csrf_and_htmx_for_posts_only():
    from bench.__main__ import rotation_line

    cookies = {"csrftoken": "tok", "sessionid": "abc"}
    get = rotation_line("GET", "/", cookies).split("\t")
    assert get == ["GET", "/", "csrftoken=tok; sessionid=abc", "", "0", ""]
    post = rotation_line("POST", "/a/", cookies, htmx=True, body="choice=1").split("\t")
    assert post[3:] == ["tok", "1", "choice=1"]
    with pytest.raises(ValueError):
        rotation_line("POST", "/a/", cookies, body="x\ty")


def test_stored_answers_are_compared_with_the_accepted_ones():
    from bench.__main__ import compare_stored

    exact = compare_stored({"1": [10, 11]}, {"1": {10: 1, 11: 1}})
    assert exact == {
        "accepted": 2,
        "stored": 2,
        "missing": 0,
        "duplicated": 0,
        "unexpected": 0,
    }
    wrong = compare_stored({"1": [10, 11], "2": [5]}, {"1": {10: 2, 12: 1}})
    assert (wrong["missing"], wrong["duplicated"], wrong["unexpected"]) == (2, 1, 1)


def test_flow_target_compares_answered_questions_with_the_health_check():
    from bench import FLOW_RATIO_TARGET, flow_target

    flow = FlowResult(threads=4, seconds=10, finished=1, requests=9, errors=0)
    flow.answered = 1000  # 100 a second
    assert flow_target("x", flow, 100 / FLOW_RATIO_TARGET).met
    missed = flow_target("x", flow, 1000)
    assert not missed.met
    assert "0.100 × /healthz" in missed.detail
    assert "needs 200 answered/s" in missed.detail


def test_first_view_goals_name_only_the_pages_of_the_issue():
    from bench import FIRST_VIEW_GOALS

    pages = with_ratios(
        [
            page("/healthz", 1000),
            page("/", 400),
            PageResult("Other", "/o", 1, 1, 1, 0, 0, 1),
        ]
    )
    pages[1].name = "Course outline"
    [outline] = page_targets(pages, "first views", FIRST_VIEW_GOALS)
    assert outline.met and "Course outline ≥ 0.3" in outline.description


def results_costs(*, kept_ms: float) -> list[dict]:
    """/healthz and a Results page at /r costing 14 ms in-process on a first view."""
    return [
        {"path": "/healthz", "ms": 0.2, "sql_ms": 0},
        {
            "path": "/r",
            "ms": 14.0,
            "sql_ms": 0.4,
            "render_ms": 7.0,
            "view_ms": 5.0,
            "middleware_ms": 1.6,
            "kept_ms": kept_ms,
        },
    ]


def test_shortfalls_say_what_a_slow_page_costs_and_may_cost():
    from bench.__main__ import Measurement, WorkerConfig, shortfalls

    pages = with_ratios([page("/healthz", 2000), page("/r", 100)])
    pages[1].name = "Results"
    pages[0].name = "Health check (baseline)"
    costs = results_costs(kept_ms=3.0)
    m = Measurement("x", WorkerConfig("sync", 5), pages, None, costs=costs)
    [note] = shortfalls(m, cores=2)
    # /healthz: 2 cores / 2000 req/s = 1 ms a request, 0.8 ms of it gunicorn and HTTP;
    # Results at 0.3 × may cost 1 / 0.3 - 0.8 = 2.5 ms in-process.
    assert "Results (repeat views): 0.05 × /healthz" in note
    # A repeat view is served from the whole-page cache: its own cost is what counts.
    assert "A repeat view costs 3.0 ms in-process" in note
    assert "at most 2.5 ms" in note


def test_shortfalls_of_a_first_view_split_what_building_the_page_costs():
    from bench.__main__ import Measurement, WorkerConfig, shortfalls

    pages = with_ratios([page("/healthz", 2000), page("/r", 1900)])
    first = with_ratios([page("/healthz", 2000), page("/r", 100)])
    for listed in (pages, first):
        listed[0].name, listed[1].name = "Health check (baseline)", "Results"
    costs = results_costs(kept_ms=0.5)
    m = Measurement("x", WorkerConfig("sync", 5), pages, None, costs=costs)
    m.first_views = first
    [note] = shortfalls(m, cores=2)
    # Results' first-view goal is 0.15 ×: 1 / 0.15 - 0.8 = 5.9 ms in-process.
    assert "Results (first views): 0.05 × /healthz" in note
    assert "costs 14.0 ms in-process (rendering 7.0" in note
    assert "at most 5.9 ms" in note
    # 14.0 - 5.9 ms must come off, and rendering (7.0 ms) alone is over the allowance.
    assert (
        "To meet it, 8.1 ms (58%) must come off; rendering alone already costs" in note
    )
