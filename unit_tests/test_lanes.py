"""lanes.py: selected streams are read side by side, each stream's messages in its own order, a failure
kept for the stream's turn in the CDK's loop."""
from __future__ import annotations

import threading
import time

import pytest

from source_centra.lanes import Lane, Lanes


def turn(name: str, body, log: list | None = None) -> Lane:
    return Lane(name, body, started=lambda: (name, "STARTED"), complete=lambda: (name, "COMPLETE"),
                incomplete=lambda: (name, "INCOMPLETE"))


def records(name: str, count: int, pause: float = 0.0):
    def body():
        for index in range(count):
            if pause:
                time.sleep(pause)
            yield (name, index)
    return body


def test_given_a_stream_waiting_on_another_then_both_are_read_at_once() -> None:
    """Read one after another, A (waiting for B's first record, as an expensive stream waits for points
    while a cheap one spends requests) would never end; side by side both do."""
    seen_b = threading.Event()

    def a():
        yield ("a", 0)
        assert seen_b.wait(timeout=10), "b was not read while a waited"
        yield ("a", 1)

    def b():
        seen_b.set()
        yield ("b", 0)

    out = list(Lanes([turn("a", a), turn("b", b)]).run())
    assert [m for m in out if m[0] == "a"] == [("a", "STARTED"), ("a", 0), ("a", 1), ("a", "COMPLETE")]
    assert [m for m in out if m[0] == "b"] == [("b", "STARTED"), ("b", 0), ("b", "COMPLETE")]


@pytest.mark.parametrize("lanes", [1, 2, 3])
def test_given_many_streams_then_each_streams_messages_keep_their_order(lanes: int) -> None:
    counts = {"s1": 50, "s2": 3, "s3": 0, "s4": 200, "s5": 7}
    out = list(Lanes([turn(n, records(n, c, pause=0.0005)) for n, c in counts.items()], lanes=lanes).run())
    for name, count in counts.items():
        assert [m for m in out if m[0] == name] == [(name, "STARTED"), *[(name, i) for i in range(count)],
                                                     (name, "COMPLETE")]


def test_given_two_lanes_then_streams_interleave_and_never_more_than_two_run() -> None:
    running, most = [0], [0]
    lock = threading.Lock()

    def body(name):
        def run():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                for index in range(20):
                    time.sleep(0.002)
                    yield (name, index)
            finally:
                with lock:
                    running[0] -= 1
        return run

    out = list(Lanes([turn(f"s{i}", body(f"s{i}")) for i in range(5)], lanes=2).run())
    assert most[0] == 2
    first_complete = out.index(("s0", "COMPLETE"))
    assert any(m[0] == "s1" and isinstance(m[1], int) for m in out[:first_complete])  # s1 read while s0 was


def test_given_a_failing_stream_then_it_is_incomplete_its_error_kept_and_the_others_read() -> None:
    def broken():
        yield ("bad", 0)
        raise RuntimeError("Centra said no")

    lanes = Lanes([turn("bad", broken), turn("good", records("good", 3))])
    out = list(lanes.run())
    assert [m for m in out if m[0] == "bad"] == [("bad", "STARTED"), ("bad", 0), ("bad", "INCOMPLETE")]
    assert ("good", "COMPLETE") in out
    with pytest.raises(RuntimeError, match="Centra said no"):
        lanes.finish("bad")
    lanes.finish("good")  # no error


def test_given_the_sync_failed_as_a_whole_then_no_further_stream_starts() -> None:
    failed = threading.Event()

    def fails():
        failed.set()
        raise RuntimeError("Centra unreachable")
        yield  # pragma: no cover

    unreachable = ConnectionError("Centra unreachable")
    lanes = Lanes([turn("a", fails), *[turn(f"later{i}", records(f"later{i}", 1)) for i in range(5)]],
                  lanes=1, stop=lambda: unreachable if failed.is_set() else None)
    out = list(lanes.run())
    assert out == [("a", "STARTED"), ("a", "INCOMPLETE")]
    # a stream the lanes never started fails with the sync's error at its turn: never an empty COMPLETE
    with pytest.raises(ConnectionError):
        lanes.finish("later3")


def test_given_expensive_and_cheap_streams_then_one_of_each_runs_side_by_side() -> None:
    """Two cheap streams side by side leave the complexity quota idle; the lanes pair kinds while both last."""
    running: dict[str, bool] = {}
    pairs = []
    lock = threading.Lock()

    def body(name):
        def run():
            with lock:
                running[name] = True
                pairs.append(tuple(sorted(n for n, on in running.items() if on)))
            try:
                for index in range(10):
                    time.sleep(0.003)
                    yield (name, index)
            finally:
                with lock:
                    running[name] = False
        return run

    turns = [Lane(n, body(n), started=lambda n=n: (n, "STARTED"), complete=lambda n=n: (n, "COMPLETE"),
                  incomplete=lambda n=n: (n, "INCOMPLETE"), heavy=n.startswith("H"))
             for n in ("H1", "H2", "H3", "L1", "L2", "L3")]
    list(Lanes(turns, lanes=2).run())
    together = [p for p in pairs if len(p) == 2]
    assert together and together[0] == ("H1", "L1"), pairs  # in catalog order: H1, H2, H3 would run first


def test_given_the_reader_stops_taking_messages_then_the_lanes_end() -> None:
    def endless():
        index = 0
        while True:
            index += 1
            yield ("e", index)

    closed = threading.Event()

    def watched():
        try:
            yield from endless()
        finally:
            closed.set()

    messages = Lanes([turn("e", watched), turn("f", endless)]).run()
    taken = [next(messages) for _ in range(50)]
    assert len(taken) == 50
    messages.close()
    assert closed.wait(timeout=10)
    time.sleep(0.2)
    assert not [t for t in threading.enumerate() if t.name.startswith("centra-lane-") and t.is_alive()]


def test_given_a_slow_reader_then_few_messages_wait_in_between() -> None:
    """A record can be large (a delivery with its lines, ~1 MB parsed): the lanes hand over a few at a time
    and wait for the reader, instead of piling up (1,000 queued made the peak RSS depend on the catalog)."""
    from source_centra.lanes import QUEUE_SIZE

    produced, consumed, most = [0], [0], [0]
    lock = threading.Lock()

    def body(name):
        def run():
            for index in range(400):
                with lock:
                    produced[0] += 1
                    most[0] = max(most[0], produced[0] - consumed[0])
                yield (name, index)
        return run

    for message in Lanes([turn("a", body("a")), turn("b", body("b"))]).run():
        time.sleep(0.0002)
        with lock:
            consumed[0] += 1
    assert consumed[0] == 800 + 4  # and the statuses
    assert most[0] <= QUEUE_SIZE + 4 <= 32, most[0]


def test_given_large_records_and_a_slow_reader_then_few_of_their_lines_wait_in_between() -> None:
    """A purchase order delivery has a line per size delivered (~3,000 at 1,000,000 orders, ~5 MB as a
    record). Before: 16 of them could wait in the queue (48,000 lines; the 1M sync's peak RSS rose from
    120 to 176 MB while deliveries were read beside the allocations), then one waiting and one being
    written out. Now the messages waiting or being written out hold at most QUEUE_ITEMS list items
    between them (or one record when it is larger), beyond the one each lane has in hand."""
    from airbyte_cdk.models import AirbyteMessage, AirbyteRecordMessage, Type

    from source_centra.lanes import QUEUE_ITEMS

    lines = 3_000
    produced, consumed, most = [0], [0], [0]
    lock = threading.Lock()

    def deliveries(name):
        def run():
            for index in range(40):
                message = AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(
                    stream=name, emitted_at=0, data={"id": index, "lines": [{"quantity": 1}] * lines}))
                with lock:
                    produced[0] += lines
                    most[0] = max(most[0], produced[0] - consumed[0])
                yield message
        return run

    taken = 0
    for message in Lanes([turn("a", deliveries("a")), turn("b", deliveries("b"))]).run():
        time.sleep(0.002)
        if getattr(message, "record", None) is not None:
            taken += 1
            with lock:
                consumed[0] += lines
    assert taken == 80
    assert most[0] <= max(QUEUE_ITEMS, lines) + 2 * lines, most[0]  # beyond those, one in each lane's hand
