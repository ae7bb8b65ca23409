"""One pass per parent: streams that page the same parent, selected together, read each page once.

``orders`` and ``order_items`` page ``orderConnection`` with the same variables; ``returns`` and
``return_items`` page ``returns``. Read one after another, as Airbyte's CDK reads streams, every page
is fetched twice. Read here, each page is fetched once with the union of their planned selections
(union.py) and handed to every stream that asked for it; each stream makes its records and its state
from it exactly as it would have from its own page.

How it fits the CDK's one-stream-after-another model (``SourceCentra._read_stream``): when the CDK
reaches the first stream of a group (the leader), the shared pass runs every member's *own* CDK
pipeline (``AbstractSource._read_stream``: its slices from its own state, its checkpoints every
``state_checkpoint_interval`` records, its STATE messages) side by side, one generator each, in one
thread. A member's ``read_records`` does not fetch: ``hand_over`` registers the jobs of its slice
(partition, window, resume point) and yields ``PAUSE`` until pages arrive. When every member waits,
the pass reads the jobs they asked for, each distinct job once (``reader.read_pages``, one worker per
store), and gives every page to the members that asked for that job, resuming each until it waits
again. Only equal jobs are shared: a member whose window or resume point differs (another cursor, a
reset, a crash between two members' checkpoints) gets its own pages, still in the same pass, so every
stream's records and states are exactly those of reading it alone. Followers' STARTED and COMPLETE
statuses are sent by the pass, the CDK's later ones for them dropped (``SourceCentra.read``); a
follower that failed raises its error when the CDK reaches it, so the CDK reports it as usual.

Memory: one page per job in flight (the reader's queue), handed over and emitted before the next.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from airbyte_cdk.models import AirbyteLogMessage, AirbyteMessage, Level, Type

from source_centra.documents import root_field  # the unplanned root names a stream's parent
from source_centra.queries import load
from source_centra.rate_limit_status import RateLimitStatus
from source_centra.reader import Page, read_partitions
from source_centra.slices import Job

if TYPE_CHECKING:
    from source_centra.stream import CentraStream
    from source_centra.streams import StreamSpec

# What a member's read_records yields while it waits for pages; never leaves the shared pass.
PAUSE = AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=Level.DEBUG, message="centra: shared pass"))
_END = object()  # a member's jobs are all read
MEMO_SIZE = 8  # probe answers kept for the other members (the ids of updated orders)


def parent_of(spec: "StreamSpec", page_size: int | None = None) -> tuple | None:
    """What a stream pages, as far as its query file says (the root field, the paging, the filter and
    partitions, the page size); None for a stream that is never shared (snapshots). Streams with equal
    parents are read in one shared pass when selected together."""
    if spec.snapshot or spec.paging == "nested":
        return None
    from graphql import OperationDefinitionNode, parse

    operation = next(d for d in parse(load(spec.query)).definitions if isinstance(d, OperationDefinitionNode))
    return (root_field(operation).name.value, spec.paging, spec.filter_field, spec.by_store, spec.stores_from_records,
            page_size)


def groups(streams: list["CentraStream"]) -> list[list["CentraStream"]]:
    """The selected streams that page the same parent, two or more each, in catalog order."""
    by_parent: dict[tuple, list] = {}
    for stream in streams:
        parent = parent_of(stream.read_spec(), stream.page_size)
        if parent is not None:
            by_parent.setdefault(parent, []).append(stream)
    return [members for members in by_parent.values() if len(members) > 1]


@dataclass
class _Ticket:
    """A member's demand: the jobs of its current slice, and what has arrived for it."""
    jobs: list[Job]
    inbox: deque = field(default_factory=deque)


@dataclass(eq=False)
class _Served:
    """One distinct job read in a round, for the members in ``sharers``."""
    job: Job
    signature: tuple
    sharers: list = field(default_factory=list)
    refused: dict = field(default_factory=dict)  # member name → its error, for members the token fails

    @property
    def partition(self) -> str:
        return self.job.partition

    @property
    def window_key(self) -> tuple:
        """Jobs that page the same set (their resume points may differ): they can converge."""
        job = self.job
        return (self.signature, job.partition, job.window, _text(job.extra_where), job.only_stores)


@dataclass(frozen=True)
class _Delivery:
    """One fetched page (or the failure to fetch it) and the served jobs it belongs to: its own and
    those that converged into it (``receivers``)."""
    page: Page | None
    receivers: tuple
    token: Any = None  # what the page was asked with
    errors: dict | None = None  # member name → error (None: for every member)

    @property
    def done(self) -> bool:
        return self.page is None or self.page.next_token is None


class SharedPass:
    def __init__(self, members: list["CentraStream"]):
        self.members = members
        self.leader = members[0]
        self.context = self.leader.context
        self.failures: dict[str, BaseException] = {}
        self.completed: set[str] = set()
        self.requests = 0  # pages fetched for more than one member (the benchmark's "shared pages")
        self._tickets: dict[str, _Ticket] = {}
        self._memo: OrderedDict = OrderedDict()
        self._memo_lock = threading.Lock()
        self._producing: dict[str, threading.Lock] = {}  # memo keys being produced → held while they are
        self._asked: dict[str, set] = {}  # member → jobs it asked for so far (as text)

    # ---------------------------------------------------------------- the member's side

    def hand_over(self, member: "CentraStream", jobs: list[Job]) -> Iterator[Any]:
        """``member._read(jobs)`` in a shared pass: ask for the jobs, emit what arrives."""
        if not jobs:
            return
        ticket = _Ticket(list(jobs))
        self._tickets[member.name] = ticket
        self._asked.setdefault(member.name, set()).update(_text(job) for job in jobs)
        try:
            while True:
                if not ticket.inbox:
                    yield PAUSE
                    continue
                item = ticket.inbox.popleft()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield from member._emit(item)
        finally:
            if self._tickets.get(member.name) is ticket:
                del self._tickets[member.name]

    def memo(self, key: Any, produce: Callable[[], Any]) -> Any:
        """``produce()``, once for the members that ask for the same ``key`` one after another. Called from
        the members' reader workers (a member's id pages are fetched ahead while another reads the same):
        a second asker of a key being produced waits for that answer instead of asking again."""
        text = json.dumps(key, sort_keys=True, default=str)
        with self._memo_lock:
            if text in self._memo:
                return self._memo[text]
            producing = self._producing.setdefault(text, threading.Lock())
        with producing:
            with self._memo_lock:
                if text in self._memo:
                    return self._memo[text]
            try:
                value = produce()
            except BaseException:
                with self._memo_lock:
                    self._producing.pop(text, None)
                raise
            with self._memo_lock:
                self._memo[text] = value
                self._producing.pop(text, None)
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
            return value

    # ---------------------------------------------------------------- the driver

    def run(self, pipeline: Callable[["CentraStream"], Iterator[AirbyteMessage]],
            started: Callable[["CentraStream"], AirbyteMessage],
            complete: Callable[["CentraStream"], AirbyteMessage]) -> Iterator[AirbyteMessage]:
        """Every member's messages, their pages fetched once; raises the leader's error, if any, last."""
        generators = {member.name: pipeline(member) for member in self.members}
        active = list(self.members)
        for member in self.members:
            member.shared = self
        try:
            for member in self.members[1:]:
                yield started(member)
            while active:
                for member in list(active):
                    yield from self._advance(member, generators, active, complete)
                waiting = [member for member in active if member.name in self._tickets]
                if waiting:
                    yield from self._serve(waiting, generators, active, complete)
        except Exception as error:  # the pass itself failed: every member still reading failed with it
            for member in active:
                self.failures.setdefault(member.name, error)
            raise
        finally:
            for member in self.members:
                member.shared = None
            for generator in generators.values():
                generator.close()
        if self.leader.name in self.failures:
            raise self.failures[self.leader.name]

    def finish(self, member: "CentraStream") -> None:
        """A follower's own turn in the CDK's loop: its messages went out with the leader's pass."""
        if member.name in self.failures:
            raise self.failures[member.name]

    def _advance(self, member, generators, active, complete) -> Iterator[AirbyteMessage]:
        """Resume a member until it waits for pages (PAUSE), ends, or fails."""
        generator = generators[member.name]
        while True:
            try:
                message = next(generator)
            except StopIteration:
                active.remove(member)
                self.completed.add(member.name)
                if member is not self.leader:
                    yield complete(member)
                return
            except Exception as error:  # the CDK reports it at the member's turn (finish) or the leader's end
                active.remove(member)
                self.failures[member.name] = error
                return
            if message is PAUSE:
                return
            yield message

    def _serve(self, waiting, generators, active, complete) -> Iterator[AirbyteMessage]:
        """Read the jobs the waiting members asked for, each distinct job once, handing pages over."""
        order: list[_Served] = []
        owed: dict[str, int] = {}
        for member in _in_step(waiting, self._tickets, self._asked):
            ticket = self._tickets[member.name]
            try:
                signature = self._signature(member)
            except Exception as error:  # e.g. the instance lacks a required element: as the member alone would fail
                ticket.inbox.append(error)
                continue
            placed = _place(order, ticket.jobs, signature)
            if placed is None:  # its jobs' order conflicts with the others': it is served in the next round
                continue
            for entry in placed:
                entry.sharers.append(member)
            owed[member.name] = len(placed)
        if not order:
            return
        names = [m.name for entry in order for m in entry.sharers]
        status = RateLimitStatus(list(dict.fromkeys(names)), self.context.client.waits)
        for item in read_partitions(order, self._work, self.context.config.concurrency, "shared", idle=status.messages):
            if not isinstance(item, _Delivery):
                yield item  # a rate-limit status message
                continue
            if item.page is not None:
                yield from status.messages(page_arrived=True)
            receivers = [(entry, member) for entry in item.receivers for member in entry.sharers if member in active]
            # child lists completed once for every member (child_pages.py; no shared root has them today)
            nodes = list(item.page.handed_on()) if item.page is not None and receivers else []
            for entry, member in receivers:
                inbox = self._tickets[member.name].inbox
                if member.name in entry.refused:
                    inbox.append(entry.refused[member.name])
                elif item.page is None:
                    inbox.append((item.errors or {}).get(member.name) or (item.errors or {})[None])
                else:
                    page = item.page
                    inbox.append(Page(entry.job, item.token, nodes, page.next_token, page.total, page.parent))
                    if item.done:
                        owed[member.name] -= 1
                        if owed[member.name] == 0:
                            inbox.append(_END)
            if item.page is not None and len({member.name for _, member in receivers}) > 1:
                self.requests += 1
            for member in dict.fromkeys(member for _, member in receivers):
                yield from self._advance(member, generators, active, complete)

    def _signature(self, member: "CentraStream") -> tuple:
        made = self.context.plan(member.spec.query, **member.plan_args())
        read = member.read_spec()
        return (made.root, made.paging, made.prefix, read.filter_field, read.by_store, member.page_size)

    def _work(self, entries: list[_Served], put: Callable[[Any], None], stopped: Callable[[], bool]) -> None:
        """One partition's served jobs, in order. Jobs over the same window with different resume points
        (members whose last checkpoints fell on different pages, e.g. after a crash) converge: they
        are read in turn, the one found behind first, until one's next page is where another stands;
        from there that page and the rest are fetched once for both."""
        pending = list(entries)
        while pending and not stopped():
            cohort = [pending[0]]
            for entry in pending[1:]:  # adjacent jobs over the same window
                if entry.window_key != cohort[0].window_key:
                    break
                cohort.append(entry)
            del pending[:len(cohort)]
            tokens = {id(entry): entry.job.resume for entry in cohort}
            visited: dict[int, set] = {id(entry): set() for entry in cohort}
            followers: dict[int, list] = {id(entry): [entry] for entry in cohort}  # who receives its pages
            live = list(cohort)
            while live and not stopped():
                behind = [e for e in live if any(_text(tokens[id(e)]) in visited[id(o)] for o in live if o is not e)]
                entry = behind[0] if behind else min(live, key=lambda e: len(visited[id(e)]))
                token = tokens[id(entry)]
                visited[id(entry)].add(_text(token))
                receivers = tuple(followers[id(entry)])
                delivery = self._fetch(entry, token, receivers)
                put(delivery)
                if delivery.done:
                    live.remove(entry)
                    continue
                tokens[id(entry)] = delivery.page.next_token
                for other in [o for o in live if o is not entry and _text(tokens[id(o)]) == _text(tokens[id(entry)])]:
                    followers[id(entry)] += followers.pop(id(other))  # from here on, one read for both
                    live.remove(other)

    def _fetch(self, entry: _Served, token: Any, receivers: tuple) -> _Delivery:
        """One page of a served job for the live members of ``receivers``, with the union of their plans."""
        alive = list(dict.fromkeys(member for receiver in receivers for member in receiver.sharers
                                   if member.name not in self.failures and member.name not in receiver.refused))
        if not alive:
            return _Delivery(Page(entry.job, token, [], None, None), receivers, token)
        keys = list({member.spec.query: (member.spec.query, member.plan_args()) for member in alive}.values())
        by_key = {member.spec.query: member.name for member in alive}
        refused: dict[str, BaseException] = {}

        def run(variables: dict, shape):
            result, failed = self.context.run_shared(keys, variables, shape)
            refused.update({by_key[key]: error for key, error in failed.items()})
            if result is None:
                raise _AllRefused()
            return result

        try:
            self.context.pace()
            made = self.context.shared_plan(keys)
            page = alive[0].page_of(entry.job, token, made, run, [member.name for member in alive])
        except _AllRefused:
            return _Delivery(None, receivers, token, refused)
        except Exception as error:
            return _Delivery(None, receivers, token, {**refused, None: error})
        for receiver in receivers:  # members that need what the token may not read fail; the others go on
            receiver.refused.update({name: error for name, error in refused.items()
                                     if any(m.name == name for m in receiver.sharers)})
        return _Delivery(page, receivers, page.token)


class _AllRefused(Exception):
    """Every member of a shared request failed (each with its own error)."""


def _text(value: Any) -> str:
    """A token, filter or window as comparable text (tokens of time paging are dicts)."""
    return json.dumps(value, sort_keys=True, default=str)


def _in_step(waiting: list, tickets: dict, asked: dict) -> list:
    """The waiting members to serve this round. A member whose jobs nobody else asks for now, but which
    another member will ask for in a later slice, waits for it (members whose slices are out of step,
    e.g. one finished a store's window before a crash and the other did not, line up again); when every
    member would wait, all are served."""
    def jobs_of(item) -> list:
        return [item] if isinstance(item, Job) else list(getattr(item, "jobs", ()) or ())

    now = {m.name: {_text(job) for job in tickets[m.name].jobs} for m in waiting}
    later = {m.name: {_text(job) for item in m.planned_slices for job in jobs_of(item)} - asked.get(m.name, set())
             for m in waiting}
    held = [m for m in waiting
            if not any(now[m.name] & now[o.name] for o in waiting if o is not m)
            and any(now[m.name] & later[o.name] for o in waiting if o is not m)]
    served = [m for m in waiting if m not in held]
    return served or waiting


def _place(order: list[_Served], jobs: list[Job], signature: tuple) -> list[_Served] | None:
    """Where a member's jobs go in the round's reading order, shared with equal jobs already there, so
    that each member's jobs keep their order (per partition, pages are read in list order); None when
    that is impossible (another member reads the same jobs in another order): it waits a round."""
    tentative = list(order)
    placed: list[_Served] = []
    cursor = -1
    for job in jobs:
        at = next((i for i, entry in enumerate(tentative)
                   if entry.signature == signature and entry.job == job and entry not in placed), None)
        if at is None:
            cursor += 1
            tentative.insert(cursor, _Served(job, signature))
            at = cursor
        elif at <= cursor:
            return None
        cursor = at
        placed.append(tentative[at])
    order[:] = tentative
    return placed
