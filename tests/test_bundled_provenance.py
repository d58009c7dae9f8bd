"""Provenance of the bundled data after the yearbook panel and found_2026.csv (issue 12).

Reads only the bundled files inside the repository (history/data), never files outside the repository.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from history.bundled import (
    NATIONAL_SCOPES, bundled_series, bundled_series_frame, bundled_targets, bundled_targets_frame, peer_panel,
    plan_detail, plans_summary,
)
from scenarios.risk import assess

FOUND_PLANS = {"hubei_2025", "hubei_2026", "hubei_14fyp", "wuhan_strong_city", "hubei_2030"}
YEARBOOK = "huhuaping/techme/"


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return bundled_series_frame()


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return bundled_targets_frame()


def test_every_observation_and_every_target_names_its_source(series, targets):
    assert (series["source"].str.strip() != "").all()
    assert (targets["source"].str.strip() != "").all()
    found = targets[targets["plan"].isin(FOUND_PLANS)]
    assert found["source"].str.startswith("http").all()


def test_yearbook_rows_are_plan_series_or_provincial_peers(series):
    yb = series[series["source"].str.startswith(YEARBOOK)]
    assert set(yb["indicator"]) == {"invention_in_force", "invention_grants", "invention_applications"}
    assert (yb["unit"] == "件").all() and yb["year"].between(2010, 2023).all()
    # Chinese full names as the rest of the bundle uses, no national total among them.
    assert not set(yb["region"]) & set(NATIONAL_SCOPES)
    assert yb["region"].str.endswith(("省", "市", "自治区")).all()
    assert set(yb.loc[yb["role"] == "plan", "region"]) == {"湖北省", "浙江省"}
    peers = yb[yb["role"] == "peer"]
    assert peers.groupby("indicator")["region"].nunique().min() == 29


def test_yearbook_wins_a_same_year_disagreement_and_names_the_other(series):
    zj = series[(series["region"] == "浙江省") & (series["indicator"] == "invention_in_force")].set_index("year")
    assert zj.loc[2020, "value"] == 199572 and "20 万件" in zj.loc[2020, "note"]
    assert zj.loc[2025, "value"] == 488000  # the 2025 outcome (48.8万), moved exactly into the series' 件


def test_partial_subregion_and_lower_bound_rows_stay_auxiliary(series):
    hb = series[series["region"] == "湖北省"]
    plan = hb[hb["role"] == "plan"]
    # 2022 year-end from the yearbook, not the Nov-2022 partial 11.61万
    assert plan[(plan["indicator"] == "invention_in_force") & (plan["year"] == 2022)]["value"].tolist() == [117557]
    tm = plan[plan["indicator"] == "trademarks_in_force"]
    assert sorted(tm["year"]) == [2023, 2024, 2025]  # 2022 '已超97万' is a lower bound
    aux = series[series["role"] == "auxiliary"]
    for region, ind, year in [("湖北省", "trademarks_in_force__lowerbound", 2022),
                              ("湖北省", "invention_in_force__partial", 2022),
                              ("武汉市", "pct_applications__partial", 2017),
                              ("浙江省", "pledge_financing__subregion", 2021),
                              ("全国", "high_value_invention_per_10k__partial", 2025)]:
        assert len(aux[(aux["region"] == region) & (aux["indicator"] == ind) & (aux["year"] == year)]) == 1, ind


def test_auxiliary_rows_are_never_used_in_fitting(targets):
    hist = bundled_series()
    frame = bundled_series_frame()
    aux = frame["role"].to_numpy() == "auxiliary"
    with_aux = assess(bundled_targets().frame, hist.frame, draws=400, seed=5, panel=peer_panel())
    clean = hist.frame[~aux].reset_index(drop=True)
    panel = clean[~clean["region"].isin(NATIONAL_SCOPES)].reset_index(drop=True)
    without = assess(bundled_targets().frame, clean, draws=400, seed=5, panel=panel)
    cols = ["plan", "indicator", "name", "p_attain", "n_obs", "status"]
    pd.testing.assert_frame_equal(with_aux.table[cols], without.table[cols])


def test_show_counts_sourced_observations_per_target(targets, series):
    for plan in targets["plan"].unique():
        d = plan_detail(plan, targets, series)
        assert (d["n_sourced"] == d["n_obs"]).all(), plan
    d = plan_detail("zhejiang_14fyp", targets, series).set_index("indicator")
    assert d.loc["invention_in_force", "n_obs"] == 15
    assert d.loc["invention_in_force", "sources"].startswith("yearbook (techme RDPatentValid) ×13")


def test_new_plans_are_listed_and_2026_is_answered(targets, series):
    s = plans_summary(targets, series).set_index("plan")
    assert FOUND_PLANS <= set(s.index)
    assert s.loc["hubei_2025", "n_targets"] == 6 and s.loc["hubei_2026", "n_targets"] == 7
    res = assess(bundled_targets().frame, bundled_series().frame, plans=["hubei_2026"], draws=1000, seed=1,
                 panel=peer_panel())
    row = res.table.set_index("indicator").loc["invention_in_force"]
    assert row["as_of"] == 2025 and row["target_year"] == 2026 and np.isfinite(row["p_attain"])


def test_hubei_2025_work_targets_were_missed(targets, series):
    res = assess(bundled_targets().frame, bundled_series().frame, plans=["hubei_2025"], draws=500, seed=1,
                 panel=peer_panel())
    out = res.table.set_index("indicator")["outcome"]
    assert out[["invention_in_force", "high_value_invention_per_10k", "trademarks_in_force"]].tolist() == ["missed"] * 3
