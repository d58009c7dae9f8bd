"""Column names, their aliases and the vocabularies of the series and targets formats.

The canonical names are the English ones of DESIGN.md. Planners' spreadsheets use Chinese
headers (地区, 指标, 年份, 数值 ...) and the shared data files use ``*_zh`` names; all of them
are mapped here, in one place, so readers and the template agree.
"""
from __future__ import annotations

import difflib
import datetime
import re
import unicodedata

SERIES_REQUIRED = ("region", "indicator", "year", "value")
SERIES_WIDE_REQUIRED = ("region", "indicator")
SERIES_OPTIONAL = ("unit", "source", "note", "name")
SERIES_COLUMNS = ("region", "indicator", "year", "value", "unit", "source", "note", "row")

TARGETS_REQUIRED = ("plan", "region", "indicator", "target_year", "target_value")
TARGETS_OPTIONAL = (
    "name", "unit", "kind", "direction", "strict", "baseline_year", "baseline_value",
    "category", "attribute", "source", "note",
)
TARGETS_COLUMNS = (
    "plan", "region", "indicator", "name", "unit", "kind", "direction", "strict", "target_year",
    "target_value", "baseline_year", "baseline_value", "category", "attribute", "source", "note", "row",
)

KINDS = ("annual", "stock", "ratio", "cumulative", "growth_rate", "reduction")
DIRECTIONS = ("up", "down")
#: Kinds whose target is measured from a baseline year.
NEEDS_BASELINE_YEAR = ("cumulative", "growth_rate", "reduction")
#: Kinds whose target_value is a percentage rate rather than a level of the series.
RATE_KINDS = ("growth_rate", "reduction")

#: Header aliases -> canonical name. Keys are compared after :func:`clean_header`.
ALIASES: dict[str, str] = {
    "plan_id": "plan", "规划": "plan", "规划代码": "plan", "规划id": "plan",
    "region_zh": "region", "地区": "region", "区域": "region", "省份": "region", "城市": "region", "地区名称": "region",
    "indicator_id": "indicator", "指标": "indicator", "指标代码": "indicator", "指标id": "indicator",
    "indicator_zh": "name", "indicator_name": "name", "指标名称": "name", "名称": "name",
    "年份": "year", "年度": "year", "年": "year",
    "数值": "value", "值": "value", "数据": "value", "数量": "value",
    "单位": "unit", "计量单位": "unit",
    "来源": "source", "数据来源": "source", "source_url": "source", "出处": "source",
    "备注": "note", "说明": "note", "notes": "note",
    "目标值": "target_value", "目标": "target_value", "target": "target_value",
    "目标年份": "target_year", "目标年": "target_year",
    "基期年份": "baseline_year", "基准年": "baseline_year", "基期年": "baseline_year", "基准年份": "baseline_year",
    "基期值": "baseline_value", "基准值": "baseline_value", "基期数值": "baseline_value",
    "类型": "kind", "指标类型": "kind",
    "方向": "direction",
    "严格": "strict", "是否严格": "strict",
    "类别": "category", "属性": "attribute",
}

#: Chinese labels for the template's header notes.
CHINESE_LABELS: dict[str, str] = {
    "plan": "规划", "region": "地区", "indicator": "指标代码", "name": "指标名称", "year": "年份",
    "value": "数值", "unit": "单位", "source": "数据来源", "note": "备注", "target_value": "目标值",
    "target_year": "目标年份", "baseline_year": "基期年份", "baseline_value": "基期值", "kind": "类型",
    "direction": "方向", "strict": "严格(突破/超过)", "category": "类别", "attribute": "属性",
}

KIND_SYNONYMS: dict[str, str] = {
    "年度": "annual", "当年": "annual", "年度值": "annual", "flow": "annual",
    "存量": "stock", "累计拥有": "stock", "拥有量": "stock", "level": "stock",
    "比例": "ratio", "比重": "ratio", "占比": "ratio", "share": "ratio", "percent": "ratio",
    "累计": "cumulative", "合计": "cumulative", "累计新增": "cumulative",
    "年均增长": "growth_rate", "增速": "growth_rate", "年均增速": "growth_rate", "年均增幅": "growth_rate",
    "growth": "growth_rate", "cagr": "growth_rate",
    "下降": "reduction", "压减": "reduction", "降低比例": "reduction",
}
DIRECTION_SYNONYMS: dict[str, str] = {
    "提高": "up", "增加": "up", "上升": "up", "不低于": "up", "increase": "up", ">=": "up", "≥": "up",
    "降低": "down", "减少": "down", "压缩": "down", "不高于": "down", "decrease": "down", "<=": "down", "≤": "down",
}
STRICT_VALUES: dict[str, bool] = {
    "yes": True, "y": True, "true": True, "1": True, "是": True, "突破": True, "超过": True, "strict": True,
    "no": False, "n": False, "false": False, "0": False, "否": False, "": False,
}

# A wide table's year column as planners write it: 2020, 2020年, '2020 年', 2020.0 (a CSV written
# by a script), FY2020 / 2020财年, 2020年末; and a year-end date (2020-12-31, a date cell).
_YEAR_HEADER = re.compile(r"^(?:fy|财年|年度)?_?(\d{4})(?:\.0+)?_?(?:年|年度|年末|年底|财年|年度末|fy)?$")
_YEAR_END = re.compile(r"^(\d{4})[_/.]12(?:[_/.]31)?(?:_00:00:00)?$")
#: A header that mentions a year but is not one of the above (2018-06-30, 2018年增速, 2018e)
YEARISH_HEADER = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def clean_header(text) -> str:
    """A header as compared against the aliases: NFKC, trimmed, lower case, spaces -> ``_``.

    Full-width spaces and letters become ASCII (NFKC), so ``'　地区 '`` -> ``'地区'`` and
    ``'Target Value'`` -> ``'target_value'``.
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"[\s\-]+", "_", s)
    return s


def canonical_column(header) -> str:
    """The canonical name of a header, or the cleaned header itself when it is not known."""
    h = clean_header(header)
    return ALIASES.get(h, h)


def year_of_header(header) -> int | None:
    """The year a wide-table column stands for (``2020``, ``'2020年'``, ``'２０２０'``, ``'2020 年'``,
    ``'2020.0'``, ``'FY2020'``, a year-end date ``2020-12-31``), else None."""
    if isinstance(header, (datetime.date, datetime.datetime)):  # Excel turned the header into a date
        return header.year if (header.month, header.day) == (12, 31) else None
    h = clean_header(header)
    m = _YEAR_HEADER.match(h) or _YEAR_END.match(h)
    if m:
        y = int(m.group(1))
        if 1900 <= y <= 2100:
            return y
    return None


def known_headers(canonical: tuple[str, ...]) -> list[str]:
    """Every spelling accepted for the given canonical columns (for close-match suggestions)."""
    return list(canonical) + [a for a, c in ALIASES.items() if c in canonical]


def close_matches(word: str, choices, n: int = 3) -> list[str]:
    """Up to ``n`` close matches of ``word`` among ``choices`` (difflib, cutoff 0.6)."""
    return difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=0.6)
