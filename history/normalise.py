"""Read one spreadsheet cell as a number or a year, the way a planner meant it.

Spreadsheets hold ``2020年``, full-width ``２０２０``, ``12,345`` and ``12，345``, ``12%``,
``1.2万``, and placeholders such as ``—`` or ``XX`` for "not available". Each function here
returns the value together with a description of what it changed, so the caller can report
every normalisation as a note: nothing is changed silently.

Magnitude suffixes are reconciled against the row's unit, never guessed:
``1.2万`` is 12000 in a 件 row and 1.2 in a 万件 row (the suffix repeats the unit); in a 亿件
row it is ambiguous (1.2万 亿件, or 1.2万 件 written in the wrong row?) and is an error.
"""
from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from history.units import BASE_UNITS, MAGNITUDES, STANDALONE_UNITS, clean_unit, parse_unit, unit_factor

#: Texts that mean "no value" (compared after NFKC, trimmed, case-folded).
PLACEHOLDERS = frozenset(
    {"", "—", "——", "–", "-", "--", "---", "xx", "xxx", "x", "/", "n/a", "na", "nan", "none", "null", "无",
     "暂无", "空", "…", "...", "……", "?", "？", "/ "}
)

_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(\.\d+)?(.*)$")
_SCIENTIFIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d{1,4}")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?(年|年度|年末|年底)?$")
_DASHES = str.maketrans({"\u2212": "-", "\u2012": "-", "\ufe63": "-"})


@dataclass(frozen=True)
class Cell:
    """The outcome of reading one cell.

    ``value`` is None when the cell is missing (empty or a placeholder); ``placeholder`` is
    then the placeholder text (``""`` for an empty cell). ``note`` describes a normalisation
    that was applied; ``error``/``fix`` describe why the cell cannot be read.
    """

    value: float | int | None
    unit: str = ""
    note: str = ""
    error: str = ""
    fix: str = ""
    placeholder: str | None = None

    @property
    def missing(self) -> bool:
        return self.value is None and not self.error


def cell_text(cell) -> str:
    """The cell as the user typed it, for messages (``12000.0`` -> ``'12000'``)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def is_blank(cell) -> bool:
    """True for None, NaN and whitespace-only text."""
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    if not isinstance(cell, str):
        return False
    if cell.isascii():  # NFKC leaves ASCII as it is: skip it (every cell of a large file passes here)
        return cell == "" or cell.isspace()
    return unicodedata.normalize("NFKC", cell).strip() == ""


def _prepare(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    return re.sub(r"\s+", "", s)


def placeholder_of(cell) -> str | None:
    """The placeholder text if the cell means "no value" (``''``, ``'—'``, ``'XX'`` ...), else None."""
    if is_blank(cell):
        return ""
    if isinstance(cell, str):
        s = _prepare(cell).lower()
        if s in PLACEHOLDERS or set(s) <= set("—–-_/xX"):
            return cell.strip()
    return None


def _scaled(number: str, factor: float) -> float:
    # Decimal keeps 1.2 x 10000 == 12000 exactly instead of 12000.000000000002.
    return float(Decimal(number) * Decimal(repr(float(factor))))


def _known_unit(text: str) -> bool:
    u = parse_unit(text)
    known = BASE_UNITS | STANDALONE_UNITS
    return u.base in known and (not u.per or u.per in known)


#: Largest magnitude accepted as an observation or target (1e18: beyond any indicator in any
#: unit, 元 included). A 400-digit paste would otherwise become inf and be accepted.
MAX_ABS_VALUE = 1e18


def parse_number(cell, unit="") -> "Cell":
    """Read a cell as a number (see :func:`_parse_number` for the forms accepted); values that
    overflow or exceed ``MAX_ABS_VALUE`` are an error, never inf."""
    out = _parse_number(cell, unit)
    if out.value is not None and not (math.isfinite(out.value) and abs(out.value) <= MAX_ABS_VALUE):
        raw = str(cell).strip()
        shown = raw if len(raw) <= 24 else f"{raw[:12]}…{raw[-6:]} ({len(raw)} characters)"
        return Cell(None, out.unit, error=f"'{shown}' is too large to be a value of this indicator.",
                    fix="Check the cell: a pasted id, a wrong unit or a formula's overflow? Enter the value itself.")
    return out


def _parse_number(cell, unit: str = "") -> Cell:
    """Read a cell as a number in the row's ``unit``.

    Parameters
    ----------
    cell : str, int, float or None
        The cell as read from CSV (text) or .xlsx (numbers or text).
    unit : str
        The row's unit (``""`` when not stated).

    Returns
    -------
    Cell
        ``value`` (float) in ``unit``; ``unit`` is the row's unit, or the unit the cell
        itself stated when the row had none (``'12%'`` -> unit ``'%'``).

    Examples
    --------
    >>> parse_number("12,345").value
    12345.0
    >>> parse_number("1.2万", "件").value, parse_number("1.2万", "万件").value
    (12000.0, 1.2)
    >>> parse_number("XX").missing
    True
    >>> parse_number("about 5").error != ""
    True
    """
    unit = clean_unit(unit)
    ph = placeholder_of(cell)
    if ph is not None:
        return Cell(None, unit, placeholder=ph)
    if isinstance(cell, bool):
        return Cell(None, unit, error=f"'{cell}' is not a number.", fix="Enter a number.")
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and not math.isfinite(cell):
            return Cell(None, unit, error=f"'{cell}' is not a finite number.", fix="Enter a number or leave the cell empty.")
        return Cell(float(cell), unit)
    raw = str(cell)
    s = _prepare(raw)
    if _SCIENTIFIC.fullmatch(s):  # 1.2E+05, as scripts and Excel's General format write large numbers
        value = float(Decimal(s))
        return Cell(value, unit, note=f"read '{raw}' as {value:g} (scientific notation)")
    m = _NUMBER.match(s)
    not_a_number = Cell(
        None, unit, error=f"'{raw}' is not a number.",
        fix="Enter a plain number (e.g. 12345 or 1.2万 with a unit), or leave the cell empty / '—' if not available.",
    )
    if not m:
        return not_a_number
    sign, integer, decimals, suffix = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    number = sign + integer.replace(",", "") + decimals
    if number in ("", "+", "-"):
        return not_a_number
    changes = []
    if s != raw.strip():
        changes.append("full-width characters or spaces")
    if "," in integer:
        changes.append("thousands separators")
    value = float(Decimal(number))
    if not suffix:
        note = f"read '{raw}' as {value:g} ({', '.join(changes)} removed)" if changes else ""
        return Cell(value, unit, note=note)
    if suffix == "%":
        if unit in ("", "%"):
            extra = "; unit set to %" if unit == "" else ""
            return Cell(value, "%", note=f"read '{raw}' as {value:g} (%){extra}")
        return Cell(None, unit, error=f"'{raw}' is a percentage but the row's unit is '{unit}'.",
                    fix=f"Enter the value in {unit}, or change the unit to %.")
    if suffix in MAGNITUDES:
        mag = MAGNITUDES[suffix]
        if unit == "":
            v = _scaled(number, mag)
            return Cell(v, unit, note=f"read '{raw}' as {v:g} ({suffix} = {mag:g}); add a unit column to be explicit")
        u = parse_unit(unit)
        if not u.is_rate and u.base in BASE_UNITS and u.scale == mag:
            v = float(Decimal(number))
            return Cell(v, unit, note=f"read '{raw}' as {v:g} {unit} (the {suffix} repeats the unit)")
        if not u.is_rate and u.base in BASE_UNITS and u.scale == 1.0:
            v = _scaled(number, mag)
            return Cell(v, unit, note=f"read '{raw}' as {v:g} {unit} ({suffix} = {mag:g})")
        return Cell(None, unit, error=f"'{raw}' is ambiguous in a row whose unit is '{unit}'.",
                    fix=f"Write the number in {unit} without the '{suffix}' suffix (or change the unit).")
    if _known_unit(suffix):
        stated = clean_unit(suffix)
        if unit == "":
            return Cell(value, stated, note=f"read '{raw}' as {value:g}; unit set to {stated}")
        f = unit_factor(stated, unit)
        if f is None:
            return Cell(None, unit, error=f"'{raw}' is in {stated} but the row's unit is '{unit}'.",
                        fix=f"Enter the value in {unit}, or correct the unit column.")
        v = _scaled(number, f)
        if f == 1.0 and stated == unit:
            return Cell(v, unit, note=f"read '{raw}' as {v:g} (unit {unit} removed)")
        return Cell(v, unit, note=f"read '{raw}' as {v:g} {unit} (from {stated}, x{f:g})")
    return not_a_number


def parse_year(cell) -> Cell:
    """Read a cell as an integer year (1800-2200): ``2020``, ``'2020年'``, ``'２０２０'``.

    Examples
    --------
    >>> parse_year("2020年").value
    2020
    >>> parse_year("2020.5").error != ""
    True
    """
    fix = "Write the year as a four-digit integer, e.g. 2020."
    if is_blank(cell):
        return Cell(None, error="The year is missing.", fix=fix, placeholder="")
    if isinstance(cell, bool):
        return Cell(None, error=f"'{cell}' is not a year.", fix=fix)
    if isinstance(cell, (datetime.date, datetime.datetime)):
        # Excel turns a typed 2020 into a date only when the cell is date-formatted; which
        # year was meant is not certain, so ask rather than take cell.year.
        return Cell(None, error=f"'{cell}' is a date, not a year.",
                    fix="Format the year cells as numbers (or text) and type the year, e.g. 2020.")
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and not cell.is_integer():
            return Cell(None, error=f"'{cell}' is not an integer year.", fix=fix)
        y = int(cell)
        note = ""
    else:
        raw = str(cell)
        s = _prepare(raw)
        m = _YEAR.match(s)
        if not m:
            what = "not an integer year" if re.fullmatch(r"\d+\.\d+", s) else "not a year"
            if re.search(r"[〇零一二三四五六七八九]", s):
                fix = "Write the year with Arabic digits, e.g. 2020 instead of 二〇二〇."
            return Cell(None, error=f"'{raw}' is {what}.", fix=fix)
        y = int(m.group(1))
        note = f"read '{raw}' as {y}" if s != str(y) or raw.strip() != s else ""
    if not 1800 <= y <= 2200:
        return Cell(None, error=f"Year {y} is outside 1800-2200.", fix=fix)
    return Cell(y, note=note)


# How plans write a target's comparison into the value cell: (pattern, direction, strict).
# 突破/超过 are strict ("more than"), 以上/不低于 are not; 以内/不超过 bound from above.
_COMPARATORS = (
    (r"^(?:≥|>=|不低于|不少于|达到|力争达到|力争|至少)\s*(.+)$", "up", False),
    (r"^(?:>|＞|超过|突破|高于|大于|多于)\s*(.+)$", "up", True),
    (r"^(.+?)\s*(?:以上|及以上)$", "up", False),
    (r"^(?:≤|<=|不超过|不高于|不多于|控制在|至多)\s*(.+?)(?:以内|以下)?$", "down", False),
    (r"^(?:<|＜|低于|少于|小于)\s*(.+)$", "down", True),
    (r"^(.+?)\s*(?:以内|以下|及以下)$", "down", False),
)


def split_comparator(cell) -> tuple[object, str | None, bool, str]:
    """A target value written with its comparison (``≥2500``, ``2500以上``, ``突破2500``,
    ``≤45``, ``45天以内``): ``(number_text, direction, strict, comparison)``; a plain cell comes
    back unchanged with ``(cell, None, False, "")``."""
    if is_blank(cell) or not isinstance(cell, str):
        return cell, None, False, ""
    text = cell.strip()
    for pattern, direction, strict in _COMPARATORS:
        m = re.match(pattern, text)
        if m and m.group(1).strip():
            rest = m.group(1).strip()
            return rest, direction, strict, text.replace(rest, "", 1).strip()
    return cell, None, False, ""
