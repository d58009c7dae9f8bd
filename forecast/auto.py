"""The default model: a robust combination with empirically calibrated sample paths.

Point forecast
    The median, year by year, of the plausible ones among fast closed-form yearly methods: random walk with drift,
    simple exponential smoothing, the Theta method (SES with drift, Hyndman & Billah 2003)
    and damped-trend Holt, each on the series and (for positive series) on its logarithm.
    Every member uses every observed year and nothing is filled: drift and log-drift work
    on the actual years; the smoothing members run their recursions on the yearly grid
    and treat a gap year as a prediction step without an update (how a state-space
    filter handles a missing observation), so a series published 2013-2018, 2020, 2023
    still uses 2013-2018. The smoothing members need ``MIN_SMOOTHING_OBS`` observations;
    series with 2-4 get the median of drift and log-drift only.

    Why these members and a median: on rolling origins inside the M3 yearly *training*
    parts (scripts/build_forecast_prior.py) the median of all eight was within 0.005 OWA of
    the best of 500 member subsets, and a median of everything needs no per-series
    selection that a short series cannot support (Petropoulos & Svetunkov 2020 show
    the same for M4 yearly).

Sample paths
    ``point * exp(s * e)`` (positive series) or ``point + s * e`` (others), where ``e`` is a
    WHOLE error trajectory drawn from the pooled rolling-origin errors of this very point
    method on real yearly series with the same number of observations and a similar
    smoothness (forecast.calibration), and ``s`` is the series' own scale
    (forecast.calibration.raw_scale: its mean absolute one-year change in logs, its noise
    around the trend in levels) shrunk, on the log scale, toward a prior scale (the peers' scale when the engine passes one from
    the panel, else the generic M3 prior), combined in quadrature with the plausible members'
    disagreement about the trend (forecast.calibration.member_spread). With all noise set to zero the path is
    the point forecast.

References
----------
Hyndman, R. J. & Billah, B. (2003), "Unmasking the Theta method", *IJF* 19(2), 287-290.
Gardner, E. S. & McKenzie, E. (1985), "Forecasting trends in time series", *Management
Science* 31(10) (damped trend). Makridakis, Spiliotis & Assimakopoulos (2020), the M4
competition (combinations of SES/Holt/Damped as the benchmark to beat).
Petropoulos, F. & Svetunkov, I. (2020), "A simple combination of univariate models",
*IJF* 36(1), 110-115.
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from forecast.base import Model
from forecast.calibration import (SPREAD_HORIZON, ErrorPool, Prior, level_prior, load_prior, mean_abs_change,
                                  member_spread, raw_scale, shrunk_scale, smoothness, total_scale)
from forecast.errors import ForecastError
from forecast.panel import GrowthPrior
from forecast.shortseries import MAX_SHORT_OBS, anchored_band, anchored_paths, anchored_point, peer_trend_point

MIN_SMOOTHING_OBS = 5

_ALPHAS = np.linspace(0.05, 1.0, 20)
_a, _b, _p = np.meshgrid(
    np.linspace(0.1, 1.0, 10), np.array([0.02, 0.05, 0.1, 0.2, 0.4]), np.array([0.8, 0.88, 0.94, 0.98]), indexing="ij"
)
# Damped Holt grid: alpha, beta = alpha * beta* (so beta <= alpha), phi. A grid search over
# 200 combinations, vectorised, is ~50x faster than a numerical optimiser per series and
# loses nothing measurable on yearly data.
_DA, _DB, _DP = _a.ravel(), (_a * _b).ravel(), _p.ravel()


# Every member returns (forecast for h, one-step-ahead predictions of the observed values
# with NaN where it has none); the in-sample predictions decide which members are plausible.


def _drift(z: np.ndarray, t: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    slope = (z[-1] - z[0]) / (t[-1] - t[0])
    one = np.full(z.size, np.nan)
    one[1:] = z[:-1] + slope * np.diff(t)
    return z[-1] + slope * h, one


def _grid(z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values on the yearly grid from the first to the last year, NaN in gap years
    (NaN is never used as a value: the recursions below only predict through it), and the
    grid index of each observation."""
    steps = np.rint(t - t[0]).astype(int)
    g = np.full(int(steps[-1]) + 1, np.nan)
    g[steps] = z
    return g, steps


def _ses_fit(z: np.ndarray, t: np.ndarray) -> tuple[float, float, np.ndarray]:
    # Simple exponential smoothing on the yearly grid; a gap year is a prediction step
    # with no update (the Kalman treatment of a missing observation in the local-level
    # model), so nothing is filled and observations before a gap still count.
    g, steps = _grid(z, t)
    level = np.full(_ALPHAS.size, g[0])
    sse = np.zeros(_ALPHAS.size)
    pred = np.full((g.size, _ALPHAS.size), np.nan)
    for j, x in enumerate(g[1:], start=1):
        pred[j] = level
        if np.isnan(x):
            continue
        e = x - level
        sse += e * e
        level = level + _ALPHAS * e
    i = int(np.argmin(sse))
    return float(level[i]), float(_ALPHAS[i]), pred[steps, i]


def _ses(z: np.ndarray, t: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    level, _, one = _ses_fit(z, t)
    return np.full(h.size, level), one


def _theta(z: np.ndarray, t: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # SES with drift equal to half the OLS slope per year (Hyndman & Billah 2003, eq. 3);
    # n is the number of grid years, which equals the number of points without gaps.
    n = int(np.rint(t[-1] - t[0])) + 1
    level, a, ses_one = _ses_fit(z, t)
    slope = np.sum((t - t.mean()) * (z - z.mean())) / np.sum((t - t.mean()) ** 2)
    # In-sample: the SES prediction plus the one-year drift term at that point of the grid.
    k = np.rint(t - t[0])
    one = ses_one + 0.5 * slope * (1 / a - (1 - a) ** np.maximum(k, 1) / a)
    return level + 0.5 * slope * ((h - 1) + 1 / a - (1 - a) ** n / a), one


def _damped(z: np.ndarray, t: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Damped Holt on the yearly grid; gap years are prediction-only steps (level follows
    # the damped trend, no error, no update), the initial trend is per year.
    g, steps = _grid(z, t)
    level = np.full(_DA.size, z[0])
    trend = np.full(_DA.size, (z[1] - z[0]) / (t[1] - t[0]))
    sse = np.zeros(_DA.size)
    pred = np.full((g.size, _DA.size), np.nan)
    for j, x in enumerate(g[1:], start=1):
        f = level + _DP * trend
        pred[j] = f
        if np.isnan(x):
            level, trend = f, _DP * trend
            continue
        e = x - f
        sse += e * e
        level = f + _DA * e
        trend = _DP * trend + _DB * e
    i = int(np.argmin(sse))
    return level[i] + np.cumsum(_DP[i] ** h) * trend[i], pred[steps, i]


def _use_logs(y: np.ndarray, log: bool | None) -> bool:
    """Whether the log-scale members (and log errors) apply: a positive series, unless the
    caller says the values are levels (``log=False``: the logit of a share, whose sign says
    nothing about growth)."""
    return bool(np.all(np.asarray(y) > 0)) if log is None else bool(log) and bool(np.all(np.asarray(y) > 0))


def member_fits(y: np.ndarray, years: np.ndarray, horizon: int,
                log: bool | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every applicable member: (point forecasts for ``horizon`` years after the last year,
    one-step-ahead in-sample predictions of the observations, NaN where there is none), both
    on the scale of ``y``; log-scale members for positive series unless ``log`` is False."""
    y = np.asarray(y, dtype=float)
    years = np.asarray(years, dtype=float)
    h = np.arange(1, horizon + 1, dtype=float)
    positive = _use_logs(y, log)
    out = {"drift": _drift(y, years, h)}
    if positive:
        f, one = _drift(np.log(y), years, h)
        out["logdrift"] = (np.exp(f), np.exp(one))
    if y.size >= MIN_SMOOTHING_OBS:
        spaces = [("", y)] + ([("log", np.log(y))] if positive else [])
        for prefix, z in spaces:
            back = np.exp if prefix else (lambda v: v)
            for name, fn in (("ses", _ses), ("theta", _theta), ("damped", _damped)):
                f, one = fn(z, years, h)
                out[prefix + name] = (back(f), back(one))
    return out


def member_forecasts(y: np.ndarray, years: np.ndarray, horizon: int, log: bool | None = None) -> dict[str, np.ndarray]:
    """Point forecasts of every applicable member for ``horizon`` years after the last year."""
    return {k: f for k, (f, _) in member_fits(y, years, horizon, log).items()}


#: A member stays in the combination unless its in-sample one-step error is more than this
#: many times the best member's (see ``plausible_members``).
FIT_RATIO = 10.0
#: The first observations only initialise the recursions; their one-step errors are not scored.
_FIT_SKIP = 2


def plausible_members(y: np.ndarray, years: np.ndarray, fits: dict[str, tuple[np.ndarray, np.ndarray]],
                      ratio: float | None = None, log: bool | None = None) -> list[str]:
    """Members whose mean absolute one-step in-sample error (of the log for positive series)
    is at most ``ratio`` times the best member's.

    A median of every member is robust on ordinary series, but on a series that has grown
    by the same rate for years the no-trend members (SES predicts last year's value) miss
    every year by the whole growth; the data have already refuted them, and keeping them in
    the median drags the point far below the trend.
    """
    ratio = FIT_RATIO if ratio is None else ratio
    y = np.asarray(y, dtype=float)
    if not np.isfinite(ratio) or y.size < MIN_SMOOTHING_OBS:
        return list(fits)
    positive = _use_logs(y, log)
    err = {}
    for k, (_, one) in fits.items():
        p, a = one[_FIT_SKIP:], y[_FIT_SKIP:]
        ok = np.isfinite(p)
        if positive:
            ok &= p > 0
            e = np.abs(np.log(a[ok]) - np.log(p[ok])) if ok.all() else np.array([np.inf])
        else:
            e = np.abs(a[ok] - p[ok])
        err[k] = float(np.mean(e)) if e.size else np.inf
    best = min(err.values())
    # an exact fit is not infinitely better than a near-exact one
    floor = 1e-3 * mean_abs_change(y, years, log=positive)
    keep = [k for k, e in err.items() if e <= ratio * max(best, floor)]
    return keep or list(fits)


#: The members that make a stock's centre (``AutoModel(stock=True)``, 5+ positive observations):
#: a count in force accumulates what each year adds, so it keeps growing along its trend; the
#: no-trend members (SES) and Theta's half slope pull its centre below a trend it has never left.
#: On the yearbook panel (benchmarks/pit_cuts.py --all-origins --where "kind == 'stock' and
#: n_points >= 5", 11,536 outcomes of patents in force of 31 provinces) the median of every member,
#: with the scale trend included, put the outcome above the centre (mean PIT 0.65) in a fan far too
#: wide (12 x PIT variance 0.45, 80 % band 90 %); with these members and the scale measured around
#: the trend (calibration.raw_scale, floored at TREND_NOISE_FLOOR) the mean PIT is 0.62 and the fan
#: about right (12 x variance 0.82, 80 % band 81 %). Attainment Brier at 5 / 8 points 0.1634 / 0.1826
#: -> 0.1603 / 0.1814 (benchmarks/attainment.py): better at the 2015-2019 origins, worse at 2021,
#: where the provinces' growth slowed.
STOCK_MEMBERS = ("drift", "logdrift", "damped", "logdamped")


def _kept(y, years, fits, ratio, log, only) -> list[str]:
    """The plausible members, among ``only`` when given (all of ``only`` that apply when the data
    refuted every one of them)."""
    kept = plausible_members(y, years, fits, ratio, log)
    if only is None:
        return kept
    return [k for k in kept if k in only] or [k for k in fits if k in only] or kept


def combined_point(y: np.ndarray, years: np.ndarray, horizon: int, ratio: float | None = None,
                   log: bool | None = None, only: tuple[str, ...] | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """The median of the plausible member forecasts, and the members used (``log`` as in
    ``member_fits``; ``only``: these members, those the data refuted left out, e.g. ``STOCK_MEMBERS``)."""
    fits = member_fits(y, years, horizon, log)
    members = {k: fits[k][0] for k in _kept(y, years, fits, ratio, log, only)}
    point = np.median(np.stack(list(members.values())), axis=0)
    if _use_logs(y, log) and np.any(point <= 0):
        # A steep fall can take level members below zero; a positive series keeps a
        # positive point (and so positive paths) from its log-scale members.
        logs = [v for k, v in members.items() if k.startswith("log")] or [
            f for k, (f, _) in fits.items() if k.startswith("log")]
        point = np.where(point > 0, point, np.median(np.stack(logs), axis=0))
    return point, tuple(members)


class AutoModel(Model):
    """Median combination of drift, SES, Theta and damped trend (levels and logs) with
    sample paths from pooled, scale-free rolling-origin errors.

    Parameters
    ----------
    prior_scale : prior for the mean absolute one-year change (in logs for positive
        series, in the series' unit otherwise), e.g. from peer series; default: the
        generic prior from M3 yearly.
    prior_source : words for notes, e.g. ``"12 peer provinces"``.
    prior_path : alternative calibration prior JSON (tests, experiments).
    levels : model the values as levels even when all are positive (no log members, level
        errors): the engine's bounded series are the logit of a share, positive above 50 %,
        and a log of that logit made a share of 55-65 % rising 0.5 pp a year fall below today's
        level next year in 11 % of paths (4 % for the same share at 10-15 %).
    prior_growth : peers' growth (forecast.panel.peer_growth). A positive series with at
        most ``MAX_SHORT_OBS`` observations is then projected with growth anchored on the
        panel (forecast.shortseries): the point mixes this median with the members' point,
        and the paths draw one growth rate per path from the peers' spread. A longer positive
        series takes ``PEER_TREND_SHARE`` (15 %) of its point's growth from the peers' growth
        (``peer_trend_point``) and keeps the pooled errors: on the yearbook panel the members'
        median alone under-projected growth from 5 points on (upward targets continuing the
        own trend came true 45 %, P said 33 %; benchmarks/attainment.py).
    stock : the series is a count in force (its targets say so: every one of kind ``stock``). With
        5+ positive observations its centre is the median of ``STOCK_MEMBERS`` only and its scale
        is measured around its trend (calibration.raw_scale).

    Examples
    --------
    >>> m = AutoModel().fit(np.array([100., 110, 120, 133, 140, 152]), np.arange(2018, 2024))
    >>> m.predict(2).round(1)
    array([159.7, 167.9])
    >>> paths = m.simulate(2, 1000, np.random.default_rng(0))
    >>> bool((paths > 0).all())
    True
    """

    name: ClassVar[str] = "auto"
    min_obs: ClassVar[int] = 2
    handles_gaps: ClassVar[bool] = True

    def __init__(self, *, prior_scale: float | None = None, prior_source: str | None = None,
                 prior_path: str | None = None, prior_growth: GrowthPrior | None = None, levels: bool = False,
                 stock: bool = False):
        self.stock = bool(stock)
        self.levels = bool(levels)
        self.prior_growth = prior_growth
        self.prior_scale = prior_scale
        self.prior_source = prior_source
        self.prior_path = prior_path

    def fit(self, y, years=None) -> "AutoModel":
        y = np.asarray(y, dtype=float)
        years = np.arange(y.size) if years is None else np.asarray(years)
        if y.ndim != 1 or y.size != years.size:
            raise ForecastError(f"Model 'auto' needs 1-D values and years of the same length. Got {y.shape} and {years.shape}.")
        if y.size < self.min_obs:
            raise ForecastError(
                f"Model 'auto' needs at least {self.min_obs} observations; got {y.size}. "
                "A single point cannot be projected: add history."
            )
        if not np.all(np.isfinite(y)):
            raise ForecastError("Model 'auto' got missing or infinite values; drop those years instead (gaps are fine).")
        if np.any(np.diff(years) <= 0):
            raise ForecastError(f"Years must be strictly increasing. Got {years.tolist()}.")
        prior: Prior = load_prior(self.prior_path)
        self.log_ = not self.levels and bool(np.all(y > 0))
        self.pool_: ErrorPool = prior.log_pool if self.log_ else prior.level_pool
        # A stock long enough for the smoothing members follows its trend (STOCK_MEMBERS) and is measured
        # around it. The prior it is shrunk toward stays the peers' (or the generic) scale, mean change
        # included: a trend's noise rests on few changes (a stock that rose exactly 10 % a year has none),
        # and the fans so shrunk are the ones calibrated on the yearbook (STOCK_MEMBERS' comment).
        self.members_only_ = STOCK_MEMBERS if self.stock and self.log_ and y.size >= MIN_SMOOTHING_OBS else None
        raw, n_changes = raw_scale(y, years, log=self.log_, around_trend=self.members_only_ is not None)
        if self.prior_scale is not None:
            prior_scale, self.scale_source_ = float(self.prior_scale), (self.prior_source or "the given prior")
        elif self.log_:
            prior_scale, self.scale_source_ = prior.log_pool.prior_scale, "the generic prior (M3 yearly)"
        else:
            prior_scale = level_prior(prior.level_pool.prior_scale, mean_abs_change(y, years, log=False), raw)
            self.scale_source_ = "the generic prior (M3 yearly)"
        self.prior_scale_ = prior_scale
        self.own_scale_ = shrunk_scale(raw, n_changes, prior=prior_scale, k0=self.pool_.k0)
        # The members' disagreement counts only among the plausible ones: a member the series' own
        # history refuted (``plausible_members``) left the centre, and its miss of the trend is not
        # uncertainty about it either.
        fits = member_fits(y, years, SPREAD_HORIZON, self.log_)
        # (a stock's too: which members to believe is part of the uncertainty about its trend)
        kept = plausible_members(y, years, fits, log=self.log_)
        self.spread_ = member_spread({k: fits[k][0] for k in kept}, log=self.log_)
        self.scale_ = total_scale(self.own_scale_, self.spread_)
        self.raw_scale_, self.n_changes_ = raw, n_changes
        self.smoothness_ = smoothness(y, years, log=self.log_)
        self.y_, self.years_ = y, years
        self.positive_ = self.log_
        # The peers' growth is used on its own scale only: log growth for a series modelled in
        # logs, change in units (a share's points) for one modelled in levels.
        peers = self.prior_growth is not None and bool(self.prior_growth.log) == self.log_
        # Very short series: growth (and its uncertainty) anchored on the peers.
        self.growth_anchored_ = peers and y.size <= MAX_SHORT_OBS
        # Longer ones: the point leans on the peers' growth (PEER_TREND_SHARE), the paths keep
        # the pooled errors.
        self.panel_centred_ = peers and y.size > MAX_SHORT_OBS
        self._combined = {}
        return self

    def _combined_point(self, horizon: int) -> tuple[np.ndarray, tuple[str, ...]]:
        """``combined_point`` of the fitted series, once per horizon: predict, simulate and the
        label all ask for it (fitting the members four times was a third of a forecast's cost)."""
        if horizon not in self._combined:
            self._combined[horizon] = combined_point(self.y_, self.years_, horizon, log=self.log_,
                                                     only=self.members_only_)
        return self._combined[horizon]

    @property
    def members_(self) -> tuple[str, ...]:
        # which members are plausible depends on their in-sample fit, not on the horizon
        return next(iter(self._combined.values()))[1] if self._combined else self._combined_point(1)[1]

    def _check_fitted(self) -> None:
        if not hasattr(self, "y_"):
            raise ForecastError("Model 'auto' is not fitted yet; call fit(y, years) first.")

    def predict(self, horizon: int) -> np.ndarray:
        self._check_fitted()
        point = self._combined_point(int(horizon))[0].copy()  # the cached array stays the model's
        if getattr(self, "growth_anchored_", False):
            return anchored_point(self.y_, self.years_, self.prior_growth, int(horizon), own_point=point)
        if getattr(self, "panel_centred_", False):
            return peer_trend_point(point, self.y_[-1], self.prior_growth)
        return point

    def band(self, q: float) -> tuple[np.ndarray, np.ndarray]:
        """The ``q`` and ``1 - q`` quantiles of the paths in each year up to the calibrated
        horizon, from the pooled errors' quantiles or, for a growth-anchored fit, its normal
        predictive (no draws)."""
        self._check_fitted()
        if getattr(self, "growth_anchored_", False):
            horizon = self.pool_.horizon
            own = self._combined_point(horizon)[0]
            return anchored_band(self.y_, self.years_, self.prior_growth, horizon, q, own_point=own)
        e = self.pool_.quantiles(self.y_.size, [q, 1 - q], smooth=self.smoothness_)
        lo, hi = self.paths_from_errors(self.predict(e.shape[1]), e)
        return lo, hi

    def paths_from_errors(self, point: np.ndarray, errors: np.ndarray) -> np.ndarray:
        """Apply scale-free error trajectories (n_paths, h) to a point forecast (h,)."""
        if self.log_:
            return point * np.exp(self.scale_ * errors)
        return point + self.scale_ * errors

    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        self._check_fitted()
        if getattr(self, "growth_anchored_", False):
            own = self._combined_point(int(horizon))[0]
            return anchored_paths(self.y_, self.years_, self.prior_growth, int(horizon), int(n_paths), rng,
                                  own_point=own)
        point = self.predict(horizon)
        errors = self.pool_.sample(self.y_.size, int(horizon), int(n_paths), rng, smooth=self.smoothness_)
        return self.paths_from_errors(point, errors)
