"""``source-centra`` with the sync's start pinned, for benchmarks only.

The connector closes every window at the sync's start (now, to the second), so two runs send
different ``updatedAt.to`` variables and the fake's response cache (keyed by the variables) would
miss on every page, putting the fake's GraphQL execution into the connector's wall time. This
wrapper pins ``SyncContext``'s sync start to ``CENTRA_BENCH_SYNC_START`` (ISO 8601, default
2026-01-01T00:00:00+00:00, after all fake data) and then runs the unchanged entry point
``source_centra.run:run`` (the ``source-centra`` console script), arguments as for ``source-centra``.
With ``CENTRA_BENCH_SIM_CLOCK`` set, the pacer and every wait run on that simulated clock
(bench/sim_clock.py, bench/scale_bench.py).
"""
from __future__ import annotations

import os
from datetime import datetime

from source_centra import context


def _pin() -> None:
    pinned = datetime.fromisoformat(os.environ.get("CENTRA_BENCH_SYNC_START", "2026-01-01T00:00:00+00:00"))
    original = context.SyncContext.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if getattr(self, "_sync_start", None) is None:
            self._sync_start = pinned

    context.SyncContext.__init__ = __init__


if __name__ == "__main__":
    _pin()
    import sim_clock  # bench/: with CENTRA_BENCH_SIM_CLOCK set, pacing runs on the simulated clock

    clock = sim_clock.from_environment()
    if clock is not None:
        sim_clock.install_in_connector(clock)
    from source_centra.run import run

    run()
