"""The risk assessment: for every plan target, P(attain), range, growth needed, mid-term status.

:func:`assess` is the library behind ``targetcast risk``. Steps:

1. keep the chosen plans; express targets in their series' units (``history.units``);
2. ``as_of`` (default: per plan, the latest year observed in the series its targets use) cuts the
   history: observations *and peer-panel rows* after ``as_of`` are dropped before forecasting,
   so a replayed mid-term evaluation uses only what was known then. The full series is kept to
   show the real outcome beside the replayed probability;
3. forecast every needed series to the latest target year (``forecast.engine.forecast_series``);
4. couple the series with a common factor when ``correlation`` is non-zero, *then* apply the
   what-if scenario: coupling permutes whole paths, so doing it first keeps a scenario's common
   shock (drawn per path index) common to every series;
5. per target: :func:`scenarios.attainment.evaluate_target` and
   :func:`scenarios.midterm.midterm_view`, a risk id and flags; then the portfolio.

Risk ids (thresholds ``(0.8, 0.5, 0.2)`` by default): ``on_track`` p >= 0.8, ``watch``
0.5 <= p < 0.8, ``at_risk`` 0.2 <= p < 0.5, ``off_track`` p < 0.2; ``attained`` / ``missed``
when the outcome is observed by ``as_of``; ``no_data`` when no probability can be computed
(no usable history, no baseline, a gap in the window).

Reference: DESIGN.md "Attainment semantics"; Hyndman & Athanasopoulos, *Forecasting: Principles
and Practice* (3rd ed.), §5.5 on reading probabilities from simulated future sample paths.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Mapping

import numpy as np
import pandas as pd

from forecast.paths import Forecast, SeriesForecast
from scenarios.attainment import evaluate_target
from scenarios.errors import ScenarioError
from scenarios.labels import RISK_ORDER
from scenarios.midterm import midterm_view
from scenarios.portfolio import portfolio
from scenarios.projection import Projection, check_correlation, project, select_plans  # noqa: F401 (re-exported)
from scenarios.targets import (
    PERCENT_KINDS,
    _float,
    _int,
    baseline_level,
    factor_of,
    kind_of,
)

TABLE_COLUMNS = [
    "plan", "region", "indicator", "name", "unit", "kind", "direction", "strict", "category", "attribute",
    "target_year", "target_value", "baseline_year", "baseline_value", "as_of", "last_year", "last_value", "n_obs",
    "p_attain", "p_attain_se", "p10", "p50", "p90", "expected_shortfall", "first_year_median", "p_reached_before",
    "required_growth", "historical_growth", "historical_growth_3y", "historical_growth_5y", "time_progress",
    "completion", "status", "risk", "model", "flags", "notes", "outcome", "outcome_value",
    "completion_method", "max_growth_own", "max_growth_peers",
]


@dataclass(frozen=True, eq=False)
class Assessment:
    """The result of :func:`assess`.

    Attributes
    ----------
    table : one row per target (columns ``TABLE_COLUMNS``), sorted by plan, category (both in
        the order of the targets file), risk severity, then P(attain) ascending.
    portfolio : :func:`scenarios.portfolio.portfolio` of the table.
    meta : seed, draws, model, as_of, scenario, correlation, thresholds, tol, created, n_targets,
        plus skipped (series the engine could not project) and unit_notes.
    forecast : the (coupled, scenario-adjusted) Forecast used.
    targets : the reconciled targets (with ``factor`` and ``series_unit``).
    attained_paths : table row index -> bool array per path (None when not evaluable).
    observed : (region, indicator) -> (years, values) of the whole series, later years than
        ``as_of`` included (charts show a replay's outcome from it).
    parts : the per-year assessments this one was combined from (empty when one as-of year
        served every plan); goal seek works on them, each with its own forecast.
    """

    table: pd.DataFrame
    portfolio: pd.DataFrame
    meta: dict
    forecast: Forecast
    targets: pd.DataFrame
    attained_paths: dict = field(default_factory=dict)
    observed: dict = field(default_factory=dict)
    #: When plans without ``as_of`` default to different years, one assessment per year.
    parts: tuple = ()


def risk_level(p: float, *, observed: bool = False, thresholds=(0.8, 0.5, 0.2)) -> str:
    """Risk id of a probability.

    Examples
    --------
    >>> risk_level(0.8), risk_level(0.79), risk_level(0.2), risk_level(0.19), risk_level(float("nan"))
    ('on_track', 'watch', 'at_risk', 'off_track', 'no_data')
    """
    if p is None or not np.isfinite(p):
        return "no_data"
    if observed:
        return "attained" if p >= 0.5 else "missed"
    hi, mid, lo = thresholds
    if p >= hi:
        return "on_track"
    if p >= mid:
        return "watch"
    if p >= lo:
        return "at_risk"
    return "off_track"


def check_thresholds(thresholds) -> tuple[float, float, float]:
    """Three decreasing probabilities (on_track, watch, at_risk cut-offs), from a sequence or a
    string like ``"0.8,0.5,0.2"`` (the CLI's ``--thresholds``)."""
    try:
        parts = thresholds.split(",") if isinstance(thresholds, str) else thresholds
        t = tuple(float(x) for x in parts)
    except (TypeError, ValueError):
        t = ()
    if len(t) != 3 or not (1 >= t[0] > t[1] > t[2] >= 0):
        raise ScenarioError(
            f"The 'thresholds' parameter must be three decreasing probabilities in [0, 1], like (0.8, 0.5, 0.2). "
            f"Got {thresholds!r} instead.",
            reason="bad_parameter",
        )
    return t


def _observed_sf(region: str, indicator: str, years: np.ndarray, values: np.ndarray) -> SeriesForecast:
    """Observations only (one constant 'path'): to read a known outcome with the same semantics."""
    return SeriesForecast(
        region, indicator, np.empty(0, dtype=int), np.empty((1, 0)), np.empty(0), "observed", years, values
    )


def _latest_quantity(t: Mapping, kind: str, years: np.ndarray, values: np.ndarray, sf_base: float) -> float:
    """The latest value of the target quantity, in the target unit, from the observations.

    Level kinds: the latest value; cumulative: the sum so far over the window; growth_rate: the
    average growth from the baseline to the latest year (%); reduction: the fall so far (%).
    """
    if not years.size:
        return float("nan")
    ly, lv = int(years[-1]), float(values[-1])
    by = _int(t, "baseline_year")
    if kind in ("annual", "stock", "ratio"):
        return lv / factor_of(t)
    if kind == "cumulative":
        if by is None:
            return float("nan")
        win = (years > by) & (years <= int(t["target_year"]))
        return float(values[win].sum()) / factor_of(t)
    if not np.isfinite(sf_base) or sf_base == 0:
        return float("nan")
    if kind == "growth_rate":
        if by is None or ly <= by or lv <= 0 or sf_base <= 0:
            return float("nan")
        return 100.0 * ((lv / sf_base) ** (1.0 / (ly - by)) - 1.0)
    return 100.0 * (sf_base - lv) / sf_base


def assess(
    targets: pd.DataFrame,
    series: pd.DataFrame,
    *,
    plans: list[str] | None = None,
    as_of: int | None = None,
    model: str = "auto",
    draws: int = 10_000,
    seed: int = 0,
    scenario=None,
    correlation: float | str = 0.0,
    thresholds=(0.8, 0.5, 0.2),
    tol: float = 0.10,
    panel: pd.DataFrame | None = None,
    targets_file="targets",
    series_file="series",
) -> Assessment:
    """Assess every target of the chosen plans: :func:`project`, then :func:`evaluate`.

    Parameters
    ----------
    targets : DataFrame
        Targets frame (``Targets.frame``: plan, region, indicator, name, unit, kind, direction,
        strict, target_year, target_value, baseline_year, baseline_value, category, attribute).
    series : DataFrame
        Long series frame (region, indicator, year, value, unit).
    plans : list of str, optional
        Plan ids to keep (default: all). Unknown ids raise ScenarioError with close matches.
    as_of : int, optional
        Evaluation year; observations after it are ignored for forecasting but used to show the
        known outcome. Default: for each plan, the latest year observed in the series its
        targets use (so a plan's numbers do not change with the other plans in the run; plans
        with different defaults are assessed separately and combined, ``meta["as_of_by_plan"]``).
    model, draws, seed :
        Passed to ``forecast.engine.forecast_series``.
    scenario : Scenario, optional
        Anything with ``.name`` and ``.apply(forecast, *, categories, kinds, down, seed)`` (a ``Scenario``).
    correlation : float or "auto"
        Common-factor rank correlation between series (0 = independent paths; "auto" =
        ``scenarios.correlation.estimate_correlation`` on the history up to ``as_of``).
    thresholds : (float, float, float)
        P(attain) cut-offs for on_track, watch, at_risk.
    tol : float
        Tolerance around time progress for the rule-based status.
    panel : DataFrame, optional
        Peer series for the forecast engine and for the fastest-peer-growth check; default
        ``series``. Rows after ``as_of`` are dropped too.
    targets_file, series_file : str
        Names used in messages.

    Returns
    -------
    Assessment

    Raises
    ------
    ScenarioError
        Unknown plan, bad thresholds, no targets.
    history.problems.DataError
        Target units incompatible with their series.
    """
    thresholds = check_thresholds(thresholds)
    tol = check_tol(tol)
    proj = project(targets, series, plans=plans, as_of=as_of, model=model, draws=draws, seed=seed,
                   correlation=correlation, panel=panel, targets_file=targets_file, series_file=series_file)
    return evaluate(proj, scenario=scenario, thresholds=thresholds, tol=tol)


def check_tol(tol) -> float:
    if not 0 <= float(tol) < 1:
        raise ScenarioError(f"The 'tol' parameter must be in [0, 1). Got {tol!r} instead.", reason="bad_parameter")
    return float(tol)


def evaluate(proj: Projection, *, scenario=None, thresholds=(0.8, 0.5, 0.2), tol: float = 0.10) -> Assessment:
    """The evaluating half of :func:`assess`: apply ``scenario`` to the projection's paths (a
    new forecast; the projection is not changed) and judge every target on them."""
    thresholds = check_thresholds(thresholds)
    tol = check_tol(tol)
    if proj.parts:
        parts = [evaluate(p, scenario=scenario, thresholds=thresholds, tol=tol) for p in proj.parts]
        return combine(parts, list(proj.plan_order))
    t, fc, as_of = proj.targets, proj.forecast, proj.as_of
    seed = proj.seed
    skipped = proj.skipped
    if scenario is not None:
        from scenarios.scenario import target_maps

        categories, kinds, down = target_maps(t)
        fc = scenario.apply(fc, categories=categories, kinds=kinds, down=down, seed=int(seed))

    rows, attained = [], []
    for tr in t.to_dict("records"):  # plain dicts: a pandas row costs ~10 µs per field read
        row, ok = _assess_one(tr, fc, proj.known, proj.full, skipped, proj.peers, as_of, thresholds, tol)
        rows.append(row)
        attained.append(ok)
    table = pd.DataFrame(rows)
    table = table[[c for c in TABLE_COLUMNS if c in table.columns]]
    # Years stay integers in CSV/JSON even where some rows have none (nullable Int64, not 2020.0).
    for c in ("target_year", "baseline_year", "as_of", "last_year", "n_obs", "first_year_median"):
        table[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in table[c]], dtype="Int64")

    # Sort: plan and category in file order, then severity, then P(attain) ascending.
    plan_rank = {p: k for k, p in enumerate(pd.unique(table["plan"]))}
    # Category order is each plan's own file order (plans list their categories differently).
    cat_key = table["plan"].astype(str) + "\x1f" + table["category"].astype(object).where(
        table["category"].notna(), "").astype(str)
    cat_rank = {c: k for k, c in enumerate(pd.unique(cat_key))}
    sev = {r: k for k, r in enumerate(RISK_ORDER)}
    order = pd.DataFrame({
        "p": table["plan"].map(plan_rank),
        "c": cat_key.map(cat_rank),
        "s": table["risk"].map(sev),
        "a": table["p_attain"].fillna(2.0),
        "i": np.arange(len(table)),
    }).sort_values(["p", "c", "s", "a", "i"], kind="stable")
    perm = order.index.to_numpy()
    table = table.loc[perm].reset_index(drop=True)
    targets_sorted = t.loc[perm].reset_index(drop=True)
    attained_paths = {k: attained[j] for k, j in enumerate(perm)}

    port = portfolio(table, attained_paths)
    scen_name = getattr(scenario, "name", None) if scenario is not None else None
    rho_used = proj.correlation
    meta = {
        "seed": seed,
        "draws": proj.draws,
        "model": proj.model,
        "as_of": as_of,
        "as_of_given": proj.as_of_given,
        "scenario": scen_name or "baseline",
        "correlation": rho_used if isinstance(rho_used, str) else float(rho_used),
        "correlation_requested": proj.correlation_requested,
        "thresholds": thresholds,
        "tol": float(tol),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "n_targets": int(len(table)),
        "skipped": {f"{k[0]}/{k[1]}" if isinstance(k, tuple) else str(k): v for k, v in skipped.items()},
        "unit_notes": [p.problem for p in proj.unit_notes],
        # the as-of year is after every observation: the CLI says so (rows are flagged stale_data)
        "as_of_after_data": (proj.last_seen if proj.as_of_given and proj.last_seen is not None
                             and as_of > proj.last_seen else None),
        # series whose targets are all "down", left alone by a scenario's all-indicator adjustments
        "scenario_not_applied": sorted({f"{r}/{i}" for keys in fc.meta.get("scenario_not_applied", {}).values()
                                        for r, i in keys}),
    }
    return Assessment(table=table, portfolio=port, meta=meta, forecast=fc, targets=targets_sorted,
                      attained_paths=attained_paths, observed=proj.full)


def combine(parts: list[Assessment], plan_order: list[str], *, split: bool = True) -> Assessment:
    """One assessment from parts with disjoint plans, rows in the plans' file order (each plan
    keeps its own row order). ``split``: the parts are the evaluation years of plans that
    default to different years (``meta["as_of"]`` then says "per plan" and ``as_of_by_plan``
    gives each); else every part has the same as-of year (a run cut into parts,
    ``targetcast.batch``) and the meta is the run's."""
    if len(parts) == 1 and not split:
        return parts[0]
    rank = {p: k for k, p in enumerate(plan_order)}
    table = pd.concat([a.table for a in parts], ignore_index=True)
    perm = np.argsort([rank[str(p)] for p in table["plan"]], kind="stable")  # stable: part, then row
    table = table.iloc[perm].reset_index(drop=True)
    targets = pd.concat([a.targets for a in parts], ignore_index=True).iloc[perm].reset_index(drop=True)
    flat = [a.attained_paths.get(i) for a in parts for i in range(len(a.table))]
    attained = {k: flat[j] for k, j in enumerate(perm)}
    port = pd.concat([a.portfolio for a in parts], ignore_index=True)
    port = port.iloc[np.argsort([rank[str(p)] for p in port["plan"]], kind="stable")].reset_index(drop=True)
    meta = dict(parts[0].meta)
    if split:
        by_plan = {str(p): int(a.meta["as_of"]) for a in parts for p in pd.unique(a.table["plan"])}
        years = sorted(set(by_plan.values()))
        meta.update(as_of=f"per plan ({years[0]}–{years[-1]})", as_of_given=False,
                    as_of_by_plan={p: by_plan[p] for p in plan_order if p in by_plan})
    after = [a.meta.get("as_of_after_data") for a in parts]
    meta.update(n_targets=int(len(table)),
                skipped={k: v for a in parts for k, v in a.meta.get("skipped", {}).items()},
                unit_notes=[n for a in parts for n in a.meta.get("unit_notes", [])],
                scenario_not_applied=sorted({k for a in parts for k in a.meta.get("scenario_not_applied", [])}),
                # the run's data end after the as-of year only if every part's do
                as_of_after_data=None if None in after else max(after))
    fc = Forecast(tuple(sf for a in parts for sf in a.forecast.series), seed=parts[0].forecast.seed,
                  draws=parts[0].forecast.draws, model=parts[0].forecast.model,
                  meta={"skipped": meta["skipped"]})
    observed = {k: v for a in parts for k, v in a.observed.items()}
    return Assessment(table=table, portfolio=port, meta=meta, forecast=fc, targets=targets,
                      attained_paths=attained, observed=observed, parts=tuple(parts))


_REASON_NOTES = {
    "no_history": "No usable history for this indicator: no probability can be computed.",
    "no_baseline": "No baseline level (baseline_value, or an observation in baseline_year): cannot be judged.",
    "gap_in_window": "A year needed by the target is missing inside the history: cannot be judged.",
    "no_path": "The forecast does not reach the target year.",
}


def _first_year(arrays) -> int | None:
    return int(arrays[0][0]) if arrays is not None and len(arrays[0]) else None


def _assess_one(tr, fc, known, full, skipped, peers, as_of, thresholds, tol):
    key = (tr["region"], tr["indicator"])
    kind = kind_of(tr)
    flags: list[str] = []
    notes: list[str] = []
    sf = fc.get(*key)
    years, values = known.get(key, (np.empty(0, dtype=int), np.empty(0)))
    if sf is None:
        # "too_short": observed, but not enough to project (the engine says why); "no_history": nothing at all.
        flags.append("too_short" if years.size else "no_history")
        msg = skipped.get(key)
        notes.append(f"Not forecast: {msg}" if msg else _REASON_NOTES["no_history"])
    else:
        flags.extend(sf.flags_for(int(tr["target_year"])))
        notes.extend(sf.notes_for(int(tr["target_year"])))
    ev = evaluate_target(tr, sf, as_of=as_of)
    first = _first_year(full.get(key))
    if first is not None and int(tr["target_year"]) < first:
        # A target year before the first observation: nothing observed or simulated can judge it
        # (most likely a typo in target_year); never a "missing year inside the history".
        ev = dict(ev, p_attain=float("nan"), p_attain_se=float("nan"), p10=float("nan"), p50=float("nan"),
                  p90=float("nan"), observed=False, reason="target_before_data", outcome=None, outcome_value=None)
        notes.append(f"The target year {int(tr['target_year'])} is before the first observation ({first}) of "
                     f"{key[0]}/{key[1]}: it cannot be judged; check target_year")
    if sf is None and years.size:
        # Too short to project, but the target year may already be observed (e.g. a plan's
        # final-year outcome as its only observation): then the outcome is known.
        obs = evaluate_target(tr, _observed_sf(key[0], key[1], years, values), as_of=as_of)
        if obs["observed"]:
            ev = obs
            flags.remove("too_short")
            notes.pop()
    if ev["reason"] == "target_before_data":
        flags.append(ev["reason"])
    elif ev["reason"] and ev["reason"] != "no_history":  # no_history is already flagged above
        flags.append(ev["reason"])
        notes.append(_REASON_NOTES.get(ev["reason"], f"Cannot be judged ({ev['reason']})."))
    base, from_series = baseline_level(tr, sf) if sf is not None else (float("nan"), False)
    if from_series and kind in PERCENT_KINDS:
        flags.append("baseline_from_series")
        notes.append(f"Baseline level taken from the series' {int(tr['baseline_year'])} observation.")
    mv = midterm_view(tr, years, values, as_of=as_of, tol=tol, peers=peers)
    if ev["reason"] == "target_before_data":  # no progress to speak of either
        mv = dict(mv, time_progress=float("nan"), completion=float("nan"), status="n/a",
                  required_growth=float("nan"), flags=[])
    for f in mv["flags"]:
        if f == "stale_data":
            notes.append(f"Latest observation is {mv['latest_year']}, before the as-of year {as_of}; "
                         f"the status compares completion with the time progress of {mv['latest_year']}.")
        if f == "needs_unprecedented_growth":
            notes.append("The growth still needed is faster than any yearly growth this indicator"
                         + (" or its peers" if np.isfinite(mv["max_growth_peers"]) else "") + " has shown.")
        flags.append(f)

    p = ev["p_attain"]
    risk = risk_level(p, observed=ev["observed"], thresholds=thresholds)
    if ev["observed"]:
        flags.append("observed")
    elif np.isfinite(p):
        if (mv["status"] in ("as_expected", "ahead") and p < 0.5) or (mv["status"] == "behind" and p >= 0.8):
            flags.append("rule_vs_probability")
            notes.append(f"The mid-term rule says '{mv['status']}' but P(attain) is {p:.2f}.")

    # The real outcome, when the replay's target year is observed in the full series.
    outcome, outcome_value = ev["outcome"], ev["outcome_value"]
    if outcome is None and key in full:
        fy, fv = full[key]
        if fy.size and int(tr["target_year"]) <= int(fy[-1]):
            later = evaluate_target(tr, _observed_sf(key[0], key[1], fy, fv), as_of=int(fy[-1]))
            if later["observed"]:
                outcome, outcome_value = later["outcome"], later["outcome_value"]

    hist_g = next((g for g in (mv["historical_growth_5y"], mv["historical_growth_3y"], mv["historical_growth_all"])
                   if np.isfinite(g)), float("nan"))
    by = _int(tr, "baseline_year")
    row = {
        "plan": tr["plan"],
        "region": tr["region"],
        "indicator": tr["indicator"],
        "name": tr.get("name", None),
        "unit": tr.get("unit", None),
        "kind": kind,
        "direction": tr.get("direction", "up"),
        "strict": bool(tr.get("strict", False)) if not pd.isna(tr.get("strict", False)) else False,
        "category": tr.get("category", None),
        "attribute": tr.get("attribute", None),
        "target_year": int(tr["target_year"]),
        "target_value": _float(tr, "target_value"),
        "baseline_year": by,
        "baseline_value": _float(tr, "baseline_value"),
        "as_of": as_of,
        "last_year": mv["latest_year"],
        "last_value": _latest_quantity(tr, kind, years, values, base if sf is not None else mv["baseline_level"]),
        "n_obs": int(years.size),
        "p_attain": p,
        "p_attain_se": ev["p_attain_se"],
        "p10": ev["p10"],
        "p50": ev["p50"],
        "p90": ev["p90"],
        "expected_shortfall": ev["expected_shortfall"],
        "first_year_median": ev["first_year_median"],
        "p_reached_before": ev["p_reached_before"],
        "required_growth": mv["required_growth"],
        "historical_growth": hist_g,
        "historical_growth_3y": mv["historical_growth_3y"],
        "historical_growth_5y": mv["historical_growth_5y"],
        "time_progress": mv["time_progress"],
        "completion": mv["completion"],
        "status": mv["status"],
        "risk": risk,
        "model": sf.model if sf is not None else "",
        "flags": ";".join(dict.fromkeys(flags)),
        "notes": "; ".join(n.rstrip(". ") for n in dict.fromkeys(notes)),
        "outcome": outcome,
        "outcome_value": outcome_value,
        "completion_method": mv["completion_method"],
        "max_growth_own": mv["max_growth_own"],
        "max_growth_peers": mv["max_growth_peers"],
    }
    return row, ev["attained"]

