"""Closed-form models: naive, random walk with drift, log-drift (CAGR) and linear trend.

All four use the actual years, so gaps need no filling: a jump of ``k`` years between two
observations is treated as ``k`` steps of the random walk (variance ``k * sigma^2``), and the
trend regression uses the years as the regressor. Parameter uncertainty is drawn
analytically and vectorised over paths (see ``forecast.uncertainty``).

Every model accepts an optional external prior for the innovation scale,
``prior_sigma`` (in the model's working scale: levels for naive/drift/linear, log-levels
for logdrift) with weight ``prior_df`` pseudo-observations. With it, a 2-point series
can be simulated using volatility borrowed from a reference panel.
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from forecast.base import Model
from forecast.errors import ForecastError
from forecast.uncertainty import (
    check_horizon,
    check_positive,
    check_prior,
    check_series,
    normal,
    sigma_draws,
)


class _ClosedForm(Model):
    """Shared plumbing: ``predict`` is literally the zero-noise simulation."""

    def __init__(self, *, prior_sigma: float | None = None, prior_df: float = 4.0):
        self.prior_sigma = prior_sigma
        self.prior_df = prior_df

    def _check_fitted(self) -> None:
        if not hasattr(self, "last_year_"):
            raise ForecastError(f"Model '{self.name}' is not fitted yet: call fit(y, years) first.")

    def _sigmas(self, n_paths, rng, noise) -> np.ndarray:
        ps, pdf = check_prior(self.prior_sigma, self.prior_df, model=self.name)
        return sigma_draws(
            self.sigma2_, self.df_, n_paths, rng, prior_sigma=ps, prior_df=pdf, noise=noise, model=self.name
        )

    def predict(self, horizon: int) -> np.ndarray:
        """Point forecast: the simulation with every random draw set to zero."""
        return self._simulate(horizon, 1, None, noise=False)[0]

    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Sample paths (n_paths, horizon) with innovation and parameter uncertainty."""
        return self._simulate(horizon, n_paths, rng, noise=True)

    def _simulate(self, horizon, n_paths, rng, *, noise: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class Naive(_ClosedForm):
    r"""Random walk: :math:`y_t = y_{t-1} + \varepsilon_t,\ \varepsilon_t \sim N(0, \sigma^2)`.

    Forecast :math:`\hat y_{T+h} = y_T`. ``sigma^2`` is estimated from the year-on-year
    changes, each divided by its span in years (a 3-year gap counts as 3 steps), and drawn
    from its scaled-inverse-chi-square posterior per path. Fitting needs 1 observation;
    simulating needs 2 (or ``prior_sigma``).

    Reference: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (fpp3),
    section 5.2 "Naive method" and section 5.5 (prediction intervals).

    Examples
    --------
    >>> Naive().fit([3.0, 4.0, 5.0], [2020, 2021, 2022]).predict(2).tolist()
    [5.0, 5.0]
    """

    name: ClassVar[str] = "naive"
    min_obs: ClassVar[int] = 1

    def fit(self, y, years=None) -> "Naive":
        y, years = check_series(y, years, model=self.name, min_obs=self.min_obs)
        d, k = np.diff(y), np.diff(years).astype(float)
        self.last_value_ = float(y[-1])
        self.last_year_ = int(years[-1])
        self.df_ = int(d.size)
        self.sigma2_ = float(np.mean(d**2 / k)) if d.size else float("nan")
        return self

    def _simulate(self, horizon, n_paths, rng, *, noise):
        self._check_fitted()
        h, n = check_horizon(horizon, n_paths)
        sig = self._sigmas(n, rng, noise)
        return self.last_value_ + np.cumsum(sig * normal(rng, (n, h), noise), axis=1)


class Drift(_ClosedForm):
    r"""Random walk with drift: :math:`y_t = y_{t-1} + c + \varepsilon_t`.

    :math:`\hat c = (y_{last} - y_{first}) / (t_{last} - t_{first})` on the actual years,
    which is also the weighted least-squares estimate when a gap of ``k`` years is ``k``
    steps. Forecast :math:`\hat y_{T+h} = y_T + h \hat c`. Per path, ``sigma`` is drawn
    from its posterior and :math:`c \sim N(\hat c, \sigma^2 / (t_{last} - t_{first}))`,
    so intervals widen for the drift uncertainty, not only for the innovations.

    Reference: fpp3 section 5.2 "Drift method" (interval formula in section 5.5, table 5.2).

    Examples
    --------
    >>> Drift().fit([10.0, 13.0], [2018, 2021]).predict(2).tolist()
    [14.0, 15.0]
    """

    name: ClassVar[str] = "drift"
    min_obs: ClassVar[int] = 2

    def _to_work(self, y, years):
        return y

    def _from_work(self, z):
        return z

    def fit(self, y, years=None) -> "Drift":
        y, years = check_series(y, years, model=self.name, min_obs=self.min_obs)
        z = self._to_work(y, years)
        d, k = np.diff(z), np.diff(years).astype(float)
        span = float(years[-1] - years[0])
        self.drift_ = float((z[-1] - z[0]) / span)
        self.span_ = span
        self.last_value_ = float(z[-1])
        self.last_year_ = int(years[-1])
        self.df_ = int(d.size - 1)
        resid = (d - self.drift_ * k) / np.sqrt(k)
        self.sigma2_ = float(np.sum(resid**2) / self.df_) if self.df_ > 0 else float("nan")
        return self

    def _simulate(self, horizon, n_paths, rng, *, noise):
        self._check_fitted()
        h, n = check_horizon(horizon, n_paths)
        sig = self._sigmas(n, rng, noise)
        drift = self.drift_ + sig * normal(rng, (n, 1), noise) / np.sqrt(self.span_)
        steps = np.arange(1, h + 1)[None, :]
        z = self.last_value_ + drift * steps + np.cumsum(sig * normal(rng, (n, h), noise), axis=1)
        return self._from_work(z)


class LogDrift(Drift):
    r"""Constant average growth (the CAGR model): a random walk with drift in logs.

    :math:`\log y_t = \log y_{t-1} + g + \varepsilon_t`, so
    :math:`\hat y_{T+h} = y_T (1 + \mathrm{CAGR})^h` with
    :math:`\mathrm{CAGR} = (y_{last}/y_{first})^{1/(t_{last}-t_{first})} - 1`.
    The point forecast is the median path (zero noise), not the mean. Positive series only;
    paths are always > 0. ``prior_sigma`` is on the log scale (about the sd of annual growth).

    Reference: fpp3 section 5.2 (drift method) applied to a log transform, section 5.6.

    Examples
    --------
    >>> LogDrift().fit([100.0, 121.0], [2020, 2022]).predict(2).round(6).tolist()
    [133.1, 146.41]
    """

    name: ClassVar[str] = "logdrift"
    min_obs: ClassVar[int] = 2
    positive: ClassVar[bool] = True

    def _to_work(self, y, years):
        check_positive(y, years, model=self.name)
        return np.log(y)

    def _from_work(self, z):
        return np.exp(z)

    @property
    def growth_(self) -> float:
        """Average annual growth rate (CAGR) as a fraction."""
        return float(np.expm1(self.drift_))


class LinearTrend(_ClosedForm):
    r"""Linear trend on the actual years: :math:`y_t = a + b\,t + \varepsilon_t`, iid errors.

    OLS fit; per path :math:`\sigma^2 \sim` Scale-Inv-:math:`\chi^2(n-2, s^2)` and
    :math:`(a, b) \sim N(\hat\beta, \sigma^2 (X'X)^{-1})`, then a new error per year, so the
    paths carry the full prediction-interval uncertainty (parameters + noise).

    Reference: fpp3 section 7.2 (least squares) and 7.6 (forecasting with regression,
    prediction intervals); Gelman et al. BDA3 section 14.2.

    Examples
    --------
    >>> LinearTrend().fit([1.0, 3.0, 7.0, 9.0], [2015, 2016, 2018, 2019]).predict(1).round(9).tolist()
    [11.0]
    """

    name: ClassVar[str] = "linear"
    min_obs: ClassVar[int] = 3

    def fit(self, y, years=None) -> "LinearTrend":
        y, years = check_series(y, years, model=self.name, min_obs=self.min_obs)
        # Centre the years so X'X is well conditioned (years ~ 2000 squared is large).
        self.t0_ = float(years.mean())
        X = np.column_stack([np.ones(y.size), years - self.t0_])
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        resid = y - X @ beta
        self.coef_ = beta
        self.df_ = int(y.size - 2)
        self.sigma2_ = float(resid @ resid / self.df_)
        self.chol_ = np.linalg.cholesky(np.linalg.inv(X.T @ X))
        self.last_year_ = int(years[-1])
        return self

    @property
    def slope_(self) -> float:
        """Fitted change per year."""
        return float(self.coef_[1])

    def _simulate(self, horizon, n_paths, rng, *, noise):
        self._check_fitted()
        h, n = check_horizon(horizon, n_paths)
        sig = self._sigmas(n, rng, noise)
        beta = self.coef_[None, :] + sig * (normal(rng, (n, 2), noise) @ self.chol_.T)
        t = self.last_year_ + np.arange(1, h + 1) - self.t0_
        mean = beta[:, :1] + beta[:, 1:] * t[None, :]
        return mean + sig * normal(rng, (n, h), noise)
