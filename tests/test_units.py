"""Units: Chinese magnitudes, per-10k indicators, and reconciling targets with their series."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from history.problems import DataError
from history.units import clean_unit, is_non_negative_unit, reconcile_units, unit_factor


@pytest.mark.parametrize("a, b, factor", [
    ("万件", "件", 10000.0),
    ("件", "万件", 0.0001),
    ("亿件", "万件", 10000.0),
    ("亿元", "万元", 10000.0),
    ("万元", "亿元", 0.0001),
    ("元", "亿元", 1e-8),
    ("万人", "人", 10000.0),
    ("百万元", "万元", 100.0),
    ("件", "件", 1.0),
    ("%", "%", 1.0),
    ("", "亿元", 1.0),
    ("件", "", 1.0),
    ("件/万人", "件", 1.0),
    ("件", "件/万人", 1.0),
    ("件/百万人", "件/万人", 0.01),
    ("pieces", "件", 1.0),
    ("pieces per 10,000 population", "件", 1.0),
    ("100 million yuan", "万元", 10000.0),
    (" 万 件 ", "件", 10000.0),
])
def test_unit_factor_converts(a, b, factor):
    assert unit_factor(a, b) == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize("a, b", [
    ("件", "亿元"), ("%", "件"), ("件", "个"), ("分", "%"), ("天", "月"),
    ("件/百万人", "件"), ("件/万人", "万件"), ("km", "件"),
])
def test_unit_factor_incompatible_is_none(a, b):
    assert unit_factor(a, b) is None
    assert unit_factor(b, a) is None


def test_non_negative_units():
    assert [is_non_negative_unit(u) for u in ["件", "万件", "亿元", "家", "人次", "%", "分", ""]] == [
        True, True, True, True, True, False, False, False]
    assert clean_unit(float("nan")) == "" and clean_unit("件每万人") == "件/万人"


def _targets(**overrides):
    base = {"region": ["武汉市", "武汉市", "浙江省", "浙江省", "武汉市"],
            "indicator": ["grants", "pledge", "per_10k", "growth", "no_series"],
            "unit": ["万件", "亿元", "件", "%", "件"],
            "kind": ["annual", "annual", "stock", "growth_rate", "stock"],
            "target_value": [1.7, 30.0, 17.0, 10.0, 5.0],
            "baseline_value": [1.4667, 10.95, 11.1, float("nan"), float("nan")],
            "row": [2, 3, 4, 5, 6]}
    base.update(overrides)
    return pd.DataFrame(base)


def _series(units=("件", "万元", "件/万人", "亿元")):
    return pd.DataFrame({"region": ["武汉市", "武汉市", "浙江省", "浙江省"],
                         "indicator": ["grants", "pledge", "per_10k", "growth"],
                         "year": [2020] * 4, "value": [14667.0, 109500.0, 11.1, 120.0], "unit": list(units)})


def test_reconcile_converts_targets_into_series_units():
    out, notes = reconcile_units(_targets(), _series(), targets_file="t.csv", series_file="s.csv")
    assert out["series_unit"].tolist() == ["件", "万元", "件/万人", "亿元", ""]
    assert out["factor"].tolist() == [10000.0, 10000.0, 1.0, 1.0, 1.0]
    target_in_series_unit = out["target_value"] * out["factor"]
    assert target_in_series_unit.tolist()[:2] == pytest.approx([17000.0, 300000.0])
    assert (out["baseline_value"] * out["factor"]).iloc[0] == pytest.approx(14667.0)
    # converted targets are reported, one note each, pointing at the target row
    assert [(p.row, p.severity) for p in notes] == [(2, "note"), (3, "note")]
    # the input frame is not modified
    assert "factor" not in _targets().columns


def test_reconcile_incompatible_units_names_both_files():
    series = _series(units=("亿元", "万元", "件/万人", "亿元"))
    with pytest.raises(DataError, match="incompatible") as exc:
        reconcile_units(_targets(), series, targets_file="plan.csv", series_file="mine.xlsx")
    (e,) = exc.value.errors
    assert (e.file, e.row, e.column, e.value) == ("plan.csv", 2, "unit", "万件")
    for word in ("plan.csv", "mine.xlsx", "武汉市/grants", "'万件'", "'亿元'"):
        assert word in e.problem
    assert "plan.csv" in e.fix and "mine.xlsx" in e.fix


def test_reconcile_growth_rate_percent_is_not_compared_with_level_unit():
    out, notes = reconcile_units(_targets().iloc[[3]], _series())
    assert out["factor"].tolist() == [1.0] and out["series_unit"].tolist() == ["亿元"] and notes == []


def test_reconcile_empty_series():
    out, _ = reconcile_units(_targets(), _series().iloc[:0])
    assert out["factor"].tolist() == [1.0] * 5 and set(out["series_unit"]) == {""}
    assert not any(math.isnan(v) for v in out["factor"])
