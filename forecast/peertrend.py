"""How far to follow a series' trend, learned from its peers' own forecasts.

``auto``'s point is a median of members, several of which damp or ignore the trend. That is
right for M3's average series and wrong for Chinese provincial patent counts, which compound
for years: forecast from their last 5-8 points (yearbook panel, origins 2014-2021), the median
fell short of the outcome by 0.14-0.24 in logs (median error) at 2-6 years, while constant
growth (log-drift) was almost unbiased. Whether an indicator's series keep their trend is a
property of the indicator, and the peers publishing it show it. For every peer window of the
same length before an origin, with an observation 1-6 years later, this module computes both
points and picks the weight ``lam`` on log-drift in

    log point = (1 - lam) * log(median) + lam * log(log-drift)

from ``WEIGHTS`` that minimises the mean absolute log error over all those forecasts, the
series' own region left out. Too little peer evidence: ``lam = 0``, ``auto`` unchanged.

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
#: when the peers' histories are short (``peer_trend_weight``).
MAX_WINDOW = 8
#: Fewest peers and scored forecasts for a weight other than 0.
MIN_PEERS = 3
MIN_FORECASTS = 20

_CACHE: dict = {}


@dataclass(frozen=True)
class TrendWeight:
    """The learned weight on log-drift and the evidence behind it."""

    weight: float
    n_forecasts: int
    n_peers: int

    @property
    def source(self) -> str:
        return f"{self.n_forecasts} forecasts of {self.n_peers} peer series"


def _errors_by_region(panel: pd.DataFrame, indicator: str, k: int) -> dict[str, np.ndarray]:
    """Per peer region: (sum of |log error| per weight in WEIGHTS, number of forecasts)."""
    rows = panel[panel["indicator"] == indicator].dropna(subset=["value"])
    out = {}
    for region, g in rows.groupby("region", sort=True):
        g = g.sort_values("year").drop_duplicates("year", keep="last")
        y, t = g["value"].to_numpy(float), g["year"].to_numpy(int)
        if y.size <= k or np.any(y <= 0):
            continue
        sums, n = np.zeros(WEIGHTS.size), 0
        for i in range(k - 1, y.size - 1):
            ahead = np.flatnonzero((t > t[i]) & (t - t[i] <= MAX_H))
            if ahead.size == 0:
                continue
            w, tw = y[i - k + 1:i + 1], t[i - k + 1:i + 1]
            med = np.log(combined_point(w, tw, MAX_H)[0])
            drift = np.log(member_forecasts(w, tw, MAX_H)["logdrift"])
            h = t[ahead] - t[i] - 1
            blend = (1 - WEIGHTS[:, None]) * med[None, h] + WEIGHTS[:, None] * drift[None, h]
            sums += np.abs(np.log(y[ahead])[None, :] - blend).sum(axis=1)
            n += ahead.size
        if n:
            out[str(region)] = np.append(sums, n)
    return out


def peer_trend_weight(panel: pd.DataFrame | None, *, region: str, indicator: str, n_obs: int) -> TrendWeight | None:
    """The weight on log-drift for ``region``'s ``indicator`` (``n_obs`` observations),
    learned from the other regions in ``panel`` (see the module docstring); ``None`` when
    fewer than ``MIN_PEERS`` peers or ``MIN_FORECASTS`` forecasts can be scored.

    Examples
    --------
    Four peers compounding at 10-20 % a year with +-5 % noise: follow the trend.

    >>> rows = [(r, "x", 2010 + i, 100 * (1 + g) ** i * (1 + .05 * (-1) ** i))
    ...         for r, g in zip("abcd", (.1, .12, .15, .2)) for i in range(10)]
    >>> panel = pd.DataFrame(rows, columns=["region", "indicator", "year", "value"])
    >>> peer_trend_weight(panel, region="z", indicator="x", n_obs=6)
    TrendWeight(weight=0.75, n_forecasts=40, n_peers=4)
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
        per_region = {r: v for r, v in _CACHE[key].items() if r != region}
        if len(per_region) < MIN_PEERS:
            continue
        total = np.sum(list(per_region.values()), axis=0)
        if total[-1] < MIN_FORECASTS:
            continue
        best = int(np.argmin(total[:-1]))  # ties go to the smaller weight
        return TrendWeight(weight=float(WEIGHTS[best]), n_forecasts=int(total[-1]), n_peers=len(per_region))
    return None
