"""The public API: ``import targetcast as tc``. The CLI calls these same functions, so the
numbers agree for the same arguments (same seed, same draws, same reference panel)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from targetcast.assessment import Assessment, risk_frame
from targetcast.defaults import CONFIDENCE, DRAWS, MODEL, SEED, SUGGEST_TO_YEAR, THRESHOLDS, TOL
from targetcast.inputs import (is_bundled, load_series, load_targets, panel_of, plan_list, series_table, targets_table,
                               typo_warnings, unmatched_warnings)

__all__ = ["assess", "compare", "suggest", "forecast", "backtest", "replay", "bundled", "load_series",
           "load_targets", "load_scenarios", "Bundled"]


@dataclass(frozen=True, eq=False)
class Bundled:
    """The data shipped with targetcast: ``targets`` and ``series`` (loaded tables with
    ``.frame``) and ``plans`` (one row per plan: region, period, targets, history)."""

    targets: object
    series: object
    plans: pd.DataFrame


def bundled() -> Bundled:
    """The bundled plans' targets and the published series behind them (history/data)."""
    from history.bundled import plans_summary

    t, s = load_targets(), load_series()
    return Bundled(t, s, plans_summary(t.frame, s.frame))


def load_scenarios(path) -> dict:
    """The what-if scenarios of a TOML file, name -> Scenario (``examples/scenarios.toml``)."""
    from scenarios.scenario import load_scenarios as read

    return read(path)


def _scenario_warnings(scenarios, targets: pd.DataFrame, series: pd.DataFrame) -> list[str]:
    from scenarios.scenario import unmatched_adjustments

    return [w for sc in scenarios if sc is not None for w in unmatched_adjustments(sc, targets, series)]


def _scenario_map(scenarios, names=None) -> dict:
    from scenarios.scenario import get_scenario

    found = load_scenarios(scenarios) if not isinstance(scenarios, Mapping) else dict(scenarios)
    return {n: get_scenario(found, n) for n in names} if names else found


def assess(
    plans=None,
    *,
    targets=None,
    series=None,
    as_of: int | None = None,
    scenario=None,
    compare=None,
    model: str = MODEL,
    draws: int = DRAWS,
    seed: int = SEED,
    correlation: float | str = 0.0,
    thresholds=THRESHOLDS,
    tol: float = TOL,
    goal_seek: bool = True,
    confidence: float = CONFIDENCE,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    keep_paths: bool = True,
) -> Assessment:
    """The risk assessment of the chosen plans (``targetcast risk``).

    Parameters
    ----------
    plans : plan id or list of ids (default: every plan in the targets).
    targets, series : a path, a loaded table, a DataFrame, or None for the bundled data. Short
        series borrow from the bundled regional series plus ``series`` (``history.reference``).
    as_of : evaluation year (default: per plan, the latest year of its series).
    scenario : a ``scenarios.scenario.Scenario`` applied to the paths (``load_scenarios``).
    compare : scenarios (a mapping name -> Scenario, or a TOML path) to judge side by side on
        the same paths; the result is ``Assessment.comparison``.
    model, draws, seed : the forecast; defaults are the CLI's (``targetcast.defaults``).
    correlation : common-factor correlation in [0, 1) or "auto".
    thresholds, tol : risk cut-offs and the mid-term status tolerance.
    goal_seek, confidence : compute the uplift that lifts P(attain) to ``confidence``.
    jobs : worker processes (None: every core; the CLI's default). The run is cut into parts of
        whole plans (``targetcast.batch``); the numbers are the same for any ``jobs``.
    engine, scheduler : ``"dask"`` runs the parts on the Dask cluster at ``scheduler`` (default:
        a local cluster; needs the ``dask`` extra).
    keep_paths : keep every series' sample paths (fan charts, reports need them); False keeps
        only the tables, so a run of thousands of series holds one part's paths at a time.

    Examples
    --------
    >>> import targetcast as tc
    >>> a = tc.assess("wuhan_14fyp", draws=1000, seed=1)   # doctest: +SKIP
    >>> a.table[["name", "p_attain", "risk"]]              # doctest: +SKIP
    """
    from scenarios.projection import prepare
    from scenarios.risk import check_thresholds, check_tol
    from targetcast import batch

    plans = plan_list(plans)
    t, s = targets_table(targets), series_table(series)
    thresholds, tol = check_thresholds(thresholds), check_tol(tol)
    runs = _scenario_map(compare) if compare is not None else {}
    warnings = typo_warnings(t.frame, s.frame, plans) + _scenario_warnings([scenario, *runs.values()], t.frame,
                                                                           s.frame)
    if not is_bundled(t, s):  # the user's own files: name every target without a series
        warnings += unmatched_warnings(t.frame, s.frame, plans)
    setup = prepare(t.frame, s.frame, plans=plans, as_of=as_of, model=model, draws=draws, seed=seed,
                    correlation=correlation, panel=panel_of(s), targets_file=t.file, series_file=s.file)
    judge = batch.Judge(scenario=scenario, thresholds=thresholds, tol=tol, goal_seek=goal_seek, confidence=confidence,
                        compare=runs or None, keep_paths=keep_paths)
    res, gs, comparison = batch.run(setup, judge, jobs=jobs, engine=engine, scheduler=scheduler)
    table = risk_frame(res.table, gs if goal_seek else None, scenario=res.meta.get("scenario"), seed=seed,
                       draws=draws)
    meta = {k: res.meta.get(k) for k in ("as_of", "as_of_by_plan", "model", "draws", "seed", "scenario", "correlation")
            if k in res.meta}
    meta.update(targets=t.file, series=s.file)
    if getattr(scenario, "description", None):  # what the scenario assumes, in the file's own words
        meta["scenario_description"] = scenario.description
    warnings += _run_warnings(res, t.frame, scenario)
    return Assessment(table=table, portfolio=res.portfolio, goal_seek=gs, meta=meta, result=res, warnings=warnings,
                      comparison=comparison, sources=_sources(s.frame, table))


def _run_warnings(res, targets: pd.DataFrame, scenario) -> list[str]:
    """What the run itself shows is probably not meant: an evaluation year after the data, and
    'down' series a scenario's all-indicator adjustments left alone (scenarios.scenario)."""
    out = []
    last_seen, as_of = res.meta.get("as_of_after_data"), res.meta.get("as_of")
    if last_seen is not None:
        out.append(f"the as-of year {as_of} is after the latest observation ({last_seen}): every row is judged on "
                   f"data that old (flagged stale data). Use {last_seen}, or leave --as-of out, to judge today's data.")
    keys = res.meta.get("scenario_not_applied")
    if keys and scenario is not None:
        key = targets["region"].astype(str) + "/" + targets["indicator"].astype(str)
        names = (dict(zip(key, targets["name"])) if "name" in targets else {})
        shown = [f"{names[k]} ({k})" if isinstance(names.get(k), str) and names.get(k) else k for k in keys]
        out.append(f"scenario {scenario.name!r} moves every indicator, but not {', '.join(shown)}: their targets are "
                   "'down' (lower is better), where a slowdown would read as an improvement. Name the indicator in "
                   "an adjustment to move it anyway.")
    return out


def _sources(series: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """(region, indicator, source, years) of the series rows behind the table's targets."""
    cols = ["region", "indicator", "source", "years"]
    if "source" not in series.columns:
        return pd.DataFrame(columns=cols)
    keys = set(zip(table["region"], table["indicator"]))
    used = series[[k in keys for k in zip(series["region"], series["indicator"])]]
    used = used[used["source"].astype(str).str.strip() != ""]
    if not len(used):
        return pd.DataFrame(columns=cols)
    from history.bundled import years_text

    out = (used.groupby(["region", "indicator", "source"], sort=True)["year"]
           .apply(lambda y: years_text(sorted(set(int(v) for v in y)))).reset_index(name="years"))
    return out[cols]


def compare(
    scenarios,
    plans=None,
    *,
    names=None,
    targets=None,
    series=None,
    as_of: int | None = None,
    model: str = MODEL,
    draws: int = DRAWS,
    seed: int = SEED,
    jobs: int | None = 1,
) -> pd.DataFrame:
    """P(attain) per target under the baseline and every scenario, side by side (``targetcast
    compare``): one projection, every scenario applied to the same paths.

    ``scenarios``: a TOML path or a mapping name -> Scenario; ``names`` keeps only those.
    ``jobs``: worker processes, as for :func:`assess` (same numbers for any ``jobs``).
    ``attrs["meta"]`` holds the run parameters, ``attrs["warnings"]`` the probable mistakes."""
    from scenarios.compare import check_names
    from scenarios.projection import prepare
    from targetcast import batch

    plans = plan_list(plans)
    t, s = targets_table(targets), series_table(series)
    found = check_names(_scenario_map(scenarios, names))
    warnings = typo_warnings(t.frame, s.frame, plans) + _scenario_warnings(found.values(), t.frame, s.frame)
    setup = prepare(t.frame, s.frame, plans=plans, as_of=as_of, model=model, draws=draws, seed=seed,
                    panel=panel_of(s), targets_file=t.file, series_file=s.file)
    frame = batch.run(setup, batch.Judge(goal_seek=False, compare=found, keep_paths=False), jobs=jobs)[2]
    frame.attrs["warnings"] = warnings
    frame.attrs["meta"] = {**frame.attrs.get("meta", {}), "scenario_names": list(found),
                           "scenario_descriptions": {n: sc.description for n, sc in found.items()}}
    return frame


def suggest(
    plans=None,
    *,
    targets=None,
    series=None,
    to_year: int = SUGGEST_TO_YEAR,
    confidence: float = CONFIDENCE,
    model: str = MODEL,
    draws: int = DRAWS,
    seed: int = SEED,
) -> pd.DataFrame:
    """For drafting the next plan: per indicator of ``plans`` (default: every series), the
    ``to_year`` value met with probability ``confidence`` (``targetcast suggest``)."""
    from scenarios.suggest import plan_selection, suggest as run, with_names

    plans = plan_list(plans)
    t, s = targets_table(targets), series_table(series)
    data, directions, names, stocks = plan_selection(t.frame, s.frame, plans)
    warnings = typo_warnings(t.frame, s.frame, plans) if plans else []
    frame = run(data, to_year=to_year, confidence=confidence, model=model, draws=draws, seed=seed,
                panel=panel_of(s), direction=directions or "up", stocks=stocks)
    frame = with_names(frame, names)
    frame.attrs["warnings"] = warnings
    return frame


def forecast(
    series,
    *,
    to_year: int | None = None,
    horizon: int | None = None,
    model: str = MODEL,
    draws: int = DRAWS,
    seed: int = SEED,
    progress=None,
):
    """Sample paths of every series to ``to_year`` (or ``horizon`` years past the latest year in
    the file) (``targetcast forecast``). Series that cannot be projected are listed in
    ``meta["skipped"]``; ``.to_frame(levels)`` gives the fan table. ``progress(done, total)``
    is called after each series (the CLI's progress bar on many series).

    Raises ForecastError when neither or both of ``to_year`` / ``horizon`` are given, when the
    year is not after the data, or when no series can be projected."""
    from forecast.engine import forecast_series
    from forecast.errors import ForecastError

    s = series_table(series)
    if (horizon is None) == (to_year is None):
        raise ForecastError("Give exactly one of to_year or horizon.")
    first, last = int(s.frame["year"].min()), int(s.frame["year"].max())
    end = int(to_year) if to_year is not None else last + int(horizon)
    if end <= first:
        raise ForecastError(f"--to-year {end} is not after the data in {s.file} (years {first}–{last}). "
                            "Choose a later year.")
    fc = forecast_series(s.frame, to_year=end, model=model, draws=draws, seed=seed, panel=panel_of(s), errors="skip",
                         progress=progress)
    if not len(fc):  # the first reasons; every one is in meta["skipped"]
        raise ForecastError("No series could be projected: " + "; ".join(list(fc.meta.get("skipped", {}).values())[:5]))
    fc.meta["to_year"] = end
    return fc


def backtest(series, *, models=None, horizon: int = 3, draws: int = DRAWS, seed: int = SEED) -> pd.DataFrame:
    """Rolling-origin accuracy and interval coverage per model (``targetcast backtest``)."""
    from forecast.backtest import backtest as run

    return run(series_table(series).frame, models=models, horizon=horizon, draws=draws, seed=seed)


def replay(
    plans=None,
    *,
    targets=None,
    series=None,
    as_of: int | None = None,
    model: str = MODEL,
    draws: int = DRAWS,
    seed: int = SEED,
):
    """What targetcast said at a mid-term year beside what happened (``targetcast replay``):
    ``scenarios.replay.Replay`` with ``rows``, ``scorecard``, ``reliability``, ``meta`` and
    ``warnings`` (targets whose name matches no series while a close spelling does)."""
    from scenarios.replay import replay as run

    plans = plan_list(plans)
    t, s = targets_table(targets), series_table(series)
    res = run(t.frame, s.frame, plans=plans, as_of=as_of, model=model, draws=draws, seed=seed, panel=panel_of(s),
              targets_file=t.file, series_file=s.file)
    res.meta["warnings"] = typo_warnings(t.frame, s.frame, plans)
    return res
