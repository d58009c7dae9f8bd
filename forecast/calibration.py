"""Interval calibration from pooled, scale-free rolling-origin errors.

The ``auto`` model does not trust the textbook intervals of its members (far too narrow on
8-point series). Instead it reads uncertainty from what actually happened when the same
point method was run from many rolling origins on many real yearly series:

* at each origin, the error trajectory ``e_h = log(actual_h / point_h) / s`` for
  ``h = 1..H`` (positive series), or ``(actual_h - point_h) / s`` on the level scale
  (series with zeros or negatives, shares on the logit scale), where ``s`` is the series' own
  scale (``raw_scale``: mean absolute one-year change in logs; noise around the trend in
  levels) shrunk toward a prior scale when the series is short, combined in quadrature with
  the disagreement of the member forecasts (member_spread);
* trajectories are pooled by the number of observations the forecast was made from, so a
  3-point series draws from errors that 3-point windows really made, and within that by
  smoothness (``smoothness``): a steady trend draws from steady windows' errors;
* a forecast draws WHOLE trajectories from its pool (paths stay coherent across years) and
  applies them to its own point forecast and scale.

References
----------
Williams & Goodman (1971), "A simple method for the construction of empirical confidence
limits for economic forecasts", *JASA* 66, 752-754 (empirical intervals from past errors);
Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), section 5.5
(bootstrapped residuals / future sample paths).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from forecast.errors import ForecastError

PRIOR_PATH = Path(__file__).parent / "data" / "m3_prior.json"

# Upper edges (inclusive) of the length bins that pools are kept for. A series of n
# observations draws from the first bin whose edge is >= n. Windows of 9+ points share one
# pool: separate 9-10 / 11-13 / 14-17 / 18+ pools were mis-calibrated in opposite
# directions on a validation split of the M3 training parts (80 % coverage 94 % in one
# bin, 65 % in another), because the long-window pools come from a handful of long
# series at early origins; one merged pool validated better (MSIS 29.7 vs 30.6).
BIN_EDGES: tuple[int, ...] = (2, 3, 4, 5, 6, 8, 10_000)


def bin_of(n_obs: int) -> int:
    """Index of the length bin for a window of ``n_obs`` observations."""
    for i, edge in enumerate(BIN_EDGES):
        if n_obs <= edge:
            return i
    return len(BIN_EDGES) - 1


def _changes(y: np.ndarray, years: np.ndarray, log: bool) -> tuple[np.ndarray, np.ndarray]:
    z = np.log(y) if log else np.asarray(y, dtype=float)
    return np.diff(z), np.diff(np.asarray(years, dtype=float))


def mean_abs_change(y: np.ndarray, years: np.ndarray, *, log: bool) -> float:
    """Mean absolute one-year change. A change across a gap of ``g`` years counts as ``g``
    years of the series' average trend plus its departure from that trend scaled to one year
    (divided by ``sqrt(g)``, random-walk scaling): the trend grows with the gap, the noise as a
    random walk, so a gapped series is mistaken neither for a volatile one nor, when it trends,
    for one whose yearly change is ``sqrt(g)`` times its growth (Hubei's invention patents per
    10,000 people, 2.1 in 2012 to 28.2 in 2024 in 5 gapped changes: 0.33 a year with every
    change scaled by ``sqrt(g)``, 0.21 now; its growth was 0.22 a year). With a single change
    trend and noise cannot be told apart and it is divided by ``sqrt(g)``. Without gaps this is
    the plain mean of ``|change|``."""
    dz, gaps = _changes(y, years, log)
    if not dz.size:
        return float("nan")
    if dz.size == 1:
        return float(np.abs(dz[0]) / np.sqrt(gaps[0]))
    trend = float(np.sum(dz) / np.sum(gaps))
    return float(np.mean(np.abs(trend + (dz - trend * gaps) / np.sqrt(gaps))))


def trend_noise(y: np.ndarray, years: np.ndarray, *, log: bool) -> float:
    """Mean absolute deviation of the one-year changes from their average (the trend),
    scaled by ``sqrt(m / (m - 1))`` for ``m`` changes; a change across a gap of ``g`` years is
    measured against ``g`` years of trend and divided by ``sqrt(g)``. ``nan`` below 2 changes."""
    dz, gaps = _changes(y, years, log)
    m = dz.size
    if m < 2:
        return float("nan")
    trend = float(np.sum(dz) / np.sum(gaps))
    d = np.abs(dz - trend * gaps) / np.sqrt(gaps)
    return float(np.mean(d) * np.sqrt(m / (m - 1)))


#: A positive series measured around its trend (``raw_scale(around_trend=True)``) is never taken as
#: calmer than this share of its mean absolute change: a trend read from a few smooth years is not
#: known exactly. On the yearbook's patents in force (benchmarks/README.md, sixth pass; 5+ point cuts,
#: all origins) the windows whose noise was below 13 % of their mean change held the outcome in their
#: 80 % band 62-75 % of the time (the rest 80-83 %); with the floor at 15 % 74-80 %, the others
#: unchanged. A stock that rose exactly 10 % a year for ten years: a 6-year fan of +-2 % without it.
TREND_NOISE_FLOOR = 0.15


def raw_scale(y: np.ndarray, years: np.ndarray, *, log: bool, around_trend: bool = False) -> tuple[float, int]:
    """The series' own scale and the number of one-year changes it rests on.

    On the log scale (positive series) it is the mean absolute one-year change, trend
    included: the growth of Chinese provincial patent counts drifts by about as much as the
    growth itself, and on the yearbook panel (benchmarks/attainment.py, 434 series, 5 origins)
    a scale measured around the trend made 5-8 point forecasts overconfident (P 0.05 came
    true 12 % of the time, stocks 15 %; Brier 0.1773 -> 0.1876 at 5 points). In levels (zeros
    or negatives, shares on the logit scale) it is the noise around the trend (``trend_noise``,
    one change spent on the trend): a share that rose 0.5 pp every year has no noise, its
    mean change would be all trend, and the yearbook's R&D intensities are calibrated either
    way (every reliability bin within 1 point of each other).

    ``around_trend`` measures a positive series around its trend too: for a stock, whose centre
    follows its trend (``forecast.auto.STOCK_MEMBERS``), the mean change would count the growth
    it is sure to keep as noise (see there). Never below ``TREND_NOISE_FLOOR`` of the mean change.
    """
    dz, _ = _changes(y, years, log)
    if log and not around_trend:
        return (mean_abs_change(y, years, log=True), int(dz.size)) if dz.size else (float("nan"), 0)
    if log:
        floor = TREND_NOISE_FLOOR * mean_abs_change(y, years, log=True)
        return max(trend_noise(y, years, log=True), floor), max(int(dz.size) - 1, 0)
    return trend_noise(y, years, log=False), max(int(dz.size) - 1, 0)


def smoothness(y: np.ndarray, years: np.ndarray, *, log: bool) -> float:
    """Noise around the trend over mean absolute change, 0 (a steady trend) to about 1.4
    (no trend, all noise); ``nan`` when either is unknown (2 points).

    Windows differ in how their errors behave by this ratio as well as by length: a steady
    trend rarely breaks next year, a noisy series may, so the pool is kept by thirds of this
    ratio within each length bin. On the training-part validation (scripts/build_forecast_prior.py
    --validate) MSIS fell 26.55 -> 26.35 (whole series) and 24.43 -> 24.12 (last 8); on the
    yearbook panel (benchmarks/attainment.py) smooth series' extreme bins moved from
    0.15 -> 0.07 / 0.85 -> 0.93 to 0.15 -> 0.12 / 0.85 -> 0.88 (mean P -> observed), at a small
    cost in Brier for 8-point cuts (0.1900 -> 0.1948; 3, 5 and all points: 0.1709 -> 0.1706,
    0.1741 -> 0.1752, 0.1678 -> 0.1682).
    """
    noise, mac = trend_noise(y, years, log=log), mean_abs_change(y, years, log=log)
    return float(noise / mac) if np.isfinite(noise) and np.isfinite(mac) and mac > 0 else float("nan")


#: Smoothness classes within each length bin, by quantiles of the pooled windows' smoothness:
#: thirds.
SMOOTH_QUANTILES = (1 / 3, 2 / 3)

SPREAD_HORIZON = 6


def member_spread(members: dict[str, np.ndarray], *, log: bool) -> float:
    """Disagreement of the member forecasts, per year: the sd across members of their
    forecast ``SPREAD_HORIZON`` years ahead (of its log for positive series), divided by
    ``SPREAD_HORIZON``.

    When the members disagree about the trend, the combination is less sure than the
    series' own volatility says (the between-model part of the forecast variance,
    as in Bayesian model averaging: Raftery, Madigan & Hoeting 1997, *JASA* 92, 179-191).
    Level members that fall to or below zero have no log; then only the log members count.
    """
    vals = {k: np.asarray(v, dtype=float)[SPREAD_HORIZON - 1] for k, v in members.items()}
    if log:
        if any(v <= 0 for v in vals.values()):
            vals = {k: v for k, v in vals.items() if k.startswith("log")}
        x = np.log(np.array(list(vals.values())))
    else:
        x = np.array(list(vals.values()))
    return float(np.std(x) / SPREAD_HORIZON) if x.size > 1 else 0.0


def total_scale(own: float, spread: float) -> float:
    """The scale applied to the pooled errors: own (shrunk) scale and member spread added
    in quadrature (independent sources of error)."""
    return float(np.hypot(own, spread))


# A series whose values never change has no volatility of its own (raw scale 0, whose log
# is -inf); it is treated as if its scale were this share of the prior's.
RAW_FLOOR = 0.01


def shrunk_scale(raw: float, n_changes: int, *, prior: float | None, k0: float) -> float:
    """Scale shrunk toward ``prior`` as if the prior were worth ``k0`` one-year changes: the
    weighted average of the LOG scales, ``exp((k0 log prior + n log raw) / (k0 + n))``.

    Scales of real series spread over orders of magnitude, roughly log-normally, so the
    shrinkage is done on the log scale (a log-normal prior on the scale; the weight of the
    own estimate grows with the number of changes it rests on). An average of variances, used
    before, is dominated by the larger of the two, so a calm series stayed near the prior's
    volatility and got intervals many times its own year-to-year movement: on the validation
    split of the M3 training parts (scripts/build_forecast_prior.py --validate) MSIS was
    29.4 (whole series) / 28.6 (last 8 points) with variances and 26.6 / 24.4 with log scales.
    """
    if prior is None or not np.isfinite(prior) or prior <= 0 or k0 <= 0:
        return raw
    if not np.isfinite(raw) or n_changes == 0:
        return float(prior)
    own = max(raw, RAW_FLOOR * prior)
    return float(np.exp((k0 * np.log(prior) + n_changes * np.log(own)) / (k0 + n_changes)))


def level_prior(relative_prior: float, mean_abs_change: float, raw: float) -> float:
    """Prior scale for a series modelled in levels (it has zeros or negatives, or is a ratio
    on the logit scale): ``relative_prior`` times the series' mean absolute one-year change,
    never below its own noise ``raw``.

    Level series have no scale-free prior, and their mean level says nothing about their
    moves (0, 0, 5 has mean level 1.7; the logit of a share is arbitrary in size), so the
    yardstick is how much the series moves in a year: ``relative_prior`` is the median, over
    the M3 calibration windows, of noise around the trend over mean absolute change (built by
    scripts/build_forecast_prior.py as the level pool's ``prior_scale``).
    """
    if not np.isfinite(mean_abs_change):
        return float(raw)
    base = float(relative_prior) * float(mean_abs_change)
    return max(base, float(raw)) if np.isfinite(raw) else base


@dataclass(frozen=True, eq=False)
class ErrorPool:
    """Pooled scale-free error trajectories, by length bin, for one error scale.

    Attributes
    ----------
    log : True for log-ratio errors (positive series), False for level errors.
    prior_scale : generic prior for the series scale: for log errors the median noise scale
        over the pool's windows; for level errors the median ratio of noise to mean
        absolute change (see ``level_prior``).
    k0 : weight of the prior scale, in one-year changes.
    trajectories : tuple of arrays, one per bin in ``BIN_EDGES``, each (n_traj, H).
    tail_step_sd : per bin, sd of the last one-year error increment; used to extend
        trajectories past ``H`` years as a random walk.
    smoothness : per bin, each trajectory's window smoothness (``smoothness``; ``nan`` for
        2-point windows); empty for a prior built without it.
    """

    log: bool
    prior_scale: float | None
    k0: float
    trajectories: tuple[np.ndarray, ...]
    tail_step_sd: tuple[float, ...] = field(default=())
    smoothness: tuple[np.ndarray, ...] = field(default=())

    @property
    def horizon(self) -> int:
        return int(self.trajectories[-1].shape[1])

    def _rows(self, b: int, smooth: float | None) -> np.ndarray:
        """The trajectories of bin ``b`` from windows as smooth as the series: the same third
        of the bin's smoothness distribution (all of the bin when ``smooth`` is unknown)."""
        pool = self.trajectories[b]
        if smooth is None or not np.isfinite(smooth) or not self.smoothness:
            return pool
        s = self.smoothness[b]
        ok = np.isfinite(s)
        if ok.sum() < 100 * (len(SMOOTH_QUANTILES) + 1):
            return pool
        edges = np.quantile(s[ok], SMOOTH_QUANTILES)
        # the stored values are rounded (pool_to_json), so the series' value is too
        rows = pool[ok & (np.searchsorted(edges, s) == np.searchsorted(edges, round(float(smooth), 3)))]
        return rows if rows.shape[0] else pool

    def quantiles(self, n_obs: int, q, smooth: float | None = None) -> np.ndarray:
        """Quantiles ``q`` (len(q), stored horizon) of the error trajectories a series of
        ``n_obs`` observations and smoothness ``smooth`` draws from (``sample``), without drawing."""
        return np.quantile(self._rows(bin_of(n_obs), smooth), q, axis=0)

    def sample(self, n_obs: int, horizon: int, n_paths: int, rng: np.random.Generator,
               smooth: float | None = None) -> np.ndarray:
        """Draw ``n_paths`` whole error trajectories (n_paths, horizon) for a series of
        ``n_obs`` observations and smoothness ``smooth``; beyond the stored horizon extend
        each as a random walk."""
        b = bin_of(n_obs)
        pool = self._rows(b, smooth)
        if pool.shape[0] == 0:
            raise ForecastError(f"The calibration pool for {n_obs}-point series is empty. Rebuild the prior.")
        idx = rng.integers(pool.shape[0], size=n_paths)
        h_stored = min(horizon, pool.shape[1])
        out = pool[idx, :h_stored]
        if horizon > h_stored:
            step = self.tail_step_sd[b] if self.tail_step_sd else float(np.std(pool[:, -1] - pool[:, -2]))
            extra = np.cumsum(rng.normal(0.0, step, size=(n_paths, horizon - h_stored)), axis=1)
            out = np.hstack([out, out[:, -1:] + extra])
        return out


def pool_to_json(pool: ErrorPool, *, decimals: int = 3) -> dict:
    return {
        "log": pool.log,
        "prior_scale": pool.prior_scale,
        "k0": pool.k0,
        "bin_edges": list(BIN_EDGES),
        "horizon": pool.horizon,
        "tail_step_sd": [round(float(s), 5) for s in pool.tail_step_sd],
        "trajectories": [np.round(t, decimals).tolist() for t in pool.trajectories],
        "smoothness": [[None if not np.isfinite(v) else round(float(v), 3) for v in s] for s in pool.smoothness],
    }


def pool_from_json(obj: dict) -> ErrorPool:
    if tuple(obj["bin_edges"]) != BIN_EDGES:
        raise ForecastError(
            f"The calibration prior was built with length bins {obj['bin_edges']}, but this version uses "
            f"{list(BIN_EDGES)}. Rebuild it with scripts/build_forecast_prior.py."
        )
    return ErrorPool(
        log=bool(obj["log"]),
        prior_scale=obj["prior_scale"],
        k0=float(obj["k0"]),
        trajectories=tuple(np.asarray(t, dtype=float).reshape(-1, obj.get("horizon", 6)) for t in obj["trajectories"]),
        tail_step_sd=tuple(float(s) for s in obj["tail_step_sd"]),
        smoothness=tuple(np.array([np.nan if v is None else v for v in s], dtype=float)
                         for s in obj.get("smoothness", [])),
    )


@dataclass(frozen=True, eq=False)
class Prior:
    """The shipped generic prior: a log-error pool and a level-error pool, plus provenance."""

    log_pool: ErrorPool
    level_pool: ErrorPool
    meta: dict


@lru_cache(maxsize=4)
def load_prior(path: str | None = None) -> Prior:
    """Load the generic prior (default: ``forecast/data/m3_prior.json``)."""
    p = Path(path) if path else PRIOR_PATH
    if not p.exists():
        raise ForecastError(
            f"The calibration prior {p} is missing. Build it with `python scripts/build_forecast_prior.py`."
        )
    obj = json.loads(p.read_text(encoding="utf-8"))
    return Prior(log_pool=pool_from_json(obj["log_pool"]), level_pool=pool_from_json(obj["level_pool"]), meta=obj["meta"])
