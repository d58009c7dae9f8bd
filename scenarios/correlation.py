"""A common factor between series: honest joint results without changing any marginal.

Each series is forecast on its own, so its paths are independent of every other
series' paths and joint statements ("all binding targets met") are too optimistic when
indicators really move together. :func:`couple` reorders each series' whole paths so
that they share one latent factor — the marginal distribution of every series in every
year is unchanged exactly (the paths are only permuted), only the pairing across series
changes. This is the rank-reordering idea of Iman & Conover (1982), "A distribution-free
approach to inducing rank correlation among input variables", Comm. Stat. B 11(3).

Recommended order: ``couple`` first, then ``Scenario.apply`` — a common shock then hits
the same (already coupled) paths in every series.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from forecast.paths import Forecast
from forecast.rng import series_rng
from scenarios.errors import ScenarioError

#: largest common-factor correlation :func:`estimate_correlation` returns
MAX_RHO = 0.9
#: fewest common year-on-year growth observations for a pair to count
MIN_COMMON = 4


def couple(forecast: Forecast, rho: float, *, seed: int) -> Forecast:
    """Induce a common-factor rank correlation ``rho`` across series by permuting paths.

    For each series ``s`` draw the latent ``u_s = sqrt(r) z + sqrt(1 - r) e_s`` with one
    common ``z`` and an own ``e_s`` (standard normal, one value per path), and reorder the
    paths of ``s`` so that the ranks of their scores (the value in the last simulated
    year) follow the ranks of ``u_s``. ``r = 2 sin(pi rho / 6)`` is the normal correlation
    whose Spearman rank correlation is ``rho`` (Kendall & Gibbons), so the rank
    correlation of any two series' last-year values is ``rho`` in expectation.

    Parameters
    ----------
    forecast : Forecast
        Not modified. Every series with simulated years must have the same number of paths.
    rho : float in [0, 1)
        Target rank correlation. ``0`` returns the input unchanged.
    seed : int
        ``z`` comes from ``series_rng(seed, "couple")`` and ``e_s`` from
        ``series_rng(seed, "couple", region, indicator)``, so the same seed gives the same
        pairing in every run and for every scenario (common random numbers).

    Returns
    -------
    Forecast
        ``meta["correlation"] = rho``.

    Examples
    --------
    >>> import numpy as np
    >>> from forecast.paths import Forecast, SeriesForecast
    >>> mk = lambda ind: SeriesForecast("r", ind, np.array([2024]), np.arange(100.0).reshape(100, 1),
    ...                                 np.array([50.0]), "m", np.array([2023]), np.array([1.0]))
    >>> fc = couple(Forecast((mk("a"), mk("b")), 0, 100, "m"), 0.5, seed=1)
    >>> sorted(fc.series[0].paths[:, 0]) == list(np.arange(100.0))
    True
    """
    rho = float(rho)
    if not 0.0 <= rho < 1.0:
        raise ScenarioError(
            f"The correlation must be in [0, 1). Got {rho!r} instead. Use 0 for independent series, "
            "or 'auto' to estimate it from the history.",
            reason="bad_correlation",
        )
    if rho == 0.0:
        return forecast
    active = [s for s in forecast.series if s.years.size]
    if not active:  # (one series alone is reordered too: a part of a run holding one gets what the whole run gives)
        return forecast
    sizes = {s.n_paths for s in active}
    if len(sizes) > 1:
        raise ScenarioError(
            f"Coupling needs the same number of paths in every series; got {sorted(sizes)}. "
            "Forecast all series with one 'draws'.",
            reason="unequal_paths",
        )
    (n,) = sizes
    r = 2.0 * np.sin(np.pi * rho / 6.0)
    z = series_rng(seed, "couple").standard_normal(n)
    out = []
    for s in forecast.series:
        if not s.years.size:
            out.append(s)
            continue
        e = series_rng(seed, "couple", s.region, s.indicator).standard_normal(n)
        u = np.sqrt(r) * z + np.sqrt(1.0 - r) * e
        order_paths = np.argsort(s.paths[:, -1], kind="stable")
        new = np.empty_like(s.paths)
        # the path with the k-th smallest score goes where u has its k-th smallest value
        new[np.argsort(u, kind="stable")] = s.paths[order_paths]
        out.append(s.with_paths(new))
    meta = dict(forecast.meta)
    meta["correlation"] = rho
    return Forecast(tuple(out), seed=forecast.seed, draws=forecast.draws, model=forecast.model, meta=meta)


def _log_growth(series: pd.DataFrame, key) -> pd.Series:
    region, indicator = key
    d = series[(series["region"] == region) & (series["indicator"] == indicator)]
    v = d.groupby(d["year"].astype(int))["value"].last().astype(float).sort_index()
    v = v[v > 0]
    years = v.index.to_numpy()
    g = np.log(v.to_numpy())
    consecutive = np.diff(years) == 1  # a gap year would mix two years of growth into one
    return pd.Series(np.diff(g)[consecutive], index=years[1:][consecutive])


def estimate_correlation(series: pd.DataFrame, keys: Iterable) -> float:
    """Common-factor correlation of the given series, from their history.

    Method: for every pair of series with at least 4 common years of year-on-year log
    growth (consecutive, positive values), the Pearson correlation ``r_ij`` over those
    years. The pairs are pooled on Fisher's z scale, weighted by ``n_ij - 3`` (the inverse
    sampling variance of ``atanh r``): ``zbar = sum (n-3) atanh(r) / sum (n-3)``. Few and
    short pairs say little, so ``zbar`` is shrunk toward 0 with the positive-part
    James–Stein factor ``w = max(0, 1 - v / zbar^2)`` where ``v = 1 / sum (n_ij - 3)`` is
    the sampling variance of ``zbar`` — more pairs, and longer overlaps, shrink less.
    (``v`` treats the pairs as independent, which they are not when they share a series,
    so the estimate errs towards too little shrinkage; the clip below limits the damage.)
    Result: ``tanh(w zbar)`` clipped to [0, 0.9] — negative common factors are not
    modelled. 0.0 when no pair qualifies.

    Parameters
    ----------
    series : DataFrame
        Long frame with columns region, indicator, year, value.
    keys : iterable of (region, indicator)

    Returns
    -------
    float in [0, 0.9]

    Examples
    --------
    >>> import pandas as pd
    >>> years = list(range(2010, 2020))
    >>> g = [0.1, -0.05, 0.2, 0.0, 0.15, -0.1, 0.05, 0.1, -0.02]
    >>> rows = []
    >>> for ind, scale in [("a", 1.0), ("b", 2.0), ("c", 1.5)]:
    ...     v = 100.0
    ...     for y, gy in zip(years, [0.0] + g):
    ...         v *= np.exp(scale * gy); rows.append(("r", ind, y, v))
    >>> df = pd.DataFrame(rows, columns=["region", "indicator", "year", "value"])
    >>> round(estimate_correlation(df, [("r", "a"), ("r", "b"), ("r", "c")]), 2)
    0.9
    """
    keys = list(dict.fromkeys(tuple(k) for k in keys))
    growth = [_log_growth(series, k) for k in keys]
    zs, ws = [], []
    for i in range(len(growth)):
        for j in range(i + 1, len(growth)):
            common = growth[i].index.intersection(growth[j].index)
            n = common.size
            if n < MIN_COMMON:
                continue
            a, b = growth[i].loc[common].to_numpy(), growth[j].loc[common].to_numpy()
            if a.std() == 0 or b.std() == 0:
                continue
            r = float(np.corrcoef(a, b)[0, 1])
            r = float(np.clip(r, -0.999999, 0.999999))
            zs.append(np.arctanh(r))
            ws.append(n - 3.0)
    if not zs:
        return 0.0
    zs, ws = np.asarray(zs), np.asarray(ws)
    zbar = float(np.sum(ws * zs) / ws.sum())
    if zbar <= 0:
        return 0.0
    v = 1.0 / ws.sum()
    shrink = max(0.0, 1.0 - v / zbar**2)
    return float(np.clip(np.tanh(shrink * zbar), 0.0, MAX_RHO))


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two path vectors (for checks and reports)."""
    ra = np.argsort(np.argsort(a, kind="stable"), kind="stable").astype(float)
    rb = np.argsort(np.argsort(b, kind="stable"), kind="stable").astype(float)
    return float(np.corrcoef(ra, rb)[0, 1])
