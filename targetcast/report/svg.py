"""Small inline-SVG charts for the HTML report: a target's fan, progress bars, stacked bars.

Hand-drawn rather than a plotting library because the report must work offline and when
emailed (no CDN, no script: plotly embeds ~5 MB a figure), and must be deterministic (the same
run gives the same bytes): every coordinate is rounded to 0.1 and written in a fixed order.
A fan chart is about 3-5 KB. All text passes through :func:`html.escape`.
"""
from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from targetcast.report.numbers import fmt_num

#: colours of the risk levels (with an icon and a word beside them, never colour alone)
RISK_FILL = {"on_track": "#2e7d32", "watch": "#c99a00", "at_risk": "#e65100", "off_track": "#c62828",
             "attained": "#1b5e20", "missed": "#8e0000", "no_data": "#9e9e9e"}
#: light backgrounds of the same levels (table cells, Excel fills)
RISK_TINT = {"on_track": "#e8f5e9", "watch": "#fff8e1", "at_risk": "#fff3e0", "off_track": "#ffebee",
             "attained": "#e8f5e9", "missed": "#ffebee", "no_data": "#f5f5f5"}
BAND_OUTER, BAND_INNER, MEDIAN, HISTORY, TARGET, OUTCOME = "#c6dbef", "#6baed6", "#08519c", "#333333", "#c62828", "#6a1b9a"


def _n(x: float) -> str:
    """A coordinate: one decimal, no trailing zero, no '-0'."""
    s = f"{x:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """About ``n`` round tick values covering [lo, hi] (1, 2, 2.5, 5 x 10^k steps)."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        hi = lo + 1.0 if np.isfinite(lo) else 1.0
        lo = lo if np.isfinite(lo) else 0.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, v = [], start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


# ----------------------------------------------------------------------------- icons
_ICON_SHAPES = {
    "on_track": '<circle cx="7" cy="7" r="6"/><path d="M3.8 7.2l2.2 2.2 4.3-4.6" stroke="#fff" stroke-width="1.8" fill="none"/>',
    "attained": '<circle cx="7" cy="7" r="6"/><path d="M7 2.8l1.2 2.7 2.9.3-2.2 1.9.7 2.9L7 9.1l-2.6 1.5.7-2.9-2.2-1.9 2.9-.3z" fill="#fff"/>',
    "watch": '<circle cx="7" cy="7" r="6"/><path d="M7 3.5v4.2M7 9.6v1" stroke="#fff" stroke-width="1.8"/>',
    "at_risk": '<path d="M7 1l6.5 11.5h-13z"/><path d="M7 5v3.6M7 9.8v1" stroke="#fff" stroke-width="1.6"/>',
    "off_track": '<rect x="1" y="1" width="12" height="12" rx="1.5"/><path d="M4.3 4.3l5.4 5.4M9.7 4.3l-5.4 5.4" stroke="#fff" stroke-width="1.8"/>',
    "missed": '<rect x="1" y="1" width="12" height="12" rx="1.5"/><path d="M4.3 4.3l5.4 5.4M9.7 4.3l-5.4 5.4" stroke="#fff" stroke-width="1.8"/>',
    "no_data": '<circle cx="7" cy="7" r="5.5" fill="none" stroke-dasharray="2 1.5" stroke-width="1.5" stroke="#9e9e9e"/>',
}


def risk_icon(risk: str) -> str:
    """A 14 px icon whose shape (not only colour) tells the risk level apart."""
    shape = _ICON_SHAPES.get(risk, _ICON_SHAPES["no_data"])
    return (f'<svg class="icon" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" '
            f'fill="{RISK_FILL.get(risk, "#9e9e9e")}">{shape}</svg>')


# ----------------------------------------------------------------------------- bars
def progress_bars(time_progress: float, completion: float, words: dict, colour: str = "#555") -> str:
    """时序进度 vs 完成进度 as two horizontal bars on a 0-100 % scale (values beyond are drawn
    to the edge with an arrow, the number says how far)."""
    w, bar_x, bar_w, h = 200, 50, 104, 32

    def bar(y: float, v: float, fill: str, label: str) -> str:
        if v is None or pd.isna(v):
            return (f'<text x="0" y="{_n(y + 8)}">{escape(label)}</text>'
                    f'<text x="{bar_x}" y="{_n(y + 8)}" fill="#777">—</text>')
        v = float(v)
        frac = min(max(v, 0.0), 1.0)
        over = v > 1.0
        out = [f'<text x="0" y="{_n(y + 8)}">{escape(label)}</text>',
               f'<rect x="{bar_x}" y="{_n(y)}" width="{bar_w}" height="10" fill="#eee"/>',
               f'<rect x="{bar_x}" y="{_n(y)}" width="{_n(bar_w * frac)}" height="10" fill="{fill}"/>']
        if over:
            tip = bar_x + bar_w
            out.append(f'<path d="M{_n(tip)} {_n(y - 1)}l4 6-4 6z" fill="{fill}"/>')
        out.append(f'<text x="{bar_x + bar_w + 6}" y="{_n(y + 8)}">{100 * v:.0f}%</text>')
        return "".join(out)

    return (f'<svg class="progress" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-size="10" '
            f'role="img" aria-label="{escape(words["time_progress"])} / {escape(words["completion"])}">'
            + bar(2, time_progress, "#9e9e9e", words["time_progress"])
            + bar(17, completion, colour, words["completion"]) + "</svg>")


def stacked_bar(segments: list[tuple[str, int, str]], total: int, width: int = 260) -> str:
    """One horizontal bar split into (label, count, colour) segments, each count written on it."""
    h = 16
    parts, x = [], 0.0
    for label, count, colour in segments:
        if count <= 0:
            continue
        seg = width * count / max(total, 1)
        parts.append(f'<rect x="{_n(x)}" y="0" width="{_n(seg)}" height="{h}" fill="{colour}">'
                     f'<title>{escape(label)}: {count}</title></rect>')
        if seg >= 14:
            parts.append(f'<text x="{_n(x + seg / 2)}" y="12" text-anchor="middle" fill="#fff">{count}</text>')
        x += seg
    return (f'<svg class="stack" width="{width}" height="{h}" viewBox="0 0 {width} {h}" font-size="10" role="img" '
            f'aria-label="{escape(", ".join(f"{s[0]} {s[1]}" for s in segments if s[1] > 0))}">'
            + "".join(parts) + "</svg>")


def meter(value: float, total: float, label: str, colour: str = "#08519c", width: int = 260) -> str:
    """A bar filled ``value / total`` (expected number met of the evaluable targets, a probability)."""
    h = 16
    frac = 0.0 if not total or pd.isna(value) else min(max(float(value) / float(total), 0.0), 1.0)
    return (f'<svg class="meter" width="{width}" height="{h}" viewBox="0 0 {width} {h}" role="img" '
            f'aria-label="{escape(label)}"><rect width="{width}" height="{h}" fill="#e6e6e6"/>'
            f'<rect width="{_n(width * frac)}" height="{h}" fill="{colour}"/></svg>')


# ----------------------------------------------------------------------------- fan chart
def fan_chart(fan: pd.DataFrame, *, target_value: float, target_year: int, as_of: int, direction: str,
              unit: str, words: dict, outcome_value: float | None = None, title: str = "") -> str:
    """A target's fan: history (points; a line only between consecutive years, so gaps show),
    the P10-P90 and P25-P75 bands and the P50 line from the as-of year, the target as a dashed
    line with its year marked, the as-of year as a dotted line, and the real outcome when known.

    ``fan`` has the columns of ``scenarios.fan.FAN_COLUMNS``. A band that runs far above
    everything else is cut at the top of the chart and its P90 written there ("off scale"),
    so one wide fan does not flatten the history into a line.
    """
    W, H = 380, 214
    L, R, T, B = 52, 14, 20, 28
    pw, ph = W - L - R, H - T - B
    years = fan["year"].to_numpy(dtype=int)
    obs = fan["observed"].to_numpy(dtype=float)
    q = {c: fan[c].to_numpy(dtype=float) for c in ("p10", "p25", "p50", "p75", "p90")}
    has_q = np.isfinite(q["p50"])
    x0, x1 = int(years.min()), max(int(years.max()), int(target_year))
    tv = float(target_value) if target_value is not None and not pd.isna(target_value) else np.nan
    core = [v for v in (*obs[np.isfinite(obs)], *q["p75"][has_q], *q["p25"][has_q], tv,
                        outcome_value if outcome_value is not None else np.nan) if np.isfinite(v)]
    lo_all = [v for v in (*q["p10"][has_q], *core) if np.isfinite(v)]
    hi_core = max(core) if core else 1.0
    p90_max = float(np.nanmax(q["p90"][has_q])) if has_q.any() else np.nan
    # The top of the scale: the whole P90 unless it would squash the rest below a third.
    cap = hi_core + 1.5 * (hi_core - min(lo_all)) if lo_all else hi_core
    y_hi = p90_max if np.isfinite(p90_max) and p90_max <= cap else max(cap, hi_core)
    y_lo = min(lo_all) if lo_all else 0.0
    if y_lo >= 0 and y_lo < 0.25 * y_hi:
        y_lo = 0.0
    ticks = _nice_ticks(y_lo, y_hi)
    y_lo, y_hi = ticks[0], ticks[-1]

    def X(year: float) -> float:
        return L + pw * (year - x0 + 0.5) / (x1 - x0 + 1)

    def Y(v: float) -> float:
        v = min(max(v, y_lo), y_hi)
        return T + ph * (1 - (v - y_lo) / (y_hi - y_lo))

    out = [f'<svg class="fan" data-chart="fan" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-size="10" '
           f'role="img" aria-label="{escape(title)}">', f"<title>{escape(title)}</title>"]
    # axes and grid
    for t in ticks:
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{_n(Y(t))}" y2="{_n(Y(t))}" stroke="#e3e3e3"/>'
                   f'<text x="{L - 4}" y="{_n(Y(t) + 3)}" text-anchor="end" fill="#555">{escape(fmt_num(t))}</text>')
    step = 1 if x1 - x0 <= 8 else 2
    for yr in range(x0, x1 + 1):
        if (x1 - yr) % step == 0:
            out.append(f'<text x="{_n(X(yr))}" y="{H - B + 13}" text-anchor="middle" fill="#555">{yr}</text>')
    out.append(f'<line x1="{L}" x2="{W - R}" y1="{T + ph}" y2="{T + ph}" stroke="#999"/>')
    if unit:
        out.append(f'<text x="4" y="{T - 8}" fill="#555">{escape(unit)}</text>')
    # as-of year
    if x0 <= as_of <= x1:
        xa = X(as_of)
        # the label sits left of the line when the line is in the right half (it would run off the chart)
        right = xa > L + pw / 2
        out.append(f'<line class="asof" x1="{_n(xa)}" x2="{_n(xa)}" y1="{T - 6}" y2="{T + ph}" stroke="#777" '
                   f'stroke-dasharray="2 3"/><text x="{_n(xa - 3 if right else xa + 3)}" y="{T - 8}" fill="#555" '
                   f'text-anchor="{"end" if right else "start"}">{escape(words["as_of_mark"])} {as_of}</text>')
    # bands and median
    if has_q.any():
        xs = years[has_q]
        for lo_c, hi_c, colour, cls in (("p10", "p90", BAND_OUTER, "band80"), ("p25", "p75", BAND_INNER, "band50")):
            lo, hi = q[lo_c][has_q], q[hi_c][has_q]
            pts = [f"{_n(X(x))},{_n(Y(v))}" for x, v in zip(xs, hi)] + \
                  [f"{_n(X(x))},{_n(Y(v))}" for x, v in zip(xs[::-1], lo[::-1])]
            out.append(f'<polygon class="{cls}" points="{" ".join(pts)}" fill="{colour}" fill-opacity="0.75"/>')
        med = " ".join(f"{_n(X(x))},{_n(Y(v))}" for x, v in zip(xs, q["p50"][has_q]))
        out.append(f'<polyline class="p50" points="{med}" fill="none" stroke="{MEDIAN}" stroke-width="2"/>')
        if np.isfinite(p90_max) and p90_max > y_hi:
            yr = int(xs[np.nanargmax(q["p90"][has_q])])
            out.append(f'<text x="{_n(X(yr) - 3)}" y="{T + 20}" text-anchor="end" fill="{MEDIAN}">'
                       f'P90 {escape(fmt_num(p90_max))} ↑</text>')
    # target
    if np.isfinite(tv):
        yt = Y(tv)
        op = "≤" if direction == "down" else "≥"
        out.append(f'<line class="target" x1="{L}" x2="{W - R}" y1="{_n(yt)}" y2="{_n(yt)}" stroke="{TARGET}" '
                   f'stroke-dasharray="6 3" stroke-width="1.4"/>'
                   f'<path d="M{_n(X(target_year))} {_n(yt - 6)}l5 6-5 6-5-6z" fill="{TARGET}"/>'
                   f'<text x="{L + 4}" y="{_n(yt - 4 if yt > T + 12 else yt + 12)}" fill="{TARGET}">'
                   f'{escape(words["target_mark"])} {op}{escape(fmt_num(tv))} ({target_year})</text>')
    # history: segments between consecutive observed years, then the points
    seen = np.isfinite(obs)
    segs = []
    for i in range(len(years) - 1):
        if seen[i] and seen[i + 1] and years[i + 1] == years[i] + 1:
            segs.append(f"M{_n(X(years[i]))} {_n(Y(obs[i]))}L{_n(X(years[i + 1]))} {_n(Y(obs[i + 1]))}")
    if segs:
        out.append(f'<path class="history" d="{"".join(segs)}" stroke="{HISTORY}" stroke-width="1.6" fill="none"/>')
    for yr, v in zip(years[seen], obs[seen]):
        later = yr > as_of
        colour = OUTCOME if later else HISTORY
        fill = "#fff" if later else colour
        out.append(f'<circle class="{"later" if later else "obs"}" cx="{_n(X(yr))}" cy="{_n(Y(v))}" r="2.8" '
                   f'fill="{fill}" stroke="{colour}" stroke-width="1.4"><title>{yr}: {escape(fmt_num(v))}</title></circle>')
    if outcome_value is not None and np.isfinite(outcome_value):
        yo = Y(float(outcome_value))
        out.append(f'<text class="outcome" x="{_n(X(target_year) - 6)}" y="{_n(yo + 14 if yo < T + ph - 14 else yo - 8)}" '
                   f'text-anchor="end" fill="{OUTCOME}">{escape(words["outcome_mark"])} '
                   f'{escape(fmt_num(outcome_value))}</text>')
    out.append("</svg>")
    return "".join(out)


def fan_legend(words: dict) -> str:
    """The key to the fan charts, drawn once above them."""
    items = [
        f'<rect x="0" y="3" width="16" height="9" fill="{BAND_OUTER}"/><text x="20" y="11">{escape(words["band80"])}</text>',
        f'<rect x="0" y="3" width="16" height="9" fill="{BAND_INNER}"/><text x="20" y="11">{escape(words["band50"])}</text>',
        f'<path d="M0 8h16" stroke="{MEDIAN}" stroke-width="2"/><text x="20" y="11">P50</text>',
        f'<circle cx="8" cy="8" r="3" fill="{HISTORY}"/><text x="20" y="11">{escape(words["observed"])}</text>',
        f'<circle cx="8" cy="8" r="3" fill="#fff" stroke="{OUTCOME}" stroke-width="1.4"/>'
        f'<text x="20" y="11">{escape(words["later_obs"])}</text>',
        f'<path d="M0 8h16" stroke="{TARGET}" stroke-dasharray="6 3" stroke-width="1.4"/>'
        f'<text x="20" y="11">{escape(words["target_mark"])}</text>',
        f'<path d="M8 1v14" stroke="#777" stroke-dasharray="2 3"/><text x="20" y="11">{escape(words["as_of_mark"])}</text>',
    ]
    widths = [16 + 8 + 12 * len(words[k]) + 14 for k in ("band80", "band50")] + [50] + \
             [16 + 8 + 12 * len(words[k]) + 14 for k in ("observed", "later_obs", "target_mark", "as_of_mark")]
    x, parts = 0, []
    for item, w in zip(items, widths):
        parts.append(f'<g transform="translate({x} 0)">{item}</g>')
        x += w
    return (f'<svg class="legend" width="{x}" height="16" viewBox="0 0 {x} 16" font-size="11" aria-hidden="true">'
            + "".join(parts) + "</svg>")
