"""Borrowing strength from peers: volatility and growth of the same indicator elsewhere.

A plan indicator often has 3-8 published years, too few to estimate its own volatility.
Other regions publish the same indicator (the bundled provincial panel), and their
year-to-year changes say how much such a series typically moves. ``peer_prior`` summarises
them robustly (medians over peers) for the ``auto`` model to shrink toward.

Reference: Gelman et al., *Bayesian Data Analysis* (3rd ed.), ch. 5 (hierarchical models:
partial pooling of group-level scales toward the population).
"""
from __future__ import annotations

from dataclasses import dataclass, field

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


def peer_prior(panel, *, region: str, indicator: str, log: bool = True,
               min_peers: int = MIN_PEERS) -> PanelPrior | None:
    """Volatility/growth prior from other regions' series of ``indicator`` in ``panel`` (a
    DataFrame or a :class:`PeerPanel`).

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
    if not log:
        return None
    st = PeerPanel.of(panel).stats(indicator)
    if st is None:
        return None
    ok = st.prior_ok & (st.regions != region)
    if int(ok.sum()) < min_peers:
        return None
    return PanelPrior(scale=float(np.median(st.scale[ok])), growth=float(np.median(st.growth[ok])),
                      n_peers=int(ok.sum()), log=True)


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
#: national totals.) Used only when the panel's noise is unknown or rests on fewer than
#: MIN_NOISE_YEARS years; otherwise the weight is learned from the panel (``growth_weight``).
GROWTH_WEIGHT = 1.0
#: Recent pairs of years count more: growth of Chinese IP counts has fallen over time.
#: (half-lives 2 / 5 / 10 scored 1.78 / 1.77 / 1.80 at 1000 draws: not sensitive.)
GROWTH_HALF_LIFE = 5.0
#: 1.4826 * MAD is the standard deviation of a normal distribution (consistency constant).
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class GrowthPrior:
    """Peers' annual log growth of one indicator (or, with ``log`` False, their annual change
    in the indicator's own units: a share's points), summarised robustly.

    Attributes
    ----------
    growth : weighted median of the peers' annualised log growth over pairs of consecutive
        observed years (change per year when not ``log``; so are ``spread`` and ``noise``).
    spread : robust standard deviation between regions of each region's weighted average
        growth (1.4826 * MAD).
    noise : robust standard deviation of one year's log change around a peer's own trend
        (``nan`` when fewer than ``MIN_PEERS`` peers have 3+ observations).
    n_peers : peers (regions) that contributed at least one pair.
    n_pairs : pairs of years used.
    last_year : latest year in the pairs (no pair ends after the ``as_of`` given).
    weight : prior weight of ``growth`` in years of own history (see forecast.shortseries).
    log : the scale of the above.
    persistence : ``growth_persistence`` for the series' span, h = 1, 2, ... (empty when not
        asked for or not estimable).
    persistence_sd : ``persistence_spread`` for the same span and horizons (empty with it).
    """

    growth: float
    spread: float
    noise: float
    n_peers: int
    n_pairs: int
    last_year: int
    weight: float = GROWTH_WEIGHT
    log: bool = True
    persistence: tuple = ()
    persistence_sd: tuple = ()

    @property
    def source(self) -> str:
        return f"growth from {self.n_peers} peer series"


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w) - 0.5 * w
    return float(np.interp(q * w.sum(), cw, x))


def _between_region_sd(codes: np.ndarray, g: np.ndarray, w: np.ndarray) -> float:
    """Robust sd (1.4826 * MAD) across regions (``codes``, small ints) of each region's
    weighted mean pair growth (robust, so one wild peer does not set it)."""
    sw = np.bincount(codes, weights=w)
    has = sw > 0
    means = np.bincount(codes, weights=g * w)[has] / sw[has]
    return float(_MAD_TO_SD * np.median(np.abs(means - np.median(means))))


def growth_pairs(panel, *, indicator: str, exclude_region: str | None = None,
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
    st = PeerPanel.of(panel).stats(indicator)
    if st is None:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    pa = st.log_pairs
    keep = _peer_pairs(pa, exclude_region, as_of)
    return pa.frame[keep].reset_index(drop=True) if not keep.all() else pa.frame


def _peer_pairs(pa: "PairArrays", exclude_region, as_of) -> np.ndarray:
    """Mask of the pairs of every region but ``exclude_region`` ending by ``as_of`` (the pairs
    of the rows up to a year: each region's rows up to a year are a prefix of its sorted rows)."""
    keep = np.ones(len(pa.frame), dtype=bool) if exclude_region is None else pa.region != exclude_region
    if as_of is not None:
        keep &= pa.year_b <= int(as_of)
    return keep


def _region_pairs(region: str, z: np.ndarray, t: np.ndarray) -> list[tuple]:
    """growth_pairs' rows of one region: log values ``z`` in years ``t`` (sorted, positive)."""
    d = np.diff(t)
    gr = np.diff(z) / d
    # Noise from changes in growth between neighbouring pairs (second differences):
    # a slowly falling trend, normal for these counts, is not mistaken for noise.
    # For a random walk, var(g_i - g_{i-1}) = sigma^2 (1/d_{i-1} + 1/d_i).
    resid = np.full(d.size, np.nan)
    if d.size >= 2:
        resid[1:] = np.diff(gr) / np.sqrt(1 / d[:-1] + 1 / d[1:])
    return list(zip([region] * d.size, t[:-1], t[1:], d, gr, resid))


def peer_growth(panel, *, region: str, indicator: str, as_of: int | None = None,
                min_peers: int = MIN_PEERS, half_life: float = GROWTH_HALF_LIFE,
                weight: float | None = None, log: bool = True, span: int | None = None) -> GrowthPrior | None:
    """Growth prior for ``region``'s ``indicator`` from the other regions in ``panel``.

    Each pair of consecutive observations of a peer (``growth_pairs``) carries weight
    ``gap * 0.5 ** ((last_year - year_b) / half_life)``: a pair spanning more years says
    more about the trend, a recent pair more about the growth to come. The centre is the
    weighted median; the spread is 1.4826 times the median absolute deviation of the
    regions' weighted average growth (between regions, robust, so a few wild peers such as
    a new series jumping from 6 to 29 do not dominate).

    ``log`` False: the same in the indicator's own units (every value, a share's change in
    points a year), for series modelled in levels.

    ``span``: the years a short series spans; its ``growth_persistence`` is then included.

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
    st = PeerPanel.of(panel).stats(indicator)
    if st is None:
        return None
    # growth_pairs' rows as cached arrays (a DataFrame per call was half the cost of a
    # 1,000-series run)
    pa = st.log_pairs if log else st.level_pairs
    keep = _peer_pairs(pa, region, as_of)
    codes = pa.code[keep]
    n_peers = int(np.count_nonzero(np.bincount(codes))) if codes.size else 0
    if n_peers < min_peers:
        return None
    year_b, g, resid = pa.year_b[keep], pa.growth[keep], pa.resid[keep]
    last = int(year_b.max())
    w = pa.gap[keep] * 0.5 ** ((last - year_b) / half_life)
    centre = _weighted_quantile(g, w, 0.5)
    # How much a region's growth differs from its peers' is the spread BETWEEN regions (of
    # each region's weighted average growth), not between pairs of years: on a dense panel
    # most pairs span one year and their spread is mostly one year's noise, which the paths
    # add separately (``noise``), so the pair spread counted it twice and made 3-point fans
    # too wide (yearbook panel, benchmarks/attainment.py, 3-point cuts: Brier 0.1706 -> 0.1620,
    # P 0.25 came true 11 % of the time, now 17 %; panel_short interval score 2.09 -> 2.01).
    spread = _between_region_sd(codes, g, w)
    if not spread > 0:
        return None
    ok = np.isfinite(resid)
    noise = float("nan")
    if ok.any() and np.count_nonzero(np.bincount(codes[ok])) >= min_peers:
        rw = 0.5 ** ((last - year_b[ok]) / half_life)
        noise = _MAD_TO_SD * _weighted_quantile(np.abs(resid[ok]), rw, 0.5)
    noise_years = int(np.unique(year_b[ok]).size)
    w = growth_weight(noise, spread, noise_years) if weight is None else float(weight)
    fit = _persistence_fit(st, span, as_of, log) if span else _PersistenceFit((), ())
    return GrowthPrior(growth=centre, spread=spread, noise=noise, n_peers=n_peers,
                       n_pairs=int(codes.size), last_year=last, weight=w, log=bool(log), persistence=fit.kept,
                       persistence_sd=fit.sd)


#: Huber's threshold in standard deviations (95 % efficiency at the normal).
HUBER_K = 1.345
#: Horizons (years ahead) to which growth_persistence is measured; later years keep the last.
PERSISTENCE_HORIZON = 6
#: A horizon's persistence needs at least this many (region, year) departures (and departures
#: from MIN_NOISE_YEARS years); the horizons after the first that lacks them keep the last value.
MIN_PERSISTENCE_PAIRS = 20


def growth_persistence(panel, *, span: int, indicator: str | None = None, as_of: int | None = None,
                       log: bool = True, horizon: int = PERSISTENCE_HORIZON) -> tuple[float, ...]:
    """How much of a region's departure from its peers' growth over ``span`` years carries
    into its growth over the next ``h`` years, h = 1..``horizon``, learned from the panel.

    For every region and year ``t`` with values at ``t - span``, ``t`` and ``t + h`` (none after
    ``as_of``): ``x`` = its growth over the ``span`` years to ``t`` and ``y`` = its growth a year
    over the ``h`` years after, each minus that year's median over the regions. The kept share
    ``beta_h`` is the robust (Huber) slope of ``y`` on ``x`` through the origin, clipped to
    [0, 1]: 1 = the departure persists, 0 = the region grows like its peers from then on. Every
    region counts (its own past is known at ``as_of``; the slope describes the indicator, not
    the region). A horizon needs ``MIN_PERSISTENCE_PAIRS`` departures from at least
    ``MIN_NOISE_YEARS`` different years (one or two cross-sections are one or two draws of how
    regions' fortunes turned: on the yearbook's 2015 panel the slopes at h = 2-3 from two years
    cost the 3-point Brier 0.1458 -> 0.1535); later horizons keep the last estimated share,
    and the result is empty when h = 1 lacks them.

    ``panel``: a DataFrame, a :class:`PeerPanel` (with ``indicator``) or an
    :class:`IndicatorStats`. ``log`` False: changes in the indicator's own units.

    >>> years = np.arange(2010, 2020)
    >>> rates = np.linspace(0.02, 0.20, 25)  # every region keeps its own growth rate
    >>> panel = pd.DataFrame([{"region": f"r{i}", "indicator": "x", "year": t, "value": 100 * np.exp(g * (t - 2010))}
    ...                       for i, g in enumerate(rates) for t in years])
    >>> [round(b, 2) for b in growth_persistence(panel, indicator="x", span=2, horizon=3)]
    [1.0, 1.0, 1.0]
    """
    return _persistence_of(panel, indicator, span, as_of, log, horizon).kept


def persistence_spread(panel, *, span: int, indicator: str | None = None, as_of: int | None = None,
                       log: bool = True, horizon: int = PERSISTENCE_HORIZON) -> tuple[float, ...]:
    """How far the peers' growth over the next ``h`` years strayed from what
    ``growth_persistence`` predicts: the robust standard deviation (1.4826 * MAD) of the
    departures ``y - beta_h x`` of the same fit, in growth a year, h = 1, 2, ... (as many as
    ``growth_persistence`` gives). Each year's median is taken out, so a shock common to every
    region is not in it. ``forecast.shortseries`` sizes half of a short series' paths by it.

    >>> years = np.arange(2010, 2020)
    >>> rates = np.linspace(0.02, 0.20, 25)  # every region keeps its own growth rate exactly
    >>> panel = pd.DataFrame([{"region": f"r{i}", "indicator": "x", "year": t, "value": 100 * np.exp(g * (t - 2010))}
    ...                       for i, g in enumerate(rates) for t in years])
    >>> [round(s, 6) for s in persistence_spread(panel, indicator="x", span=2, horizon=2)]
    [0.0, 0.0]
    """
    return _persistence_of(panel, indicator, span, as_of, log, horizon).sd


@dataclass(frozen=True)
class _PersistenceFit:
    kept: tuple
    sd: tuple


def _persistence_of(panel, indicator, span, as_of, log: bool, horizon: int) -> _PersistenceFit:
    """``_persistence_fit`` of a DataFrame, PeerPanel or IndicatorStats (nothing without the indicator)."""
    st = panel if isinstance(panel, IndicatorStats) else PeerPanel.of(panel).stats(indicator)
    return _persistence_fit(st, span, as_of, log, horizon) if st is not None else _PersistenceFit((), ())


def _persistence_fit(st: "IndicatorStats", span, as_of, log: bool, horizon: int = PERSISTENCE_HORIZON) -> _PersistenceFit:
    """``_persistence`` once per indicator, span, as-of year, scale and horizon."""
    span = int(span)
    if span < 1:
        return _PersistenceFit((), ())
    key = (span, as_of, bool(log), int(horizon))
    if key not in st._persistence:
        st._persistence[key] = _persistence(st, span, as_of, bool(log), int(horizon))
    return st._persistence[key]


def _persistence(st: "IndicatorStats", span: int, as_of, log: bool, horizon: int) -> _PersistenceFit:
    from scipy.optimize import least_squares  # only short series need it (statsmodels' RLM: +0.9 s import)

    grid = st.grid[:, st.grid_years <= as_of] if as_of is not None else st.grid
    if log:
        with np.errstate(invalid="ignore", divide="ignore"):
            grid = np.where(grid > 0, np.log(np.where(grid > 0, grid, 1.0)), np.nan)
    n = grid.shape[1]
    kept: list[float] = []
    sds: list[float] = []
    for h in range(1, horizon + 1):
        if n - h - span < 1:
            break
        x = (grid[:, span:n - h] - grid[:, :n - h - span]) / span
        y = (grid[:, span + h:] - grid[:, span:n - h]) / h
        ok = np.isfinite(x) & np.isfinite(y)
        ok &= ok.sum(axis=0) >= MIN_PEERS  # a year's median needs peers
        if ok.sum() < MIN_PERSISTENCE_PAIRS or np.count_nonzero(ok.any(axis=0)) < MIN_NOISE_YEARS:
            break
        cols = ok.any(axis=0)  # years with departures (nanmedian warns on the others)
        x, y, ok = x[:, cols], y[:, cols], ok[:, cols]
        xd = (x - np.nanmedian(np.where(ok, x, np.nan), axis=0))[ok]
        yd = (y - np.nanmedian(np.where(ok, y, np.nan), axis=0))[ok]
        if not np.any(xd != 0):
            break
        slope = float(xd @ yd / (xd @ xd))  # least squares; exact when departures fit perfectly
        scale = _MAD_TO_SD * float(np.median(np.abs(yd - slope * xd)))
        if scale > 0:  # Huber's M-estimate (threshold 1.345 sd), so a few wild regions do not set it
            slope = float(least_squares(lambda b: yd - b[0] * xd, [slope], loss="huber",
                                        f_scale=HUBER_K * scale).x[0])
        kept.append(float(np.clip(slope, 0.0, 1.0)))
        sds.append(_MAD_TO_SD * float(np.median(np.abs(yd - kept[-1] * xd))))
    return _PersistenceFit(tuple(kept), tuple(sds))


#: The panel's noise must rest on changes in growth in at least this many different years before
#: it sets the prior weight (``growth_weight``): changes from one or two years are one or two
#: cross-sections, mostly a shock common to every region.
MIN_NOISE_YEARS = 3


def growth_weight(noise: float, spread: float, noise_years: int = MIN_NOISE_YEARS) -> float:
    """Prior weight of the peers' growth, in years of the series' own history: the panel's
    one-year noise variance over its between-region variance of growth, ``noise^2 / spread^2``.

    This is the normal-normal (empirical Bayes) weight: a series' own average growth over
    ``T`` years has sampling variance ``noise^2 / T`` around its true growth, true growth
    varies between regions with variance ``spread^2``, so the precision-weighted mix gives the
    peers the share ``noise^2 / (noise^2 + T spread^2) = w / (T + w)``. Where regions' growth
    differs little against the year-to-year noise (patent grants: w 6-27 on the yearbook
    panel) two or three own years say little and the peers' growth leads; where a series' own
    trend persists (patents in force: w 0.5-3) it leads. A fixed weight of 1 year, used before,
    let own growth over two years lead everywhere: the yearbook's 3-point forecasts were
    timid (P 0.25 came true 17 % of the time; benchmarks/attainment.py, benchmarks/README.md).
    ``GROWTH_WEIGHT`` when the noise is unknown or rests on changes in growth in fewer than
    ``MIN_NOISE_YEARS`` years (``noise_years``): a panel of 2010-2013 has changes in growth in
    2012 and 2013 only, both years of a slowdown shared by every province, and the weight it
    implied cost the yearbook's 2013 origin 0.007 in Brier.

    >>> growth_weight(0.12, 0.06), growth_weight(float("nan"), 0.06), growth_weight(0.12, 0.06, 2)
    (4.0, 1.0, 1.0)
    """
    if noise_years < MIN_NOISE_YEARS or not (np.isfinite(noise) and np.isfinite(spread) and spread > 0):
        return GROWTH_WEIGHT
    return float(noise**2 / spread**2)


# --- The panel prepared once per run ----------------------------------------------------
# Every series and every target asks the same questions of the panel, each leaving its own
# region out. Filtering the whole panel per question made a run's cost grow with the square
# of the number of series (issue 14: 100 regions x 10 indicators, 168 s). A PeerPanel
# cleans the panel once, summarises each indicator once per region (on first use), and
# answers each question by masking one region out of those summaries.

#: growth_pairs' columns
PAIR_COLUMNS = ["region", "year_a", "year_b", "gap", "growth", "resid_sd"]


def yearly_growth(years, values) -> np.ndarray:
    """Year-on-year growth between consecutive observations, annualised across gaps; pairs
    with a non-positive value are dropped (growth undefined).

    >>> yearly_growth([2019, 2020, 2022], [100.0, 110.0, 133.1]).round(3).tolist()
    [0.1, 0.1]
    """
    y = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    if y.size < 2:
        return np.empty(0)
    v0, v1, dy = v[:-1], v[1:], np.diff(y)
    ok = (v0 > 0) & (v1 > 0) & (dy > 0)
    return (v1[ok] / v0[ok]) ** (1.0 / dy[ok]) - 1.0


@dataclass(frozen=True, eq=False)
class PairArrays:
    """growth_pairs' rows (``frame``) and its columns as arrays: ``code`` is the pair's region as
    its index in the indicator's sorted ``regions``; ``growth`` per year (log or level),
    ``resid`` its change."""

    frame: pd.DataFrame
    region: np.ndarray
    code: np.ndarray
    year_b: np.ndarray
    gap: np.ndarray
    growth: np.ndarray
    resid: np.ndarray

    @classmethod
    def of(cls, rows: list[tuple], regions: np.ndarray) -> "PairArrays":
        df = pd.DataFrame(rows, columns=PAIR_COLUMNS)
        region = df["region"].to_numpy(object)
        return cls(frame=df, region=region, code=np.searchsorted(regions, region).astype(np.intp),
                   year_b=df["year_b"].to_numpy(float), gap=df["gap"].to_numpy(float),
                   growth=df["growth"].to_numpy(float), resid=df["resid_sd"].to_numpy(float))


@dataclass(frozen=True, eq=False)
class IndicatorStats:
    """One indicator's per-region summaries (arrays aligned with ``regions``, sorted).

    prior_ok, scale, growth : peer_prior's inputs (3+ positive observations: mean absolute
        one-year log change and average annual log growth).
    log_pairs, level_pairs : every region's pairs of consecutive years (growth_pairs, peer_growth),
        on the log scale (positive values) and in the indicator's own units (every value: a
        share's change in points).
    changes, rises, falls : year-on-year changes in all, up and down (monotone_direction's steps).
    fastest_up, fastest_down : the largest / smallest yearly growth (``yearly_growth``; nan
        when none).
    grid_years, grid : every value as a region x year matrix (nan where not published), for
        ``growth_persistence``.
    """

    regions: np.ndarray
    prior_ok: np.ndarray
    scale: np.ndarray
    growth: np.ndarray
    log_pairs: "PairArrays"
    level_pairs: "PairArrays"
    changes: np.ndarray
    rises: np.ndarray
    falls: np.ndarray
    fastest_up: np.ndarray
    fastest_down: np.ndarray
    grid_years: np.ndarray = None
    grid: np.ndarray = None
    _persistence: dict = field(default_factory=dict)

    def others(self, region) -> np.ndarray:
        """Mask of every region but ``region``."""
        return self.regions != region


def _indicator_stats(rows: pd.DataFrame) -> IndicatorStats:
    """Summaries of one indicator's cleaned rows (sorted by region and year, one per year)."""
    regions, scale, growth, ok, pairs, level_pairs = [], [], [], [], [], []
    changes, rises, falls, up, down = [], [], [], [], []
    names = rows["region"].astype(str).to_numpy()
    values_all, years_all = rows["value"].to_numpy(float), rows["year"].to_numpy(int)
    cut = np.flatnonzero(np.r_[True, names[1:] != names[:-1], True])  # rows come sorted by region
    for a, b in zip(cut[:-1], cut[1:]):  # slices, not a DataFrame per region (3,000 regions: 11.6 -> ~3 s)
        region = names[a]
        y, years = values_all[a:b], years_all[a:b]
        regions.append(region)
        d = np.diff(y)
        changes.append(int(d.size))
        rises.append(int(np.sum(d > 0)))
        falls.append(int(np.sum(d < 0)))
        fast = yearly_growth(years, y)
        up.append(float(fast.max()) if fast.size else np.nan)
        down.append(float(fast.min()) if fast.size else np.nan)
        pos = y > 0
        if y.size >= 3 and pos.all():
            ok.append(True)
            scale.append(raw_scale(y, years, log=True)[0])
            growth.append((np.log(y[-1]) - np.log(y[0])) / (years[-1] - years[0]))
        else:
            ok.append(False)
            scale.append(np.nan)
            growth.append(np.nan)
        if pos.sum() >= 2:
            pairs.extend(_region_pairs(region, np.log(y[pos]), years[pos]))
        if y.size >= 2:
            level_pairs.extend(_region_pairs(region, y, years))
    regions_arr = np.asarray(regions, dtype=object)
    grid_years = np.arange(years_all.min(), years_all.max() + 1) if years_all.size else np.empty(0, int)
    grid = np.full((regions_arr.size, grid_years.size), np.nan)
    if years_all.size:
        grid[np.repeat(np.arange(regions_arr.size), np.diff(cut)), years_all - grid_years[0]] = values_all
    return IndicatorStats(
        regions=regions_arr, prior_ok=np.asarray(ok, bool), scale=np.asarray(scale, float),
        growth=np.asarray(growth, float),
        log_pairs=PairArrays.of(pairs, regions_arr), level_pairs=PairArrays.of(level_pairs, regions_arr),
        changes=np.asarray(changes, int), rises=np.asarray(rises, int), falls=np.asarray(falls, int), fastest_up=np.asarray(up, float),
        fastest_down=np.asarray(down, float), grid_years=grid_years, grid=grid)


class PeerPanel:
    """A reference panel (region, indicator, year, value) cleaned once: missing values
    dropped, one value per region and year (the last given), each indicator summarised per
    region on first use (:class:`IndicatorStats`).

    Examples
    --------
    >>> panel = pd.DataFrame({"region": list("aabb"), "indicator": "x", "year": [1, 2, 1, 2],
    ...                       "value": [1.0, 2.0, 3.0, None]})
    >>> pp = PeerPanel(panel)
    >>> pp.stats("x").regions.tolist(), pp.stats("x").rises.tolist(), pp.stats("y") is None
    (['a', 'b'], [1, 0], True)
    """

    def __init__(self, frame: pd.DataFrame | None):
        cols = ["region", "indicator", "year", "value"]
        if frame is None or frame.empty:
            frame = pd.DataFrame(columns=cols)
        df = frame[cols].copy()
        df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
        df = df.dropna(subset=["value"])
        df["year"] = df["year"].astype(int)
        df = df.sort_values(["indicator", "region", "year"], kind="stable")
        df = df.drop_duplicates(["indicator", "region", "year"], keep="last")
        self._rows = {str(k): g for k, g in df.groupby("indicator", sort=False)}
        #: the latest year in the panel (None when empty)
        self.last_year = int(df["year"].max()) if len(df) else None
        self._stats: dict[str, IndicatorStats] = {}

    @classmethod
    def of(cls, panel) -> "PeerPanel":
        """``panel`` itself when it is a PeerPanel, else a new one from the frame (or None)."""
        return panel if isinstance(panel, PeerPanel) else cls(panel)

    @property
    def empty(self) -> bool:
        return not self._rows

    def stats(self, indicator: str) -> IndicatorStats | None:
        """The indicator's per-region summaries; None when no region publishes it."""
        indicator = str(indicator)
        if indicator not in self._rows:
            return None
        if indicator not in self._stats:
            self._stats[indicator] = _indicator_stats(self._rows[indicator])
        return self._stats[indicator]

    def prepare(self) -> "PeerPanel":
        """Summarise every indicator now (before handing the panel to worker processes)."""
        for indicator in self._rows:
            self.stats(indicator)
        return self
