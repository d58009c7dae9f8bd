"""How every row of ``../shared/data/found_2026.csv`` enters the bundled data.

found_2026.csv is free-form: one published number per row (region, indicator_zh, year,
value, unit, source_url, verbatim snippet, caveat). Each row is named here by
``(region, indicator_zh, year)`` and mapped by hand, so a new row in the file stops the build
instead of being guessed (``scripts/build_bundled_data.py`` checks that every row is mapped).

* ``SERIES``: history rows -> (bundled region, bundled id, auxiliary reason or None). A row
  whose caveat says PARTIAL-YEAR, SUB-REGION, LOWER-BOUND or low confidence is never part of
  a full-year regional series: it gets the id ``<id>__<reason>`` and role ``auxiliary``.
* ``SKIPPED``: rows not bundled, with the reason (printed in the data README).
* ``PLANS`` and ``TARGETS``: the target rows (indicator_zh ending in (年度目标), (十四五目标),
  (强市目标), (目标)) as bundled plans.
"""
from __future__ import annotations

# (region, indicator_zh, year) -> (region, indicator id, auxiliary reason or None)
SERIES = {
    ("湖北省", "发明专利拥有量", "2025"): ("湖北省", "invention_in_force", None),
    ("湖北省", "每万人口高价值发明专利拥有量", "2025"): ("湖北省", "high_value_invention_per_10k", None),
    ("湖北省", "有效注册商标量", "2025"): ("湖北省", "trademarks_in_force", None),
    ("湖北省", "地理标志商标", "2025"): ("湖北省", "gi_trademarks_in_force", None),
    # 2025 counts 农产品地理标志 converted into 地理标志保护产品: a break from the 2024 count.
    ("湖北省", "地理标志产品", "2025"): ("湖北省", "gi_products", "caveat"),
    ("全国", "国内(不含港澳台)发明专利有效量", "2025"): ("全国", "invention_in_force", None),
    ("全国", "国内(不含港澳台)有效注册商标量", "2025"): ("全国", "trademarks_in_force", None),
    ("全国", "专利转让许可备案次数", "2025"): ("全国", "patent_transfers_licenses", None),
    ("全国", "知识产权保护社会满意度", "2025"): ("全国", "protection_satisfaction", None),
    # Total grants, foreign owners included (scope not stated): the 国内外合计 label.
    ("全国", "发明专利授权量", "2025"): ("国内外合计", "invention_grants", None),
    ("全国", "PCT国际专利申请受理量", "2025"): ("国内外合计", "pct_applications", None),
    ("全国", "注册商标量(年度核准)", "2025"): ("全国", "trademark_registrations", None),
    ("全国", "每万人口高价值发明专利拥有量", "2025"): ("全国", "high_value_invention_per_10k", None),
    ("全国", "每万人口高价值发明专利拥有量", "2025/partial"): ("全国", "high_value_invention_per_10k", "partial"),
    ("全国", "专利密集型产业增加值占GDP比重", "2024"): ("全国", "patent_intensive_industry_share", None),
    ("全国", "专利密集型产业增加值占GDP比重", "2020"): ("全国", "patent_intensive_industry_share", None),
    ("武汉市", "PCT国际专利申请量", "2017"): ("武汉市", "pct_applications", "partial"),
    ("湖北省", "PCT国际专利申请量", "2017"): ("湖北省", "pct_applications", "partial"),
    ("湖北省", "PCT国际专利申请量", "2018"): ("湖北省", "pct_applications", None),
    ("武汉市", "知识产权质押贷款发放金额", "2021"): ("武汉市", "pledge_financing", None),
    # Unattributed explainer, indicator not stated (授权?), rounded: not spliced.
    ("武汉市", "发明专利(授权?)", "2021"): ("武汉市", "invention_grants", "caveat"),
    # Truncated after '2631' (decimals possible): the target's baseline, kept with the caveat in note.
    ("武汉市", "每万户市场主体有效注册商标量", "2021"): ("武汉市", "trademarks_per_10k_entities", None),
    ("湖北省", "发明专利有效量", "2024"): ("湖北省", "invention_in_force", None),
    ("湖北省", "有效注册商标量", "2024"): ("湖北省", "trademarks_in_force", None),
    ("湖北省", "地理标志保护产品", "2024"): ("湖北省", "gi_products", None),
    ("湖北省", "有效注册商标量", "2023"): ("湖北省", "trademarks_in_force", None),
    ("湖北省", "有效注册商标量", "2022"): ("湖北省", "trademarks_in_force", "lowerbound"),
    ("湖北省", "有效发明专利拥有量", "2022"): ("湖北省", "invention_in_force", "partial"),
    ("湖北省", "每万人口发明专利拥有量", "2022"): ("湖北省", "invention_per_10k", "partial"),
    ("湖北省", "发明专利授权量", "2022"): ("湖北省", "invention_grants", "partial"),
    ("湖北省", "专利转让许可次数", "2022"): ("湖北省", "patent_transfers_licenses", None),
    ("湖北省", "万人发明专利拥有量", "2015"): ("湖北省", "invention_per_10k", None),
    ("湖北省", "发明专利申请量", "2015"): ("湖北省", "invention_applications", None),
    ("湖北省", "发明专利授权量", "2015"): ("湖北省", "invention_grants", None),
    ("湖北省", "PCT国际专利申请量", "2021"): ("湖北省", "pct_applications", None),
    ("湖北省", "每万人发明专利拥有量", "2021"): ("湖北省", "invention_per_10k", None),
    ("湖北省", "知识产权质押融资额", "2025"): ("湖北省", "pledge_financing", "partial"),
    ("湖北省", "专利转让次数", "2025"): ("湖北省", "patent_transfers", "partial"),
    ("浙江省", "每百户企业有效注册商标量", "2023"): ("浙江省", "trademarks_per_100_firms", None),
    ("浙江省", "高价值发明专利总量", "2025"): ("浙江省", "high_value_invention_count", "partial"),
    ("杭州市", "知识产权质押融资金额", "2021"): ("浙江省", "pledge_financing", "subregion"),
    ("武汉市(东湖高新区)", "PCT国际专利申请量(累计)", "2022"): ("武汉市", "pct_applications_cumulative", "subregion"),
    ("武汉市(东湖高新区)", "外国专利授权量", "2022"): ("武汉市", "overseas_patent_grants", "subregion"),
    ("武汉市(武汉经开区)", "发明专利授权量", "2022"): ("武汉市", "invention_grants", "subregion"),
    ("武汉市(武汉经开区)", "知识产权质押融资", "2022"): ("武汉市", "pledge_financing", "subregion"),
}

# Two rows share a (region, indicator_zh, year): the one whose caveat starts with this tag is
# the second key ("<year>/partial").
PARTIAL_KEY_TAG = "PARTIAL-YEAR"

SKIPPED = {
    ("全国", "专利密集型产业增加值占GDP比重", ""): "reference year not stated (13.04%)",
    ("浙江省", "专利密集型产业增加值占GDP比重", ""): "reference year not stated; a lower bound ('突破20%')",
}

# Plan id -> (region, title, source document as the file gives it, baseline year).
# The baseline year is the year before the plan period (an annual work plan: the previous
# year-end); the plans state no baseline values, so the series' own value of that year is used.
PLANS = {
    "hubei_2025": ("湖北省", "湖北省2025年知识产权工作要点 主要预期目标 (鄂知发〔2025〕2号)", 2024),
    "hubei_2026": ("湖北省", "2026年全省知识产权工作要点 (first year of the 15th plan period)", 2025),
    "hubei_14fyp": ("湖北省", "湖北省知识产权“十四五”规划 (7 of its 12 targets quoted)", 2020),
    "wuhan_strong_city": ("武汉市", "武汉《关于加快推进知识产权强市的实施意见》(2023) targets for 2025", 2021),
    "hubei_2030": ("湖北省", "湖北省知识产权局 2030 aims (stated 2025-04-28; not a formal 十五五 plan)", 2025),
}

# (region, indicator_zh, year) -> (plan, indicator id, kind, direction, strict, category).
# strict follows the bundled convention: 突破/超/超过 -> yes; 达到/以上 -> no.
TARGETS = {
    ("湖北省", "发明专利有效量(年度目标)", "2025"): ("hubei_2025", "invention_in_force", "stock", "up", "yes", "创造质量"),
    ("湖北省", "万人高价值发明专利拥有量(年度目标)", "2025"): (
        "hubei_2025", "high_value_invention_per_10k", "stock", "up", "yes", "创造质量"),
    ("湖北省", "有效商标注册量(年度目标)", "2025"): ("hubei_2025", "trademarks_in_force", "stock", "up", "yes", "创造质量"),
    ("湖北省", "年度PCT国际专利申请(年度目标)", "2025"): ("hubei_2025", "pct_applications", "annual", "up", "yes", "创造质量"),
    ("湖北省", "知识产权质押融资(年度目标)", "2025"): ("hubei_2025", "pledge_financing", "annual", "up", "yes", "运用效益"),
    ("湖北省", "专利转让许可次数(年度目标)", "2025"): (
        "hubei_2025", "patent_transfers_licenses", "annual", "up", "yes", "运用效益"),
    ("湖北省", "发明专利有效量(年度目标)", "2026"): ("hubei_2026", "invention_in_force", "stock", "up", "no", "创造质量"),
    ("湖北省", "万人高价值发明专利拥有量(年度目标)", "2026"): (
        "hubei_2026", "high_value_invention_per_10k", "stock", "up", "no", "创造质量"),
    ("湖北省", "注册商标有效量(年度目标)", "2026"): ("hubei_2026", "trademarks_in_force", "stock", "up", "no", "创造质量"),
    ("湖北省", "年度专利转让许可次数(年度目标)", "2026"): (
        "hubei_2026", "patent_transfers_licenses", "annual", "up", "no", "运用效益"),
    ("湖北省", "知识产权质押融资金额(年度目标)", "2026"): ("hubei_2026", "pledge_financing", "annual", "up", "no", "运用效益"),
    ("湖北省", "地理标志产品产值(年度目标)", "2026"): ("hubei_2026", "gi_product_output_value", "annual", "up", "no", "运用效益"),
    ("湖北省", "海外知识产权纠纷应对指导案件(年度目标)", "2026"): (
        "hubei_2026", "overseas_dispute_guidance_cases", "annual", "up", "no", "保护环境"),
    ("湖北省", "每万人口高价值发明专利拥有量(十四五目标)", "2025"): (
        "hubei_14fyp", "high_value_invention_per_10k", "stock", "up", "no", "创造质量"),
    ("湖北省", "年度发明专利授权总量(十四五目标)", "2025"): ("hubei_14fyp", "invention_grants", "annual", "up", "no", "创造质量"),
    ("湖北省", "每万人口发明专利拥有量(十四五目标)", "2025"): ("hubei_14fyp", "invention_per_10k", "stock", "up", "no", "创造质量"),
    ("湖北省", "年度PCT国际专利申请量(十四五目标)", "2025"): ("hubei_14fyp", "pct_applications", "annual", "up", "no", "创造质量"),
    ("湖北省", "马德里商标国际注册总量(十四五目标)", "2025"): ("hubei_14fyp", "madrid_trademarks", "stock", "up", "no", "创造质量"),
    ("湖北省", "版权作品登记量(十四五目标)", "2025"): ("hubei_14fyp", "copyright_registrations", "annual", "up", "no", "创造质量"),
    ("湖北省", "专利密集型产业增加值占GDP比重(十四五目标)", "2025"): (
        "hubei_14fyp", "patent_intensive_industry_share", "ratio", "up", "no", "运用效益"),
    ("武汉市", "每万人口高价值发明专利拥有量(强市目标)", "2025"): (
        "wuhan_strong_city", "high_value_invention_per_10k", "stock", "up", "no", "创造质量"),
    ("武汉市", "海外发明专利授权量(强市目标)", "2025"): (
        "wuhan_strong_city", "overseas_invention_grants", "annual", "up", "no", "创造质量"),
    ("武汉市", "每万户市场主体有效注册商标量(强市目标)", "2025"): (
        "wuhan_strong_city", "trademarks_per_10k_entities", "stock", "up", "no", "创造质量"),
    ("武汉市", "马德里商标国际注册申请量(强市目标)", "2025"): (
        "wuhan_strong_city", "madrid_applications", "annual", "up", "no", "创造质量"),
    ("武汉市", "专利密集型产业增加值占GDP比重(强市目标)", "2025"): (
        "wuhan_strong_city", "patent_intensive_industry_share", "ratio", "up", "no", "运用效益"),
    ("湖北省", "每万人口高价值发明专利拥有量(目标)", "2030"): (
        "hubei_2030", "high_value_invention_per_10k", "stock", "up", "no", "创造质量"),
    ("湖北省", "专利密集型产业增加值占GDP比重(目标)", "2030"): (
        "hubei_2030", "patent_intensive_industry_share", "ratio", "up", "no", "运用效益"),
}

# Target rows of found_2026.csv that are not a regional plan target.
TARGETS_SKIPPED = {
    ("全国", "全社会研发经费投入年均增长(十五五目标)", "2030"):
        "national 十五五 R&D growth aim: not an IP indicator and not a regional plan",
}

TARGET_MARKERS = ("(年度目标)", "(十四五目标)", "(强市目标)", "(目标)", "(十五五目标)")
