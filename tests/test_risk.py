"""assess(): the risk table.

Most tests replace the forecast engine by a hand-made one whose paths are known exactly
(path j grows at rate g_j = -0.10 + 0.30 j / (n - 1) per year from the last observation), so
every probability has an exact expected value. The end-to-end tests at the bottom use the real
engine with model="drift".
"""
import sys
import types

import numpy as np
import pandas as pd
import pytest

from forecast.paths import Forecast, SeriesForecast
from scenarios.errors import ScenarioError
from scenarios.risk import TABLE_COLUMNS, assess, risk_level

DRAWS = 11
RATES = np.linspace(-0.10, 0.20, DRAWS)  # -0.10, -0.07, ..., 0.20


def fake_forecast_series(series, *, to_year, model="auto", draws=1000, seed=0, as_of=None, panel=None,
                         bounds=None, errors="raise", stocks=None):
    calls.append({"max_year": int(series["year"].max()), "panel_max_year": panel.last_year,
                  "to_year": to_year, "draws": draws})
    rates = np.linspace(-0.10, 0.20, draws)
    out, skipped = [], {}
    for (region, indicator), grp in series.groupby(["region", "indicator"], sort=False):
        grp = grp.sort_values("year")
        if as_of is not None:
            grp = grp[grp["year"] <= as_of]
        if len(grp) < 2:
            skipped[(region, indicator)] = f"Series {region}/{indicator} has {len(grp)} observation(s)."
            continue
        last_y, last_v = int(grp["year"].iloc[-1]), float(grp["value"].iloc[-1])
        years = np.arange(last_y + 1, to_year + 1)
        h = years - last_y
        paths = last_v * (1 + rates[:, None]) ** h[None, :]
        flags = ("weak_evidence",) if len(grp) <= 4 else ()
        out.append(SeriesForecast(region, indicator, years, paths, paths.mean(axis=0), "fake",
                                  grp["year"].to_numpy(), grp["value"].to_numpy(float), flags=flags))
    return Forecast(tuple(out), seed=seed, draws=draws, model=model, meta={"skipped": skipped})


calls: list = []


@pytest.fixture
def fake_engine(monkeypatch):
    calls.clear()
    mod = types.ModuleType("forecast.engine")
    mod.forecast_series = fake_forecast_series
    monkeypatch.setitem(sys.modules, "forecast.engine", mod)
    import forecast

    monkeypatch.setattr(forecast, "engine", mod, raising=False)
    return calls


def series_frame():
    years = np.arange(2016, 2023)
    rows = [("甲市", "grants", int(y), 1000.0 * 1.1 ** (y - 2016), "件") for y in years]
    rows += [("甲市", "loans", int(y), v, "亿元") for y, v in zip(range(2019, 2023), [10.0, 12.0, 14.0, 16.0])]
    rows += [("甲市", "lonely", 2022, 5.0, "个")]
    rows += [("乙市", "grants", int(y), 500.0 * 1.3 ** (y - 2016), "件") for y in years]
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])


def targets_frame():
    rows = [
        # plan, indicator, name, unit, kind, target_year, target_value, baseline_year, baseline_value, category, attribute
        ("demo", "grants", "授权量", "万件", "annual", 2025, 0.2, 2020, 0.14641, "创造", "预期性"),
        ("demo", "grants", "授权量(高)", "件", "annual", 2025, 2400.0, 2020, 1464.1, "创造", "约束性"),
        ("demo", "loans", "融资额累计", "亿元", "cumulative", 2025, 80.0, 2020, 10.0, "运用", "预期性"),
        ("demo", "lonely", "孤立指标", "个", "stock", 2025, 10.0, None, float("nan"), "运用", None),
        ("demo", "grants", "早期目标", "件", "annual", 2021, 1500.0, 2016, 1000.0, "创造", "预期性"),
        ("other", "loans", "融资额", "亿元", "annual", 2024, 20.0, 2020, 12.0, "运用", "约束性"),
    ]
    df = pd.DataFrame(rows, columns=["plan", "indicator", "name", "unit", "kind", "target_year", "target_value",
                                     "baseline_year", "baseline_value", "category", "attribute"])
    df.insert(1, "region", "甲市")
    df["direction"] = "up"
    df["strict"] = False
    df["baseline_year"] = df["baseline_year"].astype("Int64")
    return df


def by_name(table, name):
    return table[table["name"] == name].iloc[0]


def test_exact_probabilities_from_known_paths(fake_engine):
    a = assess(targets_frame(), series_frame(), draws=DRAWS, seed=3)
    t = a.table
    last = 1000 * 1.1 ** 6  # 2022
    # 万件 target 0.2 = 2000 件: path j attains iff last * (1 + g_j)^3 >= 2000
    exp = np.mean(last * (1 + RATES) ** 3 >= 2000)
    r = by_name(t, "授权量")
    assert r["p_attain"] == pytest.approx(exp)
    assert r["p_attain_se"] == pytest.approx(np.sqrt(exp * (1 - exp) / DRAWS))
    assert r["p50"] == pytest.approx(np.median(last * (1 + RATES) ** 3) / 1e4)  # in the target's unit (万件)
    assert r["last_value"] == pytest.approx(last / 1e4) and r["last_year"] == 2022
    # cumulative 2021..2025: 14 + 16 observed + 16 (1+g)^k for k = 1..3
    cum = 30 + sum(16 * (1 + RATES) ** k for k in (1, 2, 3))
    c = by_name(t, "融资额累计")
    assert c["p_attain"] == pytest.approx(np.mean(cum >= 80))
    assert c["last_value"] == pytest.approx(30.0)  # accumulated so far
    assert a.meta["as_of"] == 2022 and a.meta["draws"] == DRAWS and a.meta["seed"] == 3
    assert fake_engine[0]["to_year"] == 2025


def test_columns_and_risk_ids(fake_engine):
    t = assess(targets_frame(), series_frame(), draws=DRAWS).table
    assert list(t.columns[: len(TABLE_COLUMNS)]) == TABLE_COLUMNS
    for r in t.itertuples():
        if r.risk in ("attained", "missed"):
            assert r.p_attain in (0.0, 1.0) and "observed" in r.flags
        elif r.risk != "no_data":
            assert r.risk == risk_level(r.p_attain)


def test_observed_target_and_no_history(fake_engine):
    t = assess(targets_frame(), series_frame(), draws=DRAWS).table
    early = by_name(t, "早期目标")  # 2021 value 1610.51 >= 1500
    assert early["risk"] == "attained" and early["p_attain"] == 1.0 and early["p_attain_se"] == 0.0
    assert early["outcome"] == "attained" and early["outcome_value"] == pytest.approx(1610.51)
    lonely = by_name(t, "孤立指标")
    assert lonely["risk"] == "no_data" and "too_short" in lonely["flags"]
    assert "1 observation" in lonely["notes"]


def test_sorting_plan_category_severity_probability(fake_engine):
    t = assess(targets_frame(), series_frame(), draws=DRAWS).table
    assert list(pd.unique(t["plan"])) == ["demo", "other"]
    demo = t[t["plan"] == "demo"]
    assert list(pd.unique(demo["category"])) == ["创造", "运用"]
    order = ["off_track", "at_risk", "watch", "on_track", "missed", "attained", "no_data"]
    for _, grp in demo.groupby("category", sort=False):
        sev = grp["risk"].map(order.index).to_numpy()
        assert (np.diff(sev) >= 0).all()
        for _, same in grp.groupby("risk"):
            assert same["p_attain"].dropna().is_monotonic_increasing


def test_unknown_plan_offers_close_matches(fake_engine):
    with pytest.raises(ScenarioError, match="Unknown plan 'dem0' \\(did you mean demo\\?\\)"):
        assess(targets_frame(), series_frame(), plans=["dem0"], draws=DRAWS)


def test_plan_filter(fake_engine):
    t = assess(targets_frame(), series_frame(), plans=["other"], draws=DRAWS).table
    assert t["plan"].unique().tolist() == ["other"]


def test_as_of_replay_hides_later_data_and_shows_the_outcome(fake_engine):
    a = assess(targets_frame(), series_frame(), plans=["other"], as_of=2020, draws=DRAWS)
    assert fake_engine[0]["max_year"] == 2020 and fake_engine[0]["panel_max_year"] == 2020
    r = a.table.iloc[0]
    # loans: 12 in 2020; target 20 in 2024: path j attains iff 12 (1+g)^4 >= 20
    assert r["p_attain"] == pytest.approx(np.mean(12 * (1 + RATES) ** 4 >= 20))
    assert r["as_of"] == 2020 and r["last_year"] == 2020
    assert r["outcome"] is None  # 2024 not observed even in the full data
    a2 = assess(targets_frame(), series_frame(), plans=["demo"], as_of=2020, draws=DRAWS)
    early = by_name(a2.table, "早期目标")  # 2021 target, observed after the replay year
    assert early["risk"] not in ("attained", "missed")
    assert early["outcome"] == "attained" and early["outcome_value"] == pytest.approx(1610.51)


def test_midterm_columns_and_rule_vs_probability(fake_engine):
    t = assess(targets_frame(), series_frame(), draws=DRAWS).table
    r = by_name(t, "授权量(高)")
    # baseline 2020 = 1464.1, latest 2022 = 1771.561, target 2400: geometric completion
    assert r["time_progress"] == pytest.approx(0.4)
    assert r["completion"] == pytest.approx(np.log(1771.561 / 1464.1) / np.log(2400 / 1464.1))
    assert r["required_growth"] == pytest.approx((2400 / 1771.561) ** (1 / 3) - 1)
    assert r["historical_growth"] == pytest.approx(0.1) and r["historical_growth_5y"] == pytest.approx(0.1)
    expect_flag = (r["status"] in ("as_expected", "ahead") and r["p_attain"] < 0.5) or (
        r["status"] == "behind" and r["p_attain"] >= 0.8)
    assert ("rule_vs_probability" in r["flags"]) == expect_flag


def test_unprecedented_growth_compares_with_peers(fake_engine):
    t = targets_frame().iloc[[1]].copy()
    t["target_value"] = 4000.0  # needs (4000/1771.6)^(1/3)-1 = 31 % > own 10 %, > peer 30 %
    r = assess(t, series_frame(), draws=DRAWS).table.iloc[0]
    assert "needs_unprecedented_growth" in r["flags"]
    t["target_value"] = 3600.0  # 26.7 %: faster than own 10 % but the peer 乙市 grew 30 %
    r = assess(t, series_frame(), draws=DRAWS).table.iloc[0]
    assert "needs_unprecedented_growth" not in r["flags"]


def test_portfolio_uses_joint_paths(fake_engine):
    a = assess(targets_frame(), series_frame(), plans=["demo"], draws=DRAWS)
    p = a.portfolio[a.portfolio["scope"] == "plan"].iloc[0]
    ev = a.table["p_attain"].dropna()
    assert p["n_targets"] == 5 and p["n_evaluable"] == 4
    assert p["expected_met"] == pytest.approx(ev.sum())
    binding = a.attained_paths[int(a.table.index[a.table["name"] == "授权量(高)"][0])]
    assert p["p_all_binding"] == pytest.approx(binding.mean())


def test_scenario_is_applied_to_the_paths(fake_engine):
    class Halve:
        name = "halve"

        def apply(self, forecast, *, categories=None, **_):
            self.categories = categories
            return forecast.replace_series([s.with_paths(s.paths * 0.5) for s in forecast])

    sc = Halve()
    base = assess(targets_frame(), series_frame(), plans=["other"], draws=DRAWS)
    low = assess(targets_frame(), series_frame(), plans=["other"], draws=DRAWS, scenario=sc)
    assert low.meta["scenario"] == "halve"
    assert sc.categories[("甲市", "loans")] == {"运用"}
    assert low.table["p_attain"].iloc[0] < base.table["p_attain"].iloc[0]
    assert low.table["p_attain"].iloc[0] == pytest.approx(np.mean(8 * (1 + RATES) ** 2 >= 20))


def test_bad_thresholds_fail_fast(fake_engine):
    with pytest.raises(ScenarioError, match="three decreasing probabilities"):
        assess(targets_frame(), series_frame(), thresholds=(0.5, 0.8, 0.2))


def test_incompatible_units_are_a_data_error(fake_engine):
    from history.problems import DataError

    t = targets_frame().iloc[[1]].copy()
    t["unit"] = "亿元"
    with pytest.raises(DataError, match="incompatible"):
        assess(t, series_frame(), draws=DRAWS)


# ------------------------------------------------------------------ real engine (forecast.engine)
def test_same_seed_same_table_with_the_real_engine():
    a = assess(targets_frame(), series_frame(), model="drift", draws=500, seed=11)
    b = assess(targets_frame(), series_frame(), model="drift", draws=500, seed=11)
    cols = [c for c in a.table.columns if c != "notes"]
    pd.testing.assert_frame_equal(a.table[cols], b.table[cols])
    c = assess(targets_frame(), series_frame(), model="drift", draws=500, seed=12)
    assert not np.allclose(a.table["p50"].dropna(), c.table["p50"].dropna())


def test_as_of_replay_with_the_real_engine():
    a = assess(targets_frame(), series_frame(), plans=["demo"], model="drift", draws=500, seed=1, as_of=2020)
    early = by_name(a.table, "早期目标")
    assert early["outcome"] == "attained" and early["last_year"] == 2020
    assert 0.0 < early["p_attain"] <= 1.0


def test_bundled_wuhan_mid_term_has_a_row_per_target():
    from history.bundled import bundled_series, bundled_targets

    t, s = bundled_targets().frame, bundled_series().frame
    a = assess(t, s, plans=["wuhan_14fyp"], as_of=2022, draws=1000, seed=0)
    assert len(a.table) == int((t["plan"] == "wuhan_14fyp").sum())
    assert set(a.table["risk"]) <= {"on_track", "watch", "at_risk", "off_track", "attained", "missed", "no_data"}
    assert (a.table["as_of"] == 2022).all()


def test_correlation_keeps_each_probability_and_is_recorded(fake_engine):
    base = assess(targets_frame(), series_frame(), plans=["demo"], draws=DRAWS, seed=5)
    coupled = assess(targets_frame(), series_frame(), plans=["demo"], draws=DRAWS, seed=5, correlation=0.6)
    auto = assess(targets_frame(), series_frame(), plans=["demo"], draws=DRAWS, seed=5, correlation="auto")
    # coupling permutes whole paths: every marginal probability is unchanged
    np.testing.assert_allclose(coupled.table["p_attain"], base.table["p_attain"], equal_nan=True)
    assert coupled.meta["correlation"] == 0.6
    assert isinstance(auto.meta["correlation"], float) and 0.0 <= auto.meta["correlation"] <= 0.9
    with pytest.raises(ScenarioError, match="'correlation' parameter"):
        assess(targets_frame(), series_frame(), correlation="high")
    with pytest.raises(ScenarioError, match="must be in \\[0, 1\\)"):
        assess(targets_frame(), series_frame(), correlation=-0.3)


def test_target_without_any_series_is_no_history(fake_engine):
    t = targets_frame().iloc[[0]].copy()
    t["indicator"] = "unknown_indicator"
    r = assess(t, series_frame(), draws=DRAWS).table.iloc[0]
    assert r["risk"] == "no_data" and r["flags"].split(";")[0] == "no_history" and r["n_obs"] == 0


def test_targets_and_paths_are_aligned_with_the_sorted_table(fake_engine):
    a = assess(targets_frame(), series_frame(), draws=DRAWS)
    assert (a.targets["indicator"].to_numpy() == a.table["indicator"].to_numpy()).all()
    assert (a.targets["name"].to_numpy() == a.table["name"].to_numpy()).all()
    assert "factor" in a.targets.columns and set(a.attained_paths) == set(a.table.index)
    for i, ok in a.attained_paths.items():
        if ok is not None:
            assert ok.mean() == pytest.approx(a.table.loc[i, "p_attain"])


def test_year_columns_are_integers(fake_engine):
    t = assess(targets_frame(), series_frame(), draws=DRAWS).table
    for c in ("target_year", "baseline_year", "last_year", "as_of", "n_obs", "first_year_median"):
        assert str(t[c].dtype) == "Int64", c
    assert t["last_year"].isna().sum() == 0 and t.loc[t["name"] == "孤立指标", "baseline_year"].isna().all()


def test_empty_series_frame_is_refused(fake_engine):
    empty = series_frame().iloc[:0]
    with pytest.raises(ScenarioError, match="is empty or lacks columns"):
        assess(targets_frame(), empty, series_file="my.csv")


def test_every_id_has_zh_and_en_labels():
    from scenarios.labels import COLUMN_LABELS, FLAG_LABELS, RISK_LABELS, RISK_ORDER, STATUS_LABELS, label
    from scenarios.midterm import STATUSES

    for lang in ("zh", "en"):
        assert set(RISK_ORDER) <= set(RISK_LABELS[lang])
        assert set(STATUSES) <= set(STATUS_LABELS[lang])
        assert set(TABLE_COLUMNS) - {"completion_method", "max_growth_own", "max_growth_peers"} <= set(COLUMN_LABELS[lang])
        assert {"latest", "target", "range", "growth", "progress"} <= set(COLUMN_LABELS[lang])
        assert {"no_history", "too_short", "rule_vs_probability", "needs_unprecedented_growth", "observed",
                "stale_data", "gap_in_window", "no_baseline"} <= set(FLAG_LABELS[lang])
    assert label("status", "as_expected", "zh") == "基本符合预期"
    assert label("risk", "brand_new_id", "en") == "brand_new_id"
    with pytest.raises(KeyError, match="Unknown label table"):
        label("colour", "x")


def test_single_observation_in_the_target_year_is_an_outcome_not_too_short():
    # A 13th-plan style row: the plan's final-year outcome is the only observation.
    targets = pd.DataFrame({
        "plan": ["p13", "p13"], "region": ["R", "R"], "indicator": ["met", "short"], "name": ["达标", "未到期"],
        "unit": ["件", "件"], "kind": ["stock", "stock"], "direction": ["up", "up"], "strict": [False, False],
        "target_year": [2020, 2025], "target_value": [82.0, 50.0], "baseline_year": [pd.NA, pd.NA],
        "baseline_value": [np.nan, np.nan], "category": ["c", "c"], "attribute": ["", ""],
    })
    series = pd.DataFrame({"region": ["R", "R"], "indicator": ["met", "short"], "year": [2020, 2020],
                           "value": [100.1, 40.0], "unit": ["件", "件"]})
    table = assess(targets, series, model="drift", draws=200, seed=1).table.set_index("indicator")
    assert table.loc["met", "risk"] == "attained" and table.loc["met", "p_attain"] == 1.0
    assert "too_short" not in table.loc["met", "flags"]
    assert table.loc["short", "risk"] == "no_data" and "too_short" in table.loc["short", "flags"]


def test_category_order_is_each_plans_own_file_order():
    targets = pd.DataFrame({
        "plan": ["a", "a", "b", "b"], "region": ["R"] * 4, "indicator": ["x", "y", "x", "y"],
        "name": ["x", "y", "x", "y"], "unit": ["件"] * 4, "kind": ["stock"] * 4, "direction": ["up"] * 4,
        "strict": [False] * 4, "target_year": [2025] * 4, "target_value": [10.0] * 4,
        "baseline_year": [pd.NA] * 4, "baseline_value": [np.nan] * 4,
        "category": ["服务", "创造", "创造", "服务"], "attribute": [""] * 4,
    })
    series = pd.DataFrame({"region": ["R"] * 6, "indicator": ["x"] * 3 + ["y"] * 3,
                           "year": [2020, 2021, 2022] * 2, "value": [5.0, 6, 7, 5, 6, 7]})
    table = assess(targets, series, model="drift", draws=200, seed=1).table
    assert list(table[table.plan == "a"]["category"]) == ["服务", "创造"]
    assert list(table[table.plan == "b"]["category"]) == ["创造", "服务"]


def test_default_as_of_is_per_plan_and_a_plan_is_the_same_alone_or_with_others():
    """Without --as-of each plan is judged at the latest year of ITS OWN series: another plan
    with newer data must not push its time progress forward or flag its rows as stale."""
    s = series_frame()
    s = pd.concat([s, pd.DataFrame([("丙市", "grants", y, 100.0 + 10 * k, "件") for k, y in enumerate(range(2018, 2025))],
                                   columns=s.columns)], ignore_index=True)
    t = targets_frame()
    t = pd.concat([t, t.iloc[[0]].assign(plan="third", region="丙市", unit="件", target_value=200.0,
                                         baseline_value=120.0, name="丙市授权量")], ignore_index=True)
    both = assess(t, s, model="drift", draws=500, seed=5)
    alone = assess(t, s, plans=["demo"], model="drift", draws=500, seed=5)
    assert both.meta["as_of_by_plan"] == {"demo": 2022, "other": 2022, "third": 2024}
    assert list(pd.unique(both.table["plan"])) == ["demo", "other", "third"]
    demo = both.table[both.table["plan"] == "demo"].reset_index(drop=True)
    cols = [c for c in demo.columns if c != "notes"]
    pd.testing.assert_frame_equal(demo[cols], alone.table[cols], check_dtype=False)
    assert (both.table.loc[both.table["plan"] == "third", "as_of"] == 2024).all()
    assert set(both.portfolio["plan"]) == {"demo", "other", "third"}
    # Goal seek runs on each part with its own paths and as-of year.
    from scenarios.goalseek import goal_seek_table

    gs_both = goal_seek_table(both, risks=("on_track", "watch", "at_risk", "off_track"))
    gs_alone = goal_seek_table(alone, risks=("on_track", "watch", "at_risk", "off_track"))
    assert len(gs_alone) >= 2 and gs_alone["uplift_needed"].notna().any()
    pd.testing.assert_frame_equal(gs_both[gs_both["plan"] == "demo"].reset_index(drop=True), gs_alone, check_dtype=False)


def test_beyond_calibration_is_judged_per_target_year():
    """Paths run to the file's last target year (2031 here); a 2025 target on the same series is
    two years out and must not carry the 2031 target's 'beyond calibrated horizon' flag."""
    t = targets_frame()
    far = t[t["name"] == "授权量(高)"].assign(name="远期", target_year=2031, target_value=3000.0)
    a = assess(pd.concat([t, far], ignore_index=True), series_frame(), plans=["demo"], draws=500, seed=3)
    near, late = by_name(a.table, "授权量(高)"), by_name(a.table, "远期")
    assert "beyond_calibration" not in near["flags"] and "calibrated up to" not in near["notes"]
    assert "beyond_calibration" in late["flags"]
    assert "calibrated up to 2028; 2029-2031 extend it untested" in late["notes"]
