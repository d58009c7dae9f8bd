"""What-if scenarios on hand-made paths: exact effects, purity, filters, TOML errors."""
from __future__ import annotations

import numpy as np
import pytest

from forecast.paths import Forecast, SeriesForecast
from scenarios.errors import ScenarioError
from scenarios.scenario import BASELINE, Adjustment, Scenario, get_scenario, load_scenarios, target_maps

YEARS = np.array([2024, 2025, 2026])
N = 2000


def _sf(region, indicator, base=100.0, seed=0):
    rng = np.random.default_rng(seed)
    paths = base * np.exp(np.cumsum(rng.normal(0.05, 0.1, size=(N, YEARS.size)), axis=1))
    return SeriesForecast(
        region, indicator, YEARS.copy(), paths, np.median(paths, axis=0), "drift",
        np.array([2021, 2022, 2023]), np.array([base * 0.9, base * 0.95, base]),
    )


@pytest.fixture
def fc():
    series = (
        _sf("武汉市", "pledge_financing", 100.0, 1),
        _sf("武汉市", "invention_grants", 5000.0, 2),
        _sf("浙江省", "pledge_financing", 300.0, 3),
    )
    return Forecast(series, seed=7, draws=N, model="drift")


def _copies(fc):
    return [(s.paths.copy(), s.point.copy(), s.obs_values.copy()) for s in fc]


def test_empty_scenario_is_identity(fc):
    out = BASELINE.apply(fc)
    for a, b in zip(fc, out):
        np.testing.assert_array_equal(a.paths, b.paths)
        np.testing.assert_array_equal(a.point, b.point)
    out2 = Scenario("noop", "", (Adjustment(indicator=("nothing_matches",), growth_shift=-0.5),)).apply(fc)
    for a, b in zip(fc, out2):
        np.testing.assert_array_equal(a.paths, b.paths)


def test_growth_shift_exact_per_year(fc):
    sc = Scenario("slow", "", (Adjustment(from_year=2025, growth_shift=-0.02),))
    out = sc.apply(fc)
    for a, b in zip(fc, out):
        ratio = b.paths / a.paths
        np.testing.assert_allclose(ratio[:, 0], 1.0)
        np.testing.assert_allclose(ratio[:, 1], 0.98)
        np.testing.assert_allclose(ratio[:, 2], 0.98**2)
        np.testing.assert_allclose(b.point / a.point, [1.0, 0.98, 0.98**2])


def test_growth_shift_from_observed_year_starts_at_first_simulated_year(fc):
    out = Scenario("slow", "", (Adjustment(from_year=2020, growth_shift=-0.1),)).apply(fc)
    a, b = fc.series[0], out.series[0]
    np.testing.assert_allclose(b.paths / a.paths, np.tile([0.9, 0.81, 0.729], (N, 1)))


def test_growth_shift_to_year_keeps_level_reached(fc):
    out = Scenario("slow", "", (Adjustment(from_year=2024, to_year=2025, growth_shift=0.1),)).apply(fc)
    a, b = fc.series[0], out.series[0]
    np.testing.assert_allclose((b.paths / a.paths)[0], [1.1, 1.21, 1.21])


def test_add_per_year_flow_and_stock(fc):
    sc = Scenario("policy", "", (Adjustment(indicator=("pledge_financing",), from_year=2025, add_per_year=3.0),))
    kinds = {("武汉市", "pledge_financing"): "annual"}  # 浙江省 missing -> stock (documented default)
    out = sc.apply(fc, kinds=kinds)
    flow_diff = out.series[0].paths - fc.series[0].paths
    np.testing.assert_allclose(flow_diff, np.tile([0.0, 3.0, 3.0], (N, 1)))
    stock_diff = out.series[2].paths - fc.series[2].paths
    np.testing.assert_allclose(stock_diff, np.tile([0.0, 3.0, 6.0], (N, 1)))
    np.testing.assert_array_equal(out.series[1].paths, fc.series[1].paths)  # other indicator untouched


def test_add_per_year_stock_to_year_keeps_level(fc):
    sc = Scenario("p", "", (Adjustment(add_per_year=2.0, to_year=2025),))
    out = sc.apply(fc, kinds={("武汉市", "invention_grants"): "annual"})
    np.testing.assert_allclose((out.series[0].paths - fc.series[0].paths)[0], [2.0, 4.0, 4.0])
    np.testing.assert_allclose((out.series[1].paths - fc.series[1].paths)[0], [2.0, 2.0, 0.0])


def test_factor_within_window(fc):
    out = Scenario("f", "", (Adjustment(factor=0.5, from_year=2025, to_year=2025),)).apply(fc)
    np.testing.assert_allclose((out.series[1].paths / fc.series[1].paths)[0], [1.0, 0.5, 1.0])
    out = Scenario("f", "", (Adjustment(factor=1.5),)).apply(fc)
    np.testing.assert_allclose(out.series[1].paths, fc.series[1].paths * 1.5)


def test_cap_and_floor_bound_the_paths(fc):
    s = fc.series[0]
    lo, hi = np.quantile(s.paths, [0.2, 0.8])
    out = Scenario("b", "", (Adjustment(region=("武汉市",), indicator=("pledge_financing",), cap=hi, floor=lo),)).apply(fc)
    p = out.series[0].paths
    assert p.max() == pytest.approx(hi) and p.min() == pytest.approx(lo)
    inside = (s.paths >= lo) & (s.paths <= hi)
    np.testing.assert_array_equal(p[inside], s.paths[inside])
    np.testing.assert_array_equal(out.series[2].paths, fc.series[2].paths)  # region filter


def test_probability_shock_is_common_and_hits_about_p(fc):
    sc = Scenario("shock", "", (Adjustment(year=2025, probability=0.1, level_change=-0.2),))
    out = sc.apply(fc)
    hit_masks = []
    for a, b in zip(fc, out):
        r = b.paths / a.paths
        np.testing.assert_allclose(r[:, 0], 1.0)
        hit = np.isclose(r[:, 1], 0.8)
        assert np.all(np.isclose(r[:, 1], 0.8) | np.isclose(r[:, 1], 1.0))
        np.testing.assert_allclose(r[hit, 2], 0.8)  # persistent
        np.testing.assert_array_equal(a.point, b.point)  # p < 1: the point (zero noise) does not move
        hit_masks.append(hit)
    for m in hit_masks[1:]:
        np.testing.assert_array_equal(m, hit_masks[0])  # the SAME paths in every matched series
    share = hit_masks[0].mean()
    assert abs(share - 0.1) < 4 * np.sqrt(0.1 * 0.9 / N)
    again = sc.apply(fc)
    np.testing.assert_array_equal(again.series[0].paths, out.series[0].paths)  # seeded
    other = sc.apply(fc, seed=8)
    assert not np.array_equal(other.series[0].paths, out.series[0].paths)


def test_shock_in_an_observed_year_does_not_act(fc):
    out = Scenario("s", "", (Adjustment(year=2023, level_change=-0.5),)).apply(fc)
    np.testing.assert_array_equal(out.series[0].paths, fc.series[0].paths)


def test_category_filter(fc):
    cats = {("武汉市", "pledge_financing"): "运用效益", ("武汉市", "invention_grants"): frozenset({"创造质量"})}
    sc = Scenario("c", "", (Adjustment(category=("创造质量",), factor=2.0),))
    out = sc.apply(fc, categories=cats)
    np.testing.assert_allclose(out.series[1].paths, 2 * fc.series[1].paths)
    np.testing.assert_array_equal(out.series[0].paths, fc.series[0].paths)
    np.testing.assert_array_equal(out.series[2].paths, fc.series[2].paths)  # no category known
    with pytest.raises(ScenarioError, match="categories"):
        sc.apply(fc)


def test_apply_is_pure_and_never_touches_observed(fc):
    before = _copies(fc)
    sc = Scenario("all", "", (
        Adjustment(growth_shift=-0.3), Adjustment(add_per_year=5.0), Adjustment(level_change=-0.5, probability=0.5, year=2024),
        Adjustment(cap=120.0),
    ))
    out = sc.apply(fc)
    for (p, pt, ov), s, o in zip(before, fc, out):
        np.testing.assert_array_equal(s.paths, p)
        np.testing.assert_array_equal(s.point, pt)
        np.testing.assert_array_equal(s.obs_values, ov)
        np.testing.assert_array_equal(o.obs_values, ov)
        np.testing.assert_array_equal(o.obs_years, s.obs_years)
    assert out.meta["scenario"] == "all" and "scenario" not in fc.meta


def test_adjustments_apply_in_order(fc):
    sc = Scenario("o", "", (Adjustment(factor=2.0), Adjustment(cap=150.0)))
    assert sc.apply(fc).series[0].paths.max() <= 150.0


def test_adjustment_validates_parameters():
    with pytest.raises(ScenarioError, match="probability"):
        Adjustment(level_change=-0.2, probability=1.5)
    with pytest.raises(ScenarioError, match="from_year"):
        Adjustment(from_year=2026, to_year=2024, factor=0.9)


def test_target_maps():
    import pandas as pd

    t = pd.DataFrame({"region": ["a", "a", "b"], "indicator": ["x", "x", "y"], "category": ["c1", "c2", "c3"],
                      "kind": ["stock", "cumulative", "ratio"]})
    cats, kinds, down = target_maps(t)
    assert cats[("a", "x")] == {"c1", "c2"} and kinds == {("a", "x"): "annual", ("b", "y"): "ratio"}
    assert down == frozenset()
    t["direction"] = ["down", "up", "down"]  # a floor and a ceiling on x: not a down series
    assert target_maps(t)[2] == {("b", "y")}


GOOD = """
[scenario.slowdown]
description = "增速放缓两个百分点"
[[scenario.slowdown.adjust]]
indicator = "*"
from_year = 2024
growth_shift = -0.02

[scenario.shock]
description = "冲击"
[[scenario.shock.adjust]]
indicator = ["a", "b"]
year = 2025
probability = 0.1
level_change = -0.2
"""

BAD = """
[scenario.slowdown]
descripton = "typo"
[[scenario.slowdown.adjust]]
indicator = "*"
from_year = 2026
to_year = 2024
growth_shif = -0.02

[scenario.shock]
[[scenario.shock.adjust]]
year = "2025"
probability = 1.5
level_change = -0.2
[[scenario.shock.adjust]]
factor = "0.9"
"""


def test_load_scenarios_good(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(GOOD, encoding="utf-8")
    sc = load_scenarios(f)
    assert list(sc) == ["slowdown", "shock"]
    a = sc["slowdown"].adjustments[0]
    assert a.indicator is None and a.from_year == 2024 and a.growth_shift == -0.02
    assert sc["shock"].adjustments[0].indicator == ("a", "b") and sc["shock"].description == "冲击"
    assert get_scenario(sc, "baseline") is BASELINE
    with pytest.raises(ScenarioError, match="slowdown"):
        get_scenario(sc, "slowdwn")


def test_load_scenarios_reports_every_problem(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(BAD, encoding="utf-8")
    with pytest.raises(ScenarioError, match="bad.toml") as exc:
        load_scenarios(f)
    probs = exc.value.problems
    text = str(exc.value)
    found = {(p.problem.split(":")[0], p.column) for p in probs}
    assert ("scenario.slowdown", "descripton") in found
    assert ("scenario.slowdown.adjust[1]", "growth_shif") in found
    assert ("scenario.slowdown.adjust[1]", "from_year") in found
    assert ("scenario.shock.adjust[1]", "year") in found
    assert ("scenario.shock.adjust[1]", "probability") in found
    assert ("scenario.shock.adjust[2]", "factor") in found
    assert "did you mean 'description'" in text and "did you mean 'growth_shift'" in text
    assert all(p.file == str(f) for p in probs)


def test_load_scenarios_bad_toml(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("[scenario.a\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML") as e:
        load_scenarios(f)
    # the fix points at what a user has (the README), never at a file outside the package
    assert "README" in str(e.value) and "DESIGN" not in str(e.value)


def test_example_file_loads():
    from pathlib import Path

    sc = load_scenarios(Path(__file__).resolve().parents[1] / "examples" / "scenarios.toml")
    assert {"slowdown", "policy", "shock"} <= set(sc)
    assert sc["policy"].adjustments[0].add_per_year == 3.0


def test_load_scenarios_semantic_problems(tmp_path):
    f = tmp_path / "sem.toml"
    f.write_text("""
[scenario.baseline]
[[scenario.baseline.adjust]]
factor = 0.9
[scenario.odd]
[[scenario.odd.adjust]]
probability = 0.5
[[scenario.odd.adjust]]
year = 2025
growth_shift = 0.01
[[scenario.odd.adjust]]
indicator = "x"
[[scenario.odd.adjust]]
indicator = 3
factor = 0
cap = 1.0
floor = 2.0
""", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenarios(f)
    got = {(p.problem.split(":")[0], p.column) for p in exc.value.problems}
    assert got == {
        ("scenario.baseline", "name"),
        ("scenario.odd.adjust[1]", "probability"),
        ("scenario.odd.adjust[2]", "year"),
        ("scenario.odd.adjust[3]", "adjust"),
        ("scenario.odd.adjust[4]", "indicator"),
        ("scenario.odd.adjust[4]", "factor"),
        ("scenario.odd.adjust[4]", "floor"),
    }
