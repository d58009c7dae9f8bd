"""Goal seek: how much faster (or how much more per year) to reach a target with confidence.

For a target that is not on track, the question at a review meeting is "what would it
take?". :func:`goal_seek` answers it on the SAME sample paths the probability was read
from (common random numbers): it scales every simulated year after ``as_of`` by
``(1 + g) ** (t - as_of)`` and finds, by bisection, the smallest uplift ``g`` with
P(attain) >= confidence. For flows (``annual``/``cumulative`` targets) it also finds the
smallest constant yearly addition ``a`` (every simulated year after ``as_of``) that does
it. Because the paths are fixed, P(attain) is a non-decreasing step function of ``g``
(and of ``a``), so bisection is exact up to its tolerance.

Targets whose quantity falls as the series rises (``reduction``, or ``direction = down``)
need the series to grow *less*: the returned uplift is then negative (``-0.05`` = five
percentage points less growth per year), and the addition negative.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecast.paths import SeriesForecast
from scenarios.errors import ScenarioError
from scenarios.targets import (LEVEL_KINDS, direction_of, factor_of, is_attained, kind_of, target_quantity,
                               threshold)

#: bisection stops when the bracket is narrower than this (uplift: 0.001 percentage points)
TOL = 1e-5
_MAX_ITER = 60


def _p_attain(target: Mapping, sf: SeriesForecast, paths: np.ndarray) -> float:
    q = target_quantity(target, sf.with_paths(paths))
    return float(is_attained(q, target).mean())


def _bisect(p_of, lo: float, hi: float, confidence: float):
    """Smallest x in [lo, hi] (|x| increasing from lo) with p_of(x) >= confidence; NaN if none."""
    p_lo = p_of(lo)
    if p_lo >= confidence:
        return lo, p_lo
    p_hi = p_of(hi)
    if p_hi < confidence:
        return float("nan"), p_hi
    for _ in range(_MAX_ITER):
        if abs(hi - lo) <= TOL * max(1.0, abs(hi)):
            break
        mid = 0.5 * (lo + hi)
        p_mid = p_of(mid)
        if p_mid >= confidence:
            hi, p_hi = mid, p_mid
        else:
            lo = mid
    return hi, p_hi


def _solve(p_of, guess: float | None, lo: float, hi: float, confidence: float):
    """:func:`_bisect`'s answer, checked at ``guess`` first: when ``p_of(guess) >= confidence``
    and ``p_of`` just below it does not, ``guess`` is the answer (within ``TOL``) at the cost of
    two evaluations instead of about twenty; otherwise bisection decides."""
    if guess is not None and np.isfinite(guess) and lo <= guess <= hi:
        p = p_of(guess)
        below = guess - TOL * max(1.0, abs(guess))
        if p >= confidence and (guess <= lo or p_of(max(below, lo)) < confidence):
            return guess, p
    return _bisect(p_of, lo, hi, confidence)


def _kth(needed: np.ndarray, confidence: float) -> float | None:
    """The smallest x with at least ``confidence`` of the paths' ``needed`` values <= x: the
    exact solution when each path is met from its own ``needed`` on (nan/inf: never met)."""
    n = needed.size
    k = int(np.searchsorted(np.arange(1, n + 1) / n >= confidence, True))  # fewest paths that suffice
    if not n or k >= n:
        return None
    x = float(np.partition(np.where(np.isfinite(needed), needed, np.inf), k)[k])
    # a hair above the exact value, so that rounding in (1 + g) ** s does not leave the k-th
    # path a hair short of the target
    return x + 1e-9 * max(1.0, abs(x)) if np.isfinite(x) else None


def _level_guesses(target: Mapping, level: np.ndarray, s: float, sign: float, confidence: float):
    """Closed-form (uplift, addition) for a level target (annual/stock/ratio, judged on the
    level ``level`` of each path in the target year, ``s`` years of uplift): each path is met
    from ``(T / level) ** (1 / s) - 1`` on (``1 - ...`` when less is better), or an addition of
    ``T - level``. Only a guess: :func:`_solve` checks it on the paths with the target's own
    test (``is_attained``), so strict targets and rounding stay exact."""
    t = threshold(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(level > 0, t / level, np.nan)
        g = sign * (ratio ** (1.0 / s) - 1.0) if t > 0 else np.full(level.shape, np.nan)
    add = sign * (t - level)
    return _kth(np.maximum(g, 0.0), confidence), _kth(np.maximum(add, 0.0), confidence)


def _rises_with_level(target: Mapping) -> bool:
    """True when more of the series makes the target easier to meet."""
    quantity_rises = kind_of(target) != "reduction"
    return quantity_rises == (direction_of(target) == "up")


def goal_seek(
    target: Mapping,
    sf: SeriesForecast,
    *,
    confidence: float = 0.8,
    as_of: int,
    max_uplift: float = 1.0,
) -> dict:
    """The growth uplift (and, for flows, the yearly addition) that gives P(attain) >= confidence.

    Parameters
    ----------
    target : Mapping
        One target row (see scenarios/targets.py), with ``factor`` from units reconciliation.
    sf : SeriesForecast
        The series' paths (scenario-adjusted if a scenario is being judged). Not modified.
    confidence : float in (0, 1)
    as_of : int
        Years after ``as_of`` get the uplift ``(1 + g) ** (t - as_of)``; earlier years do not.
    max_uplift : float
        Largest uplift searched (1.0 = doubling every year). Beyond it the answer is NaN.

    Returns
    -------
    dict
        ``uplift_needed`` (fraction per year; 0.0 when already at confidence; NaN when not
        reachable within ``max_uplift``), ``add_needed`` (yearly addition in the TARGET's
        unit; NaN for stocks, ratios and percent kinds, or when not reachable),
        ``p_at_solution`` (P(attain) with the uplift applied, >= confidence unless NaN),
        ``p_add_at_solution``, ``p_now`` (P(attain) as the paths stand), ``years_acting``
        (``target_year - as_of``: the years the uplift has to work in — one year of uplift for a
        2025 target judged as of 2024, even when the series was last observed years earlier),
        ``reason`` (None,
        ``"already_likely"``, ``"unreachable"`` or ``"not_simulated"``).

    Examples
    --------
    >>> import numpy as np
    >>> paths = np.linspace(80.0, 119.0, 40).reshape(40, 1)   # value in 2025, one path each
    >>> sf = SeriesForecast("r", "x", np.array([2025]), paths, np.array([100.0]), "hand",
    ...                     np.array([2024]), np.array([95.0]))
    >>> t = {"kind": "annual", "direction": "up", "target_year": 2025, "target_value": 110.0}
    >>> r = goal_seek(t, sf, confidence=0.8, as_of=2024)
    >>> round(r["uplift_needed"], 4), r["p_at_solution"] >= 0.8, round(r["add_needed"], 2)
    (0.25, True, 22.0)
    """
    if not 0.0 < confidence < 1.0:
        raise ScenarioError(f"The 'confidence' parameter must be in (0, 1). Got {confidence!r} instead.",
                            reason="bad_confidence")
    if max_uplift <= 0:
        raise ScenarioError(f"The 'max_uplift' parameter must be positive. Got {max_uplift!r} instead.",
                            reason="bad_max_uplift")
    years = np.asarray(sf.years)
    steps = np.clip(years - int(as_of), 0, None).astype(float)  # years of uplift by year t
    acting = (steps > 0).astype(float)
    base = np.asarray(sf.paths, dtype=float)
    sign = 1.0 if _rises_with_level(target) else -1.0
    kind = kind_of(target)
    p_now = _p_attain(target, sf, base)
    ty = int(target["target_year"])
    out = {"uplift_needed": float("nan"), "add_needed": float("nan"), "p_at_solution": float("nan"),
           "p_add_at_solution": float("nan"), "p_now": p_now, "years_acting": max(ty - int(as_of), 0),
           "reason": None}
    if not (years > int(as_of)).any() or ty <= max(int(as_of), sf.last_year):
        # nothing simulated after as_of acts on the target: the answer is what it is
        out["reason"] = "not_simulated"
        if p_now >= confidence:
            out.update(uplift_needed=0.0, p_at_solution=p_now, reason="already_likely")
            if kind in ("annual", "cumulative"):
                out.update(add_needed=0.0, p_add_at_solution=p_now)
        return out

    g_max = max_uplift if sign > 0 else min(max_uplift, 0.999)  # (1 + g) must stay positive
    guess_g = guess_a = None
    if kind in LEVEL_KINDS and ty in years:
        col = int(np.flatnonzero(years == ty)[0])
        guess_g, guess_a = _level_guesses(target, base[:, col], steps[col], sign, confidence)
    g, p = _solve(lambda x: _p_attain(target, sf, base * (1.0 + sign * x) ** steps), guess_g, 0.0, g_max,
                  confidence)
    out["uplift_needed"] = sign * g if not np.isnan(g) else g
    out["p_at_solution"] = p
    if kind in ("annual", "cumulative"):
        scale = abs(threshold(target)) + float(np.nanmax(np.abs(base))) if base.size else 1.0
        a_max = 2.0 * max(scale, 1e-12)
        a, pa = _solve(lambda x: _p_attain(target, sf, base + sign * x * acting), guess_a, 0.0, a_max, confidence)
        out["add_needed"] = (sign * a) / factor_of(target) if not np.isnan(a) else a
        out["p_add_at_solution"] = pa
    if p_now >= confidence:
        out["reason"] = "already_likely"
    elif np.isnan(g):
        out["reason"] = "unreachable"
    return out


_ID_COLS = ("plan", "region", "indicator", "target_year", "name", "kind", "direction")
GOAL_SEEK_COLUMNS = [
    "plan", "region", "indicator", "name", "unit", "kind", "direction", "category", "target_year", "target_value",
    "risk", "p_attain", "uplift_needed", "p_at_solution", "add_needed", "p_add_at_solution", "years_acting",
    "required_growth", "historical_growth", "confidence", "reason",
]


def _target_row(row: Mapping, targets: pd.DataFrame | None, pos: int, records: list | None = None) -> dict:
    """The reconciled target row (with ``factor``) behind one assessment table row.

    scenarios.risk.assess keeps ``targets`` in the table's order; that is used when the keys
    agree, else the row is found by its keys. ``records``: ``targets`` as dicts, when the
    caller has them (reading a pandas row per target is slow)."""
    out = dict(row)
    if targets is None or targets.empty:
        return out
    if len(targets) > pos:
        cand = records[pos] if records is not None else targets.iloc[pos].to_dict()
        if all(str(cand.get(c)) == str(row.get(c)) for c in _ID_COLS):
            tgt = dict(cand)
            tgt.update({k: v for k, v in out.items() if k not in tgt})
            return tgt
    mask = np.ones(len(targets), dtype=bool)
    for c in _ID_COLS:
        if c in targets.columns and c in row and not pd.isna(row[c]):
            mask &= (targets[c].astype(str) == str(row[c])).to_numpy()
    hits = targets[mask]
    if "target_value" in hits.columns and len(hits) > 1:
        hits = hits[np.isclose(hits["target_value"].astype(float), float(row["target_value"]))]
    if len(hits):
        tgt = hits.iloc[0].to_dict()
        tgt.update({k: v for k, v in out.items() if k not in tgt})
        return tgt
    return out


def goal_seek_table(assessment, *, confidence: float = 0.8, risks=("watch", "at_risk", "off_track"),
                    max_uplift: float = 1.0) -> pd.DataFrame:
    """Goal seek for every evaluable target of an assessment whose risk is in ``risks``.

    Parameters
    ----------
    assessment : scenarios.risk.Assessment
        Uses ``.table`` (rows and their order), ``.targets`` (reconciled rows with
        ``factor``), ``.forecast`` (the paths the probabilities came from) and
        ``.meta["as_of"]``.

    Returns
    -------
    DataFrame
        Columns :data:`GOAL_SEEK_COLUMNS` (those the table lacks are NaN), in the table's
        order. ``uplift_needed`` is a fraction per year, ``add_needed`` is in the target's unit.
    """
    parts = getattr(assessment, "parts", ())
    if parts:  # plans assessed at different as-of years: each part has its own forecast
        frames = [goal_seek_table(a, confidence=confidence, risks=risks, max_uplift=max_uplift) for a in parts]
        frames = [f for f in frames if len(f)]
        if not frames:
            return pd.DataFrame(columns=GOAL_SEEK_COLUMNS)
        out = pd.concat(frames, ignore_index=True)
        order = {p: k for k, p in enumerate(pd.unique(assessment.table["plan"]))}
        return out.iloc[np.argsort([order.get(p, len(order)) for p in out["plan"]], kind="stable")].reset_index(drop=True)
    table = assessment.table
    targets = getattr(assessment, "targets", None)
    meta_as_of = (getattr(assessment, "meta", None) or {}).get("as_of")
    rows = []
    records = targets.to_dict("records") if targets is not None else None
    for pos, row in enumerate(table.to_dict("records")):
        if row.get("risk") not in risks or pd.isna(row.get("p_attain")):
            continue
        sf = assessment.forecast.get(str(row["region"]), str(row["indicator"]))
        if sf is None:
            continue
        as_of = row.get("as_of", meta_as_of)
        as_of = int(meta_as_of if as_of is None or pd.isna(as_of) else as_of)
        target = _target_row(row, targets, pos, records)
        try:
            res = goal_seek(target, sf, confidence=confidence, as_of=as_of, max_uplift=max_uplift)
        except ScenarioError as exc:
            res = {"reason": exc.reason or "not_evaluable"}
        out = {c: row.get(c, np.nan) for c in GOAL_SEEK_COLUMNS}
        out.update({k: v for k, v in res.items() if k in GOAL_SEEK_COLUMNS})
        out["confidence"] = confidence
        rows.append(out)
    return pd.DataFrame(rows, columns=GOAL_SEEK_COLUMNS)
