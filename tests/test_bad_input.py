"""Bad input of the kinds a planner's workbook holds (issue 13): each is caught with a message
naming the file, row or cell and the fix, exit code 1, no traceback — or read correctly."""
from __future__ import annotations

import datetime
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from fixtures_io import write_csv, write_xlsx  # noqa: E402
from history.problems import DataError
from history.readers import load_series
from history.validation import validate_file

runner = CliRunner()


def run(*args):
    return runner.invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "100"})


def _errors(problems):
    return [p for p in problems if p.severity == "error"]


# --- crashes and misleading errors ---------------------------------------------------------

@pytest.fixture(scope="module")
def unfilled_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "my_plan.xlsx"
    assert run("template", "wuhan_14fyp", "-o", path).exit_code == 0
    return path


@pytest.mark.parametrize("args", [
    ["validate", "{t}"],
    ["forecast", "--series", "{t}", "--to-year", "2030"],
    ["risk", "wuhan_14fyp", "--targets", "{t}", "--series", "{t}", "--draws", "200"],
    ["suggest", "wuhan_14fyp", "--targets", "{t}", "--series", "{t}", "--to-year", "2030", "--draws", "200"],
    ["backtest", "--series", "{t}"],
])
def test_the_unfilled_template_says_it_has_no_values(unfilled_template, args):
    res = run(*[a.format(t=unfilled_template) for a in args])
    assert res.exit_code == 1, res.output
    assert "No values" in res.stderr and "Traceback" not in res.output
    assert "history.readers" not in res.output and "None" not in res.stderr


def test_a_two_level_merged_header_is_read(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "指标", "单位", "年份", None, None])
    ws.append([None, None, None, 2018, 2019, "2020年"])
    ws.append(["武汉市", "grants", "件", 100, 110, 121])
    for rng in ("A1:A2", "B1:B2", "C1:C2", "D1:F1"):
        ws.merge_cells(rng)
    wb.save(tmp_path / "two.xlsx")
    h = load_series(tmp_path / "two.xlsx")
    assert h.frame["year"].tolist() == [2018, 2019, 2020] and h.frame["value"].tolist() == [100, 110, 121]
    assert any("two-level header" in p.problem for p in h.notes)


def test_a_stray_cell_at_xfd1048576_neither_hangs_nor_is_lost(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["region", "indicator", "year", "value"])
    for i in range(4):
        ws.append(["A", "x", 2018 + i, 100 + i])
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "stray.xlsx")
    start = time.perf_counter()
    h = load_series(tmp_path / "stray.xlsx")
    assert time.perf_counter() - start < 20
    assert len(h.frame) == 4
    (note,) = [p for p in h.notes if p.row == 1048576]
    assert "XFD" in note.value and "ignored" in note.problem


def test_a_formula_without_a_saved_result_is_named(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["region", "indicator", "year", "value"])
    ws.append(["A", "x", 2019, 100])
    ws.append(["A", "x", 2020, "=D2*1.1"])  # written by a script: no cached value
    wb.save(tmp_path / "f.xlsx")
    _, problems = validate_file(tmp_path / "f.xlsx")
    (e,) = _errors(problems)
    assert e.row == 3 and e.column == "D" and "formula" in e.problem and "save" in e.fix.lower()


def test_an_empty_first_sheet_is_skipped_by_every_command_alike(tmp_path):
    path = write_xlsx(tmp_path, "w.xlsx", [], sheet="封面",
                      extra_sheets={"数据": [["region", "indicator", "year", "value"], ["A", "x", 2019, 1.0],
                                             ["A", "x", 2020, 2.0]]})
    kind, problems = validate_file(path)
    assert kind == "series" and not _errors(problems)
    assert len(load_series(path).frame) == 2


# --- wide year headers ---------------------------------------------------------------------

@pytest.mark.parametrize("header", ["2019.0", "2019 年", "2019-12-31", "FY2019", "2019财年", "2019年末"])
def test_wide_year_headers_as_planners_write_them(tmp_path, header):
    rows = [["地区", "指标", "2018", header, "2020"], ["武汉市", "x", "1", "2", "3"]]
    h = load_series(write_csv(tmp_path, "w.csv", rows))
    assert h.frame["year"].tolist() == [2018, 2019, 2020]


def test_a_date_cell_header_at_year_end_is_its_year(tmp_path):
    rows = [["地区", "指标", datetime.datetime(2018, 12, 31), datetime.datetime(2019, 12, 31)], ["武汉市", "x", 1, 2]]
    assert load_series(write_xlsx(tmp_path, "d.xlsx", rows)).frame["year"].tolist() == [2018, 2019]


@pytest.mark.parametrize("header", ["2019-06-30", "2019E", "2019年上半年"])
def test_a_year_like_header_that_is_not_a_year_is_an_error_not_a_silent_drop(tmp_path, header):
    rows = [["地区", "指标", "2018", header, "2020"], ["武汉市", "x", "1", "2", "3"]]
    with pytest.raises(DataError) as e:
        load_series(write_csv(tmp_path, "w.csv", rows))
    (err,) = e.value.errors
    assert err.column == header and "Rename" in err.fix


# --- scenario values that cannot be meant ----------------------------------------------------

@pytest.mark.parametrize("adjust", ["cap = -5", "add_per_year = -1e9"])
def test_scenario_values_that_cannot_be_meant_are_refused(tmp_path, adjust):
    series = write_csv(tmp_path, "s.csv", [["region", "indicator", "year", "value", "unit"]]
                       + [["A", "x", str(y), str(100 + 10 * i), "件"] for i, y in enumerate(range(2015, 2021))])
    targets = write_csv(tmp_path, "t.csv", [["plan", "region", "indicator", "kind", "target_year", "target_value"],
                                            ["p", "A", "x", "annual", "2024", "200"]])
    toml = tmp_path / "sc.toml"
    toml.write_text(f'[scenario.s]\ndescription = ""\n[[scenario.s.adjust]]\nindicator = "x"\n{adjust}\n',
                    encoding="utf-8")
    res = run("risk", "--targets", targets, "--series", series, "--scenarios", toml, "--draws", 200)
    assert res.exit_code == 1, res.output
    assert "A/x" in res.stderr and "unit" in res.stderr and "Traceback" not in res.output


# --- validate the pair, and problems a person can read ----------------------------------------

@pytest.fixture
def pair(tmp_path):
    series = write_csv(tmp_path, "s.csv", [["region", "indicator", "year", "value", "unit"]]
                       + [["X", "patents", str(y), str(100 + 10 * i), "件"] for i, y in enumerate(range(2015, 2021))])
    targets = write_csv(tmp_path, "t.csv", [
        ["plan", "region", "indicator", "unit", "kind", "target_year", "target_value"],
        ["p", "X", "patents", "亿元", "annual", "2024", "200"],  # 亿元 against 件
        ["p", "X", "patent", "件", "annual", "2024", "200"],     # close to patents: a typo
        ["p", "X", "other", "件", "annual", "2024", "200"],      # nothing close: no data
        ["p", "X", "patents", "件", "annual", "2012", "90"],     # before the first observation
    ])
    return targets, series


def test_validate_checks_the_targets_against_the_series(pair):
    targets, series = pair
    assert run("validate", targets).exit_code == 0 and run("validate", series).exit_code == 0
    res = runner.invoke(cli.app, ["validate", "--targets", str(targets), "--series", str(series), "--format", "json"])
    assert res.exit_code == 1, res.output
    import json

    rows = json.loads(res.stdout)["rows"]
    errors = {(r["row"], r["column"]) for r in rows if r["severity"] == "error"}
    assert errors == {(2, "unit"), (3, "indicator"), (5, "target_year")}
    assert any(r["row"] == 4 and r["severity"] == "note" and "no data" in r["problem"] for r in rows)


def test_risk_names_every_target_without_a_series(pair):
    targets, series = pair
    ok = write_csv(targets.parent, "t_ok.csv", [["plan", "region", "indicator", "kind", "target_year", "target_value"],
                                                ["p", "X", "patents", "annual", "2024", "200"],
                                                ["p", "X", "other", "annual", "2024", "200"]])
    res = run("risk", "--targets", ok, "--series", series, "--draws", 200)
    assert res.exit_code == 0, res.output
    assert "X / other" in res.stderr and "no data" in res.stderr


def test_a_long_problem_list_is_a_screenful_with_counts_and_the_file_named_once(tmp_path):
    rows = [["region", "indicator", "year", "value"]] + [["A", "x", str(1900 + i % 200), "abc"] for i in range(3000)]
    path = write_csv(tmp_path, "bad_" + "long_folder_name_" * 3 + ".csv", rows)
    res = run("validate", path)
    assert res.exit_code == 1
    text = " ".join(res.stderr.split())
    assert text.count("abc") < 100  # the first 30 errors (value and message), not 3,000 rows
    assert "2,970 more errors" in text and "--format csv" in text
    assert len(res.stderr) < 20_000
    full = runner.invoke(cli.app, ["validate", str(path), "--format", "csv"])
    assert len(pd.read_csv(__import__("io").StringIO(full.stdout))) == 3000


def test_the_summary_names_the_sheet_and_kind_that_failed(tmp_path):
    path = write_xlsx(tmp_path, "plan.xlsx", [["region", "indicator", "year", "value"], ["A", "x", 2020, 1.0],
                                              ["A", "x", 2021, 2.0]], sheet="history",
                      extra_sheets={"targets": [["plan", "region", "indicator", "target_year", "target_value"],
                                                ["p", "A", "x", "soon", "5"]]})
    res = run("validate", path)
    assert res.exit_code == 1
    assert "FAILED" in res.stderr and "[targets] (targets): 1 error(s)" in " ".join(res.stderr.split())
    assert "[history] (series): 0 error(s)" in " ".join(res.stderr.split())


# --- user text is text, never markup -------------------------------------------------------------

def test_brackets_in_user_text_are_printed_as_written(tmp_path):
    series = write_csv(tmp_path, "s.csv", [["region", "indicator", "year", "value"]]
                       + [["武汉市[/b]", "x[red]", str(y), str(10 + y - 2015)] for y in range(2015, 2021)])
    targets = write_csv(tmp_path, "t.csv", [["plan", "region", "indicator", "target_year", "target_value"],
                                            ["p[/]", "武汉市[/b]", "x[red]", "2024", "20"]])
    toml = tmp_path / "sc.toml"
    toml.write_text('[scenario."slow[/b]"]\ndescription = "[b]放缓"\n[[scenario."slow[/b]".adjust]]\n'
                    'indicator = "x[red]"\ngrowth_shift = -0.02\n', encoding="utf-8")
    res = run("risk", "--targets", targets, "--series", series, "--scenarios", toml, "--draws", 200,
              "--model", "drift")
    assert res.exit_code == 0, res.output
    assert "武汉市[/b]" in res.stdout and "p[/]" in res.stdout and "slow[/b]" in res.stderr
    bad_plan = run("risk", "[/b]", "--draws", 200)
    assert bad_plan.exit_code == 1 and "[/b]" in bad_plan.stderr and "Traceback" not in bad_plan.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[scenario.a\n", encoding="utf-8")
    res = run("risk", "--scenarios", broken, "--draws", 200)
    assert res.exit_code == 1 and "[scenario.NAME]" in " ".join(res.stderr.split())


# --- encodings and numbers ------------------------------------------------------------------------

def test_a_latin1_file_is_read_as_latin1_not_gb18030(tmp_path):
    path = write_csv(tmp_path, "eu.csv", [["region", "indicator", "year", "value"], ["Zürich", "x", "2020", "1"],
                                          ["Zürich", "x", "2021", "2"], ["Genève", "x", "2021", "3"]],
                     encoding="latin-1")
    h = load_series(path)
    assert set(h.frame["region"]) == {"Zürich", "Genève"}
    assert any("Latin-1" in p.problem for p in h.notes)
    gbk = write_csv(tmp_path, "zh.csv", [["地区", "指标", "年份", "数值"], ["武汉市", "x", "2020", "1"]], encoding="gbk")
    assert load_series(gbk).frame["region"].tolist() == ["武汉市"]


@pytest.mark.parametrize("value", ["9" * 400, "1" + "0" * 30, "-" + "9" * 40])
def test_a_number_too_large_to_be_meant_is_an_error_not_inf(tmp_path, value):
    path = write_csv(tmp_path, "s.csv", [["region", "indicator", "year", "value"], ["A", "x", "2020", "1"],
                                         ["A", "x", "2021", value]])
    with pytest.raises(DataError) as e:
        load_series(path)
    (err,) = e.value.errors
    assert err.row == 3 and "too large" in err.problem


# --- --output ---------------------------------------------------------------------------------------

def test_output_never_lands_in_the_package_and_write_errors_are_messages(tmp_path, monkeypatch):
    import history

    inside = __import__("pathlib").Path(history.__file__).parent / "data" / "series.csv"
    before = inside.read_bytes()
    res = run("plans", "--format", "csv", "--output", inside)
    assert res.exit_code == 1 and "package" in res.stderr and inside.read_bytes() == before
    res = run("plans", "--format", "csv", "--output", tmp_path / ("x" * 300 + ".csv"))
    assert res.exit_code == 1 and "long" in res.stderr and "Traceback" not in res.output

    def full_disk(*a, **k):
        raise OSError(28, "No space left on device", str(tmp_path / "out.csv"))

    monkeypatch.setattr(cli.os, "replace", full_disk)
    res = run("plans", "--format", "csv", "--output", tmp_path / "out.csv")
    assert res.exit_code == 1 and "No space left" in res.stderr and "Traceback" not in res.output
    assert not list(tmp_path.glob(".out.csv.*"))  # no temporary file left behind


def test_output_follows_a_symlink_keeps_the_mode_and_clears_a_killed_runs_tmp_file(tmp_path):
    import os

    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    stale = tmp_path / ".real.csv.999999999.tmp"  # left by a run killed with -9 (no such pid)
    stale.write_text("half", encoding="utf-8")
    res = run("plans", "--format", "csv", "--output", link)
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and "wuhan_14fyp" in real.read_text(encoding="utf-8-sig")
    assert (os.stat(real).st_mode & 0o777) == 0o640
    assert not stale.exists()


def test_suggest_names_what_was_asked_for_when_the_pair_has_no_series():
    from scenarios.errors import ScenarioError
    from scenarios.suggest import suggest

    s = pd.DataFrame({"region": ["A", "A", "B", "B"], "indicator": ["x", "x", "y", "y"], "year": [2019, 2020] * 2,
                      "value": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ScenarioError) as e:
        suggest(s, regions=["A"], indicators=["y"], draws=100)
    assert "region(s) A and indicator(s) y" in str(e.value) and "None" not in str(e.value)


@pytest.mark.parametrize("cell, value", [("1.2E+05", 120000.0), ("1e5", 100000.0), ("-3.5e-2", -0.035)])
def test_scientific_notation_is_read_with_a_note(tmp_path, cell, value):
    path = write_csv(tmp_path, "s.csv", [["region", "indicator", "year", "value"], ["A", "x", "2020", cell]])
    h = load_series(path)
    assert h.frame["value"].tolist() == [value]
    assert any("scientific notation" in p.problem for p in h.notes)


@pytest.mark.parametrize("cell, direction, strict", [
    ("≥2500", "up", False), ("2500以上", "up", False), ("突破2500", "up", True), ("超过2500", "up", True),
    ("≤45", "down", False), ("45天以内", "down", False), ("不超过45", "down", False),
])
def test_a_target_value_written_with_its_comparison(tmp_path, cell, direction, strict):
    from history.readers import load_targets

    unit = "天" if "45" in cell else "件"
    path = write_csv(tmp_path, "t.csv", [["plan", "region", "indicator", "unit", "target_year", "target_value"],
                                         ["p", "A", "x", unit, "2025", cell]])
    row = load_targets(path).frame.iloc[0]
    assert (row["target_value"], row["direction"], bool(row["strict"])) == (2500.0 if "2500" in cell else 45.0,
                                                                           direction, strict)


def test_a_comparison_that_contradicts_the_direction_column_is_an_error(tmp_path):
    path = write_csv(tmp_path, "t.csv", [["plan", "region", "indicator", "target_year", "target_value", "direction"],
                                         ["p", "A", "x", "2025", "≤45", "up"]])
    _, problems = validate_file(path)
    (e,) = _errors(problems)
    assert e.column == "target_value" and "direction" in e.problem


def test_a_notes_sheet_before_the_data_is_skipped(tmp_path):
    path = write_xlsx(tmp_path, "w.xlsx", [["填表说明"], ["请在数据表中填写历年数值。"]], sheet="说明",
                      extra_sheets={"Sheet2": [["地区", "指标", "年份", "数值"], ["A", "x", 2019, 1.0], ["A", "x", 2020, 2.0]]})
    assert len(load_series(path).frame) == 2
    assert not _errors(validate_file(path)[1])


def test_sheet_option_picks_the_sheet(tmp_path):
    good = [["region", "indicator", "year", "value"]] + [["A", "x", y, float(y - 2010)] for y in range(2012, 2021)]
    path = write_xlsx(tmp_path, "w.xlsx", good, sheet="old", extra_sheets={"new": good[:1] + [["B", "y", 2018, 0.5], ["B", "y", 2019, 1.0],
                                                                                             ["B", "y", 2020, 2.0]]})
    res = run("forecast", "--series", path, "--sheet", "new", "--to-year", 2022, "--model", "drift", "--draws", 100,
              "--format", "json")
    assert res.exit_code == 0, res.output
    assert {r["region"] for r in __import__("json").loads(res.stdout)["rows"]} == {"B"}
    res = run("validate", path, "--sheet", "nwe")
    assert res.exit_code == 1 and "did you mean 'new'" in " ".join(res.stderr.split())


def test_a_region_merged_down_its_indicator_rows_is_read_on_each_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "指标", "单位", "2019", "2020"])
    ws.append(["武汉市", "grants", "件", 100, 110])
    ws.append([None, "pct", "件", 10, 11])
    ws.append([None, "tm", "件", 5, None])
    ws.append(["宜都市", "grants", "件", 7, None])
    ws.append([None, "pct", "件", 1, None])
    ws.merge_cells("A2:A4")
    ws.merge_cells("A5:A6")
    ws.merge_cells("E4:E6")  # a number (here: nothing) spanning rows is never copied
    ws["E4"] = 99
    wb.save(tmp_path / "m.xlsx")
    h = load_series(tmp_path / "m.xlsx")
    f = h.frame.set_index(["region", "indicator", "year"])["value"]
    assert f[("武汉市", "tm", 2019)] == 5 and f[("宜都市", "pct", 2019)] == 1
    assert f[("武汉市", "tm", 2020)] == 99 and ("宜都市", "grants", 2020) not in f.index
    assert any("merged" in p.problem for p in h.notes)
