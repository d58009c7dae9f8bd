"""Scoring functions of benchmarks/attainment.py against values worked out by hand."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "attainment.py"
_spec = importlib.util.spec_from_file_location("attainment_benchmark", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_brier_is_the_mean_squared_gap():
    # (0.1^2 + 0.2^2 + 0.5^2) / 3 = 0.30 / 3
    assert bench.brier([0.9, 0.2, 0.5], [1, 0, 1]) == pytest.approx(0.1)


def test_log_score_uses_the_probability_of_what_happened_and_clips():
    # -(log 0.8 + log 0.7) / 2
    assert bench.log_score([0.8, 0.3], [1, 0]) == pytest.approx(0.2899092476)
    # a certain forecast that failed costs -log(0.005), not infinity
    assert bench.log_score([1.0, 0.0], [0, 1]) == pytest.approx(5.2983173665)


def test_reliability_bins_counts_means_and_observed_rates():
    rel = bench.reliability([0.05, 0.15, 0.12, 0.95, 1.0], [0, 1, 0, 1, 1])
    assert rel["n"].tolist() == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert rel.loc[1, "mean_p"] == pytest.approx(0.135)
    assert rel.loc[1, "obs"] == pytest.approx(0.5)
    assert rel.loc[9, "mean_p"] == pytest.approx(0.975)  # P = 1.0 lands in the last bin
    assert rel.loc[0, "gap"] == pytest.approx(-0.05)
    assert np.isnan(rel.loc[4, "obs"])


def test_cluster_bootstrap_resamples_whole_series():
    # two equal-sized series with mean difference 0 and 1: a resample holds 0, 1 or 2 copies
    # of the second, so the mean is 0, 0.5 or 1 with probability 1/4, 1/2, 1/4
    lo, hi = bench.cluster_bootstrap([0, 0, 1, 1], ["a", "a", "b", "b"], reps=2000, seed=1)
    assert (lo, hi) == (0.0, 1.0)
    lo, hi = bench.cluster_bootstrap([0.2, 0.4, 0.3, 0.3], ["a", "a", "b", "b"], reps=200, seed=1)
    assert lo == pytest.approx(0.3) and hi == pytest.approx(0.3)


def test_own_trend_is_the_cagr_over_at_most_five_years():
    years = np.arange(2013, 2021)
    values = 100 * 1.1 ** np.arange(8) * np.r_[10.0, 1, 1, 1, 1, 1, 1, 1]  # 2013 jump outside the window
    assert bench.own_trend(years, values, "stock") == pytest.approx(np.log(1.1))
    assert bench.own_trend([2018, 2019, 2020], [1.0, 1.2, 1.4], "ratio") == pytest.approx(0.2)
    assert np.isnan(bench.own_trend([2010, 2020], [1.0, 2.0], "stock"))  # nothing within 5 years


def test_targets_of_a_stock_growing_ten_percent():
    t = bench.make_targets([2018, 2019, 2020], [100.0, 110.0, 121.0], "stock", 2020, {2022: 150.0, 2024: 140.0})
    assert len(t) == 2 * 7 * 2  # h = 2, 4 observed (not 6), 7 d, up and down
    by = {(x["h"], x["d"], x["direction"]): x for x in t}
    on_trend = by[(2, 0.0, "up")]
    assert on_trend["threshold"] == pytest.approx(146.41)
    assert on_trend["outcome"] == 1 and by[(2, 0.0, "down")]["outcome"] == 0
    assert by[(2, 0.02, "up")]["threshold"] == pytest.approx(146.41 * np.exp(0.04))
    assert by[(2, 0.02, "up")]["outcome"] == 0  # 152.4 > 150
    slower = by[(4, -0.05, "down")]
    assert slower["threshold"] == pytest.approx(121 * 1.1 ** 4 * np.exp(-0.2))  # 145.04
    assert slower["outcome"] == 1  # 140 <= 145.04


def test_targets_of_a_ratio_move_in_percentage_points():
    t = bench.make_targets([2018, 2019, 2020], [1.0, 1.2, 1.4], "ratio", 2020, {2022: 1.75})
    by = {(x["d"], x["direction"]): x for x in t}
    assert by[(0.05, "up")]["threshold"] == pytest.approx(1.9) and by[(0.05, "up")]["outcome"] == 0
    assert by[(-0.2, "up")]["threshold"] == pytest.approx(1.4) and by[(-0.2, "up")]["outcome"] == 1


def test_cagr_normal_probability():
    years, values = [2018, 2019, 2020], np.exp([0.0, 0.1, 0.4])  # changes 0.1, 0.3: sd 0.1414, g 0.2
    last = values[-1]
    assert bench.p_cagr_normal(years, values, "annual", 4, last * np.exp(0.8), "up") == pytest.approx(0.5)
    one_sd = last * np.exp(0.8 + np.std([0.1, 0.3], ddof=1) * 2)
    assert bench.p_cagr_normal(years, values, "annual", 4, one_sd, "up") == pytest.approx(0.1586552539)
    assert bench.p_cagr_normal(years, values, "annual", 4, one_sd, "down") == pytest.approx(0.8413447461)


def test_smooth_needs_one_sign_and_steady_changes():
    assert bench.is_smooth([1, 2, 3], [1.0, 1.1, 1.21], "stock")
    assert not bench.is_smooth([1, 2, 3], [1.0, 1.2, 1.1], "stock")
    assert not bench.is_smooth([1, 2, 3], [1.0, 1.01, 1.3], "stock")
    assert not bench.is_smooth([1, 2], [1.0, 1.1], "stock")  # one change says nothing about noise


def test_rule_status_as_a_hard_forecast():
    case = {"kind": "stock", "origin": 2020, "baseline": 100.0, "years": np.array([2018, 2019, 2020]),
            "values": np.array([100.0, 100.0, 100.0])}
    # no progress after a third of the time: behind -> 0; a target already met -> 1
    assert bench.p_rule(case, {"direction": "up", "h": 4, "threshold": 200.0}) == 0.0
    assert bench.p_rule(case, {"direction": "up", "h": 4, "threshold": 90.0}) == 1.0


def test_base_rate_leaves_the_series_out():
    rows = pd.DataFrame({"set": "s", "length": "3", "kind": "stock", "direction": "up", "h": 2, "d": 0.0,
                         "series": ["A", "A", "B", "C"], "outcome": [1, 1, 0, 1]})
    assert bench.base_rate(rows).tolist() == pytest.approx([0.5, 0.5, 1.0, 0.5 + 1 / 6])


def test_short_cuts_crps_is_the_absolute_error_for_one_path_and_known_for_a_normal():
    spec = importlib.util.spec_from_file_location("short_cuts_benchmark", _PATH.parent / "short_cuts.py")
    cuts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cuts)
    # a single path: CRPS = |log x - log y|
    assert cuts.crps_log(np.array([np.e]), 1.0) == pytest.approx(1.0)
    # log values ~ N(0, 1), outcome at the median: CRPS = 2 phi(0) - 1/sqrt(pi) = 0.2337
    z = np.random.default_rng(0).standard_normal(200_000)
    assert cuts.crps_log(np.exp(z), 1.0) == pytest.approx(0.23370, abs=0.002)


def test_bin_diagnosis_tells_a_centre_from_a_spread_and_names_the_origin():
    # P 0.35 in every row. Centre too high: upward targets came true less, downward ones more.
    # The 2013 rows carry all of it: without them the bin is on the diagonal.
    rows = pd.DataFrame({"p_targetcast": 0.35, "direction": ["up"] * 4 + ["down"] * 4,
                         "origin": [2013, 2013, 2015, 2015, 2013, 2013, 2015, 2015],
                         "outcome": [0, 0, 1, 0, 1, 1, 0, 1], "series": ["A"] * 4 + ["B"] * 4})
    d = bench.bin_diagnosis(rows)
    assert d["gap up / down (pts)"] == "-10.0 (4) / +40.0 (4)"
    assert d["gap without one origin (pts)"] == "without 2013: +15.0 (others +15.0..+15.0)"
    # Eight targets but two series: resampling series, the gap runs from A's alone to B's alone.
    assert d["gap 95 % interval (pts)"] == "-10.0..+40.0 (2 series)"
    assert bench.bin_diagnosis(rows.assign(origin=2017))["gap without one origin (pts)"] == "one origin"


def _pit_module():
    spec = importlib.util.spec_from_file_location("pit_cuts_benchmark", _PATH.parent / "pit_cuts.py")
    pit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pit)
    return pit


def test_pit_summary_of_uniform_and_of_too_wide_forecasts():
    pit = _pit_module()
    u = (np.arange(10_000) + 0.5) / 10_000  # exactly uniform: calibrated
    s = pit.pit_summary(u)
    assert (s["mean"], s["cov80"], s["cov50"]) == pytest.approx((0.5, 0.8, 0.5))
    assert s["var12"] == pytest.approx(1.0, abs=1e-3) and s["tails35"] == pytest.approx(1.0, abs=1e-3)
    # a fan twice too wide: outcomes N(0, 1) under a N(0, 2^2) forecast -> PIT = Phi(z / 2)
    from scipy.stats import norm
    w = pit.pit_summary(norm.cdf(norm.ppf(u) / 2))
    assert w["var12"] < 0.4 and w["cov80"] == pytest.approx(2 * norm.cdf(2 * norm.ppf(0.9)) - 1, abs=1e-3)


def test_learnability_reads_only_outcomes_known_at_the_origin():
    from scipy.stats import norm
    pit = _pit_module()
    rows = []
    for o in range(2013, 2019):
        # one-year-ahead scores of origin o: mean and spread both grow with o, so the previous
        # origin's predict this one's exactly (correlation 1)
        m, s = 0.1 * (o - 2013), 0.5 + 0.1 * (o - 2013)
        rows += [{"indicator": "x", "length": "8", "origin": o, "h": 1, "pit": float(norm.cdf(m + d))}
                 for d in (-s, s)]
    cells, corr = pit.learnability(pd.DataFrame(rows), back=1, min_scores=2)
    assert cells["origin"].tolist() == [2014, 2015, 2016, 2017, 2018]
    assert corr["corr of means"] == pytest.approx(1.0) and corr["corr of log sds"] == pytest.approx(1.0, abs=1e-3)
    # origin 2014 learned from 2013's one-year scores only: mean 0, sd 0.5 * sqrt(2)
    assert cells["mean learned"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert cells["sd learned"].iloc[0] == pytest.approx(0.5 * np.sqrt(2), rel=1e-6)
    # two-year-ahead scores are not yet seen at the next origin: wild ones change nothing learned
    wild = [{"indicator": "x", "length": "8", "origin": o, "h": 2, "pit": float(norm.cdf(3.0 * (-1) ** o))}
            for o in range(2013, 2019)]
    later, _ = pit.learnability(pd.DataFrame(rows + wild), back=1, min_scores=2)
    assert later[["mean learned", "sd learned"]].to_numpy() == pytest.approx(cells[["mean learned", "sd learned"]].to_numpy())


def test_holdout_set_shares_no_indicator_with_the_scored_one():
    """The held-out indicators were never scored, so no constant was chosen on them."""
    assert not set(bench.HOLDOUT_KINDS) & set(bench.KINDS)
    hold = bench.load_yearbook(kinds=bench.HOLDOUT_KINDS)
    assert set(hold["indicator"]) == set(bench.HOLDOUT_KINDS)
    assert bench.NATIONAL not in set(hold["region"]) and (hold["kind"] == "annual").all()
    assert hold["region"].nunique() == 31


def test_every_origin_by_default_and_the_odd_years_on_request():
    def origins(argv):
        ap = bench.argparse.ArgumentParser()
        bench.add_origin_flags(ap)
        args = ap.parse_args(argv)
        units = bench.build_units(["holdout"], ["3"], quick=False, draws=10, seed=0, use_sf=False,
                                  all_origins=not args.every_other)
        return sorted({u["origin"] for u in units})
    assert origins([]) == origins(["--all-origins"]) == list(range(2013, 2022))
    assert origins(["--every-other"]) == [2013, 2015, 2017, 2019, 2021]


def test_recalibration_finds_nothing_to_gain_on_calibrated_p_and_a_steep_slope_on_timid_p():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.02, 0.98, 20000)
    y = (rng.uniform(size=p.size) < p).astype(float)
    b, best, slope = bench.recalibration(p, y)
    assert b - best < 0.001 and abs(slope - 1) < 0.1
    timid = bench.expit(0.5 * bench.logit(p))  # the same forecasts pulled halfway to 0.5 on the logit
    b, best, slope = bench.recalibration(timid, y)
    assert b - best > 0.005 and abs(slope - 2) < 0.2
