"""The one place a stream is declared: a row of STREAMS.

Adding a stream = one row here, `queries/<name>.graphql`, `schemas/<name>.json`, one function in
`records.py`, a node fixture and its tests (docs/adding-a-stream.md).
Paging: "connection" streams use Relay keyset cursors (stable while rows change mid-sync);
"list" streams use limit/page, only over sets that cannot shift (immutable createdAt windows,
small reference lists). See centra-api.md §5.
Every selection is adapted to the instance's live schema and the token's permissions once per
sync (plan.py): what a stream cannot do without is marked ``@required`` in its ``.graphql``;
anything else an instance or token lacks is null in the records, with one warning. ``permissions``
are the read permissions ``check`` requires for the stream (permissions.py has their labels).
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
    base_currency: bool = False  # records carry base_currency (one currencies lookup per sync)
    max_page_size: int | None = None  # cap on page_size where nested lists make a page costly

    @property
    def query(self) -> str:
        return self.name

    def plan_args(self) -> dict:
        """What plan.py needs besides the document: the filter fields the stream sets in ``$where``
        (each must exist on the instance's filter type) and the field a list fallback pages by."""
        where = (("storeId",) if self.by_store else ()) + ((self.filter_field,) if self.filter_field else ())
        return {"stream": self.name, "where_fields": where,
                "time_field": self.filter_field if self.filter_field == "updatedAt" else None}


STREAMS: tuple[StreamSpec, ...] = (
    # orderConnection(sort: number_ASC), updatedAt window; cost ≈ first × (1 + header + 10 × line)
    StreamSpec("order_items", ("order_id", "line_id"), "order_updated_at", "updatedAt", "connection", True,
               permissions=("Order:read", "Order.shippingAddress:read"), estimate_factor_field="lines",
               base_currency=True),
    # orderConnection without lines: the cheap header stream
    StreamSpec("orders", ("id",), "updated_at", "updatedAt", "connection", True,
               permissions=("Order:read", "Order.shippingAddress:read"), base_currency=True),
    # returns(sort: id_ASC), createdAt window (ReturnFilter has no updatedAt) re-read over returns_lookback_days
    StreamSpec("return_items", ("return_id", "return_line_id"), "return_created_at", "createdAt", "list", True,
               lookback="returns", permissions=("Return:read", "Order:read", "Order.shippingAddress:read", "Shipment:read"),
               base_currency=True),
    StreamSpec("returns", ("id",), "created_at", "createdAt", "list", True,
               lookback="returns", permissions=("Return:read",), base_currency=True),
    # shipmentConnection(sort: id_ASC), updatedAt window
    StreamSpec("shipments", ("id",), "updated_at", "updatedAt", "connection", True,
               permissions=("Shipment:read",)),
    # orderPaymentHistory has no storeId filter: one partition, store filtered on the record
    StreamSpec("payment_history", ("id",), "created_at", "createdAt", "list", False,
               permissions=("PaymentHistory:read",), store_on_record=True, base_currency=True),
    # products are instance-wide
    # attributes on products and variants: ~1,430 complexity per product, so at most 15 per page
    StreamSpec("products", ("id",), "updated_at", "updatedAt", "connection", False, permissions=("Product:read",),
               max_page_size=15),
    StreamSpec("markets", ("id",), None, None, "list", True, permissions=("Market:read",)),
    StreamSpec("stores", ("id",), None, None, "list", False, permissions=("Store:read",)),
)

STREAMS_BY_NAME = {spec.name: spec for spec in STREAMS}
