"""Monte Carlo attainment: exact probabilities, s.e., range, shortfall, first year, observed outcomes."""
import numpy as np
import pytest

from scenarios.attainment import evaluate_target
from scenarios.errors import ScenarioError

from fixtures_targets import J, make_sf, tgt  # noqa: E402,F401


def test_probability_and_binomial_standard_error():
    ev = evaluate_target(tgt(), make_sf(), as_of=2020)
    assert ev["p_attain"] == pytest.approx(0.3)
    assert ev["p_attain_se"] == pytest.approx(np.sqrt(0.3 * 0.7 / 10))
    assert ev["observed"] is False and ev["outcome"] is None and ev["reason"] is None
    assert ev["attained"].tolist() == [False] * 7 + [True] * 3


def test_range_is_in_the_target_unit():
    # series in 件, target in 百件 (factor 100): quantiles come back divided by 100
    ev = evaluate_target(tgt(target_value=1.2, factor=100.0), make_sf(), as_of=2020)
    q = np.quantile(100 + 3 * J, [0.1, 0.5, 0.9]) / 100
    assert (ev["p10"], ev["p50"], ev["p90"]) == pytest.approx(tuple(q))


def test_expected_shortfall_is_mean_gap_on_missing_paths():
    ev = evaluate_target(tgt(target_value=121.0), make_sf(), as_of=2020)
    gaps = 121 - (100 + 3 * J[:7])
    assert ev["expected_shortfall"] == pytest.approx(gaps.mean())


def test_expected_shortfall_zero_when_every_path_meets():
    ev = evaluate_target(tgt(target_value=100.0), make_sf(), as_of=2020)
    assert ev["p_attain"] == 1.0 and ev["expected_shortfall"] == 0.0


def test_shortfall_for_down_target():
    ev = evaluate_target(tgt(direction="down", target_value=106.0), make_sf(), as_of=2020)
    # paths 100+3j <= 106 for j <= 2; missing paths j = 3..9 exceed by 3j - 6
    assert ev["p_attain"] == pytest.approx(0.3)
    assert ev["expected_shortfall"] == pytest.approx(np.mean(3 * J[3:] - 6))


def test_first_year_median_and_reached_before():
    ev = evaluate_target(tgt(target_value=110.0), make_sf(), as_of=2020)
    # first years: j<4 never, j=4 2023, j>=5 2022 -> half the paths by 2022
    assert ev["first_year_median"] == 2022
    assert ev["p_reached_before"] == pytest.approx(0.5)


def test_first_year_median_nan_when_fewer_than_half_reach():
    ev = evaluate_target(tgt(target_value=125.0), make_sf(), as_of=2020)
    assert ev["p_attain"] == pytest.approx(0.1)  # 100 + 3j >= 125 only for j = 9
    assert np.isnan(ev["first_year_median"])


@pytest.mark.parametrize("value,p,outcome", [(85.0, 1.0, "attained"), (95.0, 0.0, "missed")])
def test_observed_outcome_is_exact(value, p, outcome):
    ev = evaluate_target(tgt(target_year=2019, target_value=value), make_sf(), as_of=2020)
    assert ev["p_attain"] == p and ev["p_attain_se"] == 0.0
    assert ev["observed"] is True and ev["outcome"] == outcome and ev["outcome_value"] == 90.0


def test_cumulative_is_observed_only_when_the_whole_window_is():
    done = evaluate_target(tgt(kind="cumulative", baseline_year=2018, target_year=2020, target_value=190.0),
                           make_sf(), as_of=2020)
    assert done["observed"] and done["p_attain"] == 1.0
    running = evaluate_target(tgt(kind="cumulative", baseline_year=2019, target_year=2021, target_value=205.0),
                              make_sf(), as_of=2020)
    # 100 observed + (100 + j) simulated >= 205 <=> j >= 5
    assert not running["observed"] and running["p_attain"] == pytest.approx(0.5)


def test_no_series_gives_no_history_reason():
    ev = evaluate_target(tgt(), None, as_of=2020)
    assert ev["reason"] == "no_history" and np.isnan(ev["p_attain"])


def test_unevaluable_target_reports_reason_instead_of_raising():
    ev = evaluate_target(tgt(kind="growth_rate", baseline_year=2000), make_sf(), as_of=2020)
    assert ev["reason"] == "no_baseline" and np.isnan(ev["p_attain"]) and ev["attained"] is None


def test_observations_after_as_of_are_refused():
    with pytest.raises(ScenarioError, match="observed up to 2020, after as_of 2019"):
        evaluate_target(tgt(), make_sf(), as_of=2019)


@pytest.mark.parametrize("kind,extra", [
    ("stock", {}), ("annual", {}), ("ratio", {}),
    ("cumulative", {"baseline_year": 2019}),
    ("growth_rate", {"baseline_year": 2020}),
    ("reduction", {"baseline_value": 150.0}),
])
@pytest.mark.parametrize("direction", ["up", "down"])
def test_probability_never_rises_as_the_target_rises(kind, extra, direction):
    rng = np.random.default_rng(7)
    paths = 100 * np.exp(np.cumsum(rng.normal(0.05, 0.1, size=(500, 3)), axis=1))
    sf = make_sf(paths)
    grid = np.linspace(-60, 500, 80)
    ps = np.array([evaluate_target(tgt(kind=kind, direction=direction, target_value=v, **extra), sf,
                                   as_of=2020)["p_attain"] for v in grid])
    steps = np.diff(ps)
    if direction == "up":
        assert (steps <= 0).all()
    else:
        assert (steps >= 0).all()
    assert ps.max() - ps.min() > 0.5  # the grid spans the distribution, so the check has teeth
