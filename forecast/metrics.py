"""Forecast accuracy and interval scores, exactly as defined for the M4 competition.

All functions take one series' test values ``y`` (h,) and forecasts of the same shape and
return one number for that series; benchmarks average them over series.

References
----------
M4 Competitor's Guide: Prizes and Rules (2018), section "Performance measures";
Makridakis, Spiliotis & Assimakopoulos (2020), "The M4 Competition: 100,000 time series and
61 forecasting methods", *International Journal of Forecasting* 36(1), 54-74, equations (1)-(4).
Naive2 is the naive forecast for yearly data (no seasonal adjustment), so OWA for yearly
series is relative to the naive forecast.
"""
from __future__ import annotations

import numpy as np

from forecast.errors import ForecastError


def _as_arrays(*arrays) -> list[np.ndarray]:
    out = [np.asarray(a, dtype=float) for a in arrays]
    shape = out[0].shape
    for a in out[1:]:
        if a.shape != shape:
            raise ForecastError(f"Actual and forecast values must have the same shape. Got {shape} and {a.shape} instead.")
    return out


def _scale(insample, m: int) -> float:
    x = np.asarray(insample, dtype=float)
    x = x[~np.isnan(x)]
    if x.size <= m:
        raise ForecastError(
            f"The in-sample series must have more than m={m} values to scale MASE/MSIS. Got {x.size} instead."
        )
    return float(np.mean(np.abs(x[m:] - x[:-m])))


def smape(y, f) -> float:
    """Symmetric MAPE in percent: ``200/h * sum |y - f| / (|y| + |f|)`` (M4 definition).

    Examples
    --------
    >>> round(smape([100, 100], [110, 90]), 4)
    10.0251
    """
    y, f = _as_arrays(y, f)
    return float(np.mean(200.0 * np.abs(y - f) / (np.abs(y) + np.abs(f))))


def mase(y, f, insample, m: int = 1) -> float:
    """Mean absolute scaled error: mean |y - f| divided by the in-sample mean absolute
    ``m``-step difference (m = 1 for yearly data; M4 definition).

    Examples
    --------
    >>> mase([12, 14], [11, 11], insample=[1, 3, 5, 7])
    1.0
    """
    y, f = _as_arrays(y, f)
    return float(np.mean(np.abs(y - f)) / _scale(insample, m))


def msis(y, lo, hi, insample, alpha: float = 0.05, m: int = 1) -> float:
    """Mean scaled interval score of the central (1 - alpha) interval (M4 definition):

    ``mean[(hi - lo) + 2/alpha (lo - y) 1{y < lo} + 2/alpha (y - hi) 1{y > hi}]`` divided by
    the in-sample mean absolute ``m``-step difference.

    Examples
    --------
    >>> msis([10, 20], [9, 9], [11, 11], insample=[0, 1, 2])
    182.0
    """
    y, lo, hi = _as_arrays(y, lo, hi)
    if not 0 < alpha < 1:
        raise ForecastError(f"The 'alpha' parameter must be between 0 and 1. Got {alpha!r} instead.")
    penalty = (2.0 / alpha) * ((lo - y) * (y < lo) + (y - hi) * (y > hi))
    return float(np.mean((hi - lo) + penalty) / _scale(insample, m))


def coverage(y, lo, hi) -> float:
    """Share of ``y`` inside the closed interval [lo, hi] (0..1).

    Examples
    --------
    >>> coverage([1, 2, 3, 4], [0, 0, 0, 5], [2, 2, 2, 6])
    0.5
    """
    y, lo, hi = _as_arrays(y, lo, hi)
    return float(np.mean((y >= lo) & (y <= hi)))


def owa(smape_value: float, mase_value: float, smape_naive2: float, mase_naive2: float) -> float:
    """Overall weighted average relative to Naive2: ``(sMAPE/sMAPE_N2 + MASE/MASE_N2) / 2``
    (M4 definition; computed on the averages over all series)."""
    return 0.5 * (smape_value / smape_naive2 + mase_value / mase_naive2)
