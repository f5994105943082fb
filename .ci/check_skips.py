"""Fail a CI pass that skipped a test it should have run.

    python .ci/check_skips.py --database sqlite|postgresql JUNIT_XML POSTGRES_IDS

JUNIT_XML is the pass's `pytest --junitxml` report; POSTGRES_IDS lists the node ids of
the tests marked `postgres` (`pytest -m postgres --collect-only -q`).

The allow-list, the only skips CI accepts:
- tests marked `postgres` (they need PostgreSQL) may skip in the SQLite pass, and only
  there; in the PostgreSQL pass every one of them must have run and passed.
Nothing else may skip: not the browser tests, not the Moodle conformance tests (they read
../shared/conformance, which CI lays beside the clone), not anything added later. An
expected failure (xfail) is not a skip and is not counted here.
"""

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def junit_id(node_id: str) -> str:
    """tests/a/test_b.py::TestC::test_d[x] -> tests.a.test_b.TestC::test_d[x]."""
    path, *parts = node_id.split("::")
    module = path.removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[:-1]]) + "::" + parts[-1] if parts else module


def read_postgres_ids(path: Path) -> set[str]:
    ids = set()
    for line in path.read_text().splitlines():
        line = line.strip()
        if "::" in line:  # the summary line ("3 tests collected") is not an id
            ids.add(junit_id(line))
    return ids


def outcomes(junit: Path) -> dict[str, str]:
    """Each test case's id and what became of it: passed, failed, skipped or xfail."""
    results = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        skipped = case.find("skipped")
        if skipped is not None:
            is_xfail = skipped.get("type") == "pytest.xfail"
            results[test_id] = "xfail" if is_xfail else "skipped"
        elif case.find("failure") is not None or case.find("error") is not None:
            results[test_id] = "failed"
        else:
            results[test_id] = "passed"
    return results


def problems(database: str, results: dict[str, str], postgres: set[str]) -> list[str]:
    found = []
    if not results:
        found.append("the report lists no tests at all")
    if not postgres:
        found.append("no test is marked postgres: the marker list was not collected")
    for test_id, outcome in sorted(results.items()):
        if outcome != "skipped":
            continue
        if database == "sqlite" and test_id in postgres:
            continue  # allowed: needs PostgreSQL
        found.append(f"skipped: {test_id}")
    if database == "postgresql":
        ran = {test_id for test_id, outcome in results.items() if outcome == "passed"}
        missing = sorted(postgres - ran)
        if missing:
            found.append(
                f"only {len(postgres) - len(missing)} of the {len(postgres)} "
                "PostgreSQL tests ran and passed; not: " + ", ".join(missing)
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("junit", type=Path)
    parser.add_argument("postgres_ids", type=Path)
    args = parser.parse_args(argv)
    if not args.junit.is_file():
        sys.stderr.write(f"No test report at {args.junit}: did pytest run?\n")
        return 1
    results = outcomes(args.junit)
    postgres = read_postgres_ids(args.postgres_ids)
    found = problems(args.database, results, postgres)
    counts = {
        outcome: sum(1 for o in results.values() if o == outcome)
        for outcome in ("passed", "failed", "skipped", "xfail")
    }
    ran_postgres = sum(1 for t in postgres if results.get(t) == "passed")
    sys.stdout.write(
        f"{args.database}: {counts['passed']} passed, {counts['skipped']} skipped, "
        f"{counts['failed']} failed; PostgreSQL tests run: {ran_postgres} of {len(postgres)}\n"
    )
    if found:
        sys.stderr.write(
            f"Tests skipped outside the allow-list ({args.database} pass):\n"
            + "".join(f"  {problem}\n" for problem in found)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
