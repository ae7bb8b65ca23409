"""The one generic stream: windows × pages of a StreamSpec, records from its pure function.

Why not HttpStream's request loop: Centra answers errors inside HTTP 200 bodies, meters query
complexity, and needs bounded Retry-After waits; `client.py` owns all of that for checks and
streams alike, so this class only plans windows (state.py), pages, and checkpoints.
"""
from __future__ import annotations

import logging
import time
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable, Iterator, Mapping, MutableMapping

from airbyte_cdk.models import (
    AirbyteEstimateTraceMessage,
    AirbyteMessage,
    AirbyteTraceMessage,
    EstimateType,
    SyncMode,
    TraceType,
    Type,
)
from airbyte_cdk.sources.streams import CheckpointMixin, Stream

from source_centra import privacy
from source_centra import state as st
from source_centra.context import SyncContext, load_probe
from source_centra.errors import CentraError
from source_centra.queries import load
from source_centra.queries.prune import prune
from source_centra.records import RECORD_FUNCTIONS
from source_centra.schemas import load_schema
from source_centra.streams import StreamSpec
from source_centra.rate_limit_status import RateLimitStatus

LOGGER = logging.getLogger("airbyte")


class CentraStream(Stream, CheckpointMixin):
    def __init__(self, spec: StreamSpec, context: SyncContext):
        self.spec = spec
        self.context = context
        self._state: dict = st.normalise(None, spec.name, spec.cursor_field)
        self._to_records = RECORD_FUNCTIONS[spec.name]
        self._document: str | None = None  # the query, pruned of fields behind missing optional permissions
        self._extras: dict | None = None  # per-sync facts for the record function (base_currency)
        self._estimates: dict[str, int] = {}
        self._schema: Mapping[str, Any] | None = None
        self._nodes = 0
        self._records = 0

    # ---------------------------------------------------------------- Airbyte stream facts

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def primary_key(self):
        return [[key] for key in self.spec.primary_key] if len(self.spec.primary_key) > 1 else self.spec.primary_key[0]

    @property
    def cursor_field(self):
        return self.spec.cursor_field or []

    @property
    def source_defined_cursor(self) -> bool:
        return True

    @property
    def is_resumable(self) -> bool:
        # markets and stores are small full-refresh lists: re-read whole, no resumable-full-refresh state
        return bool(self.spec.cursor_field)

    @property
    def state_checkpoint_interval(self) -> int | None:
        # State only ever points at fully emitted pages, so a checkpoint at any record is safe.
        return self.context.config.page_size if self.spec.cursor_field else None

    def get_json_schema(self) -> Mapping[str, Any]:
        # the CDK asks once per record: parse the schema file once per stream
        if self._schema is None:
            self._schema = load_schema(self.spec.name)
        return self._schema

    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state if self.spec.cursor_field else {}

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        if self.spec.cursor_field:
            self._state = st.normalise(value, self.spec.name, self.spec.cursor_field)

    # ---------------------------------------------------------------- slices = windows

    def stream_slices(self, *, sync_mode: SyncMode, cursor_field=None, stream_state=None) -> Iterable[Mapping[str, Any] | None]:
        config = self.context.config
        partitions = self.context.store_partitions() if self.spec.by_store else ["all"]
        if not self.spec.cursor_field:
            return [{"partition": p, "from": None, "to": None, "resume": None} for p in partitions]
        days = config.returns_lookback_days if self.spec.lookback == "returns" else config.lookback_window_days
        if sync_mode == SyncMode.incremental:
            self._state = st.expand_legacy(self._state, partitions)
            state = self._state
        else:
            state = st.normalise(None, self.name, self.spec.cursor_field)
        windows = st.plan(state, partitions, config.start_date, timedelta(days=days), self.context.sync_start)
        backfill = self._store_backfill(state) if sync_mode == SyncMode.incremental and self.spec.store_on_record else []
        if sync_mode == SyncMode.incremental and self.spec.lookback == "returns":
            backfill += self._updated_order_slices(state, partitions)
        slices = [window.as_slice() for window in windows]
        if config.concurrency > 1 and len({window.partition for window in windows}) > 1:
            # one slice holding every store's windows, read store-concurrently (see _read_jobs)
            slices = [{"partition": "*", "windows": slices}]
        return backfill + slices

    def _updated_order_slices(self, state: dict, partitions: list[str]) -> list[dict]:
        """Returns have no updatedAt: besides re-reading `returns_lookback_days` of createdAt, re-read
        the returns of orders updated since the cursor (less the updates lookback) — completing or
        changing a return updates its order. Runs before the windows, so the cursor moves only after."""
        days = timedelta(days=self.context.config.lookback_window_days)
        slices = []
        for partition in partitions:
            entry = state["partitions"].get(partition) or {}
            if entry.get("cursor"):
                start = st.parse_time(entry["cursor"]) - days
                slices.append({"partition": partition, "updated_orders": {"from": st.iso(start), "to": st.iso(self.context.sync_start)}})
        return slices

    def _read_returns_of_updated_orders(self, partition: str, span: Mapping[str, str]) -> Iterable[Any]:
        where: dict[str, Any] = {"updatedAt": dict(span)}
        if partition != "all":
            where["storeId"] = [int(partition)]
        after = None
        while True:
            self.context.pace()
            page = self.context.client.execute(load_probe("updated_order_ids"),
                                               {"where": where, "first": 200, "after": after}).data.get("result") or {}
            ids = [edge["node"]["id"] for edge in page.get("edges") or []]
            for start in range(0, len(ids), 100):
                yield from self._read_jobs([_Job(partition, None, None, None, {"orderId": ids[start:start + 100]})])
            info = page.get("pageInfo") or {}
            if not (info.get("hasNextPage") and ids):
                return
            after = info.get("endCursor")

    def _store_backfill(self, state: dict) -> list[dict]:
        """For a store-filtered partition: a window [start date, cursor] keeping only stores added to
        the config since the cursor was written (their history before it was filtered out then)."""
        entry = state["partitions"].get("all") or {}
        if not entry.get("cursor") or entry.get("stores") is None:
            return []
        config = self.context.config
        wanted = set(config.store_ids) or {int(store["id"]) for store in self.context.stores()}
        added = sorted(wanted - set(entry["stores"]))
        if not added:
            return []
        window = st.Window("all", config.start_date or st.EPOCH, st.parse_time(entry["cursor"]))
        return [{**window.as_slice(), "only_stores": added}]

    # ---------------------------------------------------------------- pages → records

    def read_records(self, sync_mode: SyncMode, cursor_field=None, stream_slice: Mapping[str, Any] | None = None,
                     stream_state=None) -> Iterable[Any]:
        stream_slice = stream_slice or {"partition": "all", "from": None, "to": None, "resume": None}
        if stream_slice.get("updated_orders"):
            yield from self._read_returns_of_updated_orders(str(stream_slice["partition"]), stream_slice["updated_orders"])
            return
        yield from self._read_jobs([_Job.of(item) for item in stream_slice.get("windows") or [stream_slice]])

    def _fetch_page(self, partition: str, window: "st.Window | None", token: Any,
                    extra_where: Mapping[str, Any] | None = None) -> tuple[list, Any, int | None]:
        self.context.pace()
        variables = self._variables(partition, window, token)
        if extra_where:
            variables["where"] = {**(variables["where"] or {}), **extra_where}
        result = self._execute(variables)
        page = result.data.get("result")
        if page is None:
            raise CentraError(f"Centra returned no data for stream '{self.name}' (partition {partition}).")
        return self._unpack(page, token)

    def _read_jobs(self, jobs: list["_Job"]) -> Iterable[Any]:
        """Pages of every job: one worker per store (at most `concurrency`) fetches that store's pages
        in order into a small bounded queue, requesting page N+1 while page N is emitted here in
        arrival order. Stores finish out of order, but each store's state only ever advances over its
        own emitted pages, so any checkpoint is a valid resume point. Memory: a few pages per worker."""
        groups: dict[str, list[_Job]] = {}
        for job in jobs:
            groups.setdefault(job.partition, []).append(job)
        workers = max(1, min(self.context.config.concurrency, len(groups)))
        pages: queue.Queue = queue.Queue(maxsize=2 * workers)
        stop = threading.Event()

        def put(item) -> None:
            while not stop.is_set():
                try:
                    pages.put(item, timeout=0.2)
                    return
                except queue.Full:
                    continue

        def fetch_store(store_jobs: list[_Job]) -> None:
            try:
                for job in store_jobs:
                    token = job.resume
                    while not stop.is_set():
                        nodes, next_token, total = self._fetch_page(job.partition, job.window, token, job.extra_where)
                        put((job, token, nodes, next_token, total))
                        if next_token is None:
                            break
                        token = next_token
            except BaseException as error:  # handed to the emitting thread, which raises it
                put(error)
            finally:
                put(None)

        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"centra-{self.name}")
        try:
            for store_jobs in groups.values():
                pool.submit(fetch_store, store_jobs)
            status = RateLimitStatus(self.name, self.context.client.waits)
            running = len(groups)
            while running:
                try:
                    item = pages.get(timeout=1)  # wakes up to report the workers' rate-limit waits
                except queue.Empty:
                    yield from status.messages()
                    continue
                yield from status.messages(page_arrived=isinstance(item, tuple))
                if item is None:
                    running -= 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    job, token, nodes, next_token, total = item
                    yield from self._emit_page(job.partition, job.window, token, nodes, next_token, total, job.only)
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)

    def _emit_page(self, partition: str, window, token: Any, nodes: list, next_token: Any, total: int | None,
                   only: set | None) -> Iterable[Any]:
        if total is not None and token is None:
            yield self._estimate(partition, window, total)
        records = []
        for node in nodes:
            self._nodes += 1
            records += [r for r in self._records_of(node) if self._keeps(r, only)]
        self._records += len(records)
        last = len(records) - 1
        for index, record in enumerate(records):
            if index == last:
                # Advance before the page's last record: the CDK checkpoints right after emitting a
                # record, so a checkpoint there already covers this page (a restart re-reads < 1 page).
                self._advance(window, next_token, only)
            yield record
        if not records:
            self._advance(window, next_token, only)

    def _keeps(self, record: Mapping, only: set | None) -> bool:
        if self.spec.by_store or "store_id" not in record:
            return True
        if only is not None:
            return record["store_id"] in only
        return self.context.keeps_store(record["store_id"])

    def _advance(self, window, next_token: Any, only: set | None = None) -> None:
        if window is None:
            return
        if only is not None:  # a store backfill window: no resume point, done or redone whole
            if next_token is None:
                self._state = st.cover_stores(self._state, window.partition, added=only)
            return
        self._state = st.advance(self._state, window, resume=next_token, done=next_token is None)
        if next_token is None and self.spec.store_on_record:
            self._state = st.cover_stores(self._state, window.partition, stores=self.context.config.store_ids or None)

    def _execute(self, variables: dict):
        """One page. Fields behind optional permissions the token lacks come back null, are warned about
        once per sync (SyncContext.execute) and are pruned from this stream's later pages."""
        document = self._document or load(self.spec.query)
        result, denied = self.context.execute(document, variables, self.spec.optional_permissions)
        self._document = prune(document, denied)
        return result

    def _records_of(self, node: Mapping) -> list[dict]:
        extras = self._sync_extras()
        try:
            produced = list(self._to_records(node, extras))
        except (ValueError, TypeError, KeyError) as error:
            ident = node.get("id") if isinstance(node, Mapping) else None
            raise CentraError(
                f"Centra returned a {self.name} object (id {ident}) the connector cannot read: {error}. "
                "Please report this with the connector version; other streams are not affected.") from error
        return [privacy.apply(record, self.name, self.context.config.pii_handling) for record in produced]

    def _sync_extras(self) -> dict:
        """What records need beyond the node, looked up once per sync on first use (records.py ``extras``)."""
        if self._extras is None:
            self._extras = {"base_currency": self.context.base_currency()} if self.spec.base_currency else {}
        return self._extras

    def _variables(self, partition: str, window: "st.Window | None", token: Any) -> dict:
        where: dict[str, Any] = {}
        if self.spec.by_store and partition != "all":
            where["storeId"] = [int(partition)]
        if window is not None and self.spec.filter_field:
            where[self.spec.filter_field] = {"from": st.iso(window.start), "to": st.iso(window.end)}
        size = self.context.config.page_size
        if self.spec.paging == "connection":
            return {"where": where, "first": size, "after": token}
        return {"where": where or None, "limit": size, "page": int(token or 1)}

    def _unpack(self, page: Any, token: Any) -> tuple[list, Any, int | None]:
        if self.spec.paging == "connection":
            nodes = [edge["node"] for edge in page.get("edges") or [] if edge.get("node") is not None]
            info = page.get("pageInfo") or {}
            more = bool(info.get("hasNextPage")) and bool(nodes)
            return nodes, (info.get("endCursor") if more else None), page.get("totalCount")
        nodes = list(page)
        number = int(token or 1)
        return nodes, (number + 1 if len(nodes) >= self.context.config.page_size else None), None

    def _estimate(self, partition: str, window, total: int) -> AirbyteMessage:
        self._estimates[partition] = int(total)
        rows = sum(self._estimates.values())
        if self.spec.estimate_factor_field and self._nodes:
            rows = int(rows * self._records / self._nodes)
        return AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
            type=TraceType.ESTIMATE, emitted_at=time.time() * 1000,
            estimate=AirbyteEstimateTraceMessage(name=self.name, type=EstimateType.STREAM, row_estimate=rows)))


@dataclass(frozen=True)
class _Job:
    """One slice's work: a partition, its window (None for full-refresh lists), where to resume, and
    for a store backfill window the only stores to keep."""
    partition: str
    window: "st.Window | None"
    resume: Any
    only: frozenset | None
    extra_where: Mapping[str, Any] | None = None  # e.g. {"orderId": [...]} for returns of updated orders

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> "_Job":
        window = st.Window.from_slice(item) if item.get("from") else None
        only = frozenset(item["only_stores"]) if item.get("only_stores") is not None else None
        return cls(str(item["partition"]), window, item.get("resume"), only)
