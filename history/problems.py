"""Problems found in input data, and the one error class of the ``history`` package.

Data validation collects every problem before failing, so a planner fixes a spreadsheet
in one pass instead of one error per run.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix", "severity"]


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    ``row`` is the 1-based row as a spreadsheet shows it (header = row 1), or None when
    the problem concerns the whole file or a column. ``severity`` is ``"error"`` (the file
    cannot be used) or ``"note"`` (a value was normalised, e.g. ``2020年`` -> 2020).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    problem: str
    fix: str = ""
    severity: str = "error"


def problems_frame(problems: list[Problem] | tuple[Problem, ...]) -> pd.DataFrame:
    """Problems as a DataFrame with the columns file, row, column, value, problem, fix, severity."""
    return pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS)


class DataError(ValueError):
    """Input data cannot be used. ``problems`` lists every finding (errors and notes)."""

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()):
        super().__init__(message)
        self.problems = tuple(problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def first_problems(problems, *, max_errors: int = 30, max_notes: int = 10) -> tuple[list[Problem], str]:
    """The problems worth reading first — errors before notes, each in row order, at most
    ``max_errors`` / ``max_notes`` — and one line counting the rest by severity and column
    ("" when nothing is left out). 100,000 bad rows are then a screenful, not 23 MB."""
    def order(p):
        return (p.row is not None, p.row or 0)

    errors = sorted((p for p in problems if p.severity == "error"), key=order)
    notes = sorted((p for p in problems if p.severity != "error"), key=order)
    shown = errors[:max_errors] + notes[:max_notes]
    rest = errors[max_errors:] + notes[max_notes:]
    if not rest:
        return shown, ""
    parts = []
    for severity in ("error", "note"):
        left = [p for p in rest if (p.severity == "error") == (severity == "error")]
        if left:
            by_col = pd.Series([p.column or "(file)" for p in left]).value_counts()
            cols = ", ".join(f"{c} {n:,}" for c, n in by_col.head(5).items()) + (" …" if len(by_col) > 5 else "")
            parts.append(f"{len(left):,} more {severity}{'s' if len(left) > 1 else ''} (by column: {cols})")
    return shown, "… and " + "; ".join(parts)
