"""Rolling-origin backtests on the user's own series: how reliable has each model been?

For every series and every origin (after at least ``min_train`` observations), each model
is fitted on the observations up to the origin and its sample paths are scored against
the observations in the next ``horizon`` years (gaps in the test years are simply not
scored). Scores follow the M4 definitions (forecast.metrics).

Reference: Tashman, L. J. (2000), "Out-of-sample tests of forecasting accuracy: an analysis
and review", *IJF* 16(4), 437-450 (rolling-origin evaluation).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forecast.errors import ForecastError
from forecast.models import MODEL_NAMES, get_model
from forecast.paths import _check_levels
from forecast.rng import series_rng

DEFAULT_MODELS = ("naive", "drift", "logdrift", "auto")


def _rows(series, models, horizon, levels, min_train, draws, seed) -> pd.DataFrame:
    need = [c for c in ("region", "indicator", "year", "value") if c not in series.columns]
    if need:
        raise ForecastError(f"The series frame lacks column(s) {', '.join(need)}. Got {list(series.columns)}.")
    rows = []
    df = series.dropna(subset=["value"])
    for (region, indicator), g in df.groupby(["region", "indicator"], sort=False):
        g = g.sort_values("year").drop_duplicates("year", keep="last")
        y, years = g["value"].to_numpy(float), g["year"].to_numpy(int)
        for o in range(min_train, y.size):
            ytr, ttr = y[:o], years[:o]
            ahead = years[o:] - ttr[-1]
            keep = ahead <= horizon
            if not keep.any():
                continue
            yte, hte = y[o:][keep], ahead[keep]
            scale = float(np.mean(np.abs(np.diff(ytr)))) if ytr.size > 1 else float("nan")
            for name in models:
                model = get_model(name)
                if ytr.size < model.min_obs:
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        model.fit(ytr, ttr)
                        point = model.predict(int(hte.max()))
                        paths = model.simulate(int(hte.max()), draws, series_rng(seed, region, indicator, o, name))
                except ForecastError:
                    continue
                for yv, h in zip(yte, hte):
                    f = point[h - 1]
                    row = {"model": name, "region": region, "indicator": indicator, "origin": int(ttr[-1]),
                           "horizon": int(h), "actual": yv, "point": f,
                           "smape": 200 * abs(yv - f) / (abs(yv) + abs(f)) if (abs(yv) + abs(f)) > 0 else 0.0,
                           "mase": abs(yv - f) / scale if scale > 0 else np.nan}
                    for lv in levels:
                        a = (100 - lv) / 200
                        lo, hi = np.quantile(paths[:, h - 1], [a, 1 - a])
                        row[f"cov_{lv}"] = float(lo <= yv <= hi)
                    lo, hi = np.quantile(paths[:, h - 1], [0.025, 0.975])
                    pen = (2 / 0.05) * ((lo - yv) * (yv < lo) + (yv - hi) * (yv > hi))
                    row["msis"] = ((hi - lo) + pen) / scale if scale > 0 else np.nan
                    rows.append(row)
    return pd.DataFrame(rows)


def backtest(series: pd.DataFrame, *, models: list[str] | None = None, horizon: int = 3, levels=(80, 95),
             min_train: int = 4, draws: int = 500, seed: int = 0, by_horizon: bool = False) -> pd.DataFrame:
    """Rolling-origin accuracy and interval coverage per model on the user's series.

    Parameters
    ----------
    series : long frame with region, indicator, year, value.
    models : model names (default: naive, drift, logdrift, auto); a model is skipped at
        origins where the training part is shorter than its ``min_obs``.
    horizon : years ahead scored from each origin.
    levels : interval levels whose coverage is reported as ``cov_<level>`` (0..1).
    min_train : observations before the first origin.
    draws, seed : sample paths per fit; per (series, origin, model) Generator.
    by_horizon : also split the scores by horizon (one row per model and horizon).

    Returns
    -------
    DataFrame with model, n_series, n_forecasts, smape, mase, cov_<level>..., msis
    (alpha 0.05), plus ``horizon`` when ``by_horizon``; ``attrs["skipped"]`` maps each series
    with no scored forecast to the reason. Averages are over all scored
    (series, origin, horizon) points; ``n_forecasts`` counts (series, origin) fits.

    Examples
    --------
    >>> df = pd.DataFrame({"region": "A", "indicator": "x", "year": range(2010, 2020),
    ...                    "value": [float(v) for v in range(10, 30, 2)]})
    >>> bt = backtest(df, models=["drift"], horizon=2, draws=50)
    >>> round(float(bt.loc[0, "smape"]), 6)
    0.0
    """
    levels = _check_levels(levels)
    models = list(models) if models else list(DEFAULT_MODELS)
    for name in models:
        if name not in MODEL_NAMES:
            get_model(name)  # raises with suggestions
    if int(horizon) < 1 or int(min_train) < 2:
        raise ForecastError(f"'horizon' must be >= 1 and 'min_train' >= 2. Got {horizon!r} and {min_train!r} instead.")
    detail = _rows(series, models, int(horizon), levels, int(min_train), int(draws), seed)
    cols = ["smape", "mase", *[f"cov_{lv}" for lv in levels], "msis"]
    keys = ["model", "horizon"] if by_horizon else ["model"]
    skipped = _skipped(series, detail, int(min_train), int(horizon))
    if detail.empty:
        out = pd.DataFrame(columns=[*keys, "n_series", "n_forecasts", *cols])
        out.attrs["skipped"] = skipped
        return out
    detail["series"] = detail["region"].astype(str) + "\x1f" + detail["indicator"].astype(str)
    detail["fit"] = detail["series"] + "\x1f" + detail["origin"].astype(str)
    out = detail.groupby(keys, sort=False).agg(
        n_series=("series", "nunique"), n_forecasts=("fit", "nunique"), **{c: (c, "mean") for c in cols}
    ).reset_index()
    order = {m: i for i, m in enumerate(models)}
    out = out.sort_values(keys, key=lambda s: s.map(order) if s.name == "model" else s).reset_index(drop=True)
    out.attrs["skipped"] = skipped
    return out


def _skipped(series: pd.DataFrame, detail: pd.DataFrame, min_train: int, horizon: int) -> dict:
    """(region, indicator) -> why no forecast of it was scored, for every series left out."""
    scored = set() if detail.empty else set(zip(detail["region"], detail["indicator"]))
    out = {}
    for (region, indicator), g in series.dropna(subset=["value"]).groupby(["region", "indicator"], sort=False):
        if (region, indicator) in scored:
            continue
        n = int(g["year"].nunique())
        if n <= min_train:
            out[(region, indicator)] = (f"only {n} observation(s); a backtest needs {min_train + 1} "
                                        f"({min_train} to fit, then at least one to score)")
        else:
            out[(region, indicator)] = (f"no observed year within {horizon} year(s) after any origin (gaps), "
                                        "or no model could be fitted")
    return out
