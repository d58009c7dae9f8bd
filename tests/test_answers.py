"""Wrong or silent answers a new user met (issue 13): each test failed before its fix."""
from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from forecast.engine import forecast_series
from scenarios.errors import ScenarioError
from scenarios.risk import assess
from scenarios.scenario import Adjustment, Scenario, load_scenarios

runner = CliRunner()


def run(*args):
    return runner.invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "220"})


def _long(rows: dict, indicator="a", region="X", unit="件") -> pd.DataFrame:
    return pd.DataFrame({"region": region, "indicator": indicator, "year": list(rows), "value": list(rows.values()),
                         "unit": unit})


GROWING = {2015: 100.0, 2016: 110.0, 2017: 118.0, 2018: 130.0, 2019: 141.0, 2020: 150.0}


def _targets(*rows) -> pd.DataFrame:
    cols = ["plan", "region", "indicator", "name", "unit", "kind", "direction", "target_year", "target_value",
            "baseline_year", "baseline_value", "category"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_several_targets_of_one_indicator_keep_one_row_each_with_their_own_goal_seek(tmp_path):
    series, targets = tmp_path / "s.csv", tmp_path / "t.csv"
    _long(GROWING).to_csv(series, index=False)
    _targets(("p", "X", "a", "A 2022", "件", "annual", "up", 2022, 170, 2020, 150, ""),
             ("p", "X", "a", "A 2024", "件", "annual", "up", 2024, 200, 2020, 150, ""),
             ("p", "X", "a", "A 2026", "件", "annual", "up", 2026, 220, 2020, 150, "")).to_csv(targets, index=False)
    res = run("risk", "--targets", targets, "--series", series, "--as-of", 2020, "--format", "csv", "--draws", 1000)
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(StringIO(res.stdout))
    assert len(frame) == 3 and sorted(frame["target_year"]) == [2022, 2024, 2026]
    # each target carries its own uplift: the 2026 target needs less extra growth per year than 2022's
    # (more years to catch up) although it is the largest
    up = frame.set_index("target_year")["uplift_needed"]
    assert up.notna().all() and up.nunique() == 3


def test_add_per_year_is_a_flow_when_any_target_of_the_series_is_a_flow():
    """One decision (scenarios.scenario.target_maps): a stock target listed first must not turn the
    series' yearly addition into an accumulating one."""
    s = _long(GROWING)
    t = _targets(("p", "X", "a", "level", "件", "stock", "up", 2024, 200, 2020, 150, ""),
                 ("p", "X", "a", "sum", "件", "cumulative", "up", 2024, 800, 2020, 150, ""))
    policy = Scenario("policy", "", (Adjustment(indicator=("a",), add_per_year=10.0),))
    base = assess(t, s, as_of=2020, model="drift", draws=200, seed=1)
    moved = assess(t, s, as_of=2020, model="drift", draws=200, seed=1, scenario=policy)
    diff = moved.forecast.get("X", "a").paths - base.forecast.get("X", "a").paths
    np.testing.assert_allclose(diff, 10.0)  # +10 every year, not +10, +20, +30 ...


def test_a_wildcard_slowdown_does_not_improve_a_down_target():
    days = _long({2016: 80.0, 2017: 72.0, 2018: 66.0, 2019: 60.0, 2020: 55.0}, indicator="days", unit="天")
    grants = _long(GROWING)
    t = _targets(("p", "X", "days", "平均结案天数", "天", "stock", "down", 2024, 45, 2020, 55, ""),
                 ("p", "X", "a", "授权量", "件", "annual", "up", 2024, 190, 2020, 150, ""))
    slow = Scenario("slowdown", "增速放缓", (Adjustment(indicator=None, growth_shift=-0.03),))
    kw = dict(as_of=2020, model="drift", draws=2000, seed=3)
    base = assess(t, pd.concat([days, grants]), **kw).table.set_index("indicator")["p_attain"]
    out = assess(t, pd.concat([days, grants]), scenario=slow, **kw)
    p = out.table.set_index("indicator")["p_attain"]
    assert p["days"] == base["days"]  # not raised by "bad news"
    assert p["a"] < base["a"]  # the up target still feels it
    assert out.forecast.meta["scenario_not_applied"] == {0: [("X", "days")]}
    # naming the indicator applies it as written
    named = Scenario("s", "", (Adjustment(indicator=("days",), growth_shift=-0.03),))
    assert assess(t, pd.concat([days, grants]), scenario=named, **kw).table.set_index("indicator").loc[
        "days", "p_attain"] > base["days"]


def test_the_cli_says_which_down_series_a_wildcard_skipped(tmp_path):
    series, targets, toml = tmp_path / "s.csv", tmp_path / "t.csv", tmp_path / "sc.toml"
    _long({2016: 80.0, 2017: 72.0, 2018: 66.0, 2019: 60.0, 2020: 55.0}, indicator="days", unit="天").to_csv(
        series, index=False)
    _targets(("p", "X", "days", "平均结案天数", "天", "stock", "down", 2024, 45, 2020, 55, "")).to_csv(targets, index=False)
    toml.write_text('[scenario.slow]\ndescription = "放缓"\n[[scenario.slow.adjust]]\nindicator = "*"\n'
                    "growth_shift = -0.03\n", encoding="utf-8")
    res = run("risk", "--targets", targets, "--series", series, "--scenarios", toml, "--draws", 500)
    assert res.exit_code == 0, res.output
    assert "平均结案天数" in res.stderr and "down" in res.stderr


@pytest.mark.parametrize("value", ["3", "1e300", "0.8"])
def test_growth_shift_must_be_a_fraction(tmp_path, value):
    f = tmp_path / "sc.toml"
    f.write_text(f"[scenario.up]\ndescription = \"\"\n[[scenario.up.adjust]]\ngrowth_shift = {value}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_scenarios(f)
    text = str(e.value)
    assert "fraction" in text and "0.03" in text  # the fix: write 0.03 for three percentage points


def test_national_totals_in_the_users_own_series_are_not_peers():
    own = _long({2021: 100.0, 2022: 110.0, 2023: 121.0}, region="甲省", indicator="x")
    peers = pd.concat([_long({y: b * 1.05 ** (y - 2015) for y in range(2015, 2024)}, region=r, indicator="x")
                       for r, b in (("乙省", 50.0), ("丙省", 70.0))])
    national = _long({y: 5000 * 1.3 ** (y - 2015) for y in range(2015, 2024)}, region="全国", indicator="x")
    kw = dict(to_year=2026, draws=300, seed=2)
    with_nat = forecast_series(own, panel=pd.concat([own, peers, national]), **kw).get("甲省", "x")
    without = forecast_series(own, panel=pd.concat([own, peers]), **kw).get("甲省", "x")
    np.testing.assert_array_equal(with_nat.paths, without.paths)
    assert "+peer growth" not in with_nat.model  # two regional peers: too few to anchor the growth


def test_borrowed_from_peers_only_when_peers_were_used(tmp_path):
    series = tmp_path / "s.csv"
    _long({2020: 10.0, 2021: 12.0, 2022: 13.0}, region="某县", indicator="my_own_indicator").to_csv(series, index=False)
    res = run("forecast", "--series", series, "--to-year", 2025, "--format", "json", "--draws", 200)
    assert res.exit_code == 0, res.output
    flags = {f for r in json.loads(res.stdout)["rows"] for f in str(r.get("flags", "")).split(";")}
    assert "panel_prior" not in flags and "generic_prior" in flags


def test_a_target_year_before_the_first_observation_is_not_judged():
    t = _targets(("p", "X", "a", "typo", "件", "annual", "up", 2012, 90, 2010, 80, ""))
    row = assess(t, _long(GROWING), model="drift", draws=200).table.iloc[0]
    assert row["risk"] == "no_data" and "target_before_data" in row["flags"]
    assert "2015" in row["notes"] and "missing inside the history" not in row["notes"]
    assert row["status"] == "n/a" and pd.isna(row["time_progress"])


def test_as_of_after_the_data_is_said_and_after_every_target_refused(tmp_path):
    t = _targets(("p", "X", "a", "A", "件", "annual", "up", 2025, 200, 2020, 150, ""))
    with pytest.raises(ScenarioError, match=r"2030 is after every target year .*\(2020\).*--as-of 2020"):
        assess(t, _long(GROWING), as_of=2030, model="drift", draws=100)
    # a later evaluation year with lagging data is a real case (stale data), but never silent
    out = assess(t, _long(GROWING), as_of=2022, model="drift", draws=100)
    assert out.meta["as_of_after_data"] == 2020 and "stale_data" in out.table.iloc[0]["flags"]
    series, targets = tmp_path / "s.csv", tmp_path / "t.csv"
    _long(GROWING).to_csv(series, index=False)
    t.to_csv(targets, index=False)
    res = run("risk", "--targets", targets, "--series", series, "--as-of", 2022, "--draws", 200)
    assert res.exit_code == 0 and "after the latest observation (2020)" in " ".join(res.stderr.split())


def test_the_table_says_when_a_value_is_a_sum_not_a_year(tmp_path):
    series, targets = tmp_path / "s.csv", tmp_path / "t.csv"
    _long(GROWING).to_csv(series, index=False)
    _targets(("p", "X", "a", "累计授权", "件", "cumulative", "up", 2022, 400, 2017, 118, "")).to_csv(targets, index=False)
    zh = run("risk", "--targets", targets, "--series", series, "--draws", 300, "--lang", "zh")
    en = run("risk", "--targets", targets, "--series", series, "--draws", 300, "--lang", "en")
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    # 130 + 141 + 150 = 421 is the 2018-2020 sum, not the 2020 value
    assert "累计 421 (2018–2020)" in zh.stdout
    assert "sum 421 (2018–2020)" in en.stdout
