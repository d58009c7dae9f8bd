"""Monte Carlo attainment of one target: probability, range, shortfall, first year reached.

P(attain) is the share of sample paths that meet the target, reported with its binomial Monte
Carlo standard error ``sqrt(p (1 - p) / n)``. When the outcome is already observed (the target
year, and for cumulative targets every year of the window, is observed by ``as_of``) the
probability is exactly 1 or 0 with standard error 0: it is a fact, not a forecast.

Reference: Robert & Casella, *Monte Carlo Statistical Methods* (2004), ch. 3 (Monte Carlo
estimates of probabilities and their standard errors).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from forecast.paths import SeriesForecast
from scenarios.errors import ScenarioError
from scenarios.targets import (
    first_year_reached,
    is_attained,
    kind_of,
    target_quantity,
    threshold,
    to_target_unit,
)

_EMPTY = {
    "p_attain": float("nan"),
    "p_attain_se": float("nan"),
    "p10": float("nan"),
    "p50": float("nan"),
    "p90": float("nan"),
    "expected_shortfall": float("nan"),
    "first_year_median": float("nan"),
    "p_reached_before": float("nan"),
    "observed": False,
    "outcome": None,
    "outcome_value": float("nan"),
    "reason": None,
    "n_paths": 0,
    "attained": None,
}


def evaluate_target(target: Mapping, sf: SeriesForecast | None, *, as_of: int) -> dict:
    """P(attain) and the projected range of one target.

    Parameters
    ----------
    target : Mapping
        A target row (see :mod:`scenarios.targets`).
    sf : SeriesForecast or None
        The target's series with sample paths (observations up to ``as_of`` only). None when
        the series has no usable history.
    as_of : int
        The evaluation year. ``sf`` must not hold observations after it.

    Returns
    -------
    dict
        ``p_attain``, ``p_attain_se``, ``p10``, ``p50``, ``p90`` (target quantity, target unit),
        ``expected_shortfall`` (mean gap to the target over the paths that miss, target unit,
        0 when none miss), ``first_year_median`` (the first year by which at least half of the
        paths have met the target; NaN when fewer than half meet it by the target year),
        ``p_reached_before`` (share of paths that meet it before the target year), ``observed``,
        ``outcome`` ("attained"/"missed"/None), ``outcome_value`` (the observed quantity, target
        unit, when observed), ``reason`` (why nothing could be computed, else None),
        ``n_paths`` and ``attained`` (bool array per path, or None).

    Raises
    ------
    ScenarioError
        If ``sf`` holds observations after ``as_of`` (forecast with ``as_of`` first).

    Examples
    --------
    >>> import numpy as np
    >>> sf = SeriesForecast("r", "x", np.array([2021]), np.arange(10.0).reshape(10, 1),
    ...                     np.array([4.5]), "hand", np.array([2020]), np.array([4.0]))
    >>> evaluate_target({"kind": "stock", "target_year": 2021, "target_value": 7}, sf, as_of=2020)["p_attain"]
    0.3
    """
    out = dict(_EMPTY)
    if sf is None:
        out["reason"] = "no_history"
        return out
    if sf.obs_years.size and sf.last_year > int(as_of):
        raise ScenarioError(
            f"Series {sf.region}/{sf.indicator} is observed up to {sf.last_year}, after as_of {as_of}; "
            "forecast it with as_of so later observations are not used.",
            reason="after_as_of",
        )
    try:
        q = target_quantity(target, sf)
    except ScenarioError as exc:
        out["reason"] = exc.reason or "cannot_evaluate"
        return out
    n = q.size
    ok = is_attained(q, target)
    p = float(ok.mean()) if n else float("nan")
    observed = int(target["target_year"]) <= sf.last_year
    out["observed"] = observed
    out["n_paths"] = n
    out["attained"] = ok
    out["p_attain"] = p
    out["p_attain_se"] = 0.0 if observed else float(np.sqrt(p * (1.0 - p) / n))
    q_t = np.asarray(to_target_unit(q, target), dtype=float)
    out["p10"], out["p50"], out["p90"] = (float(v) for v in np.quantile(q_t, [0.1, 0.5, 0.9]))
    miss = ~ok
    if miss.any():
        gap = np.abs(to_target_unit(threshold(target), target) - q_t[miss])
        out["expected_shortfall"] = float(np.nanmean(gap)) if np.isfinite(gap).any() else float("nan")
    else:
        out["expected_shortfall"] = 0.0
    if observed:
        out["outcome"] = "attained" if bool(ok[0]) else "missed"
        out["outcome_value"] = float(q_t[0])
    first = first_year_reached(target, sf)
    if kind_of(target) != "growth_rate":
        # "Never" counts as +infinity, and the lower median (inverted CDF) keeps it a calendar
        # year: the first year by which at least half of the paths have met the target.
        med = float(np.quantile(np.where(np.isnan(first), np.inf, first), 0.5, method="inverted_cdf"))
        out["first_year_median"] = med if np.isfinite(med) else float("nan")
        out["p_reached_before"] = float(np.mean(first < int(target["target_year"])))
    return out
