"""bench/sim_clock.py: the benchmarks' simulated clock lets threads that wait at the same time wait side
by side, as a real clock does, and moves only when every thread of the connector's work sleeps or waits."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import sim_clock  # noqa: E402
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


def _run(*bodies) -> None:
    threads = [threading.Thread(target=body) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()


def test_given_a_participant_at_work_then_the_others_sleeps_wait_for_it(tmp_path) -> None:
    """Before: the sleeper moved the clock at once, so the 0.3 real s the worker spent on its page became
    50 simulated seconds (as many of the sleeper's waits as fitted): the bench's figures depended on the
    machine's speed and varied run to run."""
    clock = SimClock(tmp_path / "clock", create=True)
    seen: dict[str, float] = {}
    started, both = threading.Event(), threading.Barrier(2)

    def sleeper() -> None:
        both.wait()
        started.wait()
        for _ in range(5):
            clock.sleep(10.0)

    def worker() -> None:
        both.wait()
        seen["before"] = clock.now()
        started.set()
        time.sleep(0.3)  # parsing a page: real work
        seen["after"] = clock.now()
        clock.sleep(1.0)

    _run(clock.participate(sleeper), clock.participate(worker))
    assert seen["after"] == seen["before"] == START
    assert clock.now() == START + 50.0
    assert clock.forced == 0


def test_given_a_participant_waiting_on_a_queue_then_the_clock_moves_without_it(tmp_path) -> None:
    clock = SimClock(tmp_path / "clock", create=True)
    handed = threading.Event()

    def consumer() -> None:
        clock.idle(True)  # may come after the producer's sleep began: the clock waits for it then
        handed.wait()
        clock.idle(False)

    def producer() -> None:
        clock.sleep(7.0)
        handed.set()

    _run(clock.participate(consumer), clock.participate(producer))
    assert clock.now() == START + 7.0
    assert clock.forced == 0


def test_given_a_sleeper_holding_what_a_busy_participant_waits_for_then_the_watchdog_moves_the_clock(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sim_clock, "WATCHDOG", 0.05)
    clock = SimClock(tmp_path / "clock", create=True)
    lock, holding, both = threading.Lock(), threading.Event(), threading.Barrier(2)

    def holder() -> None:
        both.wait()  # both are participants
        with lock:
            holding.set()
            clock.sleep(4.0)

    def blocked() -> None:
        both.wait()
        holding.wait()
        with lock:
            pass

    _run(clock.participate(holder), clock.participate(blocked))
    assert clock.now() == START + 4.0
    assert clock.forced == 1
