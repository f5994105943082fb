"""Surviving mutants that no test can kill, and why.

Key: (module path, function, the mutant's changed line(s) as `mutmut show` prints them
after "+", stripped). Keyed by content, not by mutant number, so an entry survives
renumbering; an entry that no longer matches simply stops applying, and its survivor
shows up as unexplained in MUTATION.md.
"""

EQUIVALENT: dict[tuple[str, str, str], str] = {
    (
        "quizzes/models.py",
        "Progress.count_attempt",
        "if self.best_score is None or attempt.score >= self.best_score:",
    ): "Equal scores: the best score is set to the value it already has.",
    (
        "quizzes/models.py",
        "Attempt.record_answer",
        "transaction.atomic if (connection.in_atomic_block) or True else nullcontext",
    ): "Always opening a transaction (or savepoint) around the one INSERT gives the "
    "same rows and the same first-answer-stands result; the condition only saves a "
    "round trip when no transaction is open.",
}
