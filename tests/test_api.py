"""The Python API (``import targetcast as tc``) and the CLI give the same bytes for the same
seed and draws: one library behind every answer."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

import targetcast as tc
from cli import app

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "examples" / "scenarios.toml"
WIDE = ROOT / "examples" / "wuhan_wide.csv"
RUN = ["--seed", "7", "--draws", "400", "--format", "csv"]


def cli_csv(*args) -> str:
    res = CliRunner().invoke(app, [*args, *RUN])
    assert res.exit_code == 0, res.output
    # CSV on stdout starts with a byte-order mark (Excel on Chinese Windows); the data follow
    assert res.stdout.startswith("\ufeff")
    return res.stdout[1:]


def test_risk_library_and_cli_byte_identical():
    lib = tc.assess("wuhan_14fyp", seed=7, draws=400).table.to_csv(index=False)
    assert cli_csv("risk", "wuhan_14fyp") == lib
    # the goal seek answers and the run parameters are in both
    assert "uplift_needed" in lib.splitlines()[0] and lib.splitlines()[1].endswith(",baseline,7,400")


def test_compare_library_and_cli_byte_identical():
    lib = tc.compare(SCENARIOS, "wuhan_14fyp", seed=7, draws=400).to_csv(index=False)
    assert cli_csv("compare", "wuhan_14fyp", "--scenarios", str(SCENARIOS)) == lib


def test_suggest_library_and_cli_byte_identical():
    lib = tc.suggest("wuhan_14fyp", seed=7, draws=400).to_csv(index=False)
    assert cli_csv("suggest", "wuhan_14fyp") == lib


def test_forecast_library_and_cli_byte_identical():
    lib = tc.forecast(WIDE, to_year=2027, seed=7, draws=400).to_frame((80, 95)).to_csv(index=False)
    assert cli_csv("forecast", "--series", str(WIDE), "--to-year", "2027") == lib


def test_defaults_are_shared_and_compare_baseline_is_risk():
    # one seed and one draw count: compare's baseline is the risk table's probability
    a = tc.assess("wuhan_14fyp", draws=400)
    c = tc.compare(SCENARIOS, "wuhan_14fyp", draws=400)
    assert a.meta["seed"] == tc.SEED == 20240101 and tc.DRAWS == 10_000
    merged = a.table.merge(c, on=["plan", "region", "indicator", "target_year", "target_value"])
    assert len(merged) == len(a.table)
    assert (merged["p_attain"].fillna(-1) == merged["p_baseline"].fillna(-1)).all()


def test_assess_returns_warnings_instead_of_printing(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[scenario.x]\n[[scenario.x.adjust]]\nindicator = "patent"\ngrowth_shift = -0.1\n', encoding="utf-8")
    a = tc.assess("wuhan_14fyp", draws=200, scenario=tc.load_scenarios(bad)["x"], goal_seek=False)
    assert any("matches nothing" in w and "'patent'" in w for w in a.warnings)
    assert "uplift_needed" not in a.table.columns and a.goal_seek.empty


def test_fan_has_every_evaluable_target_and_quantiles_in_order():
    a = tc.assess("wuhan_14fyp", draws=400, seed=7)
    fan = a.fan()
    evaluable = a.table[a.table["risk"].isin(["on_track", "watch", "at_risk", "off_track"])]
    assert set(fan["indicator"]) == set(evaluable["indicator"])
    q = fan.dropna(subset=["p50"])
    assert (q["p10"] <= q["p25"]).all() and (q["p25"] <= q["p50"]).all() and (q["p75"] <= q["p90"]).all()
    # each fan runs to its target year and joins the last observation at the start
    for (_, ty), f in fan.groupby(["indicator", "target_year"]):
        assert f["year"].max() == ty
        first = f.dropna(subset=["p50"]).iloc[0]
        assert first["p10"] == first["p90"] == first["observed"]


def test_bad_inputs_are_clear():
    with pytest.raises(TypeError, match="must be a path, a DataFrame"):
        tc.assess("wuhan_14fyp", series=42)


def test_fan_ends_on_the_risk_tables_range_for_every_kind(tmp_path):
    """The chart and the probability read the same quantity from the same paths: at the target
    year the fan's P10/P50/P90 are the risk table's, for level, cumulative, growth-rate and
    reduction targets alike."""
    import numpy as np

    series = tmp_path / "s.csv"
    series.write_text("region,indicator,year,value,unit\n" + "".join(
        f"甲市,x,{y},{100 * 1.08 ** i * (1 + 0.04 * (-1) ** i):.2f},件\n" for i, y in enumerate(range(2012, 2023))),
        encoding="utf-8")
    targets = tmp_path / "t.csv"
    targets.write_text(
        "plan,region,indicator,name,unit,kind,direction,target_year,target_value,baseline_year,baseline_value\n"
        "p1,甲市,x,level,件,annual,up,2026,260,2020,\n"
        "p2,甲市,x,sum,件,cumulative,up,2026,1100,2020,\n"
        "p3,甲市,x,growth,%,growth_rate,up,2026,8,2020,\n"
        "p4,甲市,x,fall,%,reduction,up,2026,10,2020,250\n", encoding="utf-8")
    a = tc.assess(targets=targets, series=series, draws=2000, seed=5)
    fans = {a.table.iloc[pos]["name"]: f for pos, f in a.fans()}
    assert set(fans) == {"level", "sum", "growth", "fall"}
    for name, f in fans.items():
        row = a.table[a.table["name"] == name].iloc[0]
        end = f[f["year"] == 2026].iloc[0]
        np.testing.assert_allclose([end["p10"], end["p50"], end["p90"]], [row["p10"], row["p50"], row["p90"]])
        # history: the same quantity from the observations (cumulative from the baseline on)
        assert f["observed"].notna().sum() >= 2
    s = fans["sum"]
    assert s.loc[s["year"] == 2021, "observed"].iloc[0] < s.loc[s["year"] == 2022, "observed"].iloc[0]


def test_suggest_reads_a_stock_as_the_risk_table_does(tmp_path):
    """A series the targets call a stock (a count in force) is forecast the same way by ``risk`` and
    ``suggest``: the same range in the same year, and paths that never fall below today's count."""
    series = tmp_path / "s.csv"
    series.write_text("region,indicator,year,value,unit\n" + "".join(
        f"甲市,in_force,{y},{1000 * 1.2 ** i * (1 + 0.03 * (-1) ** i):.1f},件\n" for i, y in enumerate(range(2017, 2025))),
        encoding="utf-8")
    targets = tmp_path / "t.csv"
    targets.write_text("plan,region,indicator,name,unit,kind,direction,target_year,target_value,baseline_year,"
                       "baseline_value\np,甲市,in_force,有效量,件,stock,up,2030,9000,2024,\n", encoding="utf-8")
    risk = tc.assess("p", targets=targets, series=series, seed=7, draws=400).table.iloc[0]
    sug = tc.suggest("p", targets=targets, series=series, to_year=2030, seed=7, draws=400).iloc[0]
    assert (sug["p10"], sug["p50"], sug["p90"]) == (risk["p10"], risk["p50"], risk["p90"])
    assert {"monotone", "stock_trend"} <= set(sug["flags"].split(";")) and sug["p10"] >= sug["latest_value"]
    assert sug["model"] == risk["model"] == "auto[drift+logdrift+damped+logdamped]"
