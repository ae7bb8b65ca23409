"""``SyncContext.live_schema``: one introspection per sync, also when the store workers of a stream
read in parallel ask for it at the same moment (found by bench/run_bench.py: order_items' three store
workers each sent one, ``__schema=3`` in the fake's request counts)."""
from __future__ import annotations

import threading
import time

from source_centra.client import GraphQLResult
from source_centra.config import Config
from source_centra.context import SyncContext
from unit_tests.centra_schema import introspection_answer


class SlowIntrospection:
    """A client whose introspection takes a while, as a real request does."""

    def __init__(self) -> None:
        self.calls = 0

    def execute(self, query, variables=None, *, raise_errors=True):
        self.calls += 1
        time.sleep(0.2)
        return GraphQLResult(introspection_answer(query)["data"], [], {})


def test_given_parallel_workers_when_they_need_the_schema_then_one_introspection_is_sent() -> None:
    config = Config.from_mapping({"endpoint_url": "https://shop.centra.com/graphql", "api_token": "t0ken"})
    client = SlowIntrospection()
    context = SyncContext(config, client=client)
    start = threading.Barrier(3)
    schemas = []

    def worker() -> None:
        start.wait()
        schemas.append(context.live_schema())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert client.calls == 1
    assert len(schemas) == 3 and all(schema is schemas[0] for schema in schemas)
