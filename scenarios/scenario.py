"""What-if scenarios: named lists of adjustments that act on the sample paths.

A scenario never touches observed values and never acts on the point forecast alone:
every adjustment changes the simulated paths (and, for the deterministic parts, the
zero-noise point path the same way), so every number read from the paths moves
consistently.

Semantics of one ``[[scenario.NAME.adjust]]`` table (decisions recorded here, tested in
tests/test_scenario.py). Let ``t`` be a simulated year of a matched series, ``s`` the
first year the adjustment acts on that series, ``s = max(from_year, first simulated
year)`` (``from_year`` defaults to the first simulated year: observed years are facts,
so an adjustment "from 2020" on a series observed to 2023 starts in 2024 without a jump),
and ``e = to_year`` (default: no end). For ``t >= s``, with ``k(t) = min(t, e) - s + 1``
the number of years the adjustment has acted by ``t``:

* ``factor = f``:          ``x_t *= f`` for ``s <= t <= e`` only (a temporary factor;
  without ``to_year`` it is permanent).
* ``growth_shift = g``:    ``x_t *= (1 + g) ** k(t)`` — the annual growth rate changes by
  ``g`` during the window; after ``to_year`` growth returns to the model's but the level
  reached is kept.
* ``level_change = c`` with ``probability = p`` and ``year = y``: on a share ``p`` of the
  paths — the SAME paths for every matched series (a common shock) — ``x_t *= (1 + c)``
  for every ``t >= y`` (persistent). A shock year that is already observed for a series
  does not act on it (what happened is in the data). The point path is moved only when
  ``p == 1`` (a shock with ``p < 1`` is noise, and the point is the zero-noise path).
* ``add_per_year = a`` (in the series' unit): for a **flow** (a series whose targets are
  ``annual`` or ``cumulative``) ``x_t += a`` in every year of the window; for a **stock**
  (everything else, and any series whose kind is unknown — the default kind is ``stock``) the additions accumulate: ``x_t += a * k(t)``, and the level reached by
  ``to_year`` is kept afterwards.
* ``cap`` / ``floor``: ``x_t`` is clipped to ``[floor, cap]`` in the window.

An adjustment for every indicator (no ``indicator`` filter, or ``"*"``) does not move a series
whose targets are all ``down`` (lower is better, e.g. average trial days): "growth 3 points
slower everywhere" is written as bad news, and on such a series it would read as an
improvement. Its growth_shift, factor, level_change and add_per_year skip that series (cap and
floor still act) and ``meta["scenario_not_applied"]`` lists it, so the CLI can say so; name the
indicator to move it anyway.

Within one table the order is factor, growth_shift, level_change, add_per_year, then
cap/floor (so an addition is not scaled by a slowdown, and a bound always holds). Tables
are applied in the order written, each on the result of the previous one.

Filters: ``indicator``, ``region`` and ``category`` take one id, a list of ids, or
``"*"`` (all). A category filter needs the mapping from series to the categories of its
targets (``categories=`` in :meth:`Scenario.apply`).
"""
from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.paths import Forecast, SeriesForecast
from forecast.rng import series_rng
from history.problems import Problem
from scenarios.errors import ScenarioError

#: target kinds whose series is an annual flow (an addition is made every year, not accumulated)
FLOW_KINDS = frozenset({"annual", "cumulative"})

_FILTER_KEYS = ("indicator", "region", "category")
_YEAR_KEYS = ("from_year", "to_year", "year")
_NUMBER_KEYS = ("growth_shift", "add_per_year", "factor", "level_change", "probability", "cap", "floor")
_ADJUST_KEYS = _FILTER_KEYS + _YEAR_KEYS + _NUMBER_KEYS
_SCENARIO_KEYS = ("description", "adjust")
#: Largest values that can be meant (fractions per year / once; a multiplier): beyond them the
#: file almost surely holds percentage points or a typo (growth_shift = 3 for "+3 个百分点").
MAX_GROWTH_SHIFT = 0.5
MAX_LEVEL_CHANGE = 10.0
MAX_FACTOR = 100.0


@dataclass(frozen=True)
class Adjustment:
    """One ``[[scenario.NAME.adjust]]`` table; see the module docstring for the exact effect.

    ``indicator``, ``region``, ``category``: tuples of ids, or None for all.
    ``growth_shift``, ``level_change``: fractions (-0.02 = two percentage points slower;
    -0.2 = a 20 % fall). ``add_per_year``, ``cap``, ``floor``: in the series' unit.
    """

    indicator: tuple[str, ...] | None = None
    region: tuple[str, ...] | None = None
    category: tuple[str, ...] | None = None
    from_year: int | None = None
    to_year: int | None = None
    year: int | None = None
    growth_shift: float = 0.0
    add_per_year: float = 0.0
    factor: float = 1.0
    level_change: float = 0.0
    probability: float = 1.0
    cap: float | None = None
    floor: float | None = None

    def __post_init__(self):
        # parameter validation fails fast (the TOML loader reports every problem first)
        problems = _check_values(
            {k: getattr(self, k) for k in _ADJUST_KEYS if k not in _FILTER_KEYS}
        )
        if problems:
            key, value, what, fix = problems[0]
            raise ScenarioError(f"Adjustment {key}={value!r}: {what}; {fix}", reason="bad_adjustment")

    def matches(self, region: str, indicator: str, categories: Mapping | None) -> bool:
        """Whether this adjustment acts on series (region, indicator)."""
        if self.indicator is not None and indicator not in self.indicator:
            return False
        if self.region is not None and region not in self.region:
            return False
        if self.category is not None:
            if categories is None:
                raise ScenarioError(
                    f"An adjustment filters on category {list(self.category)} but no categories were given. "
                    "Pass categories={(region, indicator): category} (scenarios.scenario.target_maps builds it "
                    "from the targets).",
                    reason="no_categories",
                )
            cats = categories.get((region, indicator))
            if cats is None:
                return False
            cats = {cats} if isinstance(cats, str) else set(cats)
            if not cats & set(self.category):
                return False
        return True

    @property
    def moves_level(self) -> bool:
        """Whether it pushes values up or down (as opposed to only bounding them)."""
        return bool(self.growth_shift or self.add_per_year or self.factor != 1.0
                    or (self.level_change and self.probability))

    @property
    def is_empty(self) -> bool:
        return (
            self.growth_shift == 0.0
            and self.add_per_year == 0.0
            and self.factor == 1.0
            and (self.level_change == 0.0 or self.probability == 0.0)
            and self.cap is None
            and self.floor is None
        )


@dataclass(frozen=True)
class Scenario:
    """A named what-if: adjustments applied in order to a Forecast's sample paths.

    Examples
    --------
    >>> import numpy as np
    >>> from forecast.paths import Forecast, SeriesForecast
    >>> sf = SeriesForecast("武汉市", "x", np.array([2024, 2025]), np.full((4, 2), 100.0),
    ...                     np.full(2, 100.0), "drift", np.array([2023]), np.array([100.0]))
    >>> fc = Forecast((sf,), seed=0, draws=4, model="drift")
    >>> slow = Scenario("slowdown", "增速放缓", (Adjustment(growth_shift=-0.1),))
    >>> slow.apply(fc).series[0].paths[0].round(2).tolist()
    [90.0, 81.0]
    """

    name: str
    description: str = ""
    adjustments: tuple[Adjustment, ...] = field(default_factory=tuple)

    def apply(
        self,
        forecast: Forecast,
        *,
        categories: Mapping | None = None,
        kinds: Mapping | None = None,
        down: Collection | None = None,
        seed: int | None = None,
    ) -> Forecast:
        """A new Forecast with this scenario's adjustments applied to the paths.

        Parameters
        ----------
        forecast : Forecast
            Not modified.
        categories : mapping (region, indicator) -> category (str or collection of str), optional
            Needed only when an adjustment filters on category.
        kinds : mapping (region, indicator) -> target kind, optional
            Decides flow (``annual``/``cumulative``) vs stock for ``add_per_year``; a series
            missing here is treated as a stock.
        down : collection of (region, indicator), optional
            Series whose targets are all ``down``: adjustments for every indicator do not move
            them (module docstring); ``target_maps`` builds it.
        seed : int, optional
            Seed of the common shocks; default ``forecast.seed``. The shock of adjustment
            ``i`` comes from ``series_rng(seed, "scenario", name, i)``, so the same seed gives
            the same shocked paths in every run and in every comparison.

        Returns
        -------
        Forecast
            Same series order; ``meta["scenario"]`` = name, ``meta["scenario_matched"]`` =
            ``{adjustment index: [(region, indicator), ...]}`` and ``meta["scenario_not_applied"]``
            = ``{adjustment index: [(region, indicator), ...]}`` (down series a wildcard skipped).
        """
        seed = forecast.seed if seed is None else seed
        series = list(forecast.series)
        changed: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        matched: dict[int, list[tuple[str, str]]] = {}
        not_applied: dict[int, list[tuple[str, str]]] = {}
        down = frozenset(down or ())
        n_paths = {s.n_paths for s in series if s.years.size}
        for i, adj in enumerate(self.adjustments):
            hits = [j for j, s in enumerate(series) if s.years.size and adj.matches(s.region, s.indicator, categories)]
            matched[i] = [series[j].key for j in hits]
            if not hits or adj.is_empty:
                continue
            shocked = None
            if adj.level_change != 0.0 and adj.probability > 0.0:
                if len(n_paths) > 1:
                    raise ScenarioError(
                        f"Scenario {self.name!r}: a common shock needs the same number of paths in every series; "
                        f"got {sorted(n_paths)}. Forecast all series with one 'draws'.",
                        reason="unequal_paths",
                    )
                (n,) = n_paths
                u = series_rng(seed, "scenario", self.name, i).random(n)
                shocked = u < adj.probability
            for j in hits:
                s = series[j]
                act = adj
                if adj.indicator is None and adj.moves_level and s.key in down:
                    not_applied.setdefault(i, []).append(s.key)
                    act = dataclasses.replace(adj, growth_shift=0.0, add_per_year=0.0, factor=1.0, level_change=0.0)
                    if act.is_empty:
                        continue
                paths, point = changed.get(j, (s.paths, s.point))
                is_flow = kinds is not None and kinds.get(s.key) in FLOW_KINDS
                changed[j] = _adjust(paths, point, s.years, act, shocked, is_flow)
                _check_result(self.name, i, act, s, *changed[j])
        out = [s.with_paths(changed[j][0], point=changed[j][1]) if j in changed else s for j, s in enumerate(series)]
        meta = dict(forecast.meta)
        meta["scenario"] = self.name
        meta["scenario_matched"] = matched
        meta["scenario_not_applied"] = not_applied
        return Forecast(tuple(out), seed=forecast.seed, draws=forecast.draws, model=forecast.model, meta=meta)


BASELINE = Scenario("baseline", "基准情景 / no adjustment", ())


def _check_result(name: str, i: int, adj: Adjustment, s: SeriesForecast, paths, point) -> None:
    """Refuse an adjustment whose result cannot be meant: a series observed only above zero
    (counts, money) whose central path is pushed to zero or below (``cap = -5``,
    ``add_per_year = -1e9`` in the wrong unit), or paths that overflow."""
    what = ", ".join(f"{k} = {getattr(adj, k):g}" for k in ("growth_shift", "add_per_year", "factor", "level_change",
                                                             "cap", "floor")
                     if getattr(adj, k) not in (None, 0.0) and not (k == "factor" and adj.factor == 1.0))
    where = f"Scenario {name!r}, adjustment {i + 1} ({what}) on {s.region}/{s.indicator}"
    if not (np.isfinite(paths).all() and np.isfinite(point).all()):
        raise ScenarioError(f"{where}: the adjusted paths overflow. Use fractions (0.03 for three percentage "
                            "points) and values of the series' size.", reason="bad_adjustment")
    obs = np.asarray(s.obs_values, dtype=float)
    if obs.size and (obs > 0).all() and (np.asarray(point) <= 0).any():
        latest = f"{obs[-1]:,.6g} {s.unit or ''}".strip()
        raise ScenarioError(f"{where}: the central path falls to {float(np.min(point)):,.6g}, but the series has only "
                            f"positive values (latest {latest}). Values in an adjustment are in the series' unit; "
                            "check the unit and the sign.", reason="bad_adjustment")


def _adjust(paths, point, years, adj: Adjustment, shocked, is_flow: bool):
    """Apply one adjustment to one series; returns new (paths, point) arrays."""
    years = np.asarray(years)
    start = years[0] if adj.from_year is None else max(int(adj.from_year), int(years[0]))
    end = np.inf if adj.to_year is None else adj.to_year
    in_window = (years >= start) & (years <= end)
    # years the adjustment has acted by year t (0 before the start, frozen after to_year)
    k = np.clip(np.minimum(years, end) - start + 1, 0, None).astype(float)
    paths = np.array(paths, dtype=float, copy=True)
    point = np.array(point, dtype=float, copy=True)
    if adj.factor != 1.0:
        mult = np.where(in_window, adj.factor, 1.0)
        paths *= mult
        point *= mult
    if adj.growth_shift != 0.0:
        mult = (1.0 + adj.growth_shift) ** k
        paths *= mult
        point *= mult
    if shocked is not None:
        y = adj.year if adj.year is not None else start
        after = years >= y
        if y >= years[0] and after.any():
            mult = np.where(after, 1.0 + adj.level_change, 1.0)
            paths[shocked] *= mult
            if adj.probability >= 1.0:
                point *= mult
    if adj.add_per_year != 0.0:
        add = adj.add_per_year * (in_window.astype(float) if is_flow else k)
        paths += add
        point += add
    if adj.cap is not None or adj.floor is not None:
        lo = -np.inf if adj.floor is None else adj.floor
        hi = np.inf if adj.cap is None else adj.cap
        paths = np.where(in_window, np.clip(paths, lo, hi), paths)
        point = np.where(in_window, np.clip(point, lo, hi), point)
    return paths, point


def target_maps(targets: pd.DataFrame) -> tuple[dict, dict, frozenset]:
    """``(categories, kinds, down)`` for :meth:`Scenario.apply` from a targets frame (the one
    place that decides how a series' targets shape a scenario's effect on it).

    categories: (region, indicator) -> frozenset of the categories of its targets.
    kinds: (region, indicator) -> ``"annual"`` when any of its targets is a flow
    (annual/cumulative), else the kind of its first target.
    down: the (region, indicator) whose targets all have direction ``down``.
    """
    categories: dict = {}
    kinds: dict = {}
    directions: dict = {}
    for row in targets.itertuples(index=False):
        key = (str(row.region), str(row.indicator))
        cat = getattr(row, "category", None)
        if cat is not None and not pd.isna(cat):
            categories[key] = categories.get(key, frozenset()) | {str(cat)}
        kind = getattr(row, "kind", None)
        kind = "stock" if kind is None or pd.isna(kind) else str(kind)
        if kind in FLOW_KINDS:
            kinds[key] = "annual"
        else:
            kinds.setdefault(key, kind)
        direction = getattr(row, "direction", None)
        direction = "up" if direction is None or pd.isna(direction) else str(direction).strip().lower()
        directions.setdefault(key, set()).add(direction)
    down = frozenset(k for k, d in directions.items() if d == {"down"})
    return categories, kinds, down


# ---------------------------------------------------------------- loading TOML files


def _check_values(values: Mapping) -> list[tuple[str, object, str, str]]:
    """Range checks shared by the dataclass and the loader: (key, value, problem, fix)."""
    out = []
    fy, ty = values.get("from_year"), values.get("to_year")
    if fy is not None and ty is not None and fy > ty:
        out.append(("from_year", fy, f"from_year {fy} is after to_year {ty}", "swap them or drop to_year"))
    p = values.get("probability")
    if p is not None and not (0.0 <= p <= 1.0):
        out.append(("probability", p, "probability must be between 0 and 1", "write e.g. 0.1 for a 10 % chance"))
    f = values.get("factor")
    if f is not None and np.isfinite(f) and f <= 0:
        out.append(("factor", f, "factor must be positive", "write e.g. 0.9 for a 10 % cut"))
    for key, v in values.items():
        if isinstance(v, float) and not np.isfinite(v):
            out.append((key, v, f"{key} must be a finite number", f"{key} = 0.1"))
    # Fractions: -0.02 is two percentage points, so 3 (meant as "+3 个百分点") would be +300 %
    # a year and 1e300 overflows every path. Bounds wide enough for anything a plan means.
    for key, hi, example in (("growth_shift", MAX_GROWTH_SHIFT, "write -0.02 for two percentage points slower growth, 0.03 for three faster"),
                             ("level_change", MAX_LEVEL_CHANGE, "write -0.2 for a 20 % fall, 0.5 for a 50 % rise")):
        v = values.get(key)
        if v is not None and np.isfinite(v) and v <= -1.0:
            out.append((key, v, f"{key} must be greater than -1 (it is a fraction)", example))
        elif v is not None and np.isfinite(v) and v > hi:
            out.append((key, v, f"{key} = {v:g} means {v * 100:.4g} % (it is a fraction); at most {hi:g} is accepted", example))
    if f is not None and np.isfinite(f) and f > MAX_FACTOR:
        out.append(("factor", f, f"factor {f:g} multiplies the paths {f:g}-fold; at most {MAX_FACTOR:g} is accepted",
                    "write e.g. 1.1 for 10 % more"))
    cap, floor = values.get("cap"), values.get("floor")
    if cap is not None and floor is not None and floor > cap:
        out.append(("floor", floor, f"floor {floor} is above cap {cap}", "swap them"))
    return out


def _ids(value) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return None if value == "*" else (value,)
    return tuple(value)


def load_scenarios(path) -> dict[str, Scenario]:
    """Read a TOML scenario file (DESIGN.md "Scenario files").

    Every problem in the file is collected before failing: unknown keys (with close
    matches), wrong types, probabilities outside [0, 1], from_year after to_year, a
    probability or year without a level_change, an adjustment that changes nothing.

    Raises
    ------
    ScenarioError
        ``reason="bad_scenario_file"``; ``.problems`` is a list of
        :class:`history.problems.Problem` (file, row = ``scenario.NAME.adjust[#]``, column =
        key, value, problem, fix). The message lists them all.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False, encoding="utf-8") as f:
    ...     _ = f.write('[scenario.slow]\\ndescription = "放缓"\\n[[scenario.slow.adjust]]\\ngrowth_shift = -0.02\\n')
    >>> load_scenarios(f.name)["slow"].adjustments[0].growth_shift
    -0.02
    >>> os.unlink(f.name)
    """
    path = Path(path)
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"Cannot read scenario file {file}: {exc}. Check the path.", reason="no_file") from exc
    try:
        doc = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            f"Scenario file {file} is not valid TOML (UTF-8): {exc}. Start from the README's 'What-if scenarios' example: [scenario.NAME] with description, then [[scenario.NAME.adjust]] tables.",
            reason="bad_scenario_file",
        ) from exc

    problems: list[Problem] = []

    def bad(where, key, value, what, fix):
        problems.append(Problem(file, None, key, None if value is None else repr(value), f"{where}: {what}", fix))

    def unknown(where, key, allowed):
        close = difflib.get_close_matches(key, allowed, n=1)
        fix = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
        bad(where, key, None, f"unknown key '{key}'", fix)

    for key in doc:
        if key != "scenario":
            unknown("file", key, ["scenario"])
    table = doc.get("scenario", {})
    if not isinstance(table, dict) or not table:
        bad("file", "scenario", None, "no [scenario.NAME] tables found",
            'start each scenario with [scenario.NAME] and description = "..."')
        table = {}

    out: dict[str, Scenario] = {}
    for name, body in table.items():
        where = f"scenario.{name}"
        if name == "baseline":
            bad(where, "name", name, "'baseline' is reserved for the unadjusted forecast", "rename the scenario")
        if not isinstance(body, dict):
            bad(where, "scenario", body, "must be a table", f"write [scenario.{name}]")
            continue
        for key in body:
            if key not in _SCENARIO_KEYS:
                unknown(where, key, list(_SCENARIO_KEYS))
        description = body.get("description", "")
        if not isinstance(description, str):
            bad(where, "description", description, "must be a string", 'description = "增速放缓两个百分点"')
            description = str(description)
        adjusts = body.get("adjust", [])
        if isinstance(adjusts, dict):
            adjusts = [adjusts]
        if not isinstance(adjusts, list):
            bad(where, "adjust", adjusts, "must be a list of tables", f"write [[scenario.{name}.adjust]]")
            adjusts = []
        adjustments = []
        for i, adj in enumerate(adjusts, start=1):
            aw = f"{where}.adjust[{i}]"
            if not isinstance(adj, dict):
                bad(aw, "adjust", adj, "must be a table", f"write [[scenario.{name}.adjust]]")
                continue
            n_before = len(problems)
            kwargs: dict = {}
            for key, value in adj.items():
                if key not in _ADJUST_KEYS:
                    unknown(aw, key, list(_ADJUST_KEYS))
                elif key in _FILTER_KEYS:
                    ok = isinstance(value, str) or (
                        isinstance(value, list) and value and all(isinstance(v, str) for v in value)
                    )
                    if not ok:
                        bad(aw, key, value, "must be an id, a list of ids, or \"*\"", f'{key} = "pledge_financing" or {key} = ["a", "b"]')
                    else:
                        kwargs[key] = _ids(value)
                elif key in _YEAR_KEYS:
                    if isinstance(value, bool) or not isinstance(value, int):
                        bad(aw, key, value, "must be a whole year", f"{key} = 2024 (no quotes)")
                    else:
                        kwargs[key] = value
                else:
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        bad(aw, key, value, "must be a number", f"{key} = 0.1 (no quotes, no %)")
                    elif not np.isfinite(value):
                        bad(aw, key, value, "must be finite", f"{key} = 0.1")
                    else:
                        kwargs[key] = float(value)
            for key, value, what, fix in _check_values(kwargs):
                bad(aw, key, value, what, fix)
            if "probability" in kwargs and not kwargs.get("level_change"):
                bad(aw, "probability", kwargs["probability"], "a probability without a level_change does nothing",
                    "add level_change = -0.2 (a 20 % fall) or drop probability")
            if "year" in kwargs and not kwargs.get("level_change"):
                bad(aw, "year", kwargs["year"], "year only places a level_change",
                    "for a one-year effect write from_year and to_year instead")
            if len(problems) == n_before:
                a = Adjustment(**kwargs)
                if a.is_empty:
                    bad(aw, "adjust", None, "changes nothing",
                        "set one of growth_shift, add_per_year, factor, level_change, cap, floor")
                adjustments.append(a)
        out[name] = Scenario(str(name), description, tuple(adjustments))

    if problems:
        lines = "\n".join(
            f"  - {p.problem} [key {p.column}" + (f", got {p.value}" if p.value is not None else "") + f"]; fix: {p.fix}"
            for p in problems
        )
        err = ScenarioError(f"Scenario file {file} has {len(problems)} problem(s):\n{lines}", reason="bad_scenario_file")
        err.problems = problems
        raise err
    return out


def get_scenario(scenarios: Mapping[str, Scenario], name: str) -> Scenario:
    """The scenario called ``name`` (``"baseline"`` gives :data:`BASELINE`); unknown names
    raise ScenarioError with close matches."""
    if name == "baseline":
        return BASELINE
    if name in scenarios:
        return scenarios[name]
    close = difflib.get_close_matches(name, list(scenarios), n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ScenarioError(
        f"Unknown scenario {name!r}; the file defines {', '.join(repr(k) for k in scenarios) or 'none'}.{hint}",
        reason="unknown_scenario",
    )


def unmatched_adjustments(scenario, targets: pd.DataFrame, series: pd.DataFrame) -> list[str]:
    """Warnings for adjustments naming an indicator or region that no target or series has:
    they would change nothing, silently. One message per (adjustment, field), with close matches."""
    from scenarios.errors import unknown_names

    known = {"indicator": set(targets["indicator"]) | set(series["indicator"]),
             "region": set(targets["region"]) | set(series["region"])}
    out = []
    for i, adj in enumerate(getattr(scenario, "adjustments", ())):
        for key in ("indicator", "region"):
            ids = getattr(adj, key)
            if ids is None or set(ids) & known[key]:
                continue
            hints = "; ".join(unknown_names(list(ids), sorted(map(str, known[key]))))
            out.append(f"scenario {scenario.name!r}, adjustment {i + 1}: {key} {hints} matches nothing in the "
                       f"targets or series, so it changes nothing. Fix the {key} id.")
    return out
