"""Borrowing strength from peers: volatility and growth of the same indicator elsewhere.

A plan indicator often has 3-8 published years, too few to estimate its own volatility.
Other regions publish the same indicator (the bundled provincial panel), and their
year-to-year changes say how much such a series typically moves. ``peer_prior`` summarises
them robustly (medians over peers) for the ``auto`` model to shrink toward.

Reference: Gelman et al., *Bayesian Data Analysis* (3rd ed.), ch. 5 (hierarchical models:
partial pooling of group-level scales toward the population).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.calibration import raw_scale

MIN_PEERS = 3


@dataclass(frozen=True)
class PanelPrior:
    """Peer summary for one (region, indicator).

    Attributes
    ----------
    scale : median over peers of the mean absolute one-year change (in logs when ``log``).
    growth : median over peers of the average annual log growth (``nan`` when not ``log``).
    n_peers : peers that contributed.
    log : whether scale and growth are on the log scale.
    """

    scale: float
    growth: float
    n_peers: int
    log: bool

    @property
    def source(self) -> str:
        return f"{self.n_peers} peer series of the same indicator"


def peer_prior(panel: pd.DataFrame | None, *, region: str, indicator: str, log: bool = True,
               min_peers: int = MIN_PEERS) -> PanelPrior | None:
    """Volatility/growth prior from other regions' series of ``indicator`` in ``panel``.

    Peers need at least 3 observations (2 changes) and, when ``log``, positive values.
    Returns ``None`` when fewer than ``min_peers`` peers qualify, or when ``log`` is False
    (level scales of different regions are not comparable).

    Examples
    --------
    >>> panel = pd.DataFrame({"region": list("aaabbbccc"), "indicator": ["x"] * 9,
    ...                       "year": [1, 2, 3] * 3, "value": [1, 2, 4, 1, 1.5, 2.25, 10, 11, 12.1]})
    >>> p = peer_prior(panel, region="z", indicator="x")
    >>> p.n_peers, round(p.scale, 4)
    (3, 0.4055)
    """
    if panel is None or not log or panel.empty:
        return None
    rows = panel[(panel["indicator"] == indicator) & (panel["region"] != region)]
    scales, growths = [], []
    for _, g in rows.groupby("region", sort=True):
        g = g.dropna(subset=["value"]).sort_values("year").drop_duplicates("year", keep="last")
        y, years = g["value"].to_numpy(float), g["year"].to_numpy(int)
        if y.size < 3 or np.any(y <= 0):
            continue
        s, _ = raw_scale(y, years, log=True)
        scales.append(s)
        growths.append((np.log(y[-1]) - np.log(y[0])) / (years[-1] - years[0]))
    if len(scales) < min_peers:
        return None
    return PanelPrior(scale=float(np.median(scales)), growth=float(np.median(growths)), n_peers=len(scales), log=True)


# --- Growth prior for very short series -------------------------------------------------
# A 2-4 point series says little about its own growth: two points spanning two years give
# one growth rate with the whole year-to-year noise in it. Peers publishing the same
# indicator say what growth such a series usually has, and how much that varies between
# regions. The numbers below were chosen with benchmarks/panel_short.py (leave one region
# out on the bundled panel, origins with 2-4 observations, no look-ahead).

#: Prior weight of the panel growth, in years of the series' own history (see shortseries).
#: benchmarks/panel_short.py (draws 2000, seed 0; 180 forecasts from 118 origins, national
#: totals not used as peers): the interval score moves little for weights 0.5-4 (1.92, 1.90,
#: 1.86, 1.86) while the point gets worse as the weight grows (median |log error| .149,
#: .147, .159, .181; the peers' past growth overstates the growth to come). 1 year keeps the
#: best point, with coverage 78 % / 92 %. (First chosen on 242 forecasts that still held the
#: national totals.)
GROWTH_WEIGHT = 1.0
#: Recent pairs of years count more: growth of Chinese IP counts has fallen over time.
#: (half-lives 2 / 5 / 10 scored 1.78 / 1.77 / 1.80 at 1000 draws: not sensitive.)
GROWTH_HALF_LIFE = 5.0
#: 1.4826 * MAD is the standard deviation of a normal distribution (consistency constant).
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class GrowthPrior:
    """Peers' annual log growth of one indicator, summarised robustly.

    Attributes
    ----------
    growth : weighted median of the peers' annualised log growth over pairs of consecutive
        observed years.
    spread : robust standard deviation between regions of each region's weighted average
        growth (1.4826 * MAD).
    noise : robust standard deviation of one year's log change around a peer's own trend
        (``nan`` when fewer than ``MIN_PEERS`` peers have 3+ observations).
    n_peers : peers (regions) that contributed at least one pair.
    n_pairs : pairs of years used.
    last_year : latest year in the pairs (no pair ends after the ``as_of`` given).
    weight : prior weight of ``growth`` in years of own history (see forecast.shortseries).
    """

    growth: float
    spread: float
    noise: float
    n_peers: int
    n_pairs: int
    last_year: int
    weight: float = GROWTH_WEIGHT

    @property
    def source(self) -> str:
        return f"growth from {self.n_peers} peer series"


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w) - 0.5 * w
    return float(np.interp(q * w.sum(), cw, x))


def _between_region_sd(pairs: pd.DataFrame, w: np.ndarray) -> float:
    """Robust sd (1.4826 * MAD) across regions of each region's weighted mean pair growth
    (robust, so one wild peer does not set it)."""
    by = pd.DataFrame({"region": pairs["region"].to_numpy(), "gw": pairs["growth"].to_numpy(float) * w, "w": w})
    sums = by.groupby("region", sort=True)[["gw", "w"]].sum()
    means = (sums["gw"] / sums["w"]).to_numpy(float)
    return float(_MAD_TO_SD * np.median(np.abs(means - np.median(means))))


def growth_pairs(panel: pd.DataFrame | None, *, indicator: str, exclude_region: str | None = None,
                 as_of: int | None = None) -> pd.DataFrame:
    """Annualised log growth over consecutive observed years of every peer series.

    For a peer observed in years ``a < b`` with nothing published in between,
    ``g = log(y_b / y_a) / (b - a)``. Gaps are spanned, never filled; non-positive values
    and duplicate years are dropped. Only years ``<= as_of`` are used.

    Returns
    -------
    DataFrame with columns region, year_a, year_b, gap, growth, resid_sd: ``resid_sd`` is
    the change in growth from the peer's previous pair, ``(g_i - g_{i-1}) /
    sqrt(1/gap_{i-1} + 1/gap_i)``: one year's noise around the peer's own trend
    (``nan`` for a peer's first pair).

    Examples
    --------
    >>> panel = pd.DataFrame({"region": ["a", "a", "a", "b", "b"], "indicator": "x",
    ...                       "year": [2018, 2019, 2022, 2020, 2022], "value": [1, 2, 4, 5, 5]})
    >>> growth_pairs(panel, indicator="x")[["region", "gap"]].values.tolist()
    [['a', 1], ['a', 3], ['b', 2]]
    """
    cols = ["region", "year_a", "year_b", "gap", "growth", "resid_sd"]
    if panel is None or panel.empty:
        return pd.DataFrame(columns=cols)
    rows = panel[panel["indicator"] == indicator]
    if exclude_region is not None:
        rows = rows[rows["region"] != exclude_region]
    if as_of is not None:
        rows = rows[rows["year"].astype(int) <= int(as_of)]
    out = []
    for region, g in rows.groupby("region", sort=True):
        g = g.dropna(subset=["value"]).sort_values("year").drop_duplicates("year", keep="last")
        g = g[g["value"].astype(float) > 0]
        if len(g) < 2:
            continue
        z, t = np.log(g["value"].to_numpy(float)), g["year"].to_numpy(int)
        d = np.diff(t)
        gr = np.diff(z) / d
        # Noise from changes in growth between neighbouring pairs (second differences):
        # a slowly falling trend, normal for these counts, is not mistaken for noise.
        # For a random walk, var(g_i - g_{i-1}) = sigma^2 (1/d_{i-1} + 1/d_i).
        resid = np.full(d.size, np.nan)
        if d.size >= 2:
            resid[1:] = np.diff(gr) / np.sqrt(1 / d[:-1] + 1 / d[1:])
        out.extend(zip([str(region)] * d.size, t[:-1], t[1:], d, gr, resid))
    return pd.DataFrame(out, columns=cols)


def peer_growth(panel: pd.DataFrame | None, *, region: str, indicator: str, as_of: int | None = None,
                min_peers: int = MIN_PEERS, half_life: float = GROWTH_HALF_LIFE,
                weight: float = GROWTH_WEIGHT) -> GrowthPrior | None:
    """Growth prior for ``region``'s ``indicator`` from the other regions in ``panel``.

    Each pair of consecutive observations of a peer (``growth_pairs``) carries weight
    ``gap * 0.5 ** ((last_year - year_b) / half_life)``: a pair spanning more years says
    more about the trend, a recent pair more about the growth to come. The centre is the
    weighted median; the spread is 1.4826 times the median absolute deviation of the
    regions' weighted average growth (between regions, robust, so a few wild peers such as
    a new series jumping from 6 to 29 do not dominate).

    Returns ``None`` when fewer than ``min_peers`` regions contribute a pair, or when their
    growth rates do not vary (no spread: the panel cannot say how uncertain growth is, and
    a zero-width fan would be false precision; the caller then uses the generic prior).

    References
    ----------
    Gelman et al., *Bayesian Data Analysis* (3rd ed.), ch. 5 (partial pooling); Huber &
    Ronchetti, *Robust Statistics* (2nd ed.), ch. 5 (MAD as a scale estimate).

    Examples
    --------
    >>> panel = pd.DataFrame({"region": list("aabbcc"), "indicator": "x",
    ...                       "year": [2020, 2022] * 3, "value": [100, 121, 10, 12.5, 50, 59]})
    >>> p = peer_growth(panel, region="z", indicator="x")
    >>> p.n_peers, round(p.growth, 4), round(p.spread, 4)
    (3, 0.0953, 0.0186)
    >>> peer_growth(panel.assign(value=[100, 121, 10, 12.1, 50, 60.5]), region="z", indicator="x") is None
    True
    """
    pairs = growth_pairs(panel, indicator=indicator, exclude_region=region, as_of=as_of)
    if pairs.empty or pairs["region"].nunique() < min_peers:
        return None
    last = int(pairs["year_b"].max())
    g = pairs["growth"].to_numpy(float)
    w = pairs["gap"].to_numpy(float) * 0.5 ** ((last - pairs["year_b"].to_numpy(float)) / half_life)
    centre = _weighted_quantile(g, w, 0.5)
    # How much a region's growth differs from its peers' is the spread BETWEEN regions (of
    # each region's weighted average growth), not between pairs of years: on a dense panel
    # most pairs span one year and their spread is mostly one year's noise, which the paths
    # add separately (``noise``), so the pair spread counted it twice and made 3-point fans
    # too wide (yearbook panel, benchmarks/attainment.py, 3-point cuts: Brier 0.1706 -> 0.1620,
    # P 0.25 came true 11 % of the time, now 17 %; panel_short interval score 2.09 -> 2.01).
    spread = _between_region_sd(pairs, w)
    if not spread > 0:
        return None
    ok = pairs["resid_sd"].notna().to_numpy()
    noise = float("nan")
    if pairs.loc[ok, "region"].nunique() >= min_peers:
        rw = 0.5 ** ((last - pairs.loc[ok, "year_b"].to_numpy(float)) / half_life)
        noise = _MAD_TO_SD * _weighted_quantile(np.abs(pairs.loc[ok, "resid_sd"].to_numpy(float)), rw, 0.5)
    return GrowthPrior(growth=centre, spread=spread, noise=noise, n_peers=int(pairs["region"].nunique()),
                       n_pairs=len(pairs), last_year=last, weight=float(weight))
