"""Validation of series and targets tables: every problem at once, as a table.

A table arrives here as headers plus numbered rows of raw cells (from CSV, .xlsx or a
DataFrame). Each cell is read with :mod:`history.normalise`; each rule adds a
:class:`~history.problems.Problem` with the spreadsheet row, the column as the user wrote
it, the value found and how to fix it. Nothing stops at the first problem: a planner fixes
the whole spreadsheet in one pass (pandera's "lazy" validation, as an idea).

Rules (issue 2): missing required columns (with close matches); non-numeric values;
non-integer years; duplicate (region, indicator, year) rows with different values (both rows
and their sources shown; identical duplicates are a note and one is kept); two targets of one
plan, region, indicator and year are accepted when name, kind or direction differ (``TARGET_KEY``),
a repeated target is a note, a contradicting one an error; unknown
kind/direction/strict (close matches; Chinese synonyms accepted); target_year not after
baseline_year; cumulative/growth_rate/reduction targets without baseline_year (reduction also
without baseline_value); negative values in count or money units (negative is allowed only for
growth_rate targets); percentages outside 0-100; several units within one series.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from history.normalise import (MAX_ABS_VALUE, cell_text, is_blank, parse_number, parse_year, placeholder_of,
                               split_comparator)
from history.problems import DataError, Problem
from history.schema import (
    DIRECTION_SYNONYMS, DIRECTIONS, KIND_SYNONYMS, KINDS, NEEDS_BASELINE_YEAR, RATE_KINDS, SERIES_COLUMNS,
    SERIES_REQUIRED, SERIES_WIDE_REQUIRED, STRICT_VALUES, TARGETS_COLUMNS, TARGETS_OPTIONAL, TARGETS_REQUIRED,
    CHINESE_LABELS, SERIES_OPTIONAL, canonical_column, clean_header, close_matches, known_headers, year_of_header, YEARISH_HEADER,
)
from history.units import clean_unit, is_non_negative_unit


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file: original headers and numbered rows of raw cells.

    ``header_row`` and the row numbers are 1-based spreadsheet rows.
    """

    file: str
    headers: tuple
    rows: tuple  # of (row_number, tuple_of_cells)
    header_row: int = 1
    notes: tuple = field(default=())


def _text(cell) -> str:
    if is_blank(cell):
        return ""
    # Full-width spaces and stray whitespace around names are never meaningful; the rest of
    # the text (Chinese names, ids) is kept exactly as written.
    return cell_text(cell).replace("\u3000", " ").strip()


class _Columns:
    """Where each canonical column sits, plus the notes about headers."""

    def __init__(self, raw: RawTable, wanted: tuple[str, ...], *, allow_years: bool):
        self.index: dict[str, int] = {}
        self.label: dict[str, str] = {}
        self.years: list[tuple[int, int, str]] = []  # (position, year, header as written)
        self.problems: list[Problem] = []
        accepted = known_headers(wanted)
        renamed: list[tuple[str, int]] = []
        yearish: list[str] = []
        for pos, header in enumerate(raw.headers):
            written = cell_text(header).strip()
            if written == "":
                continue
            canon = canonical_column(header)
            year = year_of_header(header) if allow_years else None
            if canon in wanted:
                if canon in self.index:
                    self.problems.append(Problem(
                        raw.file, raw.header_row, written, written,
                        f"Column '{written}' is a second '{canon}' column and was ignored; "
                        f"'{self.label[canon]}' is used.", "Remove or rename one of the two columns.", "note"))
                    continue
                self.index[canon] = pos
                self.label[canon] = written
            elif year is not None:
                self.years.append((pos, year, written))
                if written != str(year):
                    renamed.append((written, year))
            else:
                if allow_years and YEARISH_HEADER.search(written):
                    yearish.append(written)
                near = close_matches(clean_header(header), accepted, n=1)
                if near and canonical_column(near[0]) not in self.index:
                    self.problems.append(Problem(
                        raw.file, raw.header_row, written, written,
                        f"Column '{written}' is not a known column and was ignored.",
                        f"Did you mean '{near[0]}'? Rename the column if so.", "note"))
        if self.years:  # a wide table: a year-like header not read as a year would lose its values silently
            for written in yearish:
                self.problems.append(Problem(
                    raw.file, raw.header_row, written, written,
                    f"Column header '{written}' mentions a year but is not read as one, so its values would be "
                    "dropped.", "Rename it to the year alone (e.g. 2018), or delete the column if it holds "
                    "something else (a growth rate, a mid-year figure)."))
        if renamed:  # one note for all of them: a wide sheet has a dozen '2018年' headers
            shown = ", ".join(f"'{w}'" for w, _ in renamed[:3]) + (" …" if len(renamed) > 3 else "")
            self.problems.append(Problem(
                raw.file, raw.header_row, renamed[0][0] if len(renamed) == 1 else None, shown,
                f"{len(renamed)} column header(s) read as years: "
                + ", ".join(f"'{w}' → {y}" for w, y in renamed[:3]) + (" …" if len(renamed) > 3 else "") + ".",
                "", "note"))

    def missing(self, raw: RawTable, required: tuple[str, ...]) -> list[Problem]:
        out = []
        found = [cell_text(h).strip() for h in raw.headers if cell_text(h).strip()]
        for col in required:
            if col in self.index:
                continue
            spellings = [col] + [a for a in known_headers((col,)) if a != col]
            near = [f for f in found if close_matches(clean_header(f), spellings, n=1)]
            hint = f" Did you mean '{near[0]}'?" if near else ""
            out.append(Problem(
                raw.file, raw.header_row, col, None,
                f"Missing required column '{col}'. Columns found: {', '.join(found) or '(none)'}.",
                f"Add a column named '{col}' (or {CHINESE_LABELS.get(col, col)}).{hint}"))
        return out

    def cell(self, cells: tuple, name: str):
        pos = self.index.get(name)
        if pos is None or pos >= len(cells):
            return None
        return cells[pos]


def _in_row_order(problems: list[Problem]) -> list[Problem]:
    # File-level findings first, then by spreadsheet row, so the table reads top to bottom.
    return sorted(problems, key=lambda p: 0 if p.row is None else p.row)


def _error_if_no_rows(raw: RawTable, what: str) -> list[Problem]:
    if raw.rows:
        return []
    return [Problem(raw.file, None, None, None, f"The file has no {what} rows below the header.",
                    f"Add {what} rows (one per line) under the header row.")]


# --------------------------------------------------------------------------- many cells at once
#
# A province's file has hundreds of thousands of cells, nearly all plain: a number typed as
# digits, a name repeated on every row. Those are read a column at a time; every other cell
# and every row with anything to report goes through the one-row readers below, exactly as
# before, so the frame and every message are the same either way (tests/test_fast_validation.py).

#: A number typed as plain digits (ASCII, optional minus and decimals): parse_number reads it
#: as the nearest float without a note, whatever the row's unit.
_PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def _transposed(raw: RawTable) -> list[tuple]:
    """The table's columns (a short row's missing cells as None, as ``_Columns.cell`` gives them)."""
    return list(itertools.zip_longest(*(cells for _, cells in raw.rows)))


def _column(columns: list[tuple], pos: int | None, n: int) -> list | tuple:
    """The column at ``pos`` of :func:`_transposed` (``n`` Nones when there is none)."""
    return columns[pos] if pos is not None and pos < len(columns) else [None] * n


def _per_distinct(cells: list, fn) -> list:
    """``[fn(c) for c in cells]``, with ``fn`` run once per distinct cell. Cells of other types
    are never taken for one another (2020, 2020.0 and '2020' are read each as itself)."""
    if set(map(type, cells)) <= {str, type(None)}:
        codes, uniques = pd.factorize(np.array(cells, dtype=object))
        results = np.empty(len(uniques) + 1, dtype=object)
        for i, u in enumerate(uniques):
            results[i] = fn(u)
        results[-1] = fn(None)  # code -1: an empty cell
        return list(results[codes])
    out = np.empty(len(cells), dtype=object)
    memo: dict = {}
    for i, c in enumerate(cells):
        try:
            key = (c.__class__, c)
            out[i] = memo[key] if key in memo else memo.setdefault(key, fn(c))
        except TypeError:  # an unhashable cell
            out[i] = fn(c)
    return list(out)


def _plain_numbers(cells: list) -> np.ndarray:
    """Each cell's value where :func:`parse_number` reads it without a word to say (plain digits
    as text, a finite int or float within ``MAX_ABS_VALUE``), else NaN: that cell is read alone."""
    n = len(cells)
    arr = np.empty(n, dtype=object)
    arr[:] = cells
    out = np.full(n, np.nan)
    text = np.flatnonzero(np.fromiter((c.__class__ is str for c in cells), bool, n))
    if text.size:
        plain = pd.Series(arr[text], dtype=object).str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool)
        # float(text) is correctly rounded, as parse_number's float(Decimal(text)) is.
        out[text[plain]] = arr[text[plain]].astype(float)
    numbers = np.flatnonzero(np.fromiter(
        (c.__class__ is float or (c.__class__ is int and -MAX_ABS_VALUE <= c <= MAX_ABS_VALUE) for c in cells), bool, n))
    out[numbers] = arr[numbers].astype(float)
    out[~(np.abs(out) <= MAX_ABS_VALUE)] = np.nan  # inf, too large, or a NaN cell: read alone
    return out


def _empty_cells(cells: list) -> np.ndarray:
    """Cells that are plainly empty (None, '' or NaN): a wide table's absent years."""
    return np.fromiter((c is None or (c.__class__ is str and c == "") or (c.__class__ is float and c != c)
                        for c in cells), bool, len(cells))


# --------------------------------------------------------------------------- series


def _series_row(f: str, cols: _Columns, wide: bool, row: int, cells: tuple, problems: list) -> list:
    """One row of a series table read cell by cell: its records ``(cell position, record)``;
    its problems are appended to ``problems``."""
    region = _text(cols.cell(cells, "region"))
    indicator = _text(cols.cell(cells, "indicator"))
    unit = clean_unit(cols.cell(cells, "unit"))
    source = _text(cols.cell(cells, "source"))
    note = _text(cols.cell(cells, "note"))
    row_ok = True
    records = []
    for name, val in (("region", region), ("indicator", indicator)):
        if val == "":
            problems.append(Problem(f, row, cols.label[name], "", f"The {name} is empty.",
                                    f"Fill in the {name} for this row."))
            row_ok = False
    if wide:
        cells_to_read = [(cells[p] if p < len(cells) else None, y, label) for p, y, label in cols.years]
    else:
        yc = parse_year(cols.cell(cells, "year"))
        if yc.error:
            problems.append(Problem(f, row, cols.label["year"], cell_text(cols.cell(cells, "year")), yc.error, yc.fix))
            row_ok = False
        elif yc.note:
            problems.append(Problem(f, row, cols.label["year"], cell_text(cols.cell(cells, "year")), yc.note, "", "note"))
        cells_to_read = [(cols.cell(cells, "value"), yc.value, cols.label["value"])]
    for k, (cell, year, label) in enumerate(cells_to_read):
        vc = parse_number(cell, unit)
        if vc.error:
            problems.append(Problem(f, row, label, cell_text(cell), vc.error, vc.fix))
            continue
        if vc.missing:
            # Wide tables leave years blank as a matter of course; in a long table a row
            # without a value is worth a note, so nobody mistakes it for zero.
            if not wide:
                problems.append(Problem(f, row, label, cell_text(cell),
                                        "Row skipped, no value (missing, not zero).", "", "note"))
            continue
        if vc.note:
            problems.append(Problem(f, row, label, cell_text(cell), vc.note, "", "note"))
        if row_ok and year is not None:
            records.append((k, (region, indicator, int(year), float(vc.value), vc.unit, source, note, row, label)))
    return records


_RECORD_COLUMNS = list(SERIES_COLUMNS) + ["cell_column"]


def _series_records(raw: RawTable, cols: _Columns, wide: bool, problems: list, *, fast: bool = True) -> pd.DataFrame:
    """The observations of every row, in row and cell order, as a frame of ``_RECORD_COLUMNS``.

    Rows whose cells are all plain (names present, a plain year, plain numbers or, in a wide
    table, empty cells) are read a column at a time; the others by :func:`_series_row`.
    ``fast=False`` reads every row alone (the reference the fast path is tested against)."""
    f = raw.file
    n = len(raw.rows)
    columns = _transposed(raw)
    col = {name: _column(columns, cols.index.get(name), n) for name in ("region", "indicator", "unit", "source", "note")}
    region = _per_distinct(col["region"], _text)
    indicator = _per_distinct(col["indicator"], _text)
    # parse_number cleans the row's (already cleaned) unit once more: its Cell carries that.
    unit = _per_distinct(col["unit"], lambda c: clean_unit(clean_unit(c)))
    source = _per_distinct(col["source"], _text)
    note = _per_distinct(col["note"], _text)
    simple = np.fromiter((r != "" and i != "" for r, i in zip(region, indicator)), bool, n) & fast
    if wide:
        value_cells = [(_column(columns, p, n), y, label) for p, y, label in cols.years]
        years = [np.full(n, y, dtype=np.int64) for _, y, _ in value_cells]
    else:
        year_cells = _per_distinct(_column(columns, cols.index["year"], n), parse_year)
        simple &= np.fromiter((not (c.error or c.note) for c in year_cells), bool, n)
        year = np.fromiter((-1 if c.value is None else c.value for c in year_cells), np.int64, n)
        value_cells = [(_column(columns, cols.index["value"], n), None, cols.label["value"])]
        years = [year]
    parts = []  # per value column: (cell position, values, plain cells, years, label)
    for k, (cells, _, label) in enumerate(value_cells):
        values = _plain_numbers(cells)
        plain = ~np.isnan(values)
        simple &= plain | (_empty_cells(cells) if wide else False)
        parts.append((k, values, plain, years[k], label))
    fast_rows = np.flatnonzero(simple)
    text = {name: np.asarray(v, dtype=object) for name, v in
            (("region", region), ("indicator", indicator), ("unit", unit), ("source", source), ("note", note))}
    rows = np.fromiter((r for r, _ in raw.rows), np.int64, n)
    blocks = []
    for k, values, plain, year, label in parts:
        take = fast_rows[plain[fast_rows]]
        blocks.append(pd.DataFrame({
            "_pos": take, "_cell": k, "region": text["region"][take], "indicator": text["indicator"][take],
            "year": year[take], "value": values[take], "unit": text["unit"][take], "source": text["source"][take],
            "note": text["note"][take], "row": rows[take], "cell_column": label}))
    slow = []
    for pos in np.flatnonzero(~simple):
        row, cells = raw.rows[pos]
        slow += [(pos, k, *rec) for k, rec in _series_row(f, cols, wide, row, cells, problems)]
    blocks.append(pd.DataFrame(slow, columns=["_pos", "_cell"] + _RECORD_COLUMNS))
    both = pd.concat([b for b in blocks if len(b)] or blocks[-1:], ignore_index=True)
    order = np.lexsort((both["_cell"].to_numpy(), both["_pos"].to_numpy()))
    return both.iloc[order][_RECORD_COLUMNS].reset_index(drop=True)


def check_series(raw: RawTable, *, fast: bool = True) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a series table (long or wide) into the long ``History`` frame.

    Returns the frame (columns ``SERIES_COLUMNS``) and every problem found; the frame is
    only trustworthy when no problem has severity ``"error"``. ``fast=False`` reads every
    row cell by cell (same result, slower; for tests).
    """
    problems: list[Problem] = list(raw.notes)
    cols = _Columns(raw, SERIES_REQUIRED + SERIES_OPTIONAL, allow_years=True)
    problems += cols.problems
    wide = not ("year" in cols.index or "value" in cols.index) and bool(cols.years)
    required = SERIES_WIDE_REQUIRED if wide else SERIES_REQUIRED
    header_errors = cols.missing(raw, required)
    if header_errors:
        return _empty_series(), problems + header_errors
    problems += _error_if_no_rows(raw, "data")
    f = raw.file
    frame = _series_records(raw, cols, wide, problems, fast=fast)
    if frame.empty and raw.rows and not any(p.severity == "error" for p in problems):
        # e.g. the template before it is filled in: valid headers, indicators, no numbers
        where = "year column" if wide else f"'{cols.label['value']}' cell"
        problems.append(Problem(f, None, None, None, f"No values: every {where} is empty, so there is no history.",
                                "Type the published values into the file (at least two years per indicator), "
                                "then run again."))
    frame, more = _series_rules(frame, f, cols.label.get("unit", "unit"))
    return frame, _in_row_order(problems + more)


def _empty_series() -> pd.DataFrame:
    return _series_dtypes(pd.DataFrame({c: [] for c in SERIES_COLUMNS}))


def _series_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(SERIES_COLUMNS)].copy()
    for c in ("region", "indicator", "unit", "source", "note"):
        out[c] = out[c].astype("str")
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    out["row"] = out["row"].astype("int64")
    return out.reset_index(drop=True)


def _series_rules(frame: pd.DataFrame, f: str, unit_label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The rules across cells and rows, checked on whole columns; a Problem is built only for
    a row that breaks one. Problems are listed rule by rule (each in frame order), as
    ``_in_row_order`` expects to find them."""
    problems: list[Problem] = []
    if frame.empty:
        return _empty_series(), problems
    region, indicator, unit, source, cell_column = (frame[c].tolist() for c in
                                                    ("region", "indicator", "unit", "source", "cell_column"))
    year, value, row = (frame[c].tolist() for c in ("year", "value", "row"))
    v = frame["value"].to_numpy(dtype=float)
    u = frame["unit"].astype(object)
    negative = (v < 0) & np.asarray(_per_distinct(u.tolist(), is_non_negative_unit), dtype=bool)
    percent = (u == "%").to_numpy(dtype=bool) & ~((v >= 0) & (v <= 100))
    for i in np.flatnonzero(negative | percent):
        if negative[i]:
            problems.append(Problem(f, row[i], cell_column[i], f"{value[i]:g}",
                                    f"Negative value in unit '{unit[i]}' for {region[i]}/{indicator[i]} {year[i]}; "
                                    f"counts and amounts cannot be negative.",
                                    "Check the sign; enter the level, not a change."))
        if percent[i]:
            problems.append(Problem(f, row[i], cell_column[i], f"{value[i]:g}",
                                    f"Percentage {value[i]:g} for {region[i]}/{indicator[i]} {year[i]} is outside 0-100.",
                                    "A % series is a share between 0 and 100; for growth targets give the level "
                                    "series (growth is computed from it)."))
    # One unit per series: mixing 件 and 万件 rows would silently mix magnitudes.
    stated = np.flatnonzero((u != "").to_numpy(dtype=bool))
    if stated.size:
        first = pd.Series(stated).groupby([frame["region"].to_numpy()[stated], frame["indicator"].to_numpy()[stated]],
                                          sort=False).transform("first").to_numpy()
        for i, j in zip(stated, first):
            if unit[i] != unit[j]:
                problems.append(Problem(f, row[i], unit_label, unit[i],
                                        f"Unit '{unit[i]}' differs from '{unit[j]}' (row {row[j]}) within the series "
                                        f"{region[i]}/{indicator[i]}.",
                                        f"Use one unit per series, e.g. convert the value to {unit[j]}."))
    keep = np.ones(len(frame), dtype=bool)
    key = ["region", "indicator", "year"]
    dup = np.flatnonzero(frame.duplicated(key, keep=False).to_numpy())
    if dup.size:
        groups = frame.iloc[dup].groupby(key, sort=False, dropna=False)
        first = pd.Series(dup).groupby(groups.ngroup().to_numpy()).transform("first").to_numpy()
        # group by group (in order of first appearance), each after its first row
        for n in np.lexsort((dup, first)):
            i, j = dup[n], first[n]
            if i == j:
                continue
            where = f"{region[j]}/{indicator[j]} {year[j]}"
            if value[i] == value[j]:
                keep[i] = False
                problems.append(Problem(f, row[i], cell_column[i], f"{value[i]:g}",
                                        f"Row {row[i]} repeats row {row[j]} for {where} with the same value; "
                                        f"kept row {row[j]}.", "Delete the repeated row.", "note"))
            else:
                problems.append(Problem(
                    f, row[i], cell_column[i], f"{value[i]:g}",
                    f"Duplicate {where}: row {row[j]} has {value[j]:g} "
                    f"(source: {source[j] or 'none'}) and row {row[i]} has {value[i]:g} "
                    f"(source: {source[i] or 'none'}).",
                    "Keep one row per region, indicator and year; move the other figure to a separate "
                    "indicator id if its definition differs."))
    return _series_dtypes(frame[keep]), problems


# --------------------------------------------------------------------------- targets


def _vocabulary(text: str, canonical: tuple[str, ...], synonyms: dict[str, str]) -> tuple[str | None, bool]:
    key = clean_header(text)
    if key in canonical:
        return key, False
    if key in synonyms:
        return synonyms[key], True
    return None, False


def _target_row(f: str, cols: _Columns, row: int, cells: tuple, problems: list) -> dict | None:
    """One row of a targets table read cell by cell: its record, or None when it has an error;
    its problems are appended to ``problems``."""
    def err(row, name, cell, problem, fix, severity="error"):
        problems.append(Problem(f, row, cols.label.get(name, name), cell_text(cell) if cell is not None else None,
                                problem, fix, severity))

    def vocab(row, name, cell, default, canonical, synonyms, fix):
        """A kind/direction cell read against its vocabulary: (value, ok); notes a synonym."""
        if is_blank(cell):
            return default, True
        value, synonym = _vocabulary(_text(cell), canonical, synonyms)
        if value is None:
            near = close_matches(clean_header(cell), list(canonical) + list(synonyms))
            err(row, name, cell, f"Unknown {name} '{_text(cell)}'.",
                fix + (f"; did you mean {', '.join(near)}?" if near else "."))
            return None, False
        if synonym:
            err(row, name, cell, f"{name.capitalize()} '{_text(cell)}' read as '{value}'.", "", "note")
        return value, True

    c = {name: cols.cell(cells, name) for name in TARGETS_REQUIRED + TARGETS_OPTIONAL}
    rec = {name: _text(c[name]) for name in ("plan", "region", "indicator", "name", "category", "attribute",
                                             "source", "note")}
    ok = True
    for name in ("plan", "region", "indicator"):
        if rec[name] == "":
            err(row, name, c[name], f"The {name} is empty.", f"Fill in the {name} for this target.")
            ok = False
    unit = clean_unit(c["unit"])
    # kind / direction / strict
    kind, kind_ok = vocab(row, "kind", c["kind"], "stock", KINDS, KIND_SYNONYMS, f"Use one of {', '.join(KINDS)}")
    direction, direction_ok = vocab(row, "direction", c["direction"], "up", DIRECTIONS, DIRECTION_SYNONYMS,
                                    "Use up (reach at least) or down (at most)")
    ok = ok and kind_ok and direction_ok
    strict = STRICT_VALUES.get(clean_header(c["strict"]))
    if strict is None:
        err(row, "strict", c["strict"], f"Unknown strict value '{_text(c['strict'])}'.",
            "Use yes (the plan says 突破/超过, strictly more than) or no.")
        ok = False
    # years
    ty = parse_year(c["target_year"])
    if ty.error:
        err(row, "target_year", c["target_year"], "target_year: " + ty.error, ty.fix)
        ok = False
    elif ty.note:
        err(row, "target_year", c["target_year"], ty.note, "", "note")
    by = None
    if placeholder_of(c["baseline_year"]) is None:
        byc = parse_year(c["baseline_year"])
        if byc.error:
            err(row, "baseline_year", c["baseline_year"], "baseline_year: " + byc.error, byc.fix)
            ok = False
        else:
            by = byc.value
            if byc.note:
                err(row, "baseline_year", c["baseline_year"], byc.note, "", "note")
    # values: a growth_rate/reduction target is a percentage; its baseline is a level.
    rate = kind in RATE_KINDS
    if rate and unit not in ("", "%"):
        err(row, "unit", c["unit"], f"A {kind} target is a percentage, but its unit is '{unit}'.",
            "Set the unit to % (the baseline_value is read in the series' unit).")
        ok = False
    value_cell, cmp_direction, cmp_strict, cmp_word = split_comparator(c["target_value"])
    if cmp_word:
        # '≥2500', '突破2500', '45天以内': the comparison belongs in direction/strict
        stated = None if is_blank(c["direction"]) else direction
        if stated is not None and stated != cmp_direction:
            err(row, "target_value", c["target_value"],
                f"The value says '{cmp_word}' ({cmp_direction}) but the direction column says {stated}.",
                "Make them agree: write the number alone in target_value and the direction in its column.")
            ok = False
        else:
            direction = cmp_direction
            strict = bool(strict) or cmp_strict
            err(row, "target_value", c["target_value"],
                f"read '{_text(c['target_value'])}' as {value_cell} with direction {cmp_direction}"
                + (", strict" if cmp_strict else ""), "", "note")
    tv = parse_number(value_cell, unit)
    if tv.error:
        err(row, "target_value", c["target_value"], tv.error, tv.fix)
        ok = False
    elif tv.missing:
        err(row, "target_value", c["target_value"], "The target has no value.",
            "Enter the plan's target value; a target without a value cannot be assessed.")
        ok = False
    elif tv.note:
        err(row, "target_value", c["target_value"], tv.note, "", "note")
    if not rate and tv.unit:
        unit = tv.unit
    bv = parse_number(c["baseline_value"], "" if rate else unit)
    if bv.error:
        err(row, "baseline_value", c["baseline_value"], bv.error, bv.fix)
        ok = False
    elif bv.note:
        err(row, "baseline_value", c["baseline_value"], bv.note, "", "note")
    target_value = tv.value
    baseline_value = bv.value
    # rules across cells
    if ty.value is not None and by is not None and ty.value <= by:
        err(row, "target_year", c["target_year"],
            f"target_year {ty.value} is not after baseline_year {by}.",
            "Check both years: the target year must come after the baseline year.")
        ok = False
    if kind in NEEDS_BASELINE_YEAR and by is None:
        err(row, "baseline_year", c["baseline_year"],
            f"A {kind} target needs a baseline_year (the year it is measured from).",
            "Enter the plan's base year (usually the year before the plan period starts, e.g. 2020 for 2021-2025).")
        ok = False
    if kind == "reduction" and baseline_value is None:
        err(row, "baseline_value", c["baseline_value"],
            "A reduction target needs a baseline_value (the level the reduction is measured from).",
            "Enter the baseline level from the plan or the statistics.")
        ok = False
    # A percentage level is bounded by 0-100; a per-100-firms count (kind ratio, unit 件)
    # is not (Zhejiang reached 100.1 against a target of 82), so only % or no unit is bounded.
    bounded = (unit == "%" and not rate) or (kind == "ratio" and unit == "")
    if target_value is not None and target_value < 0 and not bounded and kind != "growth_rate" and (
            is_non_negative_unit(unit) or kind == "reduction"):
        err(row, "target_value", c["target_value"],
            f"Negative target {target_value:g} in unit '{unit or '%'}' for a {kind} target is impossible.",
            "Check the sign; negative values are allowed only for growth_rate targets.")
        ok = False
    if baseline_value is not None and baseline_value < 0 and not bounded and (is_non_negative_unit(unit) or rate):
        err(row, "baseline_value", c["baseline_value"],
            f"Negative baseline {baseline_value:g} is impossible for a count or amount.", "Check the sign.")
        ok = False
    for name, v in (("target_value", target_value), ("baseline_value", baseline_value)):
        if v is not None and bounded and not 0 <= v <= 100:
            err(row, name, c[name], f"Ratio {v:g} is outside 0-100.",
                "Percentages lie between 0 and 100; check the value or the unit.")
            ok = False
    if kind == "reduction" and target_value is not None and target_value > 100:
        err(row, "target_value", c["target_value"], f"A reduction of {target_value:g}% is more than 100%.",
            "A reduction is a % fall from the baseline, between 0 and 100.")
        ok = False
    if ok:
        return {**rec, "unit": unit, "kind": kind, "direction": direction, "strict": bool(strict),
                        "target_year": ty.value, "target_value": float(target_value),
                        "baseline_year": by, "baseline_value": np.nan if baseline_value is None else float(baseline_value),
                "row": row}
    return None


def _vocabulary_cells(cells: list, default: str, canonical: tuple[str, ...], synonyms: dict[str, str]) -> list:
    """Each kind/direction cell's value where it is read without a word (empty: ``default``;
    a canonical name), else None (an unknown word or a synonym: read by :func:`_target_row`)."""
    def read(cell):
        if is_blank(cell):
            return default
        value, synonym = _vocabulary(_text(cell), canonical, synonyms)
        return None if synonym else value

    return _per_distinct(cells, read)


def _plain_year(cell):
    """A year cell's year when :func:`parse_year` reads it without a word, else None."""
    c = parse_year(cell)
    return None if c.error or c.note else c.value


def _plain_baseline_year(cell):
    """(True, year or None) when a baseline_year cell is read without a word, else (False, None)."""
    if placeholder_of(cell) is not None:
        return True, None
    y = _plain_year(cell)
    return y is not None, y


def _target_records(raw: RawTable, cols: _Columns, problems: list, *, fast: bool = True) -> pd.DataFrame:
    """The valid targets in row order, as a frame of ``TARGETS_COLUMNS``. Rows with every cell
    plain and nothing for a rule to report are read a column at a time; the others by
    :func:`_target_row` (``fast=False``: every row)."""
    f = raw.file
    n = len(raw.rows)
    columns = _transposed(raw)
    c = {name: _column(columns, cols.index.get(name), n) for name in TARGETS_REQUIRED + TARGETS_OPTIONAL}
    text = {name: np.asarray(_per_distinct(c[name], _text), dtype=object)
            for name in ("plan", "region", "indicator", "name", "category", "attribute", "source", "note")}
    unit = pd.Series(_per_distinct(c["unit"], clean_unit), dtype=object)
    unit_again = pd.Series(_per_distinct(list(unit), clean_unit), dtype=object)  # the unit parse_number hands back
    kind = pd.Series(_vocabulary_cells(c["kind"], "stock", KINDS, KIND_SYNONYMS), dtype=object)
    direction = pd.Series(_vocabulary_cells(c["direction"], "up", DIRECTIONS, DIRECTION_SYNONYMS), dtype=object)
    strict = pd.Series(_per_distinct(c["strict"], lambda cell: STRICT_VALUES.get(clean_header(cell))), dtype=object)
    target_year = pd.Series(_per_distinct(c["target_year"], _plain_year), dtype=object)
    baseline = _per_distinct(c["baseline_year"], _plain_baseline_year)
    baseline_year = pd.Series([by for _, by in baseline], dtype=object)
    tv = _plain_numbers(c["target_value"])
    bv = _plain_numbers(c["baseline_value"])
    has_bv, has_by = ~np.isnan(bv), baseline_year.notna().to_numpy()
    ty = pd.to_numeric(target_year).to_numpy(dtype=float)
    by = pd.to_numeric(baseline_year).to_numpy(dtype=float)
    rate = kind.isin(RATE_KINDS).to_numpy()
    named = (text["plan"] != "") & (text["region"] != "") & (text["indicator"] != "")
    words = (kind.notna() & direction.notna() & strict.notna() & target_year.notna()).to_numpy()
    years_plain = np.fromiter((ok for ok, _ in baseline), bool, n)
    rate_unit = ~rate | unit.isin(["", "%"]).to_numpy()
    plain = named & words & years_plain & rate_unit & ~np.isnan(tv) & (has_bv | _empty_cells(c["baseline_value"]))
    final_unit = unit_again.where(~rate & (unit_again != ""), unit)
    bounded = (((final_unit == "%") & ~rate) | ((kind == "ratio") & (final_unit == ""))).to_numpy()
    # Anything a rule across cells could object to is left to _target_row (a negative or
    # over-100 value, a missing baseline where the kind needs one, years out of order).
    reduction = (kind == "reduction").to_numpy()
    doubtful = ((tv < 0) | (has_bv & (bv < 0)) | (bounded & ((tv > 100) | (has_bv & (bv > 100))))
                | (reduction & ((tv > 100) | ~has_bv)) | (has_by & (ty <= by))
                | (kind.isin(NEEDS_BASELINE_YEAR).to_numpy() & ~has_by))
    simple = plain & ~doubtful & fast
    take = np.flatnonzero(simple)
    blocks = [pd.DataFrame({
        "_pos": take, **{name: v[take] for name, v in text.items()}, "unit": final_unit.to_numpy()[take],
        "kind": kind.to_numpy()[take], "direction": direction.to_numpy()[take],
        "strict": strict.to_numpy()[take].astype(bool), "target_year": ty[take].astype(np.int64),
        "target_value": tv[take], "baseline_year": baseline_year.to_numpy()[take], "baseline_value": bv[take],
        "row": np.fromiter((raw.rows[i][0] for i in take), np.int64, len(take))})]
    slow = []
    for pos in np.flatnonzero(~simple):
        row, cells = raw.rows[pos]
        rec = _target_row(f, cols, row, cells, problems)
        if rec is not None:
            slow.append({"_pos": pos, **rec})
    blocks.append(pd.DataFrame(slow, columns=["_pos"] + list(TARGETS_COLUMNS)))
    both = pd.concat([b for b in blocks if len(b)] or blocks[-1:], ignore_index=True)
    order = np.argsort(both["_pos"].to_numpy(), kind="stable")
    return both.iloc[order][list(TARGETS_COLUMNS)].reset_index(drop=True)


def check_targets(raw: RawTable, *, fast: bool = True) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a targets table into the ``Targets`` frame; returns (frame, problems).
    ``fast=False`` reads every row cell by cell (same result, slower; for tests)."""
    problems: list[Problem] = list(raw.notes)
    cols = _Columns(raw, TARGETS_REQUIRED + TARGETS_OPTIONAL, allow_years=False)
    problems += cols.problems
    header_errors = cols.missing(raw, TARGETS_REQUIRED)
    if header_errors:
        return _targets_dtypes(pd.DataFrame({c: [] for c in TARGETS_COLUMNS})), problems + header_errors
    problems += _error_if_no_rows(raw, "target")
    f = raw.file
    frame = _target_records(raw, cols, problems, fast=fast)
    frame, more = _target_duplicates(frame, f, cols)
    return _targets_dtypes(frame), _in_row_order(problems + more)


#: What makes two targets of one indicator and year distinct: plans state a level and a growth
#: rate (kind), an expected and a stretch value (确保/力争: name), or a floor and a ceiling
#: (direction) for the same indicator and year. Rows equal on all of these are one target stated
#: twice; an empty name matches any name (a row without a name is not told apart by it).
TARGET_KEY = ("plan", "region", "indicator", "target_year", "name", "kind", "direction")


def _same_target(a: dict, b: dict) -> bool:
    names = (str(a["name"] or "").strip(), str(b["name"] or "").strip())
    return a["kind"] == b["kind"] and a["direction"] == b["direction"] and (
        names[0] == names[1] or "" in names)


def _target_duplicates(frame: pd.DataFrame, f: str, cols: _Columns) -> tuple[pd.DataFrame, list[Problem]]:
    problems = []
    if frame.empty:
        return frame, problems
    key = ["plan", "region", "indicator", "target_year"]
    keep = np.ones(len(frame), dtype=bool)
    label = cols.label.get("target_value", "target_value")
    dup = np.flatnonzero(frame.duplicated(key, keep=False).to_numpy())
    groups: dict[int, list] = {}  # in order of first appearance, each in row order
    for g, idx, r in zip(frame.iloc[dup].groupby(key, sort=False).ngroup().to_numpy(), dup,
                         frame.iloc[dup].to_dict("records")):
        groups.setdefault(g, []).append((idx, r))
    for grp in groups.values():
        seen: list[dict] = []
        for idx, r in grp:
            first = next((s for s in seen if _same_target(s, r)), None)
            if first is None:
                seen.append(r)
                continue
            where = f"{r['plan']} {r['region']}/{r['indicator']} {r['target_year']}"
            if r["target_value"] == first["target_value"]:
                keep[idx] = False
                problems.append(Problem(f, int(r["row"]), label, f"{r['target_value']:g}",
                                        f"Row {r['row']} repeats the target in row {first['row']} ({where}); kept row "
                                        f"{first['row']}.", "Delete the repeated row.", "note"))
            else:
                problems.append(Problem(f, int(r["row"]), label, f"{r['target_value']:g}",
                                        f"Two targets for {where} with the same name, kind and direction: row "
                                        f"{first['row']} says {first['target_value']:g}, row {r['row']} says "
                                        f"{r['target_value']:g}.",
                                        "Keep one of them, or tell them apart: a different name (e.g. …（确保） / "
                                        "…（力争）), kind (level vs growth_rate) or direction (floor up, ceiling down)."))
    return frame[keep], problems


def _targets_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(TARGETS_COLUMNS)].copy()
    for c in ("plan", "region", "indicator", "name", "unit", "kind", "direction", "category", "attribute",
              "source", "note"):
        out[c] = out[c].astype("str")
    out["strict"] = out["strict"].astype("bool")
    out["target_year"] = out["target_year"].astype("int64")
    out["target_value"] = out["target_value"].astype("float64")
    out["baseline_year"] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out["baseline_year"]],
                                    dtype="Int64")
    out["baseline_value"] = out["baseline_value"].astype("float64")
    out["row"] = out["row"].astype("int64")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- files


def looks_like_targets(headers) -> bool:
    """True when the headers name a targets table (they include target_value or target_year)."""
    canon = {canonical_column(h) for h in headers}
    return bool(canon & {"target_value", "target_year"})


def validate_file(path, *, sheet: str | None = None) -> tuple[str, list[Problem]]:
    """Check one series or targets file and list every problem, without raising.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or .xlsx file.
    sheet : str, optional
        Sheet of an .xlsx workbook.

    Returns
    -------
    (kind, problems)
        ``kind`` is ``"targets"`` when the header names target columns, else ``"series"``
        (``"series+targets"`` for a filled-in template, whose two sheets are both checked);
        ``problems`` holds every error and note (an empty list means a clean file).
    """
    tables = validate_tables(path, sheet=sheet)
    kind = "+".join(dict.fromkeys(k for _, k, _ in tables))
    return kind, [p for _, _, problems in tables for p in problems]


def validate_tables(path, *, sheet: str | None = None) -> list[tuple[str, str, list[Problem]]]:
    """``[(label, kind, problems)]``, one per table checked: the file (``file[sheet]`` for a
    workbook), ``"series"`` or ``"targets"``, and its problems.

    A file that cannot be read at all (missing, not a table) is one table with one problem.
    A workbook with both a ``history`` and a ``targets`` sheet (a filled-in template) has
    both sheets checked, each under its own label.
    """
    # Imported here because readers builds on this module.
    from history.readers import read_table, template_sheets

    if sheet is None:
        both = template_sheets(path)
        if both:
            # A filled-in template: the history sheet is what the user typed, but the targets
            # sheet may have been edited too, so check both (messages name the sheet).
            return validate_tables(path, sheet=both[0]) + validate_tables(path, sheet=both[1])
    try:
        raw = read_table(path, sheet=sheet, kind=None)
    except DataError as exc:
        return [(str(path), "series", list(exc.problems))]
    if looks_like_targets(raw.headers):
        return [(raw.file, "targets", check_targets(raw)[1])]
    return [(raw.file, "series", check_series(raw)[1])]
