"""The one error class of the ``scenarios`` package."""
from __future__ import annotations


class ScenarioError(ValueError):
    """A target, scenario or assessment cannot be evaluated as asked.

    ``reason`` is a short machine-readable id (e.g. ``"no_baseline"``, ``"gap_in_window"``,
    ``"unknown_plan"``) so callers can turn the failure into a flag instead of a crash.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason
