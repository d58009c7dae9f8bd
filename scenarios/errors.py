"""The one error class of the ``scenarios`` package."""
from __future__ import annotations

import difflib


class ScenarioError(ValueError):
    """A target, scenario or assessment cannot be evaluated as asked.

    ``reason`` is a short machine-readable id (e.g. ``"no_baseline"``, ``"gap_in_window"``,
    ``"unknown_plan"``) so callers can turn the failure into a flag instead of a crash.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason


def unknown_names(asked, known) -> list[str]:
    """The names in ``asked`` that are not in ``known``, each with its close matches, e.g.
    ``"'dem0' (did you mean demo?)"``; empty when every name is known.

    >>> unknown_names(["dem0", "demo"], ["demo", "other"])
    ["'dem0' (did you mean demo?)"]
    """
    known = [str(k) for k in known]
    out = []
    for name in asked:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=3)
        out.append(f"{name!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
    return out
