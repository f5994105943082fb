"""The benchmark's pure parts: reading wrk's report, reading pages, summing up, judging.

``python -m bench`` (bench/__main__.py) runs the benchmark; everything here works on
strings and numbers only, so that it is unit-tested without a server.
"""

import html
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Targets (see BENCHMARKS.md).
PAGE_RATIO_TARGET = 0.3
FLOW_RATIO_TARGET = 0.2
# Issue 16's goals, × /healthz req/s measured in the same run, by page.
FIRST_VIEW_GOALS = {
    "Course outline": 0.3,
    "Lesson": 0.3,
    "My progress": 0.3,
    "Quiz in progress": 0.15,
    "Results": 0.15,
    "Check answer": 0.3,
}
REPEAT_VIEW_GOALS = {"Course outline": 0.3, "Lesson": 0.3, "Results": 0.3}
CHECK_QUERIES_TARGET = 8
ATTEMPT_QUERIES_TARGET = 80
BASELINE = "/healthz"


@dataclass(frozen=True)
class WrkResult:
    """One wrk run, as bench/report.lua prints it."""

    requests: int
    duration_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    wrapped: int = 0  # requests after a rotation's list was used up (bench/rotate.lua)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def parse_wrk(output: str) -> WrkResult:
    """The numbers of the ``BENCH key=value …`` line that report.lua writes."""
    line = next(
        (line for line in output.splitlines() if line.startswith("BENCH ")), None
    )
    if line is None:
        raise ValueError(f"wrk printed no BENCH line:\n{output}")
    values = {}
    for pair in line.split()[1:]:
        key, _, value = pair.partition("=")
        values[key] = float(value)
    micro = 1000.0
    return WrkResult(
        requests=int(values["requests"]),
        duration_s=values["duration_us"] / 1_000_000,
        p50_ms=values["p50_us"] / micro,
        p90_ms=values["p90_us"] / micro,
        p99_ms=values["p99_us"] / micro,
        max_ms=values["max_us"] / micro,
        non2xx=int(values["non2xx"]),
        socket_errors=int(
            sum(values.get(key, 0) for key in ("connect", "read", "write", "timeout"))
        ),
        wrapped=int(values.get("wrapped", 0)),
    )


@dataclass
class PageResult:
    """The medians of several wrk runs on one path."""

    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int
    runs: int
    ratio: float | None = None
    wrapped: int = 0

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def summarize(name: str, path: str, runs: Sequence[WrkResult]) -> PageResult:
    """Medians of rate and latency; error counts are summed over the runs."""
    if not runs:
        raise ValueError(f"no runs for {path}")
    return PageResult(
        name=name,
        path=path,
        rps=statistics.median(run.rps for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p99_ms=statistics.median(run.p99_ms for run in runs),
        non2xx=sum(run.non2xx for run in runs),
        socket_errors=sum(run.socket_errors for run in runs),
        runs=len(runs),
        wrapped=sum(run.wrapped for run in runs),
    )


def with_ratios(
    pages: Sequence[PageResult], baseline: str = BASELINE
) -> list[PageResult]:
    """Each page's rate as a fraction of the baseline's, measured in the same run."""
    base = next((page for page in pages if page.path == baseline), None)
    for page in pages:
        page.ratio = page.rps / base.rps if base and base.rps else None
    return list(pages)


def pages_table(pages: Sequence[PageResult]) -> str:
    """A Markdown table of the pages, the baseline first."""
    lines = [
        "| page | path | req/s | × /healthz | p50 ms | p99 ms | non-2xx | socket errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for page in pages:
        ratio = f"{page.ratio:.2f}" if page.ratio is not None else "–"
        lines.append(
            f"| {page.name} | `{page.path}` | {page.rps:,.0f} | {ratio} | {page.p50_ms:.1f} "
            f"| {page.p99_ms:.1f} | {page.non2xx} | {page.socket_errors} |"
        )
    return "\n".join(lines)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


@dataclass
class FlowResult:
    """Learners taking whole quizzes: start, check every answer, finish, see results."""

    threads: int
    seconds: float
    finished: int
    requests: int
    errors: int
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    answered: int = 0  # Check answer requests that stored an answer

    @property
    def attempts_per_s(self) -> float:
        return self.finished / self.seconds if self.seconds else 0.0

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def answered_per_s(self) -> float:
        """Answers stored by Check answer, per second."""
        return self.answered / self.seconds if self.seconds else 0.0

    def latency(self, step: str, fraction: float) -> float:
        return percentile(self.latencies_ms.get(step, []), fraction)


def merge_flows(flows: Sequence[FlowResult]) -> FlowResult:
    """The median run by finished attempts per second, with every run's errors."""
    ordered = sorted(flows, key=lambda flow: flow.attempts_per_s)
    middle = ordered[(len(ordered) - 1) // 2]
    return FlowResult(
        threads=middle.threads,
        seconds=middle.seconds,
        finished=middle.finished,
        requests=middle.requests,
        errors=sum(flow.errors for flow in flows),
        latencies_ms=middle.latencies_ms,
        error_samples=[sample for flow in flows for sample in flow.error_samples][:5],
        answered=middle.answered,
    )


@dataclass(frozen=True)
class Target:
    description: str
    met: bool
    detail: str

    def line(self) -> str:
        return f"- {'met' if self.met else '**not met**'}: {self.description} — {self.detail}"


def page_targets(
    pages: Iterable[PageResult], label: str, goals: dict[str, float] | None = None
) -> list[Target]:
    """Each page at its goal (by page name; 0.3 × /healthz when not given) or more.

    With ``goals`` given, pages it does not name are reported in the tables only."""
    targets = []
    for page in pages:
        if page.path == BASELINE or page.ratio is None:
            continue
        goal = PAGE_RATIO_TARGET if goals is None else goals.get(page.name)
        if goal is None:
            continue
        met = page.ratio >= goal
        detail = f"{page.ratio:.2f} × /healthz"
        if not met:
            short = (goal - page.ratio) / goal
            detail += f", {short:.0%} short of {goal} × (needs {page.rps / page.ratio * goal:,.0f} req/s, has {page.rps:,.0f})"
        targets.append(
            Target(f"{label}: {page.name} ≥ {goal} × /healthz req/s", met, detail)
        )
    return targets


def flow_target(label: str, flow: "FlowResult", baseline_rps: float) -> Target:
    """Answered questions per second in the quiz flow against /healthz requests per second."""
    ratio = flow.answered_per_s / baseline_rps if baseline_rps else 0.0
    met = ratio >= FLOW_RATIO_TARGET
    detail = (
        f"{flow.answered_per_s:,.0f} answered/s = {ratio:.3f} × /healthz "
        f"({baseline_rps:,.0f} req/s)"
    )
    if not met:
        detail += f", needs {baseline_rps * FLOW_RATIO_TARGET:,.0f} answered/s"
    return Target(
        f"{label}: quiz flow answered questions/s ≥ {FLOW_RATIO_TARGET} × /healthz req/s",
        met,
        detail,
    )


def error_target(
    label: str, pages: Iterable[PageResult], flow: FlowResult | None
) -> Target:
    page_errors = sum(page.errors for page in pages)
    flow_errors = flow.errors if flow else 0
    return Target(
        f"{label}: 0 errors",
        page_errors == 0 and flow_errors == 0,
        f"{page_errors} on the pages (non-2xx and socket errors), {flow_errors} in the quiz flow",
    )


def query_targets(check_max: int, attempt_total: int) -> list[Target]:
    def gap(value: int, limit: int) -> str:
        return (
            f"{value} (limit {limit})"
            if value <= limit
            else f"{value}, {value - limit} over the limit of {limit}"
        )

    return [
        Target(
            f"≤ {CHECK_QUERIES_TARGET} queries per Check answer",
            check_max <= CHECK_QUERIES_TARGET,
            gap(check_max, CHECK_QUERIES_TARGET),
        ),
        Target(
            f"≤ {ATTEMPT_QUERIES_TARGET} queries for a whole 10-question attempt",
            attempt_total <= ATTEMPT_QUERIES_TARGET,
            gap(attempt_total, ATTEMPT_QUERIES_TARGET),
        ),
    ]


# Reading the pages, as a browser would.

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_LESSON_LINK = re.compile(r'class="lesson-item">\s*<a href="([^"]+)"')
_START_FORM = re.compile(r'action="([^"]+/quiz/start)"')
_QUESTION_ACTION = re.compile(r'action="(/attempts/\d+/questions/\d+/)"')
_CHOICE = re.compile(r'type="(radio|checkbox)" name="choice" value="(\d+)"')
_SELECT = re.compile(r'<select name="(match-\d+)"[^>]*>(.*?)</select>', re.S)
_OPTION = re.compile(r"<option([^>]*)>([^<]*)</option>")
_LOCKED = re.compile(r"<(?:input|select)[^>]*\sdisabled[\s>]")
_ATTEMPT = re.compile(r"^/attempts/(\d+)/$")
_CHECK_PATH = re.compile(r"^/attempts/(\d+)/questions/(\d+)/$")
SLIP_MARK = '<p class="error" role="alert"'


def check_ids(action: str) -> tuple[int, int]:
    """(attempt id, question id) of a Check answer form's action."""
    match = _CHECK_PATH.match(action)
    if not match:
        raise ValueError(f"not a Check answer path: {action}")
    return int(match.group(1)), int(match.group(2))


def csrf_field(page: str) -> str:
    match = _CSRF_FIELD.search(page)
    if not match:
        raise ValueError("no csrfmiddlewaretoken on the page")
    return match.group(1)


def lesson_links(page: str) -> list[str]:
    return [html.unescape(link) for link in _LESSON_LINK.findall(page)]


def start_action(page: str) -> str:
    match = _START_FORM.search(page)
    if not match:
        raise ValueError("no quiz start form on the lesson page")
    return html.unescape(match.group(1))


def attempt_id(location: str) -> int:
    """The id in a redirect to /attempts/<id>/ (the quiz page), else ValueError."""
    path = re.sub(r"^https?://[^/]+", "", location).split("#")[0]
    match = _ATTEMPT.match(path)
    if not match:
        raise ValueError(f"not a quiz page: {location}")
    return int(match.group(1))


@dataclass(frozen=True)
class QuestionForm:
    """One question's "Check answer" form: where it posts and what may be sent."""

    action: str
    kind: str  # radio, checkbox, text or matching
    choices: tuple[str, ...] = ()
    selects: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def answer(self, pick) -> dict[str, list[str] | str]:
        """Form fields for an answer; ``pick(options)`` chooses one option."""
        if self.kind == "radio":
            return {"choice": [pick(self.choices)]}
        if self.kind == "checkbox":
            first = pick(self.choices)
            second = pick(self.choices)
            return {"choice": sorted({first, second})}
        if self.kind == "matching":
            return {name: pick(options) for name, options in self.selects}
        return {"text": pick(("Danube", "42", "not sure", "Tehran"))}


def question_forms(page: str) -> list[QuestionForm]:
    """The open "Check answer" forms of a quiz page, in page order."""
    forms = []
    for card in page.split('<section id="question-')[1:]:
        action = _QUESTION_ACTION.search(card)
        if not action:
            continue
        body = card.split("</form>")[0]
        if _LOCKED.search(body):
            continue  # already checked: locked
        choices = _CHOICE.findall(body)
        selects = _SELECT.findall(body)
        if choices:
            kind = choices[0][0]
            forms.append(
                QuestionForm(
                    action.group(1), kind, tuple(value for _, value in choices)
                )
            )
        elif selects:
            options = tuple(
                (
                    name,
                    tuple(
                        html.unescape(text)
                        for attributes, text in _OPTION.findall(inner)
                        if 'value=""' not in attributes
                    ),
                )
                for name, inner in selects
            )
            forms.append(QuestionForm(action.group(1), "matching", selects=options))
        else:
            forms.append(QuestionForm(action.group(1), "text"))
    return forms
