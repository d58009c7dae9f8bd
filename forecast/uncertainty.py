"""Reusable pieces for honest sample paths: input checks, parameter draws, bootstrap refits.

Short annual series (5-15 points) make textbook prediction intervals far too narrow,
because they treat the fitted parameters as known. Every model here adds the parameter
uncertainty back, in one of two ways:

* closed-form models (naive, drift, log-drift, linear trend) draw the innovation scale from
  its scaled-inverse-chi-square posterior and the trend parameters from their normal
  posterior given that scale, so marginal paths are Student-t-like (Gelman et al.,
  *Bayesian Data Analysis*, 3rd ed., section 3.2, non-informative prior; an optional
  external prior ``(prior_sigma, prior_df)`` is the conjugate scaled-inverse-chi-square
  prior of section 3.3, which lets a reference panel lend strength to very short series);
* statsmodels models use a residual bootstrap with refits (Hyndman & Athanasopoulos,
  *Forecasting: Principles and Practice*, 3rd ed., sections 5.5 and 12.5 "bagging"):
  resample residuals, rebuild a pseudo-series, refit, simulate a batch of paths from
  each refit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from forecast.base import Model
from forecast.errors import ForecastError


def _years_text(years: np.ndarray, limit: int = 12) -> str:
    ys = [str(int(v)) for v in np.asarray(years).ravel()]
    if len(ys) > limit:
        ys = ys[:3] + ["..."] + ys[-3:]
    return ", ".join(ys) if ys else "none"


def check_series(y, years, *, model: str, min_obs: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate one series for ``fit`` and return ``(y, years)`` as float / int arrays.

    Parameters
    ----------
    y : array-like, 1-D, finite values.
    years : array-like of int, strictly increasing, same length as ``y``; ``None`` means
        ``0 .. n-1``. Gaps are allowed.
    model : model name, used in messages.
    min_obs : fewest observations the model accepts.

    Raises
    ------
    ForecastError
        Not 1-D, NaN/inf values, years not strictly increasing integers, lengths differ,
        or fewer than ``min_obs`` observations.

    Examples
    --------
    >>> y, t = check_series([1.0, 2.0], [2020, 2022], model="drift", min_obs=2)
    >>> t.tolist()
    [2020, 2022]
    """
    y = np.asarray(y, dtype=float)
    if y.ndim != 1:
        raise ForecastError(
            f"Model '{model}' fits one series at a time: 'y' must be 1-D. Got shape {y.shape} instead."
        )
    if years is None:
        years = np.arange(y.size)
    years_arr = np.asarray(years)
    if years_arr.ndim != 1 or years_arr.size != y.size:
        raise ForecastError(
            f"Model '{model}': 'years' must be 1-D with one year per value ({y.size}). "
            f"Got shape {years_arr.shape} instead."
        )
    years_f = years_arr.astype(float)
    if years_arr.size and (not np.all(np.isfinite(years_f)) or np.any(years_f != np.round(years_f))):
        raise ForecastError(
            f"Model '{model}': 'years' must be whole numbers. Got {years_arr.tolist()} instead."
        )
    years_i = years_f.astype(np.int64)
    if np.any(np.diff(years_i) <= 0):
        raise ForecastError(
            f"Model '{model}': 'years' must be strictly increasing (one value per year). "
            f"Got {_years_text(years_i)} instead. Sort the series and drop duplicate years."
        )
    bad = ~np.isfinite(y)
    if bad.any():
        raise ForecastError(
            f"Model '{model}': values must be finite numbers; years {_years_text(years_i[bad])} "
            f"hold NaN or infinity. Drop those years (gaps are fine) instead of filling them."
        )
    if y.size < min_obs:
        raise ForecastError(
            f"Series has {y.size} observation{'s' if y.size != 1 else ''} (years {_years_text(years_i)}); "
            f"model '{model}' needs at least {min_obs}. Use a simpler model (naive, drift) or add history."
        )
    return y, years_i


def check_positive(y: np.ndarray, years: np.ndarray, *, model: str) -> None:
    """Raise ``ForecastError`` unless every value is > 0 (log and multiplicative models)."""
    bad = y <= 0
    if bad.any():
        raise ForecastError(
            f"Model '{model}' works in logs and needs positive values; years {_years_text(years[bad])} "
            f"hold {', '.join(f'{v:g}' for v in y[bad][:5])}. Use model 'drift' or 'linear' instead."
        )


def check_horizon(horizon, n_paths=None) -> tuple[int, int | None]:
    """Validate ``horizon`` (>= 1) and ``n_paths`` (>= 1); fail fast with a clear message."""
    h = int(horizon)
    if h != horizon or h < 1:
        raise ForecastError(f"The 'horizon' parameter must be a whole number >= 1. Got {horizon!r} instead.")
    if n_paths is None:
        return h, None
    n = int(n_paths)
    if n != n_paths or n < 1:
        raise ForecastError(f"The 'n_paths' parameter must be a whole number >= 1. Got {n_paths!r} instead.")
    return h, n


def most_recent_run(y: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The most recent run of consecutive years (for models that cannot take gaps).

    Examples
    --------
    >>> y, t = most_recent_run(np.arange(5.0), np.array([2013, 2014, 2016, 2017, 2018]))
    >>> t.tolist()
    [2016, 2017, 2018]
    """
    breaks = np.flatnonzero(np.diff(years) != 1)
    start = int(breaks[-1]) + 1 if breaks.size else 0
    return y[start:], years[start:]


def year_grid(z: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Values on the yearly grid from the first to the last observed year, NaN in gap years
    (for state-space fits, which skip a NaN; nothing is filled in).

    Examples
    --------
    >>> year_grid(np.array([1.0, 2.0, 5.0]), np.array([2013, 2014, 2017])).tolist()
    [1.0, 2.0, nan, nan, 5.0]
    """
    years = np.asarray(years, dtype=int)
    grid = np.full(int(years[-1] - years[0]) + 1, np.nan)
    grid[years - years[0]] = z
    return grid


def check_run(y: np.ndarray, years: np.ndarray, *, model: str, min_obs: int) -> tuple[np.ndarray, np.ndarray]:
    """Most recent contiguous run, or ``ForecastError`` naming the years if it is too short."""
    ry, rt = most_recent_run(y, years)
    if ry.size < min_obs:
        raise ForecastError(
            f"Model '{model}' cannot use gapped years and fits the most recent run of consecutive "
            f"years: {_years_text(rt)} ({ry.size} observation{'s' if ry.size != 1 else ''}) out of "
            f"{_years_text(years)}; it needs at least {min_obs}. Use model 'arima', 'drift' or 'linear', "
            f"which use every observed year."
        )
    return ry, rt


def check_prior(prior_sigma, prior_df, *, model: str) -> tuple[float | None, float]:
    """Validate an external innovation-scale prior; returns ``(sigma or None, df)``."""
    if prior_sigma is None:
        return None, 0.0
    s = float(prior_sigma)
    if not (np.isfinite(s) and s > 0):
        raise ForecastError(
            f"Model '{model}': 'prior_sigma' must be a positive number. Got {prior_sigma!r} instead."
        )
    d = float(prior_df)
    if not (np.isfinite(d) and d > 0):
        raise ForecastError(f"Model '{model}': 'prior_df' must be a positive number. Got {prior_df!r} instead.")
    return s, d


def sigma_draws(
    sigma2: float,
    df: float,
    n_paths: int,
    rng: np.random.Generator | None,
    *,
    prior_sigma: float | None = None,
    prior_df: float = 0.0,
    noise: bool = True,
    model: str = "",
) -> np.ndarray:
    """Innovation scale per path from its scaled-inverse-chi-square posterior.

    ``sigma^2 ~ Scale-Inv-chi2(nu, s^2)`` with ``nu = df + prior_df`` and
    ``s^2 = (df * sigma2 + prior_df * prior_sigma^2) / nu`` (BDA3 section 3.3). With
    ``noise=False`` every path gets ``s`` (the draws are unused then: innovations are zero).

    Returns
    -------
    ndarray, shape (n_paths, 1), ready to broadcast over the horizon.

    Raises
    ------
    ForecastError
        When there is neither a residual degree of freedom nor a prior.
    """
    nu = float(df) + (prior_df if prior_sigma is not None else 0.0)
    if nu <= 0 and not noise:
        # The point forecast needs no volatility: innovations are zero anyway.
        return np.zeros((n_paths, 1))
    if nu <= 0:
        raise ForecastError(
            f"Model '{model}' has no residual degrees of freedom to estimate the volatility "
            f"(too few observations for simulation). Add history, or pass prior_sigma= "
            f"(e.g. from a reference panel of similar series)."
        )
    ss = float(df) * float(sigma2) if df > 0 else 0.0
    if prior_sigma is not None:
        ss += prior_df * prior_sigma**2
    s2 = ss / nu
    if not noise:
        return np.full((n_paths, 1), np.sqrt(s2))
    return np.sqrt(s2 * nu / rng.chisquare(nu, size=(n_paths, 1)))


def normal(rng: np.random.Generator | None, shape, noise: bool) -> np.ndarray:
    """Standard normal draws, or zeros when ``noise`` is False (the point-forecast path)."""
    if not noise:
        return np.zeros(shape)
    return rng.standard_normal(shape)


def split_paths(n_paths: int, n_refits: int) -> np.ndarray:
    """How many paths each of ``n_refits`` bootstrap refits simulates (sums to ``n_paths``).

    Examples
    --------
    >>> split_paths(10, 4).tolist()
    [3, 3, 2, 2]
    """
    base, extra = divmod(int(n_paths), int(n_refits))
    return np.array([base + (i < extra) for i in range(int(n_refits))], dtype=int)


def n_refits(n_paths: int, max_refits: int) -> int:
    """Number of bootstrap refits: ``min(n_paths, max_refits)``, at least 1."""
    return max(1, min(int(n_paths), int(max_refits)))


def block_bootstrap(
    resid: np.ndarray, size: int, rng: np.random.Generator, *, block: int = 2, center: bool = True
) -> np.ndarray:
    """Moving-block bootstrap of (by default centred) residuals (Kunsch 1989; fpp3 section 12.5).

    Blocks keep short-range autocorrelation that a model may have missed. ``resid`` may
    hold NaN (gap years); those are dropped before resampling.

    Returns
    -------
    ndarray (size,)
    """
    r = np.asarray(resid, dtype=float)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return np.zeros(size)
    if center:
        r = r - r.mean()
    block = max(1, min(int(block), r.size))
    n_blocks = -(-size // block)
    starts = rng.integers(0, r.size - block + 1, size=n_blocks)
    idx = (starts[:, None] + np.arange(block)[None, :]).ravel()[:size]
    return r[idx]


# --- residual bootstrap with refits -------------------------------------------------------


class RefitBootstrap:
    """Residual bootstrap with refits for models that are expensive to fit.

    ``fit_once(z, start)`` fits the model on a working-scale series ``z`` (NaN allowed
    where the model handles gaps) and returns an object with attributes ``fitted`` (n,),
    ``resid`` (n,; NaN where not usable, e.g. gap years or the diffuse burn-in),
    ``resid_kind`` (``"add"`` or ``"mul"``) and ``params`` (start values for refits).
    ``paths_from(fit, h, eps)`` turns standard-normal draws ``eps`` (n, h) into working-scale
    paths from that fit; ``eps = 0`` must give the fit's point forecast.

    Each of ``B`` refits is made on a pseudo-series and simulates its share of the paths,
    so paths carry parameter as well as innovation uncertainty. The pseudo-series comes
    from ``pseudo(fit, z, r)`` when given: a *recursive* bootstrap that runs the fitted model
    from its start with resampled residuals ``r`` (needed for random-walk-like models,
    whose fixed-design pseudo-series ``fitted + r`` is a lagged copy of the data plus white
    noise and refits to a much smoother process). Without it, the fixed-design series
    ``fitted + r`` (``fitted * (1 + r)`` for multiplicative errors) is used.
    ``condition(fit_b, z)`` then runs the refit's parameters through the *original* series,
    so every path starts from the observed end of the data, not from the pseudo-series'
    end (Pascual, Romo & Ruiz 2004, "Bootstrap predictive inference for ARIMA processes",
    JTSA 25(4)).
    A refit that fails (optimiser error) is replaced by the original fit for its share and
    counted in ``failed``.
    """

    def __init__(
        self,
        fit_once,
        paths_from,
        *,
        n_refits: int,
        block: int = 2,
        center: bool = True,
        pseudo=None,
        condition=None,
    ):
        self.pseudo = pseudo
        self.condition = condition
        self.fit_once = fit_once
        self.paths_from = paths_from
        self.center = center
        self.n_refits = n_refits
        self.block = block
        self.failed = 0

    def paths(self, z: np.ndarray, base, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """(n_paths, horizon) working-scale paths from ``B`` refits of the fit ``base`` on ``z``."""
        counts = split_paths(n_paths, n_refits(n_paths, self.n_refits))
        usable = np.isfinite(base.resid) & np.isfinite(z)
        out = []
        self.failed = 0
        for b, n_b in enumerate(counts):
            if b == 0:
                # One share always comes from the original fit: the bootstrap spreads
                # around it rather than replacing it.
                fit_b = base
            else:
                # A recursive pseudo-series needs an innovation in every grid year, gap years
                # included (their values existed, only unpublished): one extra draw per gap.
                size = int(usable.sum()) + (int(np.isnan(z).sum()) if self.pseudo is not None else 0)
                r = block_bootstrap(base.resid[usable], size, rng, block=self.block, center=self.center)
                try:
                    if self.pseudo is not None:
                        pseudo = self.pseudo(base, z, r)
                    else:
                        pseudo = z.copy()
                        if base.resid_kind == "mul":
                            pseudo[usable] = base.fitted[usable] * (1.0 + r)
                        else:
                            pseudo[usable] = base.fitted[usable] + r
                    if not np.all(np.isfinite(pseudo[np.isfinite(z)])):
                        raise FloatingPointError("non-finite pseudo-series")
                    fit_b = self.fit_once(pseudo, base.params)
                    if self.condition is not None:
                        fit_b = self.condition(fit_b, z)
                except (ValueError, np.linalg.LinAlgError, FloatingPointError, ForecastError):
                    fit_b, self.failed = base, self.failed + 1
            out.append(self.paths_from(fit_b, horizon, rng.standard_normal((n_b, horizon))))
        paths = np.concatenate(out, axis=0)
        # Shuffle so that any prefix of the paths mixes all refits.
        return paths[rng.permutation(paths.shape[0])]


def small_sample_sigma(sigma2: float, n_eff: int, n_params: int) -> float:
    """Innovation sd with the degrees-of-freedom correction ``n / (n - k)``.

    Maximum-likelihood variances divide by ``n``; on 8 points with 4 parameters that
    understates the variance by half. ``n - k`` is floored at 1.
    """
    return float(np.sqrt(sigma2 * n_eff / max(n_eff - n_params, 1)))


class RefitModel(Model):
    """Base for statsmodels-backed models: parameter uncertainty by bootstrap refits.

    Subclasses implement ``_fit_initial(z)`` (may search model forms; default
    ``_fit_once(z, None)``), ``_fit_once(z, start)`` and ``_paths_from(fit, h, eps)`` (see
    :class:`RefitBootstrap`), and may override ``_to_work``/``_from_work`` (transforms) and
    ``_work_series`` (ARIMA puts NaN in gap years). ``predict`` is literally the simulation
    with zero innovations from the fit on the original data.
    """

    # Residuals are resampled without centring: in a recursive bootstrap a misspecified
    # form (no-trend ETS or Theta's half slope on a trending series) leaves residuals with
    # a non-zero mean that carry the data's growth; centring them would make every
    # pseudo-series flat and every refit biased.
    center_resid: ClassVar[bool] = False

    def __init__(self, *, n_refits: int = 30, block: int = 2):
        self.n_refits = n_refits
        self.block = block

    # hooks --------------------------------------------------------------------------------
    def _to_work(self, y: np.ndarray, years: np.ndarray) -> np.ndarray:
        return y

    def _from_work(self, z: np.ndarray) -> np.ndarray:
        return z

    def _work_series(self, z: np.ndarray, years: np.ndarray) -> np.ndarray:
        return z

    def _fit_initial(self, z: np.ndarray):
        return self._fit_once(z, None)

    # A recursive-bootstrap pseudo-series generator ``(fit, z, r) -> z*``, or None for the
    # fixed-design bootstrap (see RefitBootstrap).
    _pseudo = None
    # ``(refit, z) -> Fitted`` with the refit's parameters and states filtered through the
    # original series ``z``; None when the refit already conditions on ``z``.
    _condition = None

    def _fit_once(self, z: np.ndarray, start):  # pragma: no cover - abstract hook
        raise NotImplementedError

    def _paths_from(self, fit, horizon: int, eps: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    # Model API ----------------------------------------------------------------------------
    def fit(self, y, years=None) -> "RefitModel":
        for name, value, lo in (("n_refits", self.n_refits, 1), ("block", self.block, 1)):
            if int(value) != value or value < lo:
                raise ForecastError(
                    f"Model '{self.name}': the '{name}' parameter must be a whole number >= {lo}. "
                    f"Got {value!r} instead."
                )
        y, years = check_series(y, years, model=self.name, min_obs=self.min_obs)
        if not self.handles_gaps:
            y, years = check_run(y, years, model=self.name, min_obs=self.min_obs)
        self.years_ = years
        self.last_year_ = int(years[-1])
        self.z_ = self._work_series(self._to_work(y, years), years)
        self.fit_ = self._fit_initial(self.z_)
        return self

    def predict(self, horizon: int) -> np.ndarray:
        """Point forecast: zero innovations from the fit on the original data."""
        return self._simulate(horizon, 1, None, noise=False)[0]

    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Sample paths (n_paths, horizon): bootstrap refits x innovation noise."""
        return self._simulate(horizon, n_paths, rng, noise=True)

    def _simulate(self, horizon, n_paths, rng, *, noise: bool) -> np.ndarray:
        if not hasattr(self, "fit_"):
            raise ForecastError(f"Model '{self.name}' is not fitted yet: call fit(y, years) first.")
        h, n = check_horizon(horizon, n_paths)
        if not noise:
            z = self._paths_from(self.fit_, h, np.zeros((n, h)))
        else:
            boot = RefitBootstrap(
                self._fit_once,
                self._paths_from,
                n_refits=self.n_refits,
                block=self.block,
                center=self.center_resid,
                pseudo=self._pseudo,
                condition=self._condition,
            )
            z = boot.paths(self.z_, self.fit_, h, n, rng)
            self.failed_refits_ = boot.failed
        return self._from_work(z)


@dataclass(frozen=True, eq=False)
class Fitted:
    """One fit of a refit model: what the bootstrap and the path simulator need."""

    result: object
    fitted: np.ndarray
    resid: np.ndarray
    sigma: float
    params: object = None
    resid_kind: str = "add"
    spec: tuple = ()
    state: tuple = ()
    aicc: float | None = None  # when the model computes its own (gapped ETS), else result.aicc
