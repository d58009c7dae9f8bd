"""Common-factor coupling keeps every marginal exactly and gives the asked rank correlation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.paths import Forecast, SeriesForecast
from scenarios.correlation import couple, estimate_correlation, rank_correlation
from scenarios.errors import ScenarioError

N = 4000
YEARS = np.array([2024, 2025])


def _fc(k=3):
    series = []
    for i in range(k):
        rng = np.random.default_rng(100 + i)
        paths = np.cumsum(rng.normal(1.0, 1.0, size=(N, 2)), axis=1) + 10 * i
        series.append(SeriesForecast("r", f"s{i}", YEARS.copy(), paths, paths.mean(0), "m",
                                     np.array([2023]), np.array([0.0])))
    return Forecast(tuple(series), seed=3, draws=N, model="m")


def test_rho_zero_is_identity():
    fc = _fc()
    assert couple(fc, 0.0, seed=1) is fc


@pytest.mark.parametrize("rho", [0.3, 0.7])
def test_marginals_exact_and_rank_correlation_close(rho):
    fc = _fc()
    before = [s.paths.copy() for s in fc]
    out = couple(fc, rho, seed=5)
    for b, s, o in zip(before, fc, out):
        np.testing.assert_array_equal(s.paths, b)  # input untouched
        # whole paths are permuted: same rows, other order
        np.testing.assert_array_equal(np.sort(o.paths, axis=0), np.sort(b, axis=0))
        assert {tuple(r) for r in o.paths} == {tuple(r) for r in b}
    se = 1.0 / np.sqrt(N - 1)
    for i in range(3):
        for j in range(i + 1, 3):
            rc = rank_correlation(out.series[i].paths[:, -1], out.series[j].paths[:, -1])
            assert abs(rc - rho) < 4 * se, (i, j, rc)
    assert out.meta["correlation"] == rho


def test_independent_before_coupling():
    fc = _fc()
    assert abs(rank_correlation(fc.series[0].paths[:, -1], fc.series[1].paths[:, -1])) < 4 / np.sqrt(N)


def test_same_seed_same_pairing():
    a = couple(_fc(), 0.5, seed=9)
    b = couple(_fc(), 0.5, seed=9)
    np.testing.assert_array_equal(a.series[1].paths, b.series[1].paths)


def test_bad_rho():
    with pytest.raises(ScenarioError, match=r"\[0, 1\)"):
        couple(_fc(), 1.2, seed=0)


def _frame(growths):
    rows = []
    for name, g in growths.items():
        v = 100.0
        rows.append(("r", name, 2010, v))
        for k, gy in enumerate(g, start=2011):
            v *= np.exp(gy)
            rows.append(("r", name, k, v))
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "value"])


def test_estimate_correlation_strong_common_factor():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 0.1, 12)
    df = _frame({f"s{i}": z + rng.normal(0, 0.03, 12) for i in range(4)})
    rho = estimate_correlation(df, [("r", f"s{i}") for i in range(4)])
    assert 0.7 < rho <= 0.9


def test_estimate_correlation_independent_is_small_and_not_estimable_is_zero():
    rng = np.random.default_rng(1)
    df = _frame({f"s{i}": rng.normal(0, 0.1, 12) for i in range(4)})
    assert estimate_correlation(df, [("r", f"s{i}") for i in range(4)]) < 0.2
    short = _frame({"a": [0.1, 0.2, 0.1], "b": [0.1, 0.2, 0.3]})  # 3 growth years < 4
    assert estimate_correlation(short, [("r", "a"), ("r", "b")]) == 0.0
    assert estimate_correlation(df, [("r", "s0")]) == 0.0


def test_estimate_correlation_shrinks_a_single_short_pair():
    # a moderate correlation on 5 common years is mostly noise: shrunk well below the raw r
    g1 = np.array([0.10, -0.05, 0.20, 0.00, 0.15])
    g2 = np.array([0.08, 0.10, 0.12, -0.02, 0.04])
    raw = np.corrcoef(g1, g2)[0, 1]
    rho = estimate_correlation(_frame({"a": g1, "b": g2}), [("r", "a"), ("r", "b")])
    assert raw > 0.3 and rho < raw / 2
