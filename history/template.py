"""A fill-in workbook for one plan: its targets, and an empty wide history sheet.

Planners keep their numbers as one row per indicator and one column per year, so that is
what the template asks for. The workbook reads back with :func:`history.readers.load_series`
(sheet ``history``) and :func:`history.readers.load_targets` (sheet ``targets``) unchanged;
the Chinese column labels are header notes (cell comments), so the header stays one row.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import pandas as pd

from history.problems import DataError, Problem
from history.schema import CHINESE_LABELS, RATE_KINDS, TARGETS_COLUMNS, close_matches

HISTORY_SHEET = "history"
TARGETS_SHEET = "targets"
README_SHEET = "说明 README"

_README = [
    "怎样填写 / How to fill in",
    "1. 在 history 表中每行是一个指标，每列是一个年份：填入该年的数值（年末存量或当年发生量，与规划口径一致）。",
    "   history: one row per indicator, one column per year. Enter the value of each year you know.",
    "2. 没有数据的年份留空即可（不要填 0）。空白不是零。",
    "   Leave unknown years empty (not 0): an empty cell is a missing observation.",
    "3. 单位列写数值的单位（件、万件、亿元、%）。数值可以写 1.2万，会按单位换算并提示。",
    "   unit: the unit of the numbers in the row; 1.2万 is read against it and reported as a note.",
    "4. 年均增速、压减类目标（growth_rate / reduction）请在 history 中填写指标本身的水平值（如营业收入），不是增速。",
    "   For growth_rate / reduction targets enter the level series (e.g. revenue), not the rate.",
    "5. 规划中给出的基期值也是一次观测，请填入对应年份。",
    "   A baseline value stated in the plan is an observation: put it in its year.",
    "6. 填好后检查: targetcast validate <本文件>；运行: targetcast risk <plan> --targets <本文件> --series <本文件>",
    "   Check with `targetcast validate FILE`, then run `targetcast risk PLAN --targets FILE --series FILE`.",
    "targets 表是规划目标，可以修改，但请保持列名不变。 The targets sheet may be edited; keep its column names.",
]


def _cell(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _default_years(sel: pd.DataFrame) -> tuple[int, int]:
    base = pd.to_numeric(sel.get("baseline_year", pd.Series(dtype="float64")), errors="coerce").dropna()
    target_years = pd.to_numeric(sel["target_year"], errors="coerce").dropna()
    last = int(target_years.max())
    # Ten years before the plan's base year gives the models enough history to work with.
    first = int(base.min()) - 10 if len(base) else int(target_years.min()) - 15
    return first, last


def write_template(targets: pd.DataFrame, plan: str, path, *, first_year: int | None = None,
                   last_year: int | None = None) -> Path:
    """Write an .xlsx workbook to fill in the history of one plan's indicators.

    Parameters
    ----------
    targets : DataFrame
        Targets frame (``Targets.frame``, e.g. the bundled targets) with at least plan,
        region, indicator, target_year.
    plan : str
        The plan id whose targets go into the workbook.
    path : str or Path
        The .xlsx file to create. An existing file is never overwritten.
    first_year, last_year : int, optional
        Year columns of the history sheet. Default: ten years before the earliest
        baseline_year (fifteen before the earliest target_year when no baseline is given)
        up to the latest target_year.

    Returns
    -------
    Path
        The file written, with sheets ``targets`` (the plan's targets; Chinese labels as
        header notes), ``history`` (region, indicator, name, unit, then one empty column per
        year) and ``说明 README``.

    Raises
    ------
    DataError
        Unknown plan (with close matches), existing file, a path not ending in .xlsx, or
        first_year after last_year.

    Examples
    --------
    >>> import tempfile, os
    >>> t = pd.DataFrame({"plan": ["p"], "region": ["甲市"], "indicator": ["grants"], "name": ["授权量"],
    ...                   "unit": ["件"], "kind": ["annual"], "target_year": [2025], "target_value": [100.0]})
    >>> out = write_template(t, "p", os.path.join(tempfile.mkdtemp(), "p.xlsx"), first_year=2018)
    >>> out.suffix
    '.xlsx'
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    path = Path(path)
    file = str(path)
    if "plan" not in targets.columns:
        raise DataError("The targets have no 'plan' column.", [Problem(
            "<targets>", None, "plan", None, "The targets have no 'plan' column.", "Pass a targets frame with plan ids.")])
    plans = sorted(set(targets["plan"].astype(str)))
    if plan not in plans:
        near = close_matches(plan, plans)
        hint = f"Did you mean {', '.join(near)}? " if near else ""
        raise DataError(f"Unknown plan '{plan}'. {hint}Plans: {', '.join(plans)}.", [Problem(
            "<targets>", None, "plan", plan, f"Unknown plan '{plan}'.", f"{hint}Use one of: {', '.join(plans)}.")])
    if path.suffix.lower() != ".xlsx":
        raise DataError(f"The template must be an .xlsx file; got '{file}'.", [Problem(
            file, None, None, None, "The output name does not end in .xlsx.", "Name the output file e.g. plan.xlsx.")])
    if path.exists():
        raise DataError(f"{file} already exists; it is not overwritten.", [Problem(
            file, None, None, None, "The output file already exists.", "Choose another --output name or delete the file.")])
    sel = targets[targets["plan"].astype(str) == plan]
    d_first, d_last = _default_years(sel)
    first = d_first if first_year is None else int(first_year)
    last = d_last if last_year is None else int(last_year)
    if first > last:
        raise DataError(f"first_year {first} is after last_year {last}.", [Problem(
            file, None, None, f"{first}-{last}", f"first_year {first} is after last_year {last}.",
            "Give a first year before the last year.")])
    if last - first > 60:
        warnings.warn(f"The history sheet will have {last - first + 1} year columns.", stacklevel=2)

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wb = openpyxl.Workbook()
    ws_t = wb.active
    ws_t.title = TARGETS_SHEET
    columns = [c for c in TARGETS_COLUMNS if c != "row" and c in sel.columns]
    ws_t.append(columns)
    for r in sel[columns].itertuples(index=False):
        ws_t.append([_cell(v) for v in r])

    ws_h = wb.create_sheet(HISTORY_SHEET)
    years = list(range(first, last + 1))
    ws_h.append(["region", "indicator", "name", "unit"] + years)
    seen: dict[tuple[str, str], list] = {}
    for r in sel.itertuples(index=False):
        key = (str(r.region), str(r.indicator))
        kind = getattr(r, "kind", "stock")
        # A growth_rate / reduction target is in %, but its series is a level of unknown unit.
        unit = "" if kind in RATE_KINDS else (_cell(getattr(r, "unit", "")) or "")
        name = _cell(getattr(r, "name", "")) or ""
        if key not in seen:
            seen[key] = [key[0], key[1], name, unit]
        else:
            seen[key][2] = seen[key][2] or name
            seen[key][3] = seen[key][3] or unit
    for row in seen.values():
        ws_h.append(row)

    for ws, names in ((ws_t, columns), (ws_h, ["region", "indicator", "name", "unit"] + years)):
        for i, name in enumerate(names, start=1):
            c = ws.cell(row=1, column=i)
            c.font, c.fill = bold, fill
            label = CHINESE_LABELS.get(str(name), f"{name}年数值" if isinstance(name, int) else "")
            if label:
                c.comment = Comment(label, "targetcast")
            ws.column_dimensions[c.column_letter].width = 10 if isinstance(name, int) else 18
        ws.freeze_panes = "E2" if ws is ws_h else "B2"
    ws_h["D1"].comment = Comment("单位 (件/万件/亿元/%)；增速、压减类目标填水平值的单位", "targetcast")

    ws_r = wb.create_sheet(README_SHEET)
    ws_r.append([f"targetcast 填报模板 · plan {plan} · {len(sel)} targets · years {first}-{last}"])
    ws_r["A1"].font = bold
    for line in _README:
        ws_r.append([line])
    ws_r.column_dimensions["A"].width = 110

    # "x" mode: never overwrite, even if the file appeared since the check above.
    try:
        with open(path, "xb") as fh:
            wb.save(fh)
    except FileExistsError:
        raise DataError(f"{file} already exists; it is not overwritten.", [Problem(
            file, None, None, None, "The output file already exists.", "Choose another --output name.")]) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
