"""CLI contract: exit codes 0/1/2, machine formats parse, every command documented, tables aligned."""
from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
import typer
from rich.cells import cell_len
from typer.testing import CliRunner

import cli

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
# Every registered command, read from the Typer app: a new command cannot escape the help/README check.
COMMANDS = sorted(typer.main.get_command(cli.app).commands)


def run(*args, **kw):
    return runner.invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "220"}, **kw)


@pytest.fixture
def user_files(tmp_path):
    """A planner's own small targets and series files (long CSV)."""
    series = tmp_path / "series.csv"
    rows = ["region,indicator,year,value,unit,source"]
    for i, y in enumerate(range(2014, 2023)):
        rows.append(f"甲市,patents,{y},{1000 * 1.1 ** i:.1f},件,统计公报")
        rows.append(f"甲市,share,{y},{20 + 1.5 * i:.1f},%,统计公报")
    series.write_text("\n".join(rows) + "\n", encoding="utf-8")
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "plan,region,indicator,name,unit,kind,direction,target_year,target_value,baseline_year,baseline_value,category\n"
        "p1,甲市,patents,专利授权量,万件,annual,up,2025,0.25,2020,0.2358,创造\n"
        "p1,甲市,share,占比,%,ratio,up,2025,40,2020,29,运用\n",
        encoding="utf-8",
    )
    return targets, series


def test_every_command_has_help_and_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        res = run(name, "--help")
        assert res.exit_code == 0, (name, res.output)
        assert f"targetcast {name}" in readme, f"command {name!r} is not documented in README.md"


def test_usage_errors_exit_2(user_files):
    _, series = user_files
    assert run("forecast").exit_code == 2  # --series missing
    assert run("risk", "--draws", "many").exit_code == 2
    assert run("forecast", "--series", series).exit_code == 2  # neither --horizon nor --to-year
    assert run("risk", "--correlation", "2").exit_code == 2


def test_plans_json_lists_bundled_plans():
    res = run("plans", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    plans = {r["plan"] for r in rows}
    assert {"wuhan_14fyp", "wuhan_demo_zone", "hubei_services", "yidu_2027", "zhejiang_14fyp"} <= plans


def test_show_plan_and_unknown_plan():
    res = run("show", "wuhan_14fyp", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    assert len(rows) == 19
    assert any(r["indicator"] == "pct_applications" for r in rows)
    bad = run("show", "wuhan_14fy")
    assert bad.exit_code == 1
    assert "wuhan_14fyp" in bad.stderr and "Traceback" not in bad.output


def test_validate_messy_file_exit_1_and_file_untouched(tmp_path):
    messy = tmp_path / "messy.csv"
    content = "地区,指标,年份,数值,单位\n甲市,patents,2020年,1200,件\n甲市,patents,2021,abc,件\n甲市,patents,2021,1300,件\n"
    messy.write_text(content, encoding="utf-8")
    before = messy.read_bytes()
    res = run("validate", messy)
    assert res.exit_code == 1
    assert "abc" in res.stderr and "Traceback" not in res.output
    assert messy.read_bytes() == before
    res_json = run("validate", messy, "--format", "json")
    assert res_json.exit_code == 1
    problems = json.loads(res_json.stdout)["rows"]
    assert any(p["value"] == "abc" and p["row"] == 3 for p in problems)


def test_validate_clean_file_exit_0(user_files):
    targets, series = user_files
    res = run("validate", series, targets)
    assert res.exit_code == 0, res.output


def test_forecast_csv_columns(user_files):
    _, series = user_files
    res = run("forecast", "--series", series, "--to-year", 2025, "--format", "csv", "--draws", 500, "--model", "drift")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(StringIO(res.stdout))
    for col in ["region", "indicator", "year", "model", "mean", "p50", "lo_80", "hi_80", "lo_95", "hi_95"]:
        assert col in frame.columns
    assert set(frame["year"]) == {2023, 2024, 2025}
    assert (frame["lo_95"] <= frame["lo_80"]).all() and (frame["lo_80"] <= frame["p50"]).all()
    assert (frame["p50"] <= frame["hi_80"]).all() and (frame["hi_80"] <= frame["hi_95"]).all()


def test_backtest_json(user_files):
    _, series = user_files
    res = run("backtest", "--series", series, "--models", "naive,drift", "--format", "json", "--draws", 200)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    assert {r["model"] for r in rows} == {"naive", "drift"}


def test_risk_user_files_json_and_reproducible(user_files):
    targets, series = user_files
    args = ["risk", "--targets", targets, "--series", series, "--format", "json", "--draws", 1000, "--seed", 7,
            "--model", "drift"]
    a, b = run(*args), run(*args)
    assert a.exit_code == 0, a.output
    doc = json.loads(a.stdout)
    assert doc == json.loads(b.stdout)
    assert doc["meta"]["seed"] == 7
    rows = {r["indicator"]: r for r in doc["rows"]}
    needed = ["plan", "region", "indicator", "name", "unit", "kind", "direction", "target_year", "target_value",
              "as_of", "last_year", "last_value", "p_attain", "p10", "p50", "p90", "required_growth",
              "historical_growth", "time_progress", "completion", "risk", "model", "n_obs"]
    for col in needed:
        assert col in rows["patents"], col
    # target in 万件, series in 件: values are reported back in the target's unit
    assert rows["patents"]["unit"] == "万件"
    assert rows["patents"]["last_value"] == pytest.approx(1000 * 1.1 ** 8 / 1e4, rel=1e-3)
    assert 0.0 <= rows["share"]["p_attain"] <= 1.0


def test_risk_bundled_mid_term_replay_markdown_is_a_readable_report():
    res = run("risk", "wuhan_14fyp", "--as-of", 2022, "--format", "markdown", "--draws", 500)
    assert res.exit_code == 0, res.output
    assert "评估年 2022" in res.stdout and "## 目标风险表" in res.stdout
    rows = [line for line in res.stdout.splitlines() if line.startswith("| PCT国际专利申请量 |")]
    # nine columns a meeting reads, not the 47 of the CSV
    assert len(rows) == 1 and rows[0].count(" | ") == 8
    assert "随机种子 20240101" in res.stdout and "模拟路径数 500" in res.stdout


def test_risk_table_renders_aligned_cjk():
    res = run("risk", "wuhan_14fyp", "--draws", 300, "--lang", "zh")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    top = next(i for i, ln in enumerate(lines) if ln.startswith("┏"))
    bottom = next(i for i, ln in enumerate(lines) if ln.startswith("└"))
    table_lines = lines[top:bottom + 1]
    assert len(table_lines) > 10, res.stdout
    widths = {cell_len(ln) for ln in table_lines}
    assert len(widths) == 1, widths  # CJK text does not break the column alignment
    assert "PCT国际专利申请量" in res.stdout


def test_output_never_overwrites_input(user_files):
    targets, series = user_files
    before = series.read_bytes()
    res = run("risk", "--targets", targets, "--series", series, "--output", series, "--format", "csv")
    assert res.exit_code == 1
    assert series.read_bytes() == before


def test_bad_series_file_exit_1_with_problem_table(tmp_path, user_files):
    targets, _ = user_files
    bad = tmp_path / "bad.csv"
    bad.write_text("region,indicator,year,value\n甲市,patents,2020,1\n甲市,patents,2020,2\n", encoding="utf-8")
    res = run("risk", "--targets", targets, "--series", bad)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "bad.csv" in res.stderr


def test_template_written_once(tmp_path):
    out = tmp_path / "wuhan.xlsx"
    res = run("template", "wuhan_14fyp", "--output", out)
    assert res.exit_code == 0, res.output
    assert out.exists()
    before = out.read_bytes()
    again = run("template", "wuhan_14fyp", "--output", out)
    assert again.exit_code == 1
    assert out.read_bytes() == before


def test_compare_scenarios(tmp_path):
    res = run("compare", "wuhan_14fyp", "--scenarios", ROOT / "examples" / "scenarios.toml", "--format", "csv",
              "--draws", 500)
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(StringIO(res.stdout))
    assert "p_baseline" in frame.columns
    assert any(c.startswith("d_") for c in frame.columns)


def test_suggest_json():
    res = run("suggest", "wuhan_14fyp", "--to-year", 2030, "--format", "json", "--draws", 500)
    assert res.exit_code == 0, res.output
    rows = {r["indicator"]: r for r in json.loads(res.stdout)["rows"]}
    pct = rows["pct_applications"]
    assert pct["name"] == "PCT国际专利申请量" and pct["direction"] == "up"
    assert pct["p10"] < pct["suggested_target"] < pct["p50"] < pct["p90"]


def test_suggest_plan_table_and_down_target(user_files, tmp_path):
    """A plan's names head the table; a 'down' target is suggested as an upper bound (≤)."""
    targets, series = user_files
    days = tmp_path / "days.csv"
    days.write_text(series.read_text(encoding="utf-8") + "".join(
        f"甲市,trial_days,{y},{90 - 3 * i + (2 if i % 2 else -2)},天,法院年报\n" for i, y in enumerate(range(2016, 2024))),
        encoding="utf-8")
    t2 = tmp_path / "t2.csv"
    t2.write_text(targets.read_text(encoding="utf-8") + "p1,甲市,trial_days,平均审理天数,天,annual,down,2025,60,2020,78,保护\n",
                  encoding="utf-8")
    res = run("suggest", "p1", "--targets", t2, "--series", days, "--to-year", 2030, "--draws", 1000, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["indicator"]: r for r in json.loads(res.stdout)["rows"]}
    assert rows["trial_days"]["direction"] == "down" and rows["patents"]["direction"] == "up"
    assert rows["trial_days"]["suggested_target"] > rows["trial_days"]["p50"]
    assert rows["patents"]["suggested_target"] < rows["patents"]["p50"]
    table = run("suggest", "p1", "--targets", t2, "--series", days, "--to-year", 2030, "--draws", 1000)
    assert table.exit_code == 0, table.output
    assert "平均审理天数" in table.stdout and "2030年建议值" in table.stdout
    assert f"≤{cli.fmt_num(rows['trial_days']['suggested_target'])}" in table.stdout
    assert f"≥{cli.fmt_num(rows['patents']['suggested_target'])}" in table.stdout
    english = run("suggest", "p1", "--targets", t2, "--series", days, "--to-year", 2030, "--draws", 1000, "--lang", "en")
    assert "suggested 2030" in english.stdout


def readme_commands() -> list[str]:
    """`targetcast ...` commands in the README's bash blocks (also after `&&`)."""
    cmds, lang = [], None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            lang = None if lang is not None else (line[3:].strip() or "text")
            continue
        if lang == "bash":
            cmds += [part.strip() for part in line.split("&&") if part.strip().startswith("targetcast")]
    return cmds


def test_every_readme_command_runs(tmp_path, monkeypatch):
    """Every `targetcast ...` line of the README, in order (files it writes go to tmp_path)."""
    import shlex

    commands = readme_commands()
    assert len(commands) >= 8
    monkeypatch.chdir(ROOT)
    for command in commands:
        args = shlex.split(command)[1:]
        # Outputs and the workbook the README creates live in tmp_path, never in the checkout.
        args = [str(tmp_path / Path(a).name) if a.endswith((".xlsx", ".csv", ".html", ".md")) and not Path(a).exists()
                else a for a in args]
        if {"risk", "compare", "suggest", "replay", "report"} & set(args):
            args += ["--draws", "300"]  # the commands must run; probabilities are checked elsewhere
        res = run(*args)
        assert res.exit_code == 0, (command, res.output)
        if args[0] == "template":
            _fill_template(Path(args[args.index("-o") + 1]))


def test_readme_commands_write_outside_the_checkout_and_links_stay_inside():
    """A reader who copies the README's commands leaves no file in the clone, and every link resolves in it."""
    import shlex

    outputs = []
    for command in readme_commands():
        args = shlex.split(command)
        outputs += [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--output")]
    assert outputs and all(o.startswith(("~/", "/tmp/")) for o in outputs), outputs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)", readme):
        if not target.startswith(("http://", "https://")):
            assert (ROOT / target).resolve().is_relative_to(ROOT) and (ROOT / target).exists(), target
    assert "../" not in readme, "README points outside the repository"


def test_ci_runs_the_readme_test_command_verbatim_then_the_slow_checks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(ln for ln in readme.splitlines() if "pytest" in ln and ln.startswith("python3 -m pip"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci and ci.index("python3 -m pytest -q -m slow") > ci.index(command)


def _fill_template(path: Path) -> None:
    """Do what the README asks the planner to do: type known years into the history sheet."""
    import openpyxl

    known = pd.read_csv(ROOT / "examples" / "wuhan_wide.csv")
    wb = openpyxl.load_workbook(path)
    ws = wb["history"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        hit = known[known["indicator"] == row[header.index("indicator")].value]
        for col in hit.columns:
            if col.endswith("年") and int(col[:-1]) in header and not hit[col].isna().all():
                row[header.index(int(col[:-1]))].value = float(hit[col].iloc[0])
    wb.save(path)


def test_unknown_scenario_is_exit_1_with_close_match():
    res = run("risk", "wuhan_14fyp", "--scenarios", ROOT / "examples" / "scenarios.toml", "--scenario", "slowdwn",
              "--draws", 200)
    assert res.exit_code == 1
    assert "slowdown" in res.stderr and "Traceback" not in res.output


def test_scenario_moves_probabilities_in_the_expected_direction():
    base = json.loads(run("risk", "wuhan_14fyp", "--format", "json", "--draws", 2000).stdout)["rows"]
    slow = json.loads(run("risk", "wuhan_14fyp", "--format", "json", "--draws", 2000, "--scenarios",
                          ROOT / "examples" / "scenarios.toml", "--scenario", "slowdown").stdout)["rows"]
    b = {r["indicator"]: r["p_attain"] for r in base if r["p_attain"] is not None and r["risk"] not in ("attained", "missed")}
    s = {r["indicator"]: r["p_attain"] for r in slow if r["indicator"] in b}
    assert b and all(s[k] <= b[k] for k in b)
    assert any(s[k] < b[k] for k in b)


def test_suggest_two_plans_takes_only_their_pairs(tmp_path):
    """Two plans in two regions: each region's own targets, not every region crossed with every indicator."""
    series = tmp_path / "s.csv"
    series.write_text("region,indicator,year,value,unit\n" + "".join(
        f"{r},{i},{y},{100 + 10 * k + (3 if r == '乙市' else 0)},件\n"
        for r in ("甲市", "乙市") for i in ("patents", "marks") for k, y in enumerate(range(2016, 2024))), encoding="utf-8")
    targets = tmp_path / "t.csv"
    targets.write_text("plan,region,indicator,name,unit,kind,direction,target_year,target_value\n"
                       "p1,甲市,patents,专利,件,annual,up,2025,200\np2,乙市,marks,商标,件,annual,up,2025,200\n",
                       encoding="utf-8")
    res = run("suggest", "p1", "p2", "--targets", targets, "--series", series, "--draws", 500, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    assert sorted((r["region"], r["indicator"], r["name"]) for r in rows) == [("乙市", "marks", "商标"), ("甲市", "patents", "专利")]


def test_output_into_a_missing_folder_fails_before_any_work(tmp_path, user_files):
    targets, series = user_files
    res = run("risk", "--targets", targets, "--series", series, "--output", tmp_path / "nodir" / "r.csv", "--format", "csv")
    assert res.exit_code == 1
    assert "does not exist" in res.output and "Traceback" not in res.output
    assert "Simulating" not in res.output  # refused before the simulation
    res = run("risk", "--targets", targets, "--series", series, "--output", tmp_path, "--format", "csv")
    assert res.exit_code == 1 and "is a folder" in res.output


def test_csv_file_has_a_bom_for_excel_and_normal_permissions(tmp_path, user_files):
    import os
    import stat

    targets, series = user_files
    out = tmp_path / "r.csv"
    res = run("risk", "--targets", targets, "--series", series, "--output", out, "--format", "csv", "--draws", 200)
    assert res.exit_code == 0, res.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw[3:].decode("utf-8").startswith("plan,region,indicator")
    assert list(pd.read_csv(out, encoding="utf-8-sig").columns[:2]) == ["plan", "region"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    js = tmp_path / "r.json"
    assert run("risk", "--targets", targets, "--series", series, "--output", js, "--format", "json",
               "--draws", 200).exit_code == 0
    assert js.read_bytes().startswith(b"{")  # JSON stays plain UTF-8


def test_a_misspelt_region_or_indicator_is_named_with_the_fix(tmp_path, user_files):
    """A target joined to no series because of a slip (甲 for 甲市, patent for patents) is not silently 'no data'."""
    targets, series = user_files
    typo = tmp_path / "typo.csv"
    typo.write_text(targets.read_text(encoding="utf-8").replace("p1,甲市,patents", "p1,甲,patent"), encoding="utf-8")
    res = run("risk", "--targets", typo, "--series", series, "--draws", 200)
    assert res.exit_code == 0, res.output
    assert "p1: 甲 / patent has no series; did you mean 甲市 / patents?" in res.output
    assert "没有可评估的目标" not in res.output  # the share target still has history
    clean = run("risk", "--targets", targets, "--series", series, "--draws", 200)
    assert "did you mean" not in clean.output
    both = tmp_path / "both.csv"
    both.write_text(typo.read_text(encoding="utf-8").replace("p1,甲市,share", "p1,乙市,share"), encoding="utf-8")
    none = run("risk", "--targets", both, "--series", series, "--draws", 200)
    assert none.exit_code == 0 and "没有可评估的目标" in none.stdout and "nan" not in none.stdout


def test_scenario_adjustment_naming_nothing_is_warned(tmp_path, user_files):
    targets, series = user_files
    toml = tmp_path / "s.toml"
    toml.write_text('[scenario.x]\ndescription = "typo"\n[[scenario.x.adjust]]\nindicator = "patent"\n'
                    'from_year = 2023\ngrowth_shift = 0.05\n', encoding="utf-8")
    res = run("risk", "--targets", targets, "--series", series, "--scenarios", toml, "--draws", 200)
    assert res.exit_code == 0, res.output
    assert "adjustment 1: indicator 'patent' (did you mean patents?) matches nothing" in res.output
    ok = tmp_path / "ok.toml"
    ok.write_text(toml.read_text(encoding="utf-8").replace('"patent"', '"patents"'), encoding="utf-8")
    assert "matches nothing" not in run("risk", "--targets", targets, "--series", series, "--scenarios", ok,
                                        "--draws", 200).output


def test_default_risk_run_names_each_plans_as_of_year():
    res = run("risk", "--draws", 200, "--format", "json")
    assert res.exit_code == 0, res.output
    meta = json.loads(res.stdout)["meta"]
    assert meta["as_of_by_plan"]["wuhan_14fyp"] == 2024 and meta["as_of_by_plan"]["zhejiang_14fyp"] == 2025
    table = run("risk", "--draws", 200)
    assert "wuhan_14fyp: 预计达标" in table.stdout and "评估年 2024" in table.stdout
