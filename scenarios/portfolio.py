"""Portfolio view: how many targets of a plan are met, computed on the joint sample paths.

Path ``i`` of every series is one joint future, so counting the targets met on path ``i`` and
taking shares over paths gives the distribution of the *number* of targets met. That is only
as honest as the dependence between series in the paths: independent paths understate the
spread of the count (and overstate P(all met) when indicators really move together), which is
why :func:`scenarios.correlation.couple` can impose a common factor first.

Reference: Glasserman, *Monte Carlo Methods in Financial Engineering* (2004), §1.1 (estimating
joint-event probabilities from common simulated scenarios).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scenarios.errors import ScenarioError

BINDING = "约束性"

PORTFOLIO_COLUMNS = [
    "plan",
    "scope",
    "category",
    "n_targets",
    "n_evaluable",
    "expected_met",
    "p_all_binding",
    "p_at_least_half",
    "p_at_least_80pct",
    "p_all",
    "k_half",
    "k_80pct",
]


def _matrix(idx, attained_paths: dict) -> np.ndarray | None:
    arrays = [np.asarray(attained_paths[i], dtype=bool) for i in idx]
    if not arrays:
        return None
    n = max(a.size for a in arrays)
    cols = []
    for i, a in zip(idx, arrays):
        if a.size == n:
            cols.append(a)
        elif a.size == 1 or (a.size and a.all()) or (a.size and not a.any()):
            cols.append(np.full(n, bool(a.flat[0])))  # an observed outcome: constant on every path
        else:
            raise ScenarioError(
                f"Target row {i} has {a.size} paths but others have {n}; joint counts need the same "
                "number of draws for every series. Forecast all series with one 'draws'.",
                reason="path_mismatch",
            )
    return np.column_stack(cols)


def _summary(rows: pd.DataFrame, attained_paths: dict) -> dict:
    idx = [i for i in rows.index if attained_paths.get(i) is not None]
    out = {
        "n_targets": int(len(rows)),
        "n_evaluable": len(idx),
        "expected_met": float("nan"),
        "p_all_binding": float("nan"),
        "p_at_least_half": float("nan"),
        "p_at_least_80pct": float("nan"),
        "p_all": float("nan"),
        "k_half": math.ceil(0.5 * len(idx)) if idx else 0,
        "k_80pct": math.ceil(0.8 * len(idx)) if idx else 0,
    }
    m = _matrix(idx, attained_paths)
    if m is None:
        return out
    met = m.sum(axis=1)
    out["expected_met"] = float(m.mean(axis=0).sum())
    out["p_at_least_half"] = float(np.mean(met >= out["k_half"]))
    out["p_at_least_80pct"] = float(np.mean(met >= out["k_80pct"]))
    out["p_all"] = float(np.mean(met >= len(idx)))
    if "attribute" in rows.columns:
        attr = rows.loc[idx, "attribute"].astype(object)
        binding = [j for j, i in enumerate(idx) if isinstance(attr.loc[i], str) and attr.loc[i].strip() == BINDING]
        if binding:
            out["p_all_binding"] = float(np.mean(m[:, binding].all(axis=1)))
    return out


def portfolio(table: pd.DataFrame, attained_paths: dict[int, np.ndarray]) -> pd.DataFrame:
    """Expected number of targets met and joint probabilities, by plan and by (plan, category).

    Parameters
    ----------
    table : DataFrame
        One row per target with at least ``plan``; ``category`` and ``attribute`` (约束性 /
        预期性) are used when present. Its index labels are the keys of ``attained_paths``.
    attained_paths : dict
        Row index -> bool array (n_paths,) saying on which paths the target is met. Observed
        outcomes are constant arrays (length n_paths, or 1). Targets missing from the dict (or
        mapped to None) could not be evaluated: counted in ``n_targets``, not in ``n_evaluable``.

    Returns
    -------
    DataFrame
        Columns ``plan, scope ("plan"|"category"), category (None for the plan row), n_targets,
        n_evaluable, expected_met, p_all_binding`` (P(all 约束性 targets met), NaN if the group
        has none), ``p_at_least_half, p_at_least_80pct, p_all`` (P(at least k of the evaluable
        targets met) for k = ceil(50 %), ceil(80 %) and all), ``k_half, k_80pct``.

    Examples
    --------
    >>> t = pd.DataFrame({"plan": ["p", "p"], "category": ["a", "b"]})
    >>> paths = {0: np.array([True, True, False, False]), 1: np.array([True, False, True, False])}
    >>> portfolio(t, paths).loc[0, ["expected_met", "p_all"]].tolist()
    [1.0, 0.25]
    """
    if "plan" not in table.columns:
        raise ScenarioError("The portfolio table needs a 'plan' column.", reason="bad_table")
    rows = []
    has_cat = "category" in table.columns
    for plan in pd.unique(table["plan"]):
        sub = table[table["plan"] == plan]
        rows.append({"plan": plan, "scope": "plan", "category": None, **_summary(sub, attained_paths)})
        if has_cat:
            cats = sub["category"].astype(object).where(sub["category"].notna(), "")
            for cat in pd.unique(cats):
                rows.append(
                    {
                        "plan": plan,
                        "scope": "category",
                        "category": cat,
                        **_summary(sub[cats == cat], attained_paths),
                    }
                )
    return pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)
