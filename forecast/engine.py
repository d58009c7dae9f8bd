"""Forecast many series at once: one model per series, one Generator per series.

``forecast_series`` is what the CLI and the scenarios layer call. It splits a long frame
into series, drops observations after ``as_of``, fits the chosen model on the observed
years (gaps kept, never filled), simulates ``draws`` sample paths up to ``to_year`` and
records, per series, the flags a planner must see: weak evidence, panel prior, gaps,
bounds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.auto import AutoModel
from forecast.base import Model
from forecast.errors import ForecastError
from forecast.models import get_model
from forecast.panel import MIN_PEERS, PeerPanel, peer_growth, peer_prior
from forecast.paths import Forecast, SeriesForecast
from forecast.rng import series_rng
from forecast.shortseries import MAX_SHORT_OBS, PEER_TREND_SHARE
from history.bundled import without_national_totals

WEAK_EVIDENCE_MAX_OBS = 4
# The prior is worth k0 one-year changes (6 in the shipped prior); we say a forecast
# "leans on" it when the prior carries at least a third of the weight of the (log) scale.
PANEL_NOTE_MIN_WEIGHT = 1 / 3
# Bounded series are modelled on the logit of their position in [lo, hi]; values on the
# bounds are pulled inside by this share of the range so the logit stays finite, or by half
# the series' own nearest distance to a bound when that is smaller: a share that is itself
# below 0.5 % (Tibet's R&D intensity, 0.19-0.33 % of GDP) must not be flattened onto 0.5 %,
# which made its fan a single line.
BOUND_CLIP = 0.005
#: A bounded series stays in its own units (percentage points) when the central 95 % of its
#: paths there stays inside the bounds (``_Bounded``); the logit is for series within reach of a bound.
BOUND_BAND = 0.025

REQUIRED = ("region", "indicator", "year", "value")
#: A series must have moved the same way this many times in a row before its paths are kept
#: monotone (forecast.engine.monotone_direction): 4 changes is the 5 observations that the
#: full ensemble needs (forecast.auto.MIN_SMOOTHING_OBS).
MONOTONE_MIN_CHANGES = 4
#: A series its targets call a stock (a count in force) needs only this many, all rises: on the
#: yearbook panel provincial invention patents in force fell after 1, 2, 3 and 4 rises in a row in
#: 0.3 / 0.3 / 0.3 / 0.4 % of cases, all patents in force 0.3 / 0.3 / 0.3 / 0.0 %, utility models
#: never; the length of the run says nothing more (design patents in force, which fell in 3-6 %,
#: are kept out by their peers' falls below). Wuhan's high-value invention patents per 10,000
#: people rose in each of its 3 changes to 40.57; with 4 required, P(> 40 next year) was 0.92.
MONOTONE_MIN_STOCK_CHANGES = 1
#: ... and its peers may have moved the other way in at most 1 in 50 of their changes.
MONOTONE_MAX_PEER_SHARE = 0.02


class _Bounded(Model):
    """Any model run on ``logit((y - lo) / (hi - lo))``; paths mapped back lie inside [lo, hi].

    Under ``auto`` the series is first fitted in its own units: when the central 95 % of those
    paths (``BOUND_BAND``, from the pooled errors' quantiles, up to the calibrated horizon)
    stays inside the bounds, the bounds are out of reach and the series stays in levels, paths
    clipped to the bounds (``levels_``). The logit turns a share's moves into multiples of its
    distance to a bound: a share of 2 % that moves 0.1 pp a year got a fan skewed upward as for
    growth rates, and on the yearbook's R&D intensities (benchmarks/attainment.py) P 0.10-0.17
    for upward targets that came true 9-11 % of the time; in percentage points the ratio Brier
    fell 0.1123 -> 0.1062 (3-point cuts 0.1257 -> 0.1141). Near a bound the logit keeps the fan
    inside without piling paths on it.
    """

    name = "bounded"
    min_obs = 2

    def __init__(self, *, inner: Model, lo: float, hi: float):
        self.inner, self.lo, self.hi = inner, float(lo), float(hi)
        self.min_obs = inner.min_obs
        self._prior_growth = getattr(inner, "prior_growth", None)

    def _share(self, y):
        return (np.asarray(y, float) - self.lo) / (self.hi - self.lo)

    def _to(self, y):
        if self.levels_:
            return np.asarray(y, float)
        p = np.clip(self._share(y), self.clip_, 1 - self.clip_)
        return np.log(p / (1 - p))

    def _back(self, z):
        if self.levels_:
            return np.clip(np.asarray(z, float), self.lo, self.hi)
        # exp overflow saturates at the bounds; clip so rounding never steps outside them
        return np.clip(self.lo + (self.hi - self.lo) / (1 + np.exp(-z)), self.lo, self.hi)

    def fit(self, y, years=None):
        self.levels_ = False
        if isinstance(self.inner, AutoModel) and self.inner.levels:
            self.inner.prior_growth = self._prior_growth
            self.inner.fit(np.asarray(y, float), years)
            lo, hi = self.inner.band(BOUND_BAND)
            if np.all(lo > self.lo) and np.all(hi < self.hi):
                self.levels_ = True
                return self
        # The clip is decided by the data being fitted (a refit on other data decides anew).
        inside = np.minimum(self._share(y), 1 - self._share(y))
        inside = inside[inside > 0]
        self.clip_ = min(BOUND_CLIP, 0.5 * float(inside.min())) if inside.size else BOUND_CLIP
        if isinstance(self.inner, AutoModel):
            self.inner.prior_growth = None  # the peers' growth of the share means nothing on its logit
        self.inner.fit(self._to(y), years)
        return self

    def predict(self, horizon):
        return self._back(self.inner.predict(horizon))

    def simulate(self, horizon, n_paths, rng):
        return self._back(self.inner.simulate(horizon, n_paths, rng))


def monotone_direction(y: np.ndarray, years: np.ndarray, panel, *, region: str,
                       indicator: str, stock: bool = False) -> int:
    """+1 when the series rose in every one of its changes (at least ``MONOTONE_MIN_CHANGES``,
    or ``MONOTONE_MIN_STOCK_CHANGES`` for a ``stock``) and its peers in ``panel`` (at least
    ``MIN_PEERS`` regions, same indicator) fell in at most ``MONOTONE_MAX_PEER_SHARE`` of their
    year-on-year changes; -1 for the mirror case; else 0.

    A stock that has risen every year (patents in force) does not fall next year, but the
    pooled M3 errors let 5-10 % of its paths fall. The series' own run is not evidence
    enough: M3 series that rose 9 years in a row fell the next year 9 % of the time, and
    keeping their paths monotone lowered M3 95 % coverage of such series from 95 to 90 %
    (origins 0, -3, -6, -9). The peers are: the yearbook's provincial invention patents in
    force fell in 0.7 % of 1,007 province-years after 4 rises, applications and grants in
    15 %. So only a panel that (almost) never moves the other way makes the paths monotone, or the
    targets' word that the series is a stock (``stock``: every target on it is of kind
    ``stock``, a year-end count in force), which then needs no panel but still yields to
    peers that fell.
    """
    d = np.diff(np.asarray(y, float))
    sign = 1 if d.size and np.all(d > 0) else -1 if d.size and np.all(d < 0) else 0
    if not sign or d.size < (MONOTONE_MIN_STOCK_CHANGES if stock and sign > 0 else MONOTONE_MIN_CHANGES):
        return 0
    st = PeerPanel.of(panel).stats(indicator)
    if st is None:
        return sign if stock and sign > 0 else 0
    others = st.others(region)
    steps = int(st.changes[others].sum())
    against = int((st.falls if sign > 0 else st.rises)[others].sum())
    if steps and against / steps > MONOTONE_MAX_PEER_SHARE:
        return 0
    peers = int(np.sum(st.changes[others] > 0))
    if peers < MIN_PEERS and not (stock and sign > 0):
        return 0
    return sign


def keep_direction(paths: np.ndarray, last: float, direction: int) -> np.ndarray:
    """Paths made monotone from the last observation: a step against ``direction`` becomes a
    flat year (the running maximum, or minimum for -1), never a reordering of paths."""
    full = np.hstack([np.full((paths.shape[0], 1), last), paths])
    acc = np.maximum.accumulate(full, axis=1) if direction > 0 else np.minimum.accumulate(full, axis=1)
    return acc[:, 1:]


def _check_frame(series: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in series.columns]
    if missing:
        raise ForecastError(
            f"The series frame lacks column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"Got columns {list(series.columns)}; it needs {', '.join(REQUIRED)} (unit optional)."
        )
    df = series.copy()
    df["year"] = pd.to_numeric(df["year"], errors="raise").astype(int)
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
    return df


def _per_year(g: float, unit: str, log: bool = False, sign: str = "+") -> str:
    """A peer growth for notes: log growth as a percentage, a change in units (a share's
    points as pp) per year."""
    if log:
        return f"{np.expm1(g):{sign}.1%}/yr"
    unit = "pp" if unit.strip() == "%" else unit.strip()
    return f"{g:{sign}.3g} {unit}/yr".replace(" /yr", "/yr")


def _label(model: Model, name: str) -> str:
    inner = model.inner if isinstance(model, _Bounded) else model
    if isinstance(inner, AutoModel):
        # An anchored short series mixes the members with the peers' growth: the label says so.
        extra = ("+peer growth" if getattr(inner, "growth_anchored_", False)
                 else "+peer trend" if getattr(inner, "panel_centred_", False) else "")
        return f"auto[{'+'.join(inner.members_)}{extra}]"
    return name


def _one_series(region, indicator, years: np.ndarray, y: np.ndarray, units, *, to_year, model_name, draws, seed,
                panel, bounds, stock=False) -> SeriesForecast:
    """One series' forecast from its observed ``years`` (sorted) and values ``y`` (no missing)."""
    dup = np.unique(years[1:][np.diff(years) == 0])
    if dup.size:
        raise ForecastError(
            f"Series {region}/{indicator} has more than one value for year(s) {', '.join(map(str, dup))}. "
            "Keep one value per year (check the source or the unit)."
        )
    n = y.size
    if n < 2:
        raise ForecastError(
            f"Series {region}/{indicator} has {n} observation{'s' if n != 1 else ''}; a trend cannot be "
            "projected from a single point. Add at least one more year of history."
        )
    spanned = int(years[-1] - years[0])  # years the series spans
    units = [str(u) for u in pd.unique(pd.Series(units, dtype=object).dropna()) if str(u).strip()]
    unit = units[0] if units else ""
    flags, notes = [], []
    lohi = (bounds or {}).get((region, indicator))
    if lohi is None and unit.strip() == "%":
        lohi = (0.0, 100.0)

    params = {}
    if model_name == "auto":
        prior = peer_prior(panel, region=region, indicator=indicator, log=bool(np.all(y > 0)) and lohi is None)
        if prior is not None:
            params = {"prior_scale": prior.scale, "prior_source": prior.source}
        if lohi is not None:
            params["levels"] = True  # the logit of a share is a level, whatever its sign
        elif stock:
            params["stock"] = True  # a count in force follows its trend (forecast.auto.STOCK_MEMBERS)
        if lohi is not None or np.all(y > 0):
            # a share's change in points (its model runs in levels), else log growth
            # a short series' centre keeps as much of its own departure from the peers as the
            # panel's departures over the same span kept (growth_persistence)
            growth = peer_growth(panel, region=region, indicator=indicator, log=lohi is None,
                                 span=spanned if n <= MAX_SHORT_OBS else None)
            if growth is not None:
                params["prior_growth"] = growth
    inner = get_model(model_name, **params)
    if n < inner.min_obs:
        raise ForecastError(
            f"Series {region}/{indicator} has {n} observations; model '{model_name}' needs at least "
            f"{inner.min_obs}. Use --model drift or add history."
        )
    model = _Bounded(inner=inner, lo=lohi[0], hi=lohi[1]) if lohi is not None else inner
    try:
        model.fit(y, years)
    except ForecastError as exc:
        raise ForecastError(f"Series {region}/{indicator}: {exc}") from exc

    if n <= WEAK_EVIDENCE_MAX_OBS:
        flags.append("weak_evidence")
        notes.append(f"only {n} observations: simple trend models, uncertainty mostly from the prior")
    span = np.arange(years[0], years[-1] + 1)
    missing = np.setdiff1d(span, years)
    if missing.size:
        flags.append("gaps")
        notes.append(f"missing years {', '.join(map(str, missing))} (not filled)")
    if lohi is not None:
        flags.append("bounded")
        notes.append(f"kept inside [{lohi[0]:g}, {lohi[1]:g}] "
                     + ("(its 95 % fan in its own units is inside them)" if model.levels_ else "by a logit transform"))
    # (else the growth note below says it all; a prior scale of 0 is ignored by the shrinkage)
    if isinstance(inner, AutoModel) and not inner.growth_anchored_ and inner.prior_scale_ > 0:
        weight = inner.pool_.k0 / (inner.pool_.k0 + inner.n_changes_)
        if weight >= PANEL_NOTE_MIN_WEIGHT:
            # "borrowed from peers" only when peers set the prior; else say the generic prior did.
            flags.append("panel_prior" if "prior_scale" in params else "generic_prior")
            notes.append(f"volatility {weight:.0%} from {inner.scale_source_}")
    if isinstance(inner, AutoModel) and inner.growth_anchored_:
        gp = inner.prior_growth
        flags.append("panel_prior")
        spread = f"{gp.spread:.2f} in logs" if gp.log else _per_year(gp.spread, unit, sign="")
        if gp.persistence:
            kept = gp.persistence
            how = (f"{kept[0]:.0%} a year ahead, {kept[-1]:.0%} {len(kept)}+ years ahead" if len(kept) > 1
                   else f"{kept[0]:.0%} every year ahead")
            weighing = (f"its own departure from them kept {how}, as the peers' "
                        f"departures over {spanned} year{'s' if spanned != 1 else ''} were")
            if gp.persistence_sd:
                strayed = gp.persistence_sd[0]
                width = f"{strayed:.2f} in logs" if gp.log else _per_year(strayed, unit, sign="")
                weighing += f"; half the paths as wide as the peers strayed from that rule (sd {width} a year ahead)"
        else:
            weighing = f"weighted like {gp.weight:.1f} year(s) of own history"
        notes.append(f"{gp.source}: growth and its uncertainty from peers (median {_per_year(gp.growth, unit, gp.log)}, "
                     f"spread {spread}), {weighing}")
    if isinstance(inner, AutoModel) and inner.members_only_:
        flags.append("stock_trend")
        notes.append("a count in force: centre from its trend models (drift, damped trend), "
                     "uncertainty from its departures from the trend")
    if isinstance(inner, AutoModel) and inner.panel_centred_:
        gp = inner.prior_growth
        flags.append("peer_trend")
        notes.append(f"centre {PEER_TREND_SHARE:.0%} from the growth of {gp.n_peers} peer series "
                     f"(median {_per_year(gp.growth, unit, gp.log)}), {1 - PEER_TREND_SHARE:.0%} from its own models")

    h = max(int(to_year) - int(years[-1]), 0)
    # The pooled errors (and the short-series check, benchmarks/panel_short.py) reach
    # pool_.horizon years ahead; later years extend them as a random walk, which nothing has
    # scored: SeriesForecast.flags_for(year) says so for the year a target is judged in.
    calibrated_to = int(years[-1]) + inner.pool_.horizon if isinstance(inner, AutoModel) else None
    rng = series_rng(seed, region, indicator)
    direction = monotone_direction(y, years, panel, region=region, indicator=indicator, stock=stock)
    if direction:
        flags.append("monotone")
        went, other = ("rose", "fall") if direction > 0 else ("fell", "rise")
        why = "a stock" if stock and direction > 0 else "as its peers almost always did"
        notes.append(f"{went} in {'its one change' if n == 2 else f'all {n - 1} changes'}, {why}: paths do not {other}")
    if h:
        point = np.asarray(model.predict(h), float)
        paths = np.asarray(model.simulate(h, draws, rng), float)
        if direction:
            paths = keep_direction(paths, float(y[-1]), direction)
    else:
        point, paths = np.empty(0), np.empty((draws, 0))
    return SeriesForecast(
        region=region, indicator=indicator, years=np.arange(years[-1] + 1, years[-1] + 1 + h), paths=paths,
        point=point, model=_label(model, model_name), obs_years=years, obs_values=y, flags=tuple(flags),
        notes=tuple(notes), unit=unit, calibrated_to=calibrated_to,
    )


def forecast_series(series: pd.DataFrame, *, to_year: int, model: str = "auto", draws: int = 1000, seed: int = 0,
                    as_of: int | None = None, panel: pd.DataFrame | PeerPanel | None = None,
                    bounds: dict[tuple[str, str], tuple[float, float]] | None = None,
                    errors: str = "raise", progress=None, stocks=None) -> Forecast:
    """Sample paths for every (region, indicator) in ``series`` up to ``to_year``.

    Parameters
    ----------
    series : long frame with region, indicator, year, value (unit optional).
    to_year : last year to project; a series observed up to or past it gets empty paths.
    model : a name from ``forecast.models.MODEL_NAMES``; default ``"auto"``.
    draws : sample paths per series.
    seed : the user's seed; each series gets its own Generator from (seed, region, indicator).
    as_of : drop observations after this year (replay an evaluation made in that year).
    panel : long frame of reference series (same columns); peers with the same indicator
        set the volatility prior of short series under ``auto``. A ``PeerPanel`` is used as
        given (the caller has cut it at ``as_of`` and left national totals out).
    bounds : per series (lo, hi); such series (and those with unit "%", default (0, 100))
        are modelled on the logit scale and stay inside the bounds.
    stocks : (region, indicator) keys declared stocks by their targets; one that rose in every
        change keeps rising (``monotone_direction``).
    errors : "raise" (default) or "skip": skipped series are listed in
        ``Forecast.meta["skipped"]`` as {(region, indicator): message}.
    progress : callable ``(done, total)``, optional; called after each series (a CLI shows
        progress on many series with it).

    Returns
    -------
    Forecast

    Raises
    ------
    ForecastError
        A series that cannot be projected (with ``errors="raise"``), a bad parameter.

    Examples
    --------
    >>> df = pd.DataFrame({"region": "A", "indicator": "x", "year": [2019, 2020, 2021, 2023],
    ...                    "value": [10.0, 11.0, 12.5, 15.0]})
    >>> fc = forecast_series(df, to_year=2025, draws=200, seed=1)
    >>> s = fc.get("A", "x")
    >>> s.years.tolist(), s.flags
    ([2024, 2025], ('weak_evidence', 'gaps', 'generic_prior'))
    """
    if errors not in ("raise", "skip"):
        raise ForecastError(f"The 'errors' parameter must be 'raise' or 'skip'. Got {errors!r} instead.")
    if int(draws) < 1:
        raise ForecastError(f"The 'draws' parameter must be a positive integer. Got {draws!r} instead.")
    get_model(model)  # unknown names fail fast, with suggestions
    df = _check_frame(series)
    if as_of is not None:
        df = df[df["year"] <= int(as_of)]
    if panel is not None and not isinstance(panel, PeerPanel):
        # National totals are sums over the regions (calm, average growth): never a region's peer,
        # whether they come from the bundled data or from the user's own file.
        panel = _check_frame(without_national_totals(panel))
        if as_of is not None:
            panel = panel[panel["year"] <= int(as_of)]
        panel = PeerPanel(panel)  # cleaned and summarised once, not once per series
    out, skipped = [], {}
    # One sort for every series (by series in order of first appearance, then year), then a
    # slice per series: a DataFrame per series cost more than many of the fits.
    codes, keys = pd.factorize(pd.MultiIndex.from_frame(df[["region", "indicator"]]))
    years_all, values_all = df["year"].to_numpy(int), df["value"].to_numpy(float)
    units_all = df["unit"].to_numpy(object) if "unit" in df.columns else np.full(len(df), None, dtype=object)
    order = np.lexsort((years_all, codes))
    bounds_at = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    for done, (region, indicator) in enumerate(keys):
        if progress is not None:
            progress(done, len(keys))
        rows = order[bounds_at[done]:bounds_at[done + 1]]
        rows = rows[~np.isnan(values_all[rows])]
        try:
            out.append(_one_series(str(region), str(indicator), years_all[rows], values_all[rows], units_all[rows],
                                   to_year=to_year, model_name=model, draws=int(draws), seed=seed, panel=panel,
                                   bounds=bounds, stock=(str(region), str(indicator)) in (stocks or ())))
        except ForecastError as exc:
            if errors == "raise":
                raise
            skipped[(str(region), str(indicator))] = str(exc)
    if progress is not None:
        progress(len(keys), len(keys))
    return Forecast(series=tuple(out), seed=int(seed), draws=int(draws), model=model,
                    meta={"skipped": skipped, "as_of": as_of, "to_year": int(to_year)})
