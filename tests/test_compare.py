"""compare(): the same paths for every scenario, so an empty scenario changes nothing exactly."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from scenarios.compare import compare
from scenarios.errors import ScenarioError
from scenarios.scenario import Adjustment, Scenario

from fixtures_engine import install_engine, lognormal_engine, wuhan_two_indicators  # noqa: E402

DRAWS = 2000


def _series():
    return wuhan_two_indicators()


def _targets():
    common = dict(plan="wuhan_14fyp", region="武汉市", unit="件", direction="up", strict=False, target_year=2025,
                  baseline_year=2020, attribute="预期性", factor=1.0, series_unit="件")
    return pd.DataFrame([
        dict(common, indicator="invention_grants", name="发明专利授权量", kind="annual", target_value=19000.0,
             baseline_value=14000.0, category="创造质量"),
        dict(common, indicator="pledge_financing", name="质押融资额", kind="annual", target_value=55.0,
             baseline_value=40.0, category="运用效益"),
        dict(common, indicator="pledge_financing", name="质押融资累计", kind="cumulative", target_value=250.0,
             baseline_value=np.nan, category="运用效益"),
        dict(common, indicator="invention_grants", name="已观测", kind="annual", target_year=2022,
             target_value=10.0, baseline_value=np.nan, category="创造质量"),
    ])


@pytest.fixture
def fake_engine(monkeypatch):
    """Known lognormal paths from the last observation; seeded per series like the real engine."""
    install_engine(monkeypatch, lognormal_engine(0.08, unit="件"))


EMPTY = Scenario("empty", "什么也不变", ())
SLOW = Scenario("slowdown", "放缓", (Adjustment(from_year=2024, growth_shift=-0.05),))
POLICY = Scenario("policy", "加码", (Adjustment(indicator=("pledge_financing",), from_year=2024, add_per_year=3.0),))


def test_empty_scenario_gives_zero_change(fake_engine):
    out = compare(_targets(), _series(), {"empty": EMPTY}, draws=DRAWS, seed=4, model="drift")
    assert list(out.columns[:9]) == ["plan", "region", "indicator", "name", "target_year", "target_value",
                                     "p_baseline", "p_empty", "d_empty"]
    assert len(out) == 4
    assert (out["d_empty"] == 0.0).all()
    np.testing.assert_array_equal(out["p_empty"], out["p_baseline"])
    assert out.attrs["meta"]["seed"] == 4 and out.attrs["meta"]["scenarios"] == {"empty": "什么也不变"}


def test_effects_have_the_expected_sign_and_reach(fake_engine):
    out = compare(_targets(), _series(), {"slowdown": SLOW, "policy": POLICY}, draws=DRAWS, seed=4, model="drift")
    cols = list(out.columns)
    assert cols.index("p_slowdown") < cols.index("d_slowdown") < cols.index("p_policy") < cols.index("d_policy")
    sim = out[out["target_year"] == 2025]
    assert (sim["d_slowdown"] <= 0).all() and (sim["d_slowdown"] < 0).any()
    grants = out["indicator"] == "invention_grants"
    assert (out.loc[grants, "d_policy"] == 0.0).all()  # not matched by the policy: same paths, exactly
    assert (out.loc[~grants, "d_policy"] >= 0).all() and (out.loc[~grants, "d_policy"] > 0).any()
    observed = out["target_year"] == 2022
    assert (out.loc[observed, ["d_slowdown", "d_policy"]] == 0.0).all().all()
    assert out.loc[observed, "p_baseline"].iloc[0] in (0.0, 1.0)


def test_baseline_name_is_reserved(fake_engine):
    with pytest.raises(ScenarioError, match="baseline"):
        compare(_targets(), _series(), {"baseline": SLOW}, draws=100, model="drift")
    with pytest.raises(ScenarioError, match="scenario"):
        compare(_targets(), _series(), {"slowdown": SLOW}, scenario=SLOW, draws=100, model="drift")


def test_compare_with_the_engine():
    # the real engine (forecast.engine, issue 3) with the drift model
    out = compare(_targets(), _series(), {"empty": EMPTY, "slowdown": SLOW}, draws=DRAWS, seed=1, model="drift")
    assert (out["d_empty"] == 0.0).all()
    assert (out["d_slowdown"] <= 0).all()
