"""The markdown report: what a person pastes into a document or an issue — the summary, a
compact risk table per plan (the columns a meeting reads, not every machine column), goal
seek, scenarios and the run parameters. The full table is ``--format csv/json``."""
from __future__ import annotations

import pandas as pd

from targetcast.report import cells
from targetcast.report.numbers import fmt_num, fmt_pct
from targetcast.report.words import flag_words, risk_word, status_word, words

#: a text mark per risk level, so the level reads without colour
RISK_MARK = {"on_track": "✅", "watch": "⚠️", "at_risk": "🔶", "off_track": "❌", "attained": "✔️", "missed": "✖️",
             "no_data": "⚪"}


def _md(v) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _table(heads: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_md(h) for h in heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return out


def render_markdown(a, *, lang: str = "zh") -> str:
    w = words(lang)
    m = a.meta
    sep = "、" if lang == "zh" else ", "
    plans = list(pd.unique(a.table["plan"]))
    regions = sep.join(dict.fromkeys(a.table["region"].astype(str)))
    as_of = m.get("as_of_by_plan") or m.get("as_of")
    as_of = ", ".join(f"{k} {v}" for k, v in as_of.items()) if isinstance(as_of, dict) else as_of
    lines = [f"# {regions} · {w['title']}", "", f"{w['subtitle']} · {' '.join(plans)} · {w['as_of']} {as_of}", "",
             f"## {w['summary']}", ""]
    port = a.portfolio
    for plan in plans:
        rows = a.table[a.table["plan"] == plan]
        p = port[(port["plan"] == plan) & port["category"].isna()] if len(port) else port
        counts = rows["risk"].value_counts()
        level_text = " · ".join(f"{RISK_MARK.get(k, '')} {risk_word(k, lang)} {int(n)}" for k, n in counts.items())
        if len(p) and p["n_evaluable"].iloc[0] > 0:
            r = p.iloc[0]
            s = f"- **{plan}**: {w['expected_met']} {r['expected_met']:.1f} / {int(r['n_evaluable'])} {w['items']}"
            if not pd.isna(r.get("p_all_binding")):
                s += f" · {w['p_all_binding']} {r['p_all_binding']:.2f}"
            s += f" · {w['p_80']} {r['p_at_least_80pct']:.2f}"
        else:
            s = f"- **{plan}**: {w['no_evaluable']}"
        lines += [s, f"  - {level_text}"]
    lines += ["", f"## {w['risk_table']}", ""]
    heads = [w["indicator"], w["unit"], w["latest"], w["target"], w["range"], w["p_attain"], w["risk"],
             f"{w['time_progress']} / {w['completion']}", w["flags"]]
    for plan in plans:
        lines += [f"### {plan}", ""]
        body = []
        for r in a.table[a.table["plan"] == plan].to_dict("records"):
            progress = "—" if pd.isna(r.get("time_progress")) and pd.isna(r.get("completion")) else \
                f"{fmt_pct(r.get('time_progress'))} / {fmt_pct(r.get('completion'))}" + \
                ("" if r.get("status") in (None, "n/a") else f" {status_word(r.get('status'), lang)}")
            risk = f"{RISK_MARK.get(r['risk'], '')} {risk_word(r['risk'], lang)}"
            if isinstance(r.get("outcome"), str) and r["risk"] not in ("attained", "missed"):
                risk += f" → {risk_word(r['outcome'], lang)} ({fmt_num(r.get('outcome_value'))})"
            body.append([cells.name_of(r), r.get("unit") or "", cells.latest_text(r, lang), cells.target_text(r, lang),
                         cells.range_text(r), cells.p_text(r), risk, progress, sep.join(flag_words(r.get("flags"), lang))])
        lines += _table(heads, body) + [""]
    gs = a.goal_seek
    if gs is not None and len(gs):
        lines += [f"## {w['goal_seek']}", "", f"{w['goal_seek_note']} {gs['confidence'].iloc[0]:.0%}.", ""]
        body = []
        for r in gs.to_dict("records"):
            up = r.get("uplift_needed")
            add = r.get("add_needed")
            body.append([r["plan"], cells.name_of(r), f"{r['p_attain']:.2f}",
                         w["not_reachable"] if pd.isna(up) else cells.uplift_text(up, lang),
                         cells.add_text(add, r.get("unit"), lang), cells.growth_text(r)])
        lines += _table([w["plan"], w["indicator"], w["p_now"], w["extra_growth"], w["or_add"], w["needed_vs_hist"]],
                        body) + [""]
    c = a.comparison
    if c is not None and len(c):
        names = [col[2:] for col in c.columns if col.startswith("p_") and col != "p_baseline"]
        judged = c[["p_baseline"] + [f"p_{n}" for n in names]].notna().any(axis=1)
        omitted, c = int((~judged).sum()), c[judged]
        body = []
        for r in c.to_dict("records"):
            row = [r["plan"], cells.name_of(r), "—" if pd.isna(r["p_baseline"]) else f"{r['p_baseline']:.2f}"]
            row += ["—" if pd.isna(r[f"p_{n}"]) else f"{r[f'p_{n}']:.2f} ({cells.change_text(r[f'd_{n}'])})" for n in names]
            body.append(row)
        lines += [f"## {w['comparison']}", "", w["comparison_note"], ""]
        lines += _table([w["plan"], w["indicator"], w["baseline"]] + names, body) + [""]
        if omitted:
            lines += [w["omitted"].format(n=omitted), ""]
    lines += [f"## {w['method']}", "", w["method_text"].format(draws=f"{int(m['draws']):,}"), "",
              f"{w['seed']} {m.get('seed')} · {w['draws']} {int(m['draws']):,} · {w['model']} {m.get('model')} · "
              f"{w['scenario']} {m.get('scenario')} · {w['correlation']} {m.get('correlation')} · "
              f"{w['targets_file']} {m.get('targets')} · {w['series_file']} {m.get('series')}", ""]
    if a.warnings:
        lines += [f"## {w['warnings']}", ""] + [f"- {x}" for x in a.warnings] + [""]
    return "\n".join(lines)
