"""The one generic stream: a StreamSpec's slices read page by page, records from its pure function.

Each job lives in its own module: slices.py plans what to read (typed slices), paging.py says how
a page is asked for and unpacked, reader.py fetches pages (store-concurrently), context.py plans
the query against the live schema and runs it, records/ makes records, privacy.py applies the
personal-data option, state.py is the state shape. This class is the glue the CDK sees: Airbyte
facts, state in and out, and emitting a page's records with the state advanced over them.

Why not HttpStream's request loop: Centra answers errors inside HTTP 200 bodies, meters query
complexity, and needs bounded Retry-After waits; ``client.py`` owns all of that for checks and
streams alike.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any, Callable, Iterable, Iterator, Mapping, MutableMapping

from airbyte_cdk.models import (
    AirbyteEstimateTraceMessage,
    AirbyteMessage,
    AirbyteTraceMessage,
    EstimateType,
    FailureType,
    SyncMode,
    TraceType,
    Type,
)
from airbyte_cdk.sources.streams import CheckpointMixin, Stream
from airbyte_cdk.sources.streams.checkpoint.checkpoint_reader import FULL_REFRESH_COMPLETE_STATE

from source_centra import child_pages, paging, privacy, sparse
from source_centra import slices as sl
from source_centra import state as st
from source_centra.client import GraphQLResult
from source_centra.context import SyncContext, load_probe
from source_centra.documents import id_list_document, parents_document
from source_centra.errors import CentraError, ConfigError
from source_centra.known_values import unknown_values
from source_centra.plan import Plan
from source_centra.progress import Progress, job_scope
from source_centra.rate_limit_status import RateLimitStatus
from source_centra.credits import list_items
from source_centra.reader import PAGE_ITEMS, Page, read_pages
from source_centra.schemas import load_schema
from source_centra.streams import StreamSpec

LOGGER = logging.getLogger("airbyte")
FULL_REFRESH_COMPLETE = dict(FULL_REFRESH_COMPLETE_STATE)  # the CDK's marker for a finished resumable full refresh
NESTED_PAGE_SIZE = 200  # child lists (Warehouse.stock, Pricelist.prices) are read at Centra's maximum
ID_PAGE_SIZE = 200  # id-only lists (a nested stream's parents, the ids of updated orders), at Centra's maximum
ORDERS_PER_JOB = 100  # the returns of updated orders are asked for this many order ids at a time


class CentraStream(Stream, CheckpointMixin):
    def __init__(self, spec: StreamSpec, context: SyncContext):
        self.spec = spec
        self.context = context
        self._state: dict = st.normalise(None, spec.name, spec.cursor_field)
        self._snapshot: dict = {}  # snapshot streams: {"synced_at", "parent", "page"}; see _read_snapshot_page
        self._extras: dict | None = None  # per-sync facts for the record function (base_currency)
        self._estimates: dict[str, int] = {}
        self._schema: Mapping[str, Any] | None = None
        self._parents: list[str] | None = None
        self._offered = None  # how this instance lets the stream be read (offer.py), on first use
        self._nodes = 0
        self._records = 0
        self._progress = Progress(spec.name)  # fails the stream if its pages stop advancing
        self.shared: Any = None  # the shared pass reading this stream with others of its parent (shared.py), if any
        self.planned_slices: list = []  # this read's slices, as planned (stream_slices)

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
        # cursor streams resume from state; snapshots resume page by page (resumable full refresh);
        # markets and stores are small lists, re-read whole
        return bool(self.spec.cursor_field) or self.spec.snapshot

    @property
    def state_checkpoint_interval(self) -> int | None:
        # State only ever points at fully emitted pages, so a checkpoint at any record is safe.
        return self.page_size if self.spec.cursor_field else None

    @property
    def page_size(self) -> int:
        """The configured page size, capped where the stream's nested lists make a page costly."""
        if self.spec.paging == "nested":
            return NESTED_PAGE_SIZE
        return min(self.context.config.page_size, self.spec.max_page_size or self.context.config.page_size)

    def get_json_schema(self) -> Mapping[str, Any]:
        # the CDK asks once per record: parse the schema file once per stream
        if self._schema is None:
            self._schema = load_schema(self.spec.name)
        return self._schema

    @property
    def state(self) -> MutableMapping[str, Any]:
        if self.spec.snapshot:
            return dict(self._snapshot) if self._snapshot else {}
        return self._state if self.spec.cursor_field else {}

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        if self.spec.snapshot:
            # a finished snapshot starts again from the first page; an unfinished one resumes
            self._snapshot = {} if not value or value == FULL_REFRESH_COMPLETE else st.normalise_snapshot(value, self.name)
        elif self.spec.cursor_field:
            self._state, late = st.clamp_future(st.normalise(value, self.spec.name, self.spec.cursor_field),
                                                self.context.sync_start)
            for warning in late:
                LOGGER.warning(f"Stream {self.name}, {warning}. If the state was edited or copied from another connection, "
                               "reset the stream to read its history again.")

    # ---------------------------------------------------------------- slices

    def stream_slices(self, *, sync_mode: SyncMode, cursor_field=None, stream_state=None) -> Iterable[Mapping[str, Any] | None]:
        # kept for a shared pass (shared.py), which lines up members whose slices are out of step
        self.planned_slices = list(self._plan_slices(sync_mode))
        return self.planned_slices

    def _plan_slices(self, sync_mode: SyncMode) -> Iterable[Mapping[str, Any] | None]:
        config = self.context.config
        self.context.check_store_ids()  # a configured store the token cannot see: config error, no state moves
        if self.spec.optional and self.context.unavailable(self.spec):  # e.g. no purchasing module: left out
            return []
        if self.spec.snapshot:
            return [sl.Snapshot(dict(self._snapshot))]
        read = self.read_spec()
        partitions = self.context.store_partitions() if read.by_store else ["all"]
        if sync_mode != SyncMode.incremental or not read.cursor_field:
            # (a stream this instance offers as full refresh only keeps its saved state for later)
            return sl.plan_full_refresh(read, st.normalise(None, self.name, read.cursor_field), partitions,
                                        start_date=config.start_date, sync_start=self.context.sync_start,
                                        concurrency=config.concurrency)
        self._state = st.expand_legacy(self._state, partitions)
        days = config.returns_lookback_days if self.spec.lookback == "returns" else config.lookback_window_days
        wanted = (set(config.store_ids) or {int(store["id"]) for store in self.context.stores()}) \
            if read.stores_from_records else None
        self._state = st.carry_over(self._state, partitions, wanted)
        return sl.plan_incremental(read, self._state, partitions, start_date=config.start_date,
                                   lookback=timedelta(days=days), updates_lookback=timedelta(days=config.lookback_window_days),
                                   sync_start=self.context.sync_start, configured_stores=wanted,
                                   concurrency=config.concurrency)

    # ---------------------------------------------------------------- how this instance lets it be read

    def _offer(self):
        if self._offered is None:
            self._offered = self.context.offer(self.spec)
        return self._offered

    def read_spec(self) -> StreamSpec:
        """The spec as read here: partitions and cursor adapted to the instance (offer.py)."""
        return self._offer().effective

    def plan_args(self) -> dict:
        """What ``SyncContext.plan`` needs for this stream as this instance lets it be read."""
        return self.context.plan_args(self.spec)

    # ---------------------------------------------------------------- reading

    def read_records(self, sync_mode: SyncMode, cursor_field=None, stream_slice: Mapping[str, Any] | None = None,
                     stream_state=None) -> Iterable[Any]:
        if self.spec.snapshot:
            yield from self._read_snapshot_page()
            return
        item = sl.from_mapping(stream_slice)
        if isinstance(item, sl.UpdatedOrders):
            yield from self._read_returns_of_updated_orders(item)
            return
        jobs = list(item.jobs) if isinstance(item, sl.Jobs) else [item]
        yield from self._read(jobs)

    def _read(self, jobs: list[sl.Job], status: RateLimitStatus | None = None) -> Iterable[Any]:
        if self.shared is not None:  # a shared pass (shared.py) fetches the pages of several streams at once
            yield from self.shared.hand_over(self, jobs)
            return
        for page in self._pages(jobs, self._fetch, status or self._status()):
            if isinstance(page, Page):
                yield from self._emit(page)
            else:
                yield page
            del page  # not held while the next page is asked and parsed (reader.py: memory)

    def _status(self) -> RateLimitStatus:
        """The rate-limit status of one read (rate_limit_status.py), made before its workers start."""
        return RateLimitStatus(self.name, self.context.client.waits)

    def _pages(self, jobs: list[sl.Job], fetch: Callable[[sl.Job, Any], Page], status: RateLimitStatus,
               pages: int | None = None) -> Iterator[Page | AirbyteMessage]:
        """The pages of ``jobs`` fetched by workers (reader.py), with the status messages of their
        rate-limit waits in between: every paged loop of the stream reads through here, so every wait
        is reported the same way."""
        for page in read_pages(jobs, fetch, self.context.config.concurrency, self.name, idle=status.messages,
                               pages=pages):
            if isinstance(page, Page):
                yield from status.messages(page_arrived=True)
            yield page
            del page  # not held while the next page is asked and parsed (reader.py: memory)

    def _fetch(self, job: sl.Job, token: Any) -> Page:
        """One page of one job: pace, plan (once per stream per sync), run, unpack."""
        self.context.pace()
        made = self.context.plan(self.spec.query, **self.plan_args())
        return self.page_of(job, token, made, lambda variables, shape: self.context.run(
            self.spec.query, variables, shape=shape, **self.plan_args()), [self.name])

    def page_of(self, job: sl.Job, token: Any, made: Plan, run: Callable[[dict, Callable], GraphQLResult],
                streams: list[str]) -> Page:
        """The page of ``job`` after ``token``, asked with ``made``'s paging and sent by ``run(variables,
        shape)`` (the stream's own plan, or a shared pass's union of the plans of ``streams``); sparse
        lists (sparse.py) asked for presence, then completed."""
        where: dict[str, Any] = {}
        if self.read_spec().by_store and job.partition != "all":
            where["storeId"] = [int(job.partition)]
        if job.extra_where:
            where.update(job.extra_where)
        first, asked = token is None, token
        if made.paging == "list" and self.spec.growing_rows and (first or token == job.resume):
            token = paging.first_part(token)  # how heavy its rows are is not known yet: one at a time
        if made.paging == "backwards" and token is None:
            token = self._last_page(job, where, made)
        variables = paging.variables(made.paging, where=where, window=job.window, filter_field=self.read_spec().filter_field,
                                     token=token, size=self.page_size)
        parts = sparse.parts_for(streams, {name: self.context.node_paths(name) for name in streams})
        splits: dict[str, Any] = {}

        def shape(plan_now: Plan) -> Plan:  # the plan as it stands when sent (a denied field may have left it)
            found = sparse.split(plan_now, parts) if parts else None
            if found is not None and self.context.id_filter(plan_now.document) is None:
                found = None
            splits["sent"] = found
            return found.page if found is not None else plan_now

        try:
            result = run(variables, shape)
        except CentraError as error:
            if asked is None or asked != job.resume or error.failure_type != FailureType.system_error:
                raise
            raise st.bad_resume(self.name, job.partition, error) from None
        page = result.data.get("result")
        if page is None:
            raise CentraError(f"Centra returned no data for stream '{self.name}' (partition {job.partition}).")
        nodes, next_token, total, parent = paging.unpack(made.paging, page, token=token, window=job.window,
                                                         size=self.page_size, nested_field=self.spec.nested_field)
        if made.paging == "list":  # a page that would pass the memory budget is asked a row at a time
            next_token = paging.parted(next_token, nodes=len(nodes), items=list_items(nodes), size=self.page_size,
                                       budget=PAGE_ITEMS)
        sent = splits.get("sent")
        if sent is not None:
            def follow_up(kind: str, document: str, variables: dict) -> Any:  # in the page's shape (Plan.restore)
                answer = self._follow_up(kind, document, variables)
                return sent.full.restore({"result": answer})["result"] if answer is not None else None

            nodes = sparse.complete(sent, nodes, follow_up, self.context.id_filter(sent.full.document))
        return Page(job, None if first else token, nodes, next_token, total, parent,
                    # child lists Centra pages (stock change lines), completed as the page is emitted
                    finish=lambda first_pages: child_pages.complete(first_pages, made, self.context, self.spec))

    def _follow_up(self, kind: str, document: str, variables: dict) -> Any:
        """A sparse list's follow-up request (sparse.py): the root's answer."""
        self.context.pace()
        return self.context.run(f"{kind}:{hash(document)}", variables, stream=f"{self.name} ({kind})",
                                document=document).data.get("result")

    def _last_page(self, job: sl.Job, where: dict[str, Any], made: Plan) -> int:
        """Where a backwards read of this job's window starts (paging.py), from id-only pages."""
        probe = {"stream": self.name, "document": id_list_document(made.document)}

        def rows_on(number: int) -> int:
            self.context.pace()
            variables = paging.variables("list", where=where, window=job.window, filter_field=self.read_spec().filter_field,
                                         token=number, size=self.page_size)
            return len(self.context.run(f"ids:{made.stream}", variables, **probe).data.get("result") or [])

        return paging.last_page(rows_on, self.page_size)

    def _emit(self, page: Page) -> Iterator[Any]:
        job = page.job
        self._progress.page(job_scope(job.partition, job.window, job.extra_where), page.token, page.next_token, page.nodes)
        if page.total is not None and page.token is None:
            yield self._estimate(job.partition, page.total)
        held = None  # each record goes out once the next is known: the page's last one is held back
        for node in page.handed_on():
            self._nodes += 1
            for record in self._records_of(node, job.partition):
                if self._keeps(record, job.only_stores):
                    if held is not None:
                        yield held
                    held = record
                    self._records += 1
        # Advance before the page's last record: the CDK checkpoints right after emitting a record, so a
        # checkpoint there already covers this page (a restart re-reads < 1 page).
        self._advance(job, page.next_token)
        if held is not None:
            yield held

    def _keeps(self, record: Mapping, only: frozenset | None) -> bool:
        if self.read_spec().by_store or "store_id" not in record:
            return True
        if record["store_id"] is None and self._offer().store_from_records:
            return True  # read instance-wide where the declaration partitions by store: no store to judge by
        if only is not None:
            return record["store_id"] in only
        return self.context.keeps_store(record["store_id"])

    def _advance(self, job: sl.Job, next_token: Any) -> None:
        window = job.window
        if window is None or job.extra_where:
            return
        if job.backfill:  # a store backfill window: no resume point, done or redone whole
            if next_token is None:
                self._state = st.cover_stores(self._state, window.partition, added=job.only_stores)
            return
        self._state = st.advance(self._state, window, resume=paging.resume_point(next_token), done=next_token is None)
        if next_token is None and self.read_spec().stores_from_records:
            self._state = st.cover_stores(self._state, window.partition, stores=self.context.config.store_ids or None)

    # ---------------------------------------------------------------- returns of updated orders

    def _read_returns_of_updated_orders(self, item: sl.UpdatedOrders) -> Iterable[Any]:
        where: dict[str, Any] = {} if item.partition == "all" else {"storeId": [int(item.partition)]}
        probe = {"stream": f"{self.name} (returns of updated orders)", "document": load_probe("updated_order_ids"),
                 "where_fields": ("updatedAt", "storeId")}
        return_filter = self.context.live_schema().get_type("ReturnFilter")
        try:
            self.context.plan("probe:updated_order_ids", **probe)
            if "orderId" not in getattr(return_filter, "fields", {}):
                raise ConfigError("ReturnFilter.orderId")
        except ConfigError:
            LOGGER.warning(f"{self.name}: this Centra instance cannot list the returns of updated orders (orderConnection "
                           "with an updatedAt filter, ReturnFilter.orderId); status changes of returns older than "
                           "returns_lookback_days reach the destination only on a full refresh.")
            return

        def fetch(job: sl.Job, after: Any) -> Page:  # one page of the ids of orders updated in the window
            variables = paging.variables("connection", where=where, window=job.window, filter_field="updatedAt",
                                         token=after, size=ID_PAGE_SIZE)

            def ids_page() -> dict:
                self.context.pace()
                return self.context.run("probe:updated_order_ids", variables, **probe).data.get("result") or {}

            # streams read together (returns, return_items) ask for the same ids: a shared pass asks once
            page = self.shared.memo(("updated_order_ids", variables), ids_page) if self.shared else ids_page()
            nodes, next_token, total, _parent = paging.unpack("connection", page, token=after, window=job.window,
                                                              size=ID_PAGE_SIZE)
            return Page(job, after, [node["id"] for node in nodes], next_token, total)

        status = self._status()
        window = st.Window(item.partition, item.start, item.end)
        for page in self._pages([sl.Job(item.partition, window=window)], fetch, status):
            if not isinstance(page, Page):
                yield page
                continue
            ids = page.nodes
            self._progress.page(f"returns of updated orders, {job_scope(item.partition)}", page.token, page.next_token, ids)
            for start in range(0, len(ids), ORDERS_PER_JOB):
                yield from self._read([sl.Job(item.partition, extra_where={"orderId": ids[start:start + ORDERS_PER_JOB]})],
                                      status)

    # ---------------------------------------------------------------- snapshots (stock, prices)

    def _read_snapshot_page(self) -> Iterable[Any]:
        """One page of a snapshot stream read parent by parent (a warehouse's stock, a pricelist's
        prices). State ``{"synced_at", "parent", "page"}`` is the next page to read; the CDK asks
        again while it is not the finished marker, so a restart re-reads at most one page."""
        status = self._status()
        position = dict(self._snapshot) or {"synced_at": st.iso(self.context.sync_start), "parent": None, "page": 1}
        if self._parents is None:
            yield from self._list_parents(status)
        parents = self._parents or []
        if position["parent"] is None or position["parent"] not in parents:
            later = [p for p in parents if position["parent"] is None or int(p) > int(position["parent"])]
            if not later:
                self._snapshot = dict(FULL_REFRESH_COMPLETE)
                return
            position.update(parent=later[0], page=1)
        made = self.context.plan(self.spec.query, **self.plan_args())

        def fetch(job: sl.Job, number: Any) -> Page:  # one page of the parent's child list
            self.context.pace()
            variables = paging.variables(made.paging, where=dict(job.extra_where or {}), token=number, size=self.page_size)
            page = self.context.run(self.spec.query, variables, **self.plan_args()).data.get("result")
            if page is None:
                raise CentraError(f"Centra returned no data for stream '{self.name}' ({position['parent']}).")
            nodes, next_page, total, parent = paging.unpack(made.paging, page, token=number, window=None,
                                                            size=self.page_size, nested_field=self.spec.nested_field)
            return Page(job, number, nodes, next_page, total, parent)

        job = sl.Job("all", resume=int(position["page"]), extra_where={"id": [int(position["parent"])]})
        for page in self._pages([job], fetch, status, pages=1):
            if not isinstance(page, Page):
                yield page
                continue
            self._progress.page(f"parent {position['parent']}", position["page"], page.next_token, page.nodes)
            extras = {**self._sync_extras(), "parent": page.parent, "synced_at": position["synced_at"]}
            records = [r for node in page.nodes for r in self._records_of(node, "all", extras) if self._keeps(r, None)]
            if page.next_token is not None:
                self._snapshot = {**position, "page": page.next_token}
            else:
                after = [p for p in parents if int(p) > int(position["parent"])]
                self._snapshot = {**position, "parent": after[0], "page": 1} if after else dict(FULL_REFRESH_COMPLETE)
            yield from records

    def _list_parents(self, status: RateLimitStatus) -> Iterator[AirbyteMessage]:
        """Every parent's id (warehouses, pricelists) into ``_parents``, read once per sync, ascending;
        yields the status messages of the listing's rate-limit waits."""
        key = f"parents:{self.name}"
        document = parents_document(self.context.plan(self.spec.query, **self.plan_args()).document)

        def fetch(job: sl.Job, number: Any) -> Page:
            self.context.pace()
            variables = paging.variables("list", where=None, token=number, size=ID_PAGE_SIZE)
            rows = self.context.run(key, variables, stream=self.name, document=document).data.get("result") or []
            nodes, next_number, _total, _parent = paging.unpack("list", rows, token=number, window=None, size=ID_PAGE_SIZE)
            return Page(job, number, nodes, next_number, None)

        ids: list[str] = []
        for page in self._pages([sl.Job("all", resume=1)], fetch, status):
            if not isinstance(page, Page):
                yield page
                continue
            ids += [str(row["id"]) for row in page.nodes]
            self._progress.page("parents", page.token, page.next_token, page.nodes)
        self._parents = sorted(set(ids), key=int)

    # ---------------------------------------------------------------- records

    def _records_of(self, node: Mapping, partition: str = "all", extras: Mapping | None = None) -> list[dict]:
        extras = dict(extras or self._sync_extras())
        if self.read_spec().by_store and partition != "all":
            extras["store"] = self.context.store(partition)
        try:
            produced = list(self.spec.to_records(node, extras))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:  # a shape it cannot read
            ident = node.get("id") if isinstance(node, Mapping) else None
            raise CentraError(
                f"Centra returned a {self.name} object (id {ident}) the connector cannot read: {error}. "
                "Please report this with the connector version; other streams are not affected.") from error
        for record in produced:
            for field, kind, value in unknown_values(self.name, record):
                self.context.warn_once(
                    ("value", self.name, field, value),
                    f"Stream {self.name}: Centra sent a {kind} this connector version does not know: {value!r} (field "
                    f"{field}). Records carry it as Centra sent it; check downstream filters and mappings that list "
                    f"{kind} values.")
        return [privacy.apply(record, self.name, self.context.config.pii_handling) for record in produced]

    def _sync_extras(self) -> dict:
        """What records need beyond the node, looked up once per sync on first use (records ``extras``)."""
        if self._extras is None:
            self._extras = {"base_currency": self.context.base_currency()} if self.spec.base_currency else {}
        return self._extras

    def _estimate(self, partition: str, total: int) -> AirbyteMessage:
        self._estimates[partition] = int(total)
        rows = sum(self._estimates.values())
        if self.spec.estimate_factor_field and self._nodes:
            rows = int(rows * self._records / self._nodes)
        return AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
            type=TraceType.ESTIMATE, emitted_at=time.time() * 1000,
            estimate=AirbyteEstimateTraceMessage(name=self.name, type=EstimateType.STREAM, row_estimate=rows)))


time_page = paging.time_page  # re-exported for tests and docs
