"""Units of plan indicators and the Chinese magnitudes that connect them.

Plans and statistical bulletins state the same quantity in different magnitudes: 发明专利
授权量 in 件 in one table and in 万件 in the next, 质押融资额 in 亿元 or 万元. A unit here
is ``magnitude + base`` (万 + 件), optionally a rate ``numerator/denominator`` (件/万人).
Two units convert when their bases agree; the factor is the ratio of their magnitudes.

Decisions recorded here:

* Different base units never convert, even when they count similar things (件 vs 个 vs 项):
  silently equating them would hide a transcription error.
* Plans write 件 for "per 10,000 population" indicators (每万人口发明专利拥有量 28 件), so
  ``件/万人`` and ``件`` are the same unit (factor 1). This applies only to a plain unit equal
  to the rate's numerator and a 万人 denominator; ``件/百万人`` vs ``件`` stays incompatible,
  because we cannot know which population base the plain 件 meant.
* ``%``, 分 (score), 天, 月, 年, 个百分点 are units of their own; ``%`` converts only to ``%``.
* An empty unit is "not stated" and is compatible with anything (factor 1).
* English units used by the CNIPA panel (``pieces``, ``items``, ``pieces per 10,000
  population``, ``100 million yuan`` ...) are read as their Chinese equivalents.

References
----------
国家统计局《统计用数量单位》conventions (万 = 10^4, 亿 = 10^8) as used in 统计公报.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from history.problems import DataError, Problem

#: Magnitude prefixes, longest first so 万亿 wins over 万 and 百万 over 百.
MAGNITUDES: dict[str, float] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
}

#: Base units that take a magnitude prefix (counts, money, people).
BASE_UNITS = frozenset(
    {"件", "个", "项", "家", "人", "人次", "次", "元", "户", "个数", "篇", "部", "所", "座", "台", "套", "笔", "名", "例", "株", "吨"}
)

#: Units that are their own thing: never scaled, never converted to anything else.
STANDALONE_UNITS = frozenset({"%", "分", "天", "日", "月", "年", "个百分点", "百分点", "‰"})

#: Count and money bases: a negative value in these units is impossible.
NON_NEGATIVE_BASES = BASE_UNITS

_ENGLISH = {
    "pieces": "件",
    "piece": "件",
    "items": "件",
    "item": "件",
    "patents": "件",
    "yuan": "元",
    "cny": "元",
    "rmb": "元",
    "10k yuan": "万元",
    "10,000 yuan": "万元",
    "100 million yuan": "亿元",
    "100m yuan": "亿元",
    "billion yuan": "十亿元",
    "10k pieces": "万件",
    "10,000 pieces": "万件",
    "persons": "人",
    "people": "人",
    "firms": "家",
    "enterprises": "家",
    "percent": "%",
    "pct": "%",
    "days": "天",
    "months": "月",
    "pieces per 10,000 population": "件/万人",
    "pieces per 10k population": "件/万人",
    "pieces per million population": "件/百万人",
    "items per 10,000 population": "件/万人",
}


@dataclass(frozen=True)
class Unit:
    """A parsed unit: ``scale`` times ``base``, optionally per ``per_scale`` times ``per``."""

    scale: float
    base: str
    per_scale: float = 1.0
    per: str = ""

    @property
    def is_rate(self) -> bool:
        return bool(self.per)


def clean_unit(text) -> str:
    """A unit as written, with widths normalised and spaces removed (``'万 件'`` -> ``'万件'``).

    English names known to the CNIPA panel are translated (``'pieces'`` -> ``'件'``).
    Missing values give ``""``.
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _clean_unit_text(str(text))


# The caches below: a province's files repeat a handful of units on 300,000 rows; each is
# cleaned and parsed once. Their keys are the text itself, their results immutable.
@functools.lru_cache(maxsize=4096)
def _clean_unit_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip()
    low = re.sub(r"\s+", " ", s.lower())
    if low in _ENGLISH:
        return _ENGLISH[low]
    if low in {"nan", "none", "n/a", "-", "—", "–", "--"}:
        return ""
    s = re.sub(r"\s+", "", s)
    # 件/每万人 and 件每万人 are spellings of 件/万人.
    s = s.replace("/每", "/")
    m = re.fullmatch(r"(.+?)每(.+)", s)
    if m and "/" not in s:
        s = f"{m.group(1)}/{m.group(2)}"
    return s


def _split_magnitude(text: str) -> tuple[float, str]:
    for prefix, scale in MAGNITUDES.items():
        if text.startswith(prefix) and len(text) > len(prefix):
            rest = text[len(prefix):]
            return scale, rest
    return 1.0, text


def parse_unit(text) -> Unit:
    """Parse a unit into scale and base: ``'亿元'`` -> ``Unit(1e8, '元')``.

    Unknown units are their own base (``'km'`` -> ``Unit(1.0, 'km')``), so they convert
    only to themselves.

    Examples
    --------
    >>> parse_unit("万件")
    Unit(scale=10000.0, base='件', per_scale=1.0, per='')
    >>> parse_unit("件/万人").per
    '人'
    """
    return _parse_clean_unit(clean_unit(text))


@functools.lru_cache(maxsize=4096)
def _parse_clean_unit(s: str) -> Unit:
    if "/" in s:
        num, den = s.split("/", 1)
        n = parse_unit(num)
        d = parse_unit(den)
        return Unit(n.scale, n.base, d.scale, d.base)
    if s in STANDALONE_UNITS or s in BASE_UNITS or s == "":
        return Unit(1.0, s)
    scale, rest = _split_magnitude(s)
    if rest in BASE_UNITS:
        return Unit(scale, rest)
    return Unit(1.0, s)


def unit_factor(from_unit: str, to_unit: str) -> float | None:
    """The number to multiply a value in ``from_unit`` by to express it in ``to_unit``.

    Parameters
    ----------
    from_unit, to_unit : str
        Units as written in a file (件, 万件, 亿元, 件/万人, %, ...). ``""`` means not stated.

    Returns
    -------
    float or None
        The factor, ``1.0`` when either side is empty, ``None`` when the units measure
        different things (件 vs 亿元, % vs 件).

    References
    ----------
    See the module docstring for the 件/万人 == 件 decision.

    Examples
    --------
    >>> unit_factor("万件", "件")
    10000.0
    >>> unit_factor("亿元", "万元")
    10000.0
    >>> unit_factor("件", "亿元") is None
    True
    >>> unit_factor("件/万人", "件")
    1.0
    """
    return _clean_unit_factor(clean_unit(from_unit), clean_unit(to_unit))


@functools.lru_cache(maxsize=4096)
def _clean_unit_factor(a: str, b: str) -> float | None:
    if a == "" or b == "" or a == b:
        return 1.0
    ua, ub = parse_unit(a), parse_unit(b)
    if ua.is_rate != ub.is_rate:
        rate, plain = (ua, ub) if ua.is_rate else (ub, ua)
        # Plans write 件 for per-10k-population indicators; see the module docstring.
        if rate.per == "人" and rate.per_scale == 1e4 and plain.base == rate.base and plain.scale == rate.scale == 1.0:
            return 1.0
        return None
    if ua.base != ub.base or ua.per != ub.per:
        return None
    if ua.base in STANDALONE_UNITS and ua.scale != ub.scale:
        return None
    factor = (ua.scale / ub.scale) * (ub.per_scale / ua.per_scale)
    # Magnitudes are powers of ten; round away binary noise such as 9999.999999999998.
    return float(f"{factor:.12g}")


def is_non_negative_unit(unit: str) -> bool:
    """True for count and money units (件, 万件, 亿元, 家, 人 ...), where a negative value is impossible."""
    u = parse_unit(unit)
    return u.base in NON_NEGATIVE_BASES


def reconcile_units(
    targets: pd.DataFrame,
    series: pd.DataFrame,
    *,
    targets_file: str = "targets",
    series_file: str = "series",
) -> tuple[pd.DataFrame, list[Problem]]:
    """Express every target in the unit of the series it will be compared with.

    Parameters
    ----------
    targets : DataFrame
        Targets frame (``Targets.frame``): region, indicator, unit, kind, target_value,
        baseline_value, row (row is optional and only used in messages).
    series : DataFrame
        Series frame (``History.frame``): region, indicator, unit.
    targets_file, series_file : str
        File names used in messages.

    Returns
    -------
    (DataFrame, list of Problem)
        A copy of ``targets`` with two added columns: ``series_unit`` (str, ``""`` when the
        target has no series or the series states no unit) and ``factor`` (float):
        ``target_value * factor`` and ``baseline_value * factor`` are in the series' unit.
        The problems are notes, one per target whose unit was converted.

    Notes
    -----
    For ``growth_rate`` and ``reduction`` targets ``target_value`` is a percentage, not a
    level: their factor is 1.0 and the units are not compared (their baseline_value is taken
    to be in the series unit).

    Raises
    ------
    DataError
        When a target's unit and its series' unit measure different things (件 vs 亿元).
        Every such target is reported, each problem naming both files, the series, both
        units and the fix.

    Examples
    --------
    >>> t = pd.DataFrame({"region": ["武汉市"], "indicator": ["grants"], "unit": ["万件"],
    ...                   "kind": ["annual"], "target_value": [1.7], "baseline_value": [float("nan")]})
    >>> s = pd.DataFrame({"region": ["武汉市"], "indicator": ["grants"], "unit": ["件"]})
    >>> out, notes = reconcile_units(t, s)
    >>> float(out["factor"].iloc[0]), out["series_unit"].iloc[0]
    (10000.0, '件')
    """
    out = targets.copy()
    series_units: dict[tuple[str, str], str] = {}
    if len(series):
        units = series["unit"] if "unit" in series.columns else pd.Series([""] * len(series), index=series.index)
        # lists, not Series: iterating a pandas string column costs a microsecond per cell
        for (region, indicator), unit in zip(zip(series["region"].tolist(), series["indicator"].tolist()),
                                             units.tolist()):
            u = clean_unit(unit)
            # Validated series carry one unit per series; keep the first stated one.
            if u and not series_units.get((region, indicator)):
                series_units[(region, indicator)] = u
            series_units.setdefault((region, indicator), u)
    kinds = out["kind"] if "kind" in out.columns else pd.Series(["stock"] * len(out), index=out.index)
    t_units = out["unit"] if "unit" in out.columns else pd.Series([""] * len(out), index=out.index)
    rows = out["row"] if "row" in out.columns else pd.Series([None] * len(out), index=out.index)
    factors, s_units, problems = [], [], []
    for region, indicator, kind, t_unit, row in zip(*(c.tolist() for c in (out["region"], out["indicator"], kinds,
                                                                          t_units, rows))):
        row = None if row is None or pd.isna(row) else int(row)
        s_unit = series_units.get((region, indicator), "")
        s_units.append(s_unit)
        t_unit = clean_unit(t_unit)
        if kind in ("growth_rate", "reduction"):
            factors.append(1.0)
            continue
        f = unit_factor(t_unit, s_unit)
        if f is None:
            problems.append(Problem(
                targets_file, row, "unit", t_unit,
                f"Target {region}/{indicator} is in '{t_unit}' ({targets_file}) but its series is in "
                f"'{s_unit}' ({series_file}); these units measure different things.",
                f"Correct the unit in {targets_file} or in {series_file} so both measure the same quantity "
                f"(e.g. 件 and 万件 convert; 件 and 亿元 do not), or check that the indicator ids match.",
            ))
            factors.append(float("nan"))
            continue
        if f != 1.0:
            problems.append(Problem(
                targets_file, row, "unit", t_unit,
                f"Target {region}/{indicator} converted from '{t_unit}' to the series unit '{s_unit}' (x{f:g}).",
                "", "note",
            ))
        factors.append(f)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(
            f"{len(errors)} target(s) in {targets_file} have units incompatible with {series_file}.", problems
        )
    out["series_unit"] = pd.Series(s_units, index=out.index, dtype="str")
    out["factor"] = pd.Series(factors, index=out.index, dtype="float64")
    return out, problems
