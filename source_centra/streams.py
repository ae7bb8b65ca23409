"""The one place a stream is declared: a row of STREAMS.

Adding a stream = one row here, `queries/<name>.graphql`, `schemas/<name>.json`, one function in
its domain module of `records/`, a node fixture (+ the fake's entity); the generic tests then cover it
(docs/adding-a-stream.md). Rows are written with keywords only.
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

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from source_centra import known_values as kv
from source_centra.records import (
    catalog, costs, customers, logistics, promotions, reference, returns, sales, wholesale,
)


class _Kind(str, Enum):
    """A named kind that still compares and serialises as its string (``Paging.LIST == "list"``)."""

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class Paging(_Kind):
    """How the stream's document pages (plan.py may read a ``LIST`` by time or backwards instead)."""

    CONNECTION = "connection"  # Relay keyset: first/after
    LIST = "list"  # limit/page
    NESTED = "nested"  # a parent's child list, one parent at a time (where: {id: [parent]})


class Window(_Kind):
    """The Centra filter field (a DateRange) an incremental stream's windows apply to."""

    UPDATED_AT = "updatedAt"
    CREATED_AT = "createdAt"


class Lookback(_Kind):
    """Which lookback option re-reads the last windows of an incremental stream."""

    UPDATES = "updates"  # lookback_window_days
    RETURNS = "returns"  # returns_lookback_days (returns have no updatedAt)




@dataclass(frozen=True, kw_only=True)
class StreamSpec:
    """One stream, as data. Every behaviour a stream has is a named field here (docs/adding-a-stream.md)."""

    name: str
    primary_key: tuple[str, ...]
    to_records: Callable[..., Iterator[dict]]  # the pure record function: (node, extras) → records
    paging: Paging  # the document's paging
    cursor_field: str | None = None  # record field; None = full refresh only
    filter_field: Window | None = None  # Centra filter the windows apply to (set with cursor_field)
    by_store: bool = False  # partitioned by store via where.storeId
    lookback: Lookback = Lookback.UPDATES  # which lookback option re-reads windows
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
    growing_rows: bool = False  # paging LIST: a row nests a list Centra neither pages nor limits and that grows
    #                         with the shop (a delivery's lines): each job's first page is asked a row at a
    #                         time, later ones as their predecessors' weight says (paging.parted)
    nested_field: str | None = None  # paging NESTED: the parent's child list read per parent (Warehouse.stock)
    snapshot: bool = False  # a snapshot: records carry synced_at, when the snapshot was read
    personal: tuple[str, ...] = ()  # record fields holding personal data: kept, hashed or dropped by
    #                         pii_handling (privacy.py)
    watched: Mapping[str, kv.Known] = field(default_factory=dict, compare=False)  # enum-like record fields:
    #                         a value outside the known set is emitted as is, with one warning (known_values.py)

    @property
    def query(self) -> str:
        """The stream's document: ``queries/<name>.graphql``."""
        return self.name

    def plan_args(self) -> dict:
        """What plan.py needs besides the document: the filter fields the stream sets in ``$where``
        (each must exist on the instance's filter type; a nested stream picks its parent by ``id``) and
        the field a list fallback pages by."""
        where = (("storeId",) if self.by_store else ()) + ((self.filter_field,) if self.filter_field else ()) + (
            ("id",) if self.paging is Paging.NESTED else ())
        return {"stream": self.name, "where_fields": where,
                "time_field": self.filter_field if self.filter_field is Window.UPDATED_AT else None}


CONNECTION, LIST, NESTED = Paging.CONNECTION, Paging.LIST, Paging.NESTED
UPDATED_AT, CREATED_AT = Window.UPDATED_AT, Window.CREATED_AT
ORDER_PERMISSIONS = ("Order:read", "Order.shippingAddress:read")

STREAMS: tuple[StreamSpec, ...] = (
    # orderConnection(sort: number_ASC), updatedAt window; cost ≈ first × (1 + header + 10 × line)
    StreamSpec(name="order_items", primary_key=("order_id", "line_id"), to_records=sales.order_items,
               paging=CONNECTION, cursor_field="order_updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=ORDER_PERMISSIONS, estimate_factor_field="lines", base_currency=True,
               personal=("customer_email",),
               watched={"order_status": kv.ORDER_STATUS, "store_type": kv.STORE_TYPE, "line_type": kv.LINE_TYPE}),
    # orderConnection without lines: the cheap header stream
    StreamSpec(name="orders", primary_key=("id",), to_records=sales.orders,
               paging=CONNECTION, cursor_field="updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=ORDER_PERMISSIONS, base_currency=True,
               personal=("customer_email", "shipping_first_name", "shipping_last_name", "shipping_address1",
                         "shipping_address2", "shipping_email", "shipping_phone_number"),
               watched={"status": kv.ORDER_STATUS, "store_type": kv.STORE_TYPE}),
    # returns(sort: id_ASC), createdAt window (ReturnFilter has no updatedAt) re-read over returns_lookback_days
    StreamSpec(name="return_items", primary_key=("return_id", "return_line_id"), to_records=returns.return_items,
               paging=LIST, cursor_field="return_created_at", filter_field=CREATED_AT, by_store=True,
               lookback=Lookback.RETURNS, reread_returns_of_updated_orders=True,
               permissions=("Return:read", *ORDER_PERMISSIONS, "Shipment:read"), base_currency=True,
               watched={"return_status": kv.RETURN_STATUS, "line_type": kv.LINE_TYPE}),
    StreamSpec(name="returns", primary_key=("id",), to_records=returns.returns,
               paging=LIST, cursor_field="created_at", filter_field=CREATED_AT, by_store=True,
               lookback=Lookback.RETURNS, reread_returns_of_updated_orders=True, permissions=("Return:read",),
               base_currency=True, personal=("customer_email",), watched={"return_status": kv.RETURN_STATUS}),
    # shipmentConnection(sort: id_ASC), updatedAt window
    StreamSpec(name="shipments", primary_key=("id",), to_records=logistics.shipments,
               paging=CONNECTION, cursor_field="updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=("Shipment:read",)),
    # orderPaymentHistory has no storeId filter: one partition, store filtered on the record
    StreamSpec(name="payment_history", primary_key=("id",), to_records=logistics.payment_history,
               paging=LIST, cursor_field="created_at", filter_field=CREATED_AT,
               permissions=("PaymentHistory:read",), stores_from_records=True, base_currency=True,
               watched={"entry_type": kv.PAYMENT_ENTRY_TYPE, "status": kv.PAYMENT_ENTRY_STATUS}),
    # products are instance-wide
    # attributes on products and variants: ~1,430 complexity per product, so at most 15 per page
    StreamSpec(name="products", primary_key=("id",), to_records=catalog.products,
               paging=CONNECTION, cursor_field="updated_at", filter_field=UPDATED_AT,
               permissions=("Product:read",), max_page_size=15),
    StreamSpec(name="markets", primary_key=("id",), to_records=reference.markets, paging=LIST, by_store=True,
               permissions=("Market:read",)),
    StreamSpec(name="stores", primary_key=("id",), to_records=reference.stores, paging=LIST,
               permissions=("Store:read",), watched={"type": kv.STORE_TYPE}),
    # ---- beyond Supermetrics (connector-contract.md): optional, each needs a permission outside its list.
    # customers(sort: updatedAt_ASC, or page numbers where CustomerSort lacks it), updatedAt window; 500 per 100.
    # billing_country_code is a contract field: Customer.billingAddress:read is needed beside Customer:read
    StreamSpec(name="customers", primary_key=("id",), to_records=customers.customers,
               paging=LIST, cursor_field="updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=("Customer:read", "Customer.billingAddress:read"), optional=True,
               personal=("email", "first_name", "last_name", "phone_number", "cell_phone_number", "birthdate",
                         "billing_address1", "billing_address2"),
               watched={"status": kv.STATUS}),
    # accounts(sort: updatedAt_ASC), updatedAt window; AccountFilter has no storeId: store from the market; 1,000 per 100
    StreamSpec(name="accounts", primary_key=("id",), to_records=customers.accounts,
               paging=LIST, cursor_field="updated_at", filter_field=UPDATED_AT,
               permissions=("Account:read",), optional=True, stores_from_records=True,
               # a wholesale account's emails and its address's contact person
               personal=("account_email", "billing_email", "shipping_email", "contact_first_name",
                         "contact_last_name", "contact_email", "contact_phone_number", "address1", "address2"),
               watched={"status": kv.STATUS}),
    # invoices(sort: updatedAt_ASC), updatedAt window; lines and payments nested (× 10 each); 9,800 per 100
    StreamSpec(name="invoices", primary_key=("id",), to_records=wholesale.invoices,
               paging=LIST, cursor_field="updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=("Invoice:read", "Account:read", "Order:read"), optional=True, base_currency=True,
               watched={"status": kv.INVOICE_STATUS, "type": kv.INVOICE_TYPE}),
    # vouchers(sort: updatedAt_ASC), updatedAt window; 1,200 per 100
    StreamSpec(name="vouchers", primary_key=("id",), to_records=promotions.vouchers,
               paging=LIST, cursor_field="updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=("Voucher:read",), optional=True,
               watched={"status": kv.STATUS, "method": kv.VOUCHER_METHOD, "type": kv.VOUCHER_TYPE}),
    # campaigns(sort: updatedAt_ASC), updatedAt window; 2,100 per 100
    StreamSpec(name="campaigns", primary_key=("id",), to_records=promotions.campaigns,
               paging=LIST, cursor_field="updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=("Campaign:read",), optional=True, watched={"status": kv.STATUS}),
    # warehouses(sort: id_ASC), instance-wide; 200 per 100
    StreamSpec(name="warehouses", primary_key=("id",), to_records=catalog.warehouses, paging=LIST,
               permissions=("Warehouse:read",), optional=True, watched={"status": kv.STATUS}),
    # warehouses(where: {id}) { stock(sort: productId_ASC, productVariantId_ASC, productSizeSort_ASC) } per
    # warehouse, a snapshot; 801 per 100 rows (the root says limit: 1)
    StreamSpec(name="stock", primary_key=("warehouse_id", "size_id"), to_records=catalog.stock, paging=NESTED,
               permissions=("Warehouse.stock:read", "Warehouse:read"), optional=True, nested_field="stock",
               snapshot=True),
    # pricelists(sort: id_ASC) per store; 300 per 100
    StreamSpec(name="pricelists", primary_key=("id",), to_records=catalog.pricelists, paging=LIST, by_store=True,
               permissions=("Pricelist:read",), optional=True, watched={"status": kv.STATUS}),
    # pricelists(where: {id}) { prices(sort: productId_ASC, productVariantId_ASC) } per pricelist, a snapshot;
    # records carry the pricelist's store (kept by store_id); 503 per 100 prices (the root says limit: 1)
    StreamSpec(name="prices", primary_key=("id",), to_records=catalog.prices, paging=NESTED,
               permissions=("Price:read", "Pricelist:read"), optional=True, nested_field="prices", snapshot=True),
    # brands(sort: id_ASC), instance-wide (shared by stores); 100 per 100
    StreamSpec(name="brands", primary_key=("id",), to_records=catalog.brands, paging=LIST,
               permissions=("Brand:read",), optional=True),
    # categories(sort: id_ASC) per store; 300 per 100
    StreamSpec(name="categories", primary_key=("id",), to_records=catalog.categories, paging=LIST, by_store=True,
               permissions=("Category:read",), optional=True, watched={"status": kv.STATUS}),
    # collections(sort: id_ASC), instance-wide; 100 per 100
    StreamSpec(name="collections", primary_key=("id",), to_records=catalog.collections, paging=LIST,
               permissions=("Collection:read",), optional=True, watched={"status": kv.STATUS}),
    # countries(sort: name_ASC), keyed by ISO code; 1,100 per 100
    StreamSpec(name="countries", primary_key=("code",), to_records=reference.countries, paging=LIST,
               permissions=("Country:read",), optional=True),
    # ---- cost of goods and purchasing (connector-contract.md "Cost and purchasing streams"): optional.
    # stockChangeConnection(sort: id_ASC), createdAt window (append-only: re-read over lookback_window_days);
    # instance-wide; 50 lines per stock change in the page, the rest page by page; 352 per stock change
    StreamSpec(name="stock_changes", primary_key=("id",), to_records=costs.stock_changes,
               paging=CONNECTION, cursor_field="created_at", filter_field=CREATED_AT,
               permissions=("StockChange:read", "Warehouse:read"), optional=True, estimate_factor_field="lines",
               base_currency=True, max_page_size=70, watched={"type": kv.STOCK_CHANGE_TYPE}),
    # purchaseOrders(sort: updatedAt_ASC), updatedAt window; instance-wide; 300 per 100
    StreamSpec(name="purchase_orders", primary_key=("id",), to_records=costs.purchase_orders,
               paging=LIST, cursor_field="updated_at", filter_field=UPDATED_AT,
               permissions=("PurchaseOrder:read", "Warehouse:read"), optional=True,
               watched={"status": kv.PURCHASE_ORDER_STATUS}),
    # purchaseOrderDeliveries(sort: id_ASC), createdAt window (no updatedAt: re-read over returns_lookback_days,
    # so a delivery's status reaches the destination); instance-wide; lines nested (× 10); 8,500 per 100.
    # 3 a page: a delivery's lines (one per size delivered) are neither paged nor limited by Centra and grow
    # with the catalog, so a page of 100 held ~70,000 lines (~300 MB parsed) at 50,000 orders, and a page of
    # 10 ~30,000 at 1,000,000 (3,069 lines a delivery: 255 MB peak RSS for this stream alone; 138 MB at 3). At 3 an answer holds at most 10,000 lines for deliveries of up to 3,333 lines (test_page_memory.py).
    StreamSpec(name="purchase_order_deliveries", primary_key=("id",), to_records=costs.purchase_order_deliveries,
               paging=LIST, cursor_field="created_at", filter_field=CREATED_AT, lookback=Lookback.RETURNS,
               permissions=("PurchaseOrderDelivery:read", "PurchaseOrder:read", "Warehouse:read", "StockChange:read"),
               optional=True, base_currency=True, watched={"status": kv.DELIVERY_STATUS}, max_page_size=3,
               growing_rows=True),
    # orderConnection(sort: number_ASC) per store, updatedAt window, as order_items; lines × allocations
    # (× 10 × 10): 511 per order, so at most 45 orders a page (docs: "Complexity and budget")
    StreamSpec(name="order_item_allocations", primary_key=("id",), to_records=costs.order_item_allocations,
               paging=CONNECTION, cursor_field="order_updated_at", filter_field=UPDATED_AT, by_store=True,
               permissions=("Order:read", "Allocation:read", "StockChange:read", "Warehouse:read"), optional=True,
               estimate_factor_field="lines", base_currency=True, max_page_size=45),
)

STREAMS_BY_NAME = {spec.name: spec for spec in STREAMS}
