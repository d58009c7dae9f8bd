"""forecast.backtest: structure and a known case."""
import numpy as np
import pandas as pd
import pytest

from forecast.backtest import backtest
from forecast.errors import ForecastError


def _panel():
    rng = np.random.default_rng(11)
    rows = []
    for region in ("A", "B"):
        v = 100 * np.exp(np.cumsum(rng.normal(0.04, 0.05, 9)))
        rows += [{"region": region, "indicator": "x", "year": 2010 + i, "value": v[i]} for i in range(9)]
    return pd.DataFrame(rows)


def test_structure_one_row_per_model():
    bt = backtest(_panel(), models=["naive", "drift", "auto"], horizon=3, draws=100)
    assert bt["model"].tolist() == ["naive", "drift", "auto"]
    assert list(bt.columns) == ["model", "n_series", "n_forecasts", "smape", "mase", "cov_80", "cov_95", "msis"]
    # origins after 4, 5, ..., 8 observations: 5 fits per series
    assert bt["n_series"].tolist() == [2, 2, 2] and bt["n_forecasts"].tolist() == [10, 10, 10]
    assert bt[["cov_80", "cov_95"]].le(1).all().all()


def test_by_horizon_rows():
    bt = backtest(_panel(), models=["drift"], horizon=2, draws=50, by_horizon=True)
    assert bt["horizon"].tolist() == [1, 2]


def test_drift_is_exact_on_a_linear_series():
    df = pd.DataFrame({"region": "A", "indicator": "x", "year": range(2010, 2020),
                       "value": 3.0 + 2.5 * np.arange(10)})
    bt = backtest(df, models=["drift", "naive"], horizon=2, draws=50)
    assert bt.loc[bt.model == "drift", "smape"].item() == pytest.approx(0.0, abs=1e-9)
    assert bt.loc[bt.model == "naive", "smape"].item() > 5


def test_unknown_model_suggests():
    with pytest.raises(ForecastError, match="Did you mean 'drift'"):
        backtest(_panel(), models=["drfit"])
