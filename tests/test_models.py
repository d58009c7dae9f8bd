"""Tests of the forecasting models (forecast.simple, smoothing, arima, bounded) and the registry."""
from __future__ import annotations

import numpy as np
import pytest

from forecast.errors import ForecastError
from forecast.models import MODEL_NAMES, MODELS, get_model
from forecast.arima import AutoARIMA
from forecast.bounded import BoundedLogit
from forecast.simple import Drift, LinearTrend, LogDrift, Naive
from forecast.smoothing import AutoETS, DampedETS, Theta, _theta_estimate
from forecast.uncertainty import RefitModel, year_grid

# A short, positive, trending series with noise (10 points), seeded.
_RNG = np.random.default_rng(20240601)
YEARS = np.arange(2014, 2024)
Y = 100.0 * np.exp(np.cumsum(0.06 + 0.04 * _RNG.standard_normal(YEARS.size)))
# The same kind of series with gaps: 2013-2018, then 2021 and 2024.
GAP_YEARS = np.array([2013, 2014, 2015, 2016, 2017, 2018, 2021, 2024])

SIMPLE = [Naive, Drift, LogDrift, LinearTrend]
ALL = list(MODELS.values())


def _fit(cls, y=Y, years=YEARS, **params):
    if issubclass(cls, RefitModel):
        params.setdefault("n_refits", 6)  # keep tests fast; the mechanism is the same
    if cls is AutoARIMA:
        params.setdefault("d", 1)  # half the order search: SARIMAX fits are slow
    if cls is BoundedLogit:
        params.setdefault("hi", 400.0)  # Y is a level series up to ~220
    return cls(**params).fit(y, years)


# --- every model --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.name)
def test_shapes(cls):
    m = _fit(cls)
    assert m.predict(4).shape == (4,)
    assert m.simulate(4, 37, np.random.default_rng(1)).shape == (37, 4)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.name)
def test_same_seed_same_paths_other_seed_other_paths(cls):
    m = _fit(cls)
    a = m.simulate(3, 50, np.random.default_rng(7))
    b = m.simulate(3, 50, np.random.default_rng(7))
    c = m.simulate(3, 50, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.name)
def test_quantiles_ordered_and_fan_widens(cls):
    paths = _fit(cls).simulate(6, 2000, np.random.default_rng(3))
    q = np.quantile(paths, [0.025, 0.1, 0.5, 0.9, 0.975], axis=0)
    assert np.all(np.diff(q, axis=0) > 0)
    width = q[-2] - q[1]
    assert width[-1] > width[0]


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.name)
def test_paths_centre_near_point_forecast(cls):
    m = _fit(cls)
    paths = m.simulate(3, 4000, np.random.default_rng(11))
    med = np.median(paths, axis=0)
    spread = np.quantile(paths, 0.9, axis=0) - np.quantile(paths, 0.1, axis=0)
    # The point forecast is the zero-noise path; it must sit well inside the fan.
    assert np.all(np.abs(med - m.predict(3)) < 0.25 * spread)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.name)
def test_min_obs_enforced(cls):
    n = cls.min_obs - 1
    if n == 0:
        with pytest.raises(ForecastError, match="needs at least 1"):
            cls().fit(np.array([]), np.array([], dtype=int))
    else:
        with pytest.raises(ForecastError, match=f"model '{cls.name}' needs at least {cls.min_obs}"):
            cls().fit(Y[:n], YEARS[:n])


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.name)
def test_bad_input_rejected(cls):
    with pytest.raises(ForecastError, match="strictly increasing"):
        cls().fit(Y[:6], np.array([2010, 2011, 2011, 2012, 2013, 2014]))
    y = Y.copy()
    y[2] = np.nan
    with pytest.raises(ForecastError, match="2016 hold NaN"):
        cls().fit(y, YEARS)
    with pytest.raises(ForecastError, match="'horizon' parameter"):
        _fit(cls).predict(0)


@pytest.mark.parametrize("cls", [c for c in ALL if c.positive], ids=lambda c: c.name)
def test_positive_models_give_positive_paths(cls):
    # A volatile series close to zero: additive paths would go negative.
    y = np.array([5.0, 2.0, 6.0, 1.5, 4.0, 1.0, 3.0, 0.8])
    paths = _fit(cls, y, np.arange(2010, 2018)).simulate(6, 3000, np.random.default_rng(5))
    assert np.all(paths > 0)


# --- closed-form models -------------------------------------------------------------------


def test_drift_and_linear_extrapolate_a_known_line_with_gaps():
    y = 3.0 + 2.0 * (GAP_YEARS - 2013)
    drift = Drift().fit(y, GAP_YEARS)
    assert drift.drift_ == pytest.approx(2.0)  # (y_last - y_first) / 11 years, not / 7 steps
    np.testing.assert_allclose(drift.predict(3), [27.0, 29.0, 31.0])
    lin = LinearTrend().fit(y, GAP_YEARS)
    np.testing.assert_allclose(lin.predict(3), [27.0, 29.0, 31.0])
    assert lin.slope_ == pytest.approx(2.0)


def test_drift_uses_actual_time_span_not_number_of_steps():
    # Values 10 in 2015 and 40 in 2021: 6 years, drift 5 (not 30 per observed step).
    m = Drift().fit([10.0, 40.0], [2015, 2021])
    assert m.drift_ == pytest.approx(5.0)
    np.testing.assert_allclose(m.predict(2), [45.0, 50.0])


def test_logdrift_is_the_cagr_model():
    m = LogDrift().fit([100.0, 105.0, 121.0], [2019, 2020, 2021])
    assert m.growth_ == pytest.approx(0.1)
    np.testing.assert_allclose(m.predict(2), [133.1, 146.41])


def test_logdrift_rejects_nonpositive_values():
    with pytest.raises(ForecastError, match="positive values; years 2021 hold 0"):
        LogDrift().fit([3.0, 0.0, 4.0], [2020, 2021, 2022])


def test_naive_needs_two_points_to_simulate_unless_given_a_prior():
    m = Naive().fit([7.0], [2023])
    np.testing.assert_array_equal(m.predict(2), [7.0, 7.0])
    with pytest.raises(ForecastError, match="no residual degrees of freedom"):
        m.simulate(2, 10, np.random.default_rng(0))
    paths = Naive(prior_sigma=1.0).fit([7.0], [2023]).simulate(2, 4000, np.random.default_rng(0))
    assert paths.std(axis=0)[0] == pytest.approx(1.0 * np.sqrt(4 / 2), rel=0.15)  # t with 4 df


def test_drift_with_two_points_needs_a_prior_to_simulate():
    with pytest.raises(ForecastError, match="pass prior_sigma"):
        Drift().fit([1.0, 2.0], [2020, 2021]).simulate(3, 10, np.random.default_rng(0))
    paths = Drift(prior_sigma=0.5).fit([1.0, 2.0], [2020, 2021]).simulate(3, 100, np.random.default_rng(0))
    assert paths.shape == (100, 3)


def test_drift_spread_includes_parameter_uncertainty():
    # Predictive variance of the random walk with drift with sigma known:
    # h*sigma^2 (innovations) + h^2*sigma^2/span (drift); with sigma ~ Scale-Inv-chi2(nu, s^2)
    # the variance is multiplied by nu/(nu-2).
    m = Drift().fit(Y, YEARS)
    h = np.arange(1, 6)
    paths = m.simulate(5, 200_000, np.random.default_rng(2))
    nu = m.df_
    expected = m.sigma2_ * nu / (nu - 2) * (h + h**2 / m.span_)
    np.testing.assert_allclose(paths.var(axis=0), expected, rtol=0.05)


def test_linear_spread_matches_regression_prediction_variance():
    m = LinearTrend().fit(Y, YEARS)
    paths = m.simulate(3, 200_000, np.random.default_rng(4))
    X = np.column_stack([np.ones(YEARS.size), YEARS - YEARS.mean()])
    x0 = np.column_stack([np.ones(3), np.arange(2024, 2027) - YEARS.mean()])
    lev = np.einsum("ij,jk,ik->i", x0, np.linalg.inv(X.T @ X), x0)
    nu = m.df_
    expected = m.sigma2_ * nu / (nu - 2) * (1 + lev)
    np.testing.assert_allclose(paths.var(axis=0), expected, rtol=0.05)


def test_bad_prior_rejected():
    with pytest.raises(ForecastError, match="'prior_sigma' must be a positive number. Got -1"):
        Drift(prior_sigma=-1).fit(Y, YEARS).simulate(2, 5, np.random.default_rng(0))


def test_unfitted_model_says_so():
    with pytest.raises(ForecastError, match="not fitted yet"):
        Drift().predict(2)


# --- statsmodels-backed models -------------------------------------------------------------


@pytest.mark.parametrize("spec", ["AAdN", "MAN"])
def test_ets_zero_noise_path_equals_statsmodels_forecast(spec):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    m = AutoETS(n_refits=2)
    m.fit(Y, YEARS)
    error = "mul" if spec[0] == "M" else "add"
    res = ETSModel(Y, error=error, trend="add", damped_trend="d" in spec).fit(disp=False)
    from forecast.smoothing import _ets_paths, _fit_ets

    fit = _fit_ets(Y, None, (error, "add", "d" in spec))
    np.testing.assert_allclose(_ets_paths(fit, 4, np.zeros((2, 4)))[0], res.forecast(4), rtol=1e-8)


def test_auto_ets_reports_the_form_it_chose_by_aicc():
    m = AutoETS(n_refits=2).fit(Y, YEARS)
    assert m.form_ in m.aicc_
    assert m.aicc_[m.form_] == min(m.aicc_.values())
    # A series with a zero cannot use multiplicative errors.
    y = Y - Y.min()
    assert AutoETS(n_refits=2).fit(y, YEARS).form_.startswith("A")


def test_damped_ets_works_in_logs_for_positive_series():
    m = DampedETS(n_refits=3).fit(Y, YEARS)
    assert m.log_
    assert np.all(m.simulate(6, 300, np.random.default_rng(0)) > 0)
    assert not DampedETS(n_refits=3).fit(Y - 150.0, YEARS).log_


def test_theta_matches_statsmodels_and_refit_estimator_agrees():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    for n in (6, 8, 10):
        res = ThetaModel(Y[:n], deseasonalize=False).fit()
        np.testing.assert_allclose(Theta().fit(Y[:n]).predict(3), np.asarray(res.forecast(3)), rtol=1e-10)
        alpha, b0 = _theta_estimate(Y[:n])
        assert b0 == pytest.approx(res.params["b0"], rel=1e-9)
        assert alpha == pytest.approx(res.params["alpha"], abs=1e-3)


_GAPPED_Y = np.linspace(10, 30, GAP_YEARS.size) + np.array([0.3, -0.2, 0.1, -0.4, 0.2, 0.5, -0.1, 0.3])


@pytest.mark.parametrize("cls", [DampedETS, AutoETS, Theta], ids=lambda c: c.name)
def test_smoothing_models_use_every_observed_year_across_gaps(cls):
    # 2013-2018, 2021, 2024: the fit sees all 8 values on a 12-year grid, NaN (never a
    # filled value) in 2019, 2020, 2022, 2023; before, only the last run (2024 alone) was
    # usable and the fit was refused.
    m = _fit(cls, _GAPPED_Y, GAP_YEARS)
    assert m.years_.tolist() == GAP_YEARS.tolist() and m.last_year_ == 2024
    assert m.z_.size == 12 and np.isnan(m.z_).sum() == 4
    assert np.all(np.isfinite(m.z_[GAP_YEARS - 2013]))
    point = m.predict(3)
    assert np.all(np.isfinite(point)) and 28 < point[0] < 36
    paths = m.simulate(3, 300, np.random.default_rng(3))
    assert paths.shape == (300, 3) and np.all(np.isfinite(paths)) and m.failed_refits_ == 0
    np.testing.assert_array_equal(paths, _fit(cls, _GAPPED_Y, GAP_YEARS).simulate(3, 300, np.random.default_rng(3)))


@pytest.mark.filterwarnings("ignore::Warning")  # statsmodels' optimiser chatter on 8 points
def test_gapped_ets_is_the_kalman_filter_of_statsmodels_state_space_form():
    from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing

    m = _fit(AutoETS, _GAPPED_Y, GAP_YEARS)
    # multiplicative-error forms need consecutive years: only additive ones were tried
    assert set(m.aicc_) <= {"ANN", "AAN", "AAdN"} and m.form_ in m.aicc_
    spec = m.fit_.spec
    ref = ExponentialSmoothing(m.z_, trend=spec[1] is not None, damped_trend=spec[2]).fit(disp=False, maxiter=200)
    np.testing.assert_allclose(m.predict(3), ref.forecast(3), rtol=1e-6)
    d = _fit(DampedETS, _GAPPED_Y, GAP_YEARS)  # on logs
    ref = ExponentialSmoothing(np.log(year_grid(_GAPPED_Y, GAP_YEARS)), trend=True, damped_trend=True).fit(
        disp=False, maxiter=200)
    np.testing.assert_allclose(d.predict(3), np.exp(ref.forecast(3)), rtol=1e-6)


def test_gapped_theta_predicts_the_first_year_after_a_gap_that_many_steps_ahead():
    from forecast.smoothing import _ses_levels, _theta_trend

    m = _fit(Theta, _GAPPED_Y, GAP_YEARS)
    alpha, b0, _, _ = m.fit_.params
    levels = _ses_levels(m.z_, alpha)
    # 2021 (grid index 8) is forecast from 2018 (index 5, the 6th year): 3 steps of drift
    assert m.fit_.fitted[8] == pytest.approx(levels[5] + _theta_trend(alpha, b0, 6, 3.0))
    assert levels[6] == levels[7] == levels[5]  # the gap years do not move the level
    # the slope is fitted on the observed years only
    assert b0 == pytest.approx(np.polyfit(GAP_YEARS - 2013.0, _GAPPED_Y, 1)[0])


def test_gapped_ets_fits_trend_forms_when_the_second_year_is_a_gap():
    # statsmodels' default initial trend is z[1] - z[0]: NaN here; the fit must not fail.
    y, years = np.array([10, 12, 13, 15, 16, 18, 19.0]), np.array([2010, 2012, 2013, 2014, 2015, 2016, 2017])
    d = _fit(DampedETS, y, years)
    assert 19.5 < d.predict(1)[0] < 23
    m = _fit(AutoETS, y, years)
    assert set(m.aicc_) == {"ANN", "AAN", "AAdN"} and np.isfinite(m.aicc_["AAN"])


@pytest.mark.filterwarnings("ignore::Warning")
def test_gapped_ets_aicc_counts_observed_years_only():
    from forecast.smoothing import _fit_ets

    z = year_grid(_GAPPED_Y, GAP_YEARS)  # 8 observations on a 12-year grid
    fit = _fit_ets(z, None, ("add", None, False))
    k = 3  # alpha, initial level, innovation variance
    assert fit.aicc == pytest.approx(-2 * fit.result.llf + 2 * k + 2 * k * (k + 1) / (8 - k - 1))


def _sigma_ets_ann(y, years):
    from forecast.smoothing import _fit_ets

    return _fit_ets(year_grid(y, years), None, ("add", None, False)).sigma


def _sigma_theta(y, years):
    return Theta(n_refits=1).fit(y, years).fit_.sigma


@pytest.mark.filterwarnings("ignore::Warning")
@pytest.mark.parametrize("sigma_of", [_sigma_ets_ann, _sigma_theta], ids=["ets_ANN", "theta"])
def test_gapped_fits_do_not_count_a_multi_year_error_as_one_step_noise(sigma_of):
    # Random walks (sd 1) published 2000-2004 and 2013-2016: the 2013 value is a 9-step
    # error. On the one-step scale the estimated sd stays near 1 (median 1.30 for ETS(A,N,N)
    # when the 9-step error entered sigma as it was).
    rng = np.random.default_rng(4)
    years = np.array([2000, 2001, 2002, 2003, 2004, 2013, 2014, 2015, 2016])
    sig = [sigma_of(100 + np.cumsum(rng.standard_normal(17))[years - 2000], years) for _ in range(40)]
    assert 0.8 < np.median(sig) < 1.15


def test_refit_bootstrap_draws_one_innovation_per_grid_year_for_recursive_pseudo_series():
    from types import SimpleNamespace

    from forecast.uncertainty import RefitBootstrap

    z = np.array([1.0, 2.0, np.nan, np.nan, 5.0, 6.0])
    base = SimpleNamespace(resid=np.array([0.1, -0.1, np.nan, np.nan, 0.2, -0.2]), fitted=z, resid_kind="add",
                           params=None)
    seen = []

    def pseudo(fit, zz, r):
        seen.append(r.size)
        return zz

    boot = RefitBootstrap(lambda zz, start: base, lambda fit, h, eps: np.zeros((eps.shape[0], h)), n_refits=3,
                          pseudo=pseudo)
    boot.paths(z, base, 2, 30, np.random.default_rng(0))
    assert seen == [6, 6]  # 4 observed residuals + 2 gap years, for each of the 2 refits


def test_arima_fits_gapped_years_without_filling_them():
    y = 3.0 + 2.0 * (GAP_YEARS - 2013) + np.array([0.1, -0.1, 0.05, 0.0, -0.05, 0.1, -0.1, 0.05])
    m = AutoARIMA(n_refits=3).fit(y, GAP_YEARS)
    # The model sees NaN in 2019, 2020, 2022, 2023 - the Kalman filter skips them.
    assert np.isnan(m.z_).sum() == 4 and m.z_.size == 12
    np.testing.assert_allclose(m.predict(3), [27.0, 29.0, 31.0], atol=0.6)
    paths = m.simulate(3, 200, np.random.default_rng(1))
    assert np.all(np.isfinite(paths))


def test_arima_psi_paths_match_statespace_forecast_variance():
    m = AutoARIMA(d=1, n_refits=2).fit(Y, YEARS)
    fit = m.fit_
    sd = np.sqrt(np.asarray(fit.result.get_forecast(4).var_pred_mean)) * m.scale_
    sim = m._from_work(m._paths_from(fit, 4, np.random.default_rng(0).standard_normal((100_000, 4))))
    # Paths use the small-sample sigma (n/(n-k) correction), otherwise the same process.
    ratio = fit.sigma / np.sqrt(fit.state[0]["sigma2"])
    np.testing.assert_allclose(sim.std(axis=0), sd * ratio, rtol=0.03)


def test_arima_rejects_bad_d():
    with pytest.raises(ForecastError, match="'d' parameter must be 0, 1 or None. Got 2"):
        AutoARIMA(d=2).fit(Y, YEARS)


def test_logit_paths_stay_inside_bounds():
    y = np.array([80.0, 86.0, 90.5, 94.0, 96.5, 98.0])
    m = BoundedLogit().fit(y, np.arange(2018, 2024))
    paths = m.simulate(10, 5000, np.random.default_rng(0))
    assert paths.min() >= 0.0 and paths.max() <= 100.0
    assert np.all(np.diff(m.predict(10)) > 0) and m.predict(10)[-1] < 100.0
    frac = BoundedLogit(lo=0.0, hi=1.0).fit(y / 100, np.arange(2018, 2024)).simulate(3, 100, np.random.default_rng(0))
    assert frac.max() <= 1.0


def test_logit_rejects_values_outside_bounds_and_damps():
    with pytest.raises(ForecastError, match=r"inside \[0, 100\]; years 2020 hold 120"):
        BoundedLogit().fit([50.0, 120.0, 60.0], [2019, 2020, 2021])
    y = np.array([20.0, 25.0, 30.0, 35.0])
    plain = BoundedLogit().fit(y).predict(8)
    damped = BoundedLogit(phi=0.7).fit(y).predict(8)
    assert np.all(damped < plain) and damped[0] > y[-1]


# --- registry -----------------------------------------------------------------------------


def test_registry_names():
    assert MODEL_NAMES[0] == "auto"
    for name, cls in MODELS.items():
        assert cls.name == name
        assert isinstance(get_model(name), cls)
    assert isinstance(get_model(" Drift "), Drift)


def test_unknown_model_suggests_close_names():
    with pytest.raises(ForecastError, match=r"Unknown model 'logdrfit'. Did you mean 'logdrift'"):
        get_model("logdrfit")


def test_unknown_parameter_lists_accepted_ones():
    with pytest.raises(ForecastError, match=r"'drift' does not take parameter 'alpha'. Its parameters are: prior_sigma"):
        get_model("drift", alpha=0.3)
    assert get_model("naive", prior_sigma=2.0).prior_sigma == 2.0


# --- calibration (slow) -------------------------------------------------------------------


def _coverage(model_cls, log: bool, n_series: int = 2000, seed: int = 99) -> np.ndarray:
    """Share of simulated truths inside the model's 80% interval, per horizon 1..3."""
    rng = np.random.default_rng(seed)
    hits = np.zeros(3)
    for _ in range(n_series):
        drift, sigma = rng.uniform(-0.5, 1.5), rng.uniform(0.5, 2.0)
        steps = drift + sigma * rng.standard_normal(13)
        z = 10.0 + np.cumsum(steps)
        y = np.exp(z / 10.0) if log else z
        m = model_cls().fit(y[:10], np.arange(10))
        lo, hi = np.quantile(m.simulate(3, 500, rng), [0.1, 0.9], axis=0)
        hits += (lo <= y[10:]) & (y[10:] <= hi)
    return hits / n_series


@pytest.mark.slow
def test_drift_80_interval_covers_about_80_percent():
    cov = _coverage(Drift, log=False)
    assert np.all((cov > 0.74) & (cov < 0.86)), cov


@pytest.mark.slow
def test_logdrift_80_interval_covers_about_80_percent_on_geometric_walk():
    cov = _coverage(LogDrift, log=True)
    assert np.all((cov > 0.74) & (cov < 0.86)), cov
