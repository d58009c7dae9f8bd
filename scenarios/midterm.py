"""The rule-based mid-term view that evaluation teams already compute (中期评估).

- time progress (时序进度) ``tau = (as_of - baseline_year) / (target_year - baseline_year)``,
  clipped to [0, 1];
- completion (完成进度) ``c``:

  * ``stock`` / ``annual`` with positive baseline, latest and target values: **geometric**,
    ``log(latest / baseline) / log(target / baseline)``. These are growth indicators: a series
    growing at a constant rate covers the same *log* distance every year, so geometric completion
    equals time progress exactly when the indicator is on its constant-growth track to the target
    (arithmetic completion would call such a series "behind" in the early years);
  * ``growth_rate``: geometric towards the level implied by the target average growth,
    ``v_base * (1 + g) ** (T - baseline_year)``;
  * ``ratio`` (bounded shares, which move by percentage points) and stock/annual values that are
    not all positive: **arithmetic**, ``(latest - baseline) / (target - baseline)``;
  * ``cumulative``: the share of the target total already accumulated in the window;
  * ``reduction``: the reduction achieved so far over the target reduction.

- status: ``achieved_early`` (the latest value already meets the target), ``ahead``
  (c > tau + tol), ``as_expected`` (|c - tau| <= tol), ``behind`` (c < tau - tol), ``n/a``
  (no baseline, or nothing observed after the baseline year). When the latest observation is
  older than ``as_of`` (publication lag), c is compared with the time progress *of the latest
  observation year* — comparing old data with today's calendar would call every lagging
  indicator "behind" — and the flag ``stale_data`` says so; ``time_progress`` is still reported
  at ``as_of``;
- required growth per year from the latest value, historical growth over the last 3 and 5 years
  (CAGR on actual years), and the fastest growth the indicator or its peers ever showed.

All rates are fractions (0.12 = 12 %). Values are in the series unit; targets are converted with
``factor``.

Reference: 国家发展改革委《关于开展"十四五"规划实施中期评估工作的通知》(2023) practice of
comparing 完成进度 with 时序进度; growth arithmetic as in Hyndman & Athanasopoulos, fpp3 §3.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from forecast.panel import PeerPanel, yearly_growth
from scenarios.targets import (
    _float,
    _int,
    direction_of,
    factor_of,
    is_attained,
    kind_of,
)

STATUSES = ("achieved_early", "ahead", "as_expected", "behind", "n/a")


def _cagr(v0: float, v1: float, years: float) -> float:
    if years <= 0 or not (v0 > 0 and v1 > 0):
        return float("nan")
    return float((v1 / v0) ** (1.0 / years) - 1.0)


def historical_growth(obs_years, obs_values, n: int | None) -> float:
    """CAGR over the last ``n`` years, on actual years: needs the observation ``n`` years before
    the latest (NaN otherwise). ``n=None``: over the whole observed span."""
    y = np.asarray(obs_years, dtype=int)
    v = np.asarray(obs_values, dtype=float)
    if y.size < 2:
        return float("nan")
    if n is None:
        return _cagr(v[0], v[-1], y[-1] - y[0])
    hit = np.flatnonzero(y == y[-1] - n)
    if not hit.size:
        return float("nan")
    return _cagr(v[hit[-1]], v[-1], n)


def _fastest(g: np.ndarray, level_dir: str) -> float:
    g = g[np.isfinite(g)]
    if not g.size:
        return float("nan")
    return float(g.max() if level_dir == "up" else g.min())


def _peer_growth(target: Mapping, peers, level_dir: str, as_of: int) -> float:
    """The fastest yearly growth (slowest for ``down``) any other region showed, from the
    panel's per-region summaries (``peers``: a DataFrame or a forecast.panel.PeerPanel cut
    at ``as_of``)."""
    if peers is None:
        return float("nan")
    if isinstance(peers, pd.DataFrame):
        peers = PeerPanel(peers[peers["year"].astype(int) <= as_of])
    st = peers.stats(target.get("indicator"))
    if st is None:
        return float("nan")
    fastest = st.fastest_up if level_dir == "up" else st.fastest_down
    return _fastest(fastest[st.others(target.get("region"))], level_dir)


def _required_cumulative(remaining: float, latest: float, n: int) -> float:
    """Constant growth r of the annual flow, latest * (1+r)^k for k = 1..n, whose sum is ``remaining``."""
    if n <= 0 or not latest > 0 or not remaining > 0:
        return float("nan")
    k = np.arange(1, n + 1)

    def f(r: float) -> float:
        return float(latest * np.sum((1.0 + r) ** k) - remaining)

    lo, hi = -0.999, 100.0
    if f(lo) > 0 or f(hi) < 0:
        return float("nan")
    return float(brentq(f, lo, hi, xtol=1e-10))


def midterm_view(
    target: Mapping,
    obs_years,
    obs_values,
    *,
    as_of: int,
    tol: float = 0.10,
    peers: pd.DataFrame | None = None,
) -> dict:
    """Time progress, completion, status and growth still needed for one target.

    Parameters
    ----------
    target : Mapping
        A target row (kind, direction, strict, target_year, target_value, baseline_year,
        baseline_value, factor, region, indicator).
    obs_years, obs_values : array-like
        The series' observations (series unit); those after ``as_of`` are ignored.
    as_of : int
        The evaluation year.
    tol : float
        Tolerance around time progress for ``as_expected`` (absolute, 0.10 = ±10 points).
    peers : DataFrame, optional
        Long frame (region, indicator, year, value) of other regions; rows with the target's
        indicator and another region are its peers.

    Returns
    -------
    dict
        ``time_progress``, ``completion``, ``completion_method`` ("geometric"/"arithmetic"/
        "cumulative"/"reduction"/None), ``status``, ``required_growth``,
        ``historical_growth_3y``, ``historical_growth_5y``, ``historical_growth_all``,
        ``max_growth_own``, ``max_growth_peers`` (fastest yearly growth in the direction the
        level must move: the largest for rising targets, the most negative for falling ones),
        ``latest_year``, ``latest_value`` (series unit), ``status_year`` (the year the status
        describes), ``baseline_level`` (series unit),
        ``flags`` (list of ids).

    Examples
    --------
    >>> v = midterm_view({"kind": "ratio", "target_year": 2025, "target_value": 200, "baseline_year": 2020,
    ...                   "baseline_value": 100}, [2020, 2023], [100, 150], as_of=2023)
    >>> v["time_progress"], v["completion"], v["status"]
    (0.6, 0.5, 'as_expected')
    """
    kind = kind_of(target)
    direction = direction_of(target)
    fac = factor_of(target)
    ty = int(target["target_year"])
    tv = _float(target, "target_value")
    by = _int(target, "baseline_year")
    bv = _float(target, "baseline_value")

    y = np.asarray(obs_years, dtype=int)
    v = np.asarray(obs_values, dtype=float)
    keep = (y <= int(as_of)) & np.isfinite(v)
    y, v = y[keep], v[keep]
    order = np.argsort(y, kind="stable")
    y, v = y[order], v[order]

    out = {
        "time_progress": float("nan"),
        "completion": float("nan"),
        "completion_method": None,
        "status": "n/a",
        "required_growth": float("nan"),
        "historical_growth_3y": historical_growth(y, v, 3),
        "historical_growth_5y": historical_growth(y, v, 5),
        "historical_growth_all": historical_growth(y, v, None),
        "max_growth_own": float("nan"),
        "max_growth_peers": float("nan"),
        "latest_year": int(y[-1]) if y.size else None,
        "status_year": None,
        "latest_value": float(v[-1]) if y.size else float("nan"),
        "baseline_level": float("nan"),
        "flags": [],
    }
    if by is not None and ty > by:
        out["time_progress"] = float(np.clip((int(as_of) - by) / (ty - by), 0.0, 1.0))
    if not y.size:
        return out
    ly, lv = int(y[-1]), float(v[-1])
    if ly < int(as_of) and ly < ty:
        out["flags"].append("stale_data")

    # Baseline level in the series unit: stated value, else the observation in baseline_year.
    if kind in ("growth_rate", "reduction"):
        base = bv if np.isfinite(bv) and bv != 0 else float("nan")
    else:
        base = bv * fac if np.isfinite(bv) else float("nan")
    if np.isnan(base) and by is not None and np.any(y == by):
        base = float(v[y == by][-1])
    out["baseline_level"] = base

    # The direction the LEVEL must move, for "fastest growth" comparisons.
    if kind == "reduction":
        level_dir = "down" if (tv >= 0) == (direction == "up") else "up"
    elif kind == "growth_rate":
        level_dir = "up" if tv >= 0 else "down"
    else:
        level_dir = direction

    n_left = ty - ly
    completion, method, met = float("nan"), None, False
    if kind in ("annual", "stock", "ratio"):
        tgt = tv * fac
        met = bool(is_attained(np.array([lv]), target)[0])
        if np.isfinite(base) and tgt != base:
            if kind != "ratio" and base > 0 and lv > 0 and tgt > 0:
                completion, method = np.log(lv / base) / np.log(tgt / base), "geometric"
            else:
                completion, method = (lv - base) / (tgt - base), "arithmetic"
        if n_left > 0:
            out["required_growth"] = _cagr(lv, tgt, n_left)
    elif kind == "cumulative":
        tgt = tv * fac
        if by is not None:
            in_window = (y > by) & (y <= ty)
            so_far = float(v[in_window].sum())
            met = bool(is_attained(np.array([so_far]), target)[0])
            if tgt != 0:
                completion, method = so_far / tgt, "cumulative"
            if n_left > 0:
                out["required_growth"] = _required_cumulative(tgt - so_far, lv, n_left)
    elif kind == "growth_rate":
        if np.isfinite(base) and by is not None and ty > by and base > 0:
            tgt_level = base * (1.0 + tv / 100.0) ** (ty - by)
            if lv > 0 and tgt_level != base:
                completion, method = np.log(lv / base) / np.log(tgt_level / base), "geometric"
            if n_left > 0:
                out["required_growth"] = _cagr(lv, tgt_level, n_left)
    elif kind == "reduction":
        if np.isfinite(base) and base != 0:
            achieved = 100.0 * (base - lv) / base
            met = bool(is_attained(np.array([achieved]), target)[0])
            if tv != 0:
                completion, method = achieved / tv, "reduction"
            if n_left > 0:
                out["required_growth"] = _cagr(lv, base * (1.0 - tv / 100.0), n_left)
    out["completion"] = float(completion)
    out["completion_method"] = method

    # Judge progress at the year the data describe: with data only up to an earlier year than
    # as_of, comparing old completion with today's time progress would call every indicator with
    # a publication lag "behind". The reported time_progress stays at as_of (the contract); the
    # flag stale_data tells the reader which year the status refers to.
    tau = out["time_progress"]
    if by is not None and ty > by and ly < int(as_of):
        tau = float(np.clip((ly - by) / (ty - by), 0.0, 1.0))
    out["status_year"] = min(ly, int(as_of))
    if met:
        out["status"] = "achieved_early"
    elif by is not None and ly <= by:
        out["status"] = "n/a"  # nothing observed after the baseline yet: no progress to judge
    elif np.isfinite(completion) and np.isfinite(tau):
        if completion > tau + tol:
            out["status"] = "ahead"
        elif completion < tau - tol:
            out["status"] = "behind"
        else:
            out["status"] = "as_expected"

    g = yearly_growth(y, v)
    if kind == "cumulative":
        level_dir = "up"
    out["max_growth_own"] = _fastest(g, level_dir)
    out["max_growth_peers"] = _peer_growth(target, peers, level_dir, int(as_of))
    req = out["required_growth"]
    best = [x for x in (out["max_growth_own"], out["max_growth_peers"]) if np.isfinite(x)]
    if np.isfinite(req) and best and not met:
        if level_dir == "up" and req > max(best):
            out["flags"].append("needs_unprecedented_growth")
        elif level_dir == "down" and req < min(best):
            out["flags"].append("needs_unprecedented_growth")
    return out
