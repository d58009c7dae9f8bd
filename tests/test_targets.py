"""Target semantics on hand-made paths with exactly known answers.

Fixture: observed 2018-2020 = 80, 90, 100; ten paths j = 0..9 with
2021 = 100 + j, 2022 = 100 + 2j, 2023 = 100 + 3j.
"""
import numpy as np
import pytest

from scenarios.errors import ScenarioError
from scenarios.targets import first_year_reached, is_attained, target_quantity

from fixtures_targets import J, make_sf, tgt  # noqa: E402,F401


def p_of(target, sf=None):
    sf = sf or make_sf()
    return float(is_attained(target_quantity(target, sf), target).mean())


# kind, extra fields, target value, expected P for (up, >=), (up, >), (down, <=), (down, <)
CASES = [
    ("stock", {}, 121.0, (0.3, 0.2, 0.8, 0.7)),
    ("annual", {}, 121.0, (0.3, 0.2, 0.8, 0.7)),
    ("ratio", {}, 121.0, (0.3, 0.2, 0.8, 0.7)),
    # 2020 observed (100) + 2021 + 2022 simulated = 300 + 3j
    ("cumulative", {"baseline_year": 2019, "target_year": 2022}, 315.0, (0.5, 0.4, 0.6, 0.5)),
    # 100 * (sqrt((100 + 2j) / 100) - 1) >= 5  <=>  j >= 5.125 (no ties)
    ("growth_rate", {"target_year": 2022}, 5.0, (0.4, 0.4, 0.6, 0.6)),
    # 100 * (200 - (100 + 3j)) / 200 = 50 - 1.5 j; exactly 41 at j = 6
    ("reduction", {"baseline_value": 200.0}, 41.0, (0.7, 0.6, 0.4, 0.3)),
]


@pytest.mark.parametrize("kind,extra,value,expected", CASES, ids=[c[0] for c in CASES])
def test_every_kind_direction_and_strictness(kind, extra, value, expected):
    combos = [("up", False), ("up", True), ("down", False), ("down", True)]
    got = tuple(p_of(tgt(kind=kind, direction=d, strict=s, target_value=value, **extra)) for d, s in combos)
    assert got == pytest.approx(expected, abs=1e-12)


def test_cumulative_sums_observed_and_simulated_years():
    q = target_quantity(tgt(kind="cumulative", baseline_year=2018, target_year=2022), make_sf())
    # 2019 (90) + 2020 (100) observed, 2021-2022 simulated
    np.testing.assert_allclose(q, 190 + 200 + 3 * J)


def test_growth_rate_uses_stated_baseline_value_over_the_series():
    q = target_quantity(tgt(kind="growth_rate", baseline_year=2020, baseline_value=50.0, target_year=2021), make_sf())
    np.testing.assert_allclose(q, 100 * ((100 + J) / 50 - 1))


def test_growth_rate_baseline_from_series_and_years_from_baseline():
    q = target_quantity(tgt(kind="growth_rate", baseline_year=2018, target_year=2023), make_sf())
    np.testing.assert_allclose(q, 100 * (((100 + 3 * J) / 80) ** (1 / 5) - 1))


def test_reduction_with_zero_placeholder_baseline_falls_back_to_observation():
    q = target_quantity(tgt(kind="reduction", baseline_year=2020, baseline_value=0.0), make_sf())
    np.testing.assert_allclose(q, 100 * (100 - (100 + 3 * J)) / 100)


def test_factor_converts_target_to_series_unit():
    # target in hundreds: 1.2 hundreds = 120 in the series unit -> 3j >= 20 -> j >= 7
    assert p_of(tgt(target_value=1.2, factor=100.0)) == pytest.approx(0.3)


def test_percent_kinds_ignore_factor():
    t = tgt(kind="reduction", baseline_value=200.0, target_value=41.0, factor=1e4)
    assert p_of(t) == pytest.approx(0.7)


def test_observed_year_gives_the_observation_on_every_path():
    q = target_quantity(tgt(target_year=2019), make_sf())
    np.testing.assert_array_equal(q, np.full(10, 90.0))


def test_missing_baseline_raises_with_reason():
    with pytest.raises(ScenarioError, match="needs a baseline level") as exc:
        target_quantity(tgt(kind="growth_rate", baseline_year=2010), make_sf())
    assert exc.value.reason == "no_baseline"


def test_cumulative_without_baseline_year_raises():
    with pytest.raises(ScenarioError, match="cumulative but has no baseline_year") as exc:
        target_quantity(tgt(kind="cumulative", baseline_year=None), make_sf())
    assert exc.value.reason == "no_baseline"


def test_gap_inside_the_cumulative_window_raises():
    sf = make_sf(obs_years=(2016, 2018, 2019, 2020), obs_values=(70.0, 80.0, 90.0, 100.0))
    with pytest.raises(ScenarioError, match="no observation for 2017") as exc:
        target_quantity(tgt(kind="cumulative", baseline_year=2015, target_year=2022), sf)
    assert exc.value.reason == "gap_in_window"


def test_target_year_beyond_the_paths_raises_no_path():
    with pytest.raises(ScenarioError, match="does not reach 2030") as exc:
        target_quantity(tgt(target_year=2030), make_sf())
    assert exc.value.reason == "no_path"


def test_unknown_kind_is_rejected():
    with pytest.raises(ScenarioError, match="kind 'level'"):
        target_quantity(tgt(kind="level"), make_sf())


def test_nan_quantity_never_attains():
    t = tgt(target_value=0.0)
    assert not is_attained(np.array([np.nan]), t)[0]


def test_first_year_reached_per_path():
    first = first_year_reached(tgt(target_value=110.0), make_sf())
    expected = np.array([np.nan] * 4 + [2023] + [2022] * 5)
    np.testing.assert_array_equal(first, expected)


def test_first_year_reached_counts_observed_years_in_the_window():
    first = first_year_reached(tgt(target_value=85.0, baseline_year=2018), make_sf())
    np.testing.assert_array_equal(first, np.full(10, 2019.0))


def test_first_year_reached_cumulative_running_sum():
    # running sums from 2021: 100 + j, 200 + 3j, 300 + 6j ; target 250
    first = first_year_reached(tgt(kind="cumulative", baseline_year=2020, target_value=250.0), make_sf())
    expected = np.where(200 + 3 * J >= 250, 2022.0, np.where(300 + 6 * J >= 250, 2023.0, np.nan))
    np.testing.assert_array_equal(first, expected)


def test_growth_rate_has_no_first_year():
    assert np.isnan(first_year_reached(tgt(kind="growth_rate", target_value=1.0), make_sf())).all()
