"""ARIMA with a small automatic order search (statsmodels SARIMAX), gaps handled natively.

Missing years are put in as NaN and the Kalman filter skips them, so a series observed in
2013-2018, 2021 and 2024 is fitted on exactly those observations.
"""
from __future__ import annotations

import warnings
from dataclasses import replace
from typing import ClassVar

import numpy as np

from forecast.errors import ForecastError
from forecast.uncertainty import Fitted, RefitModel, small_sample_sigma, year_grid

# Decision: with d = 1 the drift is SARIMAX trend "c" (a constant in the differenced
# equation, i.e. a linear trend in levels). SARIMAX applies its trend polynomial to the
# differenced series, so trend "t" with d = 1 would be a *growing* drift (a quadratic
# trend in levels) - checked on a straight line: "t" forecasts slopes 3.1, 3.4, 3.7, ...
DEFAULT_ORDERS: tuple[tuple[tuple[int, int, int], str], ...] = (
    ((0, 1, 0), "c"),
    ((1, 1, 0), "c"),
    ((0, 1, 1), "c"),
    ((1, 1, 1), "c"),
    ((0, 0, 0), "ct"),
    ((1, 0, 0), "ct"),
    ((0, 0, 1), "ct"),
    ((1, 0, 1), "ct"),
)


def _fit_sarimax(z: np.ndarray, order, trend, start=None):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings():
        # Convergence and start-value chatter on 6-15 points is expected.
        warnings.simplefilter("ignore")
        res = SARIMAX(z, order=order, trend=trend).fit(
            disp=False, cov_type="none", start_params=start, maxiter=50
        )
    if not np.isfinite(res.llf):
        raise ForecastError(f"ARIMA{order} fit failed (non-finite likelihood).")
    return res


def _coef(res) -> dict:
    return dict(zip(res.param_names, np.asarray(res.params, dtype=float)))


def _psi_matrix(coef: dict, d: int, horizon: int) -> np.ndarray:
    """Lower-triangular matrix of psi weights: forecast errors = eps @ M.T (sigma = 1)."""
    from statsmodels.tsa.arima_process import arma2ma

    ar = np.array([1.0, -coef.get("ar.L1", 0.0)])
    if d:
        ar = np.convolve(ar, [1.0, -1.0])
    ma = np.array([1.0, coef.get("ma.L1", 0.0)])
    psi = arma2ma(ar, ma, lags=horizon)
    idx = np.arange(horizon)
    lag = idx[:, None] - idx[None, :]
    return np.where(lag >= 0, psi[np.clip(lag, 0, None)], 0.0)


class AutoARIMA(RefitModel):
    r"""ARIMA(p, d, q) with p, q <= 1, chosen by AICc, fitted on the actual years.

    Candidates: d = 1 with drift, :math:`(1-\phi L)(\Delta y_t - \mu) = (1+\theta L)\varepsilon_t`,
    and d = 0 with a linear trend, :math:`(1-\phi L)(y_t - a - b t) = (1+\theta L)\varepsilon_t`.
    Missing years are NaN in the state-space model (never interpolated). Paths are the
    point forecast plus :math:`\sum_j \psi_j \varepsilon_{T+h-j}` of each bootstrap refit
    (recursive bootstrap on the full year grid, conditioned on the observed data).

    Caveat: AICc compares likelihoods of d = 0 and d = 1 models, which are not strictly
    comparable (the d = 1 likelihood drops the first observation); pass ``d=1`` or ``d=0``
    to search one family only.

    Reference: Hyndman & Athanasopoulos, fpp3, sections 9.7-9.8 (ARIMA modelling, order
    selection by AICc); Durbin & Koopman (2012), section 4.10 (missing observations).
    """

    name: ClassVar[str] = "arima"
    min_obs: ClassVar[int] = 6

    def __init__(self, *, d: int | None = None, n_refits: int = 20, block: int = 2):
        super().__init__(n_refits=n_refits, block=block)
        self.d = d

    def _to_work(self, y, years):
        # Standardise: on raw levels (e.g. 150 with a trend of 5 a year) the optimiser's
        # numerical gradients are badly scaled and a (1,0,1) fit took 20 s instead of 0.1 s.
        self.loc_ = float(np.mean(y))
        sd = float(np.std(y))
        self.scale_ = sd if sd > 0 else 1.0
        return (y - self.loc_) / self.scale_

    def _from_work(self, z):
        return self.loc_ + self.scale_ * z

    def _work_series(self, z, years):
        return year_grid(z, years)

    def _fit_initial(self, z):
        if self.d not in (None, 0, 1):
            raise ForecastError(f"Model 'arima': the 'd' parameter must be 0, 1 or None. Got {self.d!r} instead.")
        candidates = [c for c in DEFAULT_ORDERS if self.d is None or c[0][1] == self.d]
        best, best_aicc, tried = None, np.inf, {}
        for order, trend in candidates:
            try:
                res = _fit_sarimax(z, order, trend)
            except (ValueError, np.linalg.LinAlgError, ForecastError):
                continue
            aicc = float(res.aicc)
            tried[f"ARIMA{order}"] = aicc
            if np.isfinite(aicc) and aicc < best_aicc:
                best, best_aicc = (order, trend, res), aicc
        if best is None:
            raise ForecastError(
                f"Model 'arima': no ARIMA order could be fitted on {int(np.isfinite(z).sum())} observations. "
                f"Use model 'drift' or 'linear'."
            )
        self.order_, self.trend_, res = best
        self.aicc_ = tried
        return self._fitted(z, res)

    def _fitted(self, z, res) -> Fitted:
        fitted = np.asarray(res.fittedvalues, dtype=float)
        resid = np.asarray(res.resid, dtype=float).copy()
        resid[: res.loglikelihood_burn] = np.nan  # diffuse start: no real one-step forecast
        resid[~np.isfinite(z)] = np.nan
        coef = _coef(res)
        n_eff = int(np.isfinite(resid).sum())
        return Fitted(
            result=res,
            fitted=fitted,
            resid=resid,
            sigma=small_sample_sigma(coef["sigma2"], max(n_eff, 1), len(coef)),
            params=np.asarray(res.params, dtype=float),
            spec=(self.order_, self.trend_),
            state=(coef,),
        )

    def _fit_once(self, z, start):
        return self._fitted(z, _fit_sarimax(z, self.order_, self.trend_, start=start))

    def _condition(self, fit, z):
        # The refit's parameters, filtered through the original (gapped) series.
        res = fit.result.apply(z)
        return replace(fit, result=res)

    def _pseudo(self, fit, z, r):
        """A new realisation of the fitted process on the full year grid, observed in the
        same years as the data (NaN elsewhere), driven by resampled residuals."""
        coef = fit.state[0]
        (p, d, q), trend = fit.spec
        phi, theta = coef.get("ar.L1", 0.0), coef.get("ma.L1", 0.0)
        n = z.size
        # Residuals are needed in every grid year, observed or not.
        e = np.resize(r, n) if r.size else np.zeros(n)
        first = int(np.flatnonzero(np.isfinite(z))[0])
        out = np.empty(n)
        if d == 1:
            mu = coef.get("intercept", 0.0) / (1.0 - phi)
            out[first] = z[first]
            w_prev, e_prev = mu, 0.0
            for t in range(first + 1, n):
                w = mu + phi * (w_prev - mu) + e[t] + theta * e_prev
                out[t] = out[t - 1] + w
                w_prev, e_prev = w, e[t]
        else:
            a, b = coef.get("intercept", 0.0), coef.get("drift", 0.0)
            # SARIMAX's time trend starts at t = 1 for the first observation.
            tt = np.arange(1, n + 1, dtype=float)
            out[first] = fit.fitted[first] + e[first]
            e_prev = e[first]
            for t in range(first + 1, n):
                out[t] = a + b * tt[t] + phi * out[t - 1] + e[t] + theta * e_prev
                e_prev = e[t]
        out[~np.isfinite(z)] = np.nan
        return out

    def _paths_from(self, fit, horizon, eps):
        point = np.asarray(fit.result.forecast(horizon), dtype=float)
        m = _psi_matrix(fit.state[0], fit.spec[0][1], horizon)
        return point[None, :] + fit.sigma * (eps @ m.T)
