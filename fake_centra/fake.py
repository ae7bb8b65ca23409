"""FakeCentra: the in-process facade used by tests, the CLI and benchmarks."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from typing import Any

from . import admin
from .auth import TokenRegistry
from .engine import Engine
from .faults import FaultInjector
from .limits import RateLimiter
from .profiles import retypes, sdl
from .resolvers import build_fake_schema
from .server import FakeHTTPServer
from .store import FakeData
from .writer import Writer

_CONFIG_KEYS = ("latency_ms", "fault_rate", "faults", "slow_seconds", "quota_requests",
                "quota_complexity", "quota_requests_hour", "quota_complexity_hour", "retry_after",
                "cache", "other_integration_requests_per_10s", "other_integration_complexity_per_10s")


class FakeCentra:
    """A local Centra Integration API. ``start()`` serves it on 127.0.0.1 in a daemon thread."""

    def __init__(self, orders: int = 500, seed: int = 7, latency_ms: float = 0, fault_rate: float = 0.0,
                 quota_requests: int = 60, quota_complexity: int = 250_000,
                 quota_requests_hour: int = 5000, quota_complexity_hour: int = 30_000_000,
                 retry_after: str = "seconds", cache: bool = False, tie_fraction: float = 0.3,
                 token: str | None = None, admin_secret: str | None = None,
                 host: str = "127.0.0.1", port: int = 0, schema_profile: str = "full",
                 schema_drop: Iterable[str] = (), unknown_enum: bool = False, schema_retype: Any = (),
                 bundle_lines: bool = False, products: int | None = None, **more: Any) -> None:
        """``schema_profile``: "full" or "lean" (``profiles.PROFILES``); ``schema_drop``: extra
        schema coordinates removed on top of it; ``schema_retype``: ``{"Type.field": "String!"}``,
        fields served with another nullability or list-ness (``profiles.py``). ``unknown_enum``: OrderStatus and
        PaymentHistoryEntryType gain a value the connector has never seen, and some rows carry it.
        ``bundle_lines``: some orders get a BundleOrderLine followed by its BundleItemOrderLines.
        ``products``: catalog size (default orders // 25, between 40 and 2,000); stock has one row per
        size per warehouse and prices one per variant per pricelist, so it sizes those too."""
        if isinstance(schema_drop, str):
            schema_drop = (schema_drop,)
        self.schema_profile = schema_profile
        self.schema_drop = tuple(schema_drop)
        self.schema_retype = retypes(schema_retype)
        schema = build_fake_schema(schema_profile, self.schema_drop, unknown_enum, self.schema_retype)
        self.schema = schema
        self.data = FakeData(orders=orders, seed=seed, tie_fraction=tie_fraction,
                             unknown_enum=unknown_enum, bundle_lines=bundle_lines,
                             served_types=frozenset(schema.type_map), products=products)
        self.tokens = TokenRegistry()
        self.token = self.tokens.create(name="full access", token=token)
        self.admin_secret = admin_secret or secrets.token_hex(16)
        self.limiter = RateLimiter()
        self.fault_injector = FaultInjector(seed)
        self.engine = Engine(schema, self.data, self.tokens, self.limiter, self.fault_injector)
        self.host, self.port = host, port
        self.url: str | None = None
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._writer: Writer | None = None
        self.configure(latency_ms=latency_ms, fault_rate=fault_rate, quota_requests=quota_requests,
                       quota_complexity=quota_complexity, quota_requests_hour=quota_requests_hour,
                       quota_complexity_hour=quota_complexity_hour, retry_after=retry_after,
                       cache=cache, **more)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        if self._server is None:
            self._server = FakeHTTPServer((self.host, self.port), self.engine, self._admin)
            self.port = self._server.server_address[1]
            self.url = f"http://{self.host}:{self.port}/graphql"
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                            name="fake-centra", daemon=True)
            self._thread.start()
        return self.url  # type: ignore[return-value]

    def stop(self) -> None:
        self.stop_writer()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeCentra:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _admin(self, action: str, kwargs: Any, headers: Any):
        return admin.handle(self, action, kwargs, headers)

    # ------------------------------------------------------------------ tokens
    def create_token(self, permissions: Iterable[str] | None = None, store_ids: Iterable[int] | None = None,
                     name: str = "token") -> str:
        return self.tokens.create(permissions, store_ids, name)

    def revoke_token(self, token: str) -> None:
        self.tokens.revoke(token)
        self.engine.clear_response_cache()

    def set_permissions(self, token: str, permissions: Iterable[str] | None) -> None:
        self.tokens.set_permissions(token, permissions)
        self.engine.clear_response_cache()

    # ------------------------------------------------------------------ knobs
    def configure(self, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(_CONFIG_KEYS)
        if unknown:
            raise TypeError(f"unknown configure() arguments: {', '.join(sorted(unknown))}")
        if kwargs.get("retry_after") not in (None, "seconds", "http-date"):
            raise ValueError("retry_after must be 'seconds' or 'http-date'")
        self.limiter.configure(**{k: kwargs.get(k) for k in _CONFIG_KEYS
                                  if k.startswith(("quota_", "other_")) and k in kwargs})
        self.fault_injector.configure(kwargs.get("faults"), kwargs.get("fault_rate"), kwargs.get("slow_seconds"))
        if kwargs.get("latency_ms") is not None:
            self.engine.latency_ms = float(kwargs["latency_ms"])
        if kwargs.get("retry_after") is not None:
            self.engine.retry_after = kwargs["retry_after"]
        if kwargs.get("cache") is not None:
            self.engine.cache = bool(kwargs["cache"])
            self.engine.clear_response_cache()

    def change_schema(self, schema_profile: str | None = None, schema_drop: Iterable[str] = (),
                      schema_retype: Any = ()) -> None:
        """Serve another schema from now on, over the same data: an instance upgraded (or
        downgraded) between two syncs. The data keeps what it holds (it was generated for the
        first schema's types)."""
        if isinstance(schema_drop, str):
            schema_drop = (schema_drop,)
        profile = schema_profile or self.schema_profile
        retyped = retypes(schema_retype)
        schema = build_fake_schema(profile, tuple(schema_drop), self.data.unknown_enum, retyped)
        self.schema_profile, self.schema_drop, self.schema_retype, self.schema = profile, tuple(schema_drop), retyped, schema
        self.engine.set_schema(schema)

    def sdl(self) -> str:
        """The SDL this fake serves (its profile and drops applied; comments are not kept)."""
        return sdl(self.schema_profile, self.schema_drop, self.data.unknown_enum, self.schema_retype)

    def stats(self) -> dict:
        return self.engine.stats.snapshot()

    def reset_stats(self) -> None:
        self.engine.stats.reset()

    def reset_rate_limits(self) -> None:
        self.limiter.reset()

    # ------------------------------------------------------------------ writer
    def start_writer(self, interval_s: float = 0.02, seed: int = 1) -> None:
        self.stop_writer()
        self._writer = Writer(self.data, interval_s, seed)
        self._writer.start()

    def stop_writer(self) -> list[dict]:
        if self._writer is None:
            return []
        events = self._writer.stop()
        self._writer = None
        return events
