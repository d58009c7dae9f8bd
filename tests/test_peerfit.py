"""forecast.peerfit: the weight on constant growth learned from peers' rolling-origin forecasts."""
import numpy as np
import pandas as pd

from forecast.engine import forecast_series
from forecast.peerfit import peer_fit


def _panel(rates, noise=0.05, years=10, wiggle=None):
    rows = []
    for j, (region, g) in enumerate(rates.items()):
        for i in range(years):
            w = (-1) ** i if wiggle is None else wiggle(i, j)
            rows.append((region, "x", 2010 + i, 100 * (1 + g) ** i * (1 + noise * w), "件"))
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])


COMPOUNDING = _panel({"a": 0.10, "b": 0.12, "c": 0.15, "d": 0.20})


def test_peers_that_compound_are_followed_and_flat_peers_are_not():
    assert peer_fit(COMPOUNDING, region="z", indicator="x", n_obs=6).weight >= 0.5
    flat = _panel({r: 0.0 for r in "abcd"}, noise=0.01, wiggle=lambda i, j: np.sin(i + j))
    assert peer_fit(flat, region="z", indicator="x", n_obs=6).weight == 0.0


def test_needs_three_peers_other_than_the_region_itself():
    three = COMPOUNDING[COMPOUNDING["region"] != "d"]
    assert peer_fit(three, region="z", indicator="x", n_obs=6).n_peers == 3
    assert peer_fit(three, region="a", indicator="x", n_obs=6) is None  # a is not its own peer
    assert peer_fit(COMPOUNDING, region="z", indicator="other", n_obs=6) is None


def test_engine_moves_the_point_toward_the_trend_and_says_so():
    # A noisy series compounding at 15 %: the median of members damps it; the peers say follow it.
    y = 100 * 1.15 ** np.arange(7) * (1 + 0.05 * (-1) ** np.arange(7))
    own = pd.DataFrame({"region": "z", "indicator": "x", "year": range(2014, 2021), "value": y, "unit": "件"})
    alone = forecast_series(own, to_year=2026, draws=200, seed=1).get("z", "x")
    led = forecast_series(own, to_year=2026, draws=200, seed=1, panel=COMPOUNDING).get("z", "x")
    logdrift = y[-1] * np.exp(np.log(y[-1] / y[0]) / 6 * 6)
    assert alone.point[-1] < led.point[-1] <= logdrift * 1.0001
    assert any("trend followed with weight" in n for n in led.notes) and "panel_prior" in led.flags
    assert not any("trend followed" in n for n in alone.notes)
