"""Peer growth prior (forecast.panel) and growth-anchored short-series forecasts (forecast.shortseries)."""
from dataclasses import astuple, replace

import numpy as np
import pandas as pd
import pytest

from forecast.auto import AutoModel
from forecast.engine import forecast_series
from forecast.errors import ForecastError
from forecast.panel import GrowthPrior, growth_pairs, growth_persistence, peer_growth, persistence_spread
from forecast.shortseries import anchored_band, anchored_growth, anchored_paths, anchored_point


def _panel(spec, indicator="x", unit="件"):
    """spec: {region: {year: value}} -> long frame."""
    return pd.DataFrame([(r, indicator, y, v, unit) for r, obs in spec.items() for y, v in obs.items()],
                        columns=["region", "indicator", "year", "value", "unit"])


# Sparse, irregular peers: 10 % a year everywhere, observed with gaps.
SPARSE = _panel({
    "a": {2015: 100.0, 2018: 100 * np.exp(0.3), 2019: 100 * np.exp(0.4)},
    "b": {2017: 50.0, 2021: 50 * np.exp(0.4)},
    "c": {2016: 10.0, 2017: 10 * np.exp(0.1), 2020: 10 * np.exp(0.4), 2021: 10 * np.exp(0.5)},
})


def test_pairs_are_annualised_over_gaps_and_never_filled():
    pairs = growth_pairs(SPARSE, indicator="x")
    assert len(pairs) == 2 + 1 + 3  # consecutive observed years only: no invented years in the gaps
    assert pairs["gap"].tolist() == [3, 1, 4, 1, 3, 1]
    np.testing.assert_allclose(pairs["growth"], 0.1)
    p = peer_growth(SPARSE, region="z", indicator="x")
    assert p.n_peers == 3 and p.n_pairs == 6
    assert p.growth == pytest.approx(0.1) and p.spread == pytest.approx(0.0, abs=1e-12)


def test_robust_centre_ignores_one_wild_peer_and_spread_reflects_dispersion():
    spec = {r: {2018: 10.0, 2020: 10 * np.exp(2 * g)} for r, g in zip("abcde", (0.05, 0.08, 0.10, 0.12, 0.15))}
    spec["wild"] = {2018: 1.0, 2020: 30.0}  # a new series jumping 30-fold
    p = peer_growth(_panel(spec), region="z", indicator="x")
    assert 0.08 <= p.growth <= 0.12
    assert 0.0 < p.spread < 0.1


def test_too_few_peers_give_no_prior():
    two = SPARSE[SPARSE["region"] != "c"]
    assert peer_growth(two, region="z", indicator="x") is None
    assert peer_growth(SPARSE, region="a", indicator="x") is None  # the region itself is never its own peer


def test_no_look_ahead_years_after_as_of_are_ignored():
    late = pd.concat([SPARSE, _panel({"a": {2023: 1e6}, "b": {2024: 1.0}, "c": {2023: 5e5}})])
    cut = peer_growth(late, region="z", indicator="x", as_of=2021)
    np.testing.assert_equal(astuple(cut), astuple(peer_growth(SPARSE, region="z", indicator="x")))  # nan == nan
    assert cut.last_year <= 2021
    assert peer_growth(late, region="z", indicator="x").spread > 0.5  # the late years would have mattered


def test_recent_pairs_weigh_more():
    # growth fell from 30 % to 5 %: the recency weighting puts the centre nearer the recent rate
    # (recent rates 4 / 5 / 6 %: peers must differ, else the panel has no spread and no prior)
    spec = {r: {2010: 1.0, 2011: np.exp(0.3), 2012: np.exp(0.6), 2020: np.exp(0.6 + g * 8),
                2021: np.exp(0.6 + g * 9)} for r, g in zip("abc", (0.04, 0.05, 0.06))}
    p = peer_growth(_panel(spec), region="z", indicator="x")
    assert p.growth == pytest.approx(0.05)


PRIOR = GrowthPrior(growth=0.05, spread=0.04, noise=0.03, n_peers=6, n_pairs=12, last_year=2022, weight=2.0)


def test_anchored_point_lies_between_own_and_panel_growth():
    y, years = np.array([100.0, 144.0]), np.array([2020, 2022])  # own growth log(1.2) = 18 %/yr
    a = anchored_growth(y, years, PRIOR)
    assert PRIOR.growth < a.growth < a.own_growth
    assert a.growth == pytest.approx((2 * np.log(1.2) + 2 * 0.05) / 4)
    point = anchored_point(y, years, PRIOR, 3)
    assert np.all((point > 144.0 * np.exp(0.05 * np.arange(1, 4))) & (point < 144.0 * 1.2 ** np.arange(1, 4)))
    # with the members' point as the own part, the mix lies between that point and the panel path
    own = np.array([160.0, 176.0, 192.0])
    mixed = anchored_point(y, years, PRIOR, 3, own_point=own)
    assert np.all((mixed < own) & (mixed > 144.0 * np.exp(0.05 * np.arange(1, 4))))


def test_growth_tends_to_own_growth_with_many_years():
    shares = [anchored_growth([100.0, 200.0], [2000, 2000 + T], PRIOR).panel_share for T in (1, 10, 40)]
    assert shares[0] > shares[1] > shares[2] and shares[2] < 0.05
    a = anchored_growth([100.0, 200.0], [2000, 2040], PRIOR)
    assert a.growth == pytest.approx(a.own_growth, abs=0.002)


def test_paths_reproducible_by_seed_and_zero_noise_path_is_the_point():
    y, years = [100.0, 120.0, 150.0], [2019, 2020, 2022]
    a = anchored_paths(y, years, PRIOR, 4, 300, np.random.default_rng(5))
    b = anchored_paths(y, years, PRIOR, 4, 300, np.random.default_rng(5))
    c = anchored_paths(y, years, PRIOR, 4, 300, np.random.default_rng(6))
    assert a.shape == (300, 4) and np.array_equal(a, b) and not np.array_equal(a, c)
    flat = GrowthPrior(growth=0.05, spread=0.0, noise=0.0, n_peers=6, n_pairs=12, last_year=2022, weight=2.0)
    # No spread, no noise and own growth equal to the peers' (no departure to widen by): every
    # path is the point.
    on_panel = [100.0, 100.0 * np.exp(0.05)]
    still = anchored_paths(on_panel, [2021, 2022], flat, 3, 5, np.random.default_rng(0))
    np.testing.assert_allclose(still, np.broadcast_to(anchored_point(on_panel, [2021, 2022], flat, 3), (5, 3)))
    # Own growth 0.095 against the peers' 0.05: the departure alone widens the fan.
    apart = anchored_paths([100.0, 110.0], [2021, 2022], flat, 3, 500, np.random.default_rng(0))
    assert np.std(np.log(apart[:, -1])) > 0.05


@pytest.mark.parametrize("n_peers, expected", [(3, 1.96 * np.sqrt(4 / 3)), (200, 1.96 * np.sqrt(201 / 200))])
def test_growth_deviation_is_the_predictive_of_a_new_region(n_peers, expected):
    # The centre was estimated from n regions, so a new region's growth deviates by
    # spread * sqrt(1 + 1/n) * N(0, 1): with 3 peers the 97.5 % point is 2.26 spreads,
    # with 200 it is 1.96. Normal, not Student-t: exp of a t draw has no mean.
    prior = GrowthPrior(growth=0.1, spread=0.05, noise=1e-9, n_peers=n_peers, n_pairs=2 * n_peers, last_year=2022,
                        weight=1.0)
    y, years = [100.0, 110.0], [2021, 2022]
    paths = anchored_paths(y, years, prior, 5, 40_000, np.random.default_rng(11))
    centre = anchored_point(y, years, prior, 5)
    dev = np.log(paths[:, -1] / centre[-1]) / 5 / prior.spread
    assert np.quantile(dev, 0.975) == pytest.approx(expected, rel=0.03)
    assert np.quantile(dev, 0.025) == pytest.approx(-expected, rel=0.03)
    # the mean of the paths exists and stays near the point (lognormal: exp(var / 2))
    assert paths[:, -1].mean() / centre[-1] == pytest.approx(np.exp(0.5 * (5 * 0.05) ** 2 * (1 + 1 / n_peers)), rel=0.03)


def test_non_positive_series_is_refused_with_a_clear_message():
    with pytest.raises(ForecastError, match="positive, finite values"):
        anchored_growth([0.0, 5.0], [2020, 2021], PRIOR)


def test_auto_takes_15_percent_of_a_long_series_growth_from_its_peers():
    # 8 points: the point's log growth is 85 % the members' and 15 % the peers' (PEER_TREND_SHARE),
    # whatever the prior weight (that one is for 2-4 point series); the paths keep the pooled
    # errors (only 2-4 point series draw their growth from the peers).
    long_y, long_t = 100 * 1.1 ** np.arange(8), np.arange(2015, 2023)
    own = AutoModel().fit(long_y, long_t).predict(3)
    h = np.arange(1, 4)
    expected = long_y[-1] * np.exp(0.85 * np.log(own / long_y[-1]) + 0.15 * PRIOR.growth * h)
    for prior in (PRIOR, replace(PRIOR, weight=30.0)):
        with_prior = AutoModel(prior_growth=prior).fit(long_y, long_t)
        assert not with_prior.growth_anchored_ and with_prior.panel_centred_
        np.testing.assert_allclose(with_prior.predict(3), expected, rtol=1e-12)
    assert PRIOR.growth < np.log(1.1) and np.all(expected < own)
    short = AutoModel(prior_growth=PRIOR).fit(np.array([100.0, 130.0]), np.array([2021, 2022]))
    assert short.growth_anchored_
    assert short.predict(2)[0] < AutoModel().fit(np.array([100.0, 130.0]), np.array([2021, 2022])).predict(2)[0]


GROWING_STOCK_PEERS = _panel({r: {y: b * 1.12 ** (y - 2016) * (1 + 0.01 * ((y * 7 + i) % 3 - 1)) for y in range(2016, 2023)}
                              for i, (r, b) in enumerate((("北京", 50.0), ("上海", 40.0), ("广东", 90.0), ("浙江", 60.0)))},
                             indicator="stock_in_force")


def test_engine_notes_that_growth_comes_from_peers():
    rows = _panel({"武汉市": {2020: 30.0, 2022: 33.0}}, indicator="stock_in_force")
    s = forecast_series(rows, to_year=2025, draws=200, seed=3, panel=GROWING_STOCK_PEERS).get("武汉市", "stock_in_force")
    assert "panel_prior" in s.flags
    assert any("growth from 4 peer series" in n for n in s.notes)
    long = _panel({"武汉市": {y: 30.0 * 1.05 ** (y - 2015) for y in range(2015, 2023)}}, indicator="stock_in_force")
    s_long = forecast_series(long, to_year=2025, draws=200, seed=3,
                             panel=GROWING_STOCK_PEERS).get("武汉市", "stock_in_force")
    assert not any("growth from" in n for n in s_long.notes)


def test_stock_falls_less_with_a_growing_panel_than_before():
    rows = _panel({"武汉市": {2020: 33.56, 2024: 55.8}}, indicator="stock_in_force")
    kw = dict(to_year=2026, draws=4000, seed=11)
    before = forecast_series(rows, **kw).get("武汉市", "stock_in_force").paths
    after = forecast_series(rows, panel=GROWING_STOCK_PEERS, **kw).get("武汉市", "stock_in_force").paths
    fall_before, fall_after = np.mean(before[:, 0] < 55.8), np.mean(after[:, 0] < 55.8)
    assert fall_after < fall_before / 5
    assert np.quantile(after[:, 0], 0.01) > 0.9 * 55.8  # no 10 % fall in a year, without any floor in the code


def test_peers_without_any_spread_give_no_growth_prior():
    # Identical growth everywhere says nothing about how uncertain growth is: no prior,
    # rather than a zero-width fan (the engine then uses the generic prior).
    same = _panel({r: {2020: v, 2022: v * 1.21} for r, v in zip("abc", (100.0, 10.0, 50.0))})
    assert peer_growth(same, region="z", indicator="x") is None
    differ = _panel({r: {2020: v, 2022: v * k} for r, v, k in zip("abc", (100.0, 10.0, 50.0), (1.21, 1.25, 1.18))})
    assert peer_growth(differ, region="z", indicator="x").spread > 0


def _departures_panel(persistent: bool, regions: int = 20, years=range(2008, 2021), seed: int = 5):
    """Regions growing 10 % a year plus a departure of their own: the same every year
    (``persistent``) or drawn anew each year (noise around the common growth)."""
    rng = np.random.default_rng(seed)
    spec = {}
    for i in range(regions):
        own = rng.normal(0, 0.05)
        z, obs = np.log(100.0 + 10 * i), {}
        for t in years:
            obs[t] = float(np.exp(z))
            z += 0.10 + (own if persistent else rng.normal(0, 0.05))
        spec[f"r{i}"] = obs
    return _panel(spec)


def test_persistence_of_departures_is_learned_from_the_panel():
    kept = growth_persistence(_departures_panel(True), indicator="x", span=2)
    noise = growth_persistence(_departures_panel(False), indicator="x", span=2)
    assert len(kept) == len(noise) == 6
    assert min(kept) > 0.95  # a region that always grew faster keeps doing so
    assert max(noise) < 0.25  # a fast two years said nothing about the next ones
    # no look-ahead: the years after as_of change nothing
    panel = _departures_panel(False)
    assert growth_persistence(panel, indicator="x", span=2, as_of=2015) == growth_persistence(
        panel[panel["year"] <= 2015], indicator="x", span=2)
    # too few departures to say anything: the caller keeps the empirical-Bayes weight
    assert growth_persistence(SPARSE, indicator="x", span=2) == ()
    # departures from two years (2010-2011 -> the next year) are not enough; from three, h = 1 is
    assert growth_persistence(panel, indicator="x", span=2, as_of=2012) == ()
    assert len(growth_persistence(panel, indicator="x", span=2, as_of=2013)) == 1


def test_short_series_centre_keeps_the_departure_the_panel_kept():
    y, years, own = [100.0, 130.0], [2020, 2022], np.array([145.0, 160.0, 175.0])
    gone = anchored_point(y, years, replace(PRIOR, persistence=(0.0,)), 3, own_point=own)
    np.testing.assert_allclose(gone, 130.0 * np.exp(PRIOR.growth * np.arange(1, 4)))  # the peers' growth from today
    kept = anchored_point(y, years, replace(PRIOR, persistence=(1.0,)), 3, own_point=own)
    np.testing.assert_allclose(kept, own)
    half = anchored_point(y, years, replace(PRIOR, persistence=(1.0, 0.5)), 3, own_point=own)
    np.testing.assert_allclose(np.log(half[1:]), 0.5 * np.log(own[1:]) + 0.5 * np.log(gone[1:]))  # year 3 keeps year 2's


def test_engine_centre_follows_the_panels_persistence():
    rows = _panel({"武汉市": {2018: 100.0, 2019: 130.0, 2020: 169.0}})  # 30 % a year against the peers' 10 %
    kw = dict(to_year=2026, draws=400, seed=2)
    persistent = forecast_series(rows, panel=_departures_panel(True), **kw).get("武汉市", "x")
    noise = forecast_series(rows, panel=_departures_panel(False), **kw).get("武汉市", "x")
    assert persistent.point[-1] > 1.8 * noise.point[-1]
    assert noise.point[-1] < 169.0 * np.exp(0.13 * 6)  # back near the peers' pace
    assert any("its own departure from them kept" in n for n in noise.notes)


def test_peers_straying_from_the_persistence_rule_is_learned_and_sizes_half_the_paths():
    """``persistence_spread``: the departures the kept share did not predict. A panel whose
    regions keep their own growth exactly strays by nothing; one whose departures are drawn
    anew each year strays by about their sd (0.05 a year over one year, less over more)."""
    exact = persistence_spread(_departures_panel(True), indicator="x", span=2)
    fresh = persistence_spread(_departures_panel(False), indicator="x", span=2)
    assert len(exact) == len(fresh) == 6 and max(exact) < 1e-3
    assert 0.03 < fresh[0] < 0.07 and fresh[-1] < fresh[0]
    panel = _departures_panel(False)
    assert persistence_spread(panel, indicator="x", span=2, as_of=2015) == persistence_spread(
        panel[panel["year"] <= 2015], indicator="x", span=2)
    assert persistence_spread(SPARSE, indicator="x", span=2) == ()
    # every other path is sized by it: with a learned sd of zero those paths sit on the centre
    # (the band of the mixture is narrower than the spread model's), the others are unchanged
    y, years, h = [100.0, 121.0, 130.0], [2020, 2021, 2022], 4
    plain = replace(PRIOR, persistence=(0.5,))
    still = replace(PRIOR, persistence=(0.5,), persistence_sd=(0.0,))
    paths = anchored_paths(y, years, still, h, 400, np.random.default_rng(1))
    centre = anchored_point(y, years, still, h)
    np.testing.assert_allclose(paths[1::2], np.broadcast_to(centre, paths[1::2].shape))
    np.testing.assert_allclose(paths[0::2], anchored_paths(y, years, plain, h, 400, np.random.default_rng(1))[0::2])
    lo_plain, hi_plain = anchored_band(y, years, plain, h, 0.1)
    lo, hi = anchored_band(y, years, replace(PRIOR, persistence=(0.5,), persistence_sd=(0.01,)), h, 0.1)
    assert np.all(hi < hi_plain) and np.all(lo > lo_plain)
    lo0, hi0 = anchored_band(y, years, still, h, 0.1)  # half the paths on the centre: still a finite band
    assert np.all((centre < hi0) & (hi0 < hi_plain)) and np.all((lo_plain < lo0) & (lo0 < centre))
    # the band is the mixture's: 80 % of a large sample of paths inside it
    mixed = replace(PRIOR, persistence=(0.5,), persistence_sd=(0.01,))
    many = anchored_paths(y, years, mixed, h, 40000, np.random.default_rng(2))
    inside = np.mean((many >= lo) & (many <= hi), axis=0)
    np.testing.assert_allclose(inside, 0.8, atol=0.01)
