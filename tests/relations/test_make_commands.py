"""README's commands work as printed: every `make …` it shows is a target the Makefile
has, every manage.py command goes through `make manage`, and that runs from a fresh
database without a secret key or DEBUG set by hand."""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import load_command_class
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# `make -o FILE` treats the venv as installed: the tests run inside it already.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed"]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def readme_make_commands() -> list[str]:
    # `make manage ARGS="…"` in prose is the pattern, not a command.
    found = re.findall(r"`(make [^`]+)`", README)
    return sorted({command for command in found if "…" not in command})


def manage_args(command: str) -> list[str]:
    words = shlex.split(command)
    assert words[:2] == ["make", "manage"], command
    (args,) = [word.removeprefix("ARGS=") for word in words if word.startswith("ARGS=")]
    return shlex.split(args)


def fresh_environment(tmp_path) -> dict[str, str]:
    """What a newcomer's shell has: no DEBUG, no secret key, a database of its own."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST", "REDIS_URL"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return env


def test_readme_opens_with_run_and_test():
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert commands == ["make run", "make test"]


def test_readme_shows_manage_py_only_through_make_manage_or_a_full_path():
    # A bare `python manage.py …` fails from a fresh clone (no venv on PATH, no key).
    assert not re.search(r"(?<![/\w])python manage\.py", README)
    assert len([c for c in readme_make_commands() if c.startswith("make manage")]) >= 6


@pytest.mark.parametrize("command", readme_make_commands())
def test_every_make_command_in_readme_is_a_target_make_accepts(command):
    words = shlex.split(command)[1:]
    result = subprocess.run(
        [*MAKE, "-n", *words], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    if words[0] == "manage":
        name = manage_args(command)[0]
        assert f"DJANGO_DEBUG=1 .venv/bin/python manage.py {name}" in result.stdout


@pytest.mark.parametrize(
    "command",
    [c for c in readme_make_commands() if c.startswith("make manage")],
)
def test_every_manage_command_in_readme_parses(command):
    name, *rest = manage_args(command)
    if name in {"shell", "help"}:
        return
    parser = load_command_class(
        "quizzes" if name != "import_article" else "relations", name
    ).create_parser("manage.py", name)
    try:
        parser.parse_args(rest)
    except CommandError as error:  # pragma: no cover - the assertion explains it
        pytest.fail(f"{command}: {error}")


def test_make_manage_runs_from_a_fresh_database_without_secret_key(tmp_path):
    result = subprocess.run(
        [*MAKE, "-s", "manage", "ARGS=check_questions --lesson the-economic-angle"],
        cwd=ROOT,
        env=fresh_environment(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "questions checked" in result.stdout, result.stderr
    # Only the command's output: no make echo, no migration chatter.
    assert "manage.py" not in result.stdout
    assert "Applying" not in result.stdout


def test_make_superuser_creates_an_admin_without_asking(tmp_path):
    env = fresh_environment(tmp_path)
    created = subprocess.run(
        [
            *MAKE,
            "-s",
            "superuser",
            "DJANGO_SUPERUSER_USERNAME=head",
            "DJANGO_SUPERUSER_EMAIL=head@example.org",
            "DJANGO_SUPERUSER_PASSWORD=a-long-Passphrase-42",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    listed = subprocess.run(
        [
            *MAKE,
            "-s",
            "manage",
            "ARGS=shell -v 0 -c 'from django.contrib.auth.models import User; "
            'u = User.objects.get(username="head"); '
            'print(u.is_superuser, u.check_password("a-long-Passphrase-42"))\'',
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert listed.stdout.strip().splitlines()[-1] == "True True", listed.stderr
