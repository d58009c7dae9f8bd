"""Size and generation time of the HTML and Excel reports of every bundled plan.

    PYTHONPATH=. python3 benchmarks/report_sizes.py [--draws 10000] [--out DIR]

Prints one markdown row per plan (and one for all plans together): targets, charts, HTML size,
workbook size, seconds to assess (simulation) and to render each file. The target from issue
11: a plan of 20 targets well under 1 MB.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import targetcast as tc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=tc.DRAWS)
    ap.add_argument("--out", type=Path, default=None, help="keep the reports in this folder")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="tc-reports-"))
    out.mkdir(parents=True, exist_ok=True)
    plans = list(tc.bundled().plans["plan"])
    print(f"draws {args.draws:,}, seed {tc.SEED}; reports in {out}\n")
    print("| plans | targets | fan charts | HTML KB | xlsx KB | assess s | HTML s | xlsx s |")
    print("|---|---|---|---|---|---|---|---|")
    for chosen in [[p] for p in plans] + [plans]:
        name = chosen[0] if len(chosen) == 1 else "all"
        t0 = time.perf_counter()
        a = tc.assess(chosen, draws=args.draws)
        t1 = time.perf_counter()
        a.to_html(out / f"{name}.html")
        t2 = time.perf_counter()
        a.to_excel(out / f"{name}.xlsx")
        t3 = time.perf_counter()
        html_kb = (out / f"{name}.html").stat().st_size / 1024
        xlsx_kb = (out / f"{name}.xlsx").stat().st_size / 1024
        print(f"| {name} | {len(a.table)} | {int(a.evaluable().sum())} | {html_kb:.0f} | {xlsx_kb:.0f} | "
              f"{t1 - t0:.1f} | {t2 - t1:.2f} | {t3 - t2:.2f} |")


if __name__ == "__main__":
    main()
