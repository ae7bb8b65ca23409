"""Profiles for the benchmarks: with ``CENTRA_BENCH_PROFILE=<dir>`` set, ``bench/scale_bench.py`` runs
the connector under ``cProfile`` (``<dir>/connector-<orders>.prof``) and the fake profiles the handling
of every request (``Engine.handle``, whatever thread serves it) into ``<dir>/fake-<pid>.prof``, written
when the fake stops. Read them with ``python -m pstats`` or ``pstats.Stats(path).sort_stats("cumtime")``.

    CENTRA_BENCH_PROFILE=/tmp/prof .venv/bin/python bench/scale_bench.py --orders 2000
"""
from __future__ import annotations

import atexit
import cProfile
import os
import threading
from pathlib import Path


def install_in_fake() -> None:
    """Profile each request the fake handles into one accumulated profile (no-op without the variable)."""
    directory = os.environ.get("CENTRA_BENCH_PROFILE")
    if not directory:
        return
    import fake_centra.engine as engine

    profile = cProfile.Profile()
    lock = threading.Lock()  # one request profiled at a time: cProfile cannot nest
    original = engine.Engine.handle

    def handle(self, headers, body):
        with lock:
            profile.enable()
            try:
                return original(self, headers, body)
            finally:
                profile.disable()

    engine.Engine.handle = handle
    atexit.register(lambda: profile.dump_stats(str(Path(directory) / f"fake-{os.getpid()}.prof")))
