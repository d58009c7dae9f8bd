"""The newest outcomes in the bundled data, forecast from the years before them.

Every bundled series (roles peer and plan) with at least 2 observations up to ``--as-of`` and
at least one observation after it is forecast as of that year, with the bundled reference panel
cut at the same year (what ``targetcast risk --as-of`` does), and each later observation is
scored: the centre's log error ``log(actual / P50)``, the PIT (share of paths below the actual)
and whether the central 80 % band holds it. The outcomes are the 2024-2025 values published
since the yearbook ends (2023): provincial invention patents in force and grants, trademarks,
PCT applications, the country's totals and a few cities. Few and not independent (one year, one
regime), so a check of direction, not a benchmark to tune on. Series of indicators the bundled
plans target only as stocks in force are declared stocks, as the CLI declares a targeted series
(short_cuts.stock_keys); ``--undeclared`` forecasts them without (before the sixth pass of issue 10).

Usage: ``python benchmarks/recent_outcomes.py [--as-of 2023] [--draws 4000] [--seed 1] [--undeclared]``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from forecast.engine import forecast_series  # noqa: E402
from history.bundled import bundled_series_frame  # noqa: E402
from history.reference import reference_panel  # noqa: E402
from short_cuts import stock_keys  # noqa: E402  (stocks declared as in the other out-of-time check)

COLUMNS = ["region", "indicator", "year", "n_obs", "p50", "actual", "log_error", "pit", "in80", "model"]


def outcomes(as_of: int, draws: int, seed: int, declare_stocks: bool = True) -> pd.DataFrame:
    """One row per observation after ``as_of`` of a series with 2+ observations up to it."""
    frame = bundled_series_frame()
    frame = frame[frame["role"].isin(["peer", "plan"])][["region", "indicator", "year", "value", "unit"]].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame.dropna(subset=["value"]).drop_duplicates(["region", "indicator", "year"], keep="last")
    later = frame[frame["year"] > as_of]
    keys = later[["region", "indicator"]].drop_duplicates()
    history = frame[frame["year"] <= as_of].merge(keys, on=["region", "indicator"])
    counts = history.groupby(["region", "indicator"]).size()
    history = history.set_index(["region", "indicator"]).loc[counts[counts >= 2].index].reset_index()
    if history.empty:
        return pd.DataFrame(columns=COLUMNS)
    to_year = int(later["year"].max())
    panel = reference_panel(frame[frame["year"] <= as_of], None)
    # as_of also cuts the panel: the bundled peers hold the outcome years themselves
    fc = forecast_series(history, to_year=to_year, draws=draws, seed=seed, panel=panel, errors="skip", as_of=as_of,
                         stocks=stock_keys(history) if declare_stocks else frozenset())
    rows = []
    for (region, indicator), n in counts[counts >= 2].items():
        try:
            sf = fc.get(region, indicator)
        except KeyError:
            continue
        for _, o in later[(later["region"] == region) & (later["indicator"] == indicator)].iterrows():
            v = sf.at(int(o["year"]))
            actual = float(o["value"])
            lo, p50, hi = np.quantile(v, [0.1, 0.5, 0.9])
            err = float(np.log(actual / p50)) if actual > 0 and p50 > 0 else float("nan")
            rows.append((region, indicator, int(o["year"]), int(n), float(p50), actual, err,
                         float(np.mean(v < actual)), bool(lo <= actual <= hi), sf.model))
    return pd.DataFrame(rows, columns=COLUMNS).sort_values(["indicator", "region", "year"], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--as-of", type=int, default=2023)
    ap.add_argument("--draws", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--undeclared", action="store_true", help="declare no series a stock")
    args = ap.parse_args(argv)
    table = outcomes(args.as_of, args.draws, args.seed, declare_stocks=not args.undeclared)
    print(f"# recent outcomes: bundled observations after {args.as_of}, forecast as of {args.as_of} "
          f"(draws={args.draws}, seed={args.seed}); log_error = log(actual / P50)")
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_colwidth", 40):
        print(table.round({"p50": 1, "log_error": 3, "pit": 2}).to_string(index=False))
    if len(table):
        by = table.groupby("indicator").agg(n=("pit", "size"), mean_log_error=("log_error", "mean"),
                                            median_pit=("pit", "median"), cov80=("in80", "mean"))
        print(by.round(3).to_string())
        print(f"all: n={len(table)}, mean log error {table['log_error'].mean():+.3f}, median |log error| "
              f"{table['log_error'].abs().median():.3f}, 80 % band covers {100 * table['in80'].mean():.0f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
