"""Large files are validated a column at a time (issue 14): plain cells (digits, names, years)
are read per column, and only the rows with something to report go through the per-cell
readers. These tests pin that the result is exactly the per-cell one: the same frame, the same
problems in the same order, whichever path a row takes.

tests/data/messy holds made-up messy samples (a GBK long table with a title row, 2020年 and
full-width years, thousands separators, blanks, placeholders, negative counts, % over 100,
duplicates, a unit change, a stray cell; a wide table with two columns read as one year; a
targets table with synonyms, comparisons, duplicates and every rule broken once). Their
``*.problems.csv`` and ``*.frame.csv`` were written by the per-cell validator as it was before
the column-at-a-time path (commit a86cf12), and are not to be regenerated from the code under test.
"""
from __future__ import annotations

import datetime
import random
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import history.bundled as bundled
import history.readers as readers
import history.validation as validation
from history.normalise import is_blank
from history.problems import problems_frame
from history.readers import read_table, series_from_frame, targets_from_frame
from history.reference import reference_panel
from history.validation import RawTable, check_series, check_targets

DATA = Path(__file__).resolve().parent / "data" / "messy"
SAMPLES = ["series_long_gbk.csv", "series_wide.csv", "targets.csv"]


def _check(raw: RawTable, **kw):
    targets = "target_value" in raw.headers or "target_year" in raw.headers
    return (check_targets if targets else check_series)(raw, **kw)


def _typed(problems):
    return [tuple((type(v), v) for v in vars(p).values()) for p in problems]


def _assert_same(a, b):
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    assert _typed(a[1]) == _typed(b[1])


@pytest.mark.parametrize("name", SAMPLES)
def test_messy_samples_give_what_the_per_cell_validator_gave(name):
    frame, problems = _check(read_table(DATA / name))
    found = problems_frame(problems)
    found["file"] = found["file"].map(lambda f: Path(f).name)
    stem = name.rsplit(".", 1)[0]
    assert found.to_csv(index=False, lineterminator="\n") == (DATA / f"{stem}.problems.csv").read_text(encoding="utf-8")
    assert frame.to_csv(index=False, lineterminator="\n") == (DATA / f"{stem}.frame.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SAMPLES)
def test_fast_path_equals_the_per_cell_path_on_the_samples(name):
    raw = read_table(DATA / name)
    _assert_same(_check(raw), _check(raw, fast=False))


# Cells as CSV (text) and .xlsx (numbers, dates, None) give them, plain and not.
YEARS = ["2018", "2019年", "２０２０", "2020.5", "二〇二五", "", "2021 ", 2019, 2020.0, True, "abc", None,
         datetime.date(2020, 1, 1), "2017", "2016", "2020年度", " 2019", "1700"]
VALUES = ["1,200", "abc", "-40", "130", "1.5万", "12%", "XX", "—", "", " ", "1e5", "1.2E+05", "12，345", 1200, 12.5,
          -3, float("nan"), "1" * 30, 10**20, "0.5", "-0", "007", "12.", ".5", "+12", "３４", "50", "99.9", "100",
          "-0.5", 0, float("inf"), "3件", "2亿元", "1.2万件", "60", "60.0", 60, 60.0, None]
UNITS = ["件", "万件", "%", "", "pieces", "n / a", "亿元", None, "件/万人", "千件", "PCT", " 件 "]
REGIONS = ["甲市", "乙市", "", "\u3000甲市 ", None]
INDICATORS = ["patents", "share", ""]
TARGET_CELLS = [
    ["p", "q", ""], REGIONS, INDICATORS, ["", "a（确保）", "a", None], ["件", "%", "", "万件", "pieces", None, "n / a"],
    ["", "stock", "annual", "ratio", "cumulative", "growth_rate", "reduction", "年均增长", "bogus", None],
    ["", "up", "down", "提高", "sideways", None], ["", "yes", "no", "是", "maybe", None],
    ["2020", "2020年", "", "—", "abc", 2019, "2026", None], ["100", "-5", "150", "", "—", "1,000", "50", 50.0, None, "0"],
    ["2025", "2025年", "2019", "", 2025, "2030"],
    ["100", "-5", "150", "", "≥2500", "2500以上", "1.2万", "12%", "50", "abc", 80.5, "0", "101", "7"]]
TARGET_HEADER = ("plan", "region", "indicator", "name", "unit", "kind", "direction", "strict", "baseline_year",
                 "baseline_value", "target_year", "target_value")


def _random_tables(rng: random.Random):
    for t in range(150):
        n = rng.randint(0, 30)
        if t % 3 == 0:
            yield RawTable("wide.csv", ("region", "indicator", "unit", "2018", "2019年", "2020", "2020年"),
                           tuple((i + 2, (rng.choice(REGIONS), rng.choice(INDICATORS), rng.choice(UNITS),
                                          *(rng.choice(VALUES + [None, ""]) for _ in range(4)))) for i in range(n)))
        elif t % 3 == 1:
            rows = tuple((i + 2, (rng.choice(REGIONS), rng.choice(INDICATORS), rng.choice(YEARS), rng.choice(VALUES),
                                  rng.choice(UNITS), rng.choice(["公报", "", None])))
                         for i in range(n))
            if t % 4 == 0:  # ragged rows
                rows = tuple((r, cells[:rng.randint(2, 6)]) for r, cells in rows)
            yield RawTable("long.csv", ("地区", "指标", "年份", "数值", "单位", "来源"), rows)
        else:
            yield RawTable("targets.csv", TARGET_HEADER,
                           tuple((i + 2, tuple(rng.choice(c) for c in TARGET_CELLS)) for i in range(n)))


def test_fast_path_equals_the_per_cell_path_on_random_messy_tables():
    for raw in _random_tables(random.Random(14)):
        _assert_same(_check(raw), _check(raw, fast=False))


def _plain_tables(n_regions: int = 40):
    years = range(2012, 2024)
    series = pd.DataFrame([(f"R{r:03d}", ind, str(y), f"{(r + 1) * (y - 2000) * k:.4g}", unit)
                           for r in range(n_regions) for k, (ind, unit) in enumerate([("a", "件"), ("b", "亿元")], 1)
                           for y in years], columns=["region", "indicator", "year", "value", "unit"])
    targets = pd.DataFrame([(f"plan{r}", f"R{r:03d}", "a", "件", "stock", "2023", "100", "2030", "200")
                            for r in range(n_regions)],
                           columns=["plan", "region", "indicator", "unit", "kind", "baseline_year", "baseline_value",
                                    "target_year", "target_value"])
    return series, targets


def test_plain_rows_are_never_read_cell_by_cell(monkeypatch):
    series, targets = _plain_tables()
    expected_series = check_series(readers._table_from_frame(series, "s"), fast=False)
    expected_targets = check_targets(readers._table_from_frame(targets, "t"), fast=False)

    def per_cell(*args):
        raise AssertionError("a plain row was read cell by cell")

    monkeypatch.setattr(validation, "_series_row", per_cell)
    monkeypatch.setattr(validation, "_target_row", per_cell)
    h, t = series_from_frame(series, file="s"), targets_from_frame(targets, file="t")
    _assert_same((h.frame, list(h.notes)), expected_series)
    _assert_same((t.frame, list(t.notes)), expected_targets)


@pytest.mark.parametrize("text", ["", " ", "\t\r\n", "\x1c\x1f", "a", " a ", "\u3000", "\xa0", "\u2003", "\u200b",
                                  "　x", "\ufeff"])
def test_is_blank_keeps_its_nfkc_definition(text):
    assert is_blank(text) == (unicodedata.normalize("NFKC", text).strip() == "")


def test_the_bundled_series_are_validated_once_per_process_and_handed_out_as_copies(monkeypatch):
    calls = []
    check = readers.check_series
    monkeypatch.setattr(readers, "check_series", lambda raw: calls.append(raw.file) or check(raw))
    for cached in (bundled._validated, bundled._peer_frame, bundled._parsed_csv):
        cached.cache_clear()
    try:
        first = bundled.bundled_series()
        first.frame.loc[0, "value"] = -1.0  # a caller's change stays in its copy
        panel = bundled.peer_panel()
        panel.loc[:, "value"] = np.nan
        mine = pd.DataFrame({"region": ["甲市"], "indicator": ["x"], "year": [2020], "value": [1.0]})
        reference_panel(mine, "mine.csv")
        again = bundled.bundled_series()
        assert calls == [bundled.SERIES_FILE]
        assert again.frame.loc[0, "value"] != -1.0 and bundled.peer_panel()["value"].notna().all()
        assert again.frame is not bundled.bundled_series().frame
    finally:
        for cached in (bundled._validated, bundled._peer_frame, bundled._parsed_csv):
            cached.cache_clear()  # the next test validates with the real check_series


def test_a_pair_is_checked_against_keys_indexed_once(monkeypatch):
    """Typos and unmatched targets: the series' keys are indexed once per check, not per target
    (60,000 targets x 30,000 keys rescanned per target took minutes)."""
    import history.matching as matching
    from history.pairing import check_pair
    from targetcast.inputs import typo_warnings, unmatched_warnings

    series = pd.DataFrame({"region": [f"R{r:03d}" for r in range(50) for _ in range(3)],
                           "indicator": ["patents", "share", "grants"] * 50, "year": 2020, "value": 1.0})
    targets = pd.DataFrame({"plan": "p", "region": [f"R{r:03d}" for r in range(50)] + ["R0001", "Q"],
                            "indicator": ["patent"] * 50 + ["patents", "x"], "target_year": 2025})
    built = []
    init = matching.KeyIndex.__init__
    monkeypatch.setattr(matching.KeyIndex, "__init__", lambda self, keys: built.append(1) or init(self, keys))
    typos = typo_warnings(targets, series)
    assert len(typos) == 51 and "R0001 / patents has no series; did you mean R000 / patents?" in typos[-1]
    assert len(built) == 1
    assert "1 target indicator(s)" in unmatched_warnings(targets, series)[0] and len(built) == 2
    problems = check_pair(targets, series, targets_file="t", series_file="s")
    assert sum(p.severity == "error" for p in problems) == 51 and len(built) == 3


def test_a_dataframe_gives_the_cells_read_one_by_one():
    """series_from_frame / targets_from_frame: missing values become None and numpy scalars
    Python ones, found a column at a time; every other cell is passed on as it is."""
    import decimal
    import math

    df = pd.DataFrame({
        "a": [1, None, np.int64(3), pd.NA, pd.NaT, decimal.Decimal("NaN"), float("nan"), np.float32(1.5), "x",
              datetime.date(2020, 1, 1), np.datetime64("NaT"), True, np.bool_(False)],
        "b": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], dtype="Int64"),
        "c": pd.to_datetime(["2020-01-01", None] * 6 + ["2021-01-01"]),
        "d": np.arange(13, dtype=np.float32), "e": pd.Categorical(["a", None] * 6 + ["b"]),
        "f": ["2020年", "1,234", "", None] * 3 + ["12万"]})

    def one_by_one(v):
        if v is None or v is pd.NA or v is pd.NaT:
            return None
        v = v.item() if isinstance(v, np.generic) else v
        return None if isinstance(v, float) and math.isnan(v) else v

    expected = [(i + 2, tuple(one_by_one(v) for v in r)) for i, r in enumerate(df.to_numpy(dtype=object))]
    raw = readers._table_from_frame(df, "f")
    assert [(n, [(type(v), v) for v in cells]) for n, cells in raw.rows] == \
        [(n, [(type(v), v) for v in cells]) for n, cells in expected]
    assert readers._table_from_frame(pd.DataFrame(index=range(2)), "f").rows == ((2, ()), (3, ()))
