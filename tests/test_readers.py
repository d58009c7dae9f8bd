"""Readers: CSV (UTF-8, BOM, GBK), .xlsx, wide tables, Chinese headers; input files untouched."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fixtures_io import (SERIES_HEADER, good_series_rows, good_targets_rows, write_csv,
                         write_xlsx)
from history.problems import DataError
from history.readers import History, Targets, load_series, load_targets, series_from_frame, targets_from_frame

CHINESE_ROWS = [
    ["地区", "指标", "年份", "数值", "单位", "数据来源", "备注"],
    ["武汉市", "invention_grants", "2019", "9000", "件", "统计公报", ""],
    ["武汉市", "invention_grants", "2020", "14667", "件", "统计公报", "含港澳台"],
]


def test_long_utf8_csv_types_and_rows(tmp_path):
    h = load_series(write_csv(tmp_path, "s.csv", good_series_rows()))
    assert isinstance(h, History)
    f = h.frame
    assert list(f.columns) == ["region", "indicator", "year", "value", "unit", "source", "note", "row"]
    assert f["year"].dtype == np.int64 and f["value"].dtype == np.float64 and f["row"].dtype == np.int64
    assert f["row"].tolist() == [2, 3, 4, 5]
    assert f.loc[f["region"] == "浙江省", ["value", "unit", "note"]].iloc[0].tolist() == [3.2, "千件", "rounded"]
    assert h.notes == ()


def test_utf8_bom_header_is_recognised(tmp_path):
    path = write_csv(tmp_path, "bom.csv", good_series_rows(), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    h = load_series(path)
    assert h.frame["region"].iloc[0] == "武汉市"
    assert len(h.frame) == 4


def test_gbk_csv_read_as_gb18030_with_note(tmp_path):
    path = write_csv(tmp_path, "gbk.csv", CHINESE_ROWS, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    h = load_series(path)
    assert h.frame["region"].tolist() == ["武汉市", "武汉市"]
    assert h.frame["note"].tolist() == ["", "含港澳台"]
    notes = [p for p in h.notes if "GB18030" in p.problem]
    assert len(notes) == 1 and notes[0].severity == "note" and notes[0].file == str(path)


def test_undetectable_encoding_is_refused_with_conversion_advice(tmp_path):
    # Shift-JIS: paired high bytes (not a European code page), and read as GB18030 its header
    # names no known column. (A Latin-1 file is recognised: tests/test_bad_input.py.)
    path = tmp_path / "sjis.csv"
    path.write_bytes("地域名,指標名,年次,数量\n東京都,特許,2020,12\n".encode("shift_jis"))
    with pytest.raises(DataError, match="encoding") as exc:
        load_series(path)
    (problem,) = exc.value.errors
    assert "UTF-8" in problem.fix and "iconv" in problem.fix


def test_chinese_headers_with_fullwidth_spaces(tmp_path):
    rows = [list(r) for r in CHINESE_ROWS]
    rows[0] = ["　地区 ", " 指标", "年度", "值", "单位", "来源", "说明"]
    h = load_series(write_csv(tmp_path, "zh.csv", rows))
    assert h.frame[["region", "year", "value", "source", "note"]].iloc[1].tolist() == [
        "武汉市", 2020, 14667.0, "统计公报", "含港澳台"]


def test_targets_csv_with_aliases_and_synonyms(tmp_path):
    rows = good_targets_rows()
    rows[0] = ["plan_id", "region_zh", "indicator", "indicator_zh"] + rows[0][4:]
    t = load_targets(write_csv(tmp_path, "t.csv", rows))
    assert isinstance(t, Targets)
    f = t.frame
    assert f["plan"].tolist()[:1] == ["wuhan_14fyp"] and f["name"].iloc[0] == "发明专利授权量"
    assert f["strict"].tolist() == [False, False, False, True]
    assert str(f["baseline_year"].dtype) == "Int64" and f["target_year"].dtype == np.int64
    assert np.isnan(f["baseline_value"].iloc[2])


def test_xlsx_long_with_percent_formatted_cell(tmp_path):
    rows = [SERIES_HEADER,
            ["武汉市", "share", 2020, 0.12, "%", "", ""],
            ["武汉市", "share", 2021, 13.5, "%", "", ""]]
    path = write_xlsx(tmp_path, "s.xlsx", rows, percent_cells=("D2",))
    h = load_series(path)
    assert h.frame["value"].tolist() == [12.0, 13.5]
    (note,) = [p for p in h.notes if p.row == 2]
    assert note.column == "value" and note.value == "12%" and note.severity == "note"


def test_wide_csv_years_as_columns_empty_cells_absent(tmp_path):
    rows = [["地区", "指标", "指标名称", "单位", "2018", "2019年", "２０２０", "2021"],
            ["武汉市", "invention_grants", "发明专利授权量", "件", "8000", "", "14667", "—"],
            ["武汉市", "pledge_financing", "质押融资额", "亿元", "", "", "10.95", "16.1"]]
    path = write_csv(tmp_path, "wide.csv", rows)
    h = load_series(path)
    f = h.frame.sort_values(["indicator", "year"])
    assert f[["indicator", "year", "value"]].values.tolist() == [
        ["invention_grants", 2018, 8000.0], ["invention_grants", 2020, 14667.0],
        ["pledge_financing", 2020, 10.95], ["pledge_financing", 2021, 16.1]]
    assert f["unit"].tolist() == ["件", "件", "亿元", "亿元"]
    assert f["row"].tolist() == [2, 2, 3, 3]
    (headers,) = [p for p in h.notes if p.row == 1]  # one note for every renamed year header
    assert "'2019年' → 2019" in headers.problem and "'２０２０' → 2020" in headers.problem
    assert not any(p.row in (2, 3) for p in h.notes)  # blanks/placeholders in wide rows are no news


def test_wide_xlsx_with_title_row_above_header(tmp_path):
    rows = [["武汉市知识产权主要指标"],
            [],
            ["region", "indicator", "unit", 2019, 2020],
            ["武汉市", "grants", "件", 9000, None],
            ["武汉市", "apps", "件", "abc", 5]]
    path = write_xlsx(tmp_path, "wide.xlsx", rows)
    with pytest.raises(DataError, match="1 problem") as exc:
        load_series(path)
    (error,) = exc.value.errors
    assert (error.row, error.column, error.value) == (5, "2019", "abc")
    assert any("row 3 is the header" in p.problem for p in exc.value.problems)


def test_tab_separated_text(tmp_path):
    h = load_series(write_csv(tmp_path, "s.tsv", good_series_rows(), delimiter="\t"))
    assert len(h.frame) == 4


def test_sheet_choice_and_unknown_sheet(tmp_path):
    path = write_xlsx(tmp_path, "book.xlsx", [["notes"]], sheet="README",
                      extra_sheets={"history": good_series_rows(), "targets": good_targets_rows()})
    assert len(load_series(path).frame) == 4
    assert len(load_targets(path).frame) == 4
    with pytest.raises(DataError, match="no sheet 'histroy'") as exc:
        load_series(path, sheet="histroy")
    assert "did you mean 'history'" in exc.value.problems[0].fix


@pytest.mark.parametrize("maker", ["csv", "bom", "gbk", "xlsx"])
def test_input_files_are_byte_identical_after_loading(tmp_path, maker):
    rows = good_series_rows() + [["武汉市", "invention_grants", "2022", "abc", "件", "", ""]]
    if maker == "xlsx":
        path = write_xlsx(tmp_path, "s.xlsx", rows)
    else:
        enc = {"csv": "utf-8", "bom": "utf-8-sig", "gbk": "gbk"}[maker]
        path = write_csv(tmp_path, "s.csv", rows, encoding=enc)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(DataError):
        load_series(path)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_missing_file_and_old_xls(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_series(tmp_path / "nope.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataError, match="xls") as exc:
        load_series(old)
    assert ".xlsx" in exc.value.problems[0].fix


def test_series_from_frame_numpy_types_and_row_numbers():
    df = pd.DataFrame({"region": ["甲市", "甲市", "甲市"], "indicator": ["x", "x", "x"],
                       "year": np.array([2019, 2020, 2021], dtype=np.int64),
                       "value": [1.0, np.nan, 3.0]})
    h = series_from_frame(df, file="frame")
    assert h.frame["year"].tolist() == [2019, 2021] and h.frame["row"].tolist() == [2, 4]
    (note,) = h.notes
    assert (note.file, note.row, note.column, note.severity) == ("frame", 3, "value", "note")
    assert "no value" in note.problem


def test_targets_from_frame_matches_file_reader(tmp_path):
    rows = good_targets_rows()
    df = pd.DataFrame(rows[1:], columns=rows[0])
    a = targets_from_frame(df).frame
    b = load_targets(write_csv(tmp_path, "t.csv", rows)).frame
    pd.testing.assert_frame_equal(a, b)


def test_utf16_tab_text_from_excel_unicode_export(tmp_path):
    path = write_csv(tmp_path, "s.txt", good_series_rows(), encoding="utf-16", delimiter="\t")
    h = load_series(path)
    assert h.frame["value"].tolist() == [9000.0, 14667.0, 17000.0, 3.2]
    assert any("UTF-16" in p.problem for p in h.notes)


def test_date_formatted_year_cell_is_an_error(tmp_path):
    import datetime

    rows = [SERIES_HEADER, ["甲市", "x", datetime.datetime(2020, 1, 1), 5, "件", "", ""]]
    with pytest.raises(DataError, match="1 problem") as exc:
        load_series(write_xlsx(tmp_path, "d.xlsx", rows))
    (e,) = exc.value.errors
    assert (e.row, e.column) == (2, "year") and "is a date" in e.problem
