"""Mutation testing of the modules that hold the rules (``make mutate``).

Each target names a module and the fast tests that exercise it. Move a module, and you
change its path here; nothing else needs to know.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    module: str  # path of the file whose functions are mutated
    tests: tuple[str, ...]  # the fast, relevant tests run against each mutant
    goal: int  # percentage of mutants the tests must kill


TARGETS = (
    Target(
        name="grading",
        module="quizzes/grading.py",
        tests=("tests/quizzes/test_grading.py",),
        goal=90,
    ),
    Target(
        name="attempt",
        module="quizzes/services.py",
        tests=(
            "tests/quizzes/test_attempt_flow.py",
            "tests/quizzes/test_attempt_rules.py",
            "tests/quizzes/test_gating.py",
            "tests/quizzes/test_teach.py",
            "tests/quizzes/test_teach_actions.py",
            "tests/quizzes/test_question_bank.py",
        ),
        goal=90,
    ),
    Target(
        name="gift",
        module="quizzes/gift.py",
        tests=("tests/quizzes/test_gift.py", "tests/quizzes/test_gift_errors.py"),
        goal=80,
    ),
    Target(
        name="aiken",
        module="quizzes/aiken.py",
        tests=("tests/quizzes/test_aiken.py",),
        goal=80,
    ),
)
