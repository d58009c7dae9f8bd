"""Replay and its scorecard: hand-computed scores, which targets are replayed, no look-ahead.

The fixture (tests/data/replay: a made-up province 甲省, 2010-2020) has a stock growing about
10 % a year, an expected (确保) and a stretch (力争) value for 2020, a 2016 target already
decided at the 2017 as-of year, a series with one observation before the as-of year, and a
target with no series at all.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from history.readers import load_series, load_targets
from scenarios.replay import log_score, midterm_year, replay, reliability_table, scorecard
from scenarios.risk import assess

DATA = Path(__file__).resolve().parent / "data" / "replay"


@pytest.fixture(scope="module")
def fixture():
    return load_targets(DATA / "targets.csv").frame, load_series(DATA / "series.csv").frame


@pytest.fixture(scope="module")
def result(fixture):
    t, s = fixture
    return replay(t, s, as_of=2017, draws=2000, seed=3)


def test_scorecard_matches_hand_computed_scores():
    rows = pd.DataFrame({
        "p_attain": [0.9, 0.3, 0.6, 1.0, np.nan],
        "attained": [1, 0, 0, 1, 1],
        "scored": [True, True, True, True, False],
        "rule_forecast": pd.array([1, 0, 1, None, 0], dtype="Int64"),
    })
    card, rel = scorecard(rows)
    p = card.set_index("forecast")
    # (0.1^2 + 0.3^2 + 0.6^2 + 0^2) / 4
    assert p.loc["p_attain", "brier"] == pytest.approx(0.115)
    # (ln 0.9 + ln 0.7 + ln 0.4 + ln 0.995) / 4: P = 1.0 is clipped to 0.995
    assert p.loc["p_attain", "log_score"] == pytest.approx((np.log(0.9) + np.log(0.7) + np.log(0.4) + np.log(0.995)) / 4)
    assert (p.loc["p_attain", "n"], p.loc["p_attain", "n_attained"], p.loc["p_attain", "accuracy"]) == (4, 2, 0.75)
    # Rule calls 1, 0, 1, 0 against 1, 0, 0, 1: two wrong of four; a wrong 0/1 call costs ln 0.005.
    assert p.loc["rule_status", "n"] == 4
    assert p.loc["rule_status", "brier"] == pytest.approx(0.5)
    assert p.loc["rule_status", "log_score"] == pytest.approx((2 * np.log(0.995) + 2 * np.log(0.005)) / 4)
    assert rel[["n", "n_attained"]].values.tolist() == [[0, 0], [1, 0], [1, 0], [2, 2]]
    assert rel["mean_p"].iloc[3] == pytest.approx(0.95)


def test_reliability_bands_close_only_the_last_one():
    rel = reliability_table([0.2, 0.5, 0.8, 1.0, 0.0], [1, 1, 0, 1, 0])
    assert rel["n"].tolist() == [1, 1, 1, 2]


def test_log_score_clips_certain_misses():
    assert log_score([0.0], [1])[0] == pytest.approx(np.log(0.005))
    assert log_score([1.0], [1])[0] == pytest.approx(np.log(0.995))


def test_midterm_year_of_the_fixture_plan(fixture):
    assert midterm_year(fixture[0]) == 2017  # 2015-2020: 2015 + 5 // 2


def test_replay_keeps_targets_resolved_after_the_as_of_year(result):
    rows = result.rows.set_index("name")
    # 2016 target: decided before 2017, not a forecast; 无数据指标: no outcome known.
    assert set(rows.index) == {"专利量（确保）", "专利量（力争）", "工作站"}
    assert rows.loc["专利量（确保）", "outcome"] == "attained" and rows.loc["专利量（力争）", "outcome"] == "missed"
    assert rows.loc["工作站", "outcome"] == "attained" and not rows.loc["工作站", "scored"]
    assert (rows["as_of"] == 2017).all()
    assert result.meta["n_scored"] == 2 and result.meta["n_not_scored"] == 1


def test_replay_scores_are_those_of_its_rows(result):
    rows = result.rows[result.rows["scored"]]
    p, y = rows["p_attain"].to_numpy(float), rows["attained"].to_numpy(float)
    card = result.scorecard.set_index("forecast")
    assert card.loc["p_attain", "brier"] == pytest.approx(np.mean((p - y) ** 2))
    assert rows["brier"].to_numpy() == pytest.approx((p - y) ** 2)
    # Same paths: the stretch value can never be likelier than the expected one.
    by = rows.set_index("name")["p_attain"]
    assert by["专利量（确保）"] >= by["专利量（力争）"]


def test_replay_probability_is_the_risk_table_at_the_as_of_year(fixture, result):
    t, s = fixture
    table = assess(t, s, as_of=2017, draws=2000, seed=3).table.set_index("name")
    for r in result.rows[result.rows["scored"]].itertuples():
        assert r.p_attain == table.loc[r.name, "p_attain"]


def test_replay_does_not_look_past_the_as_of_year(fixture, result):
    t, s = fixture
    changed = s.copy()
    late = (changed["indicator"] == "patents") & changed["year"].between(2018, 2019)
    changed.loc[late, "value"] = changed.loc[late, "value"] * 3  # only the outcome year 2020 is kept
    again = replay(t, changed, as_of=2017, draws=2000, seed=3)
    assert again.rows["p_attain"].tolist() == pytest.approx(result.rows["p_attain"].tolist(), nan_ok=True)


def test_cli_replay_formats(tmp_path):
    args = ["replay", "--targets", str(DATA / "targets.csv"), "--series", str(DATA / "series.csv"), "--as-of", "2017",
            "--draws", "500"]
    runner = CliRunner()
    out = runner.invoke(cli.app, args + ["-f", "json"], env={"COLUMNS": "220"})
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert set(doc) == {"meta", "targets", "scorecard", "reliability"}
    assert doc["meta"]["clip"] == [0.005, 0.995] and len(doc["targets"]) == 3
    out = runner.invoke(cli.app, args + ["-f", "csv", "--part", "scorecard"], env={"COLUMNS": "220"})
    assert pd.read_csv(io.StringIO(out.stdout))["forecast"].tolist() == ["p_attain", "rule_status"]
    out = runner.invoke(cli.app, args + ["-f", "markdown"], env={"COLUMNS": "220"})
    assert "### scorecard" in out.stdout and "<NA>" not in out.stdout


def test_cli_replay_refuses_an_as_of_year_with_nothing_to_forecast():
    out = CliRunner().invoke(cli.app, ["replay", "--targets", str(DATA / "targets.csv"), "--series",
                                       str(DATA / "series.csv"), "--as-of", "2020"], env={"COLUMNS": "220"})
    assert out.exit_code == 1 and "Choose an earlier year" in out.output and "Traceback" not in out.output
