"""The text of one risk-table row's cells, shared by the HTML, markdown and Excel reports."""
from __future__ import annotations

import pandas as pd

from targetcast.report.numbers import fmt_num, fmt_pct


def _missing(v) -> bool:
    return v is None or v is pd.NA or (not isinstance(v, str) and pd.isna(v))


def year_text(v) -> str:
    return "" if _missing(v) else f"{int(v)}"


def name_of(r) -> str:
    name = r.get("name")
    return str(name) if isinstance(name, str) and name else str(r.get("indicator"))


def operator(r) -> str:
    op = {"up": "≥", "down": "≤"}.get(r.get("direction"), "")
    if bool(r.get("strict")) and not _missing(r.get("strict")):
        op = {"up": ">", "down": "<"}.get(r.get("direction"), op)
    return op


def _kind(r, lang: str) -> str:
    """The word before a value that is not one year's level (累计/sum, 年均增速, 降幅), else ""."""
    from scenarios.labels import KIND_LABELS

    return KIND_LABELS.get(lang, KIND_LABELS["en"]).get(r.get("kind"), "")


def target_text(r, lang: str = "en") -> str:
    """≥45,000 (2025); a sum or a rate says so first (累计 ≥400 (2025)), so it never reads as a level."""
    return f"{_kind(r, lang)} {operator(r)}{fmt_num(r.get('target_value'))} ({year_text(r.get('target_year'))})".strip()


def latest_text(r, lang: str = "en") -> str:
    """The latest value; a sum or a rate shows its kind and window (累计 421 (2018–2020)), never a
    bare year that would read as that year's value."""
    if _missing(r.get("last_value")):
        return "—"
    kind = _kind(r, lang)
    base = r.get("baseline_year")
    since = "" if not kind or _missing(base) else year_text(base + 1 if r.get("kind") == "cumulative" else base)
    span = f"{since}–{year_text(r.get('last_year'))}" if since else year_text(r.get("last_year"))
    return f"{kind} {fmt_num(r['last_value'])} ({span})".strip()


def range_text(r) -> str:
    if _missing(r.get("p50")):
        return "—"
    if r.get("risk") in ("attained", "missed"):
        return fmt_num(r["p50"])  # observed: no range
    return f"{fmt_num(r['p10'])} – {fmt_num(r['p50'])} – {fmt_num(r['p90'])}"


def p_text(r) -> str:
    p = r.get("p_attain")
    if _missing(p):
        return "—"
    if r.get("risk") in ("attained", "missed"):
        return f"{p:.0%}"
    return f"{p:.2f}"


def growth_text(r) -> str:
    return f"{fmt_pct(r.get('required_growth'), 1)} / {fmt_pct(r.get('historical_growth'), 1)}"


def uplift_text(up, lang: str = "en") -> str:
    """Goal seek's extra growth per year with the sign in words: a 'down' target (平均结案天数
    ≤ 45) needs a fall, "再降低 2.1%", never "再提高 −2.1%"."""
    if _missing(up):
        return "—"
    if lang == "zh":
        return f"{'再提高' if up >= 0 else '再降低'} {fmt_pct(abs(up), 1)}"
    return f"{'+' if up >= 0 else '−'}{fmt_pct(abs(up), 1)}"


def add_text(add, unit, lang: str = "en") -> str:
    """Goal seek's yearly addition in the target's unit: "增加 120 件" / "减少 10.13 天"."""
    if _missing(add):
        return "—"
    word = ("增加", "减少") if lang == "zh" else ("add", "cut")
    return f"{word[0] if add >= 0 else word[1]} {fmt_num(abs(add))} {unit if isinstance(unit, str) else ''}".strip()


def change_text(d: float) -> str:
    """A change in probability: +0.03 / -0.01, and ±0.00 when it rounds to nothing (never -0.00)."""
    return "±0.00" if abs(float(d)) < 0.005 else f"{float(d):+.2f}"
