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


class KeyIndex:
    """A set of (region, indicator) keys indexed once for :func:`close_key`: the regions, each
    region's indicators, and each region name already matched. Built per run, not per target:
    a province's 60,000 targets against 30,000 keys would otherwise rescan the keys per target."""

    def __init__(self, keys):
        self.keys = set(keys)
        self.regions = sorted({r for r, _ in self.keys})
        by_region: dict[str, list[str]] = {}
        for r, i in self.keys:
            by_region.setdefault(r, []).append(i)
        self.indicators = {r: sorted(v) for r, v in by_region.items()}
        self._region_of: dict[str, str | None] = {}

    def __contains__(self, key) -> bool:
        return key in self.keys

    def region(self, region: str) -> str | None:
        """The known region ``region`` is (or is most likely a slip for), else None."""
        if region not in self._region_of:
            self._region_of[region] = region if region in self.indicators else _close(
                region, self.regions, prefix=True, cutoff=0.75)
        return self._region_of[region]


def close_key(region: str, indicator: str, keys) -> tuple[str, str] | None:
    """The (region, indicator) of ``keys`` (a set of pairs, or its :class:`KeyIndex` when asking
    for many) that ``(region, indicator)`` is most likely a slip for, or None (an exact match,
    or nothing close)."""
    if (region, indicator) in keys:
        return None
    index = keys if isinstance(keys, KeyIndex) else KeyIndex(keys)
    r = index.region(region)
    if r is None:
        return None
    indicators = index.indicators[r]
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
    keys = KeyIndex(zip(series["region"].astype(str), series["indicator"].astype(str)))
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
