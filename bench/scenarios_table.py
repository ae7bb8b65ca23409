"""The "no data lost" scenarios, each run once, as one table.

    .venv/bin/python bench/scenarios_table.py [--only throttling,faults,...] [--markdown]

Each row is one scenario from integration_tests/scenarios.py (the same building blocks the tests in
integration_tests/test_scenario_*.py assert on): the real `source-centra` CLI against the in-process fake
Centra, compared with the fake's own data after the scenario's last sync.

- records expected: primary keys the fake holds for the scenario's streams (and stores / start date);
- emitted: RECORD messages over all the scenario's runs;
- lost: expected keys never emitted + keys whose last emitted version differs from the fake (lost updates);
- duplicate emissions: emitted − distinct keys (retried pages re-read, crash restarts, updated rows);
- retries: 429s the fake served to the connector + faults it injected (from the fake's own stats);
- seconds: wall time of the scenario.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from integration_tests import scenarios  # noqa: E402

COLUMNS = ["scenario", "records expected", "emitted", "lost", "duplicate emissions", "retries", "seconds"]

SCENARIOS = {
    "throttling": lambda make: scenarios.throttling(make, "seconds"),
    "throttling-http-date": lambda make: scenarios.throttling(make, "http-date"),
    "throttling-bounded": scenarios.throttling_bounded,
    "faults": scenarios.faults,
    "live-writes": scenarios.live_writes,
    "ties": scenarios.ties,
    "crash": lambda make: scenarios.crash(make, kill_after=333),
    "crash-worst-case": lambda make: scenarios.crash(make, before_checkpoint_of="payment_history"),
    "config-change": scenarios.config_changes,
    "token-revoked": lambda make: scenarios.revoked(make, "revoke"),
    "permission-removed": lambda make: scenarios.revoked(make, "permission"),
    "bad-input": scenarios.bad_input,
    "secrets-debug": scenarios.debug_with_faults,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated scenario names: " + ", ".join(SCENARIOS))
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(SCENARIOS)

    from fake_centra import FakeCentra

    rows, notes = [], []
    started = time.monotonic()
    for name in chosen:
        fakes: list = []

        def make(**kwargs):
            fake = FakeCentra(**kwargs)
            fake.start()
            fakes.append(fake)
            return fake

        try:
            outcome = SCENARIOS[name](make)
            rows.append(outcome.row())
            if outcome.comparison.lost:
                notes.append(f"{outcome.name}: {outcome.comparison.describe()}")
            if "overhead" in outcome.extra:
                extra = {s: n for s, n in outcome.extra["overhead"].items() if n}
                notes.append(f"{outcome.name}: restart re-emitted {extra or 'nothing'} "
                             f"(bound one page per partition: {({s: outcome.extra['bounds'][s] for s in extra})})")
            if "clean" in outcome.extra:
                notes.append(f"{outcome.name}: {outcome.extra['clean']} of {len(outcome.runs)} failed with a TRACE "
                             "error and no Python traceback")
        finally:
            for fake in fakes:
                fake.stop()
        print(f"  {name}: {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)

    print(render(rows, args.markdown))
    for note in notes:
        print(f"- {note}")


def render(rows: list[dict], markdown: bool) -> str:
    cells = [COLUMNS] + [[str(row[c]) for c in COLUMNS] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]

    def line(values):
        padded = [v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths))]
        return ("| " + " | ".join(padded) + " |") if markdown else "  ".join(padded)

    out = [line(cells[0])]
    out.append(("|" + "|".join("-" * (w + 2) for w in widths) + "|") if markdown else "  ".join("-" * w for w in widths))
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


if __name__ == "__main__":
    main()
