"""M3 yearly benchmark (645 series, horizon 6): accuracy, interval calibration and speed.

Every model of ``forecast.models.MODELS`` and ``auto`` is fitted on each series' training
values (optionally only the last K of them, ``--truncate K``), simulated with ``--paths``
sample paths, and scored on the 6 held-out test values with the M4 definitions
(forecast.metrics): sMAPE, MASE, OWA relative to Naive2 (the naive forecast for yearly
data), coverage of the central 80 % and 95 % intervals read from the paths, and MSIS
(alpha = 0.05). When ``statsforecast`` is importable (extra "bench") its AutoETS,
AutoTheta and RandomWalkWithDrift run on the same data.

Series are spread over a process pool (``--workers``, default 2). The statsmodels-based
models refit by bootstrap; the benchmark passes them ``n_refits=N_REFITS`` (fewer refits
than the default 20-30, which only changes how the paths are split between refits) and
runs the slowest of them on a fixed seeded subset of the series (``SUBSET``) so the whole
benchmark fits in 5 minutes on 2 cores. Each row's OWA is relative to Naive2 on the series
that row scored, so subset rows stay comparable.

Run:  python benchmarks/m3_yearly.py [--truncate 8] [--paths 1000] [--models auto,drift]
                                     [--limit 50] [--workers 2] [--output table.md]
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecast.metrics import coverage, mase, msis, owa, smape  # noqa: E402
from forecast.rng import series_rng  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "m3_yearly.csv"
H = 6
# Bootstrap-refit models: refits per series in the benchmark, and the number of series
# (seeded random subset) for those too slow to run on all 645 in the time budget.
N_REFITS = 5
REFIT_MODELS = ("ets", "ets_damped", "theta", "arima")
SUBSET = {"arima": 80, "ets_damped": 200}
SUBSET_SEED = 20261121


def load(truncate: int | None, limit: int | None) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    df = pd.read_csv(DATA)
    out = []
    for uid, g in df.groupby("unique_id", sort=True):
        g = g.sort_values("ds")
        tr, te = g[g["split"] == "train"], g[g["split"] == "test"]
        y, years = tr["y"].to_numpy(float), tr["ds"].to_numpy(int)
        if truncate:
            y, years = y[-truncate:], years[-truncate:]
        out.append((str(uid), y, years, te["y"].to_numpy(float)))
        if limit and len(out) >= limit:
            break
    return out


def score_rows(data, point, lo80, hi80, lo95, hi95) -> dict:
    """Mean scores over the series with a finite point forecast; ``base_*`` are Naive2's
    scores on those same series (for OWA)."""
    s, m, c80, c95, mi, bs, bm = [], [], [], [], [], [], []
    for i, (_, y, _, test) in enumerate(data):
        if not np.all(np.isfinite(point[i])):
            continue
        s.append(smape(test, point[i]))
        m.append(mase(test, point[i], y))
        bs.append(smape(test, np.full(H, y[-1])))
        bm.append(mase(test, np.full(H, y[-1]), y))
        if lo80 is not None and np.all(np.isfinite(lo95[i])):
            c80.append(coverage(test, lo80[i], hi80[i]))
            c95.append(coverage(test, lo95[i], hi95[i]))
            mi.append(msis(test, lo95[i], hi95[i], y, alpha=0.05))
    nan = float("nan")
    return {
        "n": len(s),
        "smape": float(np.mean(s)) if s else nan,
        "mase": float(np.mean(m)) if m else nan,
        "cov80": 100 * float(np.mean(c80)) if c80 else nan,
        "cov95": 100 * float(np.mean(c95)) if c95 else nan,
        "msis": float(np.mean(mi)) if mi else nan,
        "base_smape": float(np.mean(bs)) if bs else nan,
        "base_mase": float(np.mean(bm)) if bm else nan,
    }


def _run_chunk(args):
    """Worker: fit, predict and simulate one model on a chunk of series."""
    from forecast.models import get_model

    name, params, chunk, n_paths, seed = args
    point = np.full((len(chunk), H), np.nan)
    q = np.full((4, len(chunk), H), np.nan)
    failures: dict[str, int] = {}
    t0 = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, (uid, y, years, _) in enumerate(chunk):
            try:
                model = get_model(name, **params).fit(y, years)
                point[i] = model.predict(H)
                paths = model.simulate(H, n_paths, series_rng(seed, uid))
                q[:, i] = np.quantile(paths, [0.1, 0.9, 0.025, 0.975], axis=0)
            except Exception as exc:  # recorded, never hidden: a benchmark must finish
                key = f"{type(exc).__name__}: {str(exc).split(';')[0][:80]}"
                failures[key] = failures.get(key, 0) + 1
    return point, q, time.process_time() - t0, failures


def subset_index(name: str, k: int) -> np.ndarray:
    """Indices of the series a model runs on: all, or its fixed seeded subset."""
    n = SUBSET.get(name)
    if n is None or n >= k:
        return np.arange(k)
    return np.sort(np.random.default_rng(SUBSET_SEED).choice(k, n, replace=False))


def run_ours(name: str, data, n_paths: int, seed: int, pool, workers: int, full: bool = False):
    """Point forecasts and interval quantiles of one model on its series (NaN elsewhere),
    CPU seconds summed over workers, failures, and the number of series it ran on."""
    k = len(data)
    idx = np.arange(k) if full else subset_index(name, k)
    params = {"n_refits": N_REFITS} if name in REFIT_MODELS else {}
    parts = [idx[i::max(1, 4 * workers)] for i in range(max(1, 4 * workers))]
    parts = [p for p in parts if p.size]
    jobs = [(name, params, [data[i] for i in p], n_paths, seed) for p in parts]
    results = pool.map(_run_chunk, jobs) if pool is not None else map(_run_chunk, jobs)
    point = np.full((k, H), np.nan)
    q = np.full((4, k, H), np.nan)
    secs, failures = 0.0, {}
    for p, (pt, qq, sec, fails) in zip(parts, results):
        point[p], q[:, p] = pt, qq
        secs += sec
        for key, n in fails.items():
            failures[key] = failures.get(key, 0) + n
    return point, q, secs, failures, int(idx.size)


def run_statsforecast(data, levels=(80, 95)):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, RandomWalkWithDrift

    rows = []
    for uid, y, years, _ in data:
        rows += [{"unique_id": uid, "ds": int(t), "y": float(v)} for t, v in zip(range(len(y)), y)]
    df = pd.DataFrame(rows)
    out = {}
    for label, model in (("sf AutoETS", AutoETS(season_length=1)), ("sf AutoTheta", AutoTheta(season_length=1)),
                         ("sf RWD", RandomWalkWithDrift())):
        t0 = time.perf_counter()
        sf = StatsForecast(models=[model], freq=1, n_jobs=1)
        fc = sf.forecast(df=df, h=H, level=list(levels))
        secs = time.perf_counter() - t0
        col = [c for c in fc.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
        fc = fc.set_index("unique_id")
        get = lambda c: np.stack([fc.loc[uid, c].to_numpy(float) for uid, *_ in data])  # noqa: E731
        out[label] = (get(col), np.stack([get(f"{col}-lo-80"), get(f"{col}-hi-80"), get(f"{col}-lo-95"),
                                          get(f"{col}-hi-95")]), secs)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="M3 yearly benchmark (h = 6).")
    ap.add_argument("--truncate", type=int, default=None, help="fit on the last K training points only")
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--models", type=str, default=None, help="comma-separated names (default: all + auto)")
    ap.add_argument("--limit", type=int, default=None, help="first N series only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="processes (1: no pool)")
    ap.add_argument("--all-series", action="store_true", help="ignore SUBSET: every model on every series")
    ap.add_argument("--no-statsforecast", action="store_true")
    ap.add_argument("--output", type=Path, default=None, help="also write the table as Markdown")
    args = ap.parse_args(argv)

    from forecast.models import MODELS

    wall0 = time.perf_counter()
    data = load(args.truncate, args.limit)
    names = args.models.split(",") if args.models else [*MODELS, "auto"]
    results = {}
    failures = {}
    pool = ProcessPoolExecutor(args.workers) if args.workers > 1 else None
    try:
        for name in names:
            point, q, secs, fails, n_run = run_ours(name, data, args.paths, args.seed, pool, args.workers,
                                                    full=args.all_series)
            label = name if n_run == len(data) else f"{name} (subset of {n_run})"
            results[label] = (point, q, secs)
            if fails:
                failures[label] = fails
    finally:
        if pool is not None:
            pool.shutdown()
    have_sf = False
    if not args.no_statsforecast:
        try:
            import statsforecast  # noqa: F401

            have_sf = True
        except ImportError:
            pass
    if have_sf:
        results.update(run_statsforecast(data))
    wall = time.perf_counter() - wall0

    table = []
    for name, (point, q, secs) in results.items():
        r = score_rows(data, point, q[0], q[1], q[2], q[3])
        table.append({
            "model": name, "series": r["n"], "sMAPE": r["smape"], "MASE": r["mase"],
            "OWA": owa(r["smape"], r["mase"], r["base_smape"], r["base_mase"]) if r["n"] else float("nan"),
            "cov80": r["cov80"], "cov95": r["cov95"], "MSIS": r["msis"], "cpu s": secs,
        })
    frame = pd.DataFrame(table)
    title = (f"M3 yearly, {len(data)} series, h={H}, {args.paths} paths"
             + (f", last {args.truncate} training points" if args.truncate else ", full training series")
             + ("" if have_sf else "; statsforecast not installed")
             + f"; wall time {wall:.0f} s with {args.workers} worker(s)")
    fmt = {"sMAPE": "{:.2f}", "MASE": "{:.3f}", "OWA": "{:.3f}", "cov80": "{:.1f}", "cov95": "{:.1f}",
           "MSIS": "{:.2f}", "cpu s": "{:.1f}"}
    shown = frame.copy()
    for c, f in fmt.items():
        shown[c] = shown[c].map(lambda v, f=f: "-" if pd.isna(v) else f.format(v))
    md = [f"**{title}**", "", "| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    md += ["| " + " | ".join(str(v) for v in row) + " |" for row in shown.itertuples(index=False)]
    md += ["", f"Notes: {', '.join(REFIT_MODELS)} ran with n_refits={N_REFITS}; subset rows use a fixed random "
           f"subset (seed {SUBSET_SEED}) and their OWA is relative to Naive2 on that subset; 'cpu s' is the "
           "process CPU time of fit + predict + paths summed over workers (statsforecast rows: wall time)."]
    if failures:
        md += ["", "Failures (series not scored for that model):"]
        for name, fails in failures.items():
            for msg, n in fails.items():
                md.append(f"- {name}: {n} x {msg}")
    text = "\n".join(md)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
