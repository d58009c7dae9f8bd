"""Targets whose region/indicator spelling matches no series, when a close spelling does.

A target joins its history on (region, indicator). A one-character slip (武汉 for 武汉市,
pct_application for pct_applications) would otherwise show up only as "no data" — a silent
wrong answer. Targets with no series and no close spelling are normal (nothing published yet)
and are not reported.
"""
from __future__ import annotations

import difflib

import pandas as pd


def _close(name: str, known: list[str], *, prefix: bool, cutoff: float) -> str | None:
    # Regions: a dropped suffix (武汉 -> 武汉市) first. Indicators only by a high similarity
    # ratio: ids that extend another (copyright_registrations_total) are different series.
    if prefix:
        contains = [k for k in known if name and (k.startswith(name) or name.startswith(k))]
        if len(contains) == 1:
            return contains[0]
    found = difflib.get_close_matches(name, known, n=1, cutoff=cutoff)
    return found[0] if found else None


def close_key(region: str, indicator: str, keys: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The (region, indicator) of ``keys`` that ``(region, indicator)`` is most likely a slip for,
    or None (an exact match, or nothing close)."""
    if (region, indicator) in keys:
        return None
    regions = sorted({r for r, _ in keys})
    r = region if region in regions else _close(region, regions, prefix=True, cutoff=0.75)
    if r is None:
        return None
    indicators = sorted(i for rr, i in keys if rr == r)
    i = indicator if indicator in indicators else _close(indicator, indicators, prefix=False, cutoff=0.9)
    if i is None or (r, i) == (region, indicator):
        return None
    return r, i


def likely_typos(targets: pd.DataFrame, series: pd.DataFrame) -> list[str]:
    """One message per (region, indicator) of ``targets`` that has no series but a close spelling.

    Examples
    --------
    >>> s = pd.DataFrame({"region": ["武汉市"], "indicator": ["pct_applications"]})
    >>> t = pd.DataFrame({"plan": ["p"], "region": ["武汉"], "indicator": ["pct_application"]})
    >>> likely_typos(t, s)
    ['p: 武汉 / pct_application has no series; did you mean 武汉市 / pct_applications?']
    """
    keys = set(zip(series["region"].astype(str), series["indicator"].astype(str)))
    out, seen = [], set()
    for plan, region, indicator in zip(targets["plan"].astype(str), targets["region"].astype(str),
                                       targets["indicator"].astype(str)):
        if (plan, region, indicator) in seen:
            continue
        seen.add((plan, region, indicator))
        near = close_key(region, indicator, keys)
        if near is not None:
            out.append(f"{plan}: {region} / {indicator} has no series; did you mean {near[0]} / {near[1]}?")
    return out
