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


def target_text(r, lang: str = "en") -> str:
    """≥45,000 (2025), with the kind when the target is not a level."""
    from targetcast.report.words import kind_word

    text = f"{operator(r)}{fmt_num(r.get('target_value'))} ({year_text(r.get('target_year'))})"
    if r.get("kind") in ("growth_rate", "reduction", "cumulative"):
        text += f" [{kind_word(r.get('kind'), lang)}]"
    return text


def latest_text(r) -> str:
    return "—" if _missing(r.get("last_value")) else f"{fmt_num(r['last_value'])} ({year_text(r.get('last_year'))})"


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


def change_text(d: float) -> str:
    """A change in probability: +0.03 / -0.01, and ±0.00 when it rounds to nothing (never -0.00)."""
    return "±0.00" if abs(float(d)) < 0.005 else f"{float(d):+.2f}"
