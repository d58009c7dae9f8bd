"""Goal seek reaches the requested probability on the same paths, and no less uplift does."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecast.paths import SeriesForecast
from scenarios.errors import ScenarioError
from scenarios.goalseek import GOAL_SEEK_COLUMNS, goal_seek, goal_seek_table
from scenarios.targets import is_attained, target_quantity

N = 1000
YEARS = np.array([2024, 2025, 2026])


def _sf(seed=0, base=100.0):
    rng = np.random.default_rng(seed)
    paths = base * np.exp(np.cumsum(rng.normal(0.03, 0.08, size=(N, YEARS.size)), axis=1))
    return SeriesForecast("武汉市", "x", YEARS.copy(), paths, np.median(paths, 0), "hand",
                          np.array([2021, 2022, 2023]), np.array([90.0, 95.0, base]))


def _p(target, sf, paths):
    return is_attained(target_quantity(target, sf.with_paths(paths)), target).mean()


ANNUAL = {"plan": "p", "region": "武汉市", "indicator": "x", "kind": "annual", "direction": "up",
          "target_year": 2026, "target_value": 130.0, "baseline_year": 2020, "baseline_value": 80.0}


def test_uplift_reaches_confidence_and_is_minimal():
    sf = _sf()
    steps = (YEARS - 2023).astype(float)
    r = goal_seek(ANNUAL, sf, confidence=0.8, as_of=2023)
    g = r["uplift_needed"]
    assert r["p_now"] < 0.8 and 0 < g < 0.2
    assert _p(ANNUAL, sf, sf.paths * (1 + g) ** steps) >= 0.8
    assert r["p_at_solution"] >= 0.8
    assert _p(ANNUAL, sf, sf.paths * (1 + g - 1e-3) ** steps) < 0.8  # nothing clearly smaller works
    # flows also get a yearly addition (target unit == series unit here)
    a = r["add_needed"]
    assert _p(ANNUAL, sf, sf.paths + a * (YEARS > 2023)) >= 0.8
    assert _p(ANNUAL, sf, sf.paths + (a - 0.05) * (YEARS > 2023)) < 0.8


def test_probability_is_monotone_in_uplift():
    sf = _sf(1)
    steps = (YEARS - 2023).astype(float)
    ps = [_p(ANNUAL, sf, sf.paths * (1 + g) ** steps) for g in np.linspace(0, 0.3, 31)]
    assert np.all(np.diff(ps) >= 0)


def test_cumulative_addition_in_target_unit():
    sf = _sf(2)
    t = dict(ANNUAL, kind="cumulative", baseline_year=2022, target_value=4.0, factor=100.0)  # 4 百 = 400
    r = goal_seek(t, sf, confidence=0.9, as_of=2023)
    a_series = r["add_needed"] * 100.0
    assert _p(t, sf, sf.paths + a_series * (YEARS > 2023)) >= 0.9
    assert _p(t, sf, sf.paths + (a_series - 1.0) * (YEARS > 2023)) < 0.9
    assert r["p_add_at_solution"] >= 0.9


def test_reduction_target_needs_negative_uplift():
    sf = _sf(3)
    t = dict(ANNUAL, kind="reduction", baseline_value=120.0, target_value=10.0)  # v_2026 <= 108
    r = goal_seek(t, sf, confidence=0.8, as_of=2023)
    g = r["uplift_needed"]
    assert g < 0 and np.isnan(r["add_needed"])
    assert _p(t, sf, sf.paths * (1 + g) ** (YEARS - 2023)) >= 0.8


def test_down_direction_needs_negative_uplift():
    sf = _sf(4)
    t = dict(ANNUAL, direction="down", target_value=100.0)
    r = goal_seek(t, sf, confidence=0.8, as_of=2023)
    assert r["uplift_needed"] < 0 and r["add_needed"] < 0
    assert _p(t, sf, sf.paths * (1 + r["uplift_needed"]) ** (YEARS - 2023)) >= 0.8


def test_already_likely_and_unreachable():
    sf = _sf(5)
    easy = goal_seek(dict(ANNUAL, target_value=10.0), sf, as_of=2023)
    assert easy["uplift_needed"] == 0.0 and easy["reason"] == "already_likely"
    hard = goal_seek(dict(ANNUAL, kind="stock", target_value=1e6), sf, as_of=2023, max_uplift=0.5)
    assert np.isnan(hard["uplift_needed"]) and hard["reason"] == "unreachable" and np.isnan(hard["add_needed"])


def test_uplift_starts_after_as_of():
    sf = _sf(6)
    r = goal_seek(dict(ANNUAL, target_year=2025), sf, as_of=2024)
    steps = np.clip(YEARS - 2024, 0, None).astype(float)
    assert _p(dict(ANNUAL, target_year=2025), sf, sf.paths * (1 + r["uplift_needed"]) ** steps) >= 0.8


def test_bad_confidence():
    with pytest.raises(ScenarioError, match="confidence"):
        goal_seek(ANNUAL, _sf(), confidence=1.2, as_of=2023)


def test_goal_seek_table_rows_for_non_on_track_targets():
    sf = _sf(7)
    targets = pd.DataFrame([dict(ANNUAL, name="甲", factor=1.0), dict(ANNUAL, name="乙", target_value=10.0, factor=1.0)])
    table = targets.assign(risk=["at_risk", "on_track"], p_attain=[0.3, 0.99], as_of=2023, unit="件",
                           category="c", required_growth=0.1, historical_growth=0.05).drop(columns="factor")
    forecast = SimpleNamespace(get=lambda r, i: sf if (r, i) == ("武汉市", "x") else None)
    a = SimpleNamespace(table=table, targets=targets, forecast=forecast, meta={"as_of": 2023})
    out = goal_seek_table(a, confidence=0.8)
    assert list(out.columns) == GOAL_SEEK_COLUMNS
    assert out["name"].tolist() == ["甲"]
    direct = goal_seek(ANNUAL, sf, as_of=2023)
    assert out["uplift_needed"].iloc[0] == pytest.approx(direct["uplift_needed"])


def test_goal_seek_table_on_an_assessment(monkeypatch):
    """End to end through scenarios.risk.assess with a stand-in engine (known paths)."""
    from scenarios.risk import assess
    from fixtures_engine import install_engine, lognormal_engine

    install_engine(monkeypatch, lognormal_engine(0.03))
    series = pd.DataFrame({"region": "武汉市", "indicator": "g", "year": range(2016, 2024),
                           "value": [5.0, 5.5, 6.1, 6.6, 7.2, 8.0, 8.7, 9.5], "unit": "亿元"})
    common = dict(plan="p", region="武汉市", indicator="g", unit="万元", kind="annual", direction="up", strict=False,
                  target_year=2025, baseline_year=2020, baseline_value=np.nan, category="c", attribute="预期性",
                  series_unit="亿元", factor=1e-4)
    targets = pd.DataFrame([dict(common, name="难", target_value=150000.0),   # 15 亿元
                            dict(common, name="易", target_value=50000.0)])
    a = assess(targets, series, draws=DRAWS_E2E, seed=2, model="drift")
    out = goal_seek_table(a, confidence=0.8)
    assert out["name"].tolist() == ["难"]
    row = out.iloc[0]
    sf = a.forecast.get("武汉市", "g")
    t = dict(common, target_value=150000.0)
    steps = np.clip(sf.years - a.meta["as_of"], 0, None)
    assert _p(t, sf, sf.paths * (1 + row["uplift_needed"]) ** steps) >= 0.8
    # the yearly addition is reported in the target's unit (万元) and works in the series unit (亿元)
    assert row["add_needed"] > 1000
    assert _p(t, sf, sf.paths + row["add_needed"] * 1e-4 * (steps > 0)) >= 0.8


DRAWS_E2E = 1000


@pytest.mark.parametrize("change", [
    {},                                                   # annual, up
    {"kind": "stock", "target_value": 125.0},
    {"strict": "yes", "target_value": 120.0},              # 突破: strictly more than
    {"direction": "down", "target_value": 95.0},           # at most: needs less growth
    {"kind": "ratio", "target_value": 118.0, "factor": 1.0},
])
def test_closed_form_level_answer_matches_bisection(change, monkeypatch):
    """Level targets are solved from the paths' own needed uplift (two checks instead of a
    bisection): the answer must be bisection's, within its tolerance, for each target form."""
    import scenarios.goalseek as gs
    from scenarios.goalseek import TOL, _bisect, _p_attain

    sf = _sf(3)
    t = dict(ANNUAL, **change)
    steps = np.clip(YEARS - 2023, 0, None).astype(float)
    sign = -1.0 if t.get("direction") == "down" else 1.0

    def no_bisection(*args):
        raise AssertionError("the closed form should have answered")

    with monkeypatch.context() as m:
        m.setattr(gs, "_bisect", no_bisection)
        r = goal_seek(t, sf, confidence=0.8, as_of=2023)
    g_max = 1.0 if sign > 0 else 0.999
    g, _ = _bisect(lambda x: _p_attain(t, sf, sf.paths * (1 + sign * x) ** steps), 0.0, g_max, 0.8)
    assert r["p_now"] < 0.8 and r["p_at_solution"] >= 0.8
    assert abs(r["uplift_needed"] - sign * g) <= 2 * TOL * max(1.0, abs(g))
    if t["kind"] == "annual":
        a_max = 2.0 * (abs(t["target_value"]) + float(np.abs(sf.paths).max()))
        a, _ = _bisect(lambda x: _p_attain(t, sf, sf.paths + sign * x * (steps > 0)), 0.0, a_max, 0.8)
        assert abs(r["add_needed"] - sign * a) <= 2 * TOL * max(1.0, abs(a))
