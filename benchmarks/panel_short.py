"""Validation of the growth-anchored forecast for very short series on the bundled panel.

Leave one region out: for every indicator published by at least 3 regions (peer and plan
rows of the bundled series, national totals left out as in the CLI: history.bundled.peer_panel), every region's series and every origin after its 2nd, 3rd or
4th observation, forecast each LATER observed year 1-6 years after the origin with

* ``auto``    the current default (volatility prior from the peers, growth from the series),
* ``anchor[auto] w=..`` the growth-anchored forecast (forecast.shortseries) for each prior
  weight, with ``auto``'s point (median of drift and log-drift) as the own part of the mix:
  what ``auto`` does when the engine passes ``prior_growth``,
* ``anchor[exp] w=..`` the same with the own part a constant growth ``y_n exp(g_own h)``,
* ``w=eb+kept``: the learned weight plus the panel's persistence of departures for the series'
  span (forecast.panel.growth_persistence), which the engine passes; on this panel, whose
  series are sparse or short at these origins, it is rarely estimable and the rows equal w=eb,

where the peer panel never contains the evaluated region nor any year after the origin.
Only origins with a usable growth panel (>= 3 other regions with a pair of years up to the
origin) and positive values are scored, so every method is scored on the same forecasts. Series in % are skipped (the engine models them on
the logit scale and passes no growth prior).

Scores, on the log scale (all series are positive): coverage of the central 80 % and 95 %
intervals, the mean interval score at alpha = 0.05 (Gneiting & Raftery 2007, the numerator
of the M4 MSIS) in log units, NOT scaled (the peers' scales differ by indicator; log units
are already scale-free), the mean width of the 95 % interval in log units, and the median
|log(actual / point)|.

Usage: ``python benchmarks/panel_short.py [--draws 2000] [--seed 0] [--weights 0.5,1,2,4,8]
[--half-life 5]``. Prints one table (about 25 s). Result with those settings, all n:
auto 96 % / 100 % coverage, score 4.88, median |log error| .133; anchor[auto] w=1 81 % / 93 %,
1.73, .140; anchor[exp] w=1 69 % / 88 %, 2.15, .235.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecast.auto import AutoModel  # noqa: E402
from forecast.panel import GROWTH_HALF_LIFE, peer_growth, peer_prior  # noqa: E402
from forecast.rng import series_rng  # noqa: E402
from forecast.shortseries import anchored_paths, anchored_point  # noqa: E402
from history.bundled import NATIONAL_SCOPES, bundled_series_frame  # noqa: E402

ORIGINS = (2, 3, 4)
MAX_H = 6
ALPHA = 0.05


def _scores(key: str, method: str, n: int, h: np.ndarray, actual: np.ndarray, point: np.ndarray,
            paths: np.ndarray) -> list[dict]:
    za, zp, zs = np.log(actual), np.log(point), np.log(paths)
    q = np.quantile(zs, [0.025, 0.1, 0.9, 0.975], axis=0)
    lo95, lo80, hi80, hi95 = q
    score = (hi95 - lo95) + (2 / ALPHA) * (lo95 - za) * (za < lo95) + (2 / ALPHA) * (za - hi95) * (za > hi95)
    return [dict(origin=key, method=method, n=n, h=int(hh), in80=bool(lo80[i] <= za[i] <= hi80[i]),
                 in95=bool(lo95[i] <= za[i] <= hi95[i]), score=float(score[i]), width95=float(hi95[i] - lo95[i]),
                 abs_err=float(abs(za[i] - zp[i]))) for i, hh in enumerate(h)]


def evaluate(frame: pd.DataFrame, *, weights: list[float | None], draws: int, seed: int,
             half_life: float = GROWTH_HALF_LIFE) -> pd.DataFrame:
    """One row per (method, forecast): see the module docstring."""
    frame = frame[frame["role"].isin(["peer", "plan"]) & ~frame["region"].isin(NATIONAL_SCOPES)].copy()
    frame["year"] = frame["year"].astype(int)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame.dropna(subset=["value"])
    units = frame["unit"].astype(str).str.strip() if "unit" in frame.columns else pd.Series("", index=frame.index)
    frame = frame[units != "%"]
    regions_per = frame.groupby("indicator")["region"].nunique()
    rows: list[dict] = []
    for ind in sorted(regions_per[regions_per >= 3].index):
        rows_ind = frame[frame["indicator"] == ind]
        for region, g in rows_ind.groupby("region", sort=True):
            g = g.sort_values("year").drop_duplicates("year", keep="last")
            y, years = g["value"].to_numpy(float), g["year"].to_numpy(int)
            for k in ORIGINS:
                if y.size <= k:
                    continue
                yk, tk, origin = y[:k], years[:k], int(years[k - 1])
                later = (years > origin) & (years <= origin + MAX_H)
                if not later.any() or np.any(yk <= 0) or np.any(y[later] <= 0):
                    continue
                h_obs = years[later] - origin
                horizon = int(h_obs.max())
                cols = h_obs - 1
                panel = rows_ind[(rows_ind["region"] != region) & (rows_ind["year"] <= origin)]
                # w=eb is also scored with the panel's persistence of departures for the series'
                # span ("+kept", what the engine uses: forecast.panel.growth_persistence)
                span = int(tk[-1] - tk[0])
                priors = {f"w={'eb' if w is None else f'{w:g}'}": peer_growth(
                    panel, region=region, indicator=ind, half_life=half_life, weight=w) for w in weights}
                if None in weights:
                    priors["w=eb+kept"] = peer_growth(panel, region=region, indicator=ind, half_life=half_life,
                                                      span=span)
                if any(p is None for p in priors.values()):
                    continue
                scale = peer_prior(panel, region=region, indicator=ind)
                model = AutoModel(**({"prior_scale": scale.scale, "prior_source": scale.source} if scale else {}))
                model.fit(yk, tk)
                rng = series_rng(seed, region, ind, k)
                key = f"{region}/{ind}/{origin}"
                rows += _scores(key, "auto", k, h_obs, y[later], model.predict(horizon)[cols],
                                model.simulate(horizon, draws, rng)[:, cols])
                own = model.predict(horizon)
                for w, prior in priors.items():
                    for label, own_point in (("exp", None), ("auto", own)):
                        if own_point is not None and np.any(own_point <= 0):
                            continue
                        rng = series_rng(seed, region, ind, k)
                        rows += _scores(key, f"anchor[{label}] {w}", k, h_obs, y[later],
                                        anchored_point(yk, tk, prior, horizon, own_point=own_point)[cols],
                                        anchored_paths(yk, tk, prior, horizon, draws, rng,
                                                       own_point=own_point)[:, cols])
    return pd.DataFrame(rows)


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """Per method and number of observations (and all n): the table that is printed."""
    def agg(df):
        return pd.Series({"forecasts": len(df), "cov80": 100 * df["in80"].mean(), "cov95": 100 * df["in95"].mean(),
                          "score95": df["score"].mean(), "width95": df["width95"].mean(),
                          "med_abs_err": df["abs_err"].median()})
    by_n = scores.groupby(["method", "n"], sort=False).apply(agg, include_groups=False).reset_index()
    total = scores.groupby("method", sort=False).apply(agg, include_groups=False).reset_index()
    total["n"] = "all"
    out = pd.concat([by_n, total], ignore_index=True)
    out["forecasts"] = out["forecasts"].astype(int)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--weights", default="0.5,1,2,4,8,eb",
                    help="prior weights in years; 'eb' = learned from the panel (forecast.panel.growth_weight, "
                         "what the engine uses)")
    ap.add_argument("--half-life", type=float, default=GROWTH_HALF_LIFE)
    args = ap.parse_args(argv)
    weights = [None if w.strip() == "eb" else float(w) for w in args.weights.split(",")]
    scores = evaluate(bundled_series_frame(), weights=weights, draws=args.draws, seed=args.seed,
                      half_life=args.half_life)
    table = summarise(scores)
    n_origins = scores["origin"].nunique()
    n_series = scores["origin"].str.rsplit("/", n=1).str[0].nunique()
    print(f"# panel_short: leave-one-region-out on the bundled panel; draws={args.draws} seed={args.seed} "
          f"half_life={args.half_life:g}; {n_origins} origins in {n_series} series; interval score in log units (alpha 0.05, unscaled)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
