"""The reference panel of peers that short series borrow growth and volatility from.

One place decides it, so the CLI and the Python API forecast with the same peers (and give
the same numbers for the same seed).
"""
from __future__ import annotations

import pandas as pd

from history.bundled import SERIES_FILE, peer_panel
from history.problems import DataError


def reference_panel(frame: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """The bundled regional series (national totals left out) plus ``frame``, whose value wins
    where both give a region and year.

    ``file`` is the series' source name: the bundled series themselves (``file`` ==
    ``history.bundled.SERIES_FILE``) give the peer panel alone (no national totals, no copies).
    When the bundled data cannot be read the user's series is its own panel.
    """
    if file == SERIES_FILE:
        return peer_panel()
    try:
        bundled = peer_panel()
    except DataError:
        return frame
    both = pd.concat([bundled, frame], ignore_index=True)
    return both.drop_duplicates(["region", "indicator", "year"], keep="last").reset_index(drop=True)
