"""forecast.engine.forecast_series: RNG per series, as_of, skip/raise, flags, bounds."""
import numpy as np
import pandas as pd
import pytest

from forecast.engine import forecast_series
from forecast.errors import ForecastError


def _frame(rows):
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])


def _series(region, indicator, years, values, unit="件"):
    return [(region, indicator, y, v, unit) for y, v in zip(years, values)]


BASE = _series("武汉市", "grants", range(2015, 2024), [10, 12, 13, 15, 18, 19, 22, 25, 27])


def test_adding_a_series_does_not_change_another_series_paths():
    one = forecast_series(_frame(BASE), to_year=2026, draws=200, seed=7)
    two = forecast_series(_frame(BASE + _series("湖北", "grants", range(2015, 2024), range(50, 59))),
                          to_year=2026, draws=200, seed=7)
    assert np.array_equal(one.get("武汉市", "grants").paths, two.get("武汉市", "grants").paths)


def test_same_seed_same_paths_other_seed_other_paths():
    a = forecast_series(_frame(BASE), to_year=2026, draws=100, seed=1).get("武汉市", "grants").paths
    b = forecast_series(_frame(BASE), to_year=2026, draws=100, seed=1).get("武汉市", "grants").paths
    c = forecast_series(_frame(BASE), to_year=2026, draws=100, seed=2).get("武汉市", "grants").paths
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_as_of_drops_later_years():
    s = forecast_series(_frame(BASE), to_year=2025, as_of=2020, draws=50).get("武汉市", "grants")
    assert s.last_year == 2020
    assert s.years.tolist() == [2021, 2022, 2023, 2024, 2025]


def test_series_observed_past_to_year_has_empty_paths():
    s = forecast_series(_frame(BASE), to_year=2022, draws=50).get("武汉市", "grants")
    assert s.years.size == 0 and s.paths.shape == (50, 0)


def test_skip_lists_one_point_series():
    rows = BASE + _series("宜都市", "grants", [2023], [4])
    fc = forecast_series(_frame(rows), to_year=2025, draws=50, errors="skip")
    assert fc.get("宜都市", "grants") is None
    assert "single point" in fc.meta["skipped"][("宜都市", "grants")]
    with pytest.raises(ForecastError, match="宜都市/grants has 1 observation"):
        forecast_series(_frame(rows), to_year=2025, draws=50)


def test_explicit_model_too_short_raises_with_the_contract_message():
    rows = _series("武汉市", "pct_applications", [2022, 2023], [500, 600])
    with pytest.raises(ForecastError, match=r"武汉市/pct_applications has 2 observations; model 'linear' "
                                            r"needs at least 3\. Use --model drift or add history\."):
        forecast_series(_frame(rows), to_year=2025, model="linear")


def test_flags_weak_evidence_gaps_and_panel_prior():
    rows = _series("武汉市", "grants", [2018, 2021, 2023], [10, 14, 17])
    panel = _frame([r for reg, base in (("北京", 50), ("上海", 40), ("广东", 90), ("浙江", 60))
                    for r in _series(reg, "grants", range(2015, 2023), base * 1.1 ** np.arange(8))])
    s = forecast_series(_frame(rows), to_year=2025, draws=100, panel=panel).get("武汉市", "grants")
    assert {"weak_evidence", "gaps", "panel_prior"} <= set(s.flags)
    assert any("2019, 2020, 2022" in n for n in s.notes)
    assert any("4 peer series" in n for n in s.notes)
    without = forecast_series(_frame(rows), to_year=2025, draws=100).get("武汉市", "grants")
    assert any("generic prior" in n for n in without.notes)


def test_percent_series_stays_inside_bounds():
    rows = _series("浙江", "share", range(2016, 2024), [80, 86, 90, 93, 95, 97, 98, 99], unit="%")
    s = forecast_series(_frame(rows), to_year=2030, draws=500).get("浙江", "share")
    assert "bounded" in s.flags
    assert np.all((s.paths >= 0) & (s.paths <= 100))


def test_explicit_bounds_apply_to_any_model():
    rows = _series("浙江", "rate", range(2016, 2024), [0.2, 0.25, 0.3, 0.4, 0.5, 0.55, 0.6, 0.7], unit="")
    s = forecast_series(_frame(rows), to_year=2030, draws=300, model="drift",
                        bounds={("浙江", "rate"): (0.0, 1.0)}).get("浙江", "rate")
    assert np.all((s.paths >= 0) & (s.paths <= 1))


def test_missing_column_and_bad_errors_value():
    with pytest.raises(ForecastError, match="lacks column value"):
        forecast_series(pd.DataFrame({"region": ["a"], "indicator": ["x"], "year": [2020]}), to_year=2022)
    with pytest.raises(ForecastError, match="'errors' parameter must be 'raise' or 'skip'"):
        forecast_series(_frame(BASE), to_year=2025, errors="ignore")


def test_years_beyond_the_calibrated_horizon_are_flagged():
    # The pooled errors reach 6 years ahead: 2024-2029 from 2023 is inside, 2030 is not.
    inside = forecast_series(_frame(BASE), to_year=2029, draws=100, seed=1).get("武汉市", "grants")
    assert "beyond_calibration" not in inside.flags_for()
    run = forecast_series(_frame(BASE), to_year=2031, draws=100, seed=1)
    far = run.get("武汉市", "grants")
    assert "beyond_calibration" in far.flags_for()
    assert any("calibrated up to 2029; 2030-2031 extend it untested" in n for n in far.notes_for())
    assert any(n.endswith("calibrated up to 2029; 2030 extends it untested") for n in far.notes_for(2030))
    # the same paths judged in a year inside the horizon (a 2025 target in a run to 2031) are not flagged
    assert "beyond_calibration" not in far.flags_for(2029)
    assert not any("calibrated up to" in n for n in far.notes_for(2029))
    flags = run.to_frame().query("indicator == 'grants'").set_index("year")["flags"]
    assert "beyond_calibration" not in flags[2029] and "beyond_calibration" in flags[2030]
    # explicit models carry their own (model-based) uncertainty: no such flag
    drift = forecast_series(_frame(BASE), to_year=2031, model="drift", draws=100, seed=1).get("武汉市", "grants")
    assert "beyond_calibration" not in drift.flags_for()


def test_monotone_paths_need_a_stock_or_peers_that_never_fall():
    """A series that rose in every change keeps rising only when its targets call it a stock or
    its peers (almost) never fell; its own run alone is not enough (M3: 9 % fall after 9 rises)."""
    import pandas as pd

    from forecast.engine import forecast_series

    years = list(range(2015, 2023))
    own = pd.DataFrame({"region": "z", "indicator": "x", "year": years,
                        "value": 100 * np.exp(np.cumsum([0.0, 0.2, 0.02, 0.15, 0.05, 0.2, 0.01, 0.1]))})
    rising = pd.DataFrame([(r, "x", y, 50 * (1.1 + 0.01 * i) ** (y - 2015)) for i, r in enumerate("abcd")
                           for y in years], columns=["region", "indicator", "year", "value"])
    falling = rising.copy()
    falling.loc[falling["year"].isin([2018, 2021]), "value"] *= 0.8  # peers that fell now and then

    def run(**kw):
        return forecast_series(own, to_year=2026, draws=2000, seed=3, **kw).get("z", "x")

    alone, stock = run(), run(stocks={("z", "x")})
    assert "monotone" not in alone.flags and (alone.paths[:, 0] < own["value"].iloc[-1]).any()
    assert "monotone" in stock.flags and np.all(np.diff(stock.paths, axis=1) >= 0)
    assert np.all(stock.paths[:, 0] >= own["value"].iloc[-1])
    assert "monotone" in run(panel=rising).flags
    assert "monotone" not in run(panel=falling).flags
    assert "monotone" not in run(panel=falling, stocks={("z", "x")}).flags  # peers that fell win

    # A declared stock needs no long run: Wuhan's high-value invention patents per 10,000 people,
    # 3 rises to 40.57, no peers; P(> 40 next year) was 0.92 when 4 rises were required.
    wuhan = pd.DataFrame({"region": "武汉市", "indicator": "hv", "year": [2020, 2021, 2023, 2024],
                          "value": [20.5, 24.46, 34.56, 40.57]})
    short = forecast_series(wuhan, to_year=2025, draws=2000, seed=3, stocks={("武汉市", "hv")}).get("武汉市", "hv")
    assert "monotone" in short.flags and any("rose in all 3 changes, a stock" in n for n in short.notes)
    assert np.all(short.at(2025) >= 40.57)
    plain = forecast_series(wuhan, to_year=2025, draws=2000, seed=3).get("武汉市", "hv")
    assert "monotone" not in plain.flags and np.mean(plain.at(2025) > 40) < 0.97
    one = forecast_series(wuhan.tail(2), to_year=2025, draws=500, seed=3, stocks={("武汉市", "hv")}).get("武汉市", "hv")
    assert any("rose in its one change, a stock" in n for n in one.notes)
    fell = wuhan.assign(value=[20.5, 24.46, 23.0, 40.57])  # one fall: the run says nothing
    assert "monotone" not in forecast_series(fell, to_year=2025, draws=500, seed=3,
                                             stocks={("武汉市", "hv")}).get("武汉市", "hv").flags


def test_a_share_below_half_a_percent_is_not_flattened_onto_the_clip():
    """Shares are modelled on the logit scale with values on the bounds pulled inside; a share
    that is itself tiny (0.19-0.3 % of GDP) keeps its own level and its own movement."""
    import pandas as pd

    from forecast.engine import forecast_series

    df = pd.DataFrame({"region": "R", "indicator": "rd", "year": [2015, 2016, 2017, 2018, 2019],
                       "value": [0.30, 0.19, 0.22, 0.25, 0.26], "unit": "%"})
    s = forecast_series(df, to_year=2021, draws=2000, seed=0).get("R", "rd")
    lo, mid, hi = np.quantile(s.at(2020), [0.1, 0.5, 0.9])
    assert hi - lo > 0.02  # a fan, not the single line a 0.5 % floor made of it
    assert 0.1 < mid < 0.45 and lo >= 0.0


def test_a_share_far_from_its_bounds_moves_in_points_on_either_side_of_half():
    """A share rising 0.5 pp a year, far from 0 and 100 %, gets the same fan in percentage points
    at 10-14.5 % as at 55-59.5 %: the logit of a share above one half is positive, and a log of
    it (log members, log errors) once made the 55 % share fall below today's level next year in
    11 % of paths against 4 % for the 10 % share."""
    years = range(2015, 2025)
    low = _series("R", "s", years, [10.0 + 0.5 * k for k in range(10)], unit="%")
    high = _series("R", "s", years, [55.0 + 0.5 * k for k in range(10)], unit="%")
    a = forecast_series(_frame(low), to_year=2030, draws=1000, seed=3).get("R", "s")
    b = forecast_series(_frame(high), to_year=2030, draws=1000, seed=3).get("R", "s")
    assert np.allclose(b.paths - 45.0, a.paths)
    assert (b.at(2025) >= 59.5).mean() >= 0.95


def test_a_share_within_reach_of_its_bound_keeps_the_logit():
    """Near 100 % the fan in points would cross the bound: the logit keeps it inside without
    piling paths on 100."""
    rows = _series("R", "s", range(2015, 2025), [97.0 + 0.3 * k for k in range(10)], unit="%")
    s = forecast_series(_frame(rows), to_year=2030, draws=2000, seed=0).get("R", "s")
    assert any("logit" in n for n in s.notes)
    assert np.all(s.paths < 100.0) and np.median(s.at(2030)) > 99.5


def _share_panel(start):
    """Four peer regions whose share grows 5 % a year (relative), slightly noisy."""
    return pd.DataFrame([(f"P{i}", "s", y, (start + i) * 1.05 ** (y - 2015) * (1 + 0.01 * ((y + i) % 3 - 1)), "%")
                         for i in range(4) for y in range(2015, 2025)],
                        columns=["region", "indicator", "year", "value", "unit"])


def test_a_share_far_from_its_bounds_leans_on_its_peers_growth_and_near_a_bound_does_not():
    """A flat 8-year share among peers that grow: its centre leans on their growth (in points,
    flag peer_trend); a share near 100 % runs on the logit, where a growth of the share means
    nothing, so the peers' growth is not used there."""
    flat = _series("R", "s", range(2017, 2025), [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.1, 10.0], unit="%")
    alone = forecast_series(_frame(flat), to_year=2027, draws=500, seed=0).get("R", "s")
    with_peers = forecast_series(_frame(flat), to_year=2027, draws=500, seed=0, panel=_share_panel(10)).get("R", "s")
    assert "peer_trend" in with_peers.flags and "peer_trend" not in alone.flags
    assert "centre 15% from the growth of 4 peer series (median +0.797 pp/yr), 85% from its own models" in with_peers.notes
    assert np.median(with_peers.at(2027)) > np.median(alone.at(2027)) + 0.2
    near = _series("R", "s", range(2015, 2025), [97.0 + 0.3 * k for k in range(10)], unit="%")
    s = forecast_series(_frame(near), to_year=2030, draws=500, seed=0, panel=_share_panel(60)).get("R", "s")
    assert "peer_trend" not in s.flags and any("logit" in n for n in s.notes)


def test_a_share_falling_toward_zero_among_growing_peers_still_gets_a_forecast():
    """Its level members cross zero (6 -> 0.6 % in six years): the fan reaches the bound, the
    logit takes over, and the peers' growth of the share is not used (it once raised instead)."""
    rows = _series("R", "s", range(2015, 2022), [6.0, 5.0, 4.0, 3.0, 2.0, 1.2, 0.6], unit="%")
    s = forecast_series(_frame(rows), to_year=2028, draws=300, seed=0, panel=_share_panel(3)).get("R", "s")
    assert "peer_trend" not in s.flags and any("logit" in n for n in s.notes)
    assert np.all(s.paths > 0) and np.median(s.at(2028)) < 0.6


def test_a_bounded_refit_decides_the_peers_growth_anew():
    """The logit fit drops the peers' growth; a later fit of the same model on a share far from
    its bounds uses it again (the choice belongs to the data fitted, like the clip)."""
    from forecast.auto import AutoModel
    from forecast.engine import _Bounded
    from forecast.panel import GrowthPrior

    prior = GrowthPrior(growth=0.05, spread=0.02, noise=0.02, n_peers=6, n_pairs=30, last_year=2024, log=False)
    model = _Bounded(inner=AutoModel(levels=True, prior_growth=prior), lo=0.0, hi=100.0)
    years = np.arange(2015, 2025)
    model.fit(97.0 + 0.3 * np.arange(10), years)
    assert not model.levels_ and not model.inner.panel_centred_
    model.fit(10.0 + 0.1 * np.sin(np.arange(10)), years)
    assert model.levels_ and model.inner.panel_centred_


def test_a_three_point_share_leans_on_its_peers_change_in_points():
    """Three years of a flat 10 % share among peers gaining ~0.8 points a year: its growth is
    anchored on theirs as a change in points (not a relative growth, which skews a share's fan
    upward), so the 2027 median lies between flat and the peers' pace and the fan is symmetric."""
    rows = _series("R", "s", [2022, 2023, 2024], [10.0, 10.1, 10.0], unit="%")
    s = forecast_series(_frame(rows), to_year=2027, draws=4000, seed=0, panel=_share_panel(10)).get("R", "s")
    assert "+peer growth" in s.model and "panel_prior" in s.flags
    assert any("pp/yr" in n for n in s.notes)
    p10, p50, p90 = np.quantile(s.at(2027), [0.1, 0.5, 0.9])
    assert 10.0 < p50 < 10.0 + 3 * 0.8
    assert (p90 - p50) == pytest.approx(p50 - p10, rel=0.1)


def test_a_short_share_keeps_as_little_of_its_departure_as_its_peers_did():
    """A 3-point share rising 1 pp a year among 20 peers that rise 0.2 pp a year, whose own
    faster or slower years never lasted: in points, its centre goes the peers' pace from today
    (what it gained stays, the pace does not)."""
    rng = np.random.default_rng(4)
    peers = pd.DataFrame([(f"P{i}", "s", y, 10.0 + i * 0.5 + 0.2 * (y - 2010) + rng.normal(0, 0.3), "%")
                          for i in range(20) for y in range(2010, 2024)],
                         columns=["region", "indicator", "year", "value", "unit"])
    rows = _series("R", "s", range(2021, 2024), [12.0, 13.0, 14.0], unit="%")
    s = forecast_series(_frame(rows), to_year=2029, draws=2000, seed=0, panel=peers).get("R", "s")
    assert any("its own departure from them kept" in n for n in s.notes)
    assert np.median(s.at(2029)) == pytest.approx(14.0 + 0.2 * 6, abs=0.5)  # 20.0 at its own pace
