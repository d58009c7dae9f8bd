"""Target semantics: which number a target is about, per sample path, and whether it is met.

DESIGN.md "Attainment semantics" is the contract. Per path, the *target quantity* is

- ``annual`` / ``stock`` / ``ratio``: the value in ``target_year``;
- ``cumulative``: the sum of the values over ``(baseline_year, target_year]`` (observed years as
  observed, later years simulated);
- ``growth_rate``: ``100 * ((v_T / v_base) ** (1 / (T - baseline_year)) - 1)``, the average annual
  growth in percent;
- ``reduction``: ``100 * (v_base - v_T) / v_base``, the fall from the baseline in percent.

Units. Level kinds (annual, stock, ratio, cumulative) are computed in the *series* unit: the
target and baseline are multiplied by ``factor`` from units reconciliation. The two percent
kinds (growth_rate, reduction) compare a percentage with a percentage, so ``target_value`` is
never scaled; their ``baseline_value`` is a *level* of the series and is read in the series
unit (a plan states "年均增长10%" or "压减10%" in %, the base level in the series' own unit).
When a percent-kind target has no usable baseline level (missing, or 0 — a placeholder that
would divide by zero), the observed value of the series in ``baseline_year`` is used and the
target is flagged ``baseline_from_series``.

Reference: the definitions follow the plans' own wording (see ../shared/seeds) and DESIGN.md.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from forecast.errors import ForecastError
from forecast.paths import SeriesForecast
from scenarios.errors import ScenarioError

KINDS = ("annual", "stock", "ratio", "cumulative", "growth_rate", "reduction")
LEVEL_KINDS = ("annual", "stock", "ratio")
PERCENT_KINDS = ("growth_rate", "reduction")


# ----------------------------------------------------------------------------- field access
def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(np.isnan(x))  # NaN, pd.NA raise TypeError for some types
    except TypeError:
        try:
            import pandas as pd

            return bool(pd.isna(x))
        except (TypeError, ValueError):
            return False


def _float(target: Mapping, key: str) -> float:
    x = target.get(key, None)
    return float("nan") if _missing(x) else float(x)


def _int(target: Mapping, key: str) -> int | None:
    x = target.get(key, None)
    return None if _missing(x) else int(x)


def kind_of(target: Mapping) -> str:
    """The target's kind (default ``stock`` as DESIGN.md); raises ScenarioError if unknown."""
    k = target.get("kind", None)
    k = "stock" if _missing(k) or str(k).strip() == "" else str(k).strip()
    if k not in KINDS:
        raise ScenarioError(
            f"Target {_label(target)} has kind {k!r}; use one of {', '.join(KINDS)}.", reason="bad_kind"
        )
    return k


def stock_series(targets) -> frozenset:
    """The (region, indicator) series of a targets frame whose every target is a ``stock`` (a count
    in force): the targets' word that the series accumulates, which the engine's paths and centre
    follow (forecast.engine ``stocks``). Every command that forecasts a plan's series asks here."""
    if not len(targets):
        return frozenset()
    every = targets.assign(_stock=targets["kind"].astype(str).str.strip() == "stock").groupby(
        ["region", "indicator"])["_stock"].all()
    return frozenset(every.index[every.to_numpy()])


def direction_of(target: Mapping) -> str:
    d = target.get("direction", None)
    d = "up" if _missing(d) or str(d).strip() == "" else str(d).strip()
    if d not in ("up", "down"):
        raise ScenarioError(f"Target {_label(target)} has direction {d!r}; use 'up' or 'down'.", reason="bad_direction")
    return d


def strict_of(target: Mapping) -> bool:
    s = target.get("strict", False)
    if _missing(s):
        return False
    if isinstance(s, str):
        return s.strip().lower() in ("yes", "true", "1", "y")
    return bool(s)


def factor_of(target: Mapping) -> float:
    """target_value * factor = the target in the series unit (1.0 when not reconciled)."""
    f = _float(target, "factor")
    return 1.0 if np.isnan(f) else f


def _label(target: Mapping) -> str:
    return f"{target.get('plan', '?')}/{target.get('region', '?')}/{target.get('indicator', '?')} ({target.get('target_year', '?')})"


def threshold(target: Mapping) -> float:
    """The target in the units of :func:`target_quantity` (series unit, or percent for percent kinds)."""
    k = kind_of(target)
    tv = _float(target, "target_value")
    return tv if k in PERCENT_KINDS else tv * factor_of(target)


def to_target_unit(x, target: Mapping):
    """Convert quantities of :func:`target_quantity` back to the target's own unit."""
    k = kind_of(target)
    return x if k in PERCENT_KINDS else np.asarray(x, dtype=float) / factor_of(target)


# ----------------------------------------------------------------------------- baseline
def baseline_level(target: Mapping, sf: SeriesForecast | None) -> tuple[float, bool]:
    """The baseline level in the series unit and whether it was taken from the series.

    Level kinds use ``baseline_value * factor``; percent kinds read ``baseline_value`` as a
    series level (see module notes). Missing (or, for percent kinds, zero) baseline values fall
    back to the observation in ``baseline_year``. NaN when neither exists.
    """
    k = kind_of(target)
    by = _int(target, "baseline_year")
    bv = _float(target, "baseline_value")
    if k in PERCENT_KINDS:
        if not np.isnan(bv) and bv != 0:
            return bv, False
    elif not np.isnan(bv):
        return bv * factor_of(target), False
    if by is not None and sf is not None:
        hit = np.flatnonzero(np.asarray(sf.obs_years) == by)
        if hit.size:
            return float(sf.obs_values[hit[-1]]), True
    return float("nan"), False


def _at(sf: SeriesForecast, year: int, target: Mapping, reason: str) -> np.ndarray:
    try:
        return np.asarray(sf.at(year), dtype=float)
    except ForecastError as exc:
        if year <= sf.last_year:
            raise ScenarioError(
                f"Target {_label(target)}: series {sf.region}/{sf.indicator} has no observation for {year} "
                f"(a gap inside its history), so the target cannot be judged. Add the {year} value to the series.",
                reason="gap_in_window",
            ) from exc
        raise ScenarioError(
            f"Target {_label(target)}: the forecast of {sf.region}/{sf.indicator} does not reach {year}. "
            f"Forecast to at least {year}.",
            reason=reason,
        ) from exc


def window_years(target: Mapping) -> np.ndarray:
    """Years summed by a cumulative target: baseline_year+1 .. target_year."""
    by = _int(target, "baseline_year")
    ty = int(target["target_year"])
    if by is None:
        raise ScenarioError(
            f"Target {_label(target)} is cumulative but has no baseline_year; the sum runs over "
            "(baseline_year, target_year]. Add baseline_year to the targets file.",
            reason="no_baseline",
        )
    return np.arange(by + 1, ty + 1)


# ----------------------------------------------------------------------------- public API
def target_quantity(target: Mapping, sf: SeriesForecast) -> np.ndarray:
    """The quantity a target is judged on, per sample path.

    Parameters
    ----------
    target : Mapping
        One target row (plan, region, indicator, kind, direction, strict, target_year,
        target_value, baseline_year, baseline_value, factor ...).
    sf : SeriesForecast
        The series of the target: observations plus sample paths.

    Returns
    -------
    numpy.ndarray
        Shape (n_paths,). Series unit for level kinds, percent for growth_rate / reduction.

    Raises
    ------
    ScenarioError
        With ``reason`` ``"no_baseline"`` (cumulative / percent kind without a baseline),
        ``"gap_in_window"`` (a needed year is inside the history but not observed) or
        ``"no_path"`` (the forecast does not reach the year).

    Examples
    --------
    >>> import numpy as np
    >>> sf = SeriesForecast("r", "x", np.array([2021, 2022]), np.array([[1.0, 2.0], [3.0, 4.0]]),
    ...                     np.array([2.0, 3.0]), "hand", np.array([2019, 2020]), np.array([1.0, 1.0]))
    >>> target_quantity({"kind": "cumulative", "baseline_year": 2020, "target_year": 2022}, sf)
    array([3., 7.])
    """
    k = kind_of(target)
    ty = int(target["target_year"])
    if k in LEVEL_KINDS:
        return _at(sf, ty, target, "no_path").copy()
    if k == "cumulative":
        years = window_years(target)
        total = np.zeros(sf.n_paths)
        for y in years:  # a loop over years (<= a decade), vectorised over paths
            total = total + _at(sf, int(y), target, "no_path")
        return total
    base, _ = baseline_level(target, sf)
    by = _int(target, "baseline_year")
    if np.isnan(base) or (k == "growth_rate" and by is None):
        raise ScenarioError(
            f"Target {_label(target)} ({k}) needs a baseline level: give baseline_value, or a baseline_year "
            "that the series observes.",
            reason="no_baseline",
        )
    v_t = _at(sf, ty, target, "no_path")
    if k == "growth_rate":
        n = ty - by
        if n <= 0:
            raise ScenarioError(
                f"Target {_label(target)}: target_year must be after baseline_year {by}.", reason="bad_years"
            )
        ratio = v_t / base
        # A path that ends at or below zero has lost everything: report -100 % rather than NaN,
        # so it counts as a miss for an 'up' target instead of disappearing from the share.
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(ratio > 0, np.power(np.where(ratio > 0, ratio, 1.0), 1.0 / n) - 1.0, -1.0)
        return 100.0 * g
    return 100.0 * (base - v_t) / base


def is_attained(q: np.ndarray, target: Mapping) -> np.ndarray:
    """Boolean (n_paths,): does each path meet the target? NaN quantities never do.

    ``up``: q >= target (strict: q > target); ``down``: q <= target (strict: q < target).
    ``q`` is in the units of :func:`target_quantity`.
    """
    q = np.asarray(q, dtype=float)
    t = threshold(target)
    strict = strict_of(target)
    if direction_of(target) == "up":
        ok = q > t if strict else q >= t
    else:
        ok = q < t if strict else q <= t
    return ok & ~np.isnan(q)


def _years_to_check(target: Mapping, sf: SeriesForecast) -> np.ndarray:
    ty = int(target["target_year"])
    by = _int(target, "baseline_year")
    start = by + 1 if by is not None else sf.last_year
    return np.arange(start, ty + 1)


def first_year_reached(target: Mapping, sf: SeriesForecast) -> np.ndarray:
    """Per path, the first year in which the target is met; NaN if not met by ``target_year``.

    Years checked: ``baseline_year + 1 .. target_year`` (from the latest observation when there
    is no baseline). For annual / stock / ratio / reduction the year's value (or reduction) is
    compared with the target; for cumulative the running sum. Years neither observed nor
    simulated (gaps) are skipped. ``growth_rate`` targets have no meaningful "reached early"
    (the average is over the whole period), so all NaN.
    """
    k = kind_of(target)
    out = np.full(sf.n_paths, np.nan)
    if k == "growth_rate":
        return out
    if k == "cumulative" and _int(target, "baseline_year") is None:
        return out
    years = _years_to_check(target, sf)
    if k == "reduction":
        base, _ = baseline_level(target, sf)
        if np.isnan(base):
            return out
    running = np.zeros(sf.n_paths)
    for y in years:
        try:
            v = np.asarray(sf.at(int(y)), dtype=float)
        except ForecastError:
            if k == "cumulative":  # a hole in the sum: later running sums are unknown
                return out
            continue
        if k == "cumulative":
            running = running + v
            q = running
        elif k == "reduction":
            q = 100.0 * (base - v) / base
        else:
            q = v
        hit = is_attained(q, target) & np.isnan(out)
        out[hit] = y
    return out
