"""Replay: what targetcast said at a mid-term year, beside what happened, and a scorecard.

A final evaluation (终期评估) says which targets were attained. :func:`replay` asks the
question no plan document answers: had we run targetcast at the mid-term, how good would its
probabilities have been? For every target whose outcome is now observed and whose target year
lies after the as-of year, it runs :func:`scenarios.risk.assess` with ``as_of`` (observations
and peer rows after that year are dropped before forecasting) and puts P(attain) and the
rule-based mid-term status next to the real outcome.

Scores (Gneiting & Raftery 2007, "Strictly proper scoring rules", JASA 102:359-378):

* Brier score: mean of (p - y)^2, y = 1 if attained. 0 is perfect; always saying 0.5 scores 0.25.
* Log score: mean of ln p(what happened), P clipped to [CLIP_LO, CLIP_HI] = [0.005, 0.995]
  first so one confident miss costs ln 0.005 = -5.3 rather than minus infinity. 0 is perfect;
  always saying 0.5 scores ln 0.5 = -0.693. Higher is better.
* Reliability: targets grouped by P(attain) in the risk bands (``RELIABILITY_BINS``, the
  default thresholds 0.2 / 0.5 / 0.8): how many, their mean P, and how many were attained.
* The rule-based status as a hard 0/1 forecast (``achieved_early``/``ahead``/``as_expected``
  -> 1, ``behind`` -> 0, ``n/a`` not scored), scored the same way (with the same clipping).

Targets without a probability at the as-of year (no or too little history then) are listed with
``scored = False`` and counted, never scored.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.errors import ScenarioError
from scenarios.risk import assess, select_plans

CLIP_LO, CLIP_HI = 0.005, 0.995

#: Bands of P(attain) for the reliability table: [lo, hi), the last one closed.
RELIABILITY_BINS = ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0))

#: Mid-term status -> the rule's hard forecast (1 = will attain, 0 = will miss).
STATUS_FORECAST = {"achieved_early": 1, "ahead": 1, "as_expected": 1, "behind": 0}

ROW_COLUMNS = [
    "plan", "region", "indicator", "name", "unit", "kind", "direction", "target_year", "target_value", "as_of",
    "n_obs", "last_year", "p_attain", "risk", "status", "rule_forecast", "outcome", "outcome_value", "attained",
    "scored", "brier", "log_score", "flags",
]
SCORE_COLUMNS = ["forecast", "n", "n_attained", "brier", "log_score", "brier_always_half", "log_score_always_half",
                 "accuracy"]
RELIABILITY_COLUMNS = ["p_band", "n", "mean_p", "n_attained", "observed_rate"]


@dataclass(frozen=True)
class Replay:
    """The result of :func:`replay`.

    Attributes
    ----------
    rows : one row per resolved target (columns ``ROW_COLUMNS``), in plan order.
    scorecard : one row for P(attain) and one for the rule status (``SCORE_COLUMNS``).
    reliability : P(attain) bands (``RELIABILITY_COLUMNS``).
    meta : as_of_by_plan, seed, draws, model, clip, n_resolved, n_scored, n_not_scored,
        plans_without_outcomes.
    """

    rows: pd.DataFrame
    scorecard: pd.DataFrame
    reliability: pd.DataFrame
    meta: dict


def midterm_year(plan_targets: pd.DataFrame) -> int:
    """Default as-of year of a plan: the middle of its period, rounded down.

    The period runs from the earliest baseline year to the latest target year (a 2020-2025
    plan -> 2022, an annual 2024-2025 work plan -> 2024). A plan without a baseline year is
    replayed from the year before its last target year.

    Examples
    --------
    >>> midterm_year(pd.DataFrame({"baseline_year": [2015, None], "target_year": [2020, 2020]}))
    2017
    >>> midterm_year(pd.DataFrame({"baseline_year": [None], "target_year": [2025]}))
    2024
    """
    ends = pd.to_numeric(plan_targets["target_year"], errors="coerce").dropna()
    starts = pd.to_numeric(plan_targets["baseline_year"], errors="coerce").dropna()
    end = int(ends.max())
    if not len(starts):
        return end - 1
    start = int(starts.min())
    return min(start + (end - start) // 2, end - 1)


def log_score(p, y) -> np.ndarray:
    """ln of the probability given to what happened, P clipped to [CLIP_LO, CLIP_HI].

    Examples
    --------
    >>> [round(float(v), 3) for v in log_score([0.9, 0.9, 1.0], [1, 0, 0])]
    [-0.105, -2.303, -5.298]
    """
    p = np.clip(np.asarray(p, dtype=float), CLIP_LO, CLIP_HI)
    y = np.asarray(y, dtype=float)
    return np.where(y == 1, np.log(p), np.log(1 - p))


def _score(name: str, p: np.ndarray, y: np.ndarray) -> dict:
    n = int(len(p))
    if not n:
        return {"forecast": name, "n": 0, "n_attained": 0, "brier": np.nan, "log_score": np.nan,
                "brier_always_half": np.nan, "log_score_always_half": np.nan, "accuracy": np.nan}
    return {
        "forecast": name, "n": n, "n_attained": int(y.sum()),
        "brier": float(np.mean((p - y) ** 2)),
        "log_score": float(np.mean(log_score(p, y))),
        "brier_always_half": 0.25, "log_score_always_half": float(np.log(0.5)),
        # A probability read as a call at 0.5 (the rule's calls are already 0/1).
        "accuracy": float(np.mean((p >= 0.5) == (y == 1))),
    }


def reliability_table(p, y) -> pd.DataFrame:
    """Count, mean P and attained share per P(attain) band (``RELIABILITY_BINS``).

    Examples
    --------
    >>> reliability_table([0.1, 0.9, 0.85], [0, 1, 0])[["p_band", "n", "n_attained"]].values.tolist()
    [['0.0–0.2', 1, 0], ['0.2–0.5', 0, 0], ['0.5–0.8', 0, 0], ['0.8–1.0', 2, 1]]
    """
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    rows = []
    for k, (lo, hi) in enumerate(RELIABILITY_BINS):
        last = k == len(RELIABILITY_BINS) - 1
        m = (p >= lo) & ((p <= hi) if last else (p < hi))
        n = int(m.sum())
        rows.append({"p_band": f"{lo:.1f}–{hi:.1f}", "n": n, "mean_p": float(p[m].mean()) if n else np.nan,
                     "n_attained": int(y[m].sum()), "observed_rate": float(y[m].mean()) if n else np.nan})
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)


def scorecard(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scorecard, reliability) of replay rows with ``p_attain``, ``rule_forecast``, ``attained``."""
    scored = rows[rows["scored"]]
    p, y = scored["p_attain"].to_numpy(float), scored["attained"].to_numpy(float)
    rule = rows[rows["rule_forecast"].notna()]
    card = pd.DataFrame([
        _score("p_attain", p, y),
        _score("rule_status", rule["rule_forecast"].to_numpy(float), rule["attained"].to_numpy(float)),
    ], columns=SCORE_COLUMNS)
    return card, reliability_table(p, y)


def replay(
    targets: pd.DataFrame,
    series: pd.DataFrame,
    *,
    plans: list[str] | None = None,
    as_of: int | None = None,
    model: str = "auto",
    draws: int = 10_000,
    seed: int = 0,
    thresholds=(0.8, 0.5, 0.2),
    tol: float = 0.10,
    panel: pd.DataFrame | None = None,
    targets_file="targets",
    series_file="series",
) -> Replay:
    """Replay the chosen plans at ``as_of`` (default: each plan's :func:`midterm_year`) and score them.

    Parameters are those of :func:`scenarios.risk.assess`. Only targets whose outcome is
    observed in ``series`` and whose target year is after the as-of year are kept: a target
    already decided at the as-of year was not a forecast.

    Raises
    ------
    ScenarioError
        Unknown plan; ``as_of`` not before any chosen target year.
    """
    t = select_plans(targets, plans)
    if not len(t):
        raise ScenarioError("There are no targets to replay (empty targets frame).", reason="no_targets")
    years = {str(p): (int(as_of) if as_of is not None else midterm_year(g)) for p, g in t.groupby("plan", sort=False)}
    if as_of is not None and int(as_of) >= int(pd.to_numeric(t["target_year"]).max()):
        raise ScenarioError(
            f"--as-of {as_of} is not before any target year of the chosen plans (latest "
            f"{int(pd.to_numeric(t['target_year']).max())}): nothing would be a forecast. Choose an earlier year.",
            reason="bad_parameter")
    kwargs = dict(model=model, draws=draws, seed=seed, thresholds=thresholds, tol=tol, panel=panel,
                  targets_file=targets_file, series_file=series_file)
    tables = []
    for year in sorted(set(years.values())):
        chosen = [p for p, y in years.items() if y == year]
        tables.append(assess(targets, series, plans=chosen, as_of=year, **kwargs).table)
    table = pd.concat(tables, ignore_index=True)
    order = {p: k for k, p in enumerate(years)}
    table = table.iloc[np.argsort([order[str(p)] for p in table["plan"]], kind="stable")].reset_index(drop=True)

    resolved = table[table["outcome"].isin(["attained", "missed"])
                     & (table["target_year"].astype(int) > table["as_of"].astype(int))].copy()
    resolved["attained"] = (resolved["outcome"] == "attained").astype(int)
    resolved["scored"] = resolved["p_attain"].notna()
    resolved["rule_forecast"] = pd.array([STATUS_FORECAST.get(s) for s in resolved["status"]], dtype="Int64")
    p, y = resolved["p_attain"].to_numpy(float), resolved["attained"].to_numpy(float)
    resolved["brier"] = np.where(resolved["scored"], (p - y) ** 2, np.nan)
    resolved["log_score"] = np.where(resolved["scored"], log_score(np.nan_to_num(p, nan=0.5), y), np.nan)
    rows = resolved.reindex(columns=ROW_COLUMNS).reset_index(drop=True)
    card, rel = scorecard(rows)
    meta = {
        "as_of_by_plan": years, "seed": int(seed), "draws": int(draws), "model": model,
        "clip": [CLIP_LO, CLIP_HI], "n_resolved": int(len(rows)), "n_scored": int(rows["scored"].sum()),
        "n_not_scored": int((~rows["scored"]).sum()),
        "plans_without_outcomes": [p for p in years if p not in set(rows["plan"])],
    }
    return Replay(rows=rows, scorecard=card, reliability=rel, meta=meta)
