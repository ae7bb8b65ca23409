"""What all streams of one sync share: config, the client, the sync's start, the store partitions.

Built by `SourceCentra.streams()` without any I/O; the first stream that needs the network
reads the rate limits and the visible stores once.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from source_centra.client import CentraClient
from source_centra.config import Config
from functools import cache
from importlib.resources import files

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
            return
        result = self.client.execute(load_probe("rate_limits"))
        limits = result.data.get("rateLimits") or []
        self.client.pacer.configure(limits)

    def stores(self) -> list[dict]:
        """Stores the token can see ({id, name, type}); [] when the token may not list stores."""
        with self._lock:
            if self._stores is not None:
                return self._stores
        result = self.client.execute(load_probe("stores"), raise_errors=False)
        stores = result.data.get("stores")
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
