"""Readers for the series and targets files: CSV (UTF-8, BOM, GB18030) and .xlsx, long or wide.

Files are opened read-only and never written. Every problem is collected and raised at
once as a :class:`~history.problems.DataError`; the normalisations applied (``2020年`` ->
2020, GB18030 decoding ...) travel with the result as notes.

Encoding decision: a CSV is decoded as UTF-8 (with or without BOM) first, then as GB18030
(a superset of GBK and GB2312, what Excel on Chinese Windows writes), with a note saying so.
The order makes detection reliable: GBK-encoded Chinese text is practically never valid UTF-8,
so a file that decodes as UTF-8 is UTF-8. GB18030 accepts almost any bytes, so a file in some
other encoding would decode to nonsense; when the decoded header then names no known column,
we refuse and say how to convert instead of guessing.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from history.normalise import is_blank
from history.problems import DataError, Problem
from history.schema import (SERIES_OPTIONAL, SERIES_REQUIRED, TARGETS_OPTIONAL, TARGETS_REQUIRED, canonical_column,
                            close_matches, year_of_header)
from history.validation import RawTable, check_series, check_targets

_KNOWN = set(SERIES_REQUIRED + SERIES_OPTIONAL + TARGETS_REQUIRED + TARGETS_OPTIONAL)
#: Sheets picked by default from a workbook, per table kind (the template writes the first names).
_PREFERRED_SHEETS = {
    "series": ("history", "series", "历史数据", "数据"),
    "targets": ("targets", "目标", "规划目标"),
}
_CONVERT_FIX = ("Save the file as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8), or convert it with "
                "`iconv -f GB18030 -t UTF-8 in.csv > out.csv`.")


@dataclass(frozen=True, eq=False)
class History:
    """A validated long series table.

    Attributes
    ----------
    frame : DataFrame
        Columns region (str), indicator (str), year (int64), value (float64), unit (str,
        ``""`` if none), source (str), note (str), row (int64: the spreadsheet row in the
        file, for messages). One row per (region, indicator, year).
    notes : tuple of Problem
        The normalisations applied (severity ``"note"``).
    file : str
        The file the table came from.
    """

    frame: pd.DataFrame
    notes: tuple[Problem, ...]
    file: str


@dataclass(frozen=True, eq=False)
class Targets:
    """A validated targets table.

    Attributes
    ----------
    frame : DataFrame
        Columns plan, region, indicator, name, unit, kind, direction, strict (bool),
        target_year (int64), target_value (float64), baseline_year (Int64, nullable),
        baseline_value (float64, NaN if none), category, attribute, source, note, row.
    notes : tuple of Problem
        The normalisations applied (severity ``"note"``).
    file : str
        The file the table came from.
    """

    frame: pd.DataFrame
    notes: tuple[Problem, ...]
    file: str


# --------------------------------------------------------------------------- raw reading


def _header_score(cells) -> int:
    return sum(1 for c in cells if not is_blank(c) and (canonical_column(c) in _KNOWN or year_of_header(c) is not None))


def _table_from_rows(file: str, rows: list[tuple[int, tuple]], notes: list[Problem]) -> RawTable:
    """Find the header (the first of the first 10 non-empty rows naming >= 2 known columns)."""
    rows = [(n, cells) for n, cells in rows if not all(is_blank(c) for c in cells)]
    if not rows:
        raise DataError(f"{file} is empty.", notes + [Problem(
            file, None, None, None, "The file is empty.", "Put a header row and data rows in the file.")])
    header_at = 0
    for i, (_, cells) in enumerate(rows[:10]):
        if _header_score(cells) >= 2:
            header_at = i
            break
    header_row, headers = rows[header_at]
    if header_at:
        notes = notes + [Problem(file, header_row, None, None,
                                 f"Rows above row {header_row} (titles) were ignored; row {header_row} is the header.",
                                 "", "note")]
    width = len(headers)
    body = tuple((n, tuple(cells) + (None,) * (width - len(cells))) for n, cells in rows[header_at + 1:])
    return RawTable(file, tuple(headers), body, header_row, tuple(notes))


def _decode(data: bytes, file: str) -> tuple[str, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), [Problem(file, None, None, None,
                                                "File read as UTF-16 (Excel 'Unicode Text').", "", "note")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise DataError(f"{file} is neither UTF-8 nor GB18030 text.", [Problem(
            file, None, None, None, "The file is neither UTF-8 nor GB18030/GBK text.", _CONVERT_FIX)]) from None
    return text, [Problem(file, None, None, None, "File read as GB18030 (GBK), not UTF-8.",
                          "Nothing to do; saving as CSV UTF-8 avoids the guess.", "note")]


def _read_csv(path: Path, file: str) -> RawTable:
    text, notes = _decode(path.read_bytes(), file)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([",", "\t", ";"], key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(n, tuple(cells)) for n, cells in enumerate(reader, start=1)]
    table = _table_from_rows(file, rows, notes)
    if notes and any("GB18030" in p.problem for p in notes) and _header_score(table.headers) == 0:
        raise DataError(f"{file}: could not tell the file's encoding.", [Problem(
            file, None, None, None,
            "The file is not UTF-8, and read as GB18030 its header names no known column; "
            "the encoding cannot be told reliably.", _CONVERT_FIX)])
    return table


def _xlsx_cell(cell):
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fmt = getattr(cell, "number_format", "") or ""
        if "%" in fmt:
            # Excel shows 0.12 formatted as 12%; the planner typed 12%.
            return f"{value * 100:.12g}%"
    return value


def _read_xlsx(path: Path, file: str, sheet: str | None, kind: str | None) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise DataError(f"{file} cannot be opened as .xlsx: {exc}", [Problem(
            file, None, None, None, f"Cannot open as an .xlsx workbook ({type(exc).__name__}: {exc}).",
            "Open it in Excel and save it again as .xlsx, or export the sheet as CSV UTF-8.")]) from None
    try:
        names = wb.sheetnames
        if sheet is not None:
            if sheet not in names:
                near = close_matches(sheet, names)
                raise DataError(f"{file} has no sheet '{sheet}'.", [Problem(
                    file, None, None, sheet, f"No sheet named '{sheet}'. Sheets: {', '.join(names)}.",
                    f"Pick one of the sheets" + (f"; did you mean '{near[0]}'?" if near else "."))])
            ws = wb[sheet]
        else:
            preferred = _PREFERRED_SHEETS.get(kind or "", ())
            chosen = next((n for n in names if n.strip().lower() in preferred), names[0])
            ws = wb[chosen]
        rows = [(n, tuple(_xlsx_cell(c) for c in row))
                for n, row in enumerate(ws.iter_rows(min_row=1, min_col=1), start=1)]
        label = f"{file}[{ws.title}]" if len(names) > 1 else file
    finally:
        wb.close()
    return _table_from_rows(label, rows, [])


def template_sheets(path) -> tuple[str, str] | None:
    """The (history, targets) sheet names of a workbook that has both, else None."""
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm") or not p.is_file():
        return None
    import openpyxl

    try:
        wb = openpyxl.load_workbook(p, read_only=True)
    except Exception:  # reported properly when the sheet is read
        return None
    try:
        names = wb.sheetnames
    finally:
        wb.close()
    pick = {kind: next((n for n in names if n.strip().lower() in prefs), None)
            for kind, prefs in _PREFERRED_SHEETS.items()}
    if pick["series"] and pick["targets"]:
        return pick["series"], pick["targets"]
    return None


def read_table(path, *, sheet: str | None = None, kind: str | None = None) -> RawTable:
    """Read a CSV or .xlsx file into headers and numbered raw cells, without validating them.

    ``kind`` ("series" or "targets") picks the default sheet of a workbook (``history`` or
    ``targets``, as the template writes them); otherwise the first sheet is read.
    """
    p = Path(path)
    file = str(path)
    if not p.is_file():
        raise DataError(f"{file} does not exist.", [Problem(
            file, None, None, None, "File not found.", "Check the path (relative paths start in the current directory).")])
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, file, sheet, kind)
    if suffix == ".xls":
        raise DataError(f"{file} is an old .xls workbook.", [Problem(
            file, None, None, None, "Old Excel .xls files are not read.", "Save it as .xlsx or CSV UTF-8.")])
    return _read_csv(p, file)


def _table_from_frame(df: pd.DataFrame, file: str) -> RawTable:
    def plain(v):
        if v is None or v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
        return v

    values = df.to_numpy(dtype=object)
    rows = tuple((i + 2, tuple(plain(v) for v in r)) for i, r in enumerate(values))
    return RawTable(file, tuple(df.columns), rows, 1, ())


# --------------------------------------------------------------------------- public API


def _raise_if_errors(file: str, problems: list[Problem], what: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(f"{file}: {len(errors)} problem(s) in the {what} file; fix them and run again.", problems)


def series_from_frame(df: pd.DataFrame, *, file: str = "<DataFrame>") -> History:
    """Validate a series DataFrame (long or wide) exactly as :func:`load_series` validates a file.

    Row numbers in messages count as in a spreadsheet: the first data row is row 2.

    Examples
    --------
    >>> df = pd.DataFrame({"地区": ["武汉市"], "指标": ["grants"], "年份": ["2020年"], "数值": ["12,345"]})
    >>> h = series_from_frame(df)
    >>> h.frame[["region", "year", "value"]].to_dict("records")
    [{'region': '武汉市', 'year': 2020, 'value': 12345.0}]
    >>> len(h.notes)
    2
    """
    frame, problems = check_series(_table_from_frame(df, file))
    _raise_if_errors(file, problems, "series")
    return History(frame, tuple(problems), file)


def targets_from_frame(df: pd.DataFrame, *, file: str = "<DataFrame>") -> Targets:
    """Validate a targets DataFrame exactly as :func:`load_targets` validates a file."""
    frame, problems = check_targets(_table_from_frame(df, file))
    _raise_if_errors(file, problems, "targets")
    return Targets(frame, tuple(problems), file)


def load_series(path, *, sheet: str | None = None) -> History:
    """Load and validate a series file: CSV or .xlsx, long or wide layout.

    Parameters
    ----------
    path : str or Path
        Long layout: columns region, indicator, year, value (+ unit, source, note). Wide
        layout: region, indicator (+ name, unit, source, note) and one column per year
        (``2018``, ``2018年``); empty cells are absent observations. Chinese headers
        (地区, 指标, 年份, 数值, 单位 ...) are accepted.
    sheet : str, optional
        Sheet of a workbook; by default a sheet named ``history`` if present, else the first.

    Returns
    -------
    History

    Raises
    ------
    DataError
        With every problem found (errors and notes) when any error was found.
    """
    raw = read_table(path, sheet=sheet, kind="series")
    frame, problems = check_series(raw)
    _raise_if_errors(raw.file, problems, "series")
    return History(frame, tuple(problems), raw.file)


def load_targets(path, *, sheet: str | None = None) -> Targets:
    """Load and validate a targets file (CSV or .xlsx; by default the sheet ``targets`` if present).

    Raises
    ------
    DataError
        With every problem found (errors and notes) when any error was found.
    """
    raw = read_table(path, sheet=sheet, kind="targets")
    frame, problems = check_targets(raw)
    _raise_if_errors(raw.file, problems, "targets")
    return Targets(frame, tuple(problems), raw.file)
