"""Cost of `targetcast risk` as the number of regions grows (issue 14).

    PYTHONPATH=. python3 benchmarks/scale.py [--sizes 10,100,300,3000] [--jobs 1,2] [--dask]
                                             [--draws 10000] [--bundled] [--keep DIR]

Generates a seeded synthetic panel: N regions x 10 indicators x 12 years (2012-2023) with
about one year in ten missing (never the latest), 2 targets per series (2025 and 2030), one
plan per region. The ten indicators imitate what plans target: stocks in force that compound
and hardly ever fall, flows that grow with noise and stall, two percentage ratios. Every run is
a fresh `targetcast risk ... -f csv -o FILE` process (imports included, as a user pays them);
it prints one markdown row per size and setting: wall seconds, CPU seconds (the process and
its children), peak RSS of the largest process, targets per wall second. `--bundled` adds
`targetcast risk` on all bundled plans and `targetcast --help` (warm start: run once first).

The synthetic numbers are NOT data: they exist only to time the code, and are written to a
temporary folder (or --keep DIR), never into the project.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

YEARS = np.arange(2012, 2024)
TARGET_YEARS = (2025, 2030)
#: (indicator, kind, unit, start level, mean growth, growth sd between regions, noise sd)
INDICATORS = [
    ("inv_in_force", "stock", "件", 2_000, 0.15, 0.04, 0.01),
    ("tm_in_force", "stock", "件", 30_000, 0.12, 0.03, 0.015),
    ("inv_grants", "annual", "件", 800, 0.10, 0.05, 0.08),
    ("inv_apps", "annual", "件", 3_000, 0.08, 0.05, 0.10),
    ("pct_apps", "annual", "件", 60, 0.12, 0.08, 0.20),
    ("utility_grants", "annual", "件", 5_000, 0.06, 0.05, 0.12),
    ("pledge_value", "annual", "亿元", 5, 0.15, 0.10, 0.30),
    ("tech_contracts", "annual", "亿元", 40, 0.12, 0.06, 0.10),
    ("rd_intensity", "ratio", "%", 1.5, 0.05, 0.02, 0.03),
    ("hi_tech_share", "ratio", "%", 20, 0.03, 0.02, 0.04),
]


def synthetic(n_regions: int, seed: int = 14) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(series, targets) frames for ``n_regions`` synthetic regions (seeded, not data)."""
    rng = np.random.default_rng(seed)
    rows, targets = [], []
    for r in range(n_regions):
        region = f"R{r + 1:04d}"
        for ind, kind, unit, start, g, g_sd, noise in INDICATORS:
            growth = rng.normal(g, g_sd)
            slow = rng.uniform(0.0, 0.05)  # growth falls a little each year: flows stall
            level = np.log(start * rng.lognormal(0, 0.8))
            values = []
            for k, _ in enumerate(YEARS):
                step = growth - slow * growth * k + rng.normal(0, noise)
                if kind == "stock":
                    step = abs(step)
                level += step
                values.append(np.exp(level))
            values = np.asarray(values)
            if kind == "ratio":
                values = np.clip(values, 0.05, 95)
            keep = rng.random(YEARS.size) > 0.1
            keep[-1] = True
            for y, v in zip(YEARS[keep], values[keep]):
                rows.append((region, ind, int(y), float(f"{v:.4g}"), unit))
            for ty in TARGET_YEARS:
                h = ty - YEARS[-1]
                tv = values[-1] * np.exp(growth * h * rng.uniform(0.5, 1.3))
                if kind == "ratio":
                    tv = min(tv, 99.0)
                targets.append((f"plan_{region}", region, ind, ind, unit, kind, ty, float(f"{tv:.4g}"),
                                int(YEARS[-1]), float(f"{values[-1]:.4g}")))
    series = pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])
    tcols = ["plan", "region", "indicator", "name", "unit", "kind", "target_year", "target_value",
             "baseline_year", "baseline_value"]
    return series, pd.DataFrame(targets, columns=tcols)


# Runs a command and prints its children's resource use (CPU and peak RSS of the largest one).
_WRAP = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024}))
"""


def measure(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(label: str, n_targets: int, m: dict) -> str:
    ok = "" if m["rc"] == 0 else f" (exit {m['rc']})"
    rate = n_targets / m["wall"] if m["wall"] > 0 else float("nan")
    return (f"| {label}{ok} | {n_targets:,} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss_mb']:.0f} | "
            f"{rate:,.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,100,300,3000", help="numbers of regions (comma-separated)")
    ap.add_argument("--jobs", default="1,2", help="--jobs settings to time (comma-separated; 'none' leaves the "
                    "option out, for versions without it)")
    ap.add_argument("--dask", action="store_true", help="also time --engine dask (local cluster, needs the dask extra)")
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--bundled", action="store_true", help="also time all bundled plans and --help")
    ap.add_argument("--keep", type=Path, default=None, help="write the synthetic files and outputs here")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="tc-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "cli"]
    env_note = f"{os.cpu_count()} cores, draws {args.draws:,}"
    print(f"{env_note}; files in {work}\n")
    print("| run | targets | wall s | CPU s | peak RSS MB | targets/s |")
    print("|---|---|---|---|---|---|")
    if args.bundled:
        measure(exe + ["--help"])  # warm start: byte-compiled modules, file cache
        print(_row("`--help`", 0, measure(exe + ["--help"])), flush=True)
        n = len(pd.read_csv(Path(__file__).resolve().parents[1] / "history" / "data" / "targets.csv"))
        out = work / "bundled.csv"
        print(_row("all bundled plans", n, measure(exe + ["risk", "--draws", str(args.draws), "-f", "csv",
                                                          "-o", str(out)])), flush=True)
    settings = [("jobs", j) for j in args.jobs.split(",") if j] + ([("engine", "dask")] if args.dask else [])
    for size in (int(s) for s in args.sizes.split(",") if s):
        series, targets = synthetic(size)
        sp, tp = work / f"series_{size}.csv", work / f"targets_{size}.csv"
        series.to_csv(sp, index=False)
        targets.to_csv(tp, index=False)
        for opt, val in settings:
            out = work / f"risk_{size}_{opt}{val}.csv"
            extra = [] if val == "none" else [f"--{opt}", str(val)]
            cmd = exe + ["risk", "--series", str(sp), "--targets", str(tp), "--draws", str(args.draws),
                         *extra, "-f", "csv", "-o", str(out)]
            if out.exists():
                out.unlink()
            label = f"{size:,} regions × {len(INDICATORS)}" + (f", --{opt} {val}" if extra else "")
            print(_row(label, len(targets), measure(cmd)), flush=True)


if __name__ == "__main__":
    main()
