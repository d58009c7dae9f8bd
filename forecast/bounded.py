"""A bounded model for ratio indicators (shares in %, 0-100): drift on the logit scale."""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from forecast.base import Model
from forecast.errors import ForecastError
from forecast.simple import Drift
from forecast.uncertainty import check_series

# Values at the bounds have an infinite logit; clip to 0.5 % / 99.5 % of the range.
CLIP = 0.005


class BoundedLogit(Model):
    r"""Random walk with (optionally damped) drift on the logit of a bounded ratio.

    With :math:`u_t = (y_t - lo)/(hi - lo)` clipped to :math:`[0.005, 0.995]` and
    :math:`z_t = \log(u_t / (1 - u_t))`:
    :math:`z_t = z_{t-1} + c\,\phi^{t-T} + \varepsilon_t` (``phi = 1``: plain drift), and
    :math:`y = lo + (hi - lo)\,\mathrm{expit}(z)`, so every path stays inside
    ``[lo, hi]`` and the drift slows down as the ratio nears a bound. Drift, volatility and
    their uncertainty are those of :class:`forecast.simple.Drift` on ``z`` (actual years,
    gaps allowed); ``prior_sigma`` is on the logit scale.

    Reference: Wallis (1987), "Time series analysis of bounded economic variables",
    JTSA 8(1); fpp3 section 5.2 (drift) and 5.6 (forecasting with transformations).

    Examples
    --------
    >>> m = BoundedLogit().fit([50.0, 60.0, 69.2], [2020, 2021, 2022])
    >>> bool(np.all(m.predict(30) < 100))
    True
    """

    name: ClassVar[str] = "logit"
    min_obs: ClassVar[int] = 3

    def __init__(
        self,
        *,
        lo: float = 0.0,
        hi: float = 100.0,
        phi: float = 1.0,
        prior_sigma: float | None = None,
        prior_df: float = 4.0,
    ):
        self.lo = lo
        self.hi = hi
        self.phi = phi
        self.prior_sigma = prior_sigma
        self.prior_df = prior_df

    def fit(self, y, years=None) -> "BoundedLogit":
        if not (np.isfinite(self.lo) and np.isfinite(self.hi) and self.hi > self.lo):
            raise ForecastError(
                f"Model 'logit': bounds must satisfy lo < hi. Got lo={self.lo!r}, hi={self.hi!r} instead."
            )
        if not (0 < float(self.phi) <= 1):
            raise ForecastError(f"Model 'logit': 'phi' must be in (0, 1]. Got {self.phi!r} instead.")
        y, years = check_series(y, years, model=self.name, min_obs=self.min_obs)
        out = (y < self.lo) | (y > self.hi)
        if out.any():
            raise ForecastError(
                f"Model 'logit' needs values inside [{self.lo:g}, {self.hi:g}]; years "
                f"{', '.join(str(int(t)) for t in years[out])} hold "
                f"{', '.join(f'{v:g}' for v in y[out])}. Check the unit (% vs fraction) or set lo/hi."
            )
        u = np.clip((y - self.lo) / (self.hi - self.lo), CLIP, 1 - CLIP)
        self.walk_ = Drift(prior_sigma=self.prior_sigma, prior_df=self.prior_df).fit(np.log(u / (1 - u)), years)
        self.last_year_ = int(years[-1])
        return self

    def _from_logit(self, z):
        return self.lo + (self.hi - self.lo) / (1.0 + np.exp(-z))

    def _simulate(self, horizon, n_paths, rng, *, noise: bool) -> np.ndarray:
        if not hasattr(self, "walk_"):
            raise ForecastError("Model 'logit' is not fitted yet: call fit(y, years) first.")
        z = self.walk_._simulate(horizon, n_paths, rng, noise=noise)
        if self.phi < 1:
            # Replace the linear drift c*h by the damped sum c*(phi + ... + phi^h).
            w = self.walk_
            steps = np.arange(1, z.shape[1] + 1)
            z = z - w.drift_ * steps + w.drift_ * np.cumsum(float(self.phi) ** steps)
        return self._from_logit(z)

    def predict(self, horizon: int) -> np.ndarray:
        """Point forecast: the zero-noise path."""
        return self._simulate(horizon, 1, None, noise=False)[0]

    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Sample paths (n_paths, horizon), always inside [lo, hi]."""
        return self._simulate(horizon, n_paths, rng, noise=True)
