"""The HTML report: one self-contained file a mid-term evaluation team can hand out.

Everything is inline: the CSS, the charts (SVG, ``targetcast.report.svg``), the data. A
Content-Security-Policy meta tag forbids every fetch (``default-src 'none'``), there is no
script and no external URL in a tag, so the file looks the same offline, when emailed and
when printed (A4 landscape). Every text taken from the data is escaped with
:func:`html.escape`.
"""
from __future__ import annotations

from datetime import date
from html import escape

import pandas as pd

from scenarios.labels import RISK_ORDER
from targetcast.report import cells
from targetcast.report.numbers import fmt_num
from targetcast.report.svg import RISK_FILL, RISK_TINT, fan_chart, fan_legend, meter, progress_bars, risk_icon, stacked_bar
from targetcast.report.words import column_word, flag_words, risk_word, status_word, words

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root{--ink:#222;--muted:#666;--line:#ddd}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC","Source Han Sans SC",sans-serif;
color:var(--ink);margin:24px auto;max-width:1180px;padding:0 16px;font-size:13px;line-height:1.45}
h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:26px 0 8px;border-bottom:2px solid #08519c;padding-bottom:3px}
h3{font-size:14px;margin:14px 0 6px}.sub{color:var(--muted);margin:0 0 12px}
.tc-cards{display:flex;flex-wrap:wrap;gap:12px}
.tc-card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;break-inside:avoid;page-break-inside:avoid}
.tc-card .big{font-size:20px;font-weight:600}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:middle}
th{background:#f3f6fa;font-weight:600;font-size:12px}thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.cat td{background:#fafafa;font-weight:600;color:#08519c}
.risk{display:inline-flex;align-items:center;gap:4px;font-weight:600;white-space:nowrap;padding:1px 6px;border-radius:10px}
.flags{color:var(--muted);font-size:11px}
.fans{display:grid;grid-template-columns:repeat(auto-fill,minmax(390px,1fr));gap:10px}
.fan-card h3{margin:0 0 2px;font-size:13px}.fan-card svg.fan{width:100%;height:auto;max-width:560px}.fan-card .muted{font-size:11px}
.legend{margin:4px 0 8px}
.up{color:#2e7d32}.down{color:#c62828}
footer{margin-top:28px;border-top:1px solid var(--line);padding-top:8px;font-size:11px;color:#444}
footer table{font-size:11px}footer td{padding:2px 4px}
.src{word-break:break-all}
.warn{color:#8a5a00}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid;page-break-after:avoid}
.fans{grid-template-columns:repeat(3,1fr)}.fan-card svg.fan{width:100%;height:auto}
section{break-before:auto}.tc-card{border-color:#bbb}}
"""


def _esc(v) -> str:
    return escape("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))


def _risk_badge(risk: str, lang: str) -> str:
    return (f'<span class="risk" style="color:{RISK_FILL.get(risk, "#666")};background:{RISK_TINT.get(risk, "#f5f5f5")}">'
            f'{risk_icon(risk)}{escape(risk_word(risk, lang))}</span>')


def _plans(a) -> list[str]:
    return list(pd.unique(a.table["plan"]))


# ----------------------------------------------------------------------------- sections
def _summary(a, lang: str) -> str:
    w = words(lang)
    out = [f'<section id="summary"><h2>{escape(w["summary"])}</h2><div class="tc-cards">']
    port = a.portfolio
    for plan in _plans(a):
        rows = a.table[a.table["plan"] == plan]
        region = rows["region"].iloc[0]
        p = port[(port["plan"] == plan) & port["category"].isna()] if len(port) else port
        card = [f'<div class="tc-card"><h3>{_esc(plan)} · {_esc(region)}</h3>']
        as_of = (a.meta.get("as_of_by_plan") or {}).get(plan, a.meta.get("as_of"))
        card.append(f'<div class="muted">{escape(w["as_of"])} {_esc(as_of)}</div>')
        if len(p) and p["n_evaluable"].iloc[0] > 0:
            r = p.iloc[0]
            n = int(r["n_evaluable"])
            card.append(f'<div>{escape(w["expected_met"])} <span class="big">{r["expected_met"]:.1f}</span> '
                        f'/ {n} {escape(w["items"])}</div>'
                        + meter(r["expected_met"], n, f'{w["expected_met"]} {r["expected_met"]:.1f} / {n}'))
            if not pd.isna(r.get("p_all_binding")):
                card.append(f'<div>{escape(w["p_all_binding"])} <b>{r["p_all_binding"]:.2f}</b></div>'
                            + meter(r["p_all_binding"], 1, w["p_all_binding"], "#6a1b9a"))
            card.append(f'<div>{escape(w["p_80"])} <b>{r["p_at_least_80pct"]:.2f}</b></div>'
                        + meter(r["p_at_least_80pct"], 1, w["p_80"], "#00695c"))
        else:
            card.append(f'<div>{escape(w["no_evaluable"])}</div>')
        # risk counts per category, drawn
        card.append(f'<h3>{escape(w["by_category"])}</h3><table>')
        for cat, crow in rows.groupby(rows["category"].fillna(""), sort=False):
            counts = crow["risk"].value_counts()
            segs = [(risk_word(k, lang), int(counts.get(k, 0)), RISK_FILL[k]) for k in RISK_ORDER]
            card.append(f'<tr><td>{_esc(cat) or "—"}</td><td>{stacked_bar(segs, len(crow))}</td>'
                        f'<td class="num">{len(crow)}</td></tr>')
        card.append("</table>")
        keys = [k for k in RISK_ORDER if (rows["risk"] == k).any()]
        card.append('<div class="muted">' + " ".join(
            f'{_risk_badge(k, lang)} {int((rows["risk"] == k).sum())}' for k in keys) + "</div></div>")
        out.append("".join(card))
    out.append("</div></section>")
    return "".join(out)


def _risk_table(a, lang: str) -> str:
    w = words(lang)
    heads = [w["indicator"], w["unit"], w["latest"], w["target"], w["range"], w["p_attain"], w["risk"],
             w["progress"], column_word("flags", lang)]
    out = [f'<section id="risk"><h2>{escape(w["risk_table"])}</h2>']
    for plan in _plans(a):
        rows = a.table[a.table["plan"] == plan]
        out.append(f'<h3>{_esc(plan)} · {_esc(rows["region"].iloc[0])}</h3><table class="risk-table"><thead><tr>'
                   + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>")
        for cat, crow in rows.groupby(rows["category"].fillna(""), sort=False):
            out.append(f'<tr class="cat"><td colspan="{len(heads)}">{_esc(cat) or "—"}</td></tr>')
            for r in crow.to_dict("records"):
                out.append(_risk_row(r, lang, w))
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)


def _risk_row(r: dict, lang: str, w: dict) -> str:
    risk = r["risk"]
    if pd.isna(r.get("time_progress")) and pd.isna(r.get("completion")):
        progress = escape(status_word("n/a", lang))
    else:
        status = r.get("status")
        progress = progress_bars(r.get("time_progress"), r.get("completion"), w, RISK_FILL.get(risk, "#555"))
        if status not in (None, "n/a"):
            progress += f'<div class="flags">{escape(status_word(status, lang))}</div>'

    outcome = ""
    if isinstance(r.get("outcome"), str) and risk not in ("attained", "missed"):
        outcome = (f'<div class="flags">→ {escape(risk_word(r["outcome"], lang))} '
                   f'({escape(fmt_num(r.get("outcome_value")))})</div>')
    flags = "、".join(flag_words(r.get("flags"), lang)) if lang == "zh" else ", ".join(flag_words(r.get("flags"), lang))
    return ("<tr>" + f"<td>{escape(cells.name_of(r))}</td><td>{_esc(r.get('unit'))}</td>"
            f'<td class="num">{escape(cells.latest_text(r, lang))}</td><td class="num">{escape(cells.target_text(r, lang))}</td>'
            f'<td class="num">{escape(cells.range_text(r))}</td><td class="num">{escape(cells.p_text(r))}</td>'
            f"<td>{_risk_badge(risk, lang)}{outcome}</td><td>{progress}</td>"
            f'<td class="flags">{escape(flags)}</td></tr>')


def _fans(a, lang: str) -> str:
    w = words(lang)
    fans = a.fans()
    if not fans:
        return ""
    out = [f'<section id="fans"><h2>{escape(w["fans"])}</h2><p class="muted">{escape(w["fans_note"])}</p>'
           f"{fan_legend(w)}<div class=\"fans\">"]
    for pos, fan in fans:
        r = a.table.iloc[pos].to_dict()
        title = f'{cells.name_of(r)} · {r["plan"]}'
        outcome = r.get("outcome_value") if isinstance(r.get("outcome"), str) else None
        chart = fan_chart(fan, target_value=r["target_value"], target_year=int(r["target_year"]), as_of=int(r["as_of"]),
                          direction=r.get("direction") or "up", unit=str(fan["unit"].iloc[0]), words=w,
                          outcome_value=None if outcome is None or pd.isna(outcome) else float(outcome), title=title)
        out.append(f'<div class="tc-card fan-card"><h3>{escape(cells.name_of(r))}</h3>'
                   f'<div class="muted">{_esc(r["plan"])} · {escape(w["target_mark"])} {escape(cells.target_text(r, lang))} · '
                   f'{escape(w["p_attain"])} {escape(cells.p_text(r))} {_risk_badge(r["risk"], lang)}</div>{chart}</div>')
    out.append("</div></section>")
    return "".join(out)


def _goal_seek(a, lang: str) -> str:
    gs = a.goal_seek
    if gs is None or not len(gs):
        return ""
    w = words(lang)
    conf = gs["confidence"].iloc[0]
    heads = [w["plan"], w["indicator"], w["p_now"], w["extra_growth"], w["or_add"], w["needed_vs_hist"]]
    out = [f'<section id="goal-seek"><h2>{escape(w["goal_seek"])}</h2><p class="muted">{escape(w["goal_seek_note"])} '
           f'{conf:.0%}.</p><table><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>"]
    for r in gs.to_dict("records"):
        up = r.get("uplift_needed")
        uplift = w["not_reachable"] if pd.isna(up) else cells.uplift_text(up, lang)
        add_text = escape(cells.add_text(r.get("add_needed"), r.get("unit"), lang))
        out.append(f"<tr><td>{_esc(r['plan'])}</td><td>{escape(cells.name_of(r))}</td>"
                   f'<td class="num">{_risk_badge(r["risk"], lang)} {r["p_attain"]:.2f}</td>'
                   f'<td class="num">{escape(uplift)}</td><td class="num">{add_text}</td>'
                   f'<td class="num">{escape(cells.growth_text(r))}</td></tr>')
    out.append("</tbody></table></section>")
    return "".join(out)


def _comparison(a, lang: str) -> str:
    c = a.comparison
    if c is None or not len(c):
        return ""
    w = words(lang)
    names = [col[2:] for col in c.columns if col.startswith("p_") and col != "p_baseline"]
    # targets without a probability under any scenario (no usable history) add nothing here
    judged = c[["p_baseline"] + [f"p_{n}" for n in names]].notna().any(axis=1)
    omitted = int((~judged).sum())
    c = c[judged]
    heads = [w["plan"], w["indicator"], w["target"], w["baseline"]] + names
    out = [f'<section id="comparison"><h2>{escape(w["comparison"])}</h2><p class="muted">{escape(w["comparison_note"])}</p>'
           "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>"]
    for r in c.to_dict("records"):
        tds = [f"<td>{_esc(r['plan'])}</td><td>{escape(cells.name_of(r))}</td>",
               f'<td class="num">{escape(fmt_num(r["target_value"]))} ({cells.year_text(r["target_year"])})</td>',
               f'<td class="num">{_p(r["p_baseline"])}</td>']
        for n in names:
            p, d = r.get(f"p_{n}"), r.get(f"d_{n}")
            if p is None or pd.isna(p):
                tds.append('<td class="num">—</td>')
                continue
            cls, arrow = ("up", "▲") if d > 0.005 else ("down", "▼") if d < -0.005 else ("", "")
            tds.append(f'<td class="num {cls}">{p:.2f} ({arrow}{cells.change_text(d)})</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    if omitted:
        out.append(f'<p class="muted">{escape(w["omitted"].format(n=omitted))}</p>')
    out.append("</section>")
    return "".join(out)


def _p(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v):.2f}"


def _footer(a, lang: str) -> str:
    w = words(lang)
    m = a.meta
    res_meta = getattr(a.result, "meta", {}) or {}
    thresholds = res_meta.get("thresholds")
    run = [(w["as_of"], m.get("as_of_by_plan") or m.get("as_of")), (w["seed"], m.get("seed")),
           (w["draws"], f'{int(m.get("draws")):,}'), (w["model"], m.get("model")), (w["scenario"], m.get("scenario")),
           (w["correlation"], m.get("correlation")),
           (w["thresholds"], " / ".join(f"{x:g}" for x in thresholds) if thresholds else None),
           (w["targets_file"], m.get("targets")), (w["series_file"], m.get("series"))]
    method = w["method_text"].format(draws=f'{int(m.get("draws")):,}')
    out = [f'<footer><h3>{escape(w["method"])}</h3><p>{escape(method)}</p>',
           f'<h3>{escape(w["run"])}</h3><table>'
           + "".join(f"<tr><td>{escape(k)}</td><td>{_esc(_plain(v))}</td></tr>" for k, v in run if v is not None)
           + "</table>"]
    out.append(f'<p>{escape(w["repeat"])}: <code>{escape(repeat_command(a))}</code></p>')
    used = sorted({f for fl in a.table["flags"].dropna() for f in str(fl).split(";") if f})
    if used:
        out.append(f'<h3>{escape(w["flags"])}</h3><p>' + "; ".join(
            f"<b>{escape(flag_words(f, lang)[0])}</b> ({escape(f)})" for f in used) + "</p>")
    if a.warnings:
        out.append(f'<h3>{escape(w["warnings"])}</h3><ul class="warn">'
                   + "".join(f"<li>{escape(x)}</li>" for x in a.warnings) + "</ul>")
    src = a.sources
    if src is not None and len(src):
        out.append(f'<h3>{escape(w["sources"])}</h3><table><thead><tr><th>{escape(w["region"])}</th>'
                   f'<th>{escape(w["indicator"])}</th><th>{escape(w["years"])}</th><th>{escape(w["source"])}</th>'
                   "</tr></thead><tbody>")
        names = {(t["region"], t["indicator"]): cells.name_of(t) for t in a.table.to_dict("records")}
        for r in src.to_dict("records"):
            # Sources are shown as text, never as links: the report fetches nothing.
            name = names.get((r["region"], r["indicator"]), r["indicator"])
            out.append(f"<tr><td>{_esc(r['region'])}</td><td>{_esc(name)}</td><td>{_esc(r['years'])}</td>"
                       f'<td class="src">{_esc(r["source"])}</td></tr>')
        out.append("</tbody></table>")
    out.append(f'<p class="muted">targetcast · {date.today().isoformat()}</p></footer>')
    return "".join(out)


def repeat_command(a) -> str:
    """The command that makes this report again (the seed and draws fix every number)."""
    m, rm = a.meta, getattr(a.result, "meta", {}) or {}
    parts = ["targetcast report", *_plans(a)]
    for flag, key in (("--targets", "targets"), ("--series", "series")):
        if not str(m.get(key, "")).startswith("bundled:"):
            parts += [flag, str(m.get(key))]
    if rm.get("as_of_given"):
        parts += ["--as-of", str(m.get("as_of"))]
    if rm.get("correlation_requested") not in (None, 0, 0.0):
        parts += ["--correlation", str(rm.get("correlation_requested"))]
    if tuple(rm.get("thresholds", (0.8, 0.5, 0.2))) != (0.8, 0.5, 0.2):
        parts += ["--thresholds", ",".join(f"{x:g}" for x in rm["thresholds"])]
    parts += ["--seed", str(m.get("seed")), "--draws", str(m.get("draws")), "--model", str(m.get("model")),
              "-o", "report.html"]
    return " ".join(parts)


def _plain(v):
    if isinstance(v, dict):
        return ", ".join(f"{k} {x}" for k, x in v.items())
    return v


def _body(a, lang: str, *, footer: bool = True) -> str:
    w = words(lang)
    plans = _plans(a)
    regions = "、".join(dict.fromkeys(a.table["region"].astype(str))) if lang == "zh" else \
        ", ".join(dict.fromkeys(a.table["region"].astype(str)))
    head = (f'<header><h1>{escape(regions)} · {escape(w["title"])}</h1><p class="sub">{escape(w["subtitle"])} · '
            f'{escape(" ".join(plans))} · {escape(w["as_of"])} {_esc(_plain(a.meta.get("as_of_by_plan") or a.meta.get("as_of")))}'
            "</p></header>")
    parts = [head, _summary(a, lang), _risk_table(a, lang), _fans(a, lang), _goal_seek(a, lang), _comparison(a, lang)]
    if footer:
        parts.append(_footer(a, lang))
    return "".join(parts)


def render_html(a, *, lang: str = "zh") -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    w = words(lang)
    html_lang = "zh-CN" if lang == "zh" else "en"
    title = f'{" ".join(_plans(a))} · {w["title"]}'
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            + _body(a, lang) + "</body></html>\n")


def _scoped_css(scope: str) -> str:
    """The screen rules of :data:`CSS` limited to ``scope`` (a notebook page keeps its own look)."""
    screen = CSS.split("@page")[0]
    rules = []
    for rule in screen.replace("\n", "").split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{", 1)
        scoped = []
        for sel in selectors.split(","):
            sel = sel.strip()
            scoped.append(scope if sel in ("body", ":root") else f"{scope} {sel}")
        rules.append(",".join(scoped) + "{" + body + "}")
    return "".join(rules)


def render_fragment(a, *, lang: str = "zh") -> str:
    """The report without the document shell, for Jupyter (``Assessment._repr_html_``); its
    styles apply inside the report only."""
    return f'<div class="tc-report"><style>{_scoped_css(".tc-report")}</style>{_body(a, lang)}</div>'
