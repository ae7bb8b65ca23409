"""The one place a stream is declared: a row of STREAMS.

Adding a stream = one row here, `queries/<name>.graphql`, `schemas/<name>.json`, one function in
`records.py`, a node fixture and its tests (docs/adding-a-stream.md).
Paging: "connection" streams use Relay keyset cursors (stable while rows change mid-sync);
"list" streams use limit/page, only over sets that cannot shift (immutable createdAt windows,
small reference lists). See centra-api.md §5.
Optional permissions: fields behind them are null when the token lacks them; the sync goes on and
warns once (context.py ``SyncContext.execute``, queries/prune.py). See centra-api.md §2.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StreamSpec:
    name: str
    primary_key: tuple[str, ...]
    cursor_field: str | None  # record field; None = full refresh only
    filter_field: str | None  # Centra filter the windows apply to
    paging: str  # "connection" | "list"
    by_store: bool  # partitioned by store via where.storeId
    lookback: str = "updates"  # which lookback option applies: "updates" | "returns"
    permissions: tuple[str, ...] = ()
    estimate_factor_field: str | None = None  # records per node vary (lines per order)
    store_on_record: bool = False  # not filterable by store in Centra: one partition, stores kept per record
    optional_permissions: tuple[str, ...] = ()  # without them: their fields null, one warning per sync
    base_currency: bool = False  # records carry base_currency (one currencies lookup per sync)

    @property
    def query(self) -> str:
        return self.name


STREAMS: tuple[StreamSpec, ...] = (
    # orderConnection(sort: number_ASC), updatedAt window; cost ≈ first × (1 + header + 10 × line)
    StreamSpec("order_items", ("order_id", "line_id"), "order_updated_at", "updatedAt", "connection", True,
               permissions=("Order:read", "Order.shippingAddress:read"), estimate_factor_field="lines",
               optional_permissions=("Customer:read",), base_currency=True),
    # orderConnection without lines: the cheap header stream
    StreamSpec("orders", ("id",), "updated_at", "updatedAt", "connection", True,
               permissions=("Order:read", "Order.shippingAddress:read"),
               optional_permissions=("Order.attributes:read", "Customer:read"), base_currency=True),
    # returns(sort: id_ASC), createdAt window (ReturnFilter has no updatedAt) re-read over returns_lookback_days
    StreamSpec("return_items", ("return_id", "return_line_id"), "return_created_at", "createdAt", "list", True,
               lookback="returns", permissions=("Return:read", "Order:read", "Order.shippingAddress:read", "Shipment:read"),
               base_currency=True),
    StreamSpec("returns", ("id",), "created_at", "createdAt", "list", True,
               lookback="returns", permissions=("Return:read", "Order:read", "Shipment:read"),
               optional_permissions=("Customer:read",), base_currency=True),
    # shipmentConnection(sort: id_ASC), updatedAt window
    StreamSpec("shipments", ("id",), "updated_at", "updatedAt", "connection", True,
               permissions=("Shipment:read", "Order:read")),
    # orderPaymentHistory has no storeId filter: one partition, store filtered on the record
    StreamSpec("payment_history", ("id",), "created_at", "createdAt", "list", False,
               permissions=("PaymentHistory:read", "Return:read"), store_on_record=True, base_currency=True),
    # products are instance-wide
    StreamSpec("products", ("id",), "updated_at", "updatedAt", "connection", False, permissions=("Product:read",),
               optional_permissions=("Product.attributes:read",)),
    StreamSpec("markets", ("id",), None, None, "list", True, permissions=("Market:read",)),
    StreamSpec("stores", ("id",), None, None, "list", False, permissions=("Store:read",)),
)

STREAMS_BY_NAME = {spec.name: spec for spec in STREAMS}

# What each optional permission fills; the one warning per sync when the token lacks it says so.
OPTIONAL_PERMISSIONS: dict[str, str] = {
    "Order.attributes:read": "attributes on orders",
    "Product.attributes:read": "attributes on products",
    "Customer:read": "customer_email on orders, order_items and returns",
    "Currency:read": "base_currency on order_items, return_items, orders, returns and payment_history",
}
