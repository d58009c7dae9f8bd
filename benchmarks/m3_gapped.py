"""Are gapped short series calibrated? auto on M3 yearly windows thinned to leave gaps.

A plan indicator often has a few published years spread over a longer span (2020, 2023, 2025).
``auto`` draws its error trajectories from the pool of windows with the same NUMBER of
observations (forecast.calibration.bin_of), although a slope over 5 years is better determined
than over 1. This script measures what that choice does: for every M3 yearly series, the last
``span`` training years are thinned to ``n`` observations (first and last kept, the others drawn
at random, seeded), ``auto`` is fitted on them (gaps are handled natively), and the 80 % / 95 %
intervals from the pool of ``n``-point windows (shipped) and of ``span``-point windows are
scored on the 6 test values. Contiguous windows (n == span) are the reference level. Nothing was
chosen with these numbers; they document the behaviour.

Run:  python benchmarks/m3_gapped.py   (about 10 s)
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecast.auto import AutoModel  # noqa: E402
from forecast.calibration import bin_of  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "m3_yearly.csv"
H = 6
CASES = [(2, 2), (3, 3), (4, 4), (2, 3), (2, 5), (2, 7), (3, 5), (3, 7), (4, 5), (4, 7)]  # (n, span)


def main() -> int:
    df = pd.read_csv(DATA)
    rng = np.random.default_rng(0)
    rows = []
    for _, g in df.groupby("unique_id", sort=True):
        g = g.sort_values("ds")
        train, test = g.loc[g["split"] == "train", "y"].to_numpy(float), g.loc[g["split"] == "test", "y"].to_numpy(float)
        for n, span in CASES:
            window, years = train[-span:], np.arange(span)
            inner = np.sort(rng.choice(np.arange(1, span - 1), n - 2, replace=False)) if n > 2 else np.empty(0, int)
            keep = np.r_[0, inner, span - 1].astype(int) if n < span else np.arange(span)
            m = AutoModel().fit(window[keep], years[keep])
            point = m.predict(H)
            for label, b in (("n points (shipped)", n), ("span years", span)):
                if label == "span years" and n == span:
                    continue
                q = np.quantile(m.pool_.trajectories[bin_of(b)], [0.1, 0.9, 0.025, 0.975], axis=0)
                lo80, hi80, lo95, hi95 = m.paths_from_errors(point, q)
                rows.append((n, span, label, np.mean((test >= lo80) & (test <= hi80)),
                             np.mean((test >= lo95) & (test <= hi95))))
    r = pd.DataFrame(rows, columns=["n", "span", "pool", "cov80", "cov95"])
    out = r.groupby(["n", "span", "pool"], sort=False)[["cov80", "cov95"]].mean().mul(100).round(1)
    print("# M3 yearly test values, 645 series; intervals from the shipped pool; gaps where n < span")
    print(out.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
