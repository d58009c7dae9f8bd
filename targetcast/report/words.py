"""The words of the reports (HTML, Excel, markdown) in Chinese and English.

Risk, status, flag and column words come from ``scenarios.labels`` (the terminal table uses
the same); these are the report's own headings and explanations.
"""
from __future__ import annotations

from scenarios.labels import COLUMN_LABELS, FLAG_LABELS, RISK_LABELS, STATUS_LABELS

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "规划目标实现可能性评估",
        "subtitle": "基于已公布数据的概率预测与中期评估",
        "as_of": "评估年",
        "as_of_mark": "评估年",
        "target_mark": "目标",
        "outcome_mark": "实际",
        "band80": "P10–P90区间(80%)",
        "band50": "P25–P75区间(50%)",
        "observed": "已公布数据",
        "later_obs": "评估年后公布",
        "time_progress": "时序进度",
        "completion": "完成进度",
        "summary": "总体情况",
        "expected_met": "预计达标",
        "of": "项，共可评估",
        "items": "项",
        "p_all_binding": "约束性指标全部达标概率",
        "p_80": "至少80%可评估指标达标概率",
        "by_category": "各类别风险分布",
        "no_evaluable": "没有可评估的目标（缺历史数据）",
        "risk_table": "目标风险表",
        "fans": "各指标预测扇形图",
        "fans_note": "扇形为模拟路径的分位数：浅色带P10–P90（80%的路径在其中），深色带P25–P75，中线P50。"
                     "红色虚线为目标值，菱形标出目标年；点为已公布数据，年份之间无连线处为缺失年份。",
        "goal_seek": "达到80%把握还需",
        "goal_seek_note": "在相同模拟路径上求出：自评估年起每年增速需再提高多少（或流量指标每年需再增加多少），"
                          "实现概率才能达到",
        "extra_growth": "每年增速",
        "or_add": "或每年",
        "p_now": "当前实现概率",
        "needed_vs_hist": "所需/历史年均增速",
        "not_reachable": "在年增速提高100个百分点内无法达到",
        "comparison": "情景对比",
        "comparison_note": "基准与各情景使用相同的模拟路径，概率变化即情景的影响，不是模拟误差。",
        "baseline": "基准",
        "omitted": "另有{n}项目标在任何情景下都没有概率（缺历史数据），未列出。",
        "method": "方法说明",
        "method_text": "每个指标用经过校准的时间序列模型（auto：多个年度模型的中位数组合，区间按M3年度数据的滚动误差校准）"
                       "模拟{draws}条未来路径；实现概率为达到目标的路径占比。历史较短的序列借用同类地区的增速与波动；较长序列的趋势中枢有15%取自同类地区的增速；存量指标（有效量等）按趋势模型外推，区间按其偏离趋势的幅度校准。均加标注。"
                       "只使用已公布的数据，缺失年份不插补。时序进度=（评估年−基期年）/（目标年−基期年）；"
                       "完成进度=（最新值−基期值）/（目标值−基期值）。",
        "run": "运行参数",
        "seed": "随机种子",
        "draws": "模拟路径数",
        "model": "模型",
        "scenario": "情景",
        "correlation": "指标间相关",
        "thresholds": "风险分级阈值",
        "targets_file": "目标文件",
        "series_file": "数据文件",
        "sources": "数据来源",
        "flags": "提示说明",
        "warnings": "警告",
        "repeat": "重复本报告",
        "range": "P10–P50–P90",
        "latest": "最新值(年份)",
        "target": "目标(年份)",
        "p_attain": "实现概率",
        "risk": "风险",
        "progress": "时序进度 / 完成进度",
        "indicator": "指标",
        "unit": "单位",
        "years": "年份",
        "region": "地区",
        "source": "来源",
        "plan": "规划",
        "category": "类别",
        "none": "—",
        "how_to_read": "阅读说明",
    },
    "en": {
        "title": "Plan targets: how likely is each to be met",
        "subtitle": "Probabilistic forecasts from published data, with the mid-term view",
        "as_of": "as of",
        "as_of_mark": "as of",
        "target_mark": "target",
        "outcome_mark": "actual",
        "band80": "P10–P90 (80%)",
        "band50": "P25–P75 (50%)",
        "observed": "published",
        "later_obs": "published after as-of",
        "time_progress": "time",
        "completion": "done",
        "summary": "Summary",
        "expected_met": "expected met",
        "of": "of",
        "items": "evaluable",
        "p_all_binding": "P(all binding targets met)",
        "p_80": "P(at least 80% of evaluable targets met)",
        "by_category": "Risk by category",
        "no_evaluable": "no target can be evaluated (no usable history)",
        "risk_table": "Risk table",
        "fans": "Forecast fans",
        "fans_note": "Quantiles of the sample paths: light band P10–P90 (80% of paths), dark band P25–P75, line P50. "
                     "Red dashed line: the target, its year marked by the diamond; dots: published data, no line "
                     "across a missing year.",
        "goal_seek": "What it takes to reach P ≥ 0.8",
        "goal_seek_note": "On the same sample paths: the extra growth per year from the as-of year (or, for flows, "
                          "the yearly addition) that lifts P(attain) to",
        "extra_growth": "growth per year",
        "or_add": "or per year",
        "p_now": "P(attain) now",
        "needed_vs_hist": "needed / historical growth",
        "not_reachable": "not reachable within +100 pp growth per year",
        "comparison": "Scenarios",
        "comparison_note": "The baseline and every scenario use the same sample paths: a change in P(attain) is the "
                           "scenario's effect, not simulation noise.",
        "baseline": "baseline",
        "omitted": "{n} targets without a probability under any scenario (no usable history) are not listed.",
        "method": "Method",
        "method_text": "Each indicator is projected with calibrated time-series models (auto: the median of several "
                       "yearly models, intervals calibrated on rolling-origin errors of the M3 yearly series), "
                       "{draws} sample paths; P(attain) is the share of paths meeting the target. Short series "
                       "borrow growth and volatility from peer regions; longer ones take 15 % of their centre's "
                       "growth from their peers'; stocks in force follow their trend models, with ranges sized by "
                       "their departures from the trend. All are flagged. Only published numbers are "
                       "used; missing years are never filled. Time progress = (as-of − baseline year) / (target year "
                       "− baseline year); completion = (latest − baseline) / (target − baseline).",
        "run": "Run",
        "seed": "seed",
        "draws": "sample paths",
        "model": "model",
        "scenario": "scenario",
        "correlation": "correlation",
        "thresholds": "risk thresholds",
        "targets_file": "targets file",
        "series_file": "series file",
        "sources": "Data sources",
        "flags": "Flags",
        "warnings": "Warnings",
        "repeat": "Repeat this report",
        "range": "P10–P50–P90",
        "latest": "latest (year)",
        "target": "target (year)",
        "p_attain": "P(attain)",
        "risk": "risk",
        "progress": "time / completion",
        "indicator": "indicator",
        "unit": "unit",
        "years": "years",
        "region": "region",
        "source": "source",
        "plan": "plan",
        "category": "category",
        "none": "—",
        "how_to_read": "How to read",
    },
}


#: target kinds (scenarios.targets.KINDS) as the report names them
KIND_WORDS: dict[str, dict[str, str]] = {
    "zh": {"annual": "年度值", "stock": "存量", "ratio": "比率", "cumulative": "期内累计", "growth_rate": "年均增速",
           "reduction": "降幅"},
    "en": {"annual": "annual", "stock": "stock", "ratio": "ratio", "cumulative": "cumulative",
           "growth_rate": "average growth", "reduction": "reduction"},
}


def kind_word(kind, lang: str) -> str:
    return KIND_WORDS.get(lang, KIND_WORDS["en"]).get(kind, kind) if isinstance(kind, str) else kind


def words(lang: str) -> dict[str, str]:
    lang = lang if lang in WORDS else "en"
    return WORDS[lang]


def risk_word(risk: str, lang: str) -> str:
    return RISK_LABELS.get(lang, RISK_LABELS["en"]).get(risk, risk)


def status_word(status: str, lang: str) -> str:
    return STATUS_LABELS.get(lang, STATUS_LABELS["en"]).get(status, status)


def column_word(col: str, lang: str) -> str:
    return COLUMN_LABELS.get(lang, COLUMN_LABELS["en"]).get(col, col)


def flag_words(flags, lang: str) -> list[str]:
    if not isinstance(flags, str) or not flags:
        return []
    table = FLAG_LABELS.get(lang, FLAG_LABELS["en"])
    return [table.get(f, f) for f in flags.split(";") if f]
