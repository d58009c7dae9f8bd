"""forecast.metrics against values computed by hand from the M4 definitions."""
import numpy as np
import pytest

from forecast.errors import ForecastError
from forecast.metrics import coverage, mase, msis, owa, smape


def test_smape_hand_computed():
    # 200 * (10/210 + 10/190) / 2
    assert smape([100, 100], [110, 90]) == pytest.approx(100 * (10 / 210 + 10 / 190))


def test_smape_perfect_is_zero_and_worst_is_200():
    assert smape([5, 6], [5, 6]) == 0.0
    assert smape([1, 1], [0, 0]) == pytest.approx(200.0)


def test_mase_scales_by_in_sample_mean_absolute_difference():
    # in-sample diffs |2|,|4| -> scale 3; errors 3 and 6 -> mean 4.5 -> 1.5
    assert mase([10, 16], [7, 10], insample=[0, 2, 6]) == pytest.approx(1.5)


def test_msis_penalises_misses_by_2_over_alpha():
    # width 2 in both; second value 9 above hi -> penalty 40 * 9 = 360; mean (2 + 362) / 2 = 182; scale 1
    assert msis([10, 20], [9, 9], [11, 11], insample=[0, 1, 2], alpha=0.05) == pytest.approx(182.0)
    # alpha 0.2 -> penalty 10 * 9
    assert msis([10, 20], [9, 9], [11, 11], insample=[0, 1, 2], alpha=0.2) == pytest.approx((2 + 92) / 2)


def test_coverage_counts_bounds_as_inside():
    assert coverage([1, 2, 3, 4], [1, 0, 0, 5], [2, 2, 2, 6]) == 0.5  # 1 on lo, 2 on hi, 3 and 4 outside


def test_owa_of_naive2_itself_is_one():
    assert owa(17.88, 3.17, 17.88, 3.17) == pytest.approx(1.0)
    assert owa(8.94, 3.17, 17.88, 3.17) == pytest.approx(0.75)


def test_shape_mismatch_and_constant_insample_raise():
    with pytest.raises(ForecastError, match="same shape"):
        smape([1, 2], [1, 2, 3])
    with pytest.raises(ForecastError, match="more than m=1"):
        mase([1.0], [1.0], insample=[5.0])
