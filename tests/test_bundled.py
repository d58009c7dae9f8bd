"""Integrity of the bundled plans and series, and the plans/show summaries."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from history.bundled import (
    bundled_series_frame,
    bundled_targets_frame,
    plan_detail,
    plans_summary,
    years_text,
)
from history.problems import DataError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "history" / "data"
# A copy of the curated plan list the bundled targets were built from (scripts/build_bundled_data.py).
PLAN_SOURCE = Path(__file__).resolve().parent / "data" / "plan_targets.csv"
EXCLUDED_TAGS = ("[AUXILIARY]", "[DEFINITION-CAVEAT]", "[SUB-REGION/PARTIAL-SCOPE]",
                 "[PARTIAL-YEAR/NOT-YEAR-END]", "[COMPONENT-OF-PLAN-INDICATOR]")


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return bundled_targets_frame()


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return bundled_series_frame()


def _plan_years(series: pd.DataFrame) -> dict[tuple[str, str], set[int]]:
    plan = series[series["role"] == "plan"]
    return {k: set(g["year"]) for k, g in plan.groupby(["region", "indicator"])}


# --- integrity ---------------------------------------------------------------------------

def test_targets_validate_with_the_readers():
    from history import readers
    from history.bundled import bundled_targets

    t = bundled_targets()
    assert isinstance(t, readers.Targets)
    assert t.file == "bundled:targets.csv"
    assert not [p for p in t.notes if p.severity == "error"]
    assert len(t.frame) == len(bundled_targets_frame())


def test_series_validate_with_the_readers():
    from history import readers
    from history.bundled import bundled_series

    h = bundled_series()
    assert isinstance(h, readers.History)
    assert h.file == "bundled:series.csv"
    assert len(h.frame) == len(bundled_series_frame())


def test_every_plan_target_row_is_bundled(targets):
    src = pd.read_csv(PLAN_SOURCE, dtype=str, keep_default_na=False)
    # The five plans built from the target rows of found_2026.csv (scripts/found_2026_map.py).
    found = {"hubei_2025", "hubei_2026", "hubei_14fyp", "wuhan_strong_city", "hubei_2030"}
    seed = targets[~targets["plan"].isin(found)]
    got = set(zip(seed["plan"], seed["indicator"]))
    # The one documented alias: the demo zone's id joins the city's series of the same statistic.
    alias = {("wuhan_demo_zone", "high_value_patents_per_10k"): "high_value_invention_per_10k"}
    assert got == {(p, alias.get((p, i), i)) for p, i in zip(src["plan_id"], src["indicator"])}
    assert len(seed) == len(src) == 81
    assert set(targets["plan"]) == {"wuhan_14fyp", "wuhan_demo_zone", "hubei_services", "yidu_2027",
                                    "zhejiang_14fyp", "zhejiang_13fyp"} | found
    assert (targets["plan"].isin(found)).sum() == 27


def test_no_duplicate_series_keys(series):
    dup = series[series.duplicated(["region", "indicator", "year"], keep=False)]
    assert dup.empty, dup[["region", "indicator", "year"]].to_string()


def test_every_row_has_a_source_and_a_known_role(series):
    assert (series["source"].str.strip() != "").all()
    assert set(series["role"]) == {"plan", "peer", "auxiliary"}


def test_one_unit_per_series(series):
    units = series.groupby(["region", "indicator"])["unit"].nunique()
    assert (units == 1).all(), units[units > 1]


def test_plan_rows_carry_no_excluded_tag(series):
    plan = series[series["role"] == "plan"]
    bad = plan[plan["note"].apply(lambda n: any(t in n for t in EXCLUDED_TAGS))]
    assert bad.empty, bad[["region", "indicator", "year", "note"]].to_string()


def test_auxiliary_rows_never_share_a_plan_id(series, targets):
    aux = series[series["role"] == "auxiliary"]
    assert aux["indicator"].str.contains("__").all()
    assert not set(aux["indicator"]) & set(targets["indicator"])


def test_region_names_are_unique_per_province(series):
    regions = set(series["region"])
    # One region, one name: no short CNIPA names next to the plans' full names.
    assert not regions & {"浙江", "湖北", "广西", "北京", "湖北宜都"}
    assert {"浙江省", "湖北省", "武汉市", "宜都市", "广西壮族自治区", "全国"} <= regions
    # National rows are never a plan's series (a partial-year national figure is auxiliary).
    assert set(series.loc[series["region"] == "全国", "role"]) == {"peer", "auxiliary"}


def test_disagreeing_sources_keep_one_row_and_note_the_other(series):
    row = series[(series["region"] == "湖北省") & (series["indicator"] == "pct_applications")
                 & (series["year"] == 2018)]
    assert row["value"].tolist() == [1725.0]
    assert "1552" in row["note"].iloc[0]
    row = series[(series["region"] == "武汉市") & (series["indicator"] == "invention_applications")
                 & (series["year"] == 2015)]
    assert row["value"].tolist() == [15077.0]
    assert "15065" in row["note"].iloc[0]


def test_definition_changed_zhejiang_trademarks_not_spliced(series):
    tm = series[(series["region"] == "浙江省") & (series["indicator"] == "trademarks_in_force")]
    assert sorted(tm["year"]) == [2020, 2023, 2025]
    caveat = series[(series["region"] == "浙江省") & (series["indicator"] == "trademarks_in_force__caveat")]
    assert sorted(caveat["year"]) == [2016, 2017, 2021]
    assert set(caveat["role"]) == {"auxiliary"}


def test_plan_baseline_is_an_observation_with_the_plan_as_source(series):
    row = series[(series["region"] == "武汉市") & (series["indicator"] == "invention_grants")
                 & (series["year"] == 2020)]
    assert row["value"].tolist() == [14667.0]
    assert row["source"].iloc[0].startswith("plan: 000_")
    yidu = series[(series["region"] == "宜都市") & (series["indicator"] == "invention_in_force")
                  & (series["year"] == 2024)]
    assert "2024-10" in yidu["note"].iloc[0]


def _readme_no_history() -> set[tuple[str, str]]:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- no-history:start -->")[1].split("<!-- no-history:end -->")[0]
    return set(re.findall(r"^- (\S+) / (\S+) ", block, flags=re.M))


def test_every_target_joins_history_or_is_listed_without(targets, series):
    years = _plan_years(series)
    without = {(p, i) for p, r, i in zip(targets["plan"], targets["region"], targets["indicator"])
               if not years.get((r, i))}
    assert without == _readme_no_history()
    assert ("wuhan_14fyp", "high_value_patent_portfolios") in without
    assert ("wuhan_14fyp", "invention_grants") not in without


# --- summaries ---------------------------------------------------------------------------

def test_plans_summary_wuhan(targets, series):
    s = plans_summary(targets, series).set_index("plan")
    w = s.loc["wuhan_14fyp"]
    assert (w["region"], w["period"], w["n_targets"]) == ("武汉市", "2020–2025", 19)
    # >= 2 obs: invention_grants 9, invention_applications 6, high_value 4, pledge 4, pct 3, trademarks 2
    assert (w["n_with_history"], w["n_projectable"], w["n_none"]) == (6, 5, 8)
    assert s.loc["hubei_services", "period"] == "…–2025"
    assert len(s) == 11


def test_plans_summary_counts_only_plan_rows():
    t = pd.DataFrame({"plan": ["p"], "region": ["A"], "indicator": ["x"], "target_year": [2025],
                      "baseline_year": [2020]})
    s = pd.DataFrame({"region": ["A"] * 3, "indicator": ["x"] * 3, "year": [2019, 2020, 2021],
                      "value": [1.0, 2.0, 3.0], "role": ["plan", "plan", "auxiliary"]})
    row = plans_summary(t, s).iloc[0]
    assert (row["n_with_history"], row["n_projectable"], row["n_none"]) == (1, 0, 0)


def test_plan_detail_shows_gaps_and_latest(targets, series):
    d = plan_detail("wuhan_14fyp", targets, series).set_index("indicator")
    g = d.loc["invention_grants"]
    assert g["years"] == "2013–2018, 2020, 2023–2024"
    assert (g["n_obs"], g["first_year"], g["latest_year"], g["latest_value"]) == (9, 2013, 2024, 25200.0)
    assert not g["too_short"] and g["flag"] == ""
    tm = d.loc["trademarks_in_force"]
    assert (tm["latest_value"], tm["series_unit"], tm["n_obs"]) == (55.8, "万件", 2)
    assert tm["too_short"] and "only 2 observations" in tm["flag"]
    none = d.loc["high_value_patent_portfolios"]
    assert none["n_obs"] == 0 and none["flag"] == "无历史数据 / no history"
    assert pd.isna(none["latest_value"])


def test_plan_detail_min_obs_moves_the_flag(targets, series):
    d = plan_detail("wuhan_14fyp", targets, series, min_obs=5).set_index("indicator")
    assert d.loc["high_value_invention_per_10k", "too_short"]
    assert not d.loc["invention_applications", "too_short"]


def test_unknown_plan_offers_close_match(targets, series):
    with pytest.raises(DataError, match=r"Unknown plan 'wuhan_14fy'.*Did you mean 'wuhan_14fyp'") as e:
        plan_detail("wuhan_14fy", targets, series)
    assert e.value.problems[0].value == "wuhan_14fy"


def test_years_text_makes_gaps_visible():
    assert years_text([2021, 2024, 2013, 2014, 2015]) == "2013–2015, 2021, 2024"
    assert years_text([2020]) == "2020"


def test_peer_panel_leaves_out_national_totals(series):
    # The national scopes really occur in the data, so the filter is not a no-op ...
    from history.bundled import NATIONAL_SCOPES, peer_panel

    assert set(NATIONAL_SCOPES) <= set(series["region"])
    panel = peer_panel()
    assert not panel["region"].isin(NATIONAL_SCOPES).any()
    # ... and every regional row is kept (provinces, cities, counties).
    regional = series[~series["region"].isin(NATIONAL_SCOPES)]
    assert len(panel) == len(regional) and {"湖北省", "浙江省", "武汉市", "北京市"} <= set(panel["region"])


def test_reference_panel_uses_regional_peers_plus_the_users_series():
    from history.bundled import NATIONAL_SCOPES, SERIES_FILE, bundled_series, peer_panel
    from history.reference import reference_panel

    mine = pd.DataFrame({"region": ["全国", "全国", "湖北省"], "indicator": ["x", "x", "pct_applications"],
                         "year": [2020, 2021, 2018], "value": [1.0, 2.0, 99999.0]})
    panel = reference_panel(mine, "mine.csv")
    # the bundled national totals are left out here; the user's (全国/x) stay as data and the engine
    # drops them from every peer set (tests/test_answers.py)
    assert (panel["indicator"] == "x").sum() == 2
    assert not ((panel["region"] == "全国") & (panel["indicator"] != "x")).any()
    # where the user and the bundled data give the same region and year, the user's value wins
    hubei = panel[(panel["region"] == "湖北省") & (panel["indicator"] == "pct_applications") & (panel["year"] == 2018)]
    assert hubei["value"].tolist() == [99999.0]
    # the default run (no --series): the bundled data once, without national totals
    default = reference_panel(bundled_series().frame, SERIES_FILE)
    assert not default["region"].isin(NATIONAL_SCOPES).any() and len(default) == len(peer_panel())
