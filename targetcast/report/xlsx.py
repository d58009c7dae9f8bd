"""The Excel report (openpyxl): the sheets an evaluation team works in.

说明 (run parameters, how to read, sources, flags), 风险表 (one row per target: Chinese headers
with units, percentages stored as fractions and shown as %, rows filled by risk level with the
word beside the colour, frozen header, filter), 扇形数据 (year x quantiles per target), 组合
(portfolio), 目标测算 (goal seek) and, when scenarios were compared, 情景对比.
Numbers are written as numbers (never as text), so the workbook can be sorted and charted.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from targetcast.report.files import write_bytes
from targetcast.report.svg import RISK_FILL, RISK_TINT
from targetcast.report.words import flag_words, kind_word, risk_word, status_word, words

SHEETS = {"zh": ("说明", "风险表", "扇形数据", "组合", "目标测算", "情景对比"),
          "en": ("About", "Risk", "Fan data", "Portfolio", "Goal seek", "Scenarios")}

PCT, PCT1, NUM, YEAR = "0%", "0.0%", "#,##0.00", "0"

#: 风险表: (column, zh header, en header, number format); probabilities and growth rates are fractions
RISK_SHEET = [
    ("plan", "规划", "plan", None), ("region", "地区", "region", None), ("category", "类别", "category", None),
    ("attribute", "属性", "attribute", None), ("name", "指标", "indicator", None), ("unit", "单位", "unit", None),
    ("kind", "目标类型", "kind", None), ("target_year", "目标年", "target year", YEAR),
    ("target_value", "目标值(单位见单位列)", "target (in unit)", NUM),
    ("baseline_year", "基期年", "baseline year", YEAR), ("baseline_value", "基期值(单位见单位列)", "baseline (in unit)", NUM),
    ("as_of", "评估年", "as of", YEAR), ("last_year", "最新数据年份", "latest year", YEAR),
    ("last_value", "最新值(单位见单位列)", "latest (in unit)", NUM),
    ("p_attain", "实现概率(%)", "P(attain) (%)", PCT), ("risk", "风险等级", "risk", None),
    ("p10", "P10(单位见单位列)", "P10 (in unit)", NUM), ("p50", "P50(单位见单位列)", "P50 (in unit)", NUM),
    ("p90", "P90(单位见单位列)", "P90 (in unit)", NUM),
    ("time_progress", "时序进度(%)", "time progress (%)", PCT), ("completion", "完成进度(%)", "completion (%)", PCT),
    ("status", "进度判断", "status", None),
    ("required_growth", "所需年均增速(%/年)", "needed growth (%/yr)", PCT1),
    ("historical_growth", "历史年均增速(%/年)", "historical growth (%/yr)", PCT1),
    ("uplift_needed", "达到80%把握需再提高增速(百分点/年)", "extra growth for P≥0.8 (pp/yr)", PCT1),
    ("add_needed", "或每年需再增加(单位见单位列)", "or add per year (in unit)", NUM),
    ("outcome", "实际结果", "outcome", None), ("outcome_value", "实际值", "actual", NUM),
    ("p_attain_se", "概率标准误", "P s.e.", "0.000"), ("n_obs", "观测年数", "observations", "0"),
    ("flags", "提示", "flags", None), ("notes", "说明", "notes", None), ("indicator", "指标代码", "indicator id", None),
    ("model", "模型", "model", None),
]
FAN_SHEET = [("plan", "规划", "plan", None), ("region", "地区", "region", None), ("name", "指标", "indicator", None),
             ("indicator", "指标代码", "indicator id", None), ("kind", "目标类型", "kind", None),
             ("unit", "单位", "unit", None), ("target_year", "目标年", "target year", YEAR),
             ("target_value", "目标值", "target", NUM), ("year", "年份", "year", YEAR),
             ("observed", "已公布值", "published", NUM), ("p10", "P10", "P10", NUM), ("p25", "P25", "P25", NUM),
             ("p50", "P50", "P50", NUM), ("p75", "P75", "P75", NUM), ("p90", "P90", "P90", NUM)]
PORTFOLIO_SHEET = [("plan", "规划", "plan", None), ("category", "类别(空=整个规划)", "category (blank = plan)", None),
                   ("n_targets", "目标数", "targets", "0"), ("n_evaluable", "可评估数", "evaluable", "0"),
                   ("expected_met", "预计达标数", "expected met", "0.0"),
                   ("p_all_binding", "约束性指标全部达标概率(%)", "P(all binding met) (%)", PCT),
                   ("p_at_least_half", "至少一半达标概率(%)", "P(≥ half met) (%)", PCT),
                   ("p_at_least_80pct", "至少80%达标概率(%)", "P(≥ 80% met) (%)", PCT),
                   ("p_all", "全部达标概率(%)", "P(all met) (%)", PCT)]
GOAL_SHEET = [("plan", "规划", "plan", None), ("name", "指标", "indicator", None), ("unit", "单位", "unit", None),
              ("target_year", "目标年", "target year", YEAR), ("target_value", "目标值", "target", NUM),
              ("risk", "风险等级", "risk", None), ("p_attain", "当前实现概率(%)", "P(attain) now (%)", PCT),
              ("uplift_needed", "每年增速需再提高(百分点/年)", "extra growth (pp/yr)", PCT1),
              ("p_at_solution", "提高后实现概率(%)", "P at that growth (%)", PCT),
              ("add_needed", "或每年需再增加(单位见单位列)", "or add per year (in unit)", NUM),
              ("required_growth", "所需年均增速(%/年)", "needed growth (%/yr)", PCT1),
              ("historical_growth", "历史年均增速(%/年)", "historical growth (%/yr)", PCT1),
              ("confidence", "目标把握(%)", "confidence (%)", PCT), ("reason", "原因", "reason", None),
              ("indicator", "指标代码", "indicator id", None)]


def _value(v):
    """A cell value: numbers as numbers, missing as empty, numpy scalars as Python ones."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    return v if isinstance(v, (int, str)) else str(v)


def _sheet(wb, title: str, frame: pd.DataFrame, spec, lang: str, *, risk_col: str | None = None,
           translate=None):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    cols = [s for s in spec if s[0] in frame.columns]
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    for j, (_, zh, en, _) in enumerate(cols, start=1):
        c = ws.cell(row=1, column=j, value=zh if lang == "zh" else en)
        c.font = Font(bold=True)
        c.fill = head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        risk = rec.get(risk_col) if risk_col else None
        fill = PatternFill("solid", fgColor=RISK_TINT[risk].lstrip("#")) if risk in RISK_TINT else None
        for j, (col, _, _, fmt) in enumerate(cols, start=1):
            v = rec.get(col)
            if translate and col in translate:
                v = translate[col](v)
            c = ws.cell(row=i, column=j, value=_value(v))
            if fmt:
                c.number_format = fmt
            if fill is not None:
                c.fill = fill
            if col == risk_col and risk in RISK_FILL:
                c.font = Font(bold=True, color=RISK_FILL[risk].lstrip("#"))
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(frame) + 1}"
    for j, (col, zh, en, _) in enumerate(cols, start=1):
        texts = [str(zh if lang == "zh" else en)] + [str(_value(r) or "") for r in frame[col].head(200)]
        width = max(len(t) + sum(ord(ch) > 0x2E80 for ch in t) for t in texts)  # CJK cells are twice as wide
        ws.column_dimensions[get_column_letter(j)].width = min(max(8, width + 2), 48)
    ws.row_dimensions[1].height = 32
    return ws


def _about(wb, a, lang: str, title: str) -> None:
    from openpyxl.styles import Alignment, Font

    w = words(lang)
    m = a.meta
    ws = wb.active
    ws.title = title
    res_meta = getattr(a.result, "meta", {}) or {}
    rows: list[tuple] = [(f'{"、".join(dict.fromkeys(a.table["region"].astype(str)))} · {w["title"]}',),
                         (w["subtitle"],), ()]
    rows.append((w["run"],))
    as_of = m.get("as_of_by_plan") or m.get("as_of")
    as_of = ", ".join(f"{k} {v}" for k, v in as_of.items()) if isinstance(as_of, dict) else as_of
    for k, v in ((w["plan"], " ".join(pd.unique(a.table["plan"]))), (w["as_of"], as_of), (w["seed"], m.get("seed")),
                 (w["draws"], m.get("draws")), (w["model"], m.get("model")), (w["scenario"], m.get("scenario")),
                 (w["correlation"], m.get("correlation")),
                 (w["thresholds"], " / ".join(f"{x:g}" for x in res_meta.get("thresholds", ())) or None),
                 (w["targets_file"], m.get("targets")), (w["series_file"], m.get("series"))):
        if v is not None:
            rows.append((k, _value(v)))
    rows += [(), (w["how_to_read"],), (w["method_text"].format(draws=f'{int(m.get("draws")):,}'),), (w["fans_note"],)]
    if len(a.goal_seek):
        rows.append((f'{w["goal_seek_note"]} {a.goal_seek["confidence"].iloc[0]:.0%}.',))
    used = sorted({f for fl in a.table["flags"].dropna() for f in str(fl).split(";") if f})
    if used:
        rows += [(), (w["flags"],)] + [(flag_words(f, lang)[0], f) for f in used]
    if a.warnings:
        rows += [(), (w["warnings"],)] + [(x,) for x in a.warnings]
    if a.sources is not None and len(a.sources):
        rows += [(), (w["sources"],), (w["region"], w["indicator"], w["years"], w["source"])]
        rows += [tuple(r) for r in a.sources[["region", "indicator", "years", "source"]].itertuples(index=False)]
    headings = {w["run"], w["how_to_read"], w["flags"], w["warnings"], w["sources"]}
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r, start=1):
            c = ws.cell(row=i, column=j, value=v)
            if i == 1:
                c.font = Font(bold=True, size=14)
            elif j == 1 and v in headings:
                c.font = Font(bold=True, size=12)
            if isinstance(v, str) and len(v) > 60:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 60
    for col in "BCD":
        ws.column_dimensions[col].width = 28


def workbook_bytes(a, *, lang: str = "zh") -> bytes:
    """The workbook as bytes (deterministic content; openpyxl stamps the creation time)."""
    import openpyxl

    names = SHEETS.get(lang, SHEETS["en"])
    wb = openpyxl.Workbook()
    _about(wb, a, lang, names[0])
    table = a.table.copy()
    words_of = {"risk": lambda v: risk_word(v, lang), "status": lambda v: status_word(v, lang) if v != "n/a" else None,
                "outcome": lambda v: risk_word(v, lang) if isinstance(v, str) else None,
                "flags": lambda v: ("、" if lang == "zh" else ", ").join(flag_words(v, lang)) or None,
                "kind": lambda v: kind_word(v, lang)}
    _sheet(wb, names[1], table, RISK_SHEET, lang, risk_col="risk", translate=words_of)
    _sheet(wb, names[2], a.fan(), FAN_SHEET, lang, translate={"kind": words_of["kind"]})
    _sheet(wb, names[3], a.portfolio, PORTFOLIO_SHEET, lang)
    _sheet(wb, names[4], a.goal_seek, GOAL_SHEET, lang, risk_col="risk", translate={"risk": words_of["risk"]})
    if a.comparison is not None and len(a.comparison):
        spec = [("plan", "规划", "plan", None), ("name", "指标", "indicator", None),
                ("target_year", "目标年", "target year", YEAR), ("target_value", "目标值", "target", NUM),
                ("p_baseline", "基准实现概率(%)", "P baseline (%)", PCT)]
        for col in a.comparison.columns:
            if col.startswith("p_") and col != "p_baseline":
                n = col[2:]
                spec += [(col, f"{n}实现概率(%)", f"P {n} (%)", PCT), (f"d_{n}", f"{n}变化(百分点)", f"change {n} (pp)", PCT)]
        _sheet(wb, names[5], a.comparison, spec, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(a, path, *, lang: str = "zh") -> None:
    """Write the workbook to ``path`` (atomically)."""
    write_bytes(path, workbook_bytes(a, lang=lang))


def frame_workbook(frame: pd.DataFrame, meta: dict | None = None, *, sheet: str = "data") -> bytes:
    """Any result table as a workbook (``--output x.xlsx`` of every command): the table with a
    bold frozen header and a filter, numbers as numbers, and the run parameters on a second sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    spec = [(c, str(c), str(c), None) for c in frame.columns]
    _sheet(wb, sheet, frame, spec, "en")
    if meta:
        ws = wb.create_sheet("meta")
        for i, (k, v) in enumerate(meta.items(), start=1):
            ws.cell(row=i, column=1, value=str(k))
            ws.cell(row=i, column=2, value=_value(v) if not isinstance(v, (dict, list, tuple)) else str(v))
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
