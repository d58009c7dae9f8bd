"""The rule-based mid-term view on worked examples."""
import numpy as np
import pandas as pd
import pytest

from scenarios.midterm import historical_growth, midterm_view


def tgt(**kw):
    base = {"plan": "p", "region": "A", "indicator": "x", "kind": "ratio", "direction": "up", "strict": False,
            "target_year": 2025, "target_value": 200.0, "baseline_year": 2020, "baseline_value": 100.0, "factor": 1.0}
    base.update(kw)
    return base


def test_worked_example_arithmetic():
    v = midterm_view(tgt(), [2020, 2021, 2022, 2023], [100, 120, 135, 150], as_of=2023, tol=0.1)
    assert v["time_progress"] == pytest.approx(0.6)
    assert v["completion"] == pytest.approx(0.5)
    assert v["completion_method"] == "arithmetic"
    assert v["status"] == "as_expected"
    assert v["required_growth"] == pytest.approx((200 / 150) ** (1 / 2) - 1)


def test_stock_completion_is_geometric():
    v = midterm_view(tgt(kind="stock"), [2020, 2023], [100, 150], as_of=2023)
    assert v["completion_method"] == "geometric"
    assert v["completion"] == pytest.approx(np.log(1.5) / np.log(2))


def test_constant_growth_track_is_exactly_on_time_geometrically():
    g = 2 ** (1 / 5)
    years = np.arange(2020, 2024)
    v = midterm_view(tgt(kind="annual"), years, 100 * g ** (years - 2020), as_of=2023, tol=0.0)
    assert v["completion"] == pytest.approx(v["time_progress"])


@pytest.mark.parametrize("latest,status", [(175, "ahead"), (150, "as_expected"), (130, "behind"), (200, "achieved_early")])
def test_status_bands(latest, status):
    v = midterm_view(tgt(), [2020, 2023], [100, latest], as_of=2023, tol=0.1)
    assert v["status"] == status


def test_tolerance_is_configurable():
    # completion 0.45 vs time progress 0.6: behind at +-0.1, as expected at +-0.2
    assert midterm_view(tgt(), [2020, 2023], [100, 145], as_of=2023, tol=0.1)["status"] == "behind"
    assert midterm_view(tgt(), [2020, 2023], [100, 145], as_of=2023, tol=0.2)["status"] == "as_expected"


def test_strict_target_is_not_achieved_at_equality():
    v = midterm_view(tgt(strict=True), [2020, 2023], [100, 200], as_of=2023)
    assert v["status"] != "achieved_early"


def test_no_baseline_gives_na():
    v = midterm_view(tgt(baseline_year=None, baseline_value=float("nan")), [2021, 2023], [100, 150], as_of=2023)
    assert v["status"] == "n/a" and np.isnan(v["time_progress"]) and np.isnan(v["completion"])
    assert v["required_growth"] == pytest.approx((200 / 150) ** 0.5 - 1)


def test_baseline_value_from_series_when_not_stated():
    v = midterm_view(tgt(baseline_value=float("nan")), [2020, 2023], [100, 150], as_of=2023)
    assert v["completion"] == pytest.approx(0.5)


def test_factor_converts_target_and_baseline():
    # target 2 (hundreds) from 1 (hundred), series in units
    v = midterm_view(tgt(target_value=2.0, baseline_value=1.0, factor=100.0), [2020, 2023], [100, 150], as_of=2023)
    assert v["completion"] == pytest.approx(0.5)


def test_down_direction():
    v = midterm_view(tgt(direction="down", target_value=50.0), [2020, 2023], [100, 75], as_of=2023)
    assert v["completion"] == pytest.approx(0.5) and v["status"] == "as_expected"
    assert v["required_growth"] == pytest.approx((50 / 75) ** 0.5 - 1)


def test_time_progress_is_clipped():
    v = midterm_view(tgt(), [2020, 2026], [100, 150], as_of=2026)
    assert v["time_progress"] == 1.0


def test_observations_after_as_of_are_ignored():
    v = midterm_view(tgt(), [2020, 2023, 2024], [100, 150, 300], as_of=2023)
    assert v["latest_year"] == 2023 and v["latest_value"] == 150


def test_historical_growth_on_actual_years():
    years = [2015, 2016, 2017, 2018, 2019, 2020]
    values = [100, 110, 121, 133.1, 146.41, 161.051]
    assert historical_growth(years, values, 3) == pytest.approx(0.1)
    assert historical_growth(years, values, 5) == pytest.approx(0.1)
    # the observation 5 years before the latest is missing -> NaN, not a shorter span
    assert np.isnan(historical_growth(years[1:], values[1:], 5))
    # 2017 (3 years before 2020) is missing -> NaN; the all-years CAGR divides by the actual 4-year span
    assert np.isnan(historical_growth([2016, 2018, 2019, 2020], [110, 133.1, 146.41, 161.051], 3))
    assert historical_growth([2016, 2018, 2020], [100, 121, 146.41], None) == pytest.approx(0.1)


def test_required_growth_cumulative_solves_the_sum():
    t = tgt(kind="cumulative", baseline_year=2020, target_value=100.0, baseline_value=float("nan"))
    v = midterm_view(t, [2021, 2022], [10.0, 20.0], as_of=2022)
    r = v["required_growth"]
    # 30 accumulated; 70 to go over 2023-2025 from a latest flow of 20
    assert sum(20 * (1 + r) ** k for k in (1, 2, 3)) == pytest.approx(70.0)
    assert v["completion"] == pytest.approx(0.3) and v["completion_method"] == "cumulative"


def test_required_growth_for_growth_rate_target():
    # base 100 in 2020, 10 %/yr to 2025 -> target level 161.051; 121 in 2022 -> needs 161.051/121 over 3 years
    t = tgt(kind="growth_rate", target_value=10.0, baseline_value=100.0)
    v = midterm_view(t, [2020, 2021, 2022], [100.0, 110.0, 121.0], as_of=2022)
    assert v["required_growth"] == pytest.approx(0.1)
    assert v["completion"] == pytest.approx(0.4)  # geometric: 2 of 5 years of 10 % growth
    assert v["status"] == "as_expected"


def test_reduction_completion_and_required_change():
    t = tgt(kind="reduction", target_value=20.0, baseline_value=100.0, direction="up")
    v = midterm_view(t, [2020, 2023], [100.0, 90.0], as_of=2023)
    assert v["completion"] == pytest.approx(0.5)
    assert v["required_growth"] == pytest.approx((80 / 90) ** 0.5 - 1)


def test_unprecedented_growth_flag_uses_own_and_peer_maximum():
    years, values = [2018, 2019, 2020], [100.0, 105.0, 110.0]
    t = tgt(kind="stock", target_value=300.0, baseline_value=100.0, baseline_year=2018, target_year=2022)
    peers = pd.DataFrame({"region": ["B"] * 3 + ["A"] * 2, "indicator": ["x"] * 5,
                          "year": [2018, 2019, 2020, 2018, 2019], "value": [10.0, 15.0, 16.0, 1.0, 100.0]})
    v = midterm_view(t, years, values, as_of=2020, peers=peers)
    assert v["max_growth_own"] == pytest.approx(0.05)
    assert v["max_growth_peers"] == pytest.approx(0.5)  # region A rows are the target's own, not peers
    # needs (300/110)^(1/2) - 1 = 65 % > 50 %
    assert "needs_unprecedented_growth" in v["flags"]
    v2 = midterm_view(tgt(kind="stock", target_value=200.0, baseline_value=100.0, baseline_year=2018,
                          target_year=2022), years, values, as_of=2020, peers=peers)
    assert v2["required_growth"] < 0.5 and "needs_unprecedented_growth" not in v2["flags"]


def test_stale_data_flag():
    v = midterm_view(tgt(), [2020, 2021], [100, 120], as_of=2023)
    assert "stale_data" in v["flags"]


def test_stale_data_status_is_judged_at_the_latest_data_year():
    # data to 2022 only, as_of 2023: completion 0.4 matches 2022's time progress 0.4, not 2023's 0.6
    v = midterm_view(tgt(), [2020, 2022], [100, 140], as_of=2023, tol=0.1)
    assert v["time_progress"] == pytest.approx(0.6)
    assert v["status"] == "as_expected" and v["status_year"] == 2022 and "stale_data" in v["flags"]


def test_nothing_after_the_baseline_gives_na():
    v = midterm_view(tgt(), [2019, 2020], [90, 100], as_of=2022)
    assert v["status"] == "n/a"
