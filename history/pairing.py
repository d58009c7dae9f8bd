"""A targets file checked against the series file it will be run with.

Each file can be valid alone and the pair still give wrong or empty answers: a target whose
region/indicator matches no series (shown as 无数据, or a typo), units that measure different
things (件 vs 亿元), a target year before the first observation. ``validate --targets T
--series S`` lists these with the per-file problems; ``risk`` warns with the same findings.
"""
from __future__ import annotations

import pandas as pd

from history.matching import KeyIndex, close_key
from history.problems import DataError, Problem
from history.units import reconcile_units


def unmatched_targets(targets: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The target rows whose (region, indicator) has no observation in ``series``."""
    keys = set(zip(series["region"].astype(str), series["indicator"].astype(str)))
    hit = [(str(r), str(i)) in keys for r, i in zip(targets["region"], targets["indicator"])]
    return targets[[not h for h in hit]]


def check_pair(targets: pd.DataFrame, series: pd.DataFrame, *, targets_file: str, series_file: str) -> list[Problem]:
    """Every problem of running ``targets`` against ``series`` (both validated frames).

    Errors: a target that matches no series while a close spelling does, incompatible units,
    a target year before the series' first observation. Notes: other targets with no series
    (nothing published yet; they show as no data) and unit conversions.
    """
    problems: list[Problem] = []
    rows = targets["row"] if "row" in targets.columns else pd.Series([None] * len(targets), index=targets.index)
    keys = KeyIndex(zip(series["region"].astype(str), series["indicator"].astype(str)))
    missing = unmatched_targets(targets, series)
    for idx, t in zip(missing.index, missing.to_dict("records")):
        label = f"{t['region']} / {t['indicator']}"
        row = None if pd.isna(rows[idx]) else int(rows[idx])
        near = close_key(str(t["region"]), str(t["indicator"]), keys)
        if near is not None:
            problems.append(Problem(targets_file, row, "indicator", label,
                                    f"Target {t['plan']}: {label} has no series in {series_file}; "
                                    f"did you mean {near[0]} / {near[1]}?",
                                    "Fix the region or indicator in one of the files so they match."))
        else:
            problems.append(Problem(targets_file, row, "indicator", label,
                                    f"Target {t['plan']}: {label} has no series in {series_file}; it shows as no data.",
                                    "Add its history to the series file, or ignore this if nothing is published.",
                                    "note"))
    first = series.groupby(["region", "indicator"])["year"].min().to_dict() if len(series) else {}
    for region, indicator, year, row in zip(targets["region"].tolist(), targets["indicator"].tolist(),
                                            targets["target_year"].tolist(), rows.tolist()):
        start = first.get((str(region), str(indicator)))
        if start is not None and int(year) < int(start):
            problems.append(Problem(
                targets_file, None if pd.isna(row) else int(row), "target_year", str(int(year)),
                f"Target year {int(year)} of {region} / {indicator} is before the first "
                f"observation ({int(start)}) in {series_file}: it cannot be judged.",
                "Check target_year (a typo?) or add the earlier history."))
    try:
        _, notes = reconcile_units(targets, series, targets_file=targets_file, series_file=series_file)
        problems += notes
    except DataError as exc:
        problems += list(exc.problems)
    return sorted(problems, key=lambda p: (p.severity != "error", p.row or 0))
