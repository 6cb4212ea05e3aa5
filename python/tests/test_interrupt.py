"""Ctrl-C during a run raises KeyboardInterrupt once the run has stopped,
and leaves the package usable."""

import os
import signal
import threading

import pytest

import fundgap


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_sigint_stops_a_long_run(capsys):
    # Far more trials than the test could wait for: only the signal ends it.
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fundgap.run(trials=2_000_000_000, seed=1, lang="en", progress=True)
    finally:
        timer.cancel()
    # Its last line says it stopped, with no time left to wait for.
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("fundgap: ") and last.endswith(", stopped") and "left" not in last, last
    # The next run is whole and its numbers unchanged.
    a = fundgap.run(trials=200, seed=1)
    b = fundgap.run(trials=200, seed=1)
    assert a.files["horizon.csv"] == b.files["horizon.csv"]


# Each analysis on far more trials than the test could wait for (those
# that keep every sampled trial, on as many as fit in memory): the call
# returns only once its work has stopped (the worker is joined before
# KeyboardInterrupt is raised), so the test ends only if Ctrl-C stops it.
ANALYSES = {
    "stress": lambda: fundgap.stress("scenarios/ucity-baseline.toml", trials=10**9, seed=1),
    "compare": lambda: fundgap.compare("scenarios/revenue-models.toml", trials=10**9, seed=1),
    "sensitivity": lambda: fundgap.sensitivity(
        "scenarios/ucity-baseline.toml", method="tornado", sample=5 * 10**6, seed=1
    ),
    "sobol": lambda: fundgap.sensitivity(
        "scenarios/ucity-baseline.toml", method="sobol", sobol_trials=2 * 10**6, seed=1
    ),
    "discover": lambda: fundgap.discover("scenarios/ucity-baseline.toml", trials=5 * 10**6, seed=1),
}


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_sigint_stops_an_analysis(name):
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            ANALYSES[name]()
    finally:
        timer.cancel()
    # Nothing is left running: a small stress afterwards is whole.
    a = fundgap.stress("scenarios/ucity-baseline.toml", cuts=[0, 100], years="2026", trials=100, seed=3)
    assert len(a.cells) == 2
