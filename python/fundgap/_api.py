"""The commands as functions, named and argued as on the command line."""

from __future__ import annotations

import numbers
import operator
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _fundgap
from ._results import (
    BacktestResult,
    CompareResult,
    DiscoveryResult,
    EvaluationResult,
    RunResult,
    SensitivityResult,
    StressResult,
)
from ._scenario import ScenarioLike, as_scenario, toml_value, warn_of_slips


def run(
    scenario: ScenarioLike = None,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    confidence: Union[None, float, Sequence[float]] = None,
    precision: Optional[float] = None,
    precision_npv: Optional[float] = None,
    max_trials: int = 10_000_000,
    from_year: Optional[int] = None,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> RunResult:
    """``fundgap run``: simulates the scenario (a :class:`Scenario`, a path,
    or None for the built-in baseline).

    ``trials`` and ``seed`` replace the scenario's; ``confidence`` are the
    funding requirement's levels (default ``[0.9]``); ``precision`` runs in
    blocks until every probability's 95% half-width is at most it (and
    ``precision_npv``, each gap NPV mean's relative half-width), at most
    ``max_trials``; ``from_year`` is plan.csv's budget year (default this
    year); ``lang`` ("en" or "ko") the labels' language (default the
    scenario's). ``threads`` is how many threads compute (default every
    core; the results are the same bits for any count) and ``progress``
    whether a line on stderr (under the cell in a notebook) says how far
    the work is and how long is left: by default once it has taken two
    seconds, from the start with True, never with False. Every command
    takes both. Ctrl-C stops the run and raises KeyboardInterrupt. A
    likely slip in the scenario (an amount in the wrong unit) is warned of
    first (:class:`fundgap.ScenarioWarning`), as ``fundgap run`` does.
    """
    s = as_scenario(scenario)
    warn_of_slips(s, lang)
    native = _fundgap.run(
        s.text, s.label, s.overrides,
        trials=_whole("trials", trials, 1), seed=_whole("seed", seed),
        confidence=_levels(confidence),
        precision=precision, precision_npv=precision_npv, max_trials=_whole("max_trials", max_trials, 1),
        from_year=from_year, lang=lang,
        **_job(threads, progress),
    )
    return RunResult(native)


def _job(threads: Optional[int], progress: Optional[bool]) -> Dict[str, Any]:
    """The arguments every command shares: ``threads``, how many threads
    compute (default every core; results are the same bits for any count),
    and ``progress``, whether a line on stderr says how far the work is
    (default: once it has taken two seconds; True from the start, False
    never)."""
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress: give True, False or None, not {progress!r}")
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
            raise TypeError(f"threads: give a whole number, not {threads!r}")
        # The native module's bound, said the same way for 0, -1 and
        # 10**30 (which it cannot take as a count) as for 5000.
        if not 1 <= operator.index(threads) <= _fundgap.MOST_THREADS:
            raise ValueError(
                f"threads: give 1 to {_fundgap.MOST_THREADS}, not {threads} (results are the same for any count)")
        threads = operator.index(threads)
    return {"threads": threads, "progress": progress}


def _whole(name: str, value: Optional[int], least: int = 0) -> Optional[int]:
    """A count or a seed as the native module takes it (a 64-bit unsigned
    integer; numpy's integers too), or an error that names the argument
    rather than the conversion's OverflowError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: give a whole number, not {value!r}")
    # A Python int before comparing, whatever integer type it came as.
    whole = operator.index(value)
    if not least <= whole < 2**64:
        raise ValueError(f"{name}: give a whole number from {least} to 2**64 - 1, not {whole}")
    return whole


def _levels(confidence: Union[None, float, Sequence[float]]) -> Optional[List[float]]:
    """The requirement's confidence levels: one level or several."""
    if confidence is None:
        return None
    if isinstance(confidence, (int, float)):
        return [float(confidence)]
    return [float(c) for c in confidence]


def _years(years: Any) -> str:
    """The withdrawal years as ``--years`` takes them: text as it is, a
    year, or years given as a list or a range."""
    if isinstance(years, str):
        return years
    if isinstance(years, numbers.Integral) and not isinstance(years, bool):
        return str(int(years))
    try:
        listed = list(years)
    except TypeError:
        raise TypeError(f"`years`: give \"all\", text such as \"2026-2030\", a year, or a list of years, not {years!r}") from None
    if not listed or not all(isinstance(y, numbers.Integral) and not isinstance(y, bool) for y in listed):
        raise TypeError(f"`years`: a list of years holds whole numbers such as [2026, 2028], not {years!r}")
    return ",".join(str(int(y)) for y in listed)


def stress(
    scenario: ScenarioLike = None,
    *,
    years: Union[str, int, Sequence[int], range] = "all",
    cuts: Sequence[float] = (0, 25, 50, 75, 100),
    service: Optional[str] = None,
    streams: Sequence[str] = (),
    sweep: Optional[Dict[str, Sequence[Any]]] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    target: float = 0.10,
    confidence: float = 0.9,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> StressResult:
    """``fundgap stress``: the grid of withdrawal year (``years``: "all",
    "2026,2028", "2026-2030", a year, or years as a list or a range) by cut (``cuts``, percent) of the selected
    ``streams`` (default every grant; ``service`` only that service's), or,
    with ``sweep`` (up to two keys, each with its values, e.g.
    ``{"economy.inflation.mean": [0.01, 0.02]}``), the swept keys; every
    cell on the same trials. ``target`` is the P(any gap) a safe cell stays
    under."""
    s = as_scenario(scenario)
    sweeps = [f"{k}={','.join(toml_value(v) for v in vs)}" for k, vs in (sweep or {}).items()]
    native = _fundgap.stress(
        s.text, s.label, s.overrides, years=_years(years), cuts=[float(c) for c in cuts],
        service=service, streams=list(streams), sweep=sweeps, trials=_whole("trials", trials, 1),
        seed=_whole("seed", seed),
        target=float(target), confidence=float(confidence), lang=lang,
        **_job(threads, progress),
    )
    return StressResult(native)


def compare(
    scenarios: Union[ScenarioLike, Sequence[ScenarioLike]] = None,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    service: Optional[str] = None,
    baseline: Optional[str] = None,
    confidence: float = 0.9,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> CompareResult:
    """``fundgap compare``: one scenario's ``[[variant]]`` tables, or several
    scenarios (each named by its file stem), on common random numbers;
    ``service`` compares that service instead of the portfolio, against the
    variant ``baseline`` (default the first). Each scenario's overrides
    (``Scenario.set``) apply to it alone; one scenario's apply to all its
    variants. Scenarios are named by their file's stem; where two share
    one (the same file with different overrides), the later ones are
    named ``stem-2``, ``stem-3``, ..."""
    many = list(scenarios) if isinstance(scenarios, (list, tuple)) else [scenarios]
    loaded = [as_scenario(s) for s in many]
    # Overrides every scenario shares are the command line's --set (so the
    # recorded command is one); the rest stay each scenario's own.
    shared = list(loaded[0].overrides) if loaded else []
    if any(list(s.overrides) != shared for s in loaded):
        shared = []
    sources = [(s.text, s.label, s.stem, [] if shared else list(s.overrides)) for s in loaded]
    native = _fundgap.compare(
        sources, shared,
        trials=_whole("trials", trials, 1), seed=_whole("seed", seed),
        service=service, baseline=baseline,
        confidence=float(confidence), lang=lang,
        **_job(threads, progress),
    )
    return CompareResult(native)


def sensitivity(
    scenario: ScenarioLike = None,
    *,
    method: str = "tornado",
    sample: int = 5_000,
    oat_trials: int = 2_000,
    sobol_trials: int = 2_000,
    seed: Optional[int] = None,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> SensitivityResult:
    """``fundgap sensitivity``: which uncertain inputs drive the gap.
    ``method`` is "tornado" (rank correlations on ``sample`` trials and
    one-at-a-time swings on ``oat_trials``), "sobol" (variance-based
    indices on Saltelli's matrices of ``sobol_trials`` rows) or "both"."""
    s = as_scenario(scenario)
    native = _fundgap.sensitivity(
        s.text, s.label, s.overrides, method=method, sample=_whole("sample", sample, 2),
        oat_trials=_whole("oat_trials", oat_trials, 1),
        sobol_trials=_whole("sobol_trials", sobol_trials, 20), seed=_whole("seed", seed), lang=lang,
        **_job(threads, progress),
    )
    return SensitivityResult(native)


def discover(
    scenario: ScenarioLike = None,
    *,
    trials: int = 20_000,
    seed: Optional[int] = None,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_coverage: float = 0.5,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> DiscoveryResult:
    """``fundgap discover``: the combinations of inputs (PRIM boxes) that
    lead to a gap, peeling ``alpha`` at a time down to ``min_support`` of
    the trials and keeping boxes covering ``min_coverage`` of the gaps."""
    s = as_scenario(scenario)
    native = _fundgap.discover(
        s.text, s.label, s.overrides, trials=_whole("trials", trials, 1),
        seed=_whole("seed", seed), alpha=alpha,
        min_support=min_support, min_coverage=min_coverage, lang=lang,
        **_job(threads, progress),
    )
    return DiscoveryResult(native)


def evaluate(
    scenario: ScenarioLike = None,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    sensitivity: bool = True,
    sample: int = 2_000,
    oat_trials: int = 500,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> EvaluationResult:
    """``fundgap evaluate``: the scorecard (the source study's four findings
    from each service's plan, and the money criteria) with the tornado of
    drivers unless ``sensitivity`` is False."""
    s = as_scenario(scenario)
    native = _fundgap.evaluate(
        s.text, s.label, s.overrides, trials=_whole("trials", trials, 1),
        seed=_whole("seed", seed), sensitivity=sensitivity,
        sample=_whole("sample", sample, 2), oat_trials=_whole("oat_trials", oat_trials, 1),
        lang=lang,
        **_job(threads, progress),
    )
    return EvaluationResult(native)


def backtest(
    scenarios: Sequence[ScenarioLike],
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    prior_stop: Sequence[float] = (0.3, 0.6),
    resamples: int = 10_000,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> BacktestResult:
    """``fundgap backtest``: runs each back-test scenario (with recorded
    outcomes) and scores its stop rule's forecasts (Brier, calibration),
    again with every decision's chance of a stop at each of ``prior_stop``;
    ``resamples`` cluster-bootstrap resamples give the intervals. Ctrl-C
    stops it."""
    loaded = [as_scenario(s) for s in scenarios]
    native = _fundgap.backtest(
        [(s.text, s.label, s.overrides) for s in loaded], trials=_whole("trials", trials, 1),
        seed=_whole("seed", seed),
        prior_stop=[float(p) for p in prior_stop], resamples=_whole("resamples", resamples, 1), lang=lang,
        **_job(threads, progress),
    )
    return BacktestResult(native)
