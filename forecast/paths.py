"""Forecast containers: sample paths per series, and the summaries read from them.

Every number a user sees (point, quantiles, intervals, probabilities) is read from the
same sample paths, so scenarios that act on paths change all of them consistently.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from forecast.errors import ForecastError


def _check_levels(levels) -> tuple[int, ...]:
    out = []
    for lv in levels:
        if not (0 < float(lv) < 100):
            raise ForecastError(f"The 'levels' parameter must be between 0 and 100 (exclusive). Got {lv!r} instead.")
        out.append(int(lv) if float(lv).is_integer() else float(lv))
    return tuple(out)


@dataclass(frozen=True, eq=False)
class SeriesForecast:
    """Sample paths of one series for consecutive years after its last observation.

    Attributes
    ----------
    region, indicator : the series key.
    years : int array (h,), ``last_year + 1 .. to_year``.
    paths : float array (n_paths, h).
    point : float array (h,), the zero-noise simulation.
    model : name of the model (for ``auto``, e.g. ``"auto[drift+theta]"``).
    obs_years, obs_values : the observations the model was fitted on (gaps visible).
    flags : short machine-readable flags, e.g. ``"weak_evidence"``, ``"panel_prior"``,
        ``"gaps"``; shown in every output. They hold for every year; ``flags_for`` adds the
        ones that depend on the year judged.
    notes : human-readable notes explaining the flags (``notes_for``: with the year's).
    calibrated_to : last year the fan's spread has been scored for (``None``: no such limit,
        e.g. an explicit model with model-based intervals); later years are flagged
        ``beyond_calibration``.
    """

    region: str
    indicator: str
    years: np.ndarray
    paths: np.ndarray
    point: np.ndarray
    model: str
    obs_years: np.ndarray
    obs_values: np.ndarray
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    unit: str = ""
    calibrated_to: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.region, self.indicator)

    @property
    def last_year(self) -> int:
        return int(self.obs_years[-1])

    @property
    def last_value(self) -> float:
        return float(self.obs_values[-1])

    @property
    def n_paths(self) -> int:
        return int(self.paths.shape[0])

    def at(self, year: int) -> np.ndarray:
        """Values of every path in ``year``: the observation if observed (same for all
        paths), else the simulated column. Raises for an unobserved year outside the paths."""
        year = int(year)
        hit = np.flatnonzero(self.obs_years == year)
        if hit.size:
            return np.full(self.n_paths, float(self.obs_values[hit[-1]]))
        col = np.flatnonzero(self.years == year)
        if col.size == 0:
            raise ForecastError(
                f"Series {self.region}/{self.indicator} has no value or path for {year} "
                f"(observed {self.obs_years.min()}-{self.last_year}, paths "
                f"{self.years.min() if self.years.size else '-'}-{self.years.max() if self.years.size else '-'})."
            )
        return self.paths[:, col[0]]

    def _judged(self, year) -> int:
        if year is not None:
            return int(year)
        return int(self.years[-1]) if self.years.size else self.last_year

    def beyond_calibration(self, year: int | None = None) -> bool:
        """Whether ``year`` (default: the last simulated year) is past the scored horizon."""
        return self.calibrated_to is not None and self._judged(year) > self.calibrated_to

    def flags_for(self, year: int | None = None) -> tuple[str, ...]:
        """``flags`` for a judgement of ``year`` (default: the last simulated year): a 2025
        target read from paths run to 2030 for another target is not beyond the calibrated
        horizon because 2030 is."""
        return self.flags + (("beyond_calibration",) if self.beyond_calibration(year) else ())

    def notes_for(self, year: int | None = None) -> tuple[str, ...]:
        """``notes`` for a judgement of ``year``, with the calibration note when it applies."""
        if not self.beyond_calibration(year):
            return self.notes
        year, last = self._judged(year), self.calibrated_to
        later = f"{last + 1}" if year == last + 1 else f"{last + 1}-{year}"
        return self.notes + (f"{year - self.last_year} years after the last observation: the fan is calibrated up "
                             f"to {last}; {later} extend{'s' if later.isdigit() else ''} it untested",)

    def quantiles(self, q) -> np.ndarray:
        """Quantiles of the paths per year, shape (len(q), h)."""
        return np.quantile(self.paths, np.asarray(q, dtype=float), axis=0)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Central ``level`` % interval per year (lo, hi)."""
        (level,) = _check_levels([level])
        a = (100 - level) / 200
        lo, hi = self.quantiles([a, 1 - a])
        return lo, hi

    def with_paths(self, paths: np.ndarray, **changes) -> "SeriesForecast":
        """A new SeriesForecast with other paths (scenarios use this; never mutate)."""
        return replace(self, paths=paths, **changes)


@dataclass(frozen=True, eq=False)
class Forecast:
    """Forecasts of several series, made with one seed and one number of draws."""

    series: tuple[SeriesForecast, ...]
    seed: int
    draws: int
    model: str
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.series)

    def __iter__(self):
        return iter(self.series)

    def get(self, region: str, indicator: str) -> SeriesForecast | None:
        for s in self.series:
            if s.region == region and s.indicator == indicator:
                return s
        return None

    def replace_series(self, series) -> "Forecast":
        return replace(self, series=tuple(series))

    def to_frame(self, levels=(80, 95)) -> pd.DataFrame:
        """Long table: region, indicator, year, model, mean, p50, lo_L, hi_L per level, flags."""
        levels = _check_levels(levels)
        rows = []
        for s in self.series:
            qs = []
            for lv in levels:
                a = (100 - lv) / 200
                qs += [a, 1 - a]
            qv = s.quantiles([0.5] + qs) if s.years.size else np.empty((1 + len(qs), 0))
            mean = s.paths.mean(axis=0) if s.years.size else np.empty(0)
            for j, year in enumerate(s.years):
                row = {
                    "region": s.region,
                    "indicator": s.indicator,
                    "year": int(year),
                    "model": s.model,
                    "point": float(s.point[j]),
                    "mean": float(mean[j]),
                    "p50": float(qv[0, j]),
                }
                for i, lv in enumerate(levels):
                    row[f"lo_{lv}"] = float(qv[1 + 2 * i, j])
                    row[f"hi_{lv}"] = float(qv[2 + 2 * i, j])
                row["flags"] = ";".join(s.flags_for(int(year)))
                rows.append(row)
        cols = ["region", "indicator", "year", "model", "point", "mean", "p50"]
        for lv in levels:
            cols += [f"lo_{lv}", f"hi_{lv}"]
        cols.append("flags")
        return pd.DataFrame(rows, columns=cols)
