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
