"""python -m mutation [NAME ...]: run mutmut on each target and write MUTATION.md.

Each target runs in its own scratch copy of the project (.mutation/NAME/), so the work
tree is never touched and the targets can have different test selections. mutmut
(3.x) mutates only the target's file, runs only the selected tests that cover each
mutated function, and keeps its results in the copy; this script reads them back and
writes the report. Survivors that no test can kill are explained in
``mutation/equivalent.py``; any other survivor is listed as "to kill".
"""

import argparse
import ast
import datetime
import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from mutation import FINDINGS, TARGETS, Target
from mutation.equivalent import EQUIVALENT

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"
REPORT = ROOT / "MUTATION.md"
MUTMUT = Path(sys.executable).parent / "mutmut"
# What the tests need besides the packages: templates, static files, course content.
ALSO_COPY = ["templates", "static", "content", "manage.py", "tests"]


@dataclass
class Outcome:
    target: Target
    statuses: dict[str, str] = field(default_factory=dict)  # mutant name -> status
    diffs: dict[str, str] = field(default_factory=dict)  # survivor -> its diff
    seconds: float = 0.0
    commit: str = ""

    def count(self, *statuses: str) -> int:
        return sum(1 for status in self.statuses.values() if status in statuses)

    @property
    def total(self) -> int:
        # "no tests" mutants count as survivors: nothing would notice them.
        return self.count("killed", "survived", "no tests", "timeout", "suspicious")

    @property
    def killed(self) -> int:
        return self.count("killed", "timeout")

    @property
    def survivors(self) -> list[str]:
        return [
            name
            for name, status in self.statuses.items()
            if status in {"survived", "no tests", "suspicious"}
        ]

    @property
    def percentage(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 100.0


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def prepare(target: Target) -> Path:
    """A fresh copy of the project with mutmut configured for this target."""
    work = SCRATCH / target.name
    shutil.rmtree(work, ignore_errors=True)
    for name in project_files():
        destination = work / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    package = target.module.split("/")[0]
    config = [
        "",
        "[tool.mutmut]",
        f"source_paths = {sorted({package, 'quizzes', 'relations'})!r}",
        f"only_mutate = [{target.module!r}]",
        f"also_copy = {ALSO_COPY!r}",
        'pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:xdist", "-q"]',
        f"pytest_add_cli_args_test_selection = {list(target.tests)!r}",
        "",
    ]
    with (work / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n".join(config).replace("'", '"'))
    if target.functions:
        only_functions(work / target.module, target.functions)
    (work / "commit").write_text(commit() + "\n")
    return work


def only_functions(path: Path, functions: tuple[str, ...]) -> None:
    """Keep mutmut to these functions: every other line that can carry a comment gets
    mutmut's `# pragma: no mutate` (in the scratch copy only)."""
    source = path.read_text()
    keep: set[int] = set()
    found: set[str] = set()

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                if name in functions:
                    found.add(name)
                    first = min(
                        [child.lineno, *(d.lineno for d in child.decorator_list)]
                    )
                    keep.update(range(first, child.end_lineno + 1))

    visit(ast.parse(source), "")
    if missing := set(functions) - found:
        raise SystemExit(f"Not in {path.name}: {', '.join(sorted(missing))}")
    # A comment fits where a line ends outside any string: at NEWLINE and NL tokens.
    ends = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type in {tokenize.NEWLINE, tokenize.NL}
    }
    lines = source.splitlines()
    for number in sorted(ends - keep):
        if lines[number - 1].strip():
            lines[number - 1] += "  # pragma: no mutate"
    path.write_text("\n".join(lines) + "\n")


def mutmut(work: Path, *args: str, check: bool = True) -> str:
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    env.pop("DATABASE_URL", None)  # SQLite in memory: the fastest test database
    result = subprocess.run(
        [str(MUTMUT), *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        # A long, CPU-bound run on a shared machine: let interactive work go first.
        preexec_fn=lambda: os.nice(10),
    )
    if check and result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"mutmut {' '.join(args)} failed in {work}")
    return result.stdout


def run(target: Target, max_children: int) -> Outcome:
    work = prepare(target)
    started = datetime.datetime.now()
    say(f"== {target.name}: mutating {target.module}")
    mutmut(work, "run", "--max-children", str(max_children))
    seconds = (datetime.datetime.now() - started).total_seconds()
    (work / "seconds").write_text(f"{seconds:.0f}\n")
    outcome = collect(target)
    say(
        f"   {outcome.killed}/{outcome.total} killed ({outcome.percentage:.1f}%), "
        f"{len(outcome.survivors)} survived, {outcome.seconds:.0f} s"
    )
    return outcome


def collect(target: Target) -> Outcome | None:
    """The results of the target's last run, read back from its scratch copy."""
    work = SCRATCH / target.name
    if not (work / "mutants").is_dir():
        return None
    outcome = Outcome(target=target)
    if (work / "commit").is_file():
        outcome.commit = (work / "commit").read_text().strip()
    if (work / "seconds").is_file():
        outcome.seconds = float((work / "seconds").read_text())
    for line in mutmut(work, "results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            outcome.statuses[name] = status
    for name in outcome.survivors:
        outcome.diffs[name] = mutmut(work, "show", name, check=False)
    return outcome


def mutated_lines(diff: str) -> str:
    """The mutant's own lines (the + side of its diff), the key for an explanation."""
    lines = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    return "\n".join(lines)


def function_of(name: str) -> str:
    """quizzes.grading.x_grade_short__mutmut_3 -> grade_short (methods: Class.method)."""
    last = name.rsplit(".", 1)[-1]
    last = re.sub(r"__mutmut_\d+$", "", last)
    last = re.sub(r"^x[_ǁ]", "", last)
    return last.replace("ǁ", ".").strip(".")


def explanation(outcome: Outcome, name: str) -> str | None:
    key = (outcome.target.module, function_of(name), mutated_lines(outcome.diffs[name]))
    return EQUIVALENT.get(key)


def commit() -> str:
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return described or "unknown"


def write_report(outcomes: list[Outcome]) -> None:
    version = importlib.metadata.version("mutmut")
    lines = [
        "# Mutation testing",
        "",
        f"Run by `make mutate` (mutmut {version}) on {datetime.date.today():%Y-%m-%d}, "
        f"commit `{commit()}`. Each module's mutants run against the tests listed for it "
        "in `mutation/__init__.py` (mutmut runs, per mutant, only those of them that "
        "call the mutated function). A survivor is either killed by a new test or "
        "explained as equivalent (`mutation/equivalent.py`): a change of code that no "
        "learner, teacher or caller could notice.",
        "",
        "`make mutate` runs every target, one after the other, each with two mutmut "
        "workers (`--max-children 2`) at a lower CPU priority (nice 10); "
        "`make mutate MUTATE_ARGS=gift` runs one, and `python -m mutation --report-only` "
        "rewrites this report from the last run of each target. A run that is cut short "
        'says so below (mutants "not checked").',
        "",
        "| module | mutants | killed | survived | killed % | goal | equivalent | unexplained | time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    details = []
    for outcome in outcomes:
        explained = {
            name: explanation(outcome, name)
            for name in outcome.survivors
            if explanation(outcome, name)
        }
        unexplained = [name for name in outcome.survivors if name not in explained]
        met = "met" if outcome.percentage >= outcome.target.goal else "NOT met"
        lines.append(
            f"| `{outcome.target.module}` | {outcome.total} | {outcome.killed} | "
            f"{len(outcome.survivors)} | {outcome.percentage:.1f} | "
            f"{outcome.target.goal} ({met}) | {len(explained)} | {len(unexplained)} | "
            f"{outcome.seconds / 60:.1f} min |"
        )
        details += ["", f"## `{outcome.target.module}`", ""]
        details.append(
            "Tests: " + ", ".join(f"`{test}`" for test in outcome.target.tests) + "."
        )
        if outcome.target.functions:
            details.append(
                "Functions: "
                + ", ".join(f"`{name}`" for name in outcome.target.functions)
                + "."
            )
        if outcome.commit:
            details.append(f"Run at commit `{outcome.commit}`.")
        unchecked = outcome.count("not checked")
        if unchecked:
            details.append(
                f"**Incomplete run: {unchecked} mutants were not checked** "
                "(the counts above are of the checked ones)."
            )
        if not outcome.survivors:
            details += ["", "Every mutant was killed."]
        for name in outcome.survivors:
            reason = explained.get(name, "**Unexplained: to kill.**")
            diff = "\n".join(
                line
                for line in outcome.diffs[name].splitlines()
                if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
            )
            details += [
                "",
                f"- `{name}` ({outcome.statuses[name]}): {reason}",
                "",
                "  ```diff",
                *(f"  {line}" for line in diff.splitlines()),
                "  ```",
            ]
    findings = ["", "## Found along the way", ""] + [f"- {text}" for text in FINDINGS]
    REPORT.write_text("\n".join([*lines, *details, *findings, ""]))
    say(f"Wrote {REPORT.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="run nothing: write MUTATION.md from the last run of each target",
    )
    args = parser.parse_args()
    unknown = set(args.names) - {target.name for target in TARGETS}
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    chosen = [t for t in TARGETS if not args.names or t.name in args.names]
    fresh = (
        {} if args.report_only else {t.name: run(t, args.max_children) for t in chosen}
    )
    # The report covers every target run so far; those not run now keep their last run.
    outcomes = [fresh.get(t.name) or collect(t) for t in TARGETS]
    outcomes = [outcome for outcome in outcomes if outcome is not None]
    write_report(outcomes)
    missed = [o.target.name for o in outcomes if o.percentage < o.target.goal]
    if missed:
        raise SystemExit(f"Below the goal: {', '.join(missed)}")


if __name__ == "__main__":
    main()
