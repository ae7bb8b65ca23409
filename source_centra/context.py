"""What all streams of one sync share: config, the client, the sync's start, the store partitions,
the instance's live schema and each stream's query plan.

Built by `SourceCentra.streams()` without any I/O; the first stream that needs the network reads
the rate limits, the visible stores and the schema (one introspection per run) once. The request
path of a stream page is: ``plan`` (once per stream per sync, plan.py) → ``run`` (or ``run_shared``)
→ ``_execute`` → one ``client.execute`` (docs/design.md, "The request path"). Fields the token may not read come back null with an authorization error whose
``path`` the plan resolves to a schema coordinate: optional ones are dropped from the plan (one
warning), required ones end the stream with a config error naming them (permissions.py says which
permission to tick). No error text is parsed.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from typing import Any, Callable, Mapping

from graphql import GraphQLSchema, build_client_schema, get_introspection_query

from source_centra.client import CentraClient, GraphQLResult
from source_centra.complexity import complexity
from source_centra.config import Config
from source_centra.documents import response_path
from source_centra.errors import (Action, CentraError, ConfigError, category, classify_graphql_errors,
                                  invisible_stores_message, raise_for)
from source_centra.offer import Offer, offer
from source_centra.permissions import permission_for, permission_label
from source_centra.plan import Plan, plan
from source_centra.queries import load
from source_centra.union import union

LOGGER = logging.getLogger("airbyte")


def stream_gap(spec: Any, schema: GraphQLSchema) -> str | None:
    """What the instance lacks that an optional stream cannot do without, even adapted (offer.py: e.g. an
    instance without Centra's purchasing module), in words; None when it can serve the stream."""
    made = offer(spec, schema)
    return made.describe_missing() if made.left_out else None


# rateLimits is read to resynchronise with what others use: at the start, then at most this often, and
# after a 429; between reads the pacer books each answer's extensions.complexity (pacing.py).
RATE_LIMIT_REFRESH_SECONDS = 60.0
# ... and while the quota is used up by others (the pacer waits in steps, pacing.RESYNC_SECONDS), at most
# this often: others' use may have fallen since.
RATE_LIMIT_RECHECK_SECONDS = 10.0
INTROSPECTION = get_introspection_query(descriptions=False)
PROBES_THAT_WARN = {"base_currency", "rate limits", "visible stores"}  # probes whose callers word their own warnings
RATE_LIMITS_MISSING = "Query.rateLimits { type intervalSeconds quota }"
# Centra's documented default quotas (connector-contract.md), for an instance that cannot report its own
DEFAULT_RATE_LIMITS = ({"type": "REQUEST_COUNT", "intervalSeconds": "TEN_SECONDS", "quota": 60},
                       {"type": "QUERY_COMPLEXITY", "intervalSeconds": "TEN_SECONDS", "quota": 250_000})


@cache
def load_probe(name: str) -> str:
    """A check/pacing document from queries/probes/ (not a stream query)."""
    return files("source_centra.queries").joinpath("probes", f"{name}.graphql").read_text(encoding="utf-8")


def read_live_schema(client: CentraClient) -> GraphQLSchema:
    """The instance's schema from one introspection request; a clear error when it cannot be read."""
    result = client.execute(INTROSPECTION)
    try:
        return build_client_schema(result.data)
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise ConfigError(
            f"Centra's API schema (introspection) could not be read ({type(error).__name__}). The connector needs "
            "it to adapt its queries to this instance; ask Centra support whether introspection is enabled for "
            "Integration API tokens.") from None


class SyncContext:
    def __init__(self, config: Config, client: CentraClient | None = None, now: datetime | None = None):
        self.config = config
        self.client = client or CentraClient(config)
        self._sync_start = now
        self._stores: list[dict] | None = None
        self._stores_listed = False  # the token could list its stores (Store:read)
        self._store_error: ConfigError | None = None
        self._lock = threading.Lock()
        self._limits_read_at: float | None = None
        self._limits_known = threading.Event()  # set once the first rateLimits answer configured the pacer
        self._throttled_seen = 0  # client.stats.throttled at the last rateLimits read: a 429 since → read again
        self.limit_reads = 0
        pacer = getattr(self.client, "pacer", None)  # (tests pass stand-in clients)
        if pacer is not None:
            pacer.max_wait = float(config.max_rate_limit_wait_seconds)
            pacer.resync = self._resync
            pacer.exempt.add(hash(load_probe("rate_limits")))  # the reading itself must get through
        self._base_currency: tuple[str | None] | None = None  # (code,) once read
        self._warned: set[tuple] = set()
        self._schema: GraphQLSchema | None = None
        self._schema_lock = threading.Lock()  # held while introspecting: parallel workers wait for the one answer
        self._plans: dict[str, Plan] = {}
        self._estimated: set[int] = set()  # documents whose static complexity the pacer was given
        self._unions: dict[tuple[str, ...], Plan] = {}  # shared passes: member documents → their union
        self._id_filters: dict[str, str | None] = {}  # document → its id filter's type (sparse.py)
        self._offers: dict[str, Offer] = {}
        self._excluded: dict[str, dict[str, str]] = {}  # plan key → {document path: permission}

    @property
    def sync_start(self) -> datetime:
        """Windows close here: the sync's start, to the second (Centra timestamps have seconds)."""
        with self._lock:
            if self._sync_start is None:
                self._sync_start = datetime.now(timezone.utc).replace(microsecond=0)
            return self._sync_start

    def pace(self) -> None:
        """Read Centra's live quotas (`rateLimits`) to resynchronise the pacer: before the first page,
        then at most once a minute, and after a 429. Between readings the pacer accounts from each
        answer's reported complexity (and re-reads while others use the quota up, ``_resync``)."""
        now = time.monotonic()
        with self._lock:
            throttled = self.client.stats.throttled
            due = (self._limits_read_at is None or now - self._limits_read_at >= RATE_LIMIT_REFRESH_SECONDS
                   or throttled > self._throttled_seen)
            if due:
                self._limits_read_at, self._throttled_seen = now, throttled
        if not due:
            # concurrent workers wait for the first budget instead of bursting before it is known
            self._limits_known.wait(timeout=60)
            return
        self._read_limits()

    def _resync(self) -> None:
        """A fresh reading for a pacer waiting on a used-up quota, unless one is under 10 s old."""
        now = time.monotonic()
        with self._lock:
            if self._limits_read_at is not None and now - self._limits_read_at < RATE_LIMIT_RECHECK_SECONDS:
                return
            self._limits_read_at = now
        self._read_limits()

    def _read_limits(self) -> None:
        try:
            try:
                made = self.plan("probe:rate_limits", stream="rate limits", document=load_probe("rate_limits"))
                if made.empty:
                    raise ConfigError(RATE_LIMITS_MISSING)
            except ConfigError:
                self.warn_once(("schema", "rate limits"), f"This Centra instance cannot report its rate limits "
                               f"({RATE_LIMITS_MISSING}): the connector paces itself by Centra's default quotas "
                               "(60 requests and 250,000 complexity per 10 seconds).")
                self.client.pacer.configure(DEFAULT_RATE_LIMITS)
                return
            result = self.client.execute(made.document)
            with self._lock:
                self.limit_reads += 1
            self.client.pacer.configure(result.data.get("rateLimits") or [])
        finally:
            self._limits_known.set()

    def stores(self) -> list[dict]:
        """Stores the token can see ({id, name, type}); [] when the token may not list stores."""
        with self._lock:
            if self._stores is not None:
                return self._stores
        try:
            made = self.plan("probe:stores", stream="visible stores", document=load_probe("stores"))
        except ConfigError:  # the instance cannot list stores by id (Query.stores, Store.id)
            self.warn_once(("schema", "visible stores"), "This Centra instance's API cannot list stores by id "
                           "(Query.stores, Store.id); reading all stores as one partition.")
            made = None
        result = self.client.execute(made.document, raise_errors=False) if made is not None else None
        stores = result.data.get("stores") if result is not None else []
        if result is not None and result.errors and not any(category(error) == "authorization" for error in result.errors):
            # a transient or other failure is not "no permission": retry / classify it like any request
            stores = self.client.execute(made.document).data.get("stores")
        listed = stores is not None
        if stores is None:
            LOGGER.warning("The token cannot list stores (Store details, Store:read); reading all stores as one partition.")
            stores = []
        with self._lock:
            self._stores = [dict(s) for s in stores if isinstance(s, Mapping) and s.get("id") is not None]
            self._stores_listed = listed
            return self._stores

    @property
    def sync_failure(self) -> CentraError | None:
        """A failure of the whole sync rather than of one stream: Centra unreachable or the rate-limit budget
        spent (client.stopped), or configured stores the token cannot see."""
        return self.client.stopped or self._store_error

    def check_store_ids(self) -> None:
        """Configured store ids the token cannot see fail the sync with a config error naming them, before
        anything is read: read, they would give 0 rows and move their cursors past data never read."""
        if not self.config.store_ids:
            return
        if self._store_error is not None:
            raise self._store_error
        stores = self.stores()
        if not self._stores_listed:
            self.warn_once(("stores", "unverified"), "The token cannot list stores (Store:read), so the configured Store IDs "
                           "cannot be checked; a store id the token cannot see would sync no rows.")
            return
        visible = {}
        for store in stores:
            try:
                visible[int(store["id"])] = store
            except (TypeError, ValueError):
                continue
        unknown = [i for i in self.config.store_ids if i not in visible]
        if unknown:
            self._store_error = ConfigError(invisible_stores_message(unknown, visible))
            raise self._store_error

    def store(self, partition: str) -> dict:
        """``{id, name, type}`` of a store partition (only ``id`` when the token cannot list stores)."""
        found = next((s for s in self.stores() if str(s.get("id")) == str(partition)), None)
        return {"id": int(partition), "name": None, "type": None, **(found or {})}

    def store_partitions(self) -> list[str]:
        if self.config.store_ids:
            return [str(i) for i in self.config.store_ids]
        stores = self.stores()
        return [str(s["id"]) for s in sorted(stores, key=lambda s: s["id"])] or ["all"]

    def keeps_store(self, store_id) -> bool:
        return not self.config.store_ids or (store_id is not None and int(store_id) in self.config.store_ids)

    # ---------------------------------------------------------------- live schema and plans

    def live_schema(self) -> GraphQLSchema:
        """The instance's schema: one introspection per run, shared by every stream."""
        with self._schema_lock:
            with self._lock:
                if self._schema is not None:
                    return self._schema
            schema = read_live_schema(self.client)
            with self._lock:
                self._schema = schema
                return schema

    def offer(self, spec) -> Offer:
        """How this instance lets ``spec`` be read (offer.py): once per stream per sync. An adapted
        stream says so in one warning."""
        with self._lock:
            cached = self._offers.get(spec.name)
        if cached is not None:
            return cached
        made = offer(spec, self.live_schema())
        if made.adapted:
            lacks = "; ".join(item.describe(spec.name) for item in made.missing)
            self.warn_once(("adapted", spec.name), f"Stream {spec.name} is read {' and '.join(made.adaptations)}: this "
                           f"Centra instance's API lacks {lacks}.")
        with self._lock:
            self._offers[spec.name] = made
        return made

    def plan_args(self, spec: Any) -> dict:
        """What ``plan`` needs for stream ``spec`` as this instance lets it be read (its offer)."""
        return {"stream": spec.name, **self.offer(spec).plan_args()}

    def unavailable(self, spec: Any) -> bool:
        """True (after one log line) when this instance's API cannot serve the optional stream at all,
        not even adapted: a sync leaves it out (an older catalog may still name it)."""
        made = self.offer(spec)
        if made.left_out:
            self.warn_once(("left out", spec.name), f"Stream {spec.name} is left out: this Centra instance's API lacks "
                           f"{made.describe_missing()}.")
        return made.left_out

    def plan(self, key: str, *, stream: str | None = None, document: str | None = None,
             where_fields: tuple[str, ...] = (), time_field: str | None = None, relaxed: tuple[str, ...] = ()) -> Plan:
        """The plan of query ``key`` (a stream's document, or a probe given as ``document``), made once
        per sync (and again only when the token turns out not to read a field). Warns once per dropped
        element; raises ConfigError when the instance or the token lacks a required one."""
        with self._lock:
            cached = self._plans.get(key)
            excluded = dict(self._excluded.get(key, {}))
        if cached is not None:
            return cached
        offered = self._offers.get(key) if document is None and not excluded else None
        if offered is not None and offered.plan_args() == {"where_fields": tuple(where_fields), "time_field": time_field,
                                                            "relaxed": tuple(relaxed)}:
            made = offered.plan  # the same plan the offer made (no exclusions yet)
        else:
            made = plan(stream or key, document or load(key), self.live_schema(), exclude=excluded.keys(),
                        where_fields=where_fields, time_field=time_field, excluded_because=excluded, relaxed=relaxed)
        self._report(made)
        with self._lock:
            self._plans[key] = made
        return made

    def _report(self, made: Plan) -> None:
        for item in made.warnings:
            if made.stream in PROBES_THAT_WARN:
                continue  # the probe's caller says what is missing in its own words
            if item.kind == "permission":
                self.warn_once(("permission", made.stream, item.detail),
                                f"Optional permission missing for stream {made.stream}: {item.describe(made.stream)}. Add it to "
                                "the token under System → API tokens in the Centra admin to fill them; until then they are "
                                "null and the sync continues.")
            else:
                self.warn_once(("schema", made.stream, item.coordinate),
                                f"Stream {made.stream}: this Centra instance's API lacks {item.describe(made.stream)}. The "
                                "sync continues; see Troubleshooting in the connector docs if you need these values.")
        missing = made.missing_required
        if missing:
            raise ConfigError(
                f"Stream {made.stream} cannot be read from this Centra instance: its API lacks "
                + "; ".join(item.describe(made.stream) for item in missing)
                + ". Ask Centra support whether your instance runs an older Integration API version (other streams "
                "are not affected).")

    def warn_once(self, key: tuple, message: str) -> None:
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        LOGGER.warning(message)

    def run(self, key: str, variables: Mapping[str, Any] | None = None, shape: Callable[[Plan], Plan] | None = None,
            **plan_args: Any) -> GraphQLResult:
        """One request of query ``key`` through its plan (``_execute`` says how errors are looked at):
        an optional selection the token may not read is dropped from the plan for the rest of the sync
        and is null on this page; a required one raises ConfigError naming the permission."""
        return self._execute(f"{key} query", lambda: self.plan(key, **plan_args),
                             lambda made, denied: self._exclude(key, made, denied), variables, shape)

    def node_paths(self, stream: str) -> set[str]:
        """The node fields (top level, by response key) stream ``stream``'s current plan selects."""
        from source_centra.streams import STREAMS_BY_NAME

        spec = STREAMS_BY_NAME.get(stream)
        if spec is None:
            return set()
        made = self.plan(spec.query, **self.plan_args(spec))
        prefix = made.prefix + "."
        relative = [".".join(p for p in path[len(prefix):].split(".") if not p.startswith("on:"))
                    for path, _coordinate, _required in made.selections if path.startswith(prefix)]
        return {path for path in relative if path and "." not in path}

    def id_filter(self, document: str) -> str | None:
        """The type of the document's ``$where`` ``id`` filter on this instance (sparse.py), if any."""
        from source_centra.sparse import id_type

        with self._lock:
            if document in self._id_filters:
                return self._id_filters[document]
        found = id_type(self.live_schema(), document)
        with self._lock:
            self._id_filters[document] = found
        return found

    def shared_plan(self, members: list[tuple[str, dict]]) -> Plan:
        """The union (union.py) of the plans of several streams read in one shared pass, made once per
        combination of their plans (a plan changes when the token turns out not to read a field)."""
        plans = [self.plan(key, **plan_args) for key, plan_args in members]
        documents = tuple(made.document for made in plans)
        with self._lock:
            cached = self._unions.get(documents)
        if cached is None:
            cached = union(plans)
            with self._lock:
                self._unions[documents] = cached
        return cached

    def run_shared(self, members: list[tuple[str, dict]], variables: Mapping[str, Any],
                   shape: Callable[[Plan], Plan] | None = None) -> tuple[GraphQLResult | None, dict[str, BaseException]]:
        """One request of several streams' union plan (a shared pass): like ``run`` for one stream.

        A field the token may not read is resolved through each member's own plan: dropped from the
        plans where it is optional, and a member that needs it fails with its own ConfigError
        (returned per query key) while the others go on with a narrower union. The result is None
        when every member failed."""
        failed: dict[str, BaseException] = {}

        def alive() -> list[tuple[str, dict]]:
            return [(key, args) for key, args in members if key not in failed]

        def joined() -> Plan | None:
            return self.shared_plan(alive()) if alive() else None

        def exclude(_joined: Plan, denied: list[dict]) -> None:
            plans = {key: self.plan(key, **args) for key, args in alive()}

            def placed(error: dict) -> list[str]:
                return [key for key, own in plans.items() if own.selection_at(response_path(error.get("path")))]

            for key, own in plans.items():
                # a denial no member's plan can place is every member's problem (``_exclude`` says so)
                mine = [error for error in denied if key in placed(error) or not placed(error)]
                if mine:
                    try:
                        self._exclude(key, own, mine)
                    except ConfigError as error:
                        failed[key] = error

        what = f"shared query of {', '.join(key for key, _ in members)}"
        return self._execute(what, joined, exclude, variables, shape), failed

    def _execute(self, what: str, planned: Callable[[], Plan | None], exclude: Callable[[Plan, list[dict]], None],
                 variables: Mapping[str, Any] | None, shape: Callable[[Plan], Plan] | None) -> GraphQLResult | None:
        """One request of the plan ``planned()`` makes as it stands (None: nothing is left to ask), in the
        shape ``shape`` gives it (sparse.py: lists asked for presence), answered in the plan's shape.

        The one place that decides what an error does: the answer is first looked at leniently.
        Authorization errors go to ``exclude`` (which drops optional selections from the plans, or raises
        ConfigError naming the permission for a required one), and the request is asked again: a denied
        non-null field nulls its parents too (Centra's attributes are [Attribute!]!), so the answer may have
        lost more than the denied field. Other errors go through the error table: failing ones raise,
        transient ones re-run the request through the client's own retry loop (looked at leniently again if
        that retry meets a denial, at most six looks)."""
        shape = shape or (lambda made: made)
        for looks in range(6):
            made = planned()
            if made is None:
                return None
            sent = shape(made).document
            self.estimate(sent, variables)
            result = self.client.execute(sent, variables, raise_errors=False)
            if not result.errors:
                return _restored(result, made)
            denied = [error for error in result.errors if category(error) == "authorization"]
            others = [error for error in result.errors if category(error) != "authorization"]
            resolution = classify_graphql_errors(others) if others else None
            if resolution is not None and resolution.action is Action.FAIL:
                raise_for(resolution)
            if denied:
                exclude(made, denied)
                if not others:
                    continue
            try:
                made = planned()
                if made is None:
                    return None
                return _restored(self.client.execute(shape(made).document, variables), made)
            except ConfigError:
                if looks == 5:
                    raise
        raise CentraError(f"Centra kept refusing parts of the {what}.")

    def estimate(self, document: str, variables: Mapping[str, Any] | None = None) -> None:
        """Give the pacer a document's static complexity (complexity.py) before Centra first answers it,
        so the first requests of a sync are booked near their cost rather than at a blind guess."""
        key = hash(document)
        with self._lock:
            if key in self._estimated:
                return
            self._estimated.add(key)
        try:
            self.client.pacer.estimate(key, complexity(document, self.live_schema(), variables))
        except Exception:  # an estimate only: the pacer keeps its default guess
            LOGGER.debug("no complexity estimate for a document", exc_info=True)

    def _exclude(self, key: str, made: Plan, denied: list[dict]) -> None:
        schema = self.live_schema()
        excluded: dict[str, str] = {}
        for error in denied:
            selection = made.selection_at(response_path(error.get("path")))
            permission = permission_for(selection[1], schema) if selection else None
            label = permission_label(permission) if permission else "a permission"
            if selection is None or selection[2]:
                where = selection[1] if selection else "part of the query"
                fields = made.fields_fed(selection[0]) if selection else ()
                needs = f" for the fields {', '.join(fields)}" if fields and "*" not in fields else ""
                raise ConfigError(
                    f"The Centra API token may not read {where}, which stream {made.stream} needs{needs}: tick {label} "
                    f"for the token under System → API tokens in the Centra admin, then run the sync again. Centra said: "
                    f"{str(error.get('message', ''))[:200]}")
            excluded[selection[0]] = label
        with self._lock:
            self._excluded.setdefault(key, {}).update(excluded)
            self._plans.pop(key, None)

    def base_currency(self) -> str | None:
        """The instance's base currency code (``currencies(where: {isBase: true})``), read once per sync.

        Needs Currency:read, which is optional: without it this is None and one warning says so.
        """
        with self._lock:
            if self._base_currency is not None:
                return self._base_currency[0]
        code = None
        try:
            made = self.plan("probe:base_currency", stream="base_currency", document=load_probe("base_currency"))
            if made.empty:
                raise ConfigError("Query.currencies")
            result = self.client.execute(made.document, raise_errors=False)
        except ConfigError:  # this instance cannot list currencies as the probe asks
            result = None
        if result is not None and any(category(e) == "authorization" for e in result.errors):
            self.warn_once(("permission", "base_currency"),
                            "Optional permission missing: add Currency details (Currency:read) to the token to fill "
                            "base_currency on order_items, return_items, orders, returns and payment_history (System → API "
                            "tokens in the Centra admin). Until then those fields are null; the sync continues.")
        elif result is not None and result.errors:
            result = self.client.execute(made.document)  # transient or failing: the error table decides
        if result is not None and not any(category(e) == "authorization" for e in result.errors):
            currencies = result.data.get("currencies") or []
            code = currencies[0].get("code") if currencies else None
            if code is None:
                self.warn_once(("schema", "base_currency"),
                                "Centra names no base currency (currencies with isBase: true); base_currency stays null.")
        elif result is None:
            self.warn_once(("schema", "base_currency"),
                            "This Centra instance cannot list currencies by isBase; base_currency stays null.")
        with self._lock:
            self._base_currency = (code,)
            return code


def _restored(result: GraphQLResult, made: Plan) -> GraphQLResult:
    """The answer in the document's shape (fields aliased per type condition renamed back)."""
    if made.renames or made.nulls or made.singles:
        result.data = made.restore(result.data)
    return result
