"""Suggested targets are met with exactly the requested probability on the paths."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from scenarios.errors import ScenarioError
from scenarios.suggest import SUGGEST_COLUMNS, met_with_probability, suggest

from fixtures_engine import install_engine, lognormal_engine, wuhan_two_indicators  # noqa: E402

DRAWS = 2000


def _series():
    return wuhan_two_indicators([("武汉市", "too_short", 2023, 5.0, "个")])


@pytest.fixture
def fake_engine(monkeypatch):
    """A stand-in engine with known lognormal paths, so the quantile logic is tested alone."""
    calls = {}
    install_engine(monkeypatch, lognormal_engine(0.05, unit="件", min_obs=2, calls=calls,
                                                 rng_of=lambda seed, r, i: np.random.default_rng([seed, len(i)])))
    return calls


def test_met_with_probability_exact_share():
    rng = np.random.default_rng(0)
    v = rng.normal(size=997)
    for c in (0.5, 0.8, 0.9, 0.95):
        s, p = met_with_probability(v, c)
        assert c <= np.mean(v >= s) == p < c + 1 / v.size
        s, p = met_with_probability(v, c, "down")
        assert c <= np.mean(v <= s) == p < c + 1 / v.size


def test_suggest_on_known_paths(fake_engine):
    out = suggest(_series(), to_year=2030, confidence=0.8, model="drift", draws=DRAWS, seed=3)
    assert list(out.columns) == SUGGEST_COLUMNS
    assert fake_engine == {"to_year": 2030, "model": "drift", "draws": DRAWS, "seed": 3}
    ok = out[out["flags"] != "skipped"]
    assert len(ok) == 2
    for row in ok.itertuples():
        assert 0.8 <= row.p_at_suggested < 0.8 + 1 / DRAWS
        assert row.p10 < row.suggested_target < row.p50 < row.p90
        assert row.cagr_suggested == pytest.approx((row.suggested_target / row.latest_value) ** (1 / 7) - 1)
        assert row.latest_year == 2023 and row.n_obs == 9
    skipped = out[out["flags"] == "skipped"]
    assert skipped["indicator"].tolist() == ["too_short"] and skipped["suggested_target"].isna().all()
    assert skipped["latest_value"].tolist() == [5.0] and skipped["n_obs"].tolist() == [1]
    down = suggest(_series(), to_year=2030, confidence=0.8, model="drift", draws=DRAWS, seed=3, direction="down",
                   indicators="pledge_financing")
    assert len(down) == 1 and down["suggested_target"].iloc[0] > down["p50"].iloc[0]


def test_suggest_unknown_indicator_has_close_match():
    with pytest.raises(ScenarioError, match="pledge_financing"):
        suggest(_series(), indicators=["pledge_financin"], model="drift", draws=100)


def test_suggest_with_the_engine():
    # the real engine (forecast.engine, issue 3); model="drift" keeps it fast
    out = suggest(_series(), to_year=2030, confidence=0.8, model="drift", draws=DRAWS, seed=1,
                  indicators=["invention_grants", "pledge_financing"])
    assert len(out) == 2
    for row in out.itertuples():
        assert 0.8 <= row.p_at_suggested < 0.8 + 1 / DRAWS
        assert row.suggested_target < row.p50
    again = suggest(_series(), to_year=2030, confidence=0.8, model="drift", draws=DRAWS, seed=1,
                    indicators=["invention_grants", "pledge_financing"])
    pd.testing.assert_frame_equal(out, again)


def test_suggest_direction_per_series(fake_engine):
    """A plan's 'down' target (e.g. average trial days) is suggested as an upper bound; the others as
    lower bounds, in one call."""
    out = suggest(_series(), to_year=2030, confidence=0.8, model="drift", draws=DRAWS, seed=3,
                  direction={("武汉市", "pledge_financing"): "down"})
    rows = out.set_index("indicator")
    down, up = rows.loc["pledge_financing"], rows.loc["invention_grants"]
    assert down["direction"] == "down" and up["direction"] == "up"
    assert down["suggested_target"] > down["p50"] and up["suggested_target"] < up["p50"]
    assert 0.8 <= down["p_at_suggested"] < 0.8 + 1 / DRAWS
    assert rows.loc["too_short", "direction"] == "up"  # skipped, not in the mapping
    with pytest.raises(ScenarioError, match="'up' or 'down'"):
        suggest(_series(), model="drift", draws=100, direction={("武汉市", "pledge_financing"): "lower"})
