"""The interface every forecasting model implements.

A model is fitted on the observed years only (gaps allowed, never filled), then projects
``horizon`` consecutive years after the last observed year. The point forecast is the
simulation with zero noise, so quantiles and probabilities come from one engine.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np


class Model(ABC):
    """Base class: ``fit(y, years) -> self``, ``predict(h)``, ``simulate(h, n_paths, rng)``.

    Subclasses set ``name`` (the id used by ``--model``) and ``min_obs`` (fewest
    observations the model accepts; ``fit`` raises ``ForecastError`` below it).
    ``__init__`` only stores keyword-only parameters; learned attributes end in ``_``.
    """

    name: ClassVar[str]
    min_obs: ClassVar[int]
    positive: ClassVar[bool] = False  # True when simulated paths are guaranteed > 0
    handles_gaps: ClassVar[bool] = True  # False: fitted on the most recent contiguous run of years

    @abstractmethod
    def fit(self, y: np.ndarray, years: np.ndarray | None = None) -> "Model":
        """Fit on observed values ``y`` (1-D, float) in strictly increasing ``years``
        (default 0..n-1; gaps allowed)."""

    @abstractmethod
    def predict(self, horizon: int) -> np.ndarray:
        """Point forecast for the ``horizon`` years after the last observed year, shape (h,)."""

    @abstractmethod
    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Sample paths, shape (n_paths, horizon), with innovation and parameter uncertainty."""
