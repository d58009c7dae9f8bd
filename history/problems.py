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
