"""A run releases the GIL: other Python threads go on while it computes."""

import threading
import time

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
