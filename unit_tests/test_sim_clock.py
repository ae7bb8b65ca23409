"""bench/sim_clock.py: the benchmarks' simulated clock lets threads that wait at the same time wait side
by side, as a real clock does."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from sim_clock import START, SimClock  # noqa: E402


def test_given_threads_that_read_the_clock_then_sleep_then_their_sleeps_overlap(tmp_path) -> None:
    """Before: each sleep moved the clock from where the last sleeper left it: 6 threads each waiting 5 s
    for the same quota made 30 simulated seconds of what a real clock shows as 5."""
    clock = SimClock(tmp_path / "clock", create=True)
    read = threading.Barrier(6)

    def paced() -> None:
        clock.now()  # the pacer reads the clock and computes its delay ...
        read.wait()  # ... all at the same moment ...
        clock.sleep(5.0)  # ... then sleeps

    threads = [threading.Thread(target=paced) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == START + 5.0


def test_given_one_thread_sleeping_twice_then_the_sleeps_add_up(tmp_path) -> None:
    clock = SimClock(tmp_path / "clock", create=True)
    clock.sleep(2.0)
    clock.sleep(3.0)
    assert clock.now() == START + 5.0


def test_given_a_thread_that_read_long_ago_then_its_sleep_never_moves_the_clock_back(tmp_path) -> None:
    clock = SimClock(tmp_path / "clock", create=True)
    clock.now()
    other = threading.Thread(target=lambda: clock.sleep(100.0))
    other.start()
    other.join()
    clock.sleep(5.0)  # read at START, the clock is at START + 100 already
    assert clock.now() == START + 100.0
