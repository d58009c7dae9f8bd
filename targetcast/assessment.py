"""The result of :func:`targetcast.assess`: the tables a person reads, and the reports made from them.

Every table here is what the CLI prints or writes for the same arguments (``targetcast risk
... --format csv`` is ``Assessment.table.to_csv(index=False)``), so a notebook and the
command line show the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: the risk table's column order: identity, target, data, probability, mid-term view, notes
RISK_COLUMNS = ["plan", "region", "indicator", "name", "unit", "kind", "direction", "strict", "category", "attribute",
                "target_year", "target_value", "baseline_year", "baseline_value", "as_of", "last_year", "last_value",
                "n_obs", "p_attain", "p_attain_se", "p10", "p50", "p90", "expected_shortfall", "first_year_median",
                "p_reached_before", "required_growth", "historical_growth", "historical_growth_3y",
                "historical_growth_5y", "time_progress", "completion", "status", "risk", "model", "flags", "notes",
                "outcome", "outcome_value"]
#: the goal-seek columns merged into the risk table
GOAL_SEEK_MERGED = ("uplift_needed", "add_needed")
#: risks with a probability read from paths (a fan chart is drawn for them)
EVALUABLE = ("off_track", "at_risk", "watch", "on_track")
#: the named tables a file format can hold (``--table`` for CSV)
TABLES = ("risk", "portfolio", "goal_seek")


def risk_frame(table: pd.DataFrame, goal_seek: pd.DataFrame | None, *, scenario, seed: int, draws: int) -> pd.DataFrame:
    """The risk table in :data:`RISK_COLUMNS` order, the goal-seek answers merged in, and the
    run's scenario, seed and draws on every row (a CSV has no header block to carry them)."""
    cols = [c for c in RISK_COLUMNS if c in table.columns] + [c for c in table.columns if c not in RISK_COLUMNS]
    frame = table[cols].copy()
    if goal_seek is not None and len(goal_seek):
        from history.validation import TARGET_KEY

        # One row per target: several targets may share plan, region and indicator (level + growth, 确保/力争).
        key = [c for c in TARGET_KEY if c in goal_seek.columns]
        frame = frame.merge(goal_seek[key + list(GOAL_SEEK_MERGED)], on=key, how="left")
    frame["scenario"], frame["seed"], frame["draws"] = scenario, seed, draws
    return frame


@dataclass(eq=False)
class Assessment:
    """Risk table, portfolio, goal seek and fan charts of one run.

    Attributes
    ----------
    table : the risk table (one row per target; the CLI's CSV).
    portfolio : expected number met, P(all binding met) ... per plan and category.
    goal_seek : for targets not on track, the growth uplift (and yearly addition) that gives
        P(attain) >= ``meta["confidence"]``; empty when goal seek was not asked.
    comparison : P(attain) under each scenario beside the baseline (None unless asked).
    meta : seed, draws, model, as_of (and as_of_by_plan), scenario, correlation, thresholds,
        targets and series file names.
    warnings : things that are probably mistakes (a target name that matches no series while a
        close spelling does; with the user's own files, every target without a series; a scenario
        adjustment that matches nothing; an as-of year after the data; 'down' series a scenario's
        all-indicator adjustments leave alone).
    result : the underlying ``scenarios.risk.Assessment`` (paths, reconciled targets).
    sources : (region, indicator, source) of every series row used.
    """

    table: pd.DataFrame
    portfolio: pd.DataFrame
    goal_seek: pd.DataFrame
    meta: dict
    result: object
    warnings: list = field(default_factory=list)
    comparison: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None

    # ----------------------------------------------------------------- data
    def fan(self, plan: str | None = None, indicator: str | None = None) -> pd.DataFrame:
        """Year by year, for every evaluable target (of ``plan`` / ``indicator`` when given): the
        observed target quantity and P10/P25/P50/P75/P90 of the simulated one, in the target's
        unit (``scenarios.fan``). Columns: plan, region, indicator, name, kind, unit,
        target_year, target_value, year, observed, p10 ... p90."""
        from scenarios.fan import FAN_COLUMNS

        parts = [f for _, f in self.fans(plan=plan, indicator=indicator)]
        cols = ["plan", "region", "indicator", "name", "kind", "unit", "target_year", "target_value"] + FAN_COLUMNS
        return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)

    def fans(self, plan: str | None = None, indicator: str | None = None):
        """(row position in ``table``, fan DataFrame) for every evaluable target, table order."""
        from scenarios.fan import fan_unit, target_fan

        res = self.result
        if res.meta.get("paths_kept") is False:
            from scenarios.errors import ScenarioError

            raise ScenarioError("This assessment kept only its tables (keep_paths=False), not the sample paths a fan "
                                "chart is drawn from. Run it again with keep_paths=True.", reason="no_paths")
        out = []
        for pos, row in enumerate(self.table.itertuples(index=False)):
            if row.risk not in EVALUABLE or (plan and row.plan != plan) or (indicator and row.indicator != indicator):
                continue
            target = res.targets.iloc[pos].to_dict()
            key = (row.region, row.indicator)
            f = target_fan(target, res.forecast.get(*key), res.observed.get(key), as_of=int(row.as_of))
            for c, v in (("plan", row.plan), ("region", row.region), ("indicator", row.indicator),
                         ("name", row.name), ("kind", row.kind), ("unit", fan_unit(target)),
                         ("target_year", row.target_year), ("target_value", row.target_value)):
                f[c] = v
            out.append((pos, f))
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables (:data:`TABLES`) a file holds."""
        return {"risk": self.table, "portfolio": self.portfolio, "goal_seek": self.goal_seek}

    def evaluable(self) -> np.ndarray:
        return self.table["risk"].isin(EVALUABLE).to_numpy()

    # ----------------------------------------------------------------- reports
    def to_html(self, path=None, *, lang: str = "zh") -> str:
        """The self-contained HTML report (inline SVG charts, no network); written to ``path`` if given."""
        from targetcast.report.html import render_html

        text = render_html(self, lang=lang)
        if path is not None:
            from targetcast.report.files import write_text

            write_text(path, text)
        return text

    def to_excel(self, path, *, lang: str = "zh") -> None:
        """The workbook: 说明, 风险表, 扇形数据, 组合, 目标测算 (and 情景对比 when compared)."""
        from targetcast.report.xlsx import write_xlsx

        write_xlsx(self, path, lang=lang)

    def to_markdown(self, *, lang: str = "zh") -> str:
        """A readable markdown report: summary, risk table, goal seek, run parameters."""
        from targetcast.report.markdown import render_markdown

        return render_markdown(self, lang=lang)

    def _repr_html_(self) -> str:
        from targetcast.report.html import render_fragment

        return render_fragment(self, lang="zh")
