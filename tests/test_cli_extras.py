"""What a new user expects from the command line (issue 13): version, --lang everywhere,
scenario descriptions, skipped series named, CSV with a BOM on stdout, goal-seek wording."""
from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

import cli
from fixtures_io import write_csv  # noqa: E402

runner = CliRunner()
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def run(*args):
    return runner.invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and res.stdout.startswith("targetcast ")


def test_every_command_that_prints_a_table_takes_lang():
    commands = typer.main.get_command(cli.app).commands
    printing = [n for n, c in commands.items() if any(p.name == "fmt" for p in c.params)]
    assert {"plans", "show", "forecast", "backtest", "risk", "compare", "suggest"} <= set(printing)
    for name in printing:
        if name == "validate":  # its table is the problems list, in the files' own words
            continue
        assert any(p.name == "lang" for p in commands[name].params), name


@pytest.mark.parametrize("args, zh, en", [
    (["plans"], "目标数", "targets"),
    (["show", "wuhan_14fyp"], "最新值", "latest"),
    (["forecast", "--series", ROOT / "examples" / "wuhan_wide.csv", "--to-year", 2026, "--draws", 200,
      "--model", "drift"], "80%下限", "lo 80%"),
    (["backtest", "--series", ROOT / "examples" / "wuhan_wide.csv", "--models", "naive", "--draws", 100],
     "区间覆盖率", "cov 80%"),
])
def test_lang_switches_the_headers(args, zh, en):
    a, b = run(*args, "--lang", "zh"), run(*args, "--lang", "en")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    assert zh in a.stdout and zh not in b.stdout and en in b.stdout


def test_scenario_descriptions_are_shown():
    toml = ROOT / "examples" / "scenarios.toml"
    res = run("risk", "wuhan_14fyp", "--scenarios", toml, "--scenario", "slowdown", "--draws", 300)
    assert res.exit_code == 0, res.output
    assert "增速放缓：2024年起各指标年增速下降2个百分点" in res.stdout
    res = run("compare", "wuhan_14fyp", "--scenarios", toml, "--scenario", "policy", "--draws", 300, "--format", "json")
    assert json.loads(res.stdout)["meta"]["scenario_descriptions"]["policy"].startswith("政策加码")


def test_backtest_names_the_series_it_skipped(tmp_path):
    rows = [["region", "indicator", "year", "value"]] + [["A", "long", str(y), str(10 + y - 2010)] for y in range(2010, 2020)]
    rows += [["A", "short", "2018", "1"], ["A", "short", "2019", "2"]]
    res = run("backtest", "--series", write_csv(tmp_path, "s.csv", rows), "--models", "naive", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "A/short" in res.stderr and "only 2 observation" in res.stderr
    assert "A/short" in json.loads(res.stdout)["meta"]["skipped"]
    only_short = write_csv(tmp_path, "short.csv", rows[:1] + rows[-2:])
    res = run("backtest", "--series", only_short)
    assert res.exit_code == 1 and "A/short" in res.stderr  # not an empty table with exit 0


def test_many_skipped_series_are_counted_not_listed(tmp_path):
    rows = [["region", "indicator", "year", "value"], ["A", "ok", "2018", "1"], ["A", "ok", "2019", "2"], ["A", "ok", "2020", "2.5"]]
    rows += [["R", f"single{i}", "2020", "1"] for i in range(40)]
    res = run("forecast", "--series", write_csv(tmp_path, "s.csv", rows), "--to-year", 2022, "--draws", 100,
              "--model", "drift", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.stderr.count("Skipped R/") == 5 and "35 more series skipped" in res.stderr


def test_csv_on_stdout_has_the_bom_a_csv_file_has():
    res = runner.invoke(cli.app, ["plans", "--format", "csv"])
    assert res.stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_goal_seek_for_a_down_target_says_reduce(tmp_path):
    series = write_csv(tmp_path, "s.csv", [["region", "indicator", "year", "value", "unit"]]
                       + [["X", "days", str(y), str(v), "天"] for y, v in zip(range(2015, 2021), [80, 78, 77, 75, 74, 73])])
    targets = write_csv(tmp_path, "t.csv", [["plan", "region", "indicator", "name", "unit", "kind", "direction",
                                             "target_year", "target_value", "baseline_year", "baseline_value"],
                                            ["p", "X", "days", "平均结案天数", "天", "annual", "down", "2024", "45",
                                             "2020", "73"]])
    res = run("risk", "--targets", targets, "--series", series, "--draws", 1000)
    assert res.exit_code == 0, res.output
    assert "减少" in res.stdout and "再降低" in res.stdout and "增加 -" not in res.stdout and "−" not in res.stdout
