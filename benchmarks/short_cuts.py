"""Short series inside a long panel, out of time: the bundled panel's dense series cut to their
last 3 observations at origins 2018-2024 and scored on what came after (up to 2025).

The yearbook benchmark (attainment.py) is where the short-series method was developed; this is
a second look with other data and later outcomes. Each indicator of the bundled series (national
totals left out) published by at least ``--min-regions`` regions for at least ``--min-years``
years is used. For every region, origin and indicator with an observation at the origin, the
series is cut to its last ``--points`` observations up to the origin and forecast by the engine
(model ``auto``) with the panel cut at the origin (every region's series up to then, as the CLI
does). Each later observation is scored:

* CRPS of the log value (from the paths; lower is better; in log units, so 0.1 is about 10 %),
* whether the central 80 % / 95 % band holds it,
* the centre's log error ``log(actual / P50)``.

Series of indicators the bundled plans target only as stocks in force (invention patents in
force, trademarks in force, the per-10,000-people densities) are declared stocks, as the CLI
declares a targeted series (``stock_keys``).

``--ablation`` scores the same forecasts without the panel's persistence of departures
(forecast.panel.growth_persistence returns nothing, so the empirical-Bayes share is used, as
before the fourth pass of issue 10): the one decision this check was written for.
``--undeclared`` scores them with no series declared a stock (before the sixth pass).

Usage: ``python benchmarks/short_cuts.py [--points 3] [--origins 2018-2024] [--ablation] [--undeclared]``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import forecast.panel as panel_module  # noqa: E402
from forecast.engine import forecast_series  # noqa: E402
from forecast.panel import PeerPanel  # noqa: E402
from history.bundled import bundled_series_frame, bundled_targets_frame, without_national_totals  # noqa: E402
from scenarios.targets import stock_series  # noqa: E402
from attainment import _md  # noqa: E402  (one markdown table writer for the benchmarks)

MAX_H = 6


def crps_log(paths: np.ndarray, actual: float) -> float:
    """CRPS of ``log(actual)`` under the paths' logs (the sample form E|X - y| - E|X - X'| / 2)."""
    x = np.sort(np.log(np.maximum(paths, 1e-12)))
    m = x.size
    return float(np.mean(np.abs(x - np.log(actual))) - np.sum((2 * np.arange(1, m + 1) - m - 1) * x) / m**2)


def stock_keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """The (region, indicator) series of ``frame`` whose indicator the bundled plans target only
    as a stock in force: each is declared a stock, by the rule the CLI applies to a targeted series
    (scenarios.targets.stock_series), read per indicator over every plan's targets."""
    stock = {i for _, i in stock_series(bundled_targets_frame().assign(region=""))}
    keys = frame[["region", "indicator"]].drop_duplicates().itertuples(index=False, name=None)
    return {(str(r), str(i)) for r, i in keys if i in stock}


def dense_frame(min_regions: int, min_years: int) -> pd.DataFrame:
    """The bundled regional series of indicators published densely enough to cut."""
    f = without_national_totals(bundled_series_frame())
    f = f[["region", "indicator", "year", "value"]].copy()
    f["value"] = pd.to_numeric(f["value"], errors="coerce")
    f = f.dropna(subset=["value"]).drop_duplicates(["region", "indicator", "year"], keep="last")
    years = f.groupby(["indicator", "region"])["year"].nunique()
    dense = years[years >= min_years].groupby("indicator").size()
    return f[f["indicator"].isin(dense[dense >= min_regions].index)]


def score(frame: pd.DataFrame, *, points: int, origins, draws: int, seed: int, stocks=frozenset()) -> pd.DataFrame:
    rows = []
    for origin in origins:
        peers = PeerPanel(frame[frame["year"] <= origin]).prepare()
        for (region, indicator), g in frame.groupby(["region", "indicator"], sort=True):
            g = g.sort_values("year")
            past, later = g[g["year"] <= origin], g[(g["year"] > origin) & (g["year"] <= origin + MAX_H)]
            if origin not in past["year"].to_numpy() or len(past) < points or later.empty:
                continue
            cut = past.tail(points)
            if np.any(cut["value"] <= 0) or np.any(later["value"] <= 0):
                continue
            fc = forecast_series(cut, to_year=int(later["year"].max()), draws=draws, seed=seed, panel=peers,
                                 errors="skip", stocks=stocks)
            try:
                s = fc.get(region, indicator)
            except KeyError:
                continue
            for t, v in zip(later["year"].to_numpy(int), later["value"].to_numpy(float)):
                x = s.at(int(t))
                q = np.quantile(x, [0.025, 0.1, 0.5, 0.9, 0.975])
                rows.append({"indicator": indicator, "region": region, "origin": origin, "h": int(t) - origin,
                             "crps": crps_log(x, v), "in80": bool(q[1] <= v <= q[3]),
                             "in95": bool(q[0] <= v <= q[4]), "log_error": float(np.log(v / q[2]))})
    return pd.DataFrame(rows)


def summary(scores: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per value of ``by`` and over all: forecasts, mean CRPS, coverage (%), mean log error."""
    out = scores.groupby(by).agg(forecasts=("crps", "size"), crps=("crps", "mean"), cov80=("in80", "mean"),
                                 cov95=("in95", "mean"), bias=("log_error", "mean"))
    out.loc["all"] = [len(scores), scores["crps"].mean(), scores["in80"].mean(), scores["in95"].mean(),
                      scores["log_error"].mean()]
    out[["cov80", "cov95"]] *= 100
    return out.round({"crps": 4, "cov80": 1, "cov95": 1, "bias": 3}).astype({"forecasts": int})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=3)
    ap.add_argument("--origins", default="2018-2024", help="first-last year")
    ap.add_argument("--min-regions", type=int, default=20)
    ap.add_argument("--min-years", type=int, default=8)
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ablation", action="store_true", help="also score without the panel's persistence")
    ap.add_argument("--undeclared", action="store_true", help="also score with no series declared a stock")
    args = ap.parse_args(argv)
    first, last = (int(x) for x in args.origins.split("-"))
    frame = dense_frame(args.min_regions, args.min_years)
    kw = dict(points=args.points, origins=range(first, last + 1), draws=args.draws, seed=args.seed)
    runs = {"shipped": score(frame, **kw, stocks=stock_keys(frame))}
    if args.undeclared:
        runs["stocks undeclared"] = score(frame, **kw)
    if args.ablation:
        kept = panel_module.growth_persistence
        panel_module.growth_persistence = lambda *a, **k: ()
        try:
            runs["no persistence"] = score(frame, **kw, stocks=stock_keys(frame))
        finally:
            panel_module.growth_persistence = kept
    print(f"# short_cuts: last {args.points} points at origins {first}-{last}, bundled indicators "
          f"{', '.join(sorted(frame['indicator'].unique()))}; draws {args.draws}, seed {args.seed}\n")
    for by in ("indicator", "h", "origin"):
        table = pd.concat({name: summary(s, by) for name, s in runs.items()}, names=["run", by]).reset_index()
        table = table.sort_values([by, "run"], key=lambda c: c.astype(str).replace("all", "~"), kind="stable")
        print(f"## by {by}\n")
        print("\n".join(_md(table)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
