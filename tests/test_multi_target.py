"""Several targets for one indicator and year: level + growth rate, 确保/力争, floor + ceiling.

They are distinct targets when name, kind or direction differ (history.validation.TARGET_KEY);
a target stated twice is still a note (identical) or an error (different values). Every
target keeps its own row through the risk table and its goal-seek merge.
"""
from __future__ import annotations

import io

import pandas as pd
import pytest
from fixtures_io import TARGETS_HEADER, write_csv
from typer.testing import CliRunner

import cli
from history.problems import DataError
from history.readers import load_series, load_targets
from scenarios.risk import assess

SERIES = [["region", "indicator", "year", "value", "unit", "source"]] + [
    ["甲市", "patents", str(y), str(v), "件", "统计公报"]
    for y, v in zip(range(2015, 2024), [100, 112, 121, 135, 150, 163, 180, 199, 214])
]


def _target(name, kind="stock", direction="up", value="260", baseline_year="2020", strict="no"):
    return ["p", "甲市", "patents", name, "%" if kind == "growth_rate" else "件", kind, direction, strict,
            baseline_year, "", "2025", value]


def _targets(tmp_path, *rows):
    return write_csv(tmp_path, "t.csv", [TARGETS_HEADER, *rows])


def test_level_and_growth_rate_of_one_indicator_are_two_targets(tmp_path):
    t = load_targets(_targets(tmp_path, _target("专利量"), _target("专利量年均增速", kind="growth_rate", value="8")))
    assert len(t.frame) == 2 and not [p for p in t.notes if p.severity == "error"]
    assert set(t.frame["kind"]) == {"stock", "growth_rate"}


def test_expected_and_stretch_values_with_distinct_names(tmp_path):
    t = load_targets(_targets(tmp_path, _target("专利量（确保）", value="240"), _target("专利量（力争）", value="260")))
    assert t.frame["target_value"].tolist() == [240.0, 260.0]


def test_floor_and_ceiling_differ_in_direction(tmp_path):
    t = load_targets(_targets(tmp_path, _target("专利量", value="230"), _target("专利量", direction="down", value="300")))
    assert t.frame["direction"].tolist() == ["up", "down"]


def test_same_name_kind_direction_with_another_value_is_refused(tmp_path):
    with pytest.raises(DataError) as exc:
        load_targets(_targets(tmp_path, _target("专利量", value="240"), _target("专利量", value="260")))
    (e,) = [p for p in exc.value.problems if p.severity == "error"]
    assert e.row == 3 and "row 2 says 240" in e.problem and "（力争）" in e.fix


def test_target_stated_twice_is_a_note_and_one_row_is_kept(tmp_path):
    t = load_targets(_targets(tmp_path, _target("专利量"), _target("专利量")))
    assert len(t.frame) == 1
    assert [(p.row, p.severity) for p in t.notes if "repeats" in p.problem] == [(3, "note")]


def test_without_a_name_column_duplicates_are_still_refused(tmp_path):
    header = [h for h in TARGETS_HEADER if h != "name"]
    rows = [[c for h, c in zip(TARGETS_HEADER, r) if h != "name"] for r in (_target("a", value="240"), _target("a"))]
    with pytest.raises(DataError):
        load_targets(write_csv(tmp_path, "t.csv", [header, *rows]))


def test_risk_keeps_one_row_per_target_and_orders_their_probabilities(tmp_path):
    t = load_targets(_targets(tmp_path, _target("专利量（确保）", value="240"), _target("专利量（力争）", value="300"),
                              _target("专利量上限", direction="down", value="300")))
    s = load_series(write_csv(tmp_path, "s.csv", SERIES))
    res = assess(t.frame, s.frame, draws=2000, seed=1)
    p = dict(zip(res.table["name"], res.table["p_attain"]))
    assert len(res.table) == 3
    # Same paths: the easier 确保 value is at least as likely as the 力争 value, and "at most 300"
    # is exactly the complement of "at least 300" unless a path lands on 300 itself.
    assert p["专利量（确保）"] >= p["专利量（力争）"]
    assert p["专利量上限"] == pytest.approx(1 - p["专利量（力争）"], abs=1e-3)


def test_cli_risk_goal_seek_merge_does_not_duplicate_rows(tmp_path):
    tp = _targets(tmp_path, _target("专利量（确保）", value="260"), _target("专利量（力争）", value="300"))
    sp = write_csv(tmp_path, "s.csv", SERIES)
    out = CliRunner().invoke(cli.app, ["risk", "--targets", str(tp), "--series", str(sp), "--draws", "2000",
                                       "-f", "csv"], env={"COLUMNS": "220"})
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert sorted(frame["name"]) == ["专利量（力争）", "专利量（确保）"]
    # Each row carries its own goal seek: the stretch value needs more uplift than the expected one.
    need = dict(zip(frame["name"], frame["uplift_needed"]))
    assert need["专利量（力争）"] > need["专利量（确保）"]
