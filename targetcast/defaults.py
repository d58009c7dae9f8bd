"""The run defaults every entry point shares: the CLI's options and the Python API's arguments.

One seed and one number of draws for every command, so ``targetcast risk``, ``compare``'s
baseline, ``suggest``, ``forecast`` and ``tc.assess(...)`` give the same numbers unless told
otherwise. 10,000 paths put the Monte Carlo standard error of a probability at most 0.005;
the bundled plans run in a few seconds with it.
"""
from __future__ import annotations

#: random seed (the start of the plan period the tool was first used for)
SEED = 20240101
#: sample paths per series, every command
DRAWS = 10_000
#: forecast model
MODEL = "auto"
#: P(attain) cut-offs for on_track, watch, at_risk
THRESHOLDS = (0.8, 0.5, 0.2)
#: tolerance around time progress for the rule-based mid-term status
TOL = 0.10
#: the probability goal seek aims for and suggest requires
CONFIDENCE = 0.8
#: target year ``suggest`` drafts for (the 15th five-year plan)
SUGGEST_TO_YEAR = 2030
