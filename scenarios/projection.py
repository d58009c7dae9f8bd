"""The forecasting half of a risk assessment: the run's shared decisions, then sample paths.

:func:`prepare` decides once, for the whole run, everything that does not depend on which
part of it is being projected: the chosen targets in their series' units, each plan's
evaluation year (``as_of``), how far the paths run, which series are stocks, the correlation
and the peer panel at each evaluation year. :func:`project_part` then forecasts any set of
plans that share an evaluation year. Because every number of a part comes from the shared
:class:`RunSetup` and from per-series random streams, a run cut into parts (``targetcast.batch``:
``--jobs``, Dask) gives exactly the rows of the run in one piece. :func:`project` is the run in
one piece.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecast.panel import PeerPanel
from forecast.paths import Forecast
from scenarios.errors import ScenarioError, unknown_names
from scenarios.targets import stock_series


def check_correlation(correlation) -> float | str:
    """A common-factor correlation in [0, 1) or ``"auto"``, from a number or a string (``--correlation``)."""
    if isinstance(correlation, str) and correlation.strip() == "auto":
        return "auto"
    try:
        rho = float(correlation)
    except (TypeError, ValueError):
        rho = float("nan")
    if not 0.0 <= rho < 1.0:
        raise ScenarioError(
            f"The 'correlation' parameter must be in [0, 1) (a common-factor share) or 'auto'. "
            f"Got {correlation!r} instead.",
            reason="bad_parameter",
        )
    return rho


def select_plans(targets: pd.DataFrame, plans) -> pd.DataFrame:
    """The targets of ``plans`` (all when empty); unknown plans raise ScenarioError with close matches."""
    if not plans:
        return targets
    known = list(pd.unique(targets["plan"].astype(str)))
    hints = unknown_names(plans, known)
    if hints:
        raise ScenarioError(
            f"Unknown plan {', '.join(hints)}. The targets have: {', '.join(known)}.", reason="unknown_plan"
        )
    return targets[targets["plan"].isin(list(plans))]


def _reconcile(targets: pd.DataFrame, series: pd.DataFrame, targets_file: str, series_file: str):
    from history.units import reconcile_units

    return reconcile_units(targets, series, targets_file=targets_file, series_file=series_file)


def _series_arrays(hist: pd.DataFrame) -> dict:
    """(region, indicator) -> (years, values) sorted by year, series in order of first appearance."""
    if not len(hist):
        return {}
    codes, keys = pd.factorize(pd.MultiIndex.from_frame(hist[["region", "indicator"]]))
    years, values = hist["year"].to_numpy(dtype=int), hist["value"].to_numpy(dtype=float)
    order = np.lexsort((years, codes))  # one sort, then a slice per series
    cut = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    return {key: (years[order[cut[k]:cut[k + 1]]], values[order[cut[k]:cut[k + 1]]]) for k, key in enumerate(keys)}


def _keys(t: pd.DataFrame) -> list:
    return list(dict.fromkeys(zip(t["region"], t["indicator"])))


def _rows_of(series: pd.DataFrame, keys, index: dict | None = None) -> pd.DataFrame:
    """The rows of ``series`` whose (region, indicator) is in ``keys``, in file order; ``index``
    (key -> row positions, ``RunSetup.rows``) spares a scan of the whole frame per part."""
    if index is None:
        return series[pd.MultiIndex.from_frame(series[["region", "indicator"]]).isin(keys)]
    found = [index[k] for k in keys if k in index]
    return series.iloc[np.sort(np.concatenate(found))] if found else series.iloc[:0]


@dataclass(frozen=True, eq=False)
class Projection:
    """The forecasting half of :func:`scenarios.risk.assess`: reconciled targets and their sample
    paths (coupled when a correlation is asked), before any scenario is applied.

    :func:`scenarios.risk.evaluate` reads probabilities from it; ``scenarios.compare`` evaluates
    one projection under every scenario, so each scenario acts on the same paths and the
    models are fitted once.

    Attributes
    ----------
    targets : the chosen targets, units reconciled (``factor``, ``series_unit``).
    forecast : the sample paths (coupled when ``correlation`` is non-zero).
    as_of, as_of_given : the evaluation year and whether the caller gave it.
    known, full : (region, indicator) -> (years, values) up to ``as_of`` / of the whole series.
    peers : the reference panel up to ``as_of`` (a ``forecast.panel.PeerPanel``).
    correlation, correlation_requested : the correlation used (a number) and the one asked.
    unit_notes : notes from units reconciliation.
    parts : when plans default to different as-of years, one projection per year (the other
        fields then hold the first part's) and ``plan_order`` the plans in file order.
    """

    targets: pd.DataFrame
    forecast: Forecast
    as_of: int
    as_of_given: bool
    known: dict
    full: dict
    peers: object
    correlation: float | str
    correlation_requested: float | str
    unit_notes: list
    seed: int = 0
    draws: int = 0
    model: str = ""
    parts: tuple = ()
    plan_order: tuple = ()
    last_seen: int | None = None

    @property
    def skipped(self) -> dict:
        return dict(self.forecast.meta.get("skipped", {}) or {})


@dataclass(frozen=True, eq=False)
class RunSetup:
    """Everything a part of the run needs, decided once for the whole run (:func:`prepare`).

    Attributes
    ----------
    targets : the chosen plans' targets in file order, units reconciled.
    series : the whole series frame (years as integers).
    as_of : plan -> its evaluation year; ``as_of_given`` whether the caller set it.
    years : the evaluation years in ascending order; ``split`` whether they differ by plan
        (each year is then projected on its own and the parts combined).
    to_year : evaluation year -> the last year the paths run to.
    stocks : series whose every target (in the whole file) is a stock in force.
    rho : evaluation year -> the correlation used (estimated once per year when ``"auto"``).
    peers : evaluation year -> the reference panel cut at that year (national totals out).
    last_seen : evaluation year -> the latest observation of that year's plans' series.
    rows : (region, indicator) -> positions of its rows in ``series``.
    """

    targets: pd.DataFrame
    series: pd.DataFrame
    as_of: dict
    as_of_given: bool
    years: tuple
    to_year: dict
    stocks: frozenset
    correlation: float | str
    rho: dict
    peers: dict
    last_seen: dict
    unit_notes: list
    model: str
    draws: int
    seed: int
    rows: dict

    @property
    def plan_order(self) -> tuple:
        return tuple(self.as_of)

    @property
    def split(self) -> bool:
        return len(self.years) > 1

    def plans_at(self, year: int) -> list[str]:
        return [p for p, y in self.as_of.items() if y == year]


def prepare(
    targets: pd.DataFrame,
    series: pd.DataFrame,
    *,
    plans: list[str] | None = None,
    as_of: int | None = None,
    model: str = "auto",
    draws: int = 10_000,
    seed: int = 0,
    correlation: float | str = 0.0,
    panel: pd.DataFrame | None = None,
    targets_file="targets",
    series_file="series",
) -> RunSetup:
    """The run's shared decisions. Parameters as :func:`scenarios.risk.assess` (``panel``: the
    peers' frame, default ``series``; ``targets_file``/``series_file``: names for messages)."""
    from history.bundled import without_national_totals

    correlation = check_correlation(correlation)
    t = select_plans(targets, plans)
    if not len(t):
        raise ScenarioError("There are no targets to assess (empty targets frame).", reason="no_targets")
    missing = [c for c in ("region", "indicator", "year", "value") if c not in series.columns]
    if missing or not len(series):
        raise ScenarioError(
            f"The series frame ({series_file}) is empty or lacks columns {missing}; it needs region, indicator, "
            "year, value with at least one row: fill in the history (one row per indicator and year).",
            reason="no_series",
        )
    series = series.copy()
    series["year"] = series["year"].astype(int)
    if "factor" in t.columns and "series_unit" in t.columns:
        t, unit_notes = t.copy(), []
    else:
        t, unit_notes = _reconcile(t, series, str(targets_file), str(series_file))
    t = t.reset_index(drop=True)

    rows = series.groupby(["region", "indicator"], sort=False).indices
    if as_of is None:
        by_plan = _default_as_of(t, _rows_of(series, _keys(t), rows), int(series["year"].max()))
    else:
        by_plan = {str(p): int(as_of) for p in pd.unique(t["plan"])}
    years = tuple(sorted(set(by_plan.values())))
    last_target = int(pd.to_numeric(t["target_year"], errors="coerce").max())  # of the chosen plans
    keys_at, used_at, last_seen = {}, {}, {}
    for year in years:
        keys_at[year] = _keys(t[t["plan"].astype(str).isin([p for p, y in by_plan.items() if y == year])])
        used = used_at[year] = _rows_of(series, keys_at[year], rows)
        last_seen[year] = int(used["year"].max()) if len(used) else None
        if as_of is not None and last_seen[year] is not None and year > last_seen[year] and year > last_target:
            # An evaluation year after the latest data is normal (publication lag: rows are flagged
            # stale_data), but not past every target year: then there is nothing left to judge.
            raise ScenarioError(
                f"as_of (--as-of) {year} is after every target year (the last is {last_target}) and after the "
                f"latest observation of these targets' series ({last_seen[year]}): there is nothing to replay. "
                f"Use --as-of {last_seen[year]} or earlier, or leave it out (each plan is then judged at the "
                "latest year of its own series).", reason="as_of_after_data")

    # Series whose every target (in the whole file, as for to_year) counts a stock in force.
    stocks = stock_series(targets)
    # national totals are no region's peer; one panel per evaluation year, cleaned once for the run
    reference = without_national_totals(panel if panel is not None else series)
    peers = {year: PeerPanel(reference[reference["year"].astype(int) <= year]).prepare() for year in years}
    rho = {}
    for year in years:
        if correlation == "auto":
            from scenarios.correlation import estimate_correlation

            used = used_at[year]
            rho[year] = float(estimate_correlation(used[used["year"] <= year], keys_at[year]))
        else:
            rho[year] = float(correlation)
    return RunSetup(
        targets=t, series=series, as_of=by_plan, as_of_given=as_of is not None, years=years,
        # Paths run to the last target year of the whole targets file, not of the chosen plans:
        # the paths of a series depend on how far they run, so a plan's numbers would otherwise
        # change with the other plans in the run.
        to_year={year: max(int(pd.to_numeric(targets["target_year"], errors="coerce").max()), year + 1)
                 for year in years},
        stocks=stocks, correlation=correlation, rho=rho, peers=peers, last_seen=last_seen,
        unit_notes=list(unit_notes), model=model, draws=int(draws), seed=int(seed), rows=rows)


def project_part(setup: RunSetup, plans) -> Projection:
    """Sample paths for ``plans`` (all evaluated in the same year) under the run's ``setup``."""
    from forecast.engine import forecast_series

    plans = [str(p) for p in plans]
    (as_of,) = {setup.as_of[p] for p in plans}
    t = setup.targets[setup.targets["plan"].astype(str).isin(plans)]
    used = _rows_of(setup.series, _keys(t), setup.rows)
    hist = used[used["year"] <= as_of]
    if len(hist):
        fc = forecast_series(hist, to_year=setup.to_year[as_of], model=setup.model, draws=setup.draws,
                             seed=setup.seed, as_of=as_of, panel=setup.peers[as_of], errors="skip",
                             stocks=setup.stocks)
    else:  # no target has any history: nothing to forecast, every row is no_data
        fc = Forecast((), seed=setup.seed, draws=setup.draws, model=setup.model, meta={"skipped": {}})
    rho = setup.rho[as_of]
    if rho != 0.0:
        from scenarios.correlation import couple

        fc = couple(fc, rho, seed=setup.seed)
    return Projection(
        targets=t.reset_index(drop=True), forecast=fc, as_of=as_of,
        # each year of a split run is projected as if that year had been given
        as_of_given=setup.as_of_given or setup.split, known=_series_arrays(hist), full=_series_arrays(used),
        peers=setup.peers[as_of], correlation=rho, correlation_requested=setup.correlation, unit_notes=[],
        seed=setup.seed,
        draws=setup.draws, model=setup.model, last_seen=setup.last_seen[as_of])


def project(targets: pd.DataFrame, series: pd.DataFrame, **run) -> Projection:
    """The forecasting half of :func:`scenarios.risk.assess`: :func:`prepare` (same parameters:
    plans, as_of, model, draws, seed, correlation, panel, targets_file, series_file), then
    :func:`project_part` for each evaluation year."""
    setup = prepare(targets, series, **run)
    parts = [project_part(setup, setup.plans_at(year)) for year in setup.years]
    parts[0] = replace(parts[0], unit_notes=list(setup.unit_notes))  # once, not once per part
    if len(parts) == 1:
        return parts[0]
    return replace(parts[0], parts=tuple(parts), plan_order=setup.plan_order)


def _default_as_of(t: pd.DataFrame, used: pd.DataFrame, fallback: int) -> dict[str, int]:
    """Plan -> the latest year observed in the series its targets use (``fallback`` if none)."""
    latest = used.groupby(["region", "indicator"])["year"].max()
    years = latest.reindex(pd.MultiIndex.from_frame(t[["region", "indicator"]])).to_numpy(dtype=float)
    by_plan = pd.Series(years).groupby(t["plan"].astype(str).to_numpy(), sort=False).max()
    return {str(p): int(y) if pd.notna(y) else int(fallback) for p, y in by_plan.items()}
