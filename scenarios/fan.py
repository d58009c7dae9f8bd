"""Fan data of a target: its quantity year by year, observed and simulated, in the target's unit.

A chart of a target should show the number the target is judged on: the series itself for
annual / stock / ratio targets, the running sum over the plan window for cumulative targets,
the average growth since the baseline for growth_rate targets and the fall since the
baseline for reduction targets. :func:`target_fan` evaluates
:func:`scenarios.targets.target_quantity` with the target year moved to each year in turn, on
the observations (history; gaps stay gaps) and on the sample paths (quantiles), so the chart
and the probability read the same quantity from the same paths.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from forecast.paths import SeriesForecast
from scenarios.errors import ScenarioError
from scenarios.risk import _observed_sf
from scenarios.targets import PERCENT_KINDS, _int, kind_of, target_quantity, to_target_unit

#: quantiles drawn: the 80 % band, the 50 % band and the median
FAN_QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
FAN_COLUMNS = ["year", "observed", "p10", "p25", "p50", "p75", "p90"]
#: years of history shown before the baseline year or the last observation, whichever is earlier
CONTEXT_YEARS = 5


def _quantity(target: Mapping, sf: SeriesForecast, year: int) -> np.ndarray | None:
    try:
        q = target_quantity({**target, "target_year": int(year)}, sf)
    except ScenarioError:  # a gap, no baseline, a year before the window: nothing to show
        return None
    return np.asarray(to_target_unit(q, target), dtype=float)


def target_fan(target: Mapping, sf: SeriesForecast | None, observed: tuple | None, *, as_of: int) -> pd.DataFrame:
    """Year by year: the observed target quantity and the P10/P25/P50/P75/P90 of the simulated one.

    Parameters
    ----------
    target : one reconciled target row (with ``factor``).
    sf : the series' sample paths (scenario-adjusted when a scenario is judged), or None.
    observed : (years, values) of the whole series, later years included (a replay's outcome),
        or None.
    as_of : the evaluation year: quantiles start there (the last observed point, so the fan
        joins the history) and run to the target year.

    Returns
    -------
    DataFrame
        Columns :data:`FAN_COLUMNS`, one row per year from ``CONTEXT_YEARS`` before the baseline
        year to the target year. ``observed`` is NaN in years without an observation (gaps);
        quantiles are NaN before the as-of year.
    """
    ty = int(target["target_year"])
    kind = kind_of(target)
    region, indicator = str(target["region"]), str(target["indicator"])
    start_ref = _int(target, "baseline_year") or as_of
    rows: dict[int, dict] = {}
    if observed is not None and len(observed[0]):
        obs_years, obs_values = np.asarray(observed[0], dtype=int), np.asarray(observed[1], dtype=float)
        osf = _observed_sf(region, indicator, obs_years, obs_values)
        known = obs_years[obs_years <= as_of]
        last_known = int(known.max()) if known.size else as_of
        first = max(int(obs_years.min()), min(start_ref, last_known, as_of) - CONTEXT_YEARS)
        for y in obs_years[(obs_years >= first) & (obs_years <= ty)]:
            q = _quantity(target, osf, int(y))
            if q is not None and np.isfinite(q[0]):
                rows[int(y)] = {"year": int(y), "observed": float(q[0])}
    if sf is not None and sf.years.size:
        years = [y for y in range(min(as_of, sf.last_year), ty + 1) if y >= sf.last_year]
        for y in years:
            q = _quantity(target, sf, y)
            if q is None:
                continue
            qs = np.nanquantile(q, FAN_QUANTILES)
            row = rows.setdefault(y, {"year": y, "observed": np.nan})
            row.update({f"p{round(100 * p)}": float(v) for p, v in zip(FAN_QUANTILES, qs)})
    if not rows:
        return pd.DataFrame(columns=FAN_COLUMNS)
    lo, hi = min(rows), max(rows)
    out = pd.DataFrame([rows.get(y, {"year": y}) for y in range(lo, hi + 1)], columns=FAN_COLUMNS)
    out["year"] = out["year"].astype(int)
    return out


def fan_unit(target: Mapping) -> str:
    """The unit of the fan's numbers: % for percent kinds, else the target's unit."""
    if kind_of(target) in PERCENT_KINDS:
        return "%"
    unit = target.get("unit")
    return "" if unit is None or (isinstance(unit, float) and np.isnan(unit)) else str(unit)
