"""Quiz and item statistics with the formulas of Moodle's quiz statistics report.

Pure arithmetic, no database: a score matrix in, numbers out. One row per attempt, one
column per question; a cell holds the marks the attempt earned on the question, or None
when the attempt did not show that question. Variances and covariances are sample ones
(divided by n − 1), as Moodle's are. Percentages are on a 0–100 scale.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Under this many attempts the figures are greyed: "too few attempts to judge".
TOO_FEW_TO_JUDGE = 20
# Discrimination is shown from TOO_FEW_TO_JUDGE attempts and called reliable from here.
RELIABLE_FROM = 50
# Moodle flags a question whose discriminative efficiency is under this (in %).
LOW_EFFICIENCY = 15

Matrix = Sequence[Sequence[float | None]]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sample covariance; None under two values."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def variance(values: Sequence[float]) -> float | None:
    return covariance(values, values)


def confidence(n: int) -> str:
    """How far the figures from n attempts can be trusted."""
    if n < TOO_FEW_TO_JUDGE:
        return "too_few"
    if n < RELIABLE_FROM:
        return "indicative"
    return "reliable"


@dataclass(frozen=True)
class ItemStatistics:
    n: int
    max_mark: float
    facility: float | None  # mean mark as % of the maximum
    sd: float | None  # standard deviation as % of the maximum
    discrimination: float | None  # 100 × correlation with the rest of the test
    efficiency: float | None  # 100 × covariance ÷ the largest covariance possible

    @property
    def confidence(self) -> str:
        return confidence(self.n)

    @property
    def shows_discrimination(self) -> bool:
        return self.n >= TOO_FEW_TO_JUDGE

    @property
    def is_flagged(self) -> bool:
        """Moodle's warning: it barely separates strong from weak learners, or inverts them."""
        if not self.shows_discrimination:
            return False
        return (self.efficiency is not None and self.efficiency < LOW_EFFICIENCY) or (
            self.discrimination is not None and self.discrimination < 0
        )


@dataclass(frozen=True)
class QuizStatistics:
    n: int
    mean: float | None  # scores as % of the quiz's maximum
    median: float | None
    sd: float | None
    alpha: float | None  # Cronbach's alpha (coefficient of internal consistency), in %
    standard_error: float | None  # in % of the maximum, like the scores
    items: tuple[ItemStatistics, ...]

    @property
    def confidence(self) -> str:
        return confidence(self.n)


def item_statistics(
    scores: Sequence[float], rests: Sequence[float], max_mark: float
) -> ItemStatistics:
    """One question's figures from its marks and each attempt's marks on the other questions."""
    n = len(scores)
    facility = sd = discrimination = efficiency = None
    if n and max_mark > 0:
        facility = 100 * mean(scores) / max_mark
    var_x, var_rest = variance(scores), variance(rests)
    if var_x is not None and max_mark > 0:
        sd = 100 * math.sqrt(var_x) / max_mark
    cov = covariance(scores, rests)
    if cov is not None and var_x and var_rest:
        discrimination = 100 * cov / math.sqrt(var_x * var_rest)
    # The largest covariance these marks could have: both sorted the same way.
    max_cov = covariance(sorted(scores), sorted(rests))
    if cov is not None and max_cov and max_cov > 0:
        efficiency = 100 * cov / max_cov
    return ItemStatistics(
        n=n,
        max_mark=max_mark,
        facility=facility,
        sd=sd,
        discrimination=discrimination,
        efficiency=efficiency,
    )


def quiz_statistics(matrix: Matrix, max_marks: Sequence[float]) -> QuizStatistics:
    """The quiz's figures and each question's, from a matrix of marks."""
    totals = [sum(cell for cell in row if cell is not None) for row in matrix]
    possible = [
        sum(m for m, cell in zip(max_marks, row, strict=True) if cell is not None)
        for row in matrix
    ]
    percents = [
        100 * total / top for total, top in zip(totals, possible, strict=True) if top
    ]
    items = []
    for column, max_mark in enumerate(max_marks):
        present = [
            (row[column], total)
            for row, total in zip(matrix, totals, strict=True)
            if row[column] is not None
        ]
        scores = [score for score, _total in present]
        rests = [total - score for score, total in present]
        items.append(item_statistics(scores, rests, max_mark))
    sd = variance(percents)
    sd = math.sqrt(sd) if sd is not None else None
    alpha = _alpha(matrix, max_marks)
    standard_error = None
    if sd is not None and alpha is not None:
        standard_error = sd * math.sqrt(max(0.0, 1 - alpha / 100))
    return QuizStatistics(
        n=len(matrix),
        mean=mean(percents),
        median=median(percents),
        sd=sd,
        alpha=alpha,
        standard_error=standard_error,
        items=tuple(items),
    )


def _alpha(matrix: Matrix, max_marks: Sequence[float]) -> float | None:
    """Cronbach's alpha, 100 × P/(P−1) × (1 − Σ var(item) ÷ var(total)).

    Over the attempts that showed every question: the formula needs whole rows.
    """
    questions = len(max_marks)
    rows = [row for row in matrix if all(cell is not None for cell in row)]
    if questions < 2 or len(rows) < 2:
        return None
    var_total = variance([sum(row) for row in rows])
    if not var_total:
        return None
    item_variances = sum(variance([row[c] for row in rows]) for c in range(questions))
    return 100 * questions / (questions - 1) * (1 - item_variances / var_total)
