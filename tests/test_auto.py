"""forecast.auto: the median point, ordered quantiles, positivity, calibration."""
import numpy as np
import pytest

from forecast.auto import AutoModel, combined_point, member_forecasts
from forecast.calibration import load_prior
from forecast.errors import ForecastError
from forecast.models import get_model


def _geometric(n, seed=0):
    rng = np.random.default_rng(seed)
    return 100 * np.exp(np.cumsum(rng.normal(0.05, 0.04, n)))


def test_registry_returns_auto():
    assert isinstance(get_model("auto"), AutoModel)


def test_point_is_median_of_members():
    y = _geometric(9)
    years = np.arange(9)
    members = member_forecasts(y, years, 3)
    assert set(members) == {"drift", "logdrift", "ses", "theta", "damped", "logses", "logtheta", "logdamped"}
    point, used = combined_point(y, years, 3)
    assert np.allclose(point, np.median(np.stack(list(members.values())), axis=0))


def test_exact_linear_series_is_extrapolated_by_level_members():
    y = 5.0 + 2.0 * np.arange(8)
    members = member_forecasts(y, np.arange(8), 2)
    assert np.allclose(members["drift"], [21.0, 23.0])


def test_short_series_uses_drift_members_only():
    point, used = combined_point(np.array([10.0, 12.0, 15.0]), np.array([2020, 2021, 2022]), 2)
    assert used == ("drift", "logdrift")


def test_gapped_series_drift_uses_actual_years():
    # 10 -> 16 over 6 years (gap 2015-2018): slope 1 per year
    members = member_forecasts(np.array([10.0, 11.0, 16.0]), np.array([2013, 2014, 2019]), 1)
    assert members["drift"][0] == pytest.approx(17.0)


def test_smoothing_members_use_the_years_before_a_gap():
    # Wuhan-like publication pattern: 2013-2017, 2020, 2021, 2024 (the last run has 1 point).
    years = np.array([2013, 2014, 2015, 2016, 2017, 2020, 2021, 2024])
    y = 10.0 + 2.0 * (years - 2013)  # exactly linear, 2 per YEAR
    members = member_forecasts(y, years, 1)
    assert {"ses", "theta", "damped", "logses", "logtheta", "logdamped"} <= set(members)
    # The trend is per year, not per observation: one year after 32 comes about 34, not 32 + 6.
    assert 33.0 < members["damped"][0] <= 34.0
    assert members["theta"][0] == pytest.approx(33.0)  # level 32 + half the yearly slope
    # A value before the gap still moves the smoothing members (it was ignored before).
    changed = y.copy()
    changed[0] = 5.0
    assert member_forecasts(changed, years, 1)["theta"][0] != pytest.approx(members["theta"][0])


def test_gap_handling_leaves_contiguous_series_unchanged():
    y = _geometric(9)
    a = member_forecasts(y, np.arange(2010, 2019), 3)
    b = member_forecasts(y, np.arange(9), 3)
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k])


def test_quantiles_ordered_and_positive():
    y = _geometric(8, seed=3)
    paths = AutoModel().fit(y, np.arange(8)).simulate(6, 2000, np.random.default_rng(1))
    q = np.quantile(paths, [0.025, 0.1, 0.5, 0.9, 0.975], axis=0)
    assert np.all(np.diff(q, axis=0) >= 0)
    assert np.all(paths > 0)
    # uncertainty grows with the horizon
    assert np.all(np.diff(q[-1] - q[0]) > 0)


def test_same_seed_same_paths_and_horizon_past_pool():
    m = AutoModel().fit(_geometric(6), np.arange(6))
    a = m.simulate(9, 100, np.random.default_rng(5))
    b = m.simulate(9, 100, np.random.default_rng(5))
    assert a.shape == (100, 9) and np.array_equal(a, b)


def test_nonpositive_series_uses_level_errors():
    y = np.array([-3.0, -1.0, 0.5, 2.0, 2.5, 4.0])
    m = AutoModel().fit(y, np.arange(6))
    assert not m.log_
    assert m.simulate(3, 50, np.random.default_rng(0)).shape == (50, 3)


def test_prior_scale_shrinks_short_series():
    y = np.array([100.0, 101.0, 102.0])
    calm = AutoModel(prior_scale=0.01).fit(y, np.arange(3))
    wild = AutoModel(prior_scale=0.5).fit(y, np.arange(3))
    assert calm.scale_ < wild.scale_


def test_single_point_raises():
    with pytest.raises(ForecastError, match="single point"):
        AutoModel().fit(np.array([3.0]), np.array([2020]))


@pytest.mark.slow
def test_auto_80pct_interval_covers_about_80pct_on_random_walks_with_drift():
    rng = np.random.default_rng(20240601)
    hits = []
    for i in range(400):
        drift, sigma = rng.uniform(0.0, 0.08), rng.uniform(0.02, 0.12)
        logy = np.log(100) + np.cumsum(rng.normal(drift, sigma, 13))
        y = np.exp(logy)
        paths = AutoModel().fit(y[:10], np.arange(10)).simulate(3, 500, np.random.default_rng(i))
        lo, hi = np.quantile(paths, [0.1, 0.9], axis=0)
        hits.append((y[10:] >= lo) & (y[10:] <= hi))
    cov = np.mean(hits)
    assert 0.72 <= cov <= 0.92, cov


def test_long_series_share_one_calibration_pool():
    from forecast.calibration import BIN_EDGES, bin_of

    # 9-point and 40-point series draw from the same merged pool; 8 points do not.
    assert bin_of(9) == bin_of(40) == len(BIN_EDGES) - 1
    assert bin_of(8) != bin_of(9)


def test_shipped_prior_matches_bins_and_is_built_from_training_parts():
    from forecast.calibration import BIN_EDGES, load_prior

    prior = load_prior()
    assert len(prior.log_pool.trajectories) == len(BIN_EDGES)
    assert all(t.shape[0] > 100 and t.shape[1] == 6 for t in prior.log_pool.trajectories)
    assert "train" in prior.meta["source"]


def test_scale_counts_the_trend_in_logs_and_only_the_noise_in_levels():
    # Log scale (counts): the mean absolute one-year change, trend included; a gap of 4 years
    # counts as sqrt(4) changes.
    from forecast.calibration import raw_scale, trend_noise

    s, n = raw_scale(np.exp(0.2 * np.arange(6)), np.arange(6), log=True)
    assert s == pytest.approx(0.2) and n == 5
    s, n = raw_scale(np.array([1.0, np.e ** 0.4]), np.array([2000, 2004]), log=True)
    assert s == pytest.approx(0.2) and n == 1
    # Levels (shares on the logit scale, zeros, negatives): the noise around the trend, one change
    # spent on the trend; a steady 0.5 a year has none.
    s, n = raw_scale(10 + 0.5 * np.arange(10), np.arange(10), log=False)
    assert s == pytest.approx(0.0, abs=1e-12) and n == 8
    assert trend_noise(np.cumsum([0, 0.1, 0.3, 0.1, 0.3]), np.arange(5), log=False) == pytest.approx(0.1 * np.sqrt(4 / 3))
    # A gap of 2 years is measured against 2 years of trend and divided by sqrt(2).
    z = np.array([0.0, 0.3, 0.5])
    assert trend_noise(z, np.array([2000, 2001, 2003]), log=False) == pytest.approx(
        (0.3 - 0.5 / 3 + abs(0.2 - 1 / 3) / np.sqrt(2)) / 2 * np.sqrt(2))
    assert np.isnan(trend_noise(z[:2], np.array([2000, 2004]), log=False))


def test_scale_is_shrunk_on_the_log_scale():
    # A calm series (1 % a year over 7 changes) next to a 10 % prior keeps most of its own
    # calm: exp((6 ln 0.10 + 7 ln 0.01) / 13) = 0.029. The variance average used before
    # gave sqrt((6 * 0.01 + 7 * 0.0001) / 13) = 0.068, near the prior.
    from forecast.calibration import RAW_FLOOR, shrunk_scale

    assert shrunk_scale(0.01, 7, prior=0.10, k0=6) == pytest.approx(10 ** (-20 / 13))
    assert shrunk_scale(0.01, 0, prior=0.10, k0=6) == 0.10  # no changes: the prior
    assert shrunk_scale(0.30, 7, prior=0.10, k0=0) == 0.30  # no prior weight: own scale
    # symmetric in logs: 10x above the prior is pulled down as far as 10x below is pulled up
    assert shrunk_scale(1.0, 6, prior=0.1, k0=6) * shrunk_scale(0.01, 6, prior=0.1, k0=6) == pytest.approx(0.01)
    # a constant series (no change at all) gets a small positive scale, not zero or NaN
    assert shrunk_scale(0.0, 7, prior=0.1, k0=6) == pytest.approx(0.1 * RAW_FLOOR ** (7 / 13))


def test_member_disagreement_widens_the_scale():
    from forecast.calibration import member_spread, total_scale

    agree = {"a": np.full(6, 100.0), "b": np.full(6, 100.0)}
    split = {"a": np.full(6, 100.0), "b": np.full(6, 100.0 * np.exp(1.2))}
    assert member_spread(agree, log=True) == 0.0
    # sd of (0, 1.2) is 0.6, per year over 6 years: 0.1
    assert member_spread(split, log=True) == pytest.approx(0.1)
    assert total_scale(0.3, 0.4) == pytest.approx(0.5)


def test_spread_ignores_nonpositive_level_members_on_log_scale():
    from forecast.calibration import member_spread

    members = {"drift": np.full(6, -5.0), "logdrift": np.full(6, 10.0), "logses": np.full(6, 10.0)}
    assert member_spread(members, log=True) == 0.0


def test_fitted_scale_combines_own_scale_and_spread():
    m = AutoModel().fit(_geometric(9, seed=2), np.arange(9))
    assert m.scale_ == pytest.approx(np.hypot(m.own_scale_, m.spread_))
    assert m.spread_ > 0


def test_level_series_prior_never_narrows_below_its_own_moves():
    """0, 0, 5 (zeros: modelled in levels): its mean level (1.7) says nothing about its moves (2.5 a
    year); the prior (scaled by the mean absolute change) may widen the scale but never narrows
    the band below the series' own moves."""
    from forecast.calibration import mean_abs_change

    m = AutoModel().fit(np.array([0.0, 0.0, 5.0]), np.arange(2020, 2023))
    assert not m.log_ and m.raw_scale_ == pytest.approx(2.5 * np.sqrt(2))
    assert m.own_scale_ >= m.raw_scale_
    lo, hi = np.quantile(m.simulate(1, 4000, np.random.default_rng(0))[:, 0], [0.1, 0.9])
    assert hi - lo > 2 * 2.5
    # A calm series far from zero (all negative) borrows width from the prior, which is set
    # by how much the series moves in a year, not by its level (-100).
    calm = AutoModel().fit(np.array([-100.0, -100.5, -101.0, -100.8, -101.2]), np.arange(5))
    relative = load_prior().level_pool.prior_scale * mean_abs_change(calm.y_, calm.years_, log=False)
    assert relative > calm.raw_scale_ and calm.prior_scale_ == pytest.approx(relative)
    assert calm.prior_scale_ < 1.0  # the level (100) plays no part

def test_pool_draws_from_windows_as_smooth_as_the_series():
    """Trajectories are kept with their window's smoothness; a series draws from the same third
    of its length bin (all of it when its smoothness is unknown, e.g. 2 points)."""
    from forecast.calibration import BIN_EDGES, ErrorPool, smoothness

    n = 900
    sm = np.repeat([0.1, 0.6, 1.2], n // 3)
    traj = np.repeat(np.array([[-1.0], [0.0], [1.0]]), n // 3, axis=0) * np.ones((1, 6))  # class 0/1/2 -> -1/0/+1
    pool = ErrorPool(log=True, prior_scale=0.1, k0=6, trajectories=(traj,) * len(BIN_EDGES),
                     smoothness=(sm,) * len(BIN_EDGES))
    rng = np.random.default_rng(0)
    assert set(pool.sample(8, 2, 200, rng, smooth=0.05)[:, 0]) == {-1.0}
    assert set(pool.sample(8, 2, 200, rng, smooth=0.7)[:, 0]) == {0.0}
    assert set(pool.sample(8, 2, 200, rng, smooth=1.4)[:, 0]) == {1.0}
    assert set(pool.sample(8, 2, 600, rng, smooth=float("nan"))[:, 0]) == {-1.0, 0.0, 1.0}
    # a steady trend is smooth (0), pure alternation is all noise
    steady = np.exp(0.1 * np.arange(6))
    assert smoothness(steady, np.arange(6), log=True) == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(smoothness(steady[:2], np.arange(2), log=True))


def test_refuted_members_leave_the_centre_and_the_spread():
    """A stock that grew 10 % +- 0.5 % every year refutes the no-trend members (SES misses by the
    whole growth every year): they leave the median and their disagreement does not widen the fan.
    A noisy series refutes nothing."""
    from forecast.auto import member_fits, plausible_members
    from forecast.calibration import SPREAD_HORIZON, member_spread

    years = np.arange(2014, 2024)
    steady = 100 * np.exp(np.cumsum(np.r_[0, 0.095 + 0.01 * (np.arange(9) % 2)]))
    fits = member_fits(steady, years, SPREAD_HORIZON)
    kept = plausible_members(steady, years, fits)
    assert {"ses", "logses"}.isdisjoint(kept) and {"drift", "logdrift"} <= set(kept)
    m = AutoModel().fit(steady, years)
    every = member_spread({k: f for k, (f, _) in fits.items()}, log=True)
    assert m.spread_ == pytest.approx(member_spread({k: fits[k][0] for k in kept}, log=True))
    assert m.spread_ < 0.8 * every  # 0.025 against 0.035 with SES, log SES and log Theta

    noisy = np.array([100, 130, 95, 140, 120, 160, 110, 150, 170, 125.0])
    nfits = member_fits(noisy, years, SPREAD_HORIZON)
    assert plausible_members(noisy, years, nfits) == list(nfits)
    assert AutoModel().fit(noisy, years).spread_ == pytest.approx(
        member_spread({k: f for k, (f, _) in nfits.items()}, log=True))


def test_mean_abs_change_counts_a_gap_as_trend_plus_random_walk_noise():
    from forecast.calibration import mean_abs_change

    # no gaps: the plain mean of |change|
    assert mean_abs_change(np.array([100.0, 110, 99, 120]), np.array([1, 2, 3, 4]), log=False) == pytest.approx(
        (10 + 11 + 21) / 3)
    # a steady 10 % a year published in 2012, 2015, 2017, 2018, 2021: its yearly change is its growth
    years = np.array([2012, 2015, 2017, 2018, 2021])
    steady = 100 * np.exp(0.1 * (years - 2012))
    assert mean_abs_change(steady, years, log=True) == pytest.approx(0.1)
    # (dividing each change by sqrt(gap) made it 0.1 * mean(sqrt(3), sqrt(2), 1, sqrt(3)) = 0.155)
    # noise without a trend still scales as a random walk: +-d over g years counts as d / sqrt(g)
    flat = np.exp(np.array([0.0, 0.3, 0.0, 0.3]))
    assert mean_abs_change(flat, np.array([0, 4, 8, 12]), log=True) == pytest.approx(0.3 / 2, abs=0.03)
    # one change across a gap: trend and noise cannot be told apart, |change| / sqrt(gap)
    assert mean_abs_change(np.array([100.0, 200.0]), np.array([2020, 2024]), log=True) == pytest.approx(
        np.log(2) / 2)


def test_a_stock_follows_its_trend_members_and_is_measured_around_its_trend():
    # A count in force growing about 20 % a year with a little noise, 8 years
    from forecast.auto import STOCK_MEMBERS
    from forecast.calibration import TREND_NOISE_FLOOR, mean_abs_change, raw_scale, trend_noise

    years = np.arange(2017, 2025)
    y = 1000 * np.exp(np.cumsum(np.r_[0.0, 0.2 + 0.02 * (-1) ** np.arange(7)]))
    # its noise (0.021) is below 15 % of its mean change (0.20): the floor holds
    assert trend_noise(y, years, log=True) < TREND_NOISE_FLOOR * mean_abs_change(y, years, log=True)
    assert raw_scale(y, years, log=True, around_trend=True) == (
        pytest.approx(TREND_NOISE_FLOOR * mean_abs_change(y, years, log=True)), 6)
    noisy = 1000 * np.exp(np.cumsum(np.r_[0.0, 0.2 + 0.08 * (-1) ** np.arange(7)]))
    assert raw_scale(noisy, years, log=True, around_trend=True) == (pytest.approx(trend_noise(noisy, years, log=True)), 6)
    flow, stock = AutoModel().fit(y, years), AutoModel(stock=True).fit(y, years)
    assert set(stock.members_) <= set(STOCK_MEMBERS) and "logtheta" in flow.members_
    # the noise around a 20 % trend is 0.02, its mean change 0.2: the stock's own scale is far smaller
    assert stock.raw_scale_ < 0.25 * flow.raw_scale_
    # ... and its centre keeps more of the growth than the median of the plausible members (Theta halves it)
    assert stock.predict(6)[-1] > flow.predict(6)[-1]
    # too short for the smoothing members, or not positive: a stock is fitted like any series
    assert AutoModel(stock=True).fit(y[-4:], years[-4:]).raw_scale_ == AutoModel().fit(y[-4:], years[-4:]).raw_scale_
    z = np.linspace(-5.0, 5.0, 8)
    assert AutoModel(stock=True).fit(z, years).members_ == AutoModel().fit(z, years).members_
