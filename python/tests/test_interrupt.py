"""Ctrl-C during a run raises KeyboardInterrupt once the run has stopped,
and leaves the package usable."""

import os
import signal
import threading

import pytest

import fundgap


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_sigint_stops_a_long_run():
    # Far more trials than the test could wait for: only the signal ends it.
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fundgap.run(trials=2_000_000_000, seed=1)
    finally:
        timer.cancel()
    # The next run is whole and its numbers unchanged.
    a = fundgap.run(trials=200, seed=1)
    b = fundgap.run(trials=200, seed=1)
    assert a.files["horizon.csv"] == b.files["horizon.csv"]
