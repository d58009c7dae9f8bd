"""A run cut into parts (targetcast.batch: --jobs, Dask) gives the rows of the run in one piece."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import targetcast as tc
from cli import app
from scenarios.errors import ScenarioError
from scenarios.projection import prepare
from targetcast import batch

DRAWS = 400


def _panel(n_regions: int = 6, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Small made-up regions (not data): a stock, a noisy flow and a share each, 2012-2023 with a
    gap; one plan per region, one plan that shares region R1's stock with R1's own plan, one
    plan on a series of its own."""
    rng = np.random.default_rng(seed)
    rows, targets = [], []
    for r in range(n_regions):
        region = f"R{r}"
        for ind, unit, start, g, noise in (("stock", "件", 500, 0.12, 0.01), ("flow", "件", 80, 0.06, 0.15),
                                           ("share", "%", 20, 0.03, 0.04)):
            level = np.log(start * rng.uniform(0.5, 2)) + np.cumsum(rng.normal(g, noise, 12))
            for k, year in enumerate(range(2012, 2024)):
                if year != 2016 or r % 2:  # every other region misses 2016
                    rows.append((region, ind, year, float(np.exp(level[k])), unit))
            kind = {"stock": "stock", "flow": "annual", "share": "ratio"}[ind]
            for ty, up in ((2025, 1.1), (2030, 1.6)):
                targets.append((f"plan_{region}", region, ind, kind, unit, ty, float(np.exp(level[-1]) * up),
                                "约束性" if ind == "stock" else "预期性"))
    targets.append(("city_R1", "R1", "stock", "stock", "件", 2027, float(np.exp(level[-1]) * 1.3), "约束性"))
    # a plan on one series of its own: a part holding a single series
    rows += [("solo", "flow", year, 100.0 * 1.05 ** k, "件") for k, year in enumerate(range(2012, 2024))]
    targets.append(("plan_solo", "solo", "flow", "annual", "件", 2026, 190.0, "预期性"))
    series = pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])
    t = pd.DataFrame(targets, columns=["plan", "region", "indicator", "kind", "unit", "target_year", "target_value",
                                       "attribute"])
    return series, t


def _run(**kw) -> tc.Assessment:
    series, targets = _panel()
    return tc.assess(targets=targets, series=series, draws=DRAWS, seed=11, **kw)


def _same(a, b) -> None:
    assert a.table.to_csv(index=False) == b.table.to_csv(index=False)
    assert a.portfolio.to_csv(index=False) == b.portfolio.to_csv(index=False)
    assert a.goal_seek.to_csv(index=False) == b.goal_seek.to_csv(index=False)


def test_plans_sharing_a_series_stay_in_one_part():
    series, targets = _panel()
    setup = prepare(targets, series, draws=DRAWS, seed=11)
    parts = batch.parts_of(setup, size=1)  # as small as the plans allow
    assert ["plan_R1", "city_R1"] in parts
    assert sorted(p for part in parts for p in part) == sorted(targets["plan"].unique())
    assert len(parts) == targets["plan"].nunique() - 1 and ["plan_solo"] in parts


SCENARIO = """
[scenario.shaken]
[[scenario.shaken.adjust]]
indicator = "*"
from_year = 2024
growth_shift = -0.02
[[scenario.shaken.adjust]]
indicator = "*"
year = 2026
probability = 0.3
level_change = -0.2
"""


@pytest.mark.parametrize("kw", [
    {},
    {"correlation": 0.5},
    {"correlation": 0.5, "scenario": "shaken"},  # a common shock drawn per path, on coupled paths
    {"correlation": "auto", "as_of": 2022},
])
def test_parts_and_jobs_give_the_rows_of_the_whole_run(kw, monkeypatch, tmp_path):
    if kw.get("scenario"):
        (tmp_path / "s.toml").write_text(SCENARIO, encoding="utf-8")
        kw = dict(kw, scenario=tc.load_scenarios(tmp_path / "s.toml")["shaken"])
    whole = _run(jobs=1, **kw)
    monkeypatch.setattr(batch, "TARGETS_PER_PART", 6)  # a plan (6 targets) per part
    assert len(batch.parts_of(prepare(*reversed(_panel()), draws=DRAWS, seed=11), size=6)) > 3
    _same(whole, _run(jobs=1, **kw))
    _same(whole, _run(jobs=2, keep_paths=False, **kw))


def test_tables_only_run_keeps_no_paths_and_says_so():
    a = _run(jobs=1, keep_paths=False)
    assert all(sf.paths.size == 0 for sf in a.result.forecast.series)
    with pytest.raises(ScenarioError, match="keep_paths=True"):
        a.fan()
    assert len(_run(jobs=1).fan())


def test_cli_jobs_give_identical_csv():
    out = []
    for jobs in ("1", "2"):
        res = CliRunner().invoke(app, ["risk", "wuhan_14fyp", "hubei_2025", "--jobs", jobs, "--draws", str(DRAWS),
                                       "-f", "csv"])
        assert res.exit_code == 0, res.output
        out.append(res.stdout)
    assert out[0] == out[1] and len(out[0].splitlines()) > 10


def test_bad_jobs_and_engine_are_named():
    with pytest.raises(ScenarioError, match="jobs"):
        _run(jobs=0)
    with pytest.raises(ScenarioError, match="engine"):
        _run(engine="spark")


def test_dask_local_cluster_gives_the_rows_of_a_local_run(monkeypatch, tmp_path):
    pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    local = _run(jobs=1, correlation=0.5)
    monkeypatch.setattr(batch, "TARGETS_PER_PART", 6)  # several parts on the cluster
    _same(local, _run(engine="dask", correlation=0.5, keep_paths=False))
    # and from the command line
    series, targets = _panel()
    series.to_csv(tmp_path / "s.csv", index=False)
    targets.to_csv(tmp_path / "t.csv", index=False)
    res = CliRunner().invoke(app, ["risk", "--series", str(tmp_path / "s.csv"), "--targets", str(tmp_path / "t.csv"),
                                   "--engine", "dask", "--draws", str(DRAWS), "--seed", "11", "--correlation", "0.5",
                                   "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout[1:] == local.table.to_csv(index=False)


def test_unreachable_dask_scheduler_is_a_readable_error(monkeypatch):
    pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    monkeypatch.setattr(batch, "SCHEDULER_TIMEOUT", "1s")
    res = CliRunner().invoke(app, ["risk", "wuhan_14fyp", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1",
                                   "--draws", str(DRAWS), "-f", "csv"])
    assert res.exit_code == 1 and "Could not reach the Dask scheduler" in res.output
    assert "Traceback" not in res.output


def test_compare_in_parts_gives_the_whole_comparison(monkeypatch, tmp_path):
    (tmp_path / "s.toml").write_text(SCENARIO, encoding="utf-8")
    series, targets = _panel()
    kw = dict(targets=targets, series=series, draws=DRAWS, seed=11)
    whole = tc.compare(tmp_path / "s.toml", **kw)
    monkeypatch.setattr(batch, "TARGETS_PER_PART", 6)
    parts = tc.compare(tmp_path / "s.toml", jobs=2, **kw)
    assert whole.to_csv(index=False) == parts.to_csv(index=False)
    assert (whole["d_shaken"] < 0).any() and whole.attrs["meta"]["as_of"] == parts.attrs["meta"]["as_of"] == 2023
