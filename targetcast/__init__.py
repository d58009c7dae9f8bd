"""targetcast as a library: ``import targetcast as tc``.

    a = tc.assess("wuhan_14fyp")          # the risk table, portfolio, goal seek, fan data
    a.table; a.portfolio; a.goal_seek; a.fan()
    a.to_html("wuhan.html"); a.to_excel("wuhan.xlsx")

The same functions sit behind the CLI, with the same defaults (``targetcast.defaults``), so a
notebook and ``targetcast risk`` give the same numbers. Layers below (``history`` <-
``forecast`` <- ``scenarios``) hold the data, models and target semantics; this package is the
façade over them plus the report renderers (``targetcast.report``).
"""
from targetcast.api import (Bundled, assess, backtest, bundled, compare, forecast, load_scenarios, load_series, load_targets,
                            replay, suggest)
from targetcast.assessment import Assessment
from targetcast.defaults import DRAWS, SEED

__all__ = ["assess", "compare", "suggest", "forecast", "backtest", "replay", "bundled", "load_series", "load_targets",
           "load_scenarios", "Assessment", "Bundled", "DRAWS", "SEED"]
