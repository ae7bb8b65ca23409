"""Values the connector knows (centra-api.md §9.2, §9.8, §10; centra-streams.md §5, §10), watched in emitted records.

Centra adds enum values and order line types over time. A value not listed here is emitted exactly
as Centra sends it (never dropped, never mapped to a default); the first time a sync meets it, one
warning says so, so analysts can extend their downstream mappings (e.g. a new order status in a
revenue filter). Adding a value here only silences that warning.
"""
from __future__ import annotations

ORDER_STATUS = frozenset({"PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "ARCHIVED", "CANCELLED", "PARTIAL"})
PAYMENT_ENTRY_TYPE = frozenset({
    "AUTH", "CAPTURE", "CAPTURE_PENDING", "CAPTURE_FAILED", "CAPTURE_REQUEST", "REFUND", "REFUND_REQUEST",
    "REFUND_FAILED", "CANCEL", "CANCEL_REQUEST", "MARKED_AS_PAID", "MARKED_AS_UNPAID", "PREPAID", "AUTH_PENDING",
    "ADDITIONAL_ORDER_PAYMENT", "INVOICE", "OTHER", "AUTH_GIFT_CARD", "CAPTURE_GIFT_CARD", "CANCEL_GIFT_CARD",
    "REFUND_GIFT_CARD"})
PAYMENT_ENTRY_STATUS = frozenset({"SUCCESS", "PENDING", "FAILED"})
RETURN_STATUS = frozenset({"PENDING", "COMPLETED"})
STORE_TYPE = frozenset({"DIRECT_TO_CONSUMER", "WHOLESALE"})
LINE_TYPE = frozenset({"product", "bundle", "bundle_item", "gift_certificate"})  # records' line_type
STATUS = frozenset({"ACTIVE", "INACTIVE"})  # the generic Status (centra-api §10)
VOUCHER_METHOD = frozenset({"CODE", "URL", "AUTO"})  # CODE and URL vouchers [C centra-api §9.6]; AUTO [I]
# centra-streams §5, §10: the enums exist [C]; only INVOICE is seen (type: INVOICE in the b2b example), the
# other values are inferred [I]: the first real value outside them warns, and is added here once confirmed.
INVOICE_TYPE = frozenset({"INVOICE", "CREDIT_NOTE"})
INVOICE_STATUS = frozenset({"UNPAID", "PARTIALLY_PAID", "PAID", "CANCELLED"})
VOUCHER_TYPE = frozenset({"STANDARD", "CREDIT"})
# centra-streams §8: StockChangeType exists [C], its values are not seen [I]; INSERTED is a delivery status in
# third-party code [T], the others are inferred [I].
STOCK_CHANGE_TYPE = frozenset({"DELIVERY", "RETURN", "MANUAL"})
PURCHASE_ORDER_STATUS = frozenset({"CONFIRMED", "PARTIALLY_DELIVERED", "DELIVERED"})
DELIVERY_STATUS = frozenset({"INSERTED", "ACCEPTED"})

# stream → {record field: (Centra's name for the kind of value, known values)}
WATCHED: dict[str, dict[str, tuple[str, frozenset[str]]]] = {
    "order_items": {"order_status": ("OrderStatus", ORDER_STATUS), "store_type": ("StoreType", STORE_TYPE),
                    "line_type": ("order line type", LINE_TYPE)},
    "orders": {"status": ("OrderStatus", ORDER_STATUS), "store_type": ("StoreType", STORE_TYPE)},
    "return_items": {"return_status": ("ReturnStatus", RETURN_STATUS), "line_type": ("order line type", LINE_TYPE)},
    "returns": {"return_status": ("ReturnStatus", RETURN_STATUS)},
    "payment_history": {"entry_type": ("PaymentHistoryEntryType", PAYMENT_ENTRY_TYPE),
                        "status": ("PaymentHistoryEntryStatus", PAYMENT_ENTRY_STATUS)},
    "stores": {"type": ("StoreType", STORE_TYPE)},
    "customers": {"status": ("Status", STATUS)},
    "accounts": {"status": ("Status", STATUS)},
    "invoices": {"status": ("InvoiceStatus", INVOICE_STATUS), "type": ("InvoiceType", INVOICE_TYPE)},
    "vouchers": {"status": ("Status", STATUS), "method": ("VoucherMethod", VOUCHER_METHOD),
                 "type": ("VoucherType", VOUCHER_TYPE)},
    "campaigns": {"status": ("Status", STATUS)},
    "warehouses": {"status": ("Status", STATUS)},
    "pricelists": {"status": ("Status", STATUS)},
    "categories": {"status": ("Status", STATUS)},
    "collections": {"status": ("Status", STATUS)},
    "stock_changes": {"type": ("StockChangeType", STOCK_CHANGE_TYPE)},
    "purchase_orders": {"status": ("PurchaseOrderStatus", PURCHASE_ORDER_STATUS)},
    "purchase_order_deliveries": {"status": ("PurchaseOrderDeliveryStatus", DELIVERY_STATUS)},
}


def unknown_values(stream: str, record: dict) -> list[tuple[str, str, str]]:
    """(field, kind, value) of every watched field of ``record`` whose value the connector does not know."""
    out = []
    for field, (kind, known) in WATCHED.get(stream, {}).items():
        value = record.get(field)
        if value is not None and value not in known:
            out.append((field, kind, str(value)))
    return out
