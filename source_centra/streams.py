"""The one place a stream is declared: a row of STREAMS.

Adding a stream = one row here, `queries/<name>.graphql`, `schemas/<name>.json`, one function in
`records/` (its domain module, re-exported by `records/__init__.py`), a node fixture and its tests (docs/adding-a-stream.md).
Paging: "connection" streams use Relay keyset cursors (stable while rows change mid-sync);
"list" streams use limit/page, only over sets that cannot shift (immutable createdAt windows,
small reference lists), or sorted ``[updatedAt_ASC]`` inside an updatedAt window where Centra has no
connection (customers, accounts, invoices, vouchers, campaigns: stream.py pages those by time where the
instance has the sort value, by page number where it lacks it, centra-streams.md §1). "nested" streams
(stock, prices) page a parent's child list, one parent at a time (``where: {id: [parent]}``); they are
snapshots (``synced_at``). See centra-api.md §5.
Every selection is adapted to the instance's live schema and the token's permissions once per
sync (plan.py): what a stream cannot do without is marked ``@required`` in its ``.graphql``;
anything else an instance or token lacks is null in the records, with one warning. ``permissions``
are the read permissions ``check`` requires for the stream (permissions.py has their labels).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from source_centra import records


@dataclass(frozen=True)
class StreamSpec:
    """One stream, as data. Every behaviour a stream has is a named field here (docs/adding-a-stream.md)."""

    name: str
    primary_key: tuple[str, ...]
    cursor_field: str | None  # record field; None = full refresh only
    filter_field: str | None  # Centra filter the windows apply to
    paging: str  # the document's paging: "connection" | "list" | "nested" (plan.py may fall back to "time")
    by_store: bool  # partitioned by store via where.storeId
    to_records: Callable[..., Iterator[dict]]  # the pure record function: (node, extras) → records
    lookback: str = "updates"  # which lookback option re-reads windows: "updates" | "returns"
    permissions: tuple[str, ...] = ()  # read permissions check requires (Supermetrics' set)
    optional: bool = False  # needs permissions beyond Supermetrics': check passes without them (naming them),
    #                         discover leaves the stream out with one log line
    estimate_factor_field: str | None = None  # records per node vary (lines per order)
    stores_from_records: bool = False  # Centra cannot filter it by store: read as one partition, the configured
    #                         stores' records kept by record.store_id; its state records which stores the
    #                         cursor covers, so a store added later is backfilled from the start date
    reread_returns_of_updated_orders: bool = False  # returns have no updatedAt: also re-read the returns of
    #                         orders updated since the cursor (completing a return updates its order)
    base_currency: bool = False  # records carry base_currency (one currencies lookup per sync)
    max_page_size: int | None = None  # cap on page_size where nested lists make a page costly
    nested_field: str | None = None  # paging "nested": the parent's child list read per parent (Warehouse.stock)
    snapshot: bool = False  # a snapshot: records carry synced_at, when the snapshot was read

    @property
    def query(self) -> str:
        """The stream's document: ``queries/<name>.graphql``."""
        return self.name

    def plan_args(self) -> dict:
        """What plan.py needs besides the document: the filter fields the stream sets in ``$where``
        (each must exist on the instance's filter type; a nested stream picks its parent by ``id``) and
        the field a list fallback pages by."""
        where = (("storeId",) if self.by_store else ()) + ((self.filter_field,) if self.filter_field else ()) + (
            ("id",) if self.paging == "nested" else ())
        return {"stream": self.name, "where_fields": where,
                "time_field": self.filter_field if self.filter_field == "updatedAt" else None}

STREAMS: tuple[StreamSpec, ...] = (
    # orderConnection(sort: number_ASC), updatedAt window; cost ≈ first × (1 + header + 10 × line)
    StreamSpec("order_items", ("order_id", "line_id"), "order_updated_at", "updatedAt", "connection", True, records.order_items,
               permissions=("Order:read", "Order.shippingAddress:read"), estimate_factor_field="lines",
               base_currency=True),
    # orderConnection without lines: the cheap header stream
    StreamSpec("orders", ("id",), "updated_at", "updatedAt", "connection", True, records.orders,
               permissions=("Order:read", "Order.shippingAddress:read"), base_currency=True),
    # returns(sort: id_ASC), createdAt window (ReturnFilter has no updatedAt) re-read over returns_lookback_days
    StreamSpec("return_items", ("return_id", "return_line_id"), "return_created_at", "createdAt", "list", True, records.return_items,
               lookback="returns", reread_returns_of_updated_orders=True,
               permissions=("Return:read", "Order:read", "Order.shippingAddress:read", "Shipment:read"), base_currency=True),
    StreamSpec("returns", ("id",), "created_at", "createdAt", "list", True, records.returns,
               lookback="returns", reread_returns_of_updated_orders=True, permissions=("Return:read",),
               base_currency=True),
    # shipmentConnection(sort: id_ASC), updatedAt window
    StreamSpec("shipments", ("id",), "updated_at", "updatedAt", "connection", True, records.shipments,
               permissions=("Shipment:read",)),
    # orderPaymentHistory has no storeId filter: one partition, store filtered on the record
    StreamSpec("payment_history", ("id",), "created_at", "createdAt", "list", False, records.payment_history,
               permissions=("PaymentHistory:read",), stores_from_records=True, base_currency=True),
    # products are instance-wide
    # attributes on products and variants: ~1,430 complexity per product, so at most 15 per page
    StreamSpec("products", ("id",), "updated_at", "updatedAt", "connection", False, records.products, permissions=("Product:read",),
               max_page_size=15),
    StreamSpec("markets", ("id",), None, None, "list", True, records.markets, permissions=("Market:read",)),
    StreamSpec("stores", ("id",), None, None, "list", False, records.stores, permissions=("Store:read",)),
    # ---- beyond Supermetrics (connector-contract.md): optional, each needs a permission outside its list.
    # customers(sort: updatedAt_ASC, or page numbers where CustomerSort lacks it), updatedAt window; 500 per 100.
    # billing_country_code is a contract field: Customer.billingAddress:read is needed beside Customer:read
    StreamSpec("customers", ("id",), "updated_at", "updatedAt", "list", True, records.customers,
               permissions=("Customer:read", "Customer.billingAddress:read"), optional=True),
    # accounts(sort: updatedAt_ASC), updatedAt window; AccountFilter has no storeId: store from the market; 1,000 per 100
    StreamSpec("accounts", ("id",), "updated_at", "updatedAt", "list", False, records.accounts,
               permissions=("Account:read",), optional=True, stores_from_records=True),
    # invoices(sort: updatedAt_ASC), updatedAt window; lines and payments nested (× 10 each); 9,800 per 100
    StreamSpec("invoices", ("id",), "updated_at", "updatedAt", "list", True, records.invoices,
               permissions=("Invoice:read", "Account:read", "Order:read"), optional=True, base_currency=True),
    # vouchers(sort: updatedAt_ASC), updatedAt window; 1,200 per 100
    StreamSpec("vouchers", ("id",), "updated_at", "updatedAt", "list", True, records.vouchers,
               permissions=("Voucher:read",), optional=True),
    # campaigns(sort: updatedAt_ASC), updatedAt window; 2,100 per 100
    StreamSpec("campaigns", ("id",), "updated_at", "updatedAt", "list", True, records.campaigns,
               permissions=("Campaign:read",), optional=True),
    # warehouses(sort: id_ASC), instance-wide; 200 per 100
    StreamSpec("warehouses", ("id",), None, None, "list", False, records.warehouses,
               permissions=("Warehouse:read",), optional=True),
    # warehouses(where: {id}) { stock(sort: productId_ASC, productVariantId_ASC, productSizeSort_ASC) } per
    # warehouse, a snapshot; 801 per 100 rows (the root says limit: 1)
    StreamSpec("stock", ("warehouse_id", "size_id"), None, None, "nested", False, records.stock,
               permissions=("Warehouse.stock:read", "Warehouse:read"), optional=True, nested_field="stock", snapshot=True),
    # pricelists(sort: id_ASC) per store; 300 per 100
    StreamSpec("pricelists", ("id",), None, None, "list", True, records.pricelists,
               permissions=("Pricelist:read",), optional=True),
    # pricelists(where: {id}) { prices(sort: productId_ASC, productVariantId_ASC) } per pricelist, a snapshot;
    # records carry the pricelist's store (kept by store_id); 503 per 100 prices (the root says limit: 1)
    StreamSpec("prices", ("id",), None, None, "nested", False, records.prices,
               permissions=("Price:read", "Pricelist:read"), optional=True, nested_field="prices", snapshot=True),
    # brands(sort: id_ASC), instance-wide (shared by stores); 100 per 100
    StreamSpec("brands", ("id",), None, None, "list", False, records.brands, permissions=("Brand:read",), optional=True),
    # categories(sort: id_ASC) per store; 300 per 100
    StreamSpec("categories", ("id",), None, None, "list", True, records.categories,
               permissions=("Category:read",), optional=True),
    # collections(sort: id_ASC), instance-wide; 100 per 100
    StreamSpec("collections", ("id",), None, None, "list", False, records.collections,
               permissions=("Collection:read",), optional=True),
    # countries(sort: name_ASC), keyed by ISO code; 1,100 per 100
    StreamSpec("countries", ("code",), None, None, "list", False, records.countries,
               permissions=("Country:read",), optional=True),
)

STREAMS_BY_NAME = {spec.name: spec for spec in STREAMS}
