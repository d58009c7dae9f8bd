"""Stand-in engine and series shared by the scenario tests (compare, suggest, goal seek).

The stand-in replaces ``forecast.engine`` with known lognormal paths from each series' last
observation, so the scenario logic is tested apart from the forecasting models.
"""
import sys
import types

import numpy as np
import pandas as pd

from forecast.paths import Forecast, SeriesForecast


def lognormal_engine(drift, *, unit="", rng_of=None, min_obs=1, calls=None):
    """``forecast_series`` stand-in: log growth N(drift, 0.1) per year, one Generator per
    series (``rng_of(seed, region, indicator)``, default the engine's ``series_rng``);
    series with fewer than ``min_obs`` points are skipped; ``calls`` (a dict) records the
    last call's to_year/model/draws/seed."""
    from forecast.rng import series_rng

    rng_of = rng_of or series_rng

    def forecast_series(series, *, to_year, model="auto", draws=1000, seed=0, as_of=None, panel=None,
                        bounds=None, errors="skip", stocks=None):
        if calls is not None:
            calls.update(to_year=to_year, model=model, draws=draws, seed=seed)
        out, skipped = [], {}
        for (r, i), d in series.groupby(["region", "indicator"], sort=True):
            d = d.sort_values("year")
            if len(d) < min_obs:
                skipped[(r, i)] = f"{min_obs} observations needed"
                continue
            years = np.arange(int(d["year"].max()) + 1, to_year + 1)
            last = float(d["value"].iloc[-1])
            paths = last * np.exp(np.cumsum(rng_of(seed, r, i).normal(drift, 0.1, (draws, years.size)), axis=1))
            out.append(SeriesForecast(r, i, years, paths, np.median(paths, 0), "fake",
                                      d["year"].to_numpy(), d["value"].to_numpy(float), unit=unit))
        return Forecast(tuple(out), seed=seed, draws=draws, model=model, meta={"skipped": skipped})

    return forecast_series


def install_engine(monkeypatch, forecast_series) -> None:
    """Make ``forecast.engine.forecast_series`` the stand-in for the duration of a test."""
    mod = types.ModuleType("forecast.engine")
    mod.forecast_series = forecast_series
    monkeypatch.setitem(sys.modules, "forecast.engine", mod)


def wuhan_two_indicators(extra_rows=()) -> pd.DataFrame:
    """Wuhan invention grants (+8 %/yr) and pledge financing (+15 %/yr), 2015-2023, with a
    +-3 % zigzag, plus ``extra_rows`` (region, indicator, year, value, unit)."""
    rows = []
    for ind, base, g in [("invention_grants", 10000.0, 0.08), ("pledge_financing", 20.0, 0.15)]:
        for k, y in enumerate(range(2015, 2024)):
            rows.append(("武汉市", ind, y, round(base * (1 + g) ** k * (1 + 0.03 * (-1) ** k), 2), "件"))
    rows.extend(extra_rows)
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])
