"""CI's skip check (.ci/check_skips.py) on small made-up reports."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "check_skips.py"
spec = importlib.util.spec_from_file_location("check_skips", SCRIPT)
check_skips = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_skips)

POSTGRES_IDS = """\
tests/quizzes/test_concurrency.py::test_eight_threads_store_one_answer
tests/quizzes/test_load.py::test_fifty_students[10]

2/880 tests collected (878 deselected) in 3.1s
"""


def case(classname: str, name: str, outcome: str = "passed") -> str:
    inner = {
        "passed": "",
        "skipped": '<skipped type="pytest.skip" message="needs PostgreSQL">x</skipped>',
        "xfail": '<skipped type="pytest.xfail" message="known">x</skipped>',
        "failed": '<failure message="assert 1 == 2">x</failure>',
    }[outcome]
    return (
        f'<testcase classname="{classname}" name="{name}" time="0.1">{inner}</testcase>'
    )


def run(tmp_path, database: str, *cases: str, postgres_ids: str = POSTGRES_IDS):
    junit = tmp_path / "report.xml"
    junit.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
        + "".join(cases)
        + "</testsuite></testsuites>"
    )
    ids = tmp_path / "postgres.txt"
    ids.write_text(postgres_ids)
    return check_skips.main(["--database", database, str(junit), str(ids)])


CONCURRENCY = "tests.quizzes.test_concurrency"
LOAD = "tests.quizzes.test_load"
PAGES = "tests.relations.test_pages"


def test_sqlite_pass_may_skip_the_postgres_tests(tmp_path, capsys):
    assert (
        run(
            tmp_path,
            "sqlite",
            case(PAGES, "test_home"),
            case(CONCURRENCY, "test_eight_threads_store_one_answer", "skipped"),
            case(LOAD, "test_fifty_students[10]", "skipped"),
        )
        == 0
    )
    assert "PostgreSQL tests run: 0 of 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "skipped",
    [
        case("tests.quizzes.test_conformance", "test_moodle_gift_file[x]", "skipped"),
        case("tests.browser.test_smoke", "test_home_in_chromium", "skipped"),
        case("tests.quizzes", "test_conformance", "skipped"),  # a whole module
    ],
)
def test_any_other_skip_fails_either_pass(tmp_path, capsys, skipped):
    for database in ("sqlite", "postgresql"):
        assert run(tmp_path, database, case(PAGES, "test_home"), skipped) == 1
        assert "skipped: tests." in capsys.readouterr().err


def test_postgresql_pass_must_run_every_postgres_test(tmp_path, capsys):
    result = run(
        tmp_path,
        "postgresql",
        case(CONCURRENCY, "test_eight_threads_store_one_answer"),
        case(LOAD, "test_fifty_students[10]", "skipped"),
    )
    assert result == 1
    err = capsys.readouterr().err
    assert "only 1 of the 2 PostgreSQL tests ran" in err
    assert "tests.quizzes.test_load::test_fifty_students[10]" in err


def test_postgresql_pass_counts_a_postgres_test_missing_from_the_report(tmp_path):
    assert (
        run(
            tmp_path,
            "postgresql",
            case(CONCURRENCY, "test_eight_threads_store_one_answer"),
        )
        == 1
    )


def test_postgresql_pass_with_every_postgres_test_run_passes(tmp_path, capsys):
    result = run(
        tmp_path,
        "postgresql",
        case(PAGES, "test_home"),
        case(CONCURRENCY, "test_eight_threads_store_one_answer"),
        case(LOAD, "test_fifty_students[10]"),
        case(PAGES, "test_known_gap", "xfail"),
    )
    assert result == 0
    assert "PostgreSQL tests run: 2 of 2" in capsys.readouterr().out


def test_an_empty_report_or_marker_list_fails(tmp_path):
    assert run(tmp_path, "sqlite") == 1
    assert run(tmp_path, "sqlite", case(PAGES, "test_home"), postgres_ids="") == 1


def test_a_missing_report_fails(tmp_path):
    ids = tmp_path / "postgres.txt"
    ids.write_text(POSTGRES_IDS)
    missing = str(tmp_path / "none.xml")
    assert check_skips.main(["--database", "sqlite", missing, str(ids)]) == 1


def test_node_ids_of_methods_map_to_junit_class_names():
    assert (
        check_skips.junit_id("tests/a/test_b.py::TestC::test_d[x]")
        == "tests.a.test_b.TestC::test_d[x]"
    )
