"""fundgap from Python: life-cycle cost and funding-gap Monte Carlo for
public smart-city services, run in-process by the same library as the
``fundgap`` command line, with results as pandas frames.

>>> import fundgap
>>> r = fundgap.run("scenarios/ucity-baseline.toml", trials=2000, seed=7)
>>> r.horizon[["service", "p_any_gap"]]

Every number equals the command line's for the same scenario, seed and
overrides (the frames are read from the files it writes). Runs release the
GIL and use the Rust thread pool; Ctrl-C stops them.
"""

from ._errors import Problem, ScenarioError, ScenarioWarning
from ._fundgap import __version__
from ._results import (
    BacktestResult,
    CompareResult,
    DiscoveryResult,
    EvaluationResult,
    Result,
    RunResult,
    SensitivityResult,
    StressResult,
    frame,
)
from ._scenario import Scenario
from ._fonts import korean_font, use_korean_font
from ._api import backtest, compare, discover, evaluate, run, sensitivity, stress

__all__ = [
    "BacktestResult",
    "CompareResult",
    "DiscoveryResult",
    "EvaluationResult",
    "Problem",
    "Result",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "SensitivityResult",
    "StressResult",
    "__version__",
    "backtest",
    "compare",
    "discover",
    "evaluate",
    "frame",
    "korean_font",
    "run",
    "sensitivity",
    "stress",
    "use_korean_font",
]
