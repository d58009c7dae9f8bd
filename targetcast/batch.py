"""Many regions in one run: the assessment cut into parts of whole plans, run on one core, on
several (``jobs``) or on a Dask cluster, with the same rows whichever runs them.

A part is a set of plans evaluated in the same year whose targets share no series with another
part's, so a plan's joint paths (portfolio), its goal seek and a common-factor correlation
(per-series random streams, ``scenarios.correlation.couple``) come out as in the run in one
piece: every number of a part comes from the run's shared decisions
(``scenarios.projection.prepare``: as-of years, reconciled targets, the peer panel) and from
per-series random streams. Each part is projected, evaluated and goal-sought where it runs and
only its tables come back, unless the paths are asked for (reports): memory then holds one
part's paths per worker, never the whole run's.

Local use::

    import targetcast as tc
    a = tc.assess(targets="targets.csv", series="series.csv", jobs=2)

On a Dask cluster (``pip install "targetcast[dask]"``)::

    a = tc.assess(targets="targets.csv", series="series.csv", engine="dask", scheduler="tcp://host:8786")

or, with a client of your own, :func:`run` on :func:`scenarios.projection.prepare`'s setup.
Dask only runs the parts (``Client.map``); nothing here schedules work itself.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

#: Targets per part: small enough that a part's paths stay modest (about 200 series x 10,000
#: draws x 7 years x 8 bytes = 110 MB), large enough that each part's overhead is paid rarely.
TARGETS_PER_PART = 400
ENGINES = ("local", "dask")
#: how long to wait for a Dask scheduler given by address before saying it cannot be reached
SCHEDULER_TIMEOUT = "10s"


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def check_jobs(jobs) -> int:
    """``jobs`` as a positive int (None: every core)."""
    from scenarios.errors import ScenarioError

    if jobs is None:
        return default_jobs()
    try:
        n = int(jobs)
    except (TypeError, ValueError):
        n = 0
    if n < 1 or n != jobs:
        raise ScenarioError(f"The 'jobs' parameter must be a positive integer (processes). Got {jobs!r} instead.",
                            reason="bad_parameter")
    return n


def parts_of(setup, size: int = TARGETS_PER_PART) -> list[list[str]]:
    """The run's plans cut into parts: per evaluation year, plans linked by a series they share
    stay together; the groups are packed in file order into parts of about ``size`` targets.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> t = pd.DataFrame({"plan": ["a", "a", "b", "c"], "region": ["x", "x", "y", "x"],
    ...                   "indicator": ["i", "j", "i", "j"]})
    >>> s = SimpleNamespace(targets=t, years=(2023,), plans_at=lambda y: ["a", "b", "c"])
    >>> parts_of(s, size=2)
    [['a', 'c'], ['b']]
    """
    out = []
    t = setup.targets
    counts = t["plan"].astype(str).value_counts().to_dict()
    for year in setup.years:
        plans = [str(p) for p in setup.plans_at(year)]
        parent = {p: p for p in plans}
        rank = {p: k for k, p in enumerate(plans)}

        def root(p):
            while parent[p] != p:
                parent[p] = parent[parent[p]]
                p = parent[p]
            return p

        rows = t[t["plan"].astype(str).isin(plans)]
        first_plan: dict = {}
        for plan, key in zip(rows["plan"].astype(str), zip(rows["region"], rows["indicator"])):
            other = first_plan.setdefault(key, plan)
            a, b = root(plan), root(other)
            if a != b:
                parent[max(a, b, key=rank.get)] = min(a, b, key=rank.get)  # the earlier plan leads
        groups: dict = {}
        for p in plans:
            groups.setdefault(root(p), []).append(p)
        part, n = [], 0
        for group in groups.values():  # in the file order of each group's first plan
            k = sum(counts.get(p, 0) for p in group)
            if part and n + k > size:
                out.append(part)
                part, n = [], 0
            part, n = part + group, n + k
        if part:
            out.append(part)
    return out


@dataclass(frozen=True)
class Judge:
    """How a part is judged: scenario, thresholds, tol, goal seek, comparison, paths kept."""

    scenario: object = None
    thresholds: tuple = (0.8, 0.5, 0.2)
    tol: float = 0.10
    goal_seek: bool = True
    confidence: float = 0.8
    compare: dict | None = None
    keep_paths: bool = True


def _without_paths(res):
    """The part's assessment without its sample paths (tables and observations stay)."""
    series = tuple(sf.with_paths(np.empty((0, sf.years.size))) for sf in res.forecast.series)
    return replace(res, forecast=replace(res.forecast, series=series), attained_paths={}, parts=(),
                   meta={**res.meta, "paths_kept": False})


def assess_part(setup, plans, judge: Judge = Judge()):
    """Project, evaluate and goal-seek one part: (assessment, goal-seek table, comparison or None).

    ``setup`` is ``scenarios.projection.prepare``'s; ``plans`` one of :func:`parts_of`'s parts.
    """
    from scenarios.compare import compare_projection
    from scenarios.goalseek import GOAL_SEEK_COLUMNS, goal_seek_table
    from scenarios.projection import project_part
    from scenarios.risk import evaluate

    proj = project_part(setup, plans)
    res = evaluate(proj, scenario=judge.scenario, thresholds=judge.thresholds, tol=judge.tol)
    gs = (goal_seek_table(res, confidence=judge.confidence) if judge.goal_seek
          else pd.DataFrame(columns=GOAL_SEEK_COLUMNS))
    comparison = (compare_projection(proj, judge.compare, thresholds=judge.thresholds, tol=judge.tol)
                  if judge.compare is not None else None)
    return (res if judge.keep_paths else _without_paths(res)), gs, comparison


_SETUP = None  # the run's setup in a worker process (set once per worker, not sent with every part)


def _init_worker(setup) -> None:
    global _SETUP
    _SETUP = setup


def _worker_part(plans, judge):
    return assess_part(_SETUP, plans, judge)


def _run_local(setup, parts, judge, jobs):
    if jobs == 1 or len(parts) == 1:
        return [assess_part(setup, p, judge) for p in parts]
    # fork shares the setup (and the imported modules) with the workers without pickling it
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(jobs, len(parts)), mp_context=ctx, initializer=_init_worker,
                             initargs=(setup,)) as pool:
        return list(pool.map(_worker_part, parts, [judge] * len(parts)))


def _run_dask(setup, parts, judge, scheduler):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        from scenarios.errors import ScenarioError

        raise ScenarioError("--engine dask needs Dask's distributed scheduler: pip install 'targetcast[dask]' "
                            "(or pip install 'dask[distributed]').", reason="missing_dependency") from exc
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            from scenarios.errors import ScenarioError

            raise ScenarioError(f"Could not reach the Dask scheduler at {scheduler!r} ({exc}). Check the address "
                                "(e.g. tcp://host:8786) and that the scheduler is running, or leave --scheduler out "
                                "for a local cluster.", reason="no_scheduler") from exc
    else:  # a local cluster: one single-threaded worker process per core
        cluster = LocalCluster(n_workers=default_jobs(), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        shared = client.scatter(setup, broadcast=True)
        futures = client.map(assess_part, [shared] * len(parts), parts, [judge] * len(parts), pure=False)
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(setup, judge: Judge = Judge(), *, jobs: int | None = 1, engine: str = "local", scheduler: str | None = None,
        size: int | None = None):
    """Every part of the run (:func:`parts_of`) through :func:`assess_part`, combined in the
    plans' file order: (``scenarios.risk.Assessment``, goal-seek table, comparison or None).

    ``engine="local"`` runs the parts in this process (``jobs=1``) or in ``jobs`` worker
    processes; ``engine="dask"`` on the cluster at ``scheduler`` (default: a local cluster).
    The rows are the same for every engine, ``jobs`` and ``size``."""
    from scenarios.errors import ScenarioError

    if engine not in ENGINES:
        raise ScenarioError(f"Unknown engine {engine!r}: use one of {', '.join(ENGINES)}.", reason="bad_parameter")
    parts = parts_of(setup, size or TARGETS_PER_PART)
    if setup.correlation == "auto":
        # one correlation is estimated from all of a year's series, so the year is not cut further
        parts = [[p for part in parts for p in part if setup.as_of[p] == y] for y in setup.years]
    results = (_run_dask(setup, parts, judge, scheduler) if engine == "dask"
               else _run_local(setup, parts, judge, check_jobs(jobs)))
    return _combine(setup, results)


def _in_plan_order(frame: pd.DataFrame, order: dict) -> pd.DataFrame:
    return frame.iloc[np.argsort([order.get(p, len(order)) for p in frame["plan"]], kind="stable")].reset_index(
        drop=True)


def _combine(setup, results):
    from scenarios.goalseek import GOAL_SEEK_COLUMNS
    from scenarios.risk import combine

    parts = [r[0] for r in results]
    res = combine(parts, list(setup.plan_order), split=setup.split)
    res.meta["unit_notes"] = [p.problem for p in setup.unit_notes]
    order = {p: k for k, p in enumerate(setup.plan_order)}
    frames = [r[1] for r in results if len(r[1])]
    gs = _in_plan_order(pd.concat(frames, ignore_index=True), order) if frames else pd.DataFrame(
        columns=GOAL_SEEK_COLUMNS)
    comparison = None
    if results[0][2] is not None:
        comparison = _in_plan_order(pd.concat([r[2] for r in results], ignore_index=True), order)
        comparison.attrs["meta"] = dict(results[0][2].attrs.get("meta", {}), as_of=res.meta["as_of"])
    return res, gs, comparison
