"""What all streams of one sync share: config, the client, the sync's start, the store partitions.

Built by `SourceCentra.streams()` without any I/O; the first stream that needs the network
reads the rate limits and the visible stores once, and (for money streams) the base currency.
Optional permissions (streams.py) are tolerated here: one warning per permission per sync.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from source_centra.client import CentraClient, GraphQLResult
from source_centra.config import Config
from source_centra.errors import missing_permissions
from source_centra.errors import Action, ConfigError, authorization_denial, classify_graphql_errors, permission_label, raise_for
from source_centra.queries.prune import prune
from source_centra.streams import OPTIONAL_PERMISSIONS
from functools import cache
from importlib.resources import files
from typing import Any, Mapping

LOGGER = logging.getLogger("airbyte")
RATE_LIMIT_REFRESH_SECONDS = 10.0


@cache
def load_probe(name: str) -> str:
    """A check/pacing document from queries/probes/ (not a stream query)."""
    return files("source_centra.queries").joinpath("probes", f"{name}.graphql").read_text(encoding="utf-8")


class SyncContext:
    def __init__(self, config: Config, client: CentraClient | None = None, now: datetime | None = None):
        self.config = config
        self.client = client or CentraClient(config)
        self._sync_start = now
        self._stores: list[dict] | None = None
        self._lock = threading.Lock()
        self._limits_read_at: float | None = None
        self._limits_known = threading.Event()  # set once the first rateLimits answer configured the pacer
        self._base_currency: tuple[str | None] | None = None  # (code,) once read
        self._warned_permissions: set[str] = set()

    @property
    def sync_start(self) -> datetime:
        """Windows close here: the sync's start, to the second (Centra timestamps have seconds)."""
        with self._lock:
            if self._sync_start is None:
                self._sync_start = datetime.now(timezone.utc).replace(microsecond=0)
            return self._sync_start

    def pace(self) -> None:
        """Read Centra's live quotas at the start and every 10 s while busy; shrinks our budget if others use more."""
        now = time.monotonic()
        with self._lock:
            due = self._limits_read_at is None or now - self._limits_read_at >= RATE_LIMIT_REFRESH_SECONDS
            if due:
                self._limits_read_at = now
        if not due:
            # concurrent workers wait for the first budget instead of bursting before it is known
            self._limits_known.wait(timeout=60)
            return
        try:
            result = self.client.execute(load_probe("rate_limits"))
            self.client.pacer.configure(result.data.get("rateLimits") or [])
        finally:
            self._limits_known.set()

    def stores(self) -> list[dict]:
        """Stores the token can see ({id, name, type}); [] when the token may not list stores."""
        with self._lock:
            if self._stores is not None:
                return self._stores
        result = self.client.execute(load_probe("stores"), raise_errors=False)
        stores = result.data.get("stores")
        if result.errors and "Store:read" not in missing_permissions(result.errors):
            # a transient or other failure is not "no permission": retry / classify it like any request
            stores = self.client.execute(load_probe("stores")).data.get("stores")
        if stores is None:
            LOGGER.warning("The token cannot list stores (Store details, Store:read); reading all stores as one partition.")
            stores = []
        with self._lock:
            self._stores = [dict(s) for s in stores]
            return self._stores

    def store_partitions(self) -> list[str]:
        if self.config.store_ids:
            return [str(i) for i in self.config.store_ids]
        stores = self.stores()
        return [str(s["id"]) for s in sorted(stores, key=lambda s: s["id"])] or ["all"]

    def keeps_store(self, store_id) -> bool:
        return not self.config.store_ids or (store_id is not None and int(store_id) in self.config.store_ids)

    # ---------------------------------------------------------------- optional permissions

    def execute(self, document: str, variables: Mapping[str, Any] | None = None,
                optional: tuple[str, ...] = ()) -> tuple[GraphQLResult, frozenset[str]]:
        """Run ``document``, tolerating authorization errors for the ``optional`` permissions.

        Centra answers a field the token may not read with "You need X permission to access Y."
        and null for that field only (centra-api.md §2.3). For an optional X the sync goes on: the
        permission is warned about once per sync and Y is returned among the denied field names,
        so the caller prunes it from later requests (queries/prune.py) and its record value is null.
        Every other error goes through the error table as in ``client.execute``: a failure raises;
        a transient error (internal, rate limit) re-runs the request, pruned, through the client's
        own retry loop. If that retry meets a denial it could not see before (the transient error
        had nulled the whole answer), the request is looked at tolerantly once more.
        """
        if not optional:
            return self.client.execute(document, variables), frozenset()
        denied: set[str] = set()
        looks = 3
        while True:
            looks -= 1
            result = self.client.execute(prune(document, denied), variables, raise_errors=False)
            others = [error for error in result.errors if not self._tolerated(error, optional, denied)]
            if not others:
                return result, frozenset(denied)
            resolution = classify_graphql_errors(others)
            if resolution.action is Action.FAIL:
                raise_for(resolution)
            try:
                return self.client.execute(prune(document, denied), variables), frozenset(denied)
            except ConfigError:
                if looks == 0:
                    raise

    def _tolerated(self, error: dict, optional: tuple[str, ...], denied: set[str]) -> bool:
        denial = authorization_denial(error)
        if denial is None or denial[0] not in optional:
            return False
        denied.add(denial[1])
        self.warn_missing_permission(denial[0])
        return True

    def warn_missing_permission(self, permission: str) -> None:
        """One warning per optional permission per sync, naming what it would fill."""
        with self._lock:
            if permission in self._warned_permissions:
                return
            self._warned_permissions.add(permission)
        label = permission_label(permission)
        fills = OPTIONAL_PERMISSIONS.get(permission, "the fields that need it")
        LOGGER.warning(f"Optional permission missing: add {label} to the token to fill {fills} (System → API "
                       "tokens in the Centra admin). Until then those fields are null; the sync continues.")

    def base_currency(self) -> str | None:
        """The instance's base currency code (``currencies(where: {isBase: true})``), read once per sync.

        Needs Currency:read, which is optional: without it this is None and one warning says so.
        """
        with self._lock:
            if self._base_currency is not None:
                return self._base_currency[0]
        result, denied = self.execute(load_probe("base_currency"), optional=("Currency:read",))
        currencies = result.data.get("currencies") or []
        code = currencies[0].get("code") if currencies else None
        if code is None and not denied:
            LOGGER.warning("Centra names no base currency (currencies with isBase: true); base_currency stays null.")
        with self._lock:
            self._base_currency = (code,)
            return code
