"""Values the connector knows (centra-api.md §9.2, §9.8, §10; centra-streams.md §5, §10), watched in emitted records.

Centra adds enum values and order line types over time. A value not listed here is emitted exactly
as Centra sends it (never dropped, never mapped to a default); the first time a sync meets it, one
warning says so, so analysts can extend their downstream mappings (e.g. a new order status in a
revenue filter). Adding a value here only silences that warning.

Which record fields are watched is said on each stream's row (``StreamSpec.watched``: record field →
one of the ``Known`` sets below), so a stream's facts live in one place.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Known(NamedTuple):
    """An enum-like kind of value: Centra's name for it (as a warning names it) and the values known."""

    kind: str
    values: frozenset[str]


ORDER_STATUS = Known("OrderStatus", frozenset({
    "PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "ARCHIVED", "CANCELLED", "PARTIAL"}))
PAYMENT_ENTRY_TYPE = Known("PaymentHistoryEntryType", frozenset({
    "AUTH", "CAPTURE", "CAPTURE_PENDING", "CAPTURE_FAILED", "CAPTURE_REQUEST", "REFUND", "REFUND_REQUEST",
    "REFUND_FAILED", "CANCEL", "CANCEL_REQUEST", "MARKED_AS_PAID", "MARKED_AS_UNPAID", "PREPAID", "AUTH_PENDING",
    "ADDITIONAL_ORDER_PAYMENT", "INVOICE", "OTHER", "AUTH_GIFT_CARD", "CAPTURE_GIFT_CARD", "CANCEL_GIFT_CARD",
    "REFUND_GIFT_CARD"}))
PAYMENT_ENTRY_STATUS = Known("PaymentHistoryEntryStatus", frozenset({"SUCCESS", "PENDING", "FAILED"}))
RETURN_STATUS = Known("ReturnStatus", frozenset({"PENDING", "COMPLETED"}))
STORE_TYPE = Known("StoreType", frozenset({"DIRECT_TO_CONSUMER", "WHOLESALE"}))
LINE_TYPE = Known("order line type", frozenset({"product", "bundle", "bundle_item", "gift_certificate"}))  # records' line_type
STATUS = Known("Status", frozenset({"ACTIVE", "INACTIVE"}))  # the generic Status (centra-api §10)
VOUCHER_METHOD = Known("VoucherMethod", frozenset({"CODE", "URL", "AUTO"}))  # CODE and URL [C centra-api §9.6]; AUTO [I]
# centra-streams §5, §10: the enums exist [C]; only INVOICE is seen (type: INVOICE in the b2b example), the
# other values are inferred [I]: the first real value outside them warns, and is added here once confirmed.
INVOICE_TYPE = Known("InvoiceType", frozenset({"INVOICE", "CREDIT_NOTE"}))
INVOICE_STATUS = Known("InvoiceStatus", frozenset({"UNPAID", "PARTIALLY_PAID", "PAID", "CANCELLED"}))
VOUCHER_TYPE = Known("VoucherType", frozenset({"STANDARD", "CREDIT"}))
# centra-streams §8: StockChangeType exists [C], its values are not seen [I]; the delivery status INSERTED is
# in third-party code [T], the other values are inferred [I].
STOCK_CHANGE_TYPE = Known("StockChangeType", frozenset({"DELIVERY", "RETURN", "MANUAL"}))
PURCHASE_ORDER_STATUS = Known("PurchaseOrderStatus", frozenset({"CONFIRMED", "PARTIALLY_DELIVERED", "DELIVERED"}))
DELIVERY_STATUS = Known("PurchaseOrderDeliveryStatus", frozenset({"INSERTED", "ACCEPTED"}))


def unknown_values(stream: str, record: dict) -> list[tuple[str, str, str]]:
    """(field, kind, value) of every watched field of ``record`` whose value the connector does not know."""
    from source_centra.streams import STREAMS_BY_NAME  # the rows name these sets: imported late

    return unknown_in(STREAMS_BY_NAME[stream].watched, record)


def unknown_in(watched: Mapping[str, Known], record: dict) -> list[tuple[str, str, str]]:
    out = []
    for field, (kind, known) in watched.items():
        value = record.get(field)
        if value is not None and value not in known:
            out.append((field, kind, str(value)))
    return out
