"""Display words for status and risk ids and for risk-table headers, in Chinese and English.

Ids (``on_track``, ``as_expected`` ...) are what frames and machine formats carry; these labels
are only for people reading a rendered table. The Chinese status words are the ones mid-term
evaluation reports use (提前实现 / 快于预期 / 基本符合预期 / 滞后).
"""
from __future__ import annotations

import re

STATUS_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "achieved_early": "提前实现",
        "ahead": "快于预期",
        "as_expected": "基本符合预期",
        "behind": "滞后",
        "n/a": "—",
    },
    "en": {
        "achieved_early": "achieved early",
        "ahead": "ahead",
        "as_expected": "as expected",
        "behind": "behind",
        "n/a": "n/a",
    },
}

RISK_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "on_track": "可实现",
        "watch": "需关注",
        "at_risk": "有风险",
        "off_track": "难以实现",
        "attained": "已实现",
        "missed": "未实现",
        "no_data": "无数据",
    },
    "en": {
        "on_track": "on track",
        "watch": "watch",
        "at_risk": "at risk",
        "off_track": "off track",
        "attained": "attained",
        "missed": "missed",
        "no_data": "no data",
    },
}

#: Severity order used to sort the risk table (most at risk first).
RISK_ORDER: tuple[str, ...] = ("off_track", "at_risk", "watch", "on_track", "missed", "attained", "no_data")

#: Colours a renderer may use (rich style names); data, not presentation logic.
RISK_COLOURS: dict[str, str] = {
    "on_track": "green",
    "watch": "yellow",
    "at_risk": "dark_orange",
    "off_track": "red",
    "attained": "green",
    "missed": "red",
    "no_data": "dim",
}

FLAG_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "weak_evidence": "历史数据少",
        "panel_prior": "借用同类地区",
        "generic_prior": "波动率取自通用先验",
        "peer_trend": "中枢参考同类地区增速",
        "monotone": "历史单调(路径不回落)",
        "stock_trend": "存量按趋势外推",
        "target_before_data": "目标年早于数据",
        "gaps": "历史有缺年",
        "no_history": "无历史数据",
        "too_short": "历史数据不足以预测",
        "no_baseline": "缺基期值",
        "gap_in_window": "期内缺年",
        "no_path": "无法预测到目标年",
        "rule_vs_probability": "进度判断与概率不一致",
        "needs_unprecedented_growth": "所需增速超历史最快",
        "observed": "结果已知",
        "stale_data": "最新数据早于评估年",
        "baseline_from_series": "基期值取自序列",
        "beyond_calibration": "超出校准年限",
        "skipped": "未能预测(原因见说明)",
        "bounded": "限定取值范围(logit变换)",
    },
    "en": {
        "weak_evidence": "short history",
        "panel_prior": "borrowed from peers",
        "generic_prior": "volatility from the generic prior",
        "peer_trend": "centre leans on peers' growth",
        "monotone": "monotone history (paths keep it)",
        "stock_trend": "stock: follows its trend",
        "target_before_data": "target year before the data",
        "gaps": "gaps in history",
        "no_history": "no history",
        "too_short": "too short to project",
        "no_baseline": "no baseline",
        "gap_in_window": "gap in window",
        "no_path": "cannot project to target year",
        "rule_vs_probability": "rule and probability disagree",
        "needs_unprecedented_growth": "needs unprecedented growth",
        "observed": "outcome known",
        "stale_data": "data older than as-of",
        "baseline_from_series": "baseline taken from series",
        "beyond_calibration": "beyond calibrated horizon",
        "skipped": "not projected (reason in notes)",
        "bounded": "kept inside bounds (logit)",
    },
}

COLUMN_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "plan": "规划",
        "region": "地区",
        "indicator": "指标代码",
        "name": "指标",
        "unit": "单位",
        "kind": "类型",
        "direction": "方向",
        "strict": "严格",
        "category": "类别",
        "attribute": "属性",
        "target_year": "目标年",
        "target_value": "目标值",
        "baseline_year": "基期年",
        "baseline_value": "基期值",
        "as_of": "评估年",
        "last_year": "最新年份",
        "last_value": "最新值",
        "n_obs": "观测数",
        "p_attain": "实现概率",
        "p_attain_se": "概率标准误",
        "p10": "P10",
        "p50": "P50",
        "p90": "P90",
        "expected_shortfall": "预期缺口",
        "first_year_median": "预计实现年份",
        "p_reached_before": "提前实现概率",
        "required_growth": "所需年均增速",
        "historical_growth": "历史年均增速",
        "historical_growth_3y": "近3年增速",
        "historical_growth_5y": "近5年增速",
        "time_progress": "时序进度",
        "completion": "完成进度",
        "status": "进度判断",
        "risk": "风险等级",
        "model": "模型",
        "flags": "提示",
        "notes": "说明",
        "outcome": "实际结果",
        "outcome_value": "实际值",
        # composite columns of the rendered table (cli.risk_tables)
        "latest": "最新值(年份)",
        "target": "目标(年份)",
        "range": "P10–P50–P90",
        "growth": "所需/历史增速",
        "progress": "时序/完成进度",
        # show / plans / forecast / backtest / compare / validate tables
        "latest_year": "最新年份",
        "latest_value": "最新值",
        "series_unit": "序列单位",
        "first_year": "首年",
        "years": "有数据的年份",
        "too_short": "历史过短",
        "sources": "来源",
        "flag": "提示",
        "period": "规划期",
        "n_targets": "目标数",
        "n_with_history": "有历史数据",
        "n_projectable": "可预测",
        "n_none": "无数据",
        "year": "年份",
        "mean": "均值",
        "n_series": "序列数",
        "n_forecasts": "预测次数",
        "smape": "sMAPE",
        "mase": "MASE",
        "msis": "MSIS",
        "horizon": "预测步长",
        "baseline": "基准情景",
        "severity": "级别",
        "row": "行",
        "column": "列",
        "value": "值",
        "problem": "问题",
        "fix": "修改建议",
    },
    "en": {
        "plan": "plan",
        "region": "region",
        "indicator": "indicator",
        "name": "indicator",
        "unit": "unit",
        "kind": "kind",
        "direction": "direction",
        "strict": "strict",
        "category": "category",
        "attribute": "attribute",
        "target_year": "target year",
        "target_value": "target",
        "baseline_year": "baseline year",
        "baseline_value": "baseline",
        "as_of": "as of",
        "last_year": "latest year",
        "last_value": "latest",
        "n_obs": "obs",
        "p_attain": "P(attain)",
        "p_attain_se": "s.e.",
        "p10": "P10",
        "p50": "P50",
        "p90": "P90",
        "expected_shortfall": "expected shortfall",
        "first_year_median": "first year (median)",
        "p_reached_before": "P(early)",
        "required_growth": "needed growth",
        "historical_growth": "historical growth",
        "historical_growth_3y": "growth 3y",
        "historical_growth_5y": "growth 5y",
        "time_progress": "time progress",
        "completion": "completion",
        "status": "status",
        "risk": "risk",
        "model": "model",
        "flags": "flags",
        "notes": "notes",
        "outcome": "outcome",
        "outcome_value": "actual",
        "latest": "latest (year)",
        "target": "target (year)",
        "range": "P10–P50–P90",
        "growth": "needed / historical growth",
        "progress": "time / completion",
        "latest_year": "latest year",
        "latest_value": "latest",
        "series_unit": "series unit",
        "first_year": "first year",
        "years": "years observed",
        "too_short": "too short",
        "sources": "sources",
        "flag": "flag",
        "period": "period",
        "n_targets": "targets",
        "n_with_history": "with history",
        "n_projectable": "projectable",
        "n_none": "no data",
        "year": "year",
        "mean": "mean",
        "n_series": "series",
        "n_forecasts": "forecasts",
        "smape": "sMAPE",
        "mase": "MASE",
        "msis": "MSIS",
        "horizon": "horizon",
        "baseline": "baseline",
        "severity": "severity",
        "row": "row",
        "column": "column",
        "value": "value",
        "problem": "problem",
        "fix": "fix",
    },
}


def label(kind: str, key: str, lang: str = "zh") -> str:
    """The display word for ``key`` in table ``kind`` ("status", "risk", "column", "flag").

    Unknown keys come back unchanged so a new id never breaks a table.

    Examples
    --------
    >>> label("status", "behind", "zh")
    '滞后'
    >>> label("risk", "on_track", "en")
    'on track'
    """
    tables = {"status": STATUS_LABELS, "risk": RISK_LABELS, "column": COLUMN_LABELS, "flag": FLAG_LABELS}
    if kind not in tables:
        raise KeyError(f"Unknown label table {kind!r}; use one of {sorted(tables)}.")
    lang = lang if lang in ("zh", "en") else "en"
    if kind == "column" and key not in tables[kind][lang]:
        # level columns: lo_80 / hi_95 (forecast bounds), cov_80 (backtest coverage)
        m = re.fullmatch(r"(lo|hi|cov)_(\d+)", str(key))
        if m:
            words = {"zh": {"lo": "{}%下限", "hi": "{}%上限", "cov": "{}%区间覆盖率"},
                     "en": {"lo": "lo {}%", "hi": "hi {}%", "cov": "cov {}%"}}
            return words[lang][m.group(1)].format(m.group(2))
    return tables[kind][lang].get(key, key)


#: Words for the target kinds whose quantity is not the value of one year: the table puts them
#: before the latest value and the target so a sum or a rate never reads as a year's level.
KIND_LABELS: dict[str, dict[str, str]] = {
    "zh": {"cumulative": "累计", "growth_rate": "年均增速", "reduction": "降幅"},
    "en": {"cumulative": "sum", "growth_rate": "avg growth", "reduction": "reduction"},
}
