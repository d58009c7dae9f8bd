"""Growth-anchored forecasts for very short series (2-4 observations), and the peers' share in
the centre of longer ones (``peer_trend_point``).

Two or three published years cannot tell a region's growth rate apart from one year's
noise: Wuhan's PCT applications went 1,389 -> 1,566 from 2020 to 2021, and a model that
trusts only those two points (and calibrates its fan on 2-point windows of unrelated
series) gives a 2025 range of 715-13,346. Peers publishing the same indicator say what
growth such a series usually has. This module mixes the two, as a normal-normal
(precision-weighted) estimate of the annual log growth ``mu``:

    g_own  = (log y_n - log y_1) / T              T = years spanned by the series
    mu     = (T * g_own + w * g_panel) / (T + w)  w = prior weight in years
    sd     = s_panel                              (the peers' spread, not shrunk)

The centre's growth to ``h`` years ahead keeps ``persistence_h`` of the series' departure from
its peers instead of ``1 - w / (T + w)`` when the panel can tell (``GrowthPrior.persistence``,
forecast.panel.growth_persistence): how much of the peers' own departures over the same span
carried into their next ``h`` years. The normal-normal weight assumes a region's growth stays
apart from its peers' for good; on the yearbook panel a two-year departure mostly fades
(kept 0-40 % after 1-6 years for patent flows, 40-70 % for invention patents in force), and
the 3-point centres that kept more of it missed in the direction of the departure, growing with
the horizon (benchmarks/attainment.py, 3-point cuts: Brier 0.1539 -> 0.1488, stocks 0.1515 ->
0.1380; over all nine origins better at six, unchanged at the two whose panels are too short to
tell, 0.0009 worse at 2021). The spread is unchanged.

The paths: ``log y_{n+h} = centre_h + dmu * h + sigma * W_h`` where the growth deviation ``dmu``
is drawn once per path from N(0, sd^2 (1 + 1/k)), ``k`` the number of peers (parameter
uncertainty: the fan widens linearly with the horizon). ``1 + 1/k`` is the predictive
variance of one more region when the centre was estimated from ``k`` regions. The spread
itself is treated as known: it rests on every pair of years of every peer (17 to 85 pairs
for the bundled indicators, 7 for the two trademark counts with 3-4 peers). A Student-t predictive with ``k - 1`` degrees of freedom was tried and dropped:
``exp`` of a t draw has no mean (the forecast's mean column ran to 1e89 with 3 peers), and
its interval score on benchmarks/panel_short.py was worse (1.98 vs 1.90). The growth to come
is uncertain by about as much as peers' growth differs, however the past average was
estimated: these counts decelerate and change regime, so ``sd`` is not shrunk by the series'
own years (shrinking it by ``sqrt(w / (T + w))``, the textbook posterior sd, covered 67 % /
82 % instead of 80 % / 92 % in benchmarks/panel_short.py, measured with normal draws) and
``W`` is a standard random walk (year-to-year noise, ``sigma`` from the peers' changes in
growth, shrunk with the series' own when it has 3+ points). With ``w`` years of prior weight
the panel counts like ``w`` years of the series' own history, so a long series ends up with
its own growth. A stock whose peers all grow gets a growth distribution that is almost all
positive; no floor is imposed.

When the panel can tell the persistence it also tells how far its regions' growth strayed from
it (``GrowthPrior.persistence_sd``, forecast.panel.persistence_spread: the robust sd of the
departures the kept share did not predict, each year's common median taken out). That is a
second, direct estimate of the same width, and it disagrees with the first in shape: the
between-region spread sizes every path alike, while the regions' departures are peaked with
long tails (most regions stay close to the rule, a few stray far). Every other path is
therefore sized by the learned sd instead (an equal linear pool of the two predictive
distributions, as the ensemble pools its members; the series' own widening by its departure
kept in both). 3-point cuts (benchmarks/attainment.py, every origin 2013-2021): yearbook Brier
0.1497 -> 0.1494, its 2-4 point reliability bins from up to 5.4 points off to within 5; the
held-out indicators 0.1445 -> 0.1416, their timid 2-4 point bins 10.6 -> 8.6 points off at most.
Either estimate alone was worse (odd-year origins): the learned sd alone, yearbook 0.1488 ->
0.1503 (too narrow in the tails, P 0.04 came true 6 %); with the year-to-year change in the
peers' median growth added, 0.1521.

A share modelled in its own points (the engine's bounded series far from their bounds) uses
the same model without the logs (``GrowthPrior.log`` False: growth, spread and noise are
changes in points a year, paths ``y_n + mu_path h + sigma W_h``). Relative growth would skew a
share's fan upward, as the logit did. On the yearbook's 3-point R&D intensities
(benchmarks/attainment.py --all-origins) the anchored model in points took the Brier score
from 0.1155 (no peers: drift and the generic prior) to 0.0993, better at 8 of 9 origins.

References
----------
Gelman et al., *Bayesian Data Analysis* (3rd ed.), sections 2.5 and 5.4 (normal mean with a
normal prior; partial pooling). Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice* (3rd ed.), section 5.2 (random walk with drift).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from forecast.errors import ForecastError
from forecast.panel import GrowthPrior

#: Series with at most this many observations use the panel growth when one is given.
MAX_SHORT_OBS = 4
#: The panel's noise estimate counts like this many of the series' own changes in growth.
NOISE_PRIOR_WEIGHT = 4.0


@dataclass(frozen=True)
class AnchoredGrowth:
    """The growth and noise a short series is projected with.

    Attributes
    ----------
    growth : annual log growth, the empirical-Bayes mix of own and panel (the centre's growth
        when the prior carries no persistence; see ``centre_share``).
    growth_sd : its uncertainty (one draw per path; the mixture's between-model part uses
        ``panel_share`` either way).
    noise : standard deviation of one year's log change around the growth.
    own_growth : the series' own average annual log growth.
    own_years : years the series spans (its weight in the mix).
    panel_share : ``w / (T + w)``, the panel's share of ``growth``.
    """

    growth: float
    growth_sd: float
    noise: float
    own_growth: float
    own_years: float
    panel_share: float


def _check(y, years, log: bool = True) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    years = np.asarray(years, dtype=float)
    if y.ndim != 1 or y.size != years.size or y.size < 2:
        raise ForecastError(
            f"A growth-anchored forecast needs 1-D values and years of the same length, at least 2. "
            f"Got shapes {y.shape} and {years.shape}."
        )
    if not np.all(np.isfinite(y)):
        raise ForecastError(f"A growth-anchored forecast needs finite values. Got {y.tolist()}.")
    if log and not np.all(y > 0):
        raise ForecastError(
            f"A growth-anchored forecast needs positive, finite values (it works on log growth). Got {y.tolist()}."
        )
    if np.any(np.diff(years) <= 0):
        raise ForecastError(f"Years must be strictly increasing. Got {years.tolist()}.")
    return y, years


def anchored_growth(y, years, prior: GrowthPrior) -> AnchoredGrowth:
    """Mix the series' own growth with the panel's (see the module docstring).

    Examples
    --------
    >>> prior = GrowthPrior(growth=0.10, spread=0.05, noise=0.04, n_peers=5, n_pairs=9, last_year=2022, weight=2.0)
    >>> a = anchored_growth([100.0, 130.0], [2020, 2022], prior)
    >>> round(a.own_growth, 4), round(a.growth, 4), a.panel_share
    (0.1312, 0.1156, 0.5)
    """
    y, years = _check(y, years, prior.log)
    z = _scale(y, prior)
    span = float(years[-1] - years[0])
    own = float((z[-1] - z[0]) / span)
    w = max(float(prior.weight), 0.0)
    share = w / (span + w)
    mu = (1 - share) * own + share * float(prior.growth)
    panel_noise = float(prior.noise) if np.isfinite(prior.noise) else float(prior.spread)
    # Own changes in growth between neighbouring pairs (3+ points), as in growth_pairs.
    d = np.diff(years)
    g = np.diff(z) / d
    r = np.diff(g) / np.sqrt(1 / d[:-1] + 1 / d[1:]) if g.size >= 2 else np.empty(0)
    noise = float(np.sqrt((NOISE_PRIOR_WEIGHT * panel_noise**2 + np.sum(r**2)) / (NOISE_PRIOR_WEIGHT + r.size)))
    # Not shrunk by the own years (see the module docstring), and widened when the series' own
    # growth departs from its peers' by more than its own noise explains (the part of
    # ``(g_own - g_panel)^2`` beyond ``noise^2 / span``, the sampling variance of a drift
    # estimated over ``span`` years), twice: (1) the series is one more region, so the spread
    # between regions is re-estimated with it, ``tau^2 = (k s^2 + excess) / (k + 1)``, never
    # below the peers' spread; (2) the centre mixes two estimates that truly disagree, which
    # adds the between-model variance of that mixture, ``share (1 - share) excess`` (as
    # member_spread does for the ensemble). Guangxi's invention patents per 10k people grew
    # 0.44/yr in 2013-2016 against peers' 0.23 +- 0.022: P(>= 6 in 2020) 0.86 instead of 1.00
    # (it was 5.12). A noisy 3-point count whose growth differs from its peers' by sampling
    # noise is not widened (benchmarks/attainment.py: widening by the whole departure made
    # such fans too wide on the yearbook panel).
    k = max(int(prior.n_peers), 1)
    excess = max((own - float(prior.growth)) ** 2 - noise**2 / span, 0.0)
    tau2 = max(float(prior.spread) ** 2, (k * float(prior.spread) ** 2 + excess) / (k + 1))
    mu_sd = float(np.sqrt(tau2 + share * (1 - share) * excess))
    return AnchoredGrowth(growth=float(mu), growth_sd=mu_sd, noise=noise, own_growth=own, own_years=span,
                          panel_share=float(share))


def _scale(y, prior: GrowthPrior) -> np.ndarray:
    """Values on the prior's scale: logs, or the values themselves (a share in points)."""
    y = np.asarray(y, dtype=float)
    return np.log(y) if prior.log else y


def _unscale(z, prior: GrowthPrior) -> np.ndarray:
    return np.exp(z) if prior.log else np.asarray(z, dtype=float)


def _z_centre(y, years, a: AnchoredGrowth, prior: GrowthPrior, horizon: int, own_point) -> np.ndarray:
    """The zero-noise path on the prior's scale: the own trend and the panel growth, mixed by
    ``panel_share``."""
    h = np.arange(1, int(horizon) + 1, dtype=float)
    if own_point is None:
        own = a.own_growth * h
    else:
        own_point = np.asarray(own_point, dtype=float)
        if own_point.shape != h.shape or (prior.log and np.any(own_point <= 0)):
            raise ForecastError(
                f"The 'own_point' parameter must be {h.size} {'positive ' if prior.log else ''}values (one per "
                f"year ahead). Got {own_point.tolist()} instead."
            )
        own = _scale(own_point, prior) - _scale(y[-1:], prior)[0]
    return _mix(_scale(y[-1:], prior)[0], own, float(prior.growth) * h, centre_share(a, prior, h.size))


def centre_share(a: AnchoredGrowth, prior: GrowthPrior, horizon: int) -> np.ndarray:
    """The peers' share of the centre's growth to each year ahead: ``1 - persistence_h`` when
    the prior carries the panel's persistence (the last one for later years), else
    ``panel_share`` every year."""
    kept = np.asarray(prior.persistence, dtype=float)
    if kept.size == 0:
        return np.full(int(horizon), a.panel_share)
    return 1.0 - kept[np.minimum(np.arange(int(horizon)), kept.size - 1)]


def _mix(z_last: float, own: np.ndarray, panel: np.ndarray, share) -> np.ndarray:
    """The centre on the prior's scale: ``z_last`` plus the own and the panel growth to each
    year, mixed (``share``: the panel's, one for every year or one per year)."""
    return z_last + (1 - share) * own + share * panel


#: A series with more than MAX_SHORT_OBS observations takes this share of its centre's growth
#: from the peers' growth (``peer_trend_point``). Chosen on the yearbook panel
#: (benchmarks/attainment.py --all-origins, cuts of 5, 8 and all points, origins 2013-2021):
#: mean Brier over origins 0.1751 without, 0.1668 / 0.1648 / 0.1632 / 0.1620 / 0.1610 / 0.1618
#: with 0.15 / 0.2 / 0.25 / 0.3 / 0.4 / 0.5, flat from 0.2; every share wins at 2014-2020 and
#: loses at 2021, after which the peers' growth broke (0.1411 without, 0.1447 / 0.1491 / 0.1678
#: with 0.15 / 0.25 / 0.5). The low end, because the same has happened since: five provinces'
#: invention patents in force, as of 2023, came in in 2024-2025 2.0-5.1 % below the centre with
#: 0.25, 0.8-3.1 % below with 0.15, within 0.9 % without (six outcomes,
#: benchmarks/recent_outcomes.py);
#: and larger shares leave the fans, sized around the members' median, too wide (default run: 9
#: reliability bins more than 5 points off with 0.15, 21 with 0.25). The short series' weight
#: w / (T + w) (0.6-0.75 for a 13-year flow of patent grants) was tried first: 0.1677, 2021 0.1781.
PEER_TREND_SHARE = 0.15


def peer_trend_point(point, last: float, prior: GrowthPrior, share: float = PEER_TREND_SHARE) -> np.ndarray:
    """A longer series' point forecast (h = 1..len(point)) with ``share`` of its growth taken
    from the peers' growth, ``prior.growth`` a year from the ``last`` value: log growth (the
    point positive) or, for a prior in the series' own units, change.

    >>> prior = GrowthPrior(growth=0.10, spread=0.05, noise=0.04, n_peers=5, n_pairs=9, last_year=2022)
    >>> peer_trend_point([100.0, 100.0], 100.0, prior).round(2).tolist()
    [101.51, 103.05]
    """
    point = np.asarray(point, dtype=float)
    if prior.log and (np.any(point <= 0) or not last > 0):
        raise ForecastError(f"A peer-trend centre needs positive values. Got {point.tolist()} after {last}.")
    h = np.arange(1, point.size + 1, dtype=float)
    z_last = _scale([last], prior)[0]
    return _unscale(_mix(z_last, _scale(point, prior) - z_last, float(prior.growth) * h, share), prior)


def anchored_point(y, years, prior: GrowthPrior, horizon: int, *, own_point=None) -> np.ndarray:
    """Point forecast for h = 1..horizon (the zero-noise path).

    Without ``own_point``: ``y_n * exp(mu * h)``. With ``own_point`` (the series' own point
    forecast, e.g. ``auto``'s median of drift and log-drift, which extrapolates less
    aggressively than constant growth), its log growth replaces ``g_own * h`` in the mix:
    ``log y_n + (1 - share) * log(own_point / y_n) + share * g_panel * h``.
    """
    y, years = _check(y, years, prior.log)
    a = anchored_growth(y, years, prior)
    return _unscale(_z_centre(y, years, a, prior, horizon, own_point), prior)


def _pace_sd(a: AnchoredGrowth, prior: GrowthPrior) -> float:
    """Standard deviation of a path's growth rate: a new region among ``k`` peers."""
    return a.growth_sd * np.sqrt(1 + 1 / max(int(prior.n_peers), 1))


def _sd(a: AnchoredGrowth, prior: GrowthPrior, h: np.ndarray) -> np.ndarray:
    """Standard deviation of the spread model's paths around the centre after ``h`` years."""
    return np.sqrt((_pace_sd(a, prior) * h) ** 2 + a.noise**2 * h)


def _learned_ratio(a: AnchoredGrowth, prior: GrowthPrior, h: np.ndarray) -> np.ndarray | None:
    """The panel-learned width after ``h`` years (``prior.persistence_sd``: how far peers'
    growth strayed from the persistence rule, times ``h``; later years keep the last) over the
    spread model's width for a series that does not depart from its peers; ``None`` when the
    panel cannot tell. The paths it sizes keep this series' widening by its departure."""
    learned = np.asarray(prior.persistence_sd, dtype=float)
    if learned.size == 0:
        return None
    learned = learned[np.minimum(h.astype(int), learned.size) - 1] * h
    return learned / _sd(replace(a, growth_sd=float(prior.spread)), prior, h)


def _mixture_half(s1: float, s2: float, q: float) -> float:
    """The ``1 - q`` quantile of the equal mixture of N(0, s1^2) and N(0, s2^2) (``q`` < 0.5)."""
    s2 = max(s2, 1e-12 * s1)  # a learned sd of 0: those paths sit on the centre
    return brentq(lambda x: 0.5 * ndtr(x / s1) + 0.5 * ndtr(x / s2) - (1 - q), 0.0, ndtri(1 - q) * max(s1, s2))


def anchored_band(y, years, prior: GrowthPrior, horizon: int, q: float, *, own_point=None):
    """The ``q`` and ``1 - q`` quantiles of ``anchored_paths`` in each year, without draws
    (normal on the prior's scale, or the equal mixture of the two normals of the module
    docstring)."""
    y, years = _check(y, years, prior.log)
    a = anchored_growth(y, years, prior)
    centre = _z_centre(y, years, a, prior, horizon, own_point)
    h = np.arange(1, int(horizon) + 1, dtype=float)
    sd, ratio = _sd(a, prior, h), _learned_ratio(a, prior, h)
    half = ndtri(1 - q) * sd if ratio is None else np.array([_mixture_half(s1, s1 * r, q) for s1, r in zip(sd, ratio)])
    return _unscale(centre - half, prior), _unscale(centre + half, prior)


def anchored_paths(y, years, prior: GrowthPrior, horizon: int, n_paths: int,
                   rng: np.random.Generator, *, own_point=None) -> np.ndarray:
    """Sample paths (n_paths, horizon) around ``anchored_point``: one growth deviation per
    path (parameter uncertainty: ``growth_sd * sqrt(1 + 1/k) * N(0, 1) * h``, ``k`` = the
    prior's ``n_peers``) plus random-walk noise.

    Examples
    --------
    >>> prior = GrowthPrior(growth=0.10, spread=0.05, noise=0.04, n_peers=5, n_pairs=9, last_year=2022)
    >>> p = anchored_paths([100.0, 130.0], [2020, 2022], prior, 3, 500, np.random.default_rng(0))
    >>> p.shape, bool((p > 0).all())
    ((500, 3), True)
    """
    y, years = _check(y, years, prior.log)
    a = anchored_growth(y, years, prior)
    centre = _z_centre(y, years, a, prior, horizon, own_point)
    h = np.arange(1, int(horizon) + 1, dtype=float)
    dmu = _pace_sd(a, prior) * rng.standard_normal(int(n_paths))
    walk = np.cumsum(rng.standard_normal((int(n_paths), h.size)), axis=1)
    dev = dmu[:, None] * h[None, :] + a.noise * walk
    ratio = _learned_ratio(a, prior, h)
    if ratio is not None:
        dev[1::2] *= ratio  # every other path sized by the panel's own departures (module docstring)
    return _unscale(centre[None, :] + dev, prior)
