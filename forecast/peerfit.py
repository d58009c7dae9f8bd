"""How far to follow a series' trend, learned from its peers' own forecasts.

``auto``'s point is a median of members, several of which damp or ignore the trend. That is
right for M3's average series and wrong for Chinese provincial patent counts, which compound
for years: forecast from their last 5-8 points (yearbook panel, origins 2014-2021), the median
fell short of the outcome by 0.14-0.24 in logs (median error) at 2-6 years, while constant
growth (log-drift) was almost unbiased. Whether an indicator's series keep their trend is a
property of the indicator, which the peers publishing it show. For every peer window of the
series' length before an origin, with an observation 1-6 years later, this module forecasts
as ``auto`` would and records the log error of

    log point = (1 - lam) * log(median) + lam * log(log-drift)

for each ``lam`` in ``WEIGHTS``, and picks the ``lam`` with the least mean absolute log error.
The series' own region is left out. Too little peer evidence: ``None``, ``auto`` unchanged.

The width of the fan is not learned here: a factor matching the peers' past errors to the
pooled ones (tried; benchmarks/README.md) narrowed stocks in force to 0.4-0.65 of their width
because their peers were calm before the origin, and the yearbook Brier score got worse at
5, 8 and all points (0.203 -> 0.216, 0.191 -> 0.199, 0.186 -> 0.195, origin 2017).

References: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.),
section 5.10 (time-series cross-validation on rolling origins); Makridakis, Spiliotis &
Assimakopoulos (2020), the M4 competition (combination weights chosen out of sample).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.auto import MIN_SMOOTHING_OBS, combined_point, member_forecasts

#: Candidate weights on log-drift (0 = auto's median, 1 = constant growth).
WEIGHTS = np.linspace(0.0, 1.0, 5)
#: Years ahead scored, as far as the calibration reaches.
MAX_H = 6
#: Peer windows are at most this long (a 14-point series is matched by 8-point windows: few
#: peers have 14 points before an origin with years still to score after it), and shorter
#: when the peers' histories are short (``peer_fit``).
MAX_WINDOW = 8
#: Fewest peers and scored forecasts for a weight other than 0.
MIN_PEERS = 3
MIN_FORECASTS = 20

_CACHE: dict = {}


@dataclass(frozen=True)
class PeerFit:
    """What the peers' forecasts say: the weight on log-drift and the evidence behind it."""

    weight: float
    n_forecasts: int
    n_peers: int

    @property
    def source(self) -> str:
        return f"{self.n_forecasts} forecasts of {self.n_peers} peer series"


def _errors_by_region(panel: pd.DataFrame, indicator: str, k: int) -> dict[str, np.ndarray]:
    """Per peer region, one row per scored forecast: |log error| per weight in WEIGHTS."""
    rows = panel[panel["indicator"] == indicator].dropna(subset=["value"])
    out = {}
    for region, g in rows.groupby("region", sort=True):
        g = g.sort_values("year").drop_duplicates("year", keep="last")
        y, t = g["value"].to_numpy(float), g["year"].to_numpy(int)
        if y.size <= k or np.any(y <= 0):
            continue
        found = []
        for i in range(k - 1, y.size - 1):
            ahead = np.flatnonzero((t > t[i]) & (t - t[i] <= MAX_H))
            if ahead.size == 0:
                continue
            w, tw = y[i - k + 1:i + 1], t[i - k + 1:i + 1]
            med = np.log(combined_point(w, tw, MAX_H)[0])
            drift = np.log(member_forecasts(w, tw, MAX_H)["logdrift"])
            h = t[ahead] - t[i] - 1
            blend = (1 - WEIGHTS[:, None]) * med[None, h] + WEIGHTS[:, None] * drift[None, h]
            err = np.abs(np.log(y[ahead])[None, :] - blend)
            found.append(err.T)
        if found:
            out[str(region)] = np.vstack(found)
    return out


def peer_fit(panel: pd.DataFrame | None, *, region: str, indicator: str, n_obs: int) -> PeerFit | None:
    """The weight on log-drift for ``region``'s ``indicator`` (``n_obs`` observations),
    learned from the other regions in ``panel`` (see the module docstring); ``None`` when
    fewer than ``MIN_PEERS`` peers or ``MIN_FORECASTS`` forecasts can be scored.

    Examples
    --------
    Four peers compounding at 10-20 % a year with +-5 % noise: follow the trend.

    >>> rows = [(r, "x", 2010 + i, 100 * (1 + g) ** i * (1 + .05 * (-1) ** i))
    ...         for r, g in zip("abcd", (.1, .12, .15, .2)) for i in range(10)]
    >>> panel = pd.DataFrame(rows, columns=["region", "indicator", "year", "value"])
    >>> fit = peer_fit(panel, region="z", indicator="x", n_obs=6)
    >>> fit.weight, fit.n_forecasts, fit.n_peers
    (0.75, 40, 4)
    """
    if panel is None or panel.empty:
        return None
    rows = panel[panel["indicator"] == indicator]
    if rows.empty:
        return None
    digest = int(pd.util.hash_pandas_object(rows[["region", "year", "value"]], index=False).sum())
    # Windows as long as the series (up to MAX_WINDOW); where peers have too few such windows
    # early in their history, shorter ones, down to the shortest that runs the same members.
    longest = int(min(max(n_obs, 2), MAX_WINDOW))
    shortest = MIN_SMOOTHING_OBS if longest >= MIN_SMOOTHING_OBS else 2
    for k in range(longest, shortest - 1, -1):
        key = (indicator, k, digest)
        if key not in _CACHE:
            if len(_CACHE) > 512:
                _CACHE.clear()
            _CACHE[key] = _errors_by_region(rows, indicator, k)
        per_region = [v for r, v in _CACHE[key].items() if r != region]
        if len(per_region) < MIN_PEERS:
            continue
        scored = np.vstack(per_region)
        n = scored.shape[0]
        if n < MIN_FORECASTS:
            continue
        best = int(np.argmin(scored.sum(axis=0)))  # ties go to the smaller weight
        return PeerFit(weight=float(WEIGHTS[best]), n_forecasts=n, n_peers=len(per_region))
    return None
