"""Centre or spread? The probability integral transform (PIT) of every realised value of the
yearbook cuts, by group.

attainment.py scores P(attain) on targets set around each series' own trend; its reliability
table mixes two errors (a centre off to one side and a fan too wide or too narrow) and weighs
each forecast by how many of its targets fall in a bin. This script asks the fan directly: for
the same cuts, origins and forecasts (``forecast_series`` with the panel cut at the origin and
the stocks declared, as attainment.py does), the share of paths below each later observation,
h = 1..6. For calibrated forecasts the PIT is uniform:

* ``mean`` 0.5 (above: the outcome came in above the centre, the centre is too low),
* ``var12`` (12 x its variance) 1 (below: the fan is too wide, above: too narrow),
* ``cov80`` / ``cov50`` 0.8 / 0.5 (the central 80 % / 50 % bands hold the outcome that often),
* ``tails35`` 1 (the share outside the central 30 %, over 0.7: below 1 too wide).

``--learn K`` asks whether a fan's centre and width could be learned from the panel's recent past:
for each indicator, length and origin T, the PITs (as normal scores) of the same indicator's cuts
from the K origins before T whose outcomes were known by T, against the PITs of the cuts made at
T; it prints the correlation, over (indicator, length, T) cells, of their means (the centre's
bias) and of their standard deviations (the width around it). Needs every origin (not ``--every-other``).

Usage: ``python benchmarks/pit_cuts.py [--lengths 3,5,8,all] [--every-other] [--by origin,h,kind,points,smooth]
[--where "kind == 'stock'"] [--learn 5]``; about 60 s on 2 workers (`--every-other`: 4-25 s).
"""
from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import attainment as A  # noqa: E402  (one set of cuts, origins and groups for the benchmarks)
from forecast.calibration import smoothness  # noqa: E402


def pit_rows(unit: dict) -> list[dict]:
    """One row per (cut, later observation): its PIT under the engine's paths, with the cut's
    smoothness (forecast.calibration.smoothness: noise around the trend over mean change)."""
    cases, origin = unit["cases"], unit["origin"]
    fc = A.forecast_unit(unit)
    rows = []
    for c in cases:
        s = fc.get(c["region"], c["indicator"])
        if s is None:
            continue
        v = np.asarray(c["values"], float)
        smooth = smoothness(v, np.asarray(c["years"]), log=bool(np.all(v > 0)) and c["kind"] != "ratio")
        for year, value in c["realised"].items():
            paths = s.at(year)
            rows.append({"series": c["sid"], "indicator": c["indicator"], "kind": c["kind"], "origin": origin,
                         "length": unit["length"], "n_points": len(c["values"]), "smooth": smooth, "h": year - origin,
                         "pit": float(np.mean(paths < value) + 0.5 * np.mean(paths == value))})
    return rows


#: Bins of ``--by smooth`` (a cut's noise around its trend over its mean change).
SMOOTH_EDGES = [0, 0.08, 0.1, 0.13, 0.2, 0.3, np.inf]


def pit_summary(pit) -> dict[str, float]:
    """Uniformity checks of a set of PIT values (module docstring)."""
    u = np.asarray(pit, float)
    return {"n": int(u.size), "mean": float(u.mean()), "var12": float(12 * u.var(ddof=1)) if u.size > 1 else np.nan,
            "cov80": float(np.mean((u > 0.1) & (u < 0.9))), "cov50": float(np.mean((u > 0.25) & (u < 0.75))),
            "tails35": float(np.mean((u < 0.35) | (u > 0.65)) / 0.7)}


def table(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    if by == "points":
        key = pd.cut(rows["n_points"], [1, 4, 8, np.inf], labels=["2-4", "5-8", "9+"]).astype(str)
    elif by == "smooth":
        key = pd.cut(rows["smooth"], SMOOTH_EDGES).astype(str)
    else:
        key = rows[by]
    out = pd.DataFrame([{by: k, **pit_summary(g["pit"])} for k, g in rows.groupby(key, sort=True)])
    return out.round({"mean": 3, "var12": 3, "cov80": 3, "cov50": 3, "tails35": 3})


def learnability(rows: pd.DataFrame, back: int, min_scores: int = 20) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per (indicator, length, origin T): mean and sd of the normal scores of the PITs known by T
    from origins T-back..T-1 ('learned') and of those made at T ('realised'); and the correlation
    of learned with realised means, and of the logs of their sds, over the cells (module docstring)."""
    r = rows.assign(z=norm.ppf(rows["pit"].clip(0.0005, 0.9995)), seen=rows["origin"] + rows["h"])
    cells = []
    for (ind, length), g in r.groupby(["indicator", "length"], sort=True):
        for t in sorted(g["origin"].unique()):
            past = g[(g["origin"] < t) & (g["origin"] >= t - back) & (g["seen"] <= t)]["z"]
            now = g[g["origin"] == t]["z"]
            if len(past) >= min_scores and len(now) >= min_scores:
                cells.append({"indicator": ind, "length": length, "origin": t, "n learned": len(past),
                              "mean learned": past.mean(), "mean realised": now.mean(),
                              "sd learned": past.std(), "sd realised": now.std()})
    out = pd.DataFrame(cells)
    if len(out) < 3:
        return out, {}
    corr = {"cells": len(out),
            "corr of means": float(np.corrcoef(out["mean learned"], out["mean realised"])[0, 1]),
            "corr of log sds": float(np.corrcoef(np.log(out["sd learned"]), np.log(out["sd realised"]))[0, 1])}
    return out, corr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lengths", default="3,5,8,all", help="comma-separated cuts: 3, 5, 8, all")
    ap.add_argument("--set", default="yearbook", choices=("yearbook", "holdout"),
                    help="the scored indicators or the held-out ones (attainment.py)")
    A.add_origin_flags(ap)
    ap.add_argument("--by", default="origin,h,kind,points", help="groupings, one table each: origin, h, kind, "
                                                                  "points, length, indicator, smooth")
    ap.add_argument("--where", default="", help="pandas query on the rows first, e.g. \"kind == 'stock'\"")
    ap.add_argument("--learn", type=int, default=0, metavar="K",
                    help="learnability of centre and width from the K previous origins (module docstring)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=A.SEED)
    args = ap.parse_args(argv)
    lengths = A._parse_list(args.lengths, A.LENGTHS, "cut")
    units = A.build_units([args.set], lengths, quick=False, draws=args.draws, seed=args.seed, use_sf=False,
                          all_origins=not args.every_other)
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as ex:
            rows = pd.DataFrame([r for rs in ex.map(pit_rows, units) for r in rs])
    else:
        rows = pd.DataFrame([r for u in units for r in pit_rows(u)])
    if args.where:
        rows = rows.query(args.where)
    print(f"# PIT of the {args.set} cuts {args.lengths}, {'odd-year' if args.every_other else 'all'} origins"
          f"{', ' + args.where if args.where else ''}; {args.draws} draws, seed {args.seed}\n")
    for by in [b.strip() for b in args.by.split(",") if b.strip()]:
        print("\n".join(A._md(table(rows, by))) + "\n")
    print("\n".join(A._md(pd.DataFrame([{"all": "all", **pit_summary(rows["pit"])}]).round(3))))
    if args.learn:
        cells, corr = learnability(rows, args.learn)
        print(f"\n# Learnable from the {args.learn} previous origins? (normal scores of the PITs)\n")
        if corr:
            print("\n".join(A._md(cells.round(3))) + "\n")
            print(", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in corr.items()))
        else:
            print("too few cells: run without --every-other")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
