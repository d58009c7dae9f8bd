"""Shared hand-made fixture for target semantics and attainment tests.

Observed 2018-2020 = 80, 90, 100; ten paths j = 0..9 with 2021 = 100 + j, 2022 = 100 + 2j,
2023 = 100 + 3j, so every probability and quantile is known exactly.
"""
import numpy as np

from forecast.paths import SeriesForecast

J = np.arange(10.0)


def make_sf(paths=None, obs_years=(2018, 2019, 2020), obs_values=(80.0, 90.0, 100.0)):
    if paths is None:
        paths = np.column_stack([100 + J, 100 + 2 * J, 100 + 3 * J])
    years = np.arange(2021, 2021 + paths.shape[1])
    return SeriesForecast("R", "x", years, paths, paths.mean(axis=0), "hand",
                          np.array(obs_years), np.array(obs_values, dtype=float))


def tgt(**kw):
    base = {"plan": "p", "region": "R", "indicator": "x", "kind": "stock", "direction": "up", "strict": False,
            "target_year": 2023, "target_value": 121.0, "baseline_year": 2020, "baseline_value": float("nan"),
            "factor": 1.0}
    base.update(kw)
    return base
