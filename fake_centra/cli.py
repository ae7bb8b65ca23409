"""``fake-centra serve``: run the fake as a process.

``fake-centra sdl [--schema-profile lean] [--schema-drop COORD ...] [--schema-retype COORD=TYPE ...]`` prints a profile's SDL.

The first two lines printed are exactly ``endpoint: <url>`` and ``token: <token>`` (then
``admin_secret: <secret>``), flushed, so a parent process can read them; it then serves until
SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from . import clock
from .fake import FakeCentra
from .profiles import PROFILES, sdl


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fake-centra", description="A local fake of Centra's GraphQL Integration API.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the fake API over HTTP")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0, help="0 picks a free port")
    s.add_argument("--orders", type=int, default=5000)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--products", type=int, default=None,
                   help="catalog size (default: orders // 25, between 40 and 2000)")
    s.add_argument("--tie-fraction", type=float, default=0.3)
    s.add_argument("--latency-ms", type=float, default=0)
    s.add_argument("--fault-rate", type=float, default=0.0, help="total fault probability, spread over all kinds")
    s.add_argument("--quota-requests", type=int, default=60, help="requests per 10 s")
    s.add_argument("--quota-complexity", type=int, default=250_000, help="complexity per 10 s")
    s.add_argument("--quota-requests-hour", type=int, default=5000)
    s.add_argument("--quota-complexity-hour", type=int, default=30_000_000)
    s.add_argument("--retry-after", choices=["seconds", "http-date"], default="seconds")
    s.add_argument("--cache", action="store_true", help="cache responses (benchmark mode)")
    s.add_argument("--writer-interval", type=float, default=0, help="seconds between background mutations (0: off)")
    s.add_argument("--token", default=None, help="use this full-permission token instead of a random one")
    s.add_argument("--admin-secret", default=None)
    _schema_options(s)
    s.add_argument("--unknown-enum", action="store_true",
                   help="OrderStatus/PaymentHistoryEntryType gain values the connector has never seen")
    s.add_argument("--bundle-lines", action="store_true",
                   help="some orders get a BundleOrderLine followed by its BundleItemOrderLines")
    s.add_argument("--history-end", default="generated", metavar="today|YYYY-MM-DD|generated",
                   help="move the history the API shows by whole days so it ends on this day (today: the end "
                        "of yesterday, so orders created now continue it); default: as generated, to 2025-12-31")
    d = sub.add_parser("sdl", help="print the SDL of a schema profile (comments are not kept)")
    _schema_options(d)
    d.add_argument("--unknown-enum", action="store_true")
    return p


def _schema_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--schema-profile", choices=sorted(PROFILES), default="full",
                   help="full: schema.graphql; lean: without the unconfirmed coordinates (profiles.py)")
    p.add_argument("--schema-drop", action="append", default=[], metavar="COORD",
                   help="also remove this schema coordinate (Type, Type.field, Type.field(arg:), Enum.VALUE); repeatable")
    p.add_argument("--schema-retype", action="append", default=[], metavar="COORD=TYPE",
                   help="serve field COORD with another nullability or list-ness, e.g. "
                        "GiftCertificateOrderLine.productNumber=String; repeatable")


def _fake(args: argparse.Namespace) -> FakeCentra:
    return FakeCentra(orders=args.orders, seed=args.seed, latency_ms=args.latency_ms,
                      fault_rate=args.fault_rate, quota_requests=args.quota_requests,
                      quota_complexity=args.quota_complexity, quota_requests_hour=args.quota_requests_hour,
                      quota_complexity_hour=args.quota_complexity_hour, retry_after=args.retry_after,
                      cache=args.cache, tie_fraction=args.tie_fraction, token=args.token,
                      admin_secret=args.admin_secret, host=args.host, port=args.port,
                      schema_profile=args.schema_profile, schema_drop=args.schema_drop,
                      schema_retype=args.schema_retype, unknown_enum=args.unknown_enum, bundle_lines=args.bundle_lines,
                      products=args.products)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "sdl":
        try:
            sys.stdout.write(sdl(args.schema_profile, args.schema_drop, args.unknown_enum, args.schema_retype))
        except ValueError as exc:
            parser.error(str(exc))
        return 0
    try:
        clock.set_history_end(clock.parse_history_end(args.history_end))
        fake = _fake(args)
    except ValueError as exc:
        parser.error(str(exc))
    url = fake.start()
    if args.writer_interval > 0:
        fake.start_writer(interval_s=args.writer_interval)
    print(f"endpoint: {url}", flush=True)
    print(f"token: {fake.token}", flush=True)
    print(f"admin_secret: {fake.admin_secret}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        time.sleep(0.2)
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
