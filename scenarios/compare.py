"""Scenarios side by side: P(attain) per target under the baseline and every what-if.

Every run uses the same seed, so the baseline and each scenario start from the SAME
sample paths (common random numbers): a difference in P(attain) is the scenario's effect,
not Monte Carlo noise. A target the scenario does not touch keeps exactly the baseline
probability (d = 0), and so does every target whose outcome is already observed.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from scenarios.errors import ScenarioError
from scenarios.scenario import Scenario

#: columns that identify a target row across runs (the tables are sorted by risk, which differs)
KEY_COLUMNS = ["plan", "region", "indicator", "name", "target_year", "target_value"]


def _keyed(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a stable row key: KEY_COLUMNS plus the occurrence number of duplicates."""
    t = table.copy()
    for c in KEY_COLUMNS:
        if c not in t.columns:
            t[c] = np.nan
    # map(str) per value: astype(str) leaves a missing name (no name column) a float on some pandas
    key = t[KEY_COLUMNS].apply(lambda col: col.map(str)).agg("\x1f".join, axis=1)
    t["_key"] = key + "\x1f" + t.groupby(key, sort=False).cumcount().astype(str)
    return t


def compare(
    targets: pd.DataFrame,
    series: pd.DataFrame,
    scenarios: Mapping[str, Scenario],
    *,
    plans=None,
    **assess_kwargs,
) -> pd.DataFrame:
    """P(attain) of every target under the baseline and each scenario, with the change.

    Parameters
    ----------
    targets, series : DataFrame
        As for :func:`scenarios.risk.assess`.
    scenarios : mapping name -> Scenario
        E.g. :func:`scenarios.scenario.load_scenarios`. An entry named ``"baseline"`` is
        allowed only if it changes nothing (it is the baseline).
    plans : list of str, optional
    **assess_kwargs
        As for :func:`scenarios.risk.assess` (``seed``, ``draws``, ``model``, ``as_of``,
        ``correlation``, ``thresholds``, ``tol`` ...). The targets are projected once
        (:func:`scenarios.risk.project`) and every scenario is evaluated on those paths.

    Returns
    -------
    DataFrame
        One row per target in the baseline table's order (plan, category, most at risk
        first). Columns: plan, region, indicator, name, target_year, target_value,
        p_baseline, then ``p_<name>``, ``d_<name>`` (= p_<name> - p_baseline) per scenario in
        the order given; then unit, category, risk_baseline and ``risk_<name>`` per scenario.
        ``attrs["meta"]``: seed, draws, model, as_of, correlation, scenarios
        (name -> description), created.
    """
    from scenarios.risk import project

    if "scenario" in assess_kwargs:
        raise ScenarioError("compare() runs every scenario itself; do not pass 'scenario'. "
                            "Pass the scenarios as the third argument.", reason="bad_parameter")
    judge = {k: assess_kwargs.pop(k) for k in ("thresholds", "tol") if k in assess_kwargs}
    return compare_projection(project(targets, series, plans=plans, **assess_kwargs), scenarios, **judge)


def check_names(scenarios: Mapping[str, Scenario]) -> dict[str, Scenario]:
    """The scenarios to run, by name: an entry named "baseline" is dropped when it changes
    nothing and refused when it does (the name is the unadjusted forecast's)."""
    runs: dict[str, Scenario] = {}
    for name, sc in scenarios.items():
        if name == "baseline":
            if getattr(sc, "adjustments", ()):
                raise ScenarioError("A scenario may not be called 'baseline' (it names the unadjusted forecast). "
                                    "Rename it.", reason="reserved_name")
            continue
        runs[str(name)] = sc
    return runs


def compare_projection(projection, scenarios: Mapping[str, Scenario], **judge) -> pd.DataFrame:
    """:func:`compare` on a projection made already (``scenarios.risk.project``); ``judge``
    (``thresholds``, ``tol``) goes to every ``scenarios.risk.evaluate``."""
    from scenarios.risk import evaluate

    runs = check_names(scenarios)
    base = evaluate(projection, **judge)
    bt = _keyed(base.table)
    out = bt[KEY_COLUMNS].copy()
    out["p_baseline"] = bt["p_attain"].astype(float).to_numpy()
    extra = {"unit": bt.get("unit"), "category": bt.get("category"), "risk_baseline": bt.get("risk")}
    metas = {"baseline": base.meta}
    for name, sc in runs.items():
        res = evaluate(projection, scenario=sc, **judge)
        st = _keyed(res.table).set_index("_key")
        missing = set(bt["_key"]) - set(st.index)
        if missing:  # cannot happen unless assess drops rows per scenario; say so rather than misalign
            raise ScenarioError(f"Scenario {name!r} returned a different set of targets than the baseline "
                                f"({len(missing)} missing).", reason="misaligned")
        p = st.loc[bt["_key"], "p_attain"].astype(float).to_numpy()
        out[f"p_{name}"] = p
        # Rounded: both are shares of paths, so float noise (-0.006000000000000005) is not information.
        out[f"d_{name}"] = np.round(p - out["p_baseline"].to_numpy(), 10)
        extra[f"risk_{name}"] = pd.Series(st.loc[bt["_key"], "risk"].to_numpy(), index=bt.index)
        metas[name] = res.meta
    for col, values in extra.items():
        out[col] = values if values is not None else np.nan
    out = out.reset_index(drop=True)
    m = base.meta
    out.attrs["meta"] = {
        "seed": m.get("seed"), "draws": m.get("draws"), "model": m.get("model"), "as_of": m.get("as_of"),
        "correlation": m.get("correlation"), "created": m.get("created"),
        "scenarios": {name: getattr(sc, "description", "") for name, sc in runs.items()},
    }
    return out

