"""A run releases the GIL: other Python threads go on while it computes."""

import io
import sys
import threading
import time

import pytest

import fundgap


def test_other_threads_run_during_a_run():
    stamps = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            stamps.append(time.monotonic())
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        start = time.monotonic()
        fundgap.run(trials=300_000, seed=1)
        end = time.monotonic()
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole run, no tick could fall inside it.
    inside = [s for s in stamps if start < s < end]
    assert len(inside) >= 3, (len(stamps), end - start)


def test_any_thread_count_gives_the_same_bits_and_is_recorded():
    one = fundgap.run(trials=4_000, seed=3, threads=1)
    two = fundgap.run(trials=4_000, seed=3, threads=2)
    for name in ["yearly.csv", "horizon.csv", "plan.csv"]:
        assert one.files[name] == two.files[name], name
    assert one.summary["threads"] == 1
    assert two.summary["threads"] == 2
    # The analyses take it too.
    a = fundgap.stress(trials=500, seed=3, years="2026", cuts=[0, 100], threads=1)
    b = fundgap.stress(trials=500, seed=3, years="2026", cuts=[0, 100], threads=2)
    assert a.files == b.files


@pytest.mark.parametrize("bad", [0, 5000, -1, 10**30])
def test_a_thread_count_out_of_range_is_refused_by_name(bad):
    # One message for every count out of range, naming the real bound.
    with pytest.raises(ValueError, match="threads: give 1 to 1024, not "):
        fundgap.run(trials=100, threads=bad)


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, as a console's is."""

    def isatty(self):
        return True


def test_progress_is_redrawn_in_place_on_a_terminal(monkeypatch):
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    fundgap.run(trials=200_000, seed=1, lang="en", progress=True)
    err = term.getvalue()
    assert "/200,000 trials (" in err, err
    assert "fundgap: done in " in err, err
    # Each redraw starts at the line's beginning; only the last ends it.
    assert err.startswith("\r") and err.endswith("\n") and err.count("\n") == 1, repr(err)


def test_progress_to_a_log_is_whole_lines(capsys):
    # pytest's capture is no terminal, as a log file is not: no redraws.
    fundgap.run(trials=200_000, seed=1, lang="en", progress=True)
    err = capsys.readouterr().err
    assert "\r" not in err, repr(err)
    lines = err.splitlines()
    assert lines[0].startswith("fundgap: ") and "/200,000 trials (" in lines[0], err
    assert lines[-1].startswith("fundgap: done in "), err


def test_work_that_fails_is_not_said_to_be_done(capsys):
    with pytest.raises(ValueError, match="GB of memory"):
        fundgap.sensitivity(method="sobol", sobol_trials=10**13, progress=True)
    assert "done" not in capsys.readouterr().err


def test_progress_is_said_in_the_reports_language(capsys):
    fundgap.sensitivity(seed=1, lang="ko", progress=True)
    err = capsys.readouterr().err
    assert "fundgap: 입력 " in err and "fundgap: 완료 (" in err, err
    assert "trials" not in err and "done" not in err, err


def test_a_short_run_says_nothing_unless_asked(capsys):
    fundgap.run(trials=2_000, seed=1)
    fundgap.run(trials=2_000, seed=1, progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match="progress"):
        fundgap.run(trials=100, progress="yes")
