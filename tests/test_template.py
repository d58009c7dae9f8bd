"""The fill-in workbook: written once, reads back as targets and (after filling) as series."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from fixtures_io import good_targets_rows
from history.problems import DataError
from history.readers import load_series, load_targets, targets_from_frame
from history.template import write_template


@pytest.fixture
def targets():
    rows = good_targets_rows()
    return targets_from_frame(pd.DataFrame(rows[1:], columns=rows[0])).frame


def test_template_sheets_and_history_layout(tmp_path, targets):
    path = write_template(targets, "wuhan_14fyp", tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["targets", "history", "说明 README"]
    ws = wb["history"]
    header = [c.value for c in ws[1]]
    # default years: ten years before the baseline (2020) up to the target year (2025)
    assert header == ["region", "indicator", "name", "unit"] + list(range(2010, 2026))
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[:4] for r in body] == [
        ["武汉市", "invention_grants", "发明专利授权量", "件"],
        ["武汉市", "pledge_financing", "知识产权质押融资额", "亿元"],
        ["武汉市", "ip_service_revenue_growth", "服务业营业收入年均增幅", None],  # growth target: level unit unknown
    ]
    assert all(v is None for r in body for v in r[4:])
    assert wb["targets"]["A1"].comment.text == "规划"


def test_template_round_trip_after_filling_cells(tmp_path, targets):
    path = write_template(targets, "wuhan_14fyp", tmp_path / "w.xlsx", first_year=2018, last_year=2022)
    wb = openpyxl.load_workbook(path)
    ws = wb["history"]
    ws["E2"], ws["G2"], ws["H2"] = 8000, "14,667", "1.7万"   # 2018, 2020, 2021 of invention_grants
    ws["G3"] = 10.95                                          # 2020 of pledge_financing
    wb.save(path)
    h = load_series(path)
    f = h.frame.sort_values(["indicator", "year"])
    assert f[["indicator", "year", "value", "unit"]].values.tolist() == [
        ["invention_grants", 2018, 8000.0, "件"], ["invention_grants", 2020, 14667.0, "件"],
        ["invention_grants", 2021, 17000.0, "件"], ["pledge_financing", 2020, 10.95, "亿元"]]
    assert {(p.row, p.column) for p in h.notes} == {(2, "2020"), (2, "2021")}
    back = load_targets(path).frame
    cols = [c for c in targets.columns if c != "row"]
    expected = targets[targets["plan"] == "wuhan_14fyp"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(back[cols], expected)


def test_template_refuses_to_overwrite(tmp_path, targets):
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"mine")
    with pytest.raises(DataError, match="already exists") as exc:
        write_template(targets, "wuhan_14fyp", path)
    assert "another --output" in exc.value.problems[0].fix
    assert path.read_bytes() == b"mine"


def test_unknown_plan_offers_close_matches(tmp_path, targets):
    with pytest.raises(DataError, match="Did you mean wuhan_14fyp") as exc:
        write_template(targets, "wuhan_14fy", tmp_path / "w.xlsx")
    assert exc.value.problems[0].value == "wuhan_14fy"
    assert not (tmp_path / "w.xlsx").exists()


def test_template_bad_years_and_suffix(tmp_path, targets):
    with pytest.raises(DataError, match="first_year 2025 is after last_year 2020"):
        write_template(targets, "wuhan_14fyp", tmp_path / "w.xlsx", first_year=2025, last_year=2020)
    with pytest.raises(DataError, match=r"\.xlsx"):
        write_template(targets, "wuhan_14fyp", tmp_path / "w.csv")
    assert list(tmp_path.iterdir()) == []


def test_validate_file_checks_both_sheets_of_a_filled_template(tmp_path, targets):
    from history.validation import validate_file

    path = write_template(targets, "wuhan_14fyp", tmp_path / "w.xlsx", first_year=2019, last_year=2021)
    wb = openpyxl.load_workbook(path)
    wb["history"]["E2"] = "abc"          # 2019 of invention_grants
    wb["targets"]["J3"] = "-"            # target_value of the second target
    wb.save(path)
    kind, problems = validate_file(path)
    errors = sorted((p.file, p.row, p.column, p.value) for p in problems if p.severity == "error")
    assert kind == "series+targets"  # both sheets were checked
    assert errors == [(f"{path}[history]", 2, "2019", "abc"), (f"{path}[targets]", 3, "target_value", "-")]
