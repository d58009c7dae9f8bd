"""Portfolio counts on three hand-made targets with four joint paths."""
import numpy as np
import pandas as pd
import pytest

from scenarios.errors import ScenarioError
from scenarios.portfolio import portfolio

T = pd.DataFrame({
    "plan": ["p", "p", "p", "q"],
    "category": ["a", "a", "b", "a"],
    "attribute": ["约束性", "约束性", "预期性", None],
})
PATHS = {
    0: np.array([True, True, False, True]),    # 0.75
    1: np.array([True, False, False, True]),   # 0.5
    2: np.array([True, True, True, False]),    # 0.75
    3: None,                                   # not evaluable
}


def row(frame, plan, category=None):
    if category is None:
        return frame[(frame["plan"] == plan) & (frame["scope"] == "plan")].iloc[0]
    return frame[(frame["plan"] == plan) & (frame["category"] == category)].iloc[0]


def test_plan_level_counts():
    r = row(portfolio(T, PATHS), "p")
    # met per path: 3, 2, 1, 2
    assert r["n_targets"] == 3 and r["n_evaluable"] == 3
    assert r["expected_met"] == pytest.approx(2.0)
    assert r["p_all"] == pytest.approx(0.25)
    assert r["k_half"] == 2 and r["p_at_least_half"] == pytest.approx(0.75)
    assert r["k_80pct"] == 3 and r["p_at_least_80pct"] == pytest.approx(0.25)
    # binding targets 0 and 1 both met on paths 0 and 3
    assert r["p_all_binding"] == pytest.approx(0.5)


def test_category_level_counts():
    out = portfolio(T, PATHS)
    a = row(out, "p", "a")
    assert a["n_targets"] == 2 and a["expected_met"] == pytest.approx(1.25)
    assert a["p_all"] == pytest.approx(0.5) and a["p_at_least_half"] == pytest.approx(0.75)
    b = row(out, "p", "b")
    assert np.isnan(b["p_all_binding"])  # no 约束性 target in the category
    assert b["p_all"] == pytest.approx(0.75)


def test_unevaluable_targets_are_counted_but_not_simulated():
    r = row(portfolio(T, PATHS), "q")
    assert r["n_targets"] == 1 and r["n_evaluable"] == 0
    assert np.isnan(r["expected_met"]) and np.isnan(r["p_all"])


def test_observed_outcomes_as_constant_arrays():
    paths = {0: np.array([True]), 1: np.array([True, False, False, True]), 2: np.ones(4, bool)}
    r = row(portfolio(T.iloc[:3], paths), "p")
    assert r["expected_met"] == pytest.approx(2.5) and r["p_all"] == pytest.approx(0.5)


def test_plan_rows_have_missing_category():
    out = portfolio(T, PATHS)
    assert out.loc[out["scope"] == "plan", "category"].isna().all()


def test_mismatched_path_counts_are_refused():
    paths = {0: np.array([True, False]), 1: np.array([True, False, False, True]), 2: None}
    with pytest.raises(ScenarioError, match="has 2 paths but others have 4"):
        portfolio(T.iloc[:3], paths)
