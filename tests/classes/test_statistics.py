"""Moodle's quiz statistics on small score matrices worked out by hand.

Sample variances and covariances divide by n − 1. Each figure below is derived in the
comment next to it, so a reader can check the arithmetic without running anything.
"""

import math

import pytest

from quizzes.classes.statistics import (
    ItemStatistics,
    confidence,
    covariance,
    median,
    quiz_statistics,
)

# Five attempts at three one-mark questions.
#        q1 q2 q3   total
# A       1  1  1     3
# B       1  1  0     2
# C       1  0  1     2
# D       0  0  0     0
# E       1  0  0     1
FIVE = [[1, 1, 1], [1, 1, 0], [1, 0, 1], [0, 0, 0], [1, 0, 0]]


def test_facility_and_standard_deviation_of_each_question():
    stats = quiz_statistics(FIVE, [1, 1, 1])
    q1, q2, q3 = stats.items
    # q1 = 1,1,1,0,1: mean 4/5 = 0.8 → facility 80%.
    # deviations 0.2 ×4 and −0.8: (4 × 0.04 + 0.64) / 4 = 0.2; √0.2 = 0.44721 → 44.72%.
    assert q1.facility == pytest.approx(80)
    assert q1.sd == pytest.approx(44.7214, abs=1e-3)
    # q2 = 1,1,0,0,0: mean 0.4 → 40%; (2 × 0.36 + 3 × 0.16) / 4 = 0.3; √0.3 → 54.77%.
    assert q2.facility == pytest.approx(40)
    assert q2.sd == pytest.approx(54.7723, abs=1e-3)
    assert q3.facility == pytest.approx(40)
    assert all(item.n == 5 for item in stats.items)


def test_discrimination_is_correlation_with_the_rest_of_the_test():
    q1, q2, q3 = quiz_statistics(FIVE, [1, 1, 1]).items
    # q1: rest = total − q1 = 2,1,1,0,0 (mean 0.8, deviations 1.2,0.2,0.2,−0.8,−0.8).
    # q1 deviations 0.2,0.2,0.2,−0.8,0.2; products 0.24+0.04+0.04+0.64−0.16 = 0.8
    # cov = 0.8/4 = 0.2; var(rest) = (1.44+0.04+0.04+0.64+0.64)/4 = 0.7
    # D = 100 × 0.2 / √(0.2 × 0.7) = 100 × 0.2 / 0.374166 = 53.45
    assert q1.discrimination == pytest.approx(53.4522, abs=1e-3)
    # q2: rest = 2,1,2,0,1 (mean 1.2, deviations 0.8,−0.2,0.8,−1.2,−0.2);
    # q2 deviations 0.6,0.6,−0.4,−0.4,−0.4; products 0.48−0.12−0.32+0.48+0.08 = 0.6
    # cov = 0.15; var(rest) = (0.64+0.04+0.64+1.44+0.04)/4 = 0.7
    # D = 100 × 0.15 / √(0.3 × 0.7) = 100 × 0.15 / 0.458258 = 32.73
    assert q2.discrimination == pytest.approx(32.7327, abs=1e-3)
    # q3 mirrors q2 (rest 2,2,1,0,1): the same 32.73.
    assert q3.discrimination == pytest.approx(32.7327, abs=1e-3)


def test_discriminative_efficiency_against_the_sorted_maximum():
    q1, q2, _q3 = quiz_statistics(FIVE, [1, 1, 1]).items
    # q1 sorted 0,1,1,1,1 against rest sorted 0,0,1,1,2:
    # deviations −0.8,0.2,0.2,0.2,0.2 × −0.8,−0.8,0.2,0.2,1.2
    # = 0.64−0.16+0.04+0.04+0.24 = 0.8 → max cov 0.2 = cov: efficiency 100%.
    assert q1.efficiency == pytest.approx(100)
    # q2 sorted 0,0,0,1,1 against rest sorted 0,1,1,2,2:
    # −0.4,−0.4,−0.4,0.6,0.6 × −1.2,−0.2,−0.2,0.8,0.8 = 0.48+0.08+0.08+0.48+0.48 = 1.6
    # max cov = 0.4; efficiency = 0.15 / 0.4 = 37.5%.
    assert q2.efficiency == pytest.approx(37.5)


def test_quiz_mean_median_sd_alpha_and_standard_error():
    stats = quiz_statistics(FIVE, [1, 1, 1])
    # Totals 3,2,2,0,1 of 3: mean 8/5 = 1.6 → 53.33%; median 2 → 66.67%.
    assert stats.n == 5
    assert stats.mean == pytest.approx(160 / 3)
    assert stats.median == pytest.approx(200 / 3)
    # var(total) = (1.96+0.16+0.16+2.56+0.36)/4 = 1.3; sd = √1.3 / 3 = 38.01%.
    assert stats.sd == pytest.approx(100 * math.sqrt(1.3) / 3)
    # alpha = 3/2 × (1 − (0.2+0.3+0.3)/1.3) = 1.5 × 0.5/1.3 = 0.5769 → 57.69%.
    assert stats.alpha == pytest.approx(57.6923, abs=1e-3)
    # standard error = sd × √(1 − alpha) = 38.0058 × √0.423077 = 24.72%.
    assert stats.standard_error == pytest.approx(24.7207, abs=1e-3)


# Four attempts: q1 does not separate anyone, q3 favours the weaker learners.
#        q1 q2 q3   total
# A       1  1  1     3
# B       1  1  0     2
# C       1  0  0     1
# D       0  0  1     1
FOUR = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 1]]


def test_negative_discrimination_and_zero_alpha():
    stats = quiz_statistics(FOUR, [1, 1, 1])
    q1, _q2, q3 = stats.items
    # q1 = 1,1,1,0 against rest 2,1,0,1 (mean 1): products 0.25×1 + 0.25×−1 = 0: D = 0.
    assert q1.discrimination == pytest.approx(0)
    assert q1.efficiency == pytest.approx(0)
    # q3 = 1,0,0,1 (var 1/3) against rest 2,2,1,0 (mean 1.25, var 2.75/3):
    # products 0.375−0.375+0.125−0.625 = −0.5, cov −1/6;
    # D = −(1/6) / √(1/3 × 11/12) = −1/√11 = −30.15
    assert q3.discrimination == pytest.approx(-100 / math.sqrt(11))
    # sorted: 0,0,1,1 × 0,1,2,2 → products 0.625+0.125+0.375+0.375 = 1.5, max cov 0.5
    # efficiency = (−1/6) / 0.5 = −33.33%
    assert q3.efficiency == pytest.approx(-100 / 3)
    # var(total 3,2,1,1) = 2.75/3; item variances 0.25 + 1/3 + 1/3 = 2.75/3: alpha 0.
    assert stats.alpha == pytest.approx(0, abs=1e-9)
    assert stats.standard_error == pytest.approx(stats.sd)


def test_flags_only_from_twenty_attempts():
    weak = ItemStatistics(
        n=19, max_mark=1, facility=50, sd=50, discrimination=-5, efficiency=-5
    )
    assert not weak.is_flagged
    assert not weak.shows_discrimination
    same = ItemStatistics(
        n=20, max_mark=1, facility=50, sd=50, discrimination=-5, efficiency=-5
    )
    assert same.is_flagged
    low_efficiency = ItemStatistics(
        n=60, max_mark=1, facility=50, sd=50, discrimination=10, efficiency=14.9
    )
    assert low_efficiency.is_flagged
    good = ItemStatistics(
        n=60, max_mark=1, facility=50, sd=50, discrimination=40, efficiency=60
    )
    assert not good.is_flagged


def test_confidence_thresholds():
    assert confidence(19) == "too_few"
    assert confidence(20) == "indicative"
    assert confidence(49) == "indicative"
    assert confidence(50) == "reliable"


def test_question_missing_from_an_attempt_is_left_out_of_its_figures():
    # q2 was added after attempt B: B's row has no q2 cell.
    stats = quiz_statistics([[2, 1], [1, None], [0, 0]], [2, 1])
    q1, q2 = stats.items
    assert q1.n == 3 and q2.n == 2
    # q1 marks 2,1,0 of 2: mean 1 → 50%.
    assert q1.facility == pytest.approx(50)
    # q2 marks 1,0 of 1: 50%.
    assert q2.facility == pytest.approx(50)
    # Scores: 3/3, 1/2, 0/3 → 100, 50, 0: mean 50, median 50.
    assert stats.mean == pytest.approx(50)
    assert stats.median == pytest.approx(50)


def test_no_attempts_gives_no_figures():
    stats = quiz_statistics([], [1, 1])
    assert stats.n == 0
    assert stats.mean is None and stats.alpha is None and stats.sd is None
    assert stats.items[0].facility is None and stats.items[0].discrimination is None


def test_median_of_even_count():
    assert median([4, 1, 3, 2]) == 2.5


def test_two_attempts_are_enough_for_spread_and_alpha():
    # Two attempts at two one-mark questions: A 1,1 (total 2), B 0,0 (total 0).
    stats = quiz_statistics([[1, 1], [0, 0]], [1, 1])
    q1, _q2 = stats.items
    # q1 = 1,0: mean 0.5, var (0.25 + 0.25) / 1 = 0.5 → sd √0.5 = 70.71%.
    assert q1.sd == pytest.approx(100 * math.sqrt(0.5))
    # Totals 2,0: var 2; item variances 0.5 + 0.5: alpha = 2/1 × (1 − 1/2) = 100%.
    assert stats.alpha == pytest.approx(100)
    # Scores 100%, 0%: var 5000, sd 70.71%; standard error sd × √0 = 0.
    assert stats.standard_error == pytest.approx(0)


def test_figures_are_percentages_of_a_question_worth_several_marks():
    # q1 is worth 2 marks: marks 2,1,0 → mean 1 of 2 = 50%; var 1 → sd 1 of 2 = 50%.
    stats = quiz_statistics([[2, 1], [1, 1], [0, 0]], [2, 1])
    q1 = stats.items[0]
    assert q1.max_mark == 2
    assert q1.facility == pytest.approx(50)
    assert q1.sd == pytest.approx(50)


def test_a_question_worth_no_marks_has_no_facility_or_spread():
    stats = quiz_statistics([[0, 1], [0, 0], [0, 1]], [0, 1])
    nothing = stats.items[0]
    assert nothing.n == 3
    assert nothing.facility is None and nothing.sd is None


def test_a_question_everyone_got_right_has_no_discrimination_or_efficiency():
    # q1 = 1,1,1 does not vary; q2 = 1,0,1 does, so the rest of the test varies.
    q1, _q2 = quiz_statistics([[1, 1], [1, 0], [1, 1]], [1, 1]).items
    assert q1.facility == pytest.approx(100) and q1.sd == pytest.approx(0)
    assert q1.discrimination is None
    assert q1.efficiency is None


def test_a_question_whose_rest_of_the_test_does_not_vary_has_no_discrimination():
    # q2 = 1,1,1 everywhere, so q1's rest (= q2) is constant while q1 = 1,0,1 varies.
    q1, _q2 = quiz_statistics([[1, 1], [0, 1], [1, 1]], [1, 1]).items
    assert q1.sd is not None and q1.sd > 0
    assert q1.discrimination is None
    assert q1.efficiency is None


def test_one_question_has_no_alpha_and_no_standard_error():
    stats = quiz_statistics([[1], [0], [1]], [1])
    assert stats.sd is not None
    assert stats.alpha is None
    assert stats.standard_error is None


def test_alpha_needs_two_whole_attempts():
    # Only A and C showed both questions: one whole row, so no alpha.
    assert quiz_statistics([[1, 1], [0, None], [1, 1]], [1, 1]).alpha is None


def test_rows_and_marks_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        quiz_statistics([[1, 1, 1], [0, 0, 0]], [1, 1])
    with pytest.raises(ValueError):
        covariance([1, 2, 3], [1, 2])
