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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from history.normalise import cell_text, is_blank, parse_number, parse_year, placeholder_of, split_comparator
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


# --------------------------------------------------------------------------- series


def check_series(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a series table (long or wide) into the long ``History`` frame.

    Returns the frame (columns ``SERIES_COLUMNS``) and every problem found; the frame is
    only trustworthy when no problem has severity ``"error"``.
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
    records = []
    f = raw.file
    for row, cells in raw.rows:
        region = _text(cols.cell(cells, "region"))
        indicator = _text(cols.cell(cells, "indicator"))
        unit = clean_unit(cols.cell(cells, "unit"))
        source = _text(cols.cell(cells, "source"))
        note = _text(cols.cell(cells, "note"))
        row_ok = True
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
        for cell, year, label in cells_to_read:
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
                records.append((region, indicator, int(year), float(vc.value), vc.unit, source, note, row, label))
    frame = pd.DataFrame(records, columns=list(SERIES_COLUMNS) + ["cell_column"])
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
    problems: list[Problem] = []
    if frame.empty:
        return _empty_series(), problems
    for r in frame.itertuples(index=False):
        if r.value < 0 and is_non_negative_unit(r.unit):
            problems.append(Problem(f, r.row, r.cell_column, f"{r.value:g}",
                                    f"Negative value in unit '{r.unit}' for {r.region}/{r.indicator} {r.year}; "
                                    f"counts and amounts cannot be negative.",
                                    "Check the sign; enter the level, not a change."))
        if r.unit == "%" and not 0 <= r.value <= 100:
            problems.append(Problem(f, r.row, r.cell_column, f"{r.value:g}",
                                    f"Percentage {r.value:g} for {r.region}/{r.indicator} {r.year} is outside 0-100.",
                                    "A % series is a share between 0 and 100; for growth targets give the level "
                                    "series (growth is computed from it)."))
    # One unit per series: mixing 件 and 万件 rows would silently mix magnitudes.
    stated = frame[frame["unit"] != ""]
    for (region, indicator), grp in stated.groupby(["region", "indicator"], sort=False):
        first_unit, first_row = grp["unit"].iloc[0], grp["row"].iloc[0]
        for r in grp[grp["unit"] != first_unit].itertuples(index=False):
            problems.append(Problem(f, r.row, unit_label, r.unit,
                                    f"Unit '{r.unit}' differs from '{first_unit}' (row {first_row}) within the series "
                                    f"{region}/{indicator}.",
                                    f"Use one unit per series, e.g. convert the value to {first_unit}."))
    keep = np.ones(len(frame), dtype=bool)
    key = ["region", "indicator", "year"]
    dup = frame.duplicated(key, keep=False)
    for _, grp in frame[dup].groupby(key, sort=False, dropna=False):
        first = grp.iloc[0]
        for idx, r in grp.iloc[1:].iterrows():
            where = f"{first['region']}/{first['indicator']} {first['year']}"
            if r["value"] == first["value"]:
                keep[idx] = False
                problems.append(Problem(f, int(r["row"]), r["cell_column"], f"{r['value']:g}",
                                        f"Row {r['row']} repeats row {first['row']} for {where} with the same value; "
                                        f"kept row {first['row']}.", "Delete the repeated row.", "note"))
            else:
                problems.append(Problem(
                    f, int(r["row"]), r["cell_column"], f"{r['value']:g}",
                    f"Duplicate {where}: row {first['row']} has {first['value']:g} "
                    f"(source: {first['source'] or 'none'}) and row {r['row']} has {r['value']:g} "
                    f"(source: {r['source'] or 'none'}).",
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


def check_targets(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a targets table into the ``Targets`` frame; returns (frame, problems)."""
    problems: list[Problem] = list(raw.notes)
    cols = _Columns(raw, TARGETS_REQUIRED + TARGETS_OPTIONAL, allow_years=False)
    problems += cols.problems
    header_errors = cols.missing(raw, TARGETS_REQUIRED)
    if header_errors:
        return _targets_dtypes(pd.DataFrame({c: [] for c in TARGETS_COLUMNS})), problems + header_errors
    problems += _error_if_no_rows(raw, "target")
    f = raw.file
    records = []

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

    for row, cells in raw.rows:
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
            records.append({**rec, "unit": unit, "kind": kind, "direction": direction, "strict": bool(strict),
                            "target_year": ty.value, "target_value": float(target_value),
                            "baseline_year": by, "baseline_value": np.nan if baseline_value is None else float(baseline_value),
                            "row": row})
    frame = pd.DataFrame(records, columns=list(TARGETS_COLUMNS))
    frame, more = _target_duplicates(frame, f, cols)
    return _targets_dtypes(frame), _in_row_order(problems + more)


#: What makes two targets of one indicator and year distinct: plans state a level and a growth
#: rate (kind), an expected and a stretch value (确保/力争: name), or a floor and a ceiling
#: (direction) for the same indicator and year. Rows equal on all of these are one target stated
#: twice; an empty name matches any name (a row without a name is not told apart by it).
TARGET_KEY = ("plan", "region", "indicator", "target_year", "name", "kind", "direction")


def _same_target(a: pd.Series, b: pd.Series) -> bool:
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
    for _, grp in frame[frame.duplicated(key, keep=False)].groupby(key, sort=False):
        seen: list[pd.Series] = []
        for idx, r in grp.iterrows():
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
