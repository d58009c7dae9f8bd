"""Suggest targets for the next plan: the value each indicator reaches with a given probability.

For the people drafting a plan (e.g. the 15th five-year plan to 2030): a target "met with
probability 0.8" is the value that 80 % of the sample paths reach or pass in the target
year — for an ``up`` target the 20 % quantile of the paths, for a ``down`` target the
80 % quantile. P50 is the even-odds value; the implied average annual growth (CAGR) from
the latest observation shows how ambitious each is.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from scenarios.errors import ScenarioError, unknown_names
from scenarios.targets import stock_series

SUGGEST_COLUMNS = [
    "region", "indicator", "unit", "latest_year", "latest_value", "to_year", "direction", "confidence",
    "suggested_target", "p_at_suggested", "p10", "p50", "p90", "cagr_suggested", "cagr_p50",
    "n_obs", "model", "flags", "notes", "seed", "draws",
]


def met_with_probability(values: np.ndarray, confidence: float, direction: str = "up") -> tuple[float, float]:
    """The value met by at least ``confidence`` of ``values``, and the share that meets it.

    ``up``: the largest sample value ``s`` with ``mean(values >= s) >= confidence``;
    ``down``: the smallest ``s`` with ``mean(values <= s) >= confidence``. The share
    exceeds ``confidence`` by less than ``1/n`` (plus ties).

    Examples
    --------
    >>> met_with_probability(np.arange(1.0, 11.0), 0.8)
    (3.0, 0.8)
    >>> met_with_probability(np.arange(1.0, 11.0), 0.8, "down")
    (8.0, 0.8)
    """
    v = np.sort(np.asarray(values, dtype=float))
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return float("nan"), float("nan")
    # k values strictly below the suggestion may miss it: k = floor((1 - c) n)
    k = int(np.floor((1.0 - confidence) * n + 1e-9))
    k = min(max(k, 0), n - 1)
    if direction == "up":
        s = v[k]
        return float(s), float(np.mean(v >= s))
    s = v[n - 1 - k]
    return float(s), float(np.mean(v <= s))


def _cagr(value: float, latest: float, years: int) -> float:
    if years <= 0 or not (latest > 0) or not (value > 0):
        return float("nan")
    return float((value / latest) ** (1.0 / years) - 1.0)


def _check_names(asked, known, what: str):
    if asked is None:
        return None
    asked = [asked] if isinstance(asked, str) else list(asked)
    known = sorted(set(map(str, known)))
    hints = unknown_names(asked, known)
    if hints:
        raise ScenarioError(
            f"Unknown {what} {', '.join(hints)}; the series file has {len(known)} {what}s, e.g. "
            f"{', '.join(known[:5])}.",
            reason=f"unknown_{what}",
        )
    return asked


def suggest(
    series: pd.DataFrame,
    *,
    to_year: int = 2030,
    confidence: float = 0.8,
    model="auto",
    draws: int = 10_000,
    seed: int = 0,
    panel: pd.DataFrame | None = None,
    regions=None,
    indicators=None,
    direction: str | Mapping[tuple[str, str], str] = "up",
    stocks=frozenset(),
) -> pd.DataFrame:
    """Per series, the ``to_year`` value met with probability ``confidence``.

    Parameters
    ----------
    series : DataFrame
        Long frame region, indicator, year, value (unit optional).
    to_year : int
        Target year of the plan being drafted.
    confidence : float in (0, 1)
        Required probability of meeting the suggested target.
    model, draws, seed, panel
        Passed to :func:`forecast.engine.forecast_series` (``errors="skip"``).
    regions, indicators : str or list of str, optional
        Restrict to these (unknown names raise ScenarioError with close matches).
    direction : ``"up"`` or ``"down"``, or a mapping (region, indicator) -> direction
        ``up``: reach at least (suggest the ``1 - confidence`` quantile); ``down``: at most
        (e.g. average trial days). A mapping gives each series its plan's direction; series
        not in it are ``up``.
    stocks : (region, indicator) series the targets call stocks in force (``plan_selection``),
        forecast as ``risk`` forecasts them (forecast.engine ``stocks``).

    Returns
    -------
    DataFrame
        Columns :data:`SUGGEST_COLUMNS`, one row per series (series the engine could not
        project have NaN values, flag ``skipped`` and the reason in ``notes``). Values are
        in the series' unit; ``cagr_*`` are fractions per year from the latest observation;
        ``p_at_suggested`` is the share of paths meeting the suggestion (>= confidence, by
        less than 1/draws).
    """
    if not 0.0 < float(confidence) < 1.0:
        raise ScenarioError(f"The 'confidence' parameter must be in (0, 1). Got {confidence!r} instead.",
                            reason="bad_confidence")
    directions = dict(direction) if isinstance(direction, Mapping) else {}
    default_direction = "up" if isinstance(direction, Mapping) else direction
    for d in {default_direction, *directions.values()}:
        if d not in ("up", "down"):
            raise ScenarioError(f"The 'direction' parameter must be 'up' or 'down'. Got {d!r} instead.",
                                reason="bad_direction")
    missing = [c for c in ("region", "indicator", "year", "value") if c not in series.columns]
    if missing:
        raise ScenarioError(f"The series frame lacks column(s) {missing}; it needs region, indicator, year, value.",
                            reason="bad_series")
    regions = _check_names(regions, series["region"], "region")
    indicators = _check_names(indicators, series["indicator"], "indicator")
    data = series
    if regions is not None:
        data = data[data["region"].isin(regions)]
    if indicators is not None:
        data = data[data["indicator"].isin(indicators)]
    if data.empty:
        if series.empty:
            raise ScenarioError("The series frame has no observations: fill in the history first.", reason="no_series")
        asked = " and ".join(f"{what} {', '.join(map(str, ids))}" for what, ids in
                             (("region(s)", regions), ("indicator(s)", indicators)) if ids is not None)
        raise ScenarioError(f"No series for {asked} together. The series have regions "
                            f"{', '.join(map(str, pd.unique(series['region'])[:8]))}; check the names.",
                            reason="no_series")

    from forecast.engine import forecast_series  # imported late: the engine lands with issue 3

    fc = forecast_series(data, to_year=int(to_year), model=model, draws=int(draws), seed=int(seed),
                         panel=panel, errors="skip", stocks=stocks)
    units = {}
    if "unit" in data.columns:
        for (r, i), u in data.groupby(["region", "indicator"], sort=False)["unit"]:
            u = u.dropna()
            units[(r, i)] = str(u.iloc[-1]) if len(u) else ""

    rows = []
    for sf in fc.series:
        note = f"{to_year} is already observed" if int(to_year) <= sf.last_year else ""
        v = np.asarray(sf.at(int(to_year)), dtype=float)
        d = directions.get(sf.key, default_direction)
        s, p_s = met_with_probability(v, float(confidence), d)
        p10, p50, p90 = np.quantile(v, [0.1, 0.5, 0.9])
        horizon = int(to_year) - sf.last_year
        flags = list(sf.flags_for(int(to_year))) + (["observed"] if note else [])
        notes = list(sf.notes_for(int(to_year))) + ([note] if note else [])
        rows.append({
            "region": sf.region, "indicator": sf.indicator, "unit": sf.unit or units.get(sf.key, ""),
            "latest_year": sf.last_year, "latest_value": sf.last_value, "to_year": int(to_year),
            "direction": d, "confidence": float(confidence),
            "suggested_target": s, "p_at_suggested": p_s, "p10": float(p10), "p50": float(p50), "p90": float(p90),
            "cagr_suggested": _cagr(s, sf.last_value, horizon), "cagr_p50": _cagr(float(p50), sf.last_value, horizon),
            "n_obs": int(len(sf.obs_years)), "model": sf.model, "flags": ";".join(flags),
            "notes": "; ".join(notes),
            "seed": int(seed), "draws": int(draws),
        })
    for key, message in (fc.meta.get("skipped") or {}).items():
        region, indicator = key if isinstance(key, tuple) else (str(key), "")
        d = data[(data["region"] == region) & (data["indicator"] == indicator)].dropna(subset=["value"])
        d = d.sort_values("year")
        latest = {"latest_year": int(d["year"].iloc[-1]), "latest_value": float(d["value"].iloc[-1])} if len(d) else {}
        rows.append({c: np.nan for c in SUGGEST_COLUMNS} | latest | {"n_obs": int(len(d)), 
            "region": region, "indicator": indicator, "unit": units.get((region, indicator), ""),
            "to_year": int(to_year), "direction": directions.get((region, indicator), default_direction),
            "confidence": float(confidence), "model": "",
            "flags": "skipped", "notes": str(message), "seed": int(seed), "draws": int(draws),
        })
    out = pd.DataFrame(rows, columns=SUGGEST_COLUMNS)
    return out.sort_values(["region", "indicator"], kind="stable").reset_index(drop=True)


def plan_selection(targets: pd.DataFrame, series: pd.DataFrame, plans=None):
    """What ``suggest`` runs on for ``plans``: the series of exactly the plans' (region,
    indicator) pairs (not every region crossed with every indicator), each pair's direction
    (a ``down`` target, e.g. average trial days, is suggested as an upper bound) and name.

    Without ``plans``: every series, with the direction and name of any plan's target on it.

    Returns
    -------
    (DataFrame, dict, dict, frozenset)
        The series rows, (region, indicator) -> direction, (region, indicator) -> name, and the
        series the targets call stocks (``scenarios.targets.stock_series``, as ``risk`` reads them).

    Raises
    ------
    ScenarioError
        Unknown plan (with close matches), or no target of the plans has history.
    """
    from scenarios.risk import select_plans

    have = set(zip(series["region"], series["indicator"]))
    data, sel = series, targets
    if plans:
        sel = select_plans(targets, plans)
        pairs = sorted({(r, i) for r, i in zip(sel["region"], sel["indicator"]) if (r, i) in have})
        if not pairs:
            raise ScenarioError(f"No target of {', '.join(plans)} has history in the series; nothing to suggest. "
                                "Add history with --series (see `targetcast template`).", reason="no_series")
        data = data[pd.Series(list(zip(data["region"], data["indicator"])), index=data.index).isin(pairs)]
    names: dict[tuple[str, str], str] = {}
    directions: dict[tuple[str, str], str] = {}
    for r in sel.itertuples(index=False):
        key = (r.region, r.indicator)
        if key in have and key not in directions:
            directions[key] = r.direction if r.direction in ("up", "down") else "up"
            if isinstance(getattr(r, "name", None), str) and r.name:
                names[key] = r.name
    return data, directions, names, stock_series(targets)


def with_names(frame: pd.DataFrame, names: Mapping[tuple[str, str], str]) -> pd.DataFrame:
    """``frame`` with the plans' name of each series as the third column (when any is known)."""
    if names:
        frame = frame.copy()
        frame.insert(2, "name", [names.get((r, i), "") for r, i in zip(frame["region"], frame["indicator"])])
    return frame
