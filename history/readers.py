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


def _blank_row(cells) -> bool:
    """Whether every cell is blank (:func:`is_blank`); a row of ASCII text is judged at once."""
    try:
        text = "".join(cells)
    except TypeError:  # numbers, dates or None from a workbook
        return all(is_blank(c) for c in cells)
    if text.isascii():
        return text == "" or text.isspace()
    return all(is_blank(c) for c in cells)


def _table_from_rows(file: str, rows: list[tuple[int, tuple]], notes: list[Problem]) -> RawTable:
    """Find the header (the first of the first 10 non-empty rows naming >= 2 known columns)."""
    rows = [(n, cells) for n, cells in rows if not _blank_row(cells)]
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
    below = rows[header_at + 1] if header_at + 1 < len(rows) else (None, ())
    headers, second = _two_level_header(headers, below[1])
    if second:
        # e.g. 地区 | 指标 | 年份 (merged over the year columns) above a row of 2018 | 2019 | ...
        notes = notes + [Problem(file, below[0], None, None,
                                 f"Rows {header_row} and {below[0]} are read as one two-level header "
                                 "(the year row under a merged title).", "", "note")]
        header_at += 1
    width = len(headers)
    while width and is_blank(headers[width - 1]):
        width -= 1
    headers = tuple(headers[:width])
    body, outside = [], []
    for n, cells in rows[header_at + 1:]:
        if len(cells) <= width:  # a row that is not blank (kept above), padded to the header's width
            body.append((n, tuple(cells) + (None,) * (width - len(cells))))
            continue
        inside = tuple(cells[:width])
        outside += [(n, c) for c in cells[width:] if not is_blank(c)]
        if not all(is_blank(c) for c in inside):
            body.append((n, inside))
    if outside:
        # a stray value right of the table (a Ctrl+End leftover) has no column to belong to
        where = ", ".join(f"row {n}" for n, _ in outside[:5]) + (" …" if len(outside) > 5 else "")
        notes = notes + [Problem(file, outside[0][0], None, _cell_preview(outside[0][1]),
                                 f"{len(outside)} cell(s) right of the table's last header were ignored ({where}).",
                                 "Delete them, or give the column a header if it holds data.", "note")]
    return RawTable(file, headers, tuple(body), header_row, tuple(notes))


def _cell_preview(cell) -> str:
    if isinstance(cell, _Outside):
        col, value = next(iter(cell.items()))
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(col)}: {value!s:.40}"
    return f"{cell!s:.40}"


def _two_level_header(top: tuple, below: tuple) -> tuple[tuple, bool]:
    """Combine a header row with the row under it when that row holds the year columns of a
    merged title cell (a wide table with a two-level header); else ``(top, False)``.

    The row below counts as a header row when it names at least two years where ``top`` names
    none, and is empty under the region and indicator columns (a data row never is)."""
    def year_columns(cells):
        return [i for i, c in enumerate(cells) if not is_blank(c) and year_of_header(c) is not None]

    below_years = year_columns(below)
    if len(below_years) < 2 or len(year_columns(top)) >= 2:
        return top, False
    keys = [i for i, c in enumerate(top) if canonical_column(c) in ("region", "indicator")]
    # under region/indicator: empty, or the same title merged down into this row
    if not keys or any(i < len(below) and not is_blank(below[i]) and below[i] != top[i] for i in keys):
        return top, False
    width = max(len(top), len(below))
    top = tuple(top) + (None,) * (width - len(top))
    below = tuple(below) + (None,) * (width - len(below))
    return tuple(b if not is_blank(b) and b != t else t for t, b in zip(top, below)), True


def _looks_latin(data: bytes) -> bool:
    """Whether every byte >= 0x80 stands alone between ASCII bytes (a European single-byte
    code page), which Chinese text in GBK/GB18030 never does (its characters are byte pairs
    with a high first byte, and common ones have both bytes high)."""
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if not high:
        return False
    lone = sum(1 for i in high if (i == 0 or data[i - 1] < 0x80) and (i + 1 == len(data) or data[i + 1] < 0x80))
    return lone == len(high)


def _decode(data: bytes, file: str) -> tuple[str, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), [Problem(file, None, None, None,
                                                "File read as UTF-16 (Excel 'Unicode Text').", "", "note")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    if _looks_latin(data):
        # Accented letters of a European code page are lone high bytes between ASCII letters
        # (Zürich = 5A FC 72 69 63 68); GBK Chinese always pairs them. Read as Windows-1252
        # (a superset of Latin-1) instead of turning 'Zürich' into 'Z黵ich'.
        return data.decode("cp1252", errors="replace"), [Problem(
            file, None, None, None, "File read as Windows-1252 / Latin-1 (accented letters), not UTF-8.",
            "Nothing to do if the names look right; saving as CSV UTF-8 avoids the guess.", "note")]
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


#: Widest table read from a sheet; cells further right (a stray XFD cell) are reported, not read.
MAX_COLUMNS = 1000


class _Outside(dict):
    """Column number -> value of a row's cells beyond ``MAX_COLUMNS`` (kept for the message)."""


def _xlsx_cell(cell):
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fmt = getattr(cell, "number_format", "") or ""
        if "%" in fmt:
            # Excel shows 0.12 formatted as 12%; the planner typed 12%.
            return f"{value * 100:.12g}%"
    return value


def _open_workbook(path: Path, file: str, *, data_only: bool):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise DataError(f"{file} cannot be opened as .xlsx: {exc}", [Problem(
            file, None, None, None, f"Cannot open as an .xlsx workbook ({type(exc).__name__}: {exc}).",
            "Open it in Excel and save it again as .xlsx, or export the sheet as CSV UTF-8.")]) from None


def _sheet_cells(ws) -> dict[int, dict[int, object]]:
    """Row -> column -> raw cell of every non-empty cell.

    The stored dimension may be A1:XFD1048576 (one stray cell, a Ctrl+End leftover); it is
    forgotten and only the cells that exist are read (17 billion padded cells otherwise)."""
    ws.reset_dimensions()
    out: dict[int, dict[int, object]] = {}
    for n, row in enumerate(ws.iter_rows(), start=1):
        cells = {c.column: c for c in row if getattr(c, "value", None) is not None}
        if cells:
            out[n] = cells
    return out


def _vertical_merges(wb, ws) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of every merged range one column wide and several rows
    tall. Read-only worksheets do not expose merges, so they are read from the sheet's XML."""
    import re

    try:
        xml = wb._archive.read(ws._worksheet_path.lstrip("/")).decode("utf-8", errors="replace")
    except (AttributeError, KeyError):  # pragma: no cover - another openpyxl layout: no merges read
        return []
    from openpyxl.utils.cell import range_boundaries

    out = []
    for ref in re.findall(r'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', xml[xml.rfind("<mergeCells"):] if "<mergeCells" in xml else ""):
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_col == max_col and max_row > min_row:
            out.append((min_col, min_row, max_row))
    return sorted(out, key=lambda m: (m[1], m[0]))


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))


def choose_sheet(names: list[str], kind: str | None, cells_of) -> str:
    """The sheet every command reads from a workbook when none is named: the one named for the
    table kind (``history`` / ``targets`` as the template writes them; either when the kind is
    not known), else the first sheet with a header row naming known columns, else the first
    sheet that holds any cell (an empty cover sheet or a 说明 text sheet is skipped)."""
    preferred = _PREFERRED_SHEETS.get(kind or "") or tuple(n for v in _PREFERRED_SHEETS.values() for n in v)
    named = next((n for n in names if n.strip().lower() in preferred), None)
    if named is not None:
        return named

    def has_header(name):
        rows = list(cells_of(name).values())[:10]
        return any(_header_score([c.value for c in row.values()]) >= 2 for row in rows)

    return next((n for n in names if has_header(n)), next((n for n in names if cells_of(n)), names[0]))


def _read_xlsx(path: Path, file: str, sheet: str | None, kind: str | None) -> RawTable:
    wb = _open_workbook(path, file, data_only=False)
    notes: list[Problem] = []
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            near = close_matches(sheet, names)
            raise DataError(f"{file} has no sheet '{sheet}'.", [Problem(
                file, None, None, sheet, f"No sheet named '{sheet}'. Sheets: {', '.join(names)}.",
                "Pick one of the sheets with --sheet" + (f"; did you mean '{near[0]}'?" if near else "."))])
        read: dict[str, dict] = {}

        def cells_of(name):
            if name not in read:
                read[name] = _sheet_cells(wb[name])
            return read[name]

        chosen = sheet if sheet is not None else choose_sheet(names, kind, cells_of)
        cells = cells_of(chosen)
        label = f"{file}[{chosen}]" if len(names) > 1 else file
        merged = _vertical_merges(wb, wb[chosen])
    finally:
        wb.close()
    formulas = {(r, c): cell.value for r, row in cells.items() for c, cell in row.items() if _is_formula(cell)}
    values = {r: {c: _xlsx_cell(cell) for c, cell in row.items()} for r, row in cells.items()}
    if formulas:
        # A formula's result is only in the file if a spreadsheet program saved it; a workbook
        # written by a script has none, and the cell would read as missing without a word.
        cached_wb = _open_workbook(path, file, data_only=True)
        try:
            cached = _sheet_cells(cached_wb[chosen])
        finally:
            cached_wb.close()
        from openpyxl.utils import get_column_letter

        for (r, c), formula in formulas.items():
            cell = cached.get(r, {}).get(c)
            if cell is None:
                values[r].pop(c)
                notes.append(Problem(label, r, get_column_letter(c), f"{formula!s:.60}",
                                     f"Cell {get_column_letter(c)}{r} holds a formula with no saved result, so its value "
                                     "is unknown.", "Open and save the workbook in Excel or LibreOffice (that stores "
                                     "the results), or type the value."))
            else:
                values[r][c] = _xlsx_cell(cell)
    filled = []
    for col, top, bottom in merged:
        # A cell merged down several rows (地区 written once beside its indicators) shows its
        # value on every one of them; read it so, instead of "region is empty" on each row.
        value = values.get(top, {}).get(col)
        if not isinstance(value, str):  # a number spanning rows is not copied: that would invent values
            continue
        for r in range(top + 1, bottom + 1):
            if values.get(r, {}).get(col) is None:
                values.setdefault(r, {})[col] = value
                filled.append(r)
    if filled:
        from openpyxl.utils import get_column_letter

        notes.append(Problem(label, None, None, None,
                             f"{len(merged)} merged cell range(s) read as their value on every row they span "
                             f"({', '.join(f'{get_column_letter(c)}{t}:{get_column_letter(c)}{b}' for c, t, b in merged[:3])}"
                             f"{' …' if len(merged) > 3 else ''}).", "", "note"))
    rows = []
    for n in sorted(values):
        row = values[n]
        if not row:
            continue
        far = max(row) > MAX_COLUMNS
        rows.append((n, tuple(row.get(i) for i in range(1, min(max(row), MAX_COLUMNS) + 1))
                     + ((_Outside({c: v for c, v in row.items() if c > MAX_COLUMNS}),) if far else ())))
    return _table_from_rows(label, rows, notes)


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
    columns = []
    for j in range(values.shape[1]):
        # plain() changes only missing values and numpy scalars: find those a column at a time
        cells = values[:, j]
        fix = pd.isna(cells)
        if any(issubclass(t, np.generic) for t in set(map(type, cells))):
            fix |= np.fromiter((isinstance(v, np.generic) for v in cells), bool, len(cells))
        cells = cells.tolist()
        for i in np.flatnonzero(fix):
            cells[i] = plain(cells[i])
        columns.append(cells)
    rows = zip(*columns) if columns else [()] * len(values)
    return RawTable(file, tuple(df.columns), tuple(zip(range(2, len(values) + 2), rows)), 1, ())


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
