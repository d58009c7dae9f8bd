"""Exponential smoothing models: damped-trend ETS, automatic ETS (by AICc) and Theta.

Gaps: a series with missing years is put on the yearly grid with NaN in the gap years
(nothing is filled in). statsmodels' ``ETSModel`` and ``ThetaModel`` cannot take NaN, so on
a gapped series the additive ETS forms are fitted with statsmodels' state-space
``ExponentialSmoothing``, whose Kalman filter skips a missing year (the state is predicted
through it, and the first observation after a gap gets the larger gain it deserves), and
Theta's SES runs a prediction-only step in a gap year. Contiguous series use ``ETSModel``
and ``ThetaModel`` exactly as before. Parameter uncertainty comes from residual-bootstrap
refits (``forecast.uncertainty.RefitModel``); innovation sd is corrected for the number of
estimated parameters (``n / (n - k)``) because maximum likelihood on 8 points is too
confident.
"""
from __future__ import annotations

import warnings
from dataclasses import replace
from typing import ClassVar

import numpy as np

from forecast.errors import ForecastError
from forecast.uncertainty import Fitted, RefitModel, check_positive, small_sample_sigma, year_grid

# (error, trend, damped) -> number of estimated parameters (smoothing + initial states).
_ETS_PARAMS = {"N": 2, "A": 4, "Ad": 5}


def _ets_label(error: str, trend: str | None, damped: bool) -> str:
    t = "N" if trend is None else ("Ad" if damped else "A")
    return f"{error[0].upper()}{t}N"


def _ets_run(spec: tuple, coef: dict, level, trend, errors: np.ndarray):
    """Run the ETS recursion (Hyndman et al. 2008, table 2.3; same parametrisation as
    statsmodels ``ETSModel``) over ``errors`` (n, steps), vectorised over rows.

    Returns ``(values (n, steps), level (n,), trend (n,))``. With zero errors the values are
    the point forecast.
    """
    error, trend_kind, damped = spec
    alpha = coef["smoothing_level"]
    beta = coef.get("smoothing_trend", 0.0)
    phi = coef.get("damping_trend", 1.0) if damped else 1.0
    n, steps = errors.shape
    level = np.broadcast_to(np.asarray(level, dtype=float), (n,)).copy()
    trend = np.broadcast_to(np.asarray(trend, dtype=float), (n,)).copy()
    if trend_kind is None:
        trend[:] = 0.0
    out = np.empty((n, steps))
    for j in range(steps):  # loop over years only; paths are vectorised
        mu = level + phi * trend
        e = errors[:, j]
        if error == "mul":
            out[:, j] = mu * (1.0 + e)
            level = mu * (1.0 + alpha * e)
            trend = phi * trend + beta * mu * e
        else:
            out[:, j] = mu + e
            level = mu + alpha * e
            trend = phi * trend + beta * e
    return out, level, trend


def _fit_ets(z: np.ndarray, start, spec: tuple) -> Fitted:
    if np.isnan(z).any():
        return _fit_ets_gapped(z, start, spec)
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    error, trend, damped = spec
    with warnings.catch_warnings():
        # Optimiser chatter (convergence, bounds) on 5-15 points is expected; the bootstrap
        # spread, not a warning, is how we show that the parameters are uncertain.
        warnings.simplefilter("ignore")
        res = ETSModel(z, error=error, trend=trend, damped_trend=damped).fit(
            disp=False, start_params=start, maxiter=200
        )
    if not np.isfinite(res.llf):
        raise ForecastError(f"ETS({_ets_label(*spec)}) fit failed (non-finite likelihood).")
    coef = dict(zip(res.param_names, np.asarray(res.params, dtype=float)))
    l0, b0 = coef["initial_level"], coef.get("initial_trend", 0.0)
    # Final states by running the recursion through the data with its own errors.
    fitted = np.asarray(res.fittedvalues, dtype=float)
    resid = (z - fitted) / fitted if error == "mul" else z - fitted
    _, level, trend_state = _ets_run(spec, coef, l0, b0, resid[None, :])
    return Fitted(
        result=res,
        fitted=fitted,
        resid=resid,
        sigma=small_sample_sigma(float(np.mean(resid**2)), z.size, len(coef)),
        params=np.asarray(res.params, dtype=float),
        resid_kind="mul" if error == "mul" else "add",
        spec=spec,
        state=(coef, l0, b0, float(level[0]), float(trend_state[0])),
    )


def _ss_model(z: np.ndarray, spec: tuple, known: tuple | None = None):
    """statsmodels' state-space ExponentialSmoothing for an additive-error ``spec``;
    ``known = (l0, b0)`` fixes the initial states (for filtering with given parameters)."""
    from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing

    _, trend, damped = spec
    if known is None:
        return ExponentialSmoothing(z, trend=trend is not None, damped_trend=damped, initialization_method="estimated")
    return ExponentialSmoothing(z, trend=trend is not None, damped_trend=damped, initialization_method="known",
                                initial_level=known[0], initial_trend=known[1] if trend is not None else None)


def _ss_end_state(res, spec: tuple) -> tuple[float, float]:
    # State vector (error, level[, trend]); the filtered state after the last year.
    st = np.asarray(res.filtered_state)[:, -1]
    return float(st[1]), (float(st[2]) if spec[1] is not None else 0.0)


def _ss_start(mod, z: np.ndarray) -> np.ndarray:
    """statsmodels' start values; an initial state it cannot compute (its trend is
    ``z[1] - z[0]``, NaN when the second year is a gap) is replaced by the first observed
    value and the least-squares slope over the observed years."""
    start = np.asarray(mod.start_params, dtype=float)
    if np.all(np.isfinite(start)):
        return start
    t = np.flatnonzero(np.isfinite(z))
    fill = {"initial_level": z[t[0]], "initial_trend": np.polyfit(t, z[t], 1)[0]}
    return np.array([fill.get(name, v) if not np.isfinite(v) else v for name, v in zip(mod.param_names, start)])


def _fit_ets_gapped(z: np.ndarray, start, spec: tuple) -> Fitted:
    """ETS with additive errors on a yearly grid with NaN in gap years (Kalman filter)."""
    import statsmodels.tsa.statespace.exponential_smoothing  # noqa: F401  (its import resets warning filters)

    error, trend, damped = spec
    if error != "add":
        raise ForecastError(f"ETS({_ets_label(*spec)}) needs consecutive years; gapped series use additive errors.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimiser chatter on short series, as above
        mod = _ss_model(z, spec)
        res = mod.fit(disp=False, start_params=_ss_start(mod, z) if start is None else start, maxiter=200)
        if not np.isfinite(res.llf) and start is not None:
            # Start values on a parameter bound (alpha = 0, phi at its limit) cannot be
            # transformed for the optimiser; start from statsmodels' own values instead.
            res = mod.fit(disp=False, start_params=_ss_start(mod, z), maxiter=200)
    if not np.isfinite(res.llf):
        raise ForecastError(f"ETS({_ets_label(*spec)}) fit failed (non-finite likelihood).")
    coef = dict(zip(res.param_names, np.asarray(res.params, dtype=float)))
    l0, b0 = coef["initial_level"], coef.get("initial_trend", 0.0)
    # The first value after a gap of g years is a g-step forecast error, with a larger
    # variance; the filter's standardised errors put every residual on the one-step scale
    # (so sigma and the bootstrap are not inflated by the gaps). NaN in gap years.
    resid = np.asarray(res.standardized_forecasts_error, dtype=float)[0] * np.sqrt(float(res.scale))
    resid[np.isnan(z)] = np.nan
    level, trend_state = _ss_end_state(res, spec)
    n_obs = int(np.isfinite(z).sum())
    k = len(coef) + 1  # + the innovation variance, concentrated out of the likelihood
    # AICc on the OBSERVED years (statsmodels' aicc counts the gap years as observations).
    aicc = -2 * float(res.llf) + 2 * k + (2 * k * (k + 1) / (n_obs - k - 1) if n_obs - k - 1 > 0 else np.inf)
    return Fitted(
        result=res,
        fitted=np.asarray(res.fittedvalues, dtype=float),
        resid=resid,
        sigma=small_sample_sigma(float(np.nanmean(resid**2)), n_obs, len(coef)),
        params=np.asarray(res.params, dtype=float),
        resid_kind="add",
        spec=spec,
        state=(coef, l0, b0, level, trend_state),
        aicc=aicc,
    )


def _ets_paths(fit: Fitted, horizon: int, eps: np.ndarray) -> np.ndarray:
    coef, _, _, level, trend = fit.state
    return _ets_run(fit.spec, coef, level, trend, fit.sigma * eps)[0]


def _ets_condition(fit: Fitted, z: np.ndarray) -> Fitted:
    """The refit's parameters and initial states, filtered through the original data."""
    coef, l0, b0, _, _ = fit.state
    error, trend_kind, damped = fit.spec
    if np.isnan(z).any():
        smooth = [coef[k] for k in ("smoothing_level", "smoothing_trend", "damping_trend") if k in coef]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = _ss_model(z, fit.spec, known=(l0, b0)).filter(np.asarray(smooth))
        return replace(fit, state=(coef, l0, b0, *_ss_end_state(res, fit.spec)))
    phi = coef.get("damping_trend", 1.0) if damped else 1.0
    level, trend = l0, (b0 if trend_kind is not None else 0.0)
    for v in z:
        mu = level + phi * trend
        e = (v - mu) / mu if error == "mul" else v - mu
        one = np.array([[e]])
        _, lv, tr = _ets_run(fit.spec, coef, level, trend, one)
        level, trend = float(lv[0]), float(tr[0])
    return replace(fit, state=(coef, l0, b0, level, trend))


def _ets_pseudo(fit: Fitted, z: np.ndarray, r: np.ndarray) -> np.ndarray:
    # Recursive bootstrap: run the fitted model from its estimated initial states with the
    # resampled residuals as its errors. (statsmodels' simulate(anchor="start") does not
    # start from the estimated initial states on short series, so we run it ourselves.)
    coef, l0, b0, _, _ = fit.state
    gaps = np.isnan(z)
    if gaps.any():
        # Gap years had values too, only unpublished: every grid year gets an innovation
        # (RefitBootstrap draws one per grid year; resize only guards the length), and the
        # gap years are then hidden.
        out = _ets_run(fit.spec, coef, l0, b0, np.resize(r, z.size)[None, :])[0][0]
        out[gaps] = np.nan
        return out
    return _ets_run(fit.spec, coef, l0, b0, r[None, :])[0][0]


class _ETSBase(RefitModel):
    handles_gaps: ClassVar[bool] = True
    min_obs: ClassVar[int] = 5

    def _work_series(self, z, years):
        return year_grid(z, years)

    def _pseudo(self, fit, z, r):
        return _ets_pseudo(fit, z, r)

    def _condition(self, fit, z):
        return _ets_condition(fit, z)

    def _fit_once(self, z, start):
        return _fit_ets(z, start, self.spec_)

    def _paths_from(self, fit, horizon, eps):
        return _ets_paths(fit, horizon, eps)


class DampedETS(_ETSBase):
    r"""Damped additive-trend exponential smoothing, ETS(A,Ad,N).

    .. math::
        y_t = \ell_{t-1} + \phi b_{t-1} + \varepsilon_t,\quad
        \ell_t = \ell_{t-1} + \phi b_{t-1} + \alpha\varepsilon_t,\quad
        b_t = \phi b_{t-1} + \beta\varepsilon_t

    Decision: with ``log=None`` (default) the model is fitted on ``log y`` when every value
    is positive, so the damped trend is a damped *growth rate* (the usual shape of plan
    indicators) and paths stay positive; otherwise on levels. The point forecast is then
    the median path. Gap years are skipped by the Kalman filter (state-space form).

    Reference: Hyndman & Athanasopoulos, fpp3, sections 8.2 (damped trend) and 8.5-8.7
    (ETS state-space models and their simulation).
    """

    name: ClassVar[str] = "ets_damped"

    def __init__(self, *, log: bool | None = None, n_refits: int = 30, block: int = 2):
        super().__init__(n_refits=n_refits, block=block)
        self.log = log

    def _to_work(self, y, years):
        use_log = bool(np.all(y > 0)) if self.log is None else bool(self.log)
        if use_log:
            check_positive(y, years, model=self.name)
        self.log_ = use_log
        self.spec_ = ("add", "add", True)
        return np.log(y) if use_log else y

    def _from_work(self, z):
        return np.exp(z) if self.log_ else z


class AutoETS(_ETSBase):
    r"""Exponential smoothing with the form chosen by AICc.

    Candidates: ANN, AAN, AAdN and, for positive series, MNN, MAN, MAdN (no seasonality:
    the data are annual). A form is only considered when ``n >= k + 2`` (``k`` estimated
    parameters) so that AICc is defined. The form is chosen once on the data; bootstrap
    refits keep it (model-selection uncertainty is not propagated). Fitted on levels. On a
    series with gap years only the additive-error forms (ANN, AAN, AAdN) are candidates:
    they are fitted in state-space form, whose Kalman filter skips the missing years.

    Reference: fpp3 sections 8.5-8.6 (ETS taxonomy, model selection by AICc);
    Hyndman, Koehler, Snyder & Grose (2002), IJF 18(3).
    """

    name: ClassVar[str] = "ets"

    def __init__(self, *, n_refits: int = 30, block: int = 2):
        super().__init__(n_refits=n_refits, block=block)

    def _fit_initial(self, z):
        n_obs = int(np.isfinite(z).sum())
        errors = ["add", "mul"] if np.all(z > 0) else ["add"]  # NaN (a gap) is not > 0
        specs = [
            (e, t, d)
            for e in errors
            for t, d in ((None, False), ("add", False), ("add", True))
            if n_obs >= _ETS_PARAMS["N" if t is None else ("Ad" if d else "A")] + 2
        ]
        best, best_aicc, tried = None, np.inf, []
        for spec in specs:
            try:
                fit = _fit_ets(z, None, spec)
            except (ValueError, np.linalg.LinAlgError, ForecastError):
                continue
            aicc = float(fit.aicc if fit.aicc is not None else fit.result.aicc)
            tried.append((_ets_label(*spec), aicc))
            if np.isfinite(aicc) and aicc < best_aicc:
                best, best_aicc = fit, aicc
        if best is None:
            raise ForecastError(
                f"Model 'ets': no ETS form could be fitted on {n_obs} observations "
                f"(tried {', '.join(_ets_label(*s) for s in specs)}). Use model 'drift' or 'theta'."
            )
        self.spec_ = best.spec
        self.form_ = _ets_label(*best.spec)
        self.aicc_ = dict(tried)
        return best


def _ses_levels(z: np.ndarray, alpha: float) -> np.ndarray:
    """SES levels after each observation, initial level ``z[0]`` (known), as statsmodels'
    ThetaModel does; ``levels[t]`` is the level after ``z[:t+1]``. A gap year (NaN) is a
    prediction step: the level carries over unchanged."""
    levels = np.empty(z.size)
    level = z[0]
    for t in range(z.size):
        if not np.isnan(z[t]):
            level = alpha * z[t] + (1.0 - alpha) * level
        levels[t] = level
    return levels


def _theta_trend(alpha: float, b0: float, nobs: int, steps: np.ndarray) -> np.ndarray:
    # Theta(2) adds half the OLS slope, with the small-sample term of Hyndman & Billah
    # (2003), eq. (3): b0/2 * (h - 1 + 1/alpha - (1 - alpha)^T / alpha).
    return 0.5 * b0 * (steps - 1.0 + 1.0 / alpha - (1.0 - alpha) ** nobs / alpha)


def _theta_estimate(z: np.ndarray) -> tuple[float, float]:
    """statsmodels ThetaModel's two-step estimator (OLS slope, SES alpha by least squares),
    re-implemented because ``ThetaModel.fit`` takes ~0.15 s and bootstrap refits need many."""
    from scipy.optimize import minimize_scalar

    t = np.arange(z.size, dtype=float)
    seen = np.isfinite(z)  # the slope is fitted on the observed years only
    b0 = float(np.polyfit(t[seen], z[seen], 1)[0])

    def sse(alpha):
        lv = _ses_levels(z, alpha)
        return float(np.nansum((z[1:] - lv[:-1]) ** 2))

    alpha = float(minimize_scalar(sse, bounds=(1e-4, 1.0), method="bounded", options={"xatol": 1e-7}).x)
    return alpha, b0


class Theta(RefitModel):
    r"""The Theta method (Assimakopoulos & Nikolopoulos 2000), no deseasonalising.

    Equivalent to simple exponential smoothing with drift (Hyndman & Billah 2003):
    :math:`\hat y_{T+h} = \tilde\ell_T + \tfrac{b_0}{2}\,(h - 1 + 1/\alpha - (1-\alpha)^T/\alpha)`,
    where :math:`b_0` is the slope of a linear trend and :math:`\tilde\ell_T` the SES level.
    Paths add SES innovations, :math:`y_{T+h} - \hat y_{T+h} = \varepsilon_{T+h} +
    \alpha \sum_{j<h} \varepsilon_{T+j}`, around the point forecast of each bootstrap refit.
    The fit on the data is statsmodels ``ThetaModel(deseasonalize=False)``; refits use the
    same two-step estimator re-implemented (tested to agree). On a series with gap years
    the slope is fitted on the observed years and SES steps over a gap year without an
    update (the re-implemented estimator; ThetaModel cannot take NaN).

    Reference: fpp3 section 13.9 (the Theta method); Hyndman & Billah (2003), IJF 19(2).
    """

    name: ClassVar[str] = "theta"
    min_obs: ClassVar[int] = 4
    handles_gaps: ClassVar[bool] = True

    def __init__(self, *, n_refits: int = 30, block: int = 2):
        super().__init__(n_refits=n_refits, block=block)

    def _work_series(self, z, years):
        return year_grid(z, years)

    def _fit_initial(self, z):
        if np.isnan(z).any():
            return self._fit_once(z, None)
        from statsmodels.tsa.forecasting.theta import ThetaModel

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ThetaModel(z, deseasonalize=False).fit()
        return self._fitted(z, float(res.params["alpha"]), float(res.params["b0"]))

    def _fit_once(self, z, start):
        return self._fitted(z, *_theta_estimate(z))

    def _condition(self, fit, z):
        alpha, b0, _, _ = fit.params
        return replace(fit, params=self._fitted(z, alpha, b0).params)

    def _pseudo(self, fit, z, r):
        # Recursive bootstrap through the SES-with-drift recursion (first value kept).
        # Gap years get an innovation too (RefitBootstrap draws one per grid year) and are
        # then hidden.
        alpha, b0, _, _ = fit.params
        r = np.resize(r, z.size - 1)
        out = np.empty(z.size)
        out[0] = level = z[0]
        for t in range(1, z.size):
            out[t] = level + _theta_trend(alpha, b0, t, 1.0) + r[t - 1]
            level = alpha * out[t] + (1.0 - alpha) * level
        out[np.isnan(z)] = np.nan
        return out

    def _fitted(self, z, alpha, b0):
        alpha = float(np.clip(alpha, 1e-4, 1.0))
        levels = _ses_levels(z, alpha)
        fitted = np.full(z.size, np.nan)
        # One-step-ahead from the last observed year: after a gap of g years the forecast
        # of the next observation is g steps ahead (contiguous series: k = t - 1, 1 step).
        idx = np.arange(z.size)
        k = np.maximum.accumulate(np.where(np.isfinite(z), idx, 0))[:-1]
        g = (idx[1:] - k).astype(float)
        fitted[1:] = levels[k] + _theta_trend(alpha, b0, k + 1, g)
        resid = z - fitted
        # A g-step SES error has variance sigma^2 (1 + (g - 1) alpha^2): rescale it to one step.
        resid[1:] /= np.sqrt(1.0 + (g - 1.0) * alpha**2)
        sigma2 = float(np.nanmean(resid**2))
        if not np.isfinite(sigma2):
            raise ForecastError("Theta fit failed (non-finite variance).")
        return Fitted(
            result=None,
            fitted=fitted,
            resid=resid,
            sigma=small_sample_sigma(sigma2, int(np.isfinite(resid).sum()), 2),
            params=(alpha, b0, float(levels[-1]), z.size),
        )

    def _paths_from(self, fit, horizon, eps):
        alpha, b0, level, nobs = fit.params
        point = level + _theta_trend(alpha, b0, nobs, np.arange(1, horizon + 1, dtype=float))
        weights = np.tril(np.full((horizon, horizon), alpha), k=-1) + np.eye(horizon)
        return point[None, :] + fit.sigma * (eps @ weights.T)
