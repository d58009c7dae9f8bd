"""Validation rules: one test per rule, each asserting the problem's row, column and value."""
from __future__ import annotations

import pytest

from fixtures_io import (SERIES_HEADER, TARGETS_HEADER, good_series_rows, good_targets_rows, with_row, write_csv,
                         write_xlsx)
from history.problems import DataError, problems_frame
from history.readers import load_series, load_targets
from history.validation import validate_file


def series_error(tmp_path, rows, match):
    with pytest.raises(DataError, match=match) as exc:
        load_series(write_csv(tmp_path, "s.csv", rows))
    return exc.value


def targets_error(tmp_path, rows, match):
    with pytest.raises(DataError, match=match) as exc:
        load_targets(write_csv(tmp_path, "t.csv", rows))
    return exc.value


def only_error(exc):
    (e,) = exc.errors
    return e


def add_series(**cells):
    return with_row(good_series_rows(), SERIES_HEADER, **cells)


def add_target(**cells):
    base = dict(plan="p", region="甲市", indicator="x", target_year="2025", target_value="10")
    return with_row(good_targets_rows(), TARGETS_HEADER, **{**base, **cells})


# --------------------------------------------------------------------------- columns


def test_missing_required_column_with_close_match(tmp_path):
    rows = [["region", "indicator", "year", "valeu"], ["甲市", "x", "2020", "1"]]
    exc = series_error(tmp_path, rows, "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (1, "value", None)
    assert "Missing required column 'value'" in e.problem and "did you mean 'valeu'" in e.fix.lower()


def test_missing_target_columns_all_reported(tmp_path):
    rows = [["plan", "地区", "indicator", "目标年"], ["p", "甲市", "x", "2025"]]
    exc = targets_error(tmp_path, rows, "1 problem")
    assert [p.column for p in exc.errors] == ["target_value"]
    assert "目标值" in exc.errors[0].fix


def test_unknown_optional_column_close_to_known_is_a_note(tmp_path):
    rows = [["region", "indicator", "year", "value", "untis"], ["甲市", "x", "2020", "1", "件"]]
    h = load_series(write_csv(tmp_path, "s.csv", rows))
    (note,) = h.notes
    assert note.column == "untis" and "'units'" not in note.fix and "unit" in note.fix
    assert h.frame["unit"].iloc[0] == ""


# --------------------------------------------------------------------------- values and years


def test_non_numeric_value(tmp_path):
    exc = series_error(tmp_path, add_series(region="甲市", indicator="x", year="2020", value="约1200", unit="件"),
                       "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "value", "约1200") and "not a number" in e.problem


@pytest.mark.parametrize("year, fix_word", [("2020.5", "four-digit"), ("二〇二〇", "Arabic digits")])
def test_non_integer_year(tmp_path, year, fix_word):
    exc = series_error(tmp_path, add_series(region="甲市", indicator="x", year=year, value="1"), "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "year", year) and fix_word in e.fix


def test_placeholders_are_missing_not_zero(tmp_path):
    rows = good_series_rows()
    for i, ph in enumerate(["—", "-", "XX", "/", "N/A", "无", "", "--"]):
        rows.append(["甲市", "x", str(2010 + i), ph, "件", "", ""])
    h = load_series(write_csv(tmp_path, "s.csv", rows))
    assert len(h.frame) == 4 and "甲市" not in set(h.frame["region"])
    skipped = [p for p in h.notes if "no value" in p.problem]
    assert [p.row for p in skipped] == list(range(6, 14))
    assert all(p.severity == "note" and p.column == "value" for p in skipped)


@pytest.mark.parametrize("cell, unit, value, out_unit", [
    ("12,345", "件", 12345.0, "件"),
    ("12，345", "件", 12345.0, "件"),
    ("１２３４５", "件", 12345.0, "件"),
    ("12%", "", 12.0, "%"),
    ("12%", "%", 12.0, "%"),
    ("1.2万", "件", 12000.0, "件"),
    ("1.2万", "万件", 1.2, "万件"),
    ("1.2亿", "元", 120000000.0, "元"),
    ("26.1亿元", "万元", 261000.0, "万元"),
])
def test_value_normalisations_are_notes(tmp_path, cell, unit, value, out_unit):
    rows = [SERIES_HEADER, ["甲市", "x", "2020年", cell, unit, "", ""]]
    h = load_series(write_csv(tmp_path, "s.csv", rows))
    assert h.frame[["year", "value", "unit"]].iloc[0].tolist() == [2020, value, out_unit]
    by_column = {p.column: p for p in h.notes}
    assert by_column["year"].value == "2020年" and by_column["year"].row == 2
    assert by_column["value"].value == cell and by_column["value"].severity == "note"


@pytest.mark.parametrize("cell, unit, match", [
    ("1.2万", "亿件", "ambiguous"),
    ("12%", "件", "percentage"),
    ("5亿元", "件", "is in 亿元"),
])
def test_value_unit_conflicts_are_errors(tmp_path, cell, unit, match):
    exc = series_error(tmp_path, [SERIES_HEADER, ["甲市", "x", "2020", cell, unit, "", ""]], "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (2, "value", cell) and match in e.problem


# --------------------------------------------------------------------------- duplicates and units


def test_duplicate_with_different_values_names_both_rows_and_sources(tmp_path):
    rows = add_series(region="武汉市", indicator="invention_grants", year="2020", value="14700", unit="件",
                      source="新闻稿")
    exc = series_error(tmp_path, rows, "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "value", "14700")
    assert "row 3 has 14667" in e.problem and "row 6 has 14700" in e.problem
    assert "统计公报 2020" in e.problem and "新闻稿" in e.problem


def test_identical_duplicate_is_note_and_one_kept(tmp_path):
    rows = add_series(region="武汉市", indicator="invention_grants", year="2020", value="14,667", unit="件")
    h = load_series(write_csv(tmp_path, "s.csv", rows))
    assert len(h.frame) == 4 and h.frame["row"].tolist() == [2, 3, 4, 5]
    dup = [p for p in h.notes if "repeats" in p.problem]
    assert [(p.row, p.severity) for p in dup] == [(6, "note")]


def test_unit_mismatch_within_series(tmp_path):
    rows = add_series(region="武汉市", indicator="invention_grants", year="2022", value="1.8", unit="万件")
    exc = series_error(tmp_path, rows, "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "unit", "万件") and "'件' (row 2)" in e.problem


def test_negative_count_in_series(tmp_path):
    exc = series_error(tmp_path, add_series(region="甲市", indicator="x", year="2020", value="-3", unit="家"),
                       "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "value", "-3") and "Negative" in e.problem


def test_percentage_series_outside_0_100(tmp_path):
    exc = series_error(tmp_path, add_series(region="甲市", indicator="x", year="2020", value="120%"), "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "value", "120") and "outside 0-100" in e.problem


# --------------------------------------------------------------------------- targets


def test_unknown_kind_with_close_match_and_chinese_synonym(tmp_path):
    rows = add_target(kind="stok")
    rows = with_row(rows, TARGETS_HEADER, plan="p", region="甲市", indicator="y", kind="存量", target_year="2025",
                    target_value="5")
    exc = targets_error(tmp_path, rows, "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "kind", "stok") and "did you mean stock" in e.fix
    note = [p for p in exc.problems if p.row == 7]
    assert note[0].severity == "note" and "'stock'" in note[0].problem


def test_chinese_kind_direction_strict_synonyms(tmp_path):
    rows = [TARGETS_HEADER,
            ["p", "甲市", "a", "", "%", "比重", "提高", "是", "", "", "2025", "15"],
            ["p", "甲市", "b", "", "件", "累计", "增加", "超过", "2020", "0", "2025", "1000"],
            ["p", "甲市", "c", "", "%", "年均增长", "up", "否", "2020", "", "2025", "8"],
            ["p", "甲市", "d", "", "%", "压减", "降低", "false", "2024", "30", "2025", "10"]]
    t = load_targets(write_csv(tmp_path, "t.csv", rows))
    f = t.frame
    assert f["kind"].tolist() == ["ratio", "cumulative", "growth_rate", "reduction"]
    assert f["direction"].tolist() == ["up", "up", "up", "down"]
    assert f["strict"].tolist() == [True, True, False, False]


def test_unknown_direction_and_strict(tmp_path):
    exc = targets_error(tmp_path, add_target(direction="upp", strict="maybe"), "2 problem")
    assert sorted((p.row, p.column, p.value) for p in exc.errors) == [(6, "direction", "upp"), (6, "strict", "maybe")]
    assert "did you mean up" in [p for p in exc.errors if p.column == "direction"][0].fix


def test_target_year_before_baseline_year(tmp_path):
    exc = targets_error(tmp_path, add_target(baseline_year="2025", target_year="2020"), "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "target_year", "2020") and "not after baseline_year 2025" in e.problem


@pytest.mark.parametrize("kind", ["cumulative", "growth_rate", "reduction"])
def test_baseline_year_needed(tmp_path, kind):
    unit = "%" if kind != "cumulative" else "件"
    exc = targets_error(tmp_path, add_target(kind=kind, unit=unit, baseline_value="100"), "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "baseline_year", "") and f"A {kind} target needs a baseline_year" in e.problem


def test_reduction_needs_baseline_value_growth_rate_does_not(tmp_path):
    exc = targets_error(tmp_path, add_target(kind="reduction", unit="%", baseline_year="2020"), "1 problem")
    e = only_error(exc)
    assert (e.row, e.column) == (6, "baseline_value") and "reduction" in e.problem
    ok = load_targets(write_csv(tmp_path, "g.csv", add_target(kind="growth_rate", unit="%", baseline_year="2020")))
    assert ok.frame["kind"].iloc[-1] == "growth_rate"


def test_negative_target_in_count_unit_but_allowed_for_growth_rate(tmp_path):
    exc = targets_error(tmp_path, add_target(unit="亿元", target_value="-5"), "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "target_value", "-5") and "Negative" in e.problem
    ok = load_targets(write_csv(tmp_path, "g.csv",
                                add_target(kind="growth_rate", unit="%", baseline_year="2020", target_value="-2")))
    assert ok.frame["target_value"].iloc[-1] == -2.0


def test_ratio_outside_0_100(tmp_path):
    exc = targets_error(tmp_path, add_target(kind="ratio", unit="%", target_value="130", baseline_value="-1"),
                        "2 problem")
    assert sorted((p.column, p.value) for p in exc.errors) == [("baseline_value", "-1"), ("target_value", "130")]
    # a per-100-firms count may exceed 100 (Zhejiang reached 100.1 against a target of 82)
    ok = load_targets(write_csv(tmp_path, "ok.csv", add_target(kind="ratio", unit="件", target_value="101")))
    assert ok.frame["target_value"].iloc[-1] == 101.0


def test_target_year_not_an_integer_and_missing_target_value(tmp_path):
    exc = targets_error(tmp_path, add_target(target_year="2025.5", target_value="—"), "2 problem")
    assert sorted((p.row, p.column, p.value) for p in exc.errors) == [(6, "target_value", "—"),
                                                                     (6, "target_year", "2025.5")]


def test_duplicate_targets_with_different_values(tmp_path):
    # Same kind and direction as row 2 and no name of its own: the same target with another value.
    rows = add_target(plan="wuhan_14fyp", region="武汉市", indicator="invention_grants", target_value="18000",
                      kind="annual", direction="up")
    exc = targets_error(tmp_path, rows, "1 problem")
    e = only_error(exc)
    assert (e.row, e.column, e.value) == (6, "target_value", "18000") and "row 2 says 17000" in e.problem


# --------------------------------------------------------------------------- all at once


def messy_rows():
    return [
        ["地区", "指标", "年份", "数值", "单位", "来源"],
        ["甲市", "patents", "2018年", "1,200", "件", "公报"],      # 2: notes only
        ["甲市", "patents", "2019", "abc", "件", "公报"],          # 3: non-numeric
        ["甲市", "patents", "2020.5", "1300", "件", "公报"],       # 4: non-integer year
        ["甲市", "patents", "2018", "1250", "件", "新闻"],         # 5: duplicate of row 2, different value
        ["甲市", "patents", "2021", "-40", "件", "公报"],          # 6: negative count
        ["甲市", "share", "2021", "130", "%", "公报"],             # 7: % outside 0-100
        ["甲市", "patents", "2022", "1.5", "万件", "公报"],        # 8: unit differs within the series
        ["", "patents", "2023", "1600", "件", "公报"],             # 9: empty region
        ["甲市", "patents", "2024", "XX", "件", "公报"],           # 10: placeholder -> note
        ["甲市", "patents", "二〇二五", "1700", "件", "公报"],      # 11: Chinese-numeral year
    ]


def test_messy_spreadsheet_reports_everything_at_once(tmp_path):
    path = write_xlsx(tmp_path, "messy.xlsx", messy_rows())
    with pytest.raises(DataError, match="8 problem") as exc:
        load_series(path)
    frame = problems_frame(exc.value.problems)
    errors = frame[frame["severity"] == "error"]
    assert sorted(errors["row"].tolist()) == [3, 4, 5, 6, 7, 8, 9, 11]
    assert set(errors["column"]) == {"数值", "年份", "单位", "地区"}  # the headers as the user wrote them
    notes = frame[frame["severity"] == "note"]
    assert {(r, c) for r, c in zip(notes["row"], notes["column"])} >= {(2, "年份"), (2, "数值"), (10, "数值")}
    assert (frame["file"] == str(path)).all()
    assert frame["row"].tolist() == sorted(frame["row"].tolist())  # reads top to bottom


def test_english_headers_in_any_case_and_spacing(tmp_path):
    rows = [["Plan", "Region", "Indicator", "Target Year", "Target-Value", "Baseline Year"],
            ["p", "甲市", "x", "2025", "17,000", "2020"]]
    t = load_targets(write_csv(tmp_path, "t.csv", rows))
    assert t.frame[["target_year", "target_value", "baseline_year"]].iloc[0].tolist() == [2025, 17000.0, 2020]
    (note,) = t.notes
    assert (note.row, note.column, note.value) == (2, "Target-Value", "17,000")


def test_validate_file_never_raises_and_detects_kind(tmp_path):
    kind, problems = validate_file(write_csv(tmp_path, "messy.csv", messy_rows()))
    assert kind == "series" and sum(p.severity == "error" for p in problems) == 8
    kind, problems = validate_file(write_csv(tmp_path, "t.csv", good_targets_rows()))
    assert (kind, problems) == ("targets", [])
    kind, problems = validate_file(tmp_path / "missing.csv")
    assert problems[0].problem == "File not found."
