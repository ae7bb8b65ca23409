"""memory.py: what a finished stream freed is given back to the system (glibc's malloc_trim), and the
lanes do so after every stream."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from source_centra import lanes, memory

FRAGMENTED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from source_centra import memory

    def rss_mb():
        line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS"))
        return int(line.split()[1]) / 1024

    # 120 MB in chunks of 1,200 bytes (past Python's small-object allocator: glibc's malloc serves them),
    # then every chunk freed but one in 64: the heap cannot shrink from its top, its middle pages are free
    chunks = [bytes(1_200) for _ in range(100_000)]
    kept = chunks[::64]
    del chunks
    before = rss_mb()
    released = memory.give_back()
    print(released, round(before), round(rss_mb()))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux") or memory._malloc_trim() is None, reason="glibc only")
def test_given_a_fragmented_heap_then_give_back_returns_its_free_pages_to_the_system() -> None:
    out = subprocess.run([sys.executable, "-c", FRAGMENTED], capture_output=True, text=True, check=True).stdout.split()
    released, before, after = out[0] == "True", int(out[1]), int(out[2])
    assert released
    assert before - after > 60, (before, after)  # ~118 MB of the heap was free and resident


def test_given_streams_read_in_lanes_then_memory_is_given_back_after_each(monkeypatch) -> None:
    given_back = []
    monkeypatch.setattr(memory, "give_back", lambda: given_back.append(1) or True)

    def turn(name: str, heavy: bool) -> lanes.Lane:
        return lanes.Lane(name, pipeline=lambda: (m for m in [f"{name}-record"]), started=lambda: f"{name}-started",
                          complete=lambda: f"{name}-complete", incomplete=lambda: f"{name}-incomplete", heavy=heavy)

    out = list(lanes.Lanes([turn("orders", True), turn("brands", False), turn("stock", True)]).run())
    assert sorted(m for m in out if m.endswith("-complete")) == ["brands-complete", "orders-complete", "stock-complete"]
    assert len(given_back) == 3
