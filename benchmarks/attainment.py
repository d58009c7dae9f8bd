"""P(attain) on planner-like targets at rolling origins: the development benchmark of issue 10.

A planner asks "will this indicator reach X by year T?" of short series. This benchmark poses
that question many times on real series whose answer is known, and scores the probabilities.

Data sets
---------
``yearbook``: ``benchmarks/data/china_provinces_yearbook.csv`` (31 provinces, 2010-2023, vendored
from ../shared/data with its source note). Scored indicators (14 x 31 = 434 series): patent
applications accepted, patents granted (kind ``annual``, a flow) and valid patents in force (kind
``stock``), each total / invention / utility model / design; R&D expenditure
("Intramural R&D expenditure, total", ``annual``; "R&D expenditure (100m CNY)" in the file is the
same series in other units and shorter, so it is not scored twice); R&D intensity (% of GDP,
kind ``ratio``, given unit "%" so the engine keeps it inside 0-100). Left out: plant-variety
rights (every series lacks 2019, 23 zero values, counts of a few dozen), R&D expenditure by
source of funds (not plan indicators), and the national total (never scored, never a peer).

``holdout``: the same file's indicators that no method choice was ever made on (kind ``annual``,
a flow): R&D expenditure by source of funds (enterprise, government, foreign, other funds; 10k
CNY) and agricultural plant-variety rights (applications, grants; counts of a few dozen, 2019
missing in every series, zeros drop a cut as for every count). Left out of ``yearbook`` for
being no plan's indicator, so they are the nearest thing to a held-out set of provincial series:
scored like ``yearbook`` (same origins, cuts, targets, peers of the same indicator). Added in the
seventh pass of issue 10: every constant before it was chosen without them; that pass's choice
among three widths for short series saw them (benchmarks/README.md), no constant was fitted on
them.

``m3``: ``benchmarks/data/m3_yearly.csv``, 645 series, training and test values read as one
series; kind ``annual``; no peer panel (``panel=None``: M3 series have no peers).

Rolling origins and cuts
------------------------
yearbook (and holdout): every origin year 2013-2021 (up to the last with the 2-year-ahead value
observed); ``--every-other`` keeps 2013, 2015, 2017, 2019, 2021 only, the default until the
seventh pass of issue 10, when a run of every origin took twice the 8 minutes the default was
held to; it now takes about 2 minutes, and five origins, which share one common shock each,
leave reliability bins to a single year's luck. M3: the three
latest origins that still leave 6 years ahead (the 7th, 8th and 9th value from the end). A series
is used at an origin only if it is observed in that year. It is cut to its last 3, 5 and 8
observations up to the origin, and to the whole history up to it ("all"); a cut of L points is
used only when the series has at least L observations by then.

Targets
-------
At h = 2, 4, 6 years after the origin, where the realised value is observed. ``g_own`` is the
series' own recent annual growth: the log CAGR from the earliest cut point at most 5 years
before the origin to the origin (levels, in units per year, for ratios). Thresholds:

* stock / annual: ``last * exp((g_own + d) h)``, d in -0.10, -0.05, -0.02, 0, +0.02, +0.05, +0.10 /yr;
* ratio (R&D intensity, percentage points): ``last + (slope_own + d) h``, d in -0.2, -0.1, -0.05,
  0, +0.05, +0.1, +0.2 pp/yr (the median one-year change of the panel's R&D intensity is 0.075 pp,
  the 90th percentile of |change| 0.18 pp, so this grid spans the same "a bit to a lot faster or
  slower than the own trend" as the log grid does for counts).

Each threshold is asked both ways: ``up`` (attained if realised >= threshold) and ``down``
(realised <= threshold), with the library's own rule (``scenarios.targets.is_attained``).
Targets whose baseline (the observed value at origin - 2, see ``rule``) is missing are dropped.

Methods (all scored on exactly the same targets)
------------------------------------------------
* ``targetcast``: share of the paths of ``forecast.engine.forecast_series`` (model "auto", 2000
  draws, seed 0) that attain the target. yearbook: ``panel`` = every province's series of the
  same indicator up to the origin (the engine leaves out the series' own region; no year after
  the origin is ever in it). m3: no panel.
* ``rule``: the rule-based mid-term status (``scenarios.midterm.midterm_view``, default tolerance)
  as a hard forecast: achieved_early / ahead / as_expected -> 1, behind -> 0, for a plan whose
  baseline year is origin - 2 (baseline value = the observation that year) and target year
  origin + h, judged at the origin. Targets where the rule says n/a are dropped for all methods.
* ``cagr_normal``: the series' own growth with normal noise, log y_T ~ N(log y_n + g_own h, s^2 h)
  with s the sample sd (ddof 1) of the cut's one-year log changes (annualised across gaps),
  floored at 0.01 so a perfectly smooth series still gets a finite spread; for ratios the same
  in levels (slope_own, pp changes). So a d = 0 target always gets P = 0.5.
* ``sf_autoets`` (only when statsforecast is importable, extra "bench"): statsforecast AutoETS on
  the cut (observations in order, gaps ignored), P from a normal with the mean forecast and the sd
  read from the 80 % interval, sd = (hi - lo) / (2 z_0.9). statsforecast's AutoETS refuses
  series of 6 points or fewer ("tiny datasets"), so those cuts get its RandomWalkWithDrift
  (and any later failure falls back to it through ``fallback_model``).
* ``base_rate`` (climatology, the reference of the skill score): the observed attainment rate of
  targets of the same set, cut, kind scale (log or pp), direction, h and d in the OTHER series
  (leave one series out). It sees other series' outcomes, so it is a reference, not a forecast,
  and is not a candidate for "best other method".

Scores, per set x cut
---------------------
targets, series, observed attainment rate, per method: mean P, Brier, Brier skill score vs
``base_rate`` (1 - Brier / Brier(base_rate)), log score (mean negative log likelihood, P clipped
to [0.005, 0.995]; lower is better); Brier(targetcast) - Brier(best other forecast method) with a
95 % series-clustered bootstrap interval (1000 resamples of series, seed fixed). Reliability of
targetcast in 10 equal-width bins, pooled over cuts, for all targets and by series type:

* cut (3 / 5 / 8 / all) and points in the cut (2-4 / 5-8 / 9+);
* kind: stock / flow (annual) / ratio;
* smooth vs noisy: smooth when the cut has at least 2 one-year changes (log changes; pp for
  ratios), all of the same sign, with sd / |mean| < 0.5; noisy otherwise;
* anchor, read from the SeriesForecast: "peer growth" (the model label contains "+peer growth"),
  "peer trend" (label "+peer trend": a 5+ point series whose centre leans on the peers' growth),
  "prior scale" (flag ``panel_prior`` without peer growth: the volatility leans on a prior; until
  the engine learnt to flag the generic prior separately this included it), "generic prior" (flag
  ``generic_prior``), "own" (none of these).

A bin with >= 200 targets whose observed rate is more than 5 points off its mean P is marked "!"
and listed (issue 10's done-when criterion).

Run (the default is the full benchmark; statsforecast needs pandas < 3, so run it from the
/tmp/sfenv venv described in benchmarks/README.md; from the main environment sf_autoets is
skipped with a note):

    python benchmarks/attainment.py [--sets yearbook,holdout,m3] [--lengths 3,5,8,all] [--quick] [--every-other]
        [--workers 2] [--draws 2000] [--seed 0] [--boot 1000] [--output out.md] [--csv rows.csv]
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, logit, ndtr, ndtri

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecast.engine import forecast_series  # noqa: E402
from scenarios.midterm import midterm_view  # noqa: E402
from scenarios.targets import is_attained  # noqa: E402

YEARBOOK = ROOT / "benchmarks" / "data" / "china_provinces_yearbook.csv"
M3 = ROOT / "benchmarks" / "data" / "m3_yearly.csv"
NATIONAL = "China (national total)"

# Scored yearbook indicators and their target kind (module docstring says why these).
_PATENT = ("Domestic patent applications accepted by CNIPA", "Domestic patent applications granted by CNIPA",
           "Domestic valid patents in force")
KINDS = {f"{stem}, {part}": ("stock" if "in force" in stem else "annual")
         for stem in _PATENT for part in ("total", "invention", "utility model", "design")}
KINDS["Intramural R&D expenditure, total"] = "annual"
KINDS["R&D intensity (% of GDP)"] = "ratio"
# The held-out set: yearbook indicators no method choice was ever made on (module docstring).
HOLDOUT_KINDS = {f"Intramural R&D expenditure, {part}": "annual"
                 for part in ("enterprise funds", "government funds", "foreign funds", "other funds")}
HOLDOUT_KINDS.update({f"Agricultural plant variety rights, {part}": "annual" for part in ("applications", "grants")})

# Every year 2013-2021 by default; --every-other keeps the odd years (the old default, module docstring).
YEARBOOK_ORIGINS = tuple(range(2013, 2022, 2))
ALL_YEARBOOK_ORIGINS = tuple(range(2013, 2022))
M3_ORIGINS = 3  # the latest origins that leave MAX_H years ahead
HORIZONS = (2, 4, 6)
MAX_H = max(HORIZONS)
D_LOG = (-0.10, -0.05, -0.02, 0.0, 0.02, 0.05, 0.10)  # per year, on log growth
D_PP = (-0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2)       # percentage points per year (ratios)
GROWTH_WINDOW = 5   # years: own growth is measured over at most this span
BASELINE_LAG = 2    # the rule's baseline year is origin - BASELINE_LAG
LENGTHS = ("3", "5", "8", "all")
SETS = ("yearbook", "holdout", "m3")
DRAWS, SEED, BOOT = 2000, 0, 1000
S_FLOOR = 0.01      # cagr_normal: smallest sd of one-year changes
CLIP = (0.005, 0.995)
SMOOTH_CV = 0.5
N_BINS = 10
FLAG_MIN_N, FLAG_GAP = 200, 0.05
RULE_P = {"achieved_early": 1.0, "ahead": 1.0, "as_expected": 1.0, "behind": 0.0}
FORECASTERS = ("targetcast", "rule", "cagr_normal", "sf_autoets")  # base_rate is the reference
QUICK = {"origins": (2017,), "m3_series": 120, "m3_origins": 1, "draws": 500, "boot": 200}


class BenchmarkError(ValueError):
    """A data file or option the benchmark cannot use (message says which and how to fix)."""


# ----------------------------------------------------------------------------- scores
def brier(p, y) -> float:
    """Mean squared difference between P and the 0/1 outcome.

    >>> brier([0.9, 0.2], [1, 0])
    0.025
    """
    p, y = np.asarray(p, float), np.asarray(y, float)
    return float(np.mean((p - y) ** 2))


def log_score(p, y, clip: tuple[float, float] = CLIP) -> float:
    """Mean negative log likelihood of the outcomes, P clipped to ``clip`` (lower is better).

    >>> round(log_score([1.0, 0.5], [1, 0]), 4)  # -(log 0.995 + log 0.5) / 2
    0.3491
    """
    p, y = np.clip(np.asarray(p, float), *clip), np.asarray(y, bool)
    return float(np.mean(-np.log(np.where(y, p, 1 - p))))


def bin_index(p, n_bins: int = N_BINS) -> np.ndarray:
    """Equal-width bin of each P; P = 1 falls in the last bin."""
    return np.minimum((np.asarray(p, float) * n_bins).astype(int), n_bins - 1)


def reliability(p, y, n_bins: int = N_BINS) -> pd.DataFrame:
    """Per bin: count, mean P, observed rate (NaN in empty bins), and the gap obs - mean P."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    b = bin_index(p, n_bins)
    n = np.bincount(b, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(b, p, n_bins) / n
        obs = np.bincount(b, y, n_bins) / n
    lo = np.arange(n_bins) / n_bins
    return pd.DataFrame({"bin": np.arange(n_bins), "lo": lo, "hi": lo + 1 / n_bins, "n": n,
                         "mean_p": mean_p, "obs": obs, "gap": obs - mean_p})


def cluster_bootstrap(diff, cluster, reps: int = BOOT, seed: int = SEED) -> tuple[float, float]:
    """95 % interval of mean(diff) when whole clusters (series) are resampled with replacement."""
    codes, uniq = pd.factorize(pd.Series(cluster))
    k = len(uniq)
    sums = np.bincount(codes, np.asarray(diff, float), k)
    counts = np.bincount(codes, minlength=k).astype(float)
    w = np.random.default_rng(seed).multinomial(k, np.full(k, 1 / k), size=reps)
    stats = (w @ sums) / (w @ counts)
    lo, hi = np.quantile(stats, [0.025, 0.975])
    return float(lo), float(hi)


# ----------------------------------------------------------------------------- targets
def own_trend(years, values, kind: str) -> float:
    """Recent annual growth of a cut: log CAGR (level slope for ratios) from the earliest point
    at most GROWTH_WINDOW years before the last one; NaN when no such earlier point exists.

    >>> round(own_trend([2015, 2017, 2018, 2020], [1.0, 2.0, 2.0, 8.0], "stock"), 4)  # log(8/2)/3
    0.4621
    """
    t, v = np.asarray(years, int), np.asarray(values, float)
    first = np.flatnonzero(t >= t[-1] - GROWTH_WINDOW)[0]
    if first == t.size - 1:
        return float("nan")
    if kind == "ratio":
        return float((v[-1] - v[first]) / (t[-1] - t[first]))
    return float(np.log(v[-1] / v[first]) / (t[-1] - t[first]))


def yearly_changes(years, values, kind: str) -> np.ndarray:
    """One-year changes (log, or pp for ratios), annualised across gaps."""
    t, v = np.asarray(years, float), np.asarray(values, float)
    z = v if kind == "ratio" else np.log(v)
    return np.diff(z) / np.diff(t)


def is_smooth(years, values, kind: str) -> bool:
    """Smooth: >= 2 one-year changes, all of one sign, sd / |mean| < SMOOTH_CV."""
    c = yearly_changes(years, values, kind)
    if c.size < 2 or not (np.all(c > 0) or np.all(c < 0)):
        return False
    return bool(np.std(c, ddof=1) / abs(np.mean(c)) < SMOOTH_CV)


def make_targets(years, values, kind: str, origin: int, realised: Mapping[int, float]) -> list[dict]:
    """Every (h, d, direction) target of one cut whose realised value is known.

    ``realised`` maps year -> observed value. Returns dicts with h, d, direction, threshold,
    realised, outcome (0/1), in the order h, d, direction (up before down).
    """
    g = own_trend(years, values, kind)
    if not np.isfinite(g):
        return []
    last = float(values[-1])
    grid = D_PP if kind == "ratio" else D_LOG
    out = []
    for h in HORIZONS:
        if origin + h not in realised:
            continue
        r = float(realised[origin + h])
        for d in grid:
            thr = last + (g + d) * h if kind == "ratio" else last * np.exp((g + d) * h)
            for direction in ("up", "down"):
                t = {"kind": kind, "direction": direction, "target_value": float(thr)}
                out.append({"h": h, "d": d, "direction": direction, "threshold": float(thr), "realised": r,
                            "outcome": int(is_attained(np.array([r]), t)[0])})
    return out


# ----------------------------------------------------------------------------- methods
def p_cagr_normal(years, values, kind: str, h: int, thr: float, direction: str) -> float:
    """P(attain) if the series keeps its own growth with normal yearly noise (module docstring)."""
    c = yearly_changes(years, values, kind)
    s = max(float(np.std(c, ddof=1)) if c.size >= 2 else 0.0, S_FLOOR)
    g = own_trend(years, values, kind)
    if kind == "ratio":
        z = (thr - (values[-1] + g * h)) / (s * np.sqrt(h))
    else:
        z = (np.log(thr) - (np.log(values[-1]) + g * h)) / (s * np.sqrt(h))
    return float(ndtr(-z) if direction == "up" else ndtr(z))


def p_rule(case: Mapping, tgt: Mapping) -> float:
    """The mid-term rule's status as a hard forecast (NaN when the rule says n/a)."""
    target = {"kind": case["kind"], "direction": tgt["direction"], "target_year": case["origin"] + tgt["h"],
              "target_value": tgt["threshold"], "baseline_year": case["origin"] - BASELINE_LAG,
              "baseline_value": case["baseline"]}
    status = midterm_view(target, case["years"], case["values"], as_of=case["origin"])["status"]
    return RULE_P.get(status, float("nan"))


def _sf_forecasts(cases: list[dict]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """statsforecast AutoETS (RWD for <= 6 points) mean and sd per case index, MAX_H steps."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, RandomWalkWithDrift

    out = {}
    z80 = ndtri(0.9)
    for small in (True, False):
        rows = [(i, j + 1, v) for i, c in enumerate(cases) if (len(c["values"]) <= 6) == small
                for j, v in enumerate(c["values"])]
        if not rows:
            continue
        df = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
        model = RandomWalkWithDrift() if small else AutoETS(season_length=1)
        sf = StatsForecast(models=[model], freq=1, n_jobs=1, fallback_model=RandomWalkWithDrift())
        fc = sf.forecast(df=df, h=MAX_H, level=[80])
        col = "RWD" if small else "AutoETS"
        for i, g in fc.groupby("unique_id", sort=False):
            g = g.sort_values("ds")
            out[int(i)] = (g[col].to_numpy(float), (g[f"{col}-hi-80"] - g[f"{col}-lo-80"]).to_numpy(float) / (2 * z80))
    return out


def _p_normal(mean: float, sd: float, thr: float, direction: str) -> float:
    if not sd > 0:
        up = float(mean >= thr)
        return up if direction == "up" else 1.0 - float(mean > thr)
    z = (thr - mean) / sd
    return float(ndtr(-z) if direction == "up" else ndtr(z))


def _anchor(sf) -> str:
    if "+peer growth" in sf.model:
        return "peer growth"
    if "+peer trend" in sf.model:
        return "peer trend"
    if "panel_prior" in sf.flags:
        return "prior scale"
    return "generic prior" if "generic_prior" in sf.flags else "own"


def forecast_unit(unit: dict):
    """targetcast's forecasts of one batch of cuts, to ``MAX_H`` years after the origin, with the
    panel cut at the origin (every benchmark that scores these cuts reads them from here)."""
    cases, origin = unit["cases"], unit["origin"]
    frame = pd.DataFrame([(c["region"], c["indicator"], int(t), float(v), c["unit"])
                          for c in cases for t, v in zip(c["years"], c["values"])],
                         columns=["region", "indicator", "year", "value", "unit"])
    # a target of kind stock makes its series a stock, as in the CLI (scenarios.projection)
    stocks = {(c["region"], c["indicator"]) for c in cases if c["kind"] == "stock"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecast_series(frame, to_year=origin + MAX_H, model="auto", draws=unit["draws"], seed=unit["seed"],
                               as_of=origin, panel=unit["panel"], errors="skip", stocks=stocks)


def run_unit(unit: dict) -> tuple[list[dict], dict[str, int]]:
    """Forecast one batch of cuts (one set, indicator, origin, cut) and score every target.

    Returns the target rows (one per target, a ``p_<method>`` column per method) and the
    number of cuts or targets dropped, by reason.
    """
    cases, origin = unit["cases"], unit["origin"]
    dropped: dict[str, int] = {}
    fc = forecast_unit(unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sfc = _sf_forecasts(cases) if unit["use_sf"] else {}
    for msg in fc.meta["skipped"].values():
        key = f"targetcast skipped the cut: {msg.split(':')[-1].strip()[:70]}"
        dropped[key] = dropped.get(key, 0) + 1
    rows = []
    for i, c in enumerate(cases):
        s = fc.get(c["region"], c["indicator"])
        if s is None:
            continue
        smooth, anchor = is_smooth(c["years"], c["values"], c["kind"]), _anchor(s)
        for t in make_targets(c["years"], c["values"], c["kind"], origin, c["realised"]):
            pr = p_rule(c, t)
            if np.isnan(pr):
                dropped["rule status n/a"] = dropped.get("rule status n/a", 0) + 1
                continue
            tgt = {"kind": c["kind"], "direction": t["direction"], "target_value": t["threshold"]}
            row = {"set": unit["set"], "series": c["sid"], "region": c["region"], "indicator": c["indicator"],
                   "kind": c["kind"], "origin": origin, "length": unit["length"], "n_points": len(c["values"]),
                   "smooth": smooth, "anchor": anchor, "model": s.model, **t,
                   "p_targetcast": float(is_attained(s.at(origin + t["h"]), tgt).mean()),
                   "p_rule": pr,
                   "p_cagr_normal": p_cagr_normal(c["years"], c["values"], c["kind"], t["h"], t["threshold"],
                                                  t["direction"])}
            if unit["use_sf"]:
                mean, sd = sfc[i]
                row["p_sf_autoets"] = _p_normal(mean[t["h"] - 1], sd[t["h"] - 1], t["threshold"], t["direction"])
            rows.append(row)
    return rows, dropped


# ----------------------------------------------------------------------------- data and units
def _read(path: Path, needed: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise BenchmarkError(f"Data file {path} not found. It is vendored in benchmarks/data; restore it "
                             "from git (git checkout -- benchmarks/data).")
    df = pd.read_csv(path)
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise BenchmarkError(f"{path} lacks column(s) {', '.join(missing)}; it needs {', '.join(needed)}.")
    return df


def load_yearbook(path: Path = YEARBOOK, kinds: Mapping[str, str] = KINDS) -> pd.DataFrame:
    """The scored indicators (``kinds``: indicator -> kind) of the provincial panel, without the
    national total."""
    df = _read(path, ("region", "indicator", "year", "value", "unit"))
    df = df[df["indicator"].isin(kinds) & (df["region"] != NATIONAL)].dropna(subset=["value"]).copy()
    df["kind"] = df["indicator"].map(kinds)
    df.loc[df["kind"] == "ratio", "unit"] = "%"
    df["sid"] = df["region"] + " | " + df["indicator"]
    return df[["sid", "region", "indicator", "year", "value", "unit", "kind"]]


def load_m3(path: Path = M3) -> pd.DataFrame:
    """M3 yearly, training and test values as one series."""
    df = _read(path, ("unique_id", "ds", "y"))
    return pd.DataFrame({"sid": df["unique_id"].astype(str), "region": df["unique_id"].astype(str),
                         "indicator": "M3 yearly", "year": df["ds"].astype(int), "value": df["y"].astype(float),
                         "unit": "", "kind": "annual"})


def _cases(df: pd.DataFrame, origins_of, lengths) -> dict[tuple[int, str], list[dict]]:
    """Cuts per (origin, length): dicts with the series key, cut, baseline and realised values."""
    out: dict[tuple[int, str], list[dict]] = {}
    for sid, g in df.groupby("sid", sort=True):
        g = g.sort_values("year")
        years, values = g["year"].to_numpy(int), g["value"].to_numpy(float)
        obs = dict(zip(years.tolist(), values.tolist()))
        kind = g["kind"].iloc[0]
        for origin in origins_of(years):
            if origin not in obs or origin - BASELINE_LAG not in obs:
                continue
            keep = years <= origin
            realised = {t: obs[t] for t in range(origin + 1, origin + MAX_H + 1) if t in obs}
            for length in lengths:
                k = int(keep.sum()) if length == "all" else int(length)
                if keep.sum() < k or k < 3:
                    continue
                yc, vc = years[keep][-k:], values[keep][-k:]
                if kind != "ratio" and np.any(vc <= 0):
                    continue
                out.setdefault((origin, length), []).append(
                    {"sid": sid, "region": g["region"].iloc[0], "indicator": g["indicator"].iloc[0],
                     "unit": g["unit"].iloc[0], "kind": kind, "origin": origin, "years": yc, "values": vc,
                     "baseline": obs[origin - BASELINE_LAG], "realised": realised})
    return out


def build_units(sets, lengths, *, quick: bool, draws: int, seed: int, use_sf: bool,
                all_origins: bool = True) -> list[dict]:
    """Batches of cuts for the worker pool, in a fixed order (deterministic results)."""
    units = []
    common = {"draws": draws, "seed": seed, "use_sf": use_sf}
    origins = QUICK["origins"] if quick else (ALL_YEARBOOK_ORIGINS if all_origins else YEARBOOK_ORIGINS)
    for name, kinds in (("yearbook", KINDS), ("holdout", HOLDOUT_KINDS)):
        if name not in sets:
            continue
        for ind, g in load_yearbook(kinds=kinds).groupby("indicator", sort=True):
            cases = _cases(g, lambda years: [o for o in origins if years.max() >= o + min(HORIZONS)], lengths)
            panel = g[["region", "indicator", "year", "value", "unit"]]
            for (origin, length), cs in sorted(cases.items()):
                units.append({"set": name, "origin": origin, "length": length, "cases": cs,
                              "panel": panel[panel["year"] <= origin], **common})
    if "m3" in sets:
        m3 = load_m3()
        if quick:
            m3 = m3[m3["sid"].isin(sorted(m3["sid"].unique())[:QUICK["m3_series"]])]
        n_orig = QUICK["m3_origins"] if quick else M3_ORIGINS
        cases = _cases(m3, lambda years: [int(years[-1 - MAX_H - k]) for k in range(n_orig)], lengths)
        for (origin, length), cs in sorted(cases.items()):
            for i in range(0, len(cs), 60):
                units.append({"set": "m3", "origin": origin, "length": length, "cases": cs[i:i + 60],
                              "panel": None, **common})
    return units


def base_rate(rows: pd.DataFrame) -> np.ndarray:
    """Leave-one-series-out attainment rate of the target's class (module docstring)."""
    cls = [rows["set"], rows["length"], rows["kind"] == "ratio", rows["direction"], rows["h"], rows["d"]]
    tot = rows.groupby(cls)["outcome"].transform("sum")
    cnt = rows.groupby(cls)["outcome"].transform("size")
    own = rows.groupby(cls + [rows["series"]])["outcome"].transform("sum")
    own_n = rows.groupby(cls + [rows["series"]])["outcome"].transform("size")
    rest = cnt - own_n
    return np.where(rest > 0, (tot - own) / rest.where(rest > 0, 1), tot / cnt)


# ----------------------------------------------------------------------------- tables
def _md(df: pd.DataFrame) -> list[str]:
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    return lines + ["| " + " | ".join(map(str, r)) + " |" for r in df.itertuples(index=False)]


def _cell_order(key: tuple[str, str]) -> tuple[int, int]:
    """Sets as in SETS, cuts as in LENGTHS."""
    return SETS.index(key[0]), LENGTHS.index(key[1])


def score_table(rows: pd.DataFrame, methods: list[str], *, boot: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per set x cut: one row per method; and the bootstrap of targetcast vs the best other."""
    out, boots = [], []
    for (st, length), g in sorted(rows.groupby(["set", "length"], sort=False), key=lambda kv: _cell_order(kv[0])):
        y = g["outcome"].to_numpy(float)
        up = (g["direction"] == "up").to_numpy()
        ref = brier(g["p_base_rate"], y)
        scores = {m: brier(g[f"p_{m}"], y) for m in methods}
        for m in methods + ["base_rate"]:
            b = scores.get(m, ref)
            out.append({"set": st, "cut": length, "method": m, "targets": len(g), "series": g["series"].nunique(),
                        "up: obs rate": f"{y[up].mean():.3f}", "up: mean P": f"{g.loc[up, f'p_{m}'].mean():.3f}",
                        "Brier": f"{b:.4f}",
                        "BSS": f"{1 - b / ref:.3f}", "log score": f"{log_score(g[f'p_{m}'], y):.3f}"})
        others = [m for m in methods if m != "targetcast"]
        best = min(others, key=scores.get)
        diff = (g["p_targetcast"] - y) ** 2 - (g[f"p_{best}"] - y) ** 2
        lo, hi = cluster_bootstrap(diff.to_numpy(), g["series"].to_numpy(), reps=boot, seed=seed)
        verdict = "targetcast better" if hi < 0 else ("targetcast worse" if lo > 0 else "not distinguishable")
        boots.append({"set": st, "cut": length, "best other": best, "Brier diff": f"{diff.mean():+.4f}",
                      "95 % interval": f"{lo:+.4f} .. {hi:+.4f}", "verdict": verdict})
    return pd.DataFrame(out), pd.DataFrame(boots)


def bias_table(rows: pd.DataFrame, methods: list[str]) -> pd.DataFrame:
    """Upward targets by ambition step (d, from slowest to fastest) and cut: observed rate and
    each method's mean P, the view of issue 10's "targets that continue the own growth"."""
    up = rows[rows["direction"] == "up"]
    step = np.where(up["kind"] == "ratio", up["d"].map({d: i for i, d in enumerate(D_PP)}),
                    up["d"].map({d: i for i, d in enumerate(D_LOG)})).astype(int)
    out = []
    for (length, k), g in sorted(up.groupby([up["length"], step], sort=False),
                                 key=lambda kv: (LENGTHS.index(kv[0][0]), kv[0][1])):
        row = {"cut": length, "d (log /yr; pp /yr for ratios)": f"{D_LOG[k]:+.2f}; {D_PP[k]:+.2f}",
               "targets": len(g), "obs rate": f"{g['outcome'].mean():.3f}"}
        row.update({f"P {m}": f"{g[f'p_{m}'].mean():.3f}" for m in methods})
        out.append(row)
    return pd.DataFrame(out)


def _groupings(rows: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    pts = pd.cut(rows["n_points"], [1, 4, 8, np.inf], labels=["2-4 points", "5-8 points", "9+ points"])
    return [("all targets", pd.Series("all", index=rows.index)),
            ("cut", "cut " + rows["length"].astype(str)),
            ("points", pts.astype(str)),
            ("kind", rows["kind"].map({"stock": "stock", "annual": "flow", "ratio": "ratio"})),
            ("shape", np.where(rows["smooth"], "smooth", "noisy")),
            ("anchor", rows["anchor"])]


#: bin_diagnosis' columns, explained under the flagged-bins table.
DIAGNOSIS = ("gap up / down (pts)", "gap without one origin (pts)", "gap 95 % interval (pts)")


def _gap(sub: pd.DataFrame) -> float:
    return 100 * float(sub["outcome"].mean() - sub["p_targetcast"].mean()) if len(sub) else float("nan")


def bin_diagnosis(sub: pd.DataFrame) -> dict[str, str]:
    """What lies behind one off-diagonal bin (its targets ``sub``).

    * Upward and downward targets apart: a centre too high makes upward targets come true less
      often than P says and downward ones more often (gaps of opposite sign); a fan too wide makes
      both come true less often than P below 0.5 and more often above it (same sign).
    * The gap when each forecast origin is left out in turn, for the origin whose absence moves it
      most: a bin off because of one origin's common shock (every region's growth broke the same
      year) is back near the diagonal without it; one off at every origin is not.
    * The gap's 95 % interval with whole series resampled (``cluster_bootstrap``): a bin's targets
      are hundreds, but they come from a few dozen series whose targets share one forecast, so the
      gap is far less certain than its count suggests. Origins are not resampled (there are five),
      so even this interval is too narrow where one origin's shock moves the bin.
    """
    up, down = sub[sub["direction"] == "up"], sub[sub["direction"] == "down"]
    out = {DIAGNOSIS[0]: f"{_gap(up):+.1f} ({len(up)}) / {_gap(down):+.1f} ({len(down)})"}
    loo = {o: _gap(sub[sub["origin"] != o]) for o in sorted(sub["origin"].unique())}
    if len(loo) > 1:
        o = min(loo, key=lambda k: abs(loo[k]))
        rest = [v for k, v in loo.items() if k != o]
        out[DIAGNOSIS[1]] = f"without {o}: {loo[o]:+.1f} (others {min(rest):+.1f}..{max(rest):+.1f})"
    else:
        out[DIAGNOSIS[1]] = "one origin"
    lo, hi = cluster_bootstrap(sub["outcome"] - sub["p_targetcast"], sub["series"])
    out[DIAGNOSIS[2]] = f"{100 * lo:+.1f}..{100 * hi:+.1f} ({sub['series'].nunique()} series)"
    return out


def reliability_tables(rows: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Per set: a wide table (group x bin, cells 'mean P -> obs (n)'), and all flagged bins."""
    tables, flagged = {}, []
    for st, g in rows.groupby("set", sort=False):
        lines = []
        for gname, key in _groupings(g):
            for val, sub in g.groupby(np.asarray(key), sort=True):
                rel = reliability(sub["p_targetcast"], sub["outcome"])
                cells = {}
                for r in rel.itertuples():
                    if r.n == 0:
                        cells[f"{r.lo:.1f}-{r.hi:.1f}"] = ""
                        continue
                    bad = r.n >= FLAG_MIN_N and abs(r.gap) > FLAG_GAP
                    cells[f"{r.lo:.1f}-{r.hi:.1f}"] = f"{r.mean_p:.2f}→{r.obs:.2f} ({r.n}){' !' if bad else ''}"
                    if bad:
                        flagged.append({"set": st, "group": f"{gname}: {val}", "bin": f"{r.lo:.1f}-{r.hi:.1f}",
                                        "n": int(r.n), "mean P": f"{r.mean_p:.3f}", "obs": f"{r.obs:.3f}",
                                        "gap (pts)": f"{100 * r.gap:+.1f}",
                                        **bin_diagnosis(sub[bin_index(sub["p_targetcast"]) == r.bin])})
                lines.append({"group": f"{gname}: {val}", "targets": len(sub), **cells})
        tables[st] = pd.DataFrame(lines)
    flags = pd.DataFrame(flagged, columns=["set", "group", "bin", "n", "mean P", "obs", "gap (pts)", *DIAGNOSIS])
    if len(flags):
        flags = flags.assign(_a=flags["gap (pts)"].astype(float).abs()).sort_values(["set", "_a"], ascending=[True, False]).drop(columns="_a")
    return tables, flags


def recalibration(p, y) -> tuple[float, float, float]:
    """What miscalibration costs: the Brier score of ``p`` against outcomes ``y``, the Brier score
    after the best logistic recalibration ``expit(a + b logit p)`` fitted to the same targets (an
    in-sample bound: no method that keeps the ranking of ``p`` and only reshapes it does better), and
    the slope ``b`` (above 1: timid, probabilities should be further from 0.5; below 1: overconfident).
    Cox (1958), "Two further applications of a model for binary regression", *Biometrika* 45, 562-565."""
    p = np.clip(np.asarray(p, float), 0.005, 0.995)
    y = np.asarray(y, float)
    x = logit(p)
    fit = minimize(lambda ab: np.mean((expit(ab[0] + ab[1] * x) - y) ** 2), x0=[0.0, 1.0], method="BFGS")
    return brier(p, y), float(fit.fun), float(fit.x[1])


def recalibration_table(rows: pd.DataFrame) -> pd.DataFrame:
    """targetcast per set x cut: ``recalibration``."""
    out = []
    for (st, length), g in sorted(rows.groupby(["set", "length"], sort=False), key=lambda kv: _cell_order(kv[0])):
        b, best, slope = recalibration(g["p_targetcast"], g["outcome"])
        out.append({"set": st, "cut": length, "Brier": f"{b:.4f}", "recalibrated": f"{best:.4f}",
                    "cost of miscalibration": f"{b - best:.4f}", "slope": f"{slope:.2f}"})
    return pd.DataFrame(out)


def render(rows: pd.DataFrame, methods: list[str], *, header: str, boot: int, seed: int, notes: list[str]) -> str:
    scores, boots = score_table(rows, methods, boot=boot, seed=seed)
    rel, flags = reliability_tables(rows)
    md = [f"**{header}**", ""]
    for st in scores["set"].unique():
        md += [f"**{st}: scores by cut** (Brier and log score: lower is better; BSS = 1 - Brier / Brier(base_rate))", ""]
        md += _md(scores[scores["set"] == st].drop(columns="set")) + [""]
    md += ["'up' columns: targets asked upward only (each threshold is asked both ways, so over all targets the "
           "observed rate and every calibrated mean P are 0.5 by construction; the upward half shows the bias).", ""]
    for st in scores["set"].unique():
        md += [f"**{st}: upward targets by ambition** (d = growth asked on top of the own trend; observed "
               "attainment rate and each method's mean P)", ""]
        md += _md(bias_table(rows[rows["set"] == st], methods)) + [""]
    md += ["**Brier(targetcast) - Brier(best other forecast method)**, 95 % series-clustered bootstrap "
           f"({boot} resamples; negative = targetcast better)", ""] + _md(boots) + [""]
    for st, t in rel.items():
        md += [f"**{st}: reliability of targetcast** (cells: mean P → observed rate (targets); '!' = at least "
               f"{FLAG_MIN_N} targets and more than {100 * FLAG_GAP:.0f} points off the diagonal)", ""]
        md += _md(t.fillna("")) + [""]
    md += ["**What miscalibration costs targetcast** (Brier after the best logistic recalibration of its P on the "
           "same targets, in sample; slope > 1: timid, < 1: overconfident)", ""] + _md(recalibration_table(rows)) + [""]
    md += [f"**Reliability bins with >= {FLAG_MIN_N} targets more than {100 * FLAG_GAP:.0f} points off the "
           f"diagonal** ({len(flags)}; largest gap first)", ""]
    md += (_md(flags) if len(flags) else ["none"]) + [""]
    if len(flags):
        md += ["'gap up / down': the bin's upward and downward targets apart (targets); opposite signs = the centre "
               "is off (too high when upward targets fall short), the same sign = the spread is off. 'gap without one "
               "origin': the bin's gap with the origin that moves it most left out, and the range when each other "
               "origin is left out instead; a bin near the diagonal without one origin is that origin's common "
               "shock. 'gap 95 % interval': whole series resampled (a series' targets share one forecast); origins "
               "are not, so where one origin moves the bin the interval is still too narrow.", ""]
    md += ["Notes:"] + [f"- {n}" for n in notes]
    return "\n".join(md)


def long_rows(rows: pd.DataFrame, methods: list[str]) -> pd.DataFrame:
    """One row per (target, method) with p and outcome, for --csv."""
    keep = ["set", "series", "region", "indicator", "kind", "origin", "length", "n_points", "smooth", "anchor",
            "model", "h", "d", "direction", "threshold", "realised", "outcome"]
    parts = [rows[keep].assign(method=m, p=rows[f"p_{m}"]) for m in methods + ["base_rate"]]
    return pd.concat(parts, ignore_index=True)


def _parse_list(text: str, allowed, what: str) -> list[str]:
    got = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in got if x not in allowed]
    if bad or not got:
        raise BenchmarkError(f"The '--{what}' option takes a comma-separated list of {', '.join(allowed)}. "
                             f"Got {text!r} instead.")
    return got


def add_origin_flags(ap: argparse.ArgumentParser) -> None:
    """``--every-other`` (the yearbook's odd origin years only) and ``--all-origins`` (the default
    since the seventh pass of issue 10; accepted so that older commands still run)."""
    ap.add_argument("--every-other", action="store_true",
                    help="yearbook and holdout: origins 2013, 2015, 2017, 2019, 2021 only (the old default)")
    ap.add_argument("--all-origins", action="store_true", help="every origin year 2013-2021 (the default)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="yearbook,holdout,m3", help="comma-separated: yearbook, holdout, m3")
    ap.add_argument("--lengths", default=",".join(LENGTHS), help="comma-separated cuts: 3, 5, 8, all")
    ap.add_argument("--quick", action="store_true",
                    help=f"origins {QUICK['origins']} (yearbook), first {QUICK['m3_series']} M3 series at the latest "
                         f"origin, {QUICK['draws']} draws, {QUICK['boot']} bootstrap resamples")
    add_origin_flags(ap)
    ap.add_argument("--workers", type=int, default=2, help="processes (1: no pool)")
    ap.add_argument("--draws", type=int, default=None, help=f"paths per forecast (default {DRAWS})")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--boot", type=int, default=None, help=f"bootstrap resamples (default {BOOT})")
    ap.add_argument("--no-statsforecast", action="store_true", help="skip sf_autoets even if importable")
    ap.add_argument("--output", type=Path, default=None, help="also write the tables as Markdown")
    ap.add_argument("--csv", type=Path, default=None, help="write one row per (target, method)")
    args = ap.parse_args(argv)
    try:
        sets = _parse_list(args.sets, SETS, "sets")
        lengths = _parse_list(args.lengths, LENGTHS, "lengths")
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    draws = args.draws or (QUICK["draws"] if args.quick else DRAWS)
    boot = args.boot or (QUICK["boot"] if args.quick else BOOT)
    use_sf, sf_note = False, "sf_autoets skipped (--no-statsforecast)."
    if not args.no_statsforecast:
        try:
            import statsforecast

            use_sf, sf_note = True, (f"sf_autoets: statsforecast {statsforecast.__version__} AutoETS on cuts of 7+ "
                                     "points, RandomWalkWithDrift on cuts of 6 or fewer (AutoETS refuses them).")
        except ImportError:
            sf_note = ("sf_autoets skipped: statsforecast is not importable (extra 'bench'; see "
                       "benchmarks/README.md for the /tmp/sfenv venv).")

    t0 = time.perf_counter()
    try:
        units = build_units(sets, lengths, quick=args.quick, draws=draws, seed=args.seed, use_sf=use_sf,
                            all_origins=not args.every_other)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    pool = ProcessPoolExecutor(args.workers) if args.workers > 1 else None
    results = []
    try:
        for i, res in enumerate(pool.map(run_unit, units) if pool else map(run_unit, units), 1):
            results.append(res)
            if i % 25 == 0 or i == len(units):
                print(f"{i}/{len(units)} batches, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    finally:
        if pool is not None:
            pool.shutdown()
    rows = pd.DataFrame([r for rs, _ in results for r in rs])
    dropped: dict[str, int] = {}
    for _, d in results:
        for k, n in d.items():
            dropped[k] = dropped.get(k, 0) + n
    methods = [m for m in FORECASTERS if f"p_{m}" in rows.columns]
    rows["p_base_rate"] = base_rate(rows)
    wall = time.perf_counter() - t0

    header = (f"attainment benchmark: sets {', '.join(sets)}; cuts {', '.join(lengths)}; "
              f"{'quick; ' if args.quick else ''}{draws} draws, seed {args.seed}; {len(rows)} targets; "
              f"wall time {wall:.0f} s with {args.workers} worker(s)")
    notes = [sf_note,
             "rule: hard 0/1, so its log score is the clipped P (0.005 / 0.995): one miss costs 5.3.",
             "cagr_normal gives P = 0.5 to every d = 0 target by construction.",
             "anchor: 'peer growth' = model label with '+peer growth'; 'peer trend' = with '+peer trend'; 'prior scale' = flag panel_prior without it; "
             "'generic prior' = flag generic_prior (engines that tell the generic prior from the peers' one); "
             "'own' = none of these.",
             "base_rate: leave-one-series-out rate of the same set, cut, scale, direction, h and d; a reference "
             "(it sees other series' outcomes), not a candidate for 'best other'."]
    if dropped:
        notes.append("dropped (every method): " + "; ".join(f"{k} x {n}" for k, n in sorted(dropped.items())))
    text = render(rows, methods, header=header, boot=boot, seed=args.seed, notes=notes)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    if args.csv:
        long_rows(rows, methods).to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
