"""Build the bundled default data (history/data/targets.csv, series.csv, README.md).

Golden data with its script: the three files are regenerated from the curated sources in
``../shared/data`` and re-running on the same input gives byte-identical files.

    python scripts/build_bundled_data.py [--shared ../shared/data] [--out history/data]
    python scripts/build_bundled_data.py --check   # exit 1 if the committed files differ

(``--check`` is the reproducibility check; it lives here, not in the test suite, because the
sources are outside the repository.)

Rules (issue 2 item 5; every decision is written into the generated README):

* No value is invented, interpolated, summed or derived. The only arithmetic is an exact
  power-of-ten unit move (万件 -> 件) where one series is published in both magnitudes; such
  rows say so in ``note``.
* A source row whose note is tagged [AUXILIARY], [DEFINITION-CAVEAT],
  [SUB-REGION/PARTIAL-SCOPE], [PARTIAL-YEAR/NOT-YEAR-END] or [COMPONENT-OF-PLAN-INDICATOR] is
  never the plan's series: it is kept under ``<id>__<reason>`` with role ``auxiliary``.
* One row per (region, indicator, year): the official statistical table wins, else the
  plan's own statement, else other publications; exact figures beat rounded ones. The
  other values and their sources are kept in ``note``.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from history.bundled import years_text  # noqa: E402  (one implementation of the years string)
import found_2026_map as FOUND  # noqa: E402  (the hand mapping of found_2026.csv, next to this script)

DEFAULT_SHARED = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "history" / "data"

TARGET_COLUMNS = [
    "plan", "region", "indicator", "name", "unit", "kind", "direction", "strict", "target_year",
    "target_value", "baseline_year", "baseline_value", "category", "attribute", "source", "note",
]
SERIES_COLUMNS = ["region", "indicator", "year", "value", "unit", "source", "note", "role"]

# One region, one name: CNIPA writes short province names, the plans write full ones.
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "河北": "河北省", "山西": "山西省", "内蒙古": "内蒙古自治区",
    "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "上海": "上海市", "江苏": "江苏省",
    "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省", "山东": "山东省",
    "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省",
    "广西": "广西壮族自治区", "海南": "海南省", "重庆": "重庆市", "四川": "四川省", "贵州": "贵州省",
    "云南": "云南省", "西藏": "西藏自治区", "陕西": "陕西省", "甘肃": "甘肃省", "青海": "青海省",
    "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
}
# National rows keep their distinct scope labels (see cnipa_provinces_SOURCES.md): adding
# 国内(含港澳台) to 全国 would create false disagreements.
NATIONAL_LABELS = ("全国", "国内(含港澳台)", "国内(口径未注明)", "国内外合计")
# Peer counties in the Yidu plan's figures 1-4; 湖北宜都 is Yidu itself.
COUNTIES = {
    "湖北宜都": "宜都市", "湖北枝江": "枝江市", "湖北仙桃": "仙桃市", "湖北潜江": "潜江市",
    "湖北大冶": "大冶市", "江苏仪征": "仪征市", "浙江长兴": "长兴县", "安徽肥东": "肥东县",
}

UNITS = {
    "pieces": "件", "items": "件", "pieces per 10,000 population": "件/万人",
    "pieces per million population": "件/百万人",
}

# source id -> bundled id, with the reason (printed into the README mapping table).
CNIPA_MAP = {
    "trademark_in_force": ("trademarks_in_force", "商标有效注册量, the plans' id"),
    "high_value_invention_count": ("high_value_invention_count", "no plan target counts it; kept"),
    "invention_per_million": ("invention_per_million", "per MILLION people; a different unit, not rescaled"),
    "gi_total": ("gi_total", "definition varies by province; not the plans' GI indicators"),
    "gi_trademarks_in_force": ("gi_trademarks_in_force", "GI trademarks only: one component of the GI targets"),
    "pledge_amount": ("pledge_amount", "patent+trademark pledge amounts, definitions vary; not mapped"),
    "pledge_amount_patent": ("pledge_amount_patent", "patent-only pledge amount; not mapped"),
    "pledge_amount_trademark": ("pledge_amount_trademark", "trademark-only pledge amount; not mapped"),
}
LOCAL_MAP = {
    "invention_patent_applications": ("invention_applications", "发明专利申请量 = plan 发明专利申请量"),
    "invention_patent_grants": ("invention_grants", "发明专利授权量 = plan 发明专利授权量"),
    "high_value_invention_patents_per_10k": (
        "high_value_invention_per_10k", "每万人口高价值发明专利拥有量 = plan indicator"),
    "invention_patents_per_10k": ("invention_per_10k", "每万人口(有效)发明专利拥有量"),
    "ip_pledge_financing": (
        "pledge_financing", "Wuhan 知识产权质押贷款发放金额 = plan 质押融资额; Zhejiang rows all tagged"),
    "valid_trademarks": ("trademarks_in_force", "商标有效注册量; tagged rows (brand report, partial) kept apart"),
    "valid_invention_patents": ("invention_in_force", "有效发明专利数量 = plan indicator"),
    "copyright_work_registrations": ("copyright_registrations", "作品著作权登记量 = plan indicator"),
    "protection_center_registered_entities": (
        "protection_center_entities", "武汉保护中心服务备案主体 = demo-zone indicator"),
    "high_value_invention_patents": ("high_value_invention_count", "same quantity as CNIPA id"),
    "gi_trademarks": ("gi_trademarks_in_force", "same quantity as CNIPA id; a GI component"),
    "ip_protection_workstations": (
        "grassroots_protection_stations", "基层知识产权保护工作站; the only row is partial-year"),
    "madrid_registrations_stock": (
        "madrid_trademarks", "马德里注册商标拥有量; brand-report definition, kept apart"),
}
# The provincial yearbook panel (china_provinces_yearbook.csv): only the three series that
# bundled targets use (or serve as their peers) are bundled. All three are domestic counts in 件:
# a year-end stock (in force) or a calendar-year flow (applications, grants).
YEARBOOK_MAP = {
    "domestic_valid_patents_in_force_invention": (
        "invention_in_force", "国内有效发明专利 at year end, 件 = the plans' 有效发明专利数量 / 发明专利有效量"),
    "domestic_patent_applications_granted_by_cnipa_invention": (
        "invention_grants", "国内发明专利授权量 in the year, 件 = the plans' 发明专利授权量"),
    "domestic_patent_applications_accepted_by_cnipa_invention": (
        "invention_applications", "国内发明专利申请受理量 in the year, 件 = the plans' 发明专利申请量"),
}
# The yearbook writes regions in English (pinyin); its national total is not bundled (no target
# and never a peer; its HK/Macao/Taiwan scope is not stated).
YEARBOOK_REGIONS = {
    "Beijing": "北京", "Tianjin": "天津", "Hebei": "河北", "Shanxi": "山西", "Inner Mongolia": "内蒙古",
    "Liaoning": "辽宁", "Jilin": "吉林", "Heilongjiang": "黑龙江", "Shanghai": "上海", "Jiangsu": "江苏",
    "Zhejiang": "浙江", "Anhui": "安徽", "Fujian": "福建", "Jiangxi": "江西", "Shandong": "山东",
    "Henan": "河南", "Hubei": "湖北", "Hunan": "湖南", "Guangdong": "广东", "Guangxi": "广西",
    "Hainan": "海南", "Chongqing": "重庆", "Sichuan": "四川", "Guizhou": "贵州", "Yunnan": "云南",
    "Tibet": "西藏", "Shaanxi": "陕西", "Gansu": "甘肃", "Qinghai": "青海", "Ningxia": "宁夏",
    "Xinjiang": "新疆",
}
YEARBOOK_SKIPPED_REGIONS = {"China (national total)"}

SEED_MAP = {
    "high_value_invention": ("high_value_invention_count", "same quantity as CNIPA id"),
    "gi_trademarks": ("gi_trademarks_in_force", "same quantity as CNIPA id"),
}

EXCLUDED_TAGS = {  # tag -> suffix of the auxiliary id; the first tag in this order wins
    "PARTIAL-YEAR/NOT-YEAR-END": "partial",
    "SUB-REGION/PARTIAL-SCOPE": "subregion",
    "COMPONENT-OF-PLAN-INDICATOR": "component",
    "DEFINITION-CAVEAT": "caveat",
    "AUXILIARY": "aux",
}

# Curated exclusions of untagged rows (region, source id, year) -> (aux id, reason).
CURATED_AUX = {
    ("浙江", "trademark_in_force", "2016"): (
        "trademarks_in_force__caveat",
        "bundled: same count (1315742) as the 2016 浙江省商标品牌发展报告, whose 2016-2021 "
        "series is far below the plan's 300万 (2020) and the 447万 (2023) figure; not spliced",
    ),
}

# A plan whose own id names the same published statistic as another plan's id joins that series.
# The demo-zone plan's 每万人口高价值专利拥有量 is the city's 每万人口高价值发明专利拥有量 (the official
# 高价值专利 indicator counts invention patents only); local_series.csv lists its 2024 value 40.57
# for both plans as the same figure.
TARGET_ALIASES = {
    ("wuhan_demo_zone", "high_value_patents_per_10k"): (
        "high_value_invention_per_10k",
        "bundled: plan id high_value_patents_per_10k joined to high_value_invention_per_10k (same statistic: "
        "the official 高价值专利 indicator counts invention patents; same 40.57 in 2024)"),
}

# Plan baselines are observations only where the baseline is a level of the indicator.
BASELINE_KINDS = ("annual", "stock", "ratio")
# (plan, indicator) whose stated baseline measures something else: not an observation.
BASELINE_NOT_OBSERVATION = {
    ("yidu_2027", "pledge_amount_annual"):
        "the plan's 5亿 is the outstanding (在押) amount, not an annual pledge amount; "
        "kept as 宜都市/pledge_outstanding from the plan's 基础条件",
}

# Hand-written caveats per plan series, printed in the README.
CAVEATS = {
    ("武汉市", "invention_grants"): "2023 and 2024 are rounded (2.28万, 2.52万); 2019, 2021, 2022 not found.",
    ("武汉市", "invention_applications"): "2015: 科技局简表 15077 kept, 长江日报 15065 in note; nothing after 2018.",
    ("武汉市", "pledge_financing"): "city 质押贷款发放金额 series; CNIPA 武汉代办处 registration amounts and "
                                   "the Q1-2023 figure are separate auxiliary ids.",
    ("武汉市", "trademarks_in_force"): "2014 '累计注册商标' (8.1102万) may be cumulative registrations: "
                                      "kept as trademarks_in_force__caveat.",
    ("武汉市", "grassroots_protection_stations"): "61 stations (Aug 2025) is mid-year: grassroots_protection_stations__partial.",
    ("武汉市", "geographical_indications"): "plan baseline only; GI trademarks/products are components (__component ids), not summed.",
    ("浙江省", "trademarks_in_force"): "2016-2021 商标品牌发展报告 figures (131.6万-198.4万) use a narrower count and "
                                      "are kept as trademarks_in_force__caveat; mid-2025 491.6万 is __partial.",
    ("浙江省", "madrid_trademarks"): "brand-report Madrid stock (4710, 4972, 5236) is below the plan's 5900 for 2020: "
                                    "madrid_trademarks__caveat. Applications (a flow) are madrid_applications.",
    ("浙江省", "copyright_registrations"): "2020: plan 2.5万 kept (moved to 25000 件); 浙江省版权局 32590 is "
                                          "copyright_registrations__caveat.",
    ("浙江省", "invention_in_force"): "2020 plan 20万 moved to 200000 件; mid-2025 45.1万 is invention_in_force__partial.",
    ("浙江省", "pledge_financing"): "patent-only, trademark-only and NFRA H1 loan figures are other definitions (aux ids).",
    ("浙江省", "pct_applications"): "2017 is rounded to 100 (1400).",
    ("湖北省", "pct_applications"): "2017: 1034 (provincial office, exact) kept over 1300 (CNIPA, rounded to 100); "
                                   "2018: 1725 (CNIPA yearbook) kept over 1552 (early provincial release).",
    ("宜都市", "invention_in_force"): "2023 is 'as of ~Jan 2024'; 2024 is as of 2024-10 (plan), chart value 390 in note.",
    ("宜都市", "trademarks_in_force"): "2023 is 'as of ~Jan 2024'; 2024 is as of 2024-10 (plan), chart value 5302 in note.",
    ("宜都市", "invention_per_10k"): "single plan baseline as of 2024-10.",
    ("湖北省", "invention_per_10k"): "2024 value 28.16 is as of 2024-11 (cited by the Yidu plan).",
}

# Within one class of source (see OFFICIAL): the yearbook panel first (one definition for all
# 31 provinces, 2010-2023), then the CNIPA-panel file, local series, found_2026, plan texts.
ORIGIN_ORDER = {"yearbook": 0, "cnipa": 1, "local": 2, "found": 3, "seed": 4, "plan": 5}
OFFICIAL = re.compile(r"jianbao|统计年报|Statistical Yearbook|科技统计简表|统计快报|statistical yearbook", re.I)
ROUNDED = re.compile(r"\[ROUNDED\]|rounded|\[APPROX\]|\[LOWER-BOUND\]|chart", re.I)
MAGNITUDE = {"件": Decimal(1), "万件": Decimal(10000)}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _num(text: str) -> str:
    """Canonical text of a number without float noise (Decimal, no exponent)."""
    d = Decimal(text).normalize()
    s = format(d, "f")
    return s


def _tags(note: str) -> list[str]:
    lead = re.match(r"^(?:\s*\[[^\]]+\])+", note)
    return re.findall(r"\[([^\]]+)\]", lead.group(0)) if lead else []


def _unit_for(indicator: str, unit: str) -> str:
    # Plans write 件 for per-10k indicators; the series keeps the explicit per-10k unit.
    if indicator.split("__")[0].endswith("_per_10k") and unit in ("件", ""):
        return "件/万人"
    return unit


def _obs(region, indicator, year, value, unit, source, note, role, origin, cls, base=None):
    approx = bool(ROUNDED.search(note))
    return {
        "region": region, "indicator": indicator, "year": int(year), "value": _num(value),
        "unit": unit, "source": source, "note": note, "role": role, "origin": origin,
        "rank": (cls, approx, ORIGIN_ORDER[origin], source), "base": base or indicator,
        "also": [], "other": [],
    }


def build(shared: Path) -> tuple[list[dict], list[dict], dict]:
    """Return (targets rows, series rows, facts for the README)."""
    plan_rows = _read(shared / "plan_targets.csv")
    targets = []
    for r in plan_rows:
        alias = TARGET_ALIASES.get((r["plan_id"], r["indicator"]))
        if alias:
            r = {**r, "indicator": alias[0], "note": "; ".join(x for x in (r["note"], alias[1]) if x)}
        targets.append({
            "plan": r["plan_id"], "region": r["region_zh"], "indicator": r["indicator"],
            "name": r["indicator_zh"], "unit": r["unit"], "kind": r["kind"], "direction": r["direction"],
            "strict": r["strict"] or "no", "target_year": r["target_year"],
            "target_value": _num(r["target_value"]), "baseline_year": r["baseline_year"],
            "baseline_value": _num(r["baseline_value"]) if r["baseline_value"] else "",
            "category": r["category"], "attribute": r["attribute"], "source": r["source"], "note": r["note"],
        })
    found_rows = _read(shared / "found_2026.csv")
    targets += _found_targets(found_rows)
    # Stable sort by plan keeps each plan's own table order.
    targets.sort(key=lambda t: t["plan"])
    plan_regions = {t["region"] for t in targets}
    target_unit = {(t["region"], t["indicator"]): _unit_for(t["indicator"], t["unit"]) for t in targets}

    obs: list[dict] = []
    for r in _read(shared / "cnipa_provinces.csv"):
        region = PROVINCES.get(r["region_zh"], r["region_zh"])
        ind = CNIPA_MAP.get(r["indicator"], (r["indicator"], ""))[0]
        role = "plan" if region in plan_regions else "peer"
        note = r["note"]
        cur = CURATED_AUX.get((r["region_zh"], r["indicator"], r["year"]))
        base = ind
        if cur:
            ind, why = cur
            role, note = "auxiliary", f"{why} | {note}"
        # The DISAGREES clause names the other source's URL: classify on this row's own text.
        own = note.split("DISAGREES")[0]
        cls = 0 if OFFICIAL.search(r["source_url"] + " " + own) else 2
        obs.append(_obs(region, ind, r["year"], r["value"], UNITS.get(r["unit"], r["unit"]),
                        r["source_url"], note, role, "cnipa", cls, base))

    for r in _read(shared / "china_provinces_yearbook.csv"):
        ind = r["unique_id"].split("|")[-1]
        if ind not in YEARBOOK_MAP or r["region"] in YEARBOOK_SKIPPED_REGIONS:
            continue
        if r["region"] not in YEARBOOK_REGIONS:
            raise SystemExit(f"china_provinces_yearbook.csv: unknown region {r['region']!r}; add it to YEARBOOK_REGIONS")
        region = PROVINCES[YEARBOOK_REGIONS[r["region"]]]
        role = "plan" if region in plan_regions else "peer"
        note = f"China Statistical Yearbook on Science and Technology ({r['indicator']}, unit {r['unit']})"
        obs.append(_obs(region, YEARBOOK_MAP[ind][0], r["year"], r["value"], "件", r["source"], note, role,
                        "yearbook", 0))

    for r in found_rows:
        if _found_target_row(r):
            continue
        key = _found_key(r)
        if key in FOUND.SKIPPED:
            continue
        if key not in FOUND.SERIES:
            raise SystemExit(f"found_2026.csv: row {key} is not mapped; add it to scripts/found_2026_map.py")
        region, base, reason = FOUND.SERIES[key]
        ind, role = (f"{base}__{reason}", "auxiliary") if reason else (base, _role(region, plan_regions))
        note = f"{r['caveat']} | text: {r['snippet']}" if r["caveat"] else f"text: {r['snippet']}"
        obs.append(_obs(region, ind, r["year"], r["value"], _unit_for(base, r["unit"]), r["source_url"], note,
                        role, "found", 2, base))

    for r in _read(shared / "local_series.csv"):
        base = LOCAL_MAP.get(r["indicator"], (r["indicator"], ""))[0]
        tags = _tags(r["note"])
        excluded = [EXCLUDED_TAGS[t] for t in EXCLUDED_TAGS if t in tags]
        ind, role = (f"{base}__{excluded[0]}", "auxiliary") if excluded else (base, "plan")
        cls = 0 if OFFICIAL.search(r["note"]) else 2
        obs.append(_obs(r["region_zh"], ind, r["year"], r["value"], _unit_for(base, r["unit"]),
                        r["source_url"], r["note"], role, "local", cls, base))

    for r in _read(shared / "seed_observations.csv"):
        region = COUNTIES.get(r["region_zh"], PROVINCES.get(r["region_zh"], r["region_zh"]))
        ind = SEED_MAP.get(r["indicator"], (r["indicator"], ""))[0]
        role = "plan" if region in plan_regions else "peer"
        note = r["note"]
        if "图" in r["source"] and "chart" not in note:
            note = f"read from a chart; {note}"
        obs.append(_obs(region, ind, r["year"], r["value"], _unit_for(ind, r["unit"]),
                        f"plan: {r['source']}", note, role, "seed", 1))

    skipped_baselines = []
    for t in targets:
        key = (t["plan"], t["indicator"])
        if not (t["baseline_year"] and t["baseline_value"]):
            continue
        if t["kind"] not in BASELINE_KINDS:
            skipped_baselines.append((t, f"{t['kind']} target: the baseline {t['baseline_value']} is the "
                                         "starting point of the count, not a level of the series"))
            continue
        if key in BASELINE_NOT_OBSERVATION:
            skipped_baselines.append((t, BASELINE_NOT_OBSERVATION[key]))
            continue
        note = f"baseline of plan {t['plan']}" + (f"; plan note: {t['note']}" if t["note"] else "")
        obs.append(_obs(t["region"], t["indicator"], t["baseline_year"], t["baseline_value"],
                        _unit_for(t["indicator"], t["unit"]), f"plan: {t['source']}", note, "plan", "plan", 1))

    # Tagged local rows that repeat an untagged fact exactly are dropped (noted on the kept row):
    # keeping them under an auxiliary id would only duplicate the plan series.
    plan_index = defaultdict(list)
    for o in obs:
        if o["role"] != "auxiliary":
            plan_index[(o["region"], o["indicator"], o["year"])].append(o)
    kept = []
    for o in obs:
        if o["role"] == "auxiliary" and o["origin"] == "local":
            twins = [p for p in plan_index.get((o["region"], o["base"], o["year"]), []) if _same(p, o)]
            if twins:
                twins[0]["also"].append(f"same value in local_series.csv {o['source']} (a row kept out of "
                                        "the plan series there)")
                continue
        kept.append(o)

    groups = defaultdict(list)
    for o in kept:
        groups[(o["region"], o["indicator"], o["year"])].append(o)
    rows = []
    conflicts = []
    overlap = {"n": 0, "agree": 0}  # yearbook values that another source also gives
    for key in sorted(groups):
        cands = sorted(groups[key], key=lambda o: o["rank"])
        best = cands[0]
        if best["origin"] == "yearbook" and len(cands) > 1:
            overlap["n"] += 1
            overlap["agree"] += all(_same(best, o) for o in cands[1:])
        for other in cands[1:]:
            best["also"].extend(other["also"])
            if _same(best, other):
                best["also"].append(f"same value in {other['source']}")
            else:
                best["other"].append(f"{other['value']} {other['unit']} ({other['source']})")
                conflicts.append((key, best, other))
        rows.append(best)

    # One unit per (region, indicator): the unit most years are published in (tie: the
    # target's unit); other magnitudes of the same base unit are moved exactly.
    by_series = defaultdict(list)
    for o in rows:
        by_series[(o["region"], o["indicator"])].append(o)
    moves = []
    for key, items in by_series.items():
        units = {o["unit"] for o in items}
        if len(units) == 1:
            continue
        count = {u: sum(o["unit"] == u for o in items) for u in units}
        best_unit = sorted(units, key=lambda u: (-count[u], u != target_unit.get(key), u))[0]
        for o in items:
            if o["unit"] != best_unit:
                if o["unit"] not in MAGNITUDE or best_unit not in MAGNITUDE:
                    raise SystemExit(f"cannot reconcile units {o['unit']} and {best_unit} for {key}")
                old = f"{o['value']} {o['unit']}"
                o["value"] = _num(str(Decimal(o["value"]) * MAGNITUDE[o["unit"]] / MAGNITUDE[best_unit]))
                o["unit"] = best_unit
                o["also"].insert(0, f"unit move only: the source states {old}")
                moves.append((key, o["year"], old, f"{o['value']} {best_unit}"))

    out = []
    for o in rows:
        note = o["note"]
        if o["other"]:
            note += " | other source(s), not used: " + "; ".join(o["other"])
        if o["also"]:
            note += " | " + "; ".join(o["also"])
        out.append({
            "region": o["region"], "indicator": o["indicator"], "year": str(o["year"]), "value": o["value"],
            "unit": o["unit"], "source": o["source"], "note": " ".join(note.split()), "role": o["role"],
        })
    out.sort(key=lambda r: (r["region"], r["indicator"], int(r["year"])))
    facts = {"conflicts": conflicts, "moves": moves, "skipped_baselines": skipped_baselines, "overlap": overlap}
    return targets, out, facts


def _role(region: str, plan_regions: set) -> str:
    return "plan" if region in plan_regions else "peer"


def _found_target_row(r: dict) -> bool:
    return r["indicator_zh"].endswith(FOUND.TARGET_MARKERS)


def _found_key(r: dict) -> tuple[str, str, str]:
    year = r["year"]
    if r["caveat"].startswith(FOUND.PARTIAL_KEY_TAG) and (r["region"], r["indicator_zh"], f"{year}/partial") in FOUND.SERIES:
        year = f"{year}/partial"
    return r["region"], r["indicator_zh"], year


def _found_targets(rows: list[dict]) -> list[dict]:
    """The target rows of found_2026.csv as bundled plan targets (scripts/found_2026_map.py)."""
    out = []
    for r in rows:
        if not _found_target_row(r):
            continue
        key = _found_key(r)
        if key in FOUND.TARGETS_SKIPPED:
            continue
        if key not in FOUND.TARGETS:
            raise SystemExit(f"found_2026.csv: target row {key} is not mapped; add it to scripts/found_2026_map.py")
        plan, ind, kind, direction, strict, category = FOUND.TARGETS[key]
        region, _title, baseline_year = FOUND.PLANS[plan]
        name = r["indicator_zh"]
        for marker in FOUND.TARGET_MARKERS:
            name = name.removesuffix(marker)
        out.append({
            "plan": plan, "region": region, "indicator": ind, "name": name, "unit": r["unit"], "kind": kind,
            "direction": direction, "strict": strict, "target_year": r["year"], "target_value": _num(r["value"]),
            "baseline_year": str(baseline_year), "baseline_value": "", "category": category, "attribute": "",
            "source": r["source_url"],
            "note": f"{r['caveat']} | text: {r['snippet']} | baseline year {baseline_year}: the year before the "
                    "plan period (no baseline value stated; the series' value of that year is used)",
        })
    return out


def _same(a: dict, b: dict) -> bool:
    if a["unit"] == b["unit"]:
        return Decimal(a["value"]) == Decimal(b["value"])
    if a["unit"] in MAGNITUDE and b["unit"] in MAGNITUDE:
        return Decimal(a["value"]) * MAGNITUDE[a["unit"]] == Decimal(b["value"]) * MAGNITUDE[b["unit"]]
    return False


def _csv_text(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _history_counts(targets: list[dict], series: list[dict]) -> dict:
    n = defaultdict(set)
    for r in series:
        if r["role"] == "plan":
            n[(r["region"], r["indicator"])].add(int(r["year"]))
    return n


def render_readme(targets: list[dict], series: list[dict], facts: dict) -> str:
    """The data README, generated so its numbers always match the CSVs."""
    years = _history_counts(targets, series)
    by_key = defaultdict(list)
    for r in series:
        by_key[(r["region"], r["indicator"])].append(r)
    L = []
    add = L.append
    add("# Bundled data: plan targets and historical series")
    add("")
    add("Generated by `python scripts/build_bundled_data.py` from `../shared/data` (plan_targets.csv, "
        "seed_observations.csv, local_series.csv, cnipa_provinces.csv, china_provinces_yearbook.csv, found_2026.csv "
        "and their *_SOURCES.md; found_2026.csv row by row through scripts/found_2026_map.py). "
        "Do not edit by hand: change the script and re-run it (output is byte-identical for the same input). "
        "`python scripts/build_bundled_data.py --shared DIR --out DIR` writes elsewhere.")
    add("")
    n_found = sum(t["plan"] in FOUND.PLANS for t in targets)
    add(f"* `targets.csv`: {len(targets)} targets of {len({t['plan'] for t in targets})} plans: "
        f"{len(targets) - n_found} copied from plan_targets.csv (ids, names, units and values unchanged) and {n_found} "
        "from the target rows of found_2026.csv (see below); rows grouped by plan, each plan in its own table order.")
    roles = defaultdict(int)
    for r in series:
        roles[r["role"]] += 1
    add(f"* `series.csv`: {len(series)} observations (role plan {roles['plan']}, peer {roles['peer']}, "
        f"auxiliary {roles['auxiliary']}), one row per (region, indicator, year), sorted by region, indicator, year.")
    add("  * `role=plan`: a plan region's own series (武汉市, 湖北省, 宜都市, 浙江省), clean of the excluded tags. "
        "Only these rows count as history of a target.")
    add("  * `role=peer`: the other provinces (full official names), national rows under their scope labels "
        "(全国, 国内(含港澳台), 国内(口径未注明), 国内外合计) and the Yidu plan's peer counties. The provincial peer "
        "panel for a cross-section is peer rows plus the plan-role rows of 湖北省 and 浙江省.")
    add("  * `role=auxiliary`: related series kept under their own id `<id>__<reason>` (reason: partial, subregion, "
        "component, caveat, aux). Never joined to a plan target.")
    add("")
    add("## Decisions")
    add("")
    for line in DECISIONS:
        add(f"* {line}".format(**facts["overlap"]))
    add("")
    add("## Plans from found_2026.csv")
    add("")
    add("| plan | region | what | baseline year | targets | source |")
    add("|---|---|---|---|---|---|")
    for plan, (region, title, by) in FOUND.PLANS.items():
        rows = [t for t in targets if t["plan"] == plan]
        add(f"| {plan} | {region} | {title} | {by} | {len(rows)} | {'; '.join(sorted({t['source'] for t in rows}))} |")
    add("")
    add("Rows of found_2026.csv not bundled: " + "; ".join(
        f"{r} / {i} ({why})" for (r, i, _y), why in {**FOUND.SKIPPED, **FOUND.TARGETS_SKIPPED}.items()) + ".")
    add("")
    add("## Series used by plan targets")
    add("")
    add("| plan | region | indicator | name | unit | years | n_obs | sources | caveats |")
    add("|---|---|---|---|---|---|---|---|---|")
    for t in targets:
        key = (t["region"], t["indicator"])
        ys = years.get(key)
        if not ys:
            continue
        rows = [r for r in by_key[key] if r["role"] == "plan"]
        per_source = defaultdict(int)
        for r in rows:
            per_source[r["source"]] += 1
        sources = "; ".join(f"{src} ×{n}" for src, n in sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0])))
        add(f"| {t['plan']} | {t['region']} | {t['indicator']} | {t['name']} | {rows[0]['unit']} | "
            f"{years_text(ys)} | {len(ys)} | {sources} | {CAVEATS.get(key, '')} |")
    add("")
    add("Every observation has a source (`sources`: observations per source; `targetcast show PLAN` prints the same "
        "per target with short source names).")
    add("")

    def counts(ts: list[dict]) -> str:
        n_obs = [len(years.get((t["region"], t["indicator"]), ())) for t in ts]
        return (f">= 5: {sum(n >= 5 for n in n_obs)}, 3-4: {sum(3 <= n < 5 for n in n_obs)}, "
                f"2: {sum(n == 2 for n in n_obs)}, 1: {sum(n == 1 for n in n_obs)}, none: {sum(n == 0 for n in n_obs)} "
                f"(of {len(ts)})")

    add(f"History per target (plan-role observations of its region/indicator): {counts(targets)}; "
        f"the targets of plan_targets.csv alone: {counts([t for t in targets if t['plan'] not in FOUND.PLANS])}.")
    add("")
    add("## Targets without usable history")
    add("")
    add("No plan-role observation of the target's region/indicator in series.csv. "
        "(Machine-checked list: tests/test_bundled.py compares it with the CSVs.)")
    add("")
    add("<!-- no-history:start -->")
    for t in targets:
        if not years.get((t["region"], t["indicator"])):
            why = NO_HISTORY_WHY.get((t["plan"], t["indicator"]), "no source found in ../shared/data")
            add(f"- {t['plan']} / {t['indicator']} ({t['name']}): {why}")
    add("<!-- no-history:end -->")
    add("")
    add("## Plan baselines not used as observations")
    add("")
    for t, why in facts["skipped_baselines"]:
        add(f"* {t['plan']} / {t['indicator']} (baseline {t['baseline_year']}: {t['baseline_value']}): {why}")
    add("")
    add("## Disagreeing sources (one row kept, the other value in `note`)")
    add("")
    add("Rule: an official statistical table (CNIPA yearbook, statistical compilation) wins; else the plan's "
        "own statement; else other publications; within a class an exact figure beats a rounded one or a value "
        "read from a chart.")
    add("")
    for (region, ind, year), best, other in facts["conflicts"]:
        add(f"* {region} / {ind} / {year}: kept {best['value']} {best['unit']} ({best['source']}); "
            f"not used {other['value']} {other['unit']} ({other['source']})")
    add("")
    add("## Unit moves (exact powers of ten, one unit per series)")
    add("")
    for (region, ind), year, old, new in facts["moves"]:
        add(f"* {region} / {ind} / {year}: {old} written as {new}")
    add("")
    add("## Mapping of source ids")
    add("")
    add("| file | source id | bundled id | why |")
    add("|---|---|---|---|")
    for name, table in (("cnipa_provinces", CNIPA_MAP), ("local_series", LOCAL_MAP), ("seed_observations", SEED_MAP)):
        for src, (dst, why) in table.items():
            add(f"| {name} | {src} | {dst} | {why} |")
    add("| all | any other id | same id | ids already equal to the plans' ids (invention_grants, pct_applications, "
        "invention_per_10k, ...) or with no plan counterpart |")
    add("| local_series | tagged rows | `<bundled id>__<reason>` | [PARTIAL-YEAR/NOT-YEAR-END] partial, "
        "[SUB-REGION/PARTIAL-SCOPE] subregion, [COMPONENT-OF-PLAN-INDICATOR] component, [DEFINITION-CAVEAT] caveat, "
        "[AUXILIARY] aux (first match in that order); role auxiliary |")
    add("")
    add("## Peer panel coverage")
    add("")
    add("Number of the 31 provinces with a value (peer rows plus 湖北省/浙江省 plan rows), for indicators with peer rows; "
        "N = a 全国 row exists (other national scopes are not marked).")
    add("")
    provinces = set(PROVINCES.values())
    cov = defaultdict(set)
    nat = set()
    for r in series:
        if r["role"] != "auxiliary" and r["region"] in provinces:
            cov[(r["indicator"], int(r["year"]))].add(r["region"])
        if r["region"] == "全国":
            nat.add((r["indicator"], int(r["year"])))
    # Indicators only a plan region reports (its plan baselines) are not a panel.
    peer_inds = {r["indicator"] for r in series if r["role"] == "peer"}
    inds = sorted({k[0] for k in cov} & peer_inds)
    yrs = sorted({k[1] for k in cov})
    add("| indicator | " + " | ".join(str(y) for y in yrs) + " |")
    add("|---|" + "---|" * len(yrs))
    for ind in inds:
        cells = []
        for y in yrs:
            n = len(cov.get((ind, y), ()))
            cell = (str(n) if n else "") + ("+N" if (ind, y) in nat and n else "N" if (ind, y) in nat else "")
            cells.append(cell)
        add(f"| {ind} | " + " | ".join(cells) + " |")
    add("")
    return "\n".join(L)


DECISIONS = [
    "Regions: plan names for plan regions (浙江 -> 浙江省, 湖北 -> 湖北省); full official names for the other "
    "provinces (广西 -> 广西壮族自治区 ...); the Yidu plan's chart label 湖北宜都 is 宜都市 itself; peer counties get "
    "their official names (枝江市, 仙桃市, 潜江市, 大冶市, 仪征市, 长兴县, 肥东县).",
    "Units: the source unit in Chinese (pieces -> 件, items -> 件, per 10,000 population -> 件/万人, per million -> "
    "件/百万人). Plans write 件 for per-10k indicators; their baselines are stored as 件/万人 (a label, not a value change).",
    "Plan baselines (annual/stock/ratio targets) and seed_observations.csv facts are observations with source "
    "`plan: <seed file> <section>`; the zhejiang_13fyp outcomes for 2020 come from seed_observations.csv. Partial-year "
    "bases (Yidu 'as of 2024-10', Hubei 'as of 2024-11') say so in `note`.",
    "Local rows tagged [AUXILIARY], [DEFINITION-CAVEAT], [SUB-REGION/PARTIAL-SCOPE], [PARTIAL-YEAR/NOT-YEAR-END] or "
    "[COMPONENT-OF-PLAN-INDICATOR] are never plan series (role auxiliary, id `<id>__<reason>`). Where such a row repeats "
    "exactly a value that an untagged source also gives (e.g. Zhejiang PCT 2023/2025 from zjippc, also in "
    "cnipa_provinces.csv), it is dropped and named in the kept row's note.",
    "[AS-OF ...], [ROUNDED], [APPROX], [LOWER-BOUND], [CONFLICTING-SOURCES] do not exclude a row; the note keeps the tag.",
    "Provincial yearbook panel (china_provinces_yearbook.csv, China Statistical Yearbook on Science and Technology "
    "via huhuaping/techme, 2010-2023): only the three series bundled targets use are bundled, for the 31 provinces: "
    "domestic valid invention patents in force at year end -> invention_in_force, domestic invention grants -> "
    "invention_grants, domestic invention applications accepted -> invention_applications (all 件, domestic "
    "patentees only, the same statistics as the plans' 有效发明专利数量 / 发明专利授权量 / 发明专利申请量). 湖北省 "
    "and 浙江省 rows are their plan series (role plan), the other provinces are peers; the national total is not "
    "bundled (never a peer, no target). R&D, design, utility-model and plant-variety series have no bundled target.",
    "Yearbook vs other sources for the same (region, indicator, year): the yearbook value is kept (an official "
    "statistical table, exact, one definition for all provinces and years) and the other value is named in the "
    "note and listed below. Of {n} yearbook values another source also gives, {agree} agree exactly; the others are rounded press figures "
    "(e.g. Zhejiang 2020 in force: plan 20万, yearbook 199572) or provincial releases (Fujian 2020 applications "
    "35161 vs 32929).",
    "found_2026.csv (numbers published up to 2026, each with a verbatim snippet): every row is mapped by hand in "
    "scripts/found_2026_map.py. Rows whose caveat says PARTIAL-YEAR, SUB-REGION, LOWER-BOUND or low confidence "
    "(or a definition break) are auxiliary ids (`__partial`, `__subregion`, `__lowerbound`, `__caveat`), never "
    "part of a full-year regional series; sub-regions (东湖高新区, 武汉经开区, 杭州市) sit under the parent region. "
    "The note of each row is the file's caveat plus the snippet. The target rows become five plans (below).",
    "Wuhan 每万户市场主体有效注册商标量 2021 (2631, the 强市 target's baseline) is kept as Wuhan's series although "
    "the excerpt is cut right after '2631' (decimals possible, so it may understate by less than 1): like a "
    "rounded value, not a partial or lower-bound figure; the note says so. The unattributed 2021 '发明专利1.86万件' "
    "(授权? not stated) is invention_grants__caveat, not spliced into Wuhan's grants.",
    "Patent transfers/licences of 湖北省 (24341, 2022) were auxiliary while no Hubei target counted them; Hubei's "
    "2025 and 2026 work targets do, so the found_2026.csv row is the plan series and the tagged local row is dropped "
    "as its twin.",
    "Zhejiang trademark stock: the 商标品牌发展报告 series (2016 131.6万 incl. the identical SAIC 2016 count in "
    "cnipa_provinces.csv, 2017 154.5万, 2021 198.4万) is trademarks_in_force__caveat; the plan series is 300万 (2020, "
    "plan), 447.1万 (2023), 506.7万 (2025).",
    "Zhejiang Madrid: the plan counts the stock (马德里国际注册商标拥有量, 5900 in 2020); the brand-report stock "
    "(4710/4972/5236) is madrid_trademarks__caveat; the applications flow (803, 763, 1026) is madrid_applications.",
    "wuhan_demo_zone / high_value_patents_per_10k (每万人口高价值专利拥有量) is bundled under the id "
    "high_value_invention_per_10k and so joins Wuhan's series: the official 高价值专利 indicator counts invention "
    "patents only, and local_series.csv gives the demo zone's 2024 value (40.57) as the same figure. The target "
    "row's note says so.",
    "Wuhan pledge_financing is the city's 知识产权质押贷款发放金额 series (16.1, 26.1, 41.97亿元); the CNIPA "
    "武汉代办处 registration amount (47.15亿, H1 2024) and the Q1 2023 figure stay auxiliary.",
    "No value is summed (Wuhan GI trademarks + GI products are not added up to the plan's GI total), interpolated or "
    "derived from growth rates.",
]

NO_HISTORY_WHY = {
    ("wuhan_14fyp", "ip_securitization_shelf"):
        "only a single 东湖高新区 project (5亿, 2024) found: ip_securitization_shelf_scale__subregion",
    ("wuhan_14fyp", "ip_service_revenue_growth"):
        "only 东湖高新区 revenue 2018 (ip_service_revenue_donghu__subregion); no city-wide level",
    ("wuhan_demo_zone", "protection_workstations"):
        "61 基层站 (Aug 2025, partial) and 192 融站入所 offices (caveat) are other definitions",
    ("wuhan_demo_zone", "trial_closure_within_limit_rate"):
        "only the overall 结案率 86.45% (2023) found: ip_court_case_closure_rate__caveat",
    ("wuhan_demo_zone", "copyright_registrations"):
        "only a cumulative 15.7万件 (2020, copyright_registrations_total) found",
    ("yidu_2027", "pledge_amount_annual"):
        "the plan's baseline 5亿 is the outstanding amount (pledge_outstanding), not an annual amount",
    ("zhejiang_13fyp", "ip_service_revenue_growth"):
        "outcome 22% is a growth rate, not a level of the series",
    ("zhejiang_14fyp", "ip_service_revenue_growth"):
        "baseline level not stated; no revenue series found",
}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder with plan_targets.csv etc.")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default history/data)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if the files in --out differ from a rebuild")
    args = ap.parse_args(argv)
    targets, series, facts = build(args.shared)
    files = {
        "targets.csv": _csv_text(targets, TARGET_COLUMNS),
        "series.csv": _csv_text(series, SERIES_COLUMNS),
        "README.md": render_readme(targets, series, facts),
    }
    if args.check:
        stale = [n for n, text in files.items()
                 if not (args.out / n).exists() or (args.out / n).read_bytes() != text.encode("utf-8")]
        if stale:
            sys.exit(f"{', '.join(stale)} in {args.out} differ from a rebuild from {args.shared}: "
                     f"run python scripts/build_bundled_data.py and commit the result")
        print(f"{', '.join(files)} in {args.out} are reproduced byte for byte from {args.shared}")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        with (args.out / name).open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
