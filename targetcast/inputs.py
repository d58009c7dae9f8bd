"""Series and targets as the API takes them: a path, a loaded table, a DataFrame, or None
for the bundled data. Each is reduced to (frame, file name, reading notes)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    file: str
    notes: tuple = ()


def load_series(path=None, *, sheet: str | None = None):
    """A validated series file (CSV or .xlsx, long or wide); None gives the bundled series.

    Returns ``history.readers.History`` (``.frame``, ``.notes``, ``.file``)."""
    from history.bundled import bundled_series
    from history.readers import load_series as read

    return bundled_series() if path is None else read(path, sheet=sheet)


def load_targets(path=None, *, sheet: str | None = None):
    """A validated targets file; None gives the bundled plans' targets.

    Returns ``history.readers.Targets`` (``.frame``, ``.notes``, ``.file``)."""
    from history.bundled import bundled_targets
    from history.readers import load_targets as read

    return bundled_targets() if path is None else read(path, sheet=sheet)


def _table(obj, loader, what: str) -> Table:
    if obj is None or isinstance(obj, (str, Path)):
        loaded = loader(obj)
        return Table(loaded.frame, str(loaded.file), tuple(loaded.notes))
    if isinstance(obj, pd.DataFrame):
        return Table(obj, f"<{what} DataFrame>")
    if hasattr(obj, "frame") and hasattr(obj, "file"):
        return Table(obj.frame, str(obj.file), tuple(getattr(obj, "notes", ())))
    raise TypeError(f"{what} must be a path, a DataFrame, a loaded table or None (bundled); got {type(obj).__name__}.")


def series_table(series) -> Table:
    return _table(series, load_series, "series")


def targets_table(targets) -> Table:
    return _table(targets, load_targets, "targets")


def panel_of(series: Table) -> pd.DataFrame:
    """The reference panel the forecasts borrow from (history.reference)."""
    from history.reference import reference_panel

    return reference_panel(series.frame, series.file)


def typo_warnings(targets: pd.DataFrame, series: pd.DataFrame, plans=None) -> list[str]:
    """Targets (of ``plans``, default all) that match no series while a close spelling does."""
    from history.matching import likely_typos

    if plans:
        targets = targets[targets["plan"].isin(list(plans))]
    return [f"{m} Fix the name in one of the files; until then it shows as no data." for m in
            likely_typos(targets, series)]


def unmatched_warnings(targets: pd.DataFrame, series: pd.DataFrame, plans=None) -> list[str]:
    """One warning naming every target (of ``plans``) that matches no series and has no close
    spelling either (those are ``typo_warnings``): they show as no data. For the user's own
    files; the bundled targets without a series are listed in history/data/README.md."""
    from history.matching import KeyIndex, close_key
    from history.pairing import unmatched_targets

    if plans:
        targets = targets[targets["plan"].isin(list(plans))]
    keys = KeyIndex(zip(series["region"].astype(str), series["indicator"].astype(str)))
    missing = unmatched_targets(targets, series)
    other = [f"{r} / {i}" for r, i in dict.fromkeys(zip(missing["region"].astype(str), missing["indicator"].astype(str)))
             if close_key(r, i, keys) is None]
    if not other:
        return []
    shown = ", ".join(other[:8]) + (f" and {len(other) - 8} more" if len(other) > 8 else "")
    return [f"{len(other)} target indicator(s) match no series and show as no data: {shown}. "
            "Check the names (targetcast validate --targets T --series S lists them)."]


def is_bundled(targets: Table, series: Table) -> bool:
    """Both tables are the data shipped with targetcast."""
    from history.bundled import SERIES_FILE, TARGETS_FILE

    return targets.file == TARGETS_FILE and series.file == SERIES_FILE


def plan_list(plans) -> list[str] | None:
    if plans is None:
        return None
    plans = [plans] if isinstance(plans, str) else list(plans)
    return plans or None
