"""Numbers as a planner reads them, shared by the terminal tables and the reports."""
from __future__ import annotations

import pandas as pd


def fmt_num(v) -> str:
    """25,200 · 40.57 · 0.123; an em dash for a missing value."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "—"
    v = float(v)
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:,.1f}".rstrip("0").rstrip(".")
    if a >= 1:
        return f"{v:.2f}".rstrip("0").rstrip(".")
    if a == 0:
        return "0"
    return f"{v:.3g}"


def fmt_pct(v, digits: int = 0) -> str:
    """A fraction as a percentage (0.123 -> 12%); an em dash for a missing value."""
    if v is None or v is pd.NA or pd.isna(v):
        return "—"
    return f"{100 * float(v):.{digits}f}%"
