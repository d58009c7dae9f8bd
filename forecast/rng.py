"""Reproducible randomness: one Generator per series, from the user's seed and the series key.

Deriving each series' stream from a stable hash of its key (not from its position) means
adding or removing a series never changes another series' paths.
"""
from __future__ import annotations

import hashlib

import numpy as np


def key_entropy(*key: object) -> int:
    """A stable 64-bit integer from a series key (independent of PYTHONHASHSEED)."""
    text = "\x1f".join(str(k) for k in key)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def series_rng(seed: int, *key: object) -> np.random.Generator:
    """The Generator for one series.

    Examples
    --------
    >>> a = series_rng(42, "武汉市", "pct_applications").normal()
    >>> b = series_rng(42, "武汉市", "pct_applications").normal()
    >>> a == b
    True
    """
    return np.random.default_rng(np.random.SeedSequence([int(seed) & (2**63 - 1), key_entropy(*key)]))
