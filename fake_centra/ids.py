"""The fake's id codec: every id or number derived from another, each rule once, with its inverse.

Rows of a table are numbered from 0 and their ids from 1 (id = row + 1); the rules below are the
ones with arithmetic beyond that. Nothing here is random, so the codec can decode without a lookup.
"""

from __future__ import annotations

import hashlib

# ---------------------------------------------------------------- catalog: product > variant > size
VARIANTS_PER_PRODUCT = 10  # variant id = product id * 10 + v (v = 1..9)
SIZES_PER_VARIANT = 10  # size id = variant id * 10 + s (s = 1..9)


def variant_id(product_id: int, v: int) -> int:
    return product_id * VARIANTS_PER_PRODUCT + v


def size_id(variant_id_: int, s: int) -> int:
    return variant_id_ * SIZES_PER_VARIANT + s


def product_of_variant(variant_id_: int) -> int:
    return variant_id_ // VARIANTS_PER_PRODUCT


def variant_of_size(size_id_: int) -> int:
    return size_id_ // SIZES_PER_VARIANT


def product_of_size(size_id_: int) -> int:
    return product_of_variant(variant_of_size(size_id_))


PRICELISTS_PER_VARIANT = 10  # price id = variant id * 10 + pricelist id (pricelist ids 1..9)


def price_id(variant_id_, pricelist_id: int):
    """Works on ints and numpy arrays of variant ids alike."""
    return variant_id_ * PRICELISTS_PER_VARIANT + pricelist_id


# ---------------------------------------------------------------- orders and their lines
NUMBER_BASE = 100001  # order number = NUMBER_BASE + order index
_ID_MASK = 0x5A17C3E9


def order_number(idx: int) -> int:
    return NUMBER_BASE + idx


def order_index_of_number(number) -> int:
    """The order index of an order number (not checked against the instance's count)."""
    return int(number) - NUMBER_BASE


def purchase_order_number(idx: int) -> str:
    """A wholesale order's purchase order number."""
    return f"PO-{order_number(idx)}"


def order_hex_id(seed: int, idx: int) -> str:
    """32-hex order id whose last 8 hex digits encode the index (so no lookup table is needed)."""
    head = hashlib.md5(f"{seed}:{idx}".encode()).hexdigest()[:24]
    return head + f"{(idx ^ _ID_MASK) & 0xFFFFFFFF:08x}"


def order_index(seed: int, order_id: str, count: int) -> int | None:
    """The index of ``order_id``, or None when it is not an id of this instance."""
    if not isinstance(order_id, str) or len(order_id) != 32:
        return None
    try:
        idx = int(order_id[24:], 16) ^ _ID_MASK
    except ValueError:
        return None
    if 0 <= idx < count and order_hex_id(seed, idx) == order_id.lower():
        return idx
    return None


LINES_PER_ORDER = 5  # ordinary line ids: order index * 5 + k + 1
BUNDLE_LINE_BASE = 1_000_000_000  # bundle line ids: BUNDLE_LINE_BASE + order index * 4 + j + 1
BUNDLE_LINES_PER_ORDER = 4  # the bundle line and at most 3 item lines


def order_line_id(idx: int, k: int) -> int:
    """Id of the k-th (0-based) ordinary line of order ``idx``."""
    return idx * LINES_PER_ORDER + k + 1


def bundle_line_id(idx: int, j: int) -> int:
    """Id of the bundle line (j = 0) or of its j-th item line of order ``idx``."""
    return BUNDLE_LINE_BASE + idx * BUNDLE_LINES_PER_ORDER + j + 1


def line_order_index(line_id: int) -> int:
    """The index of the order a line id belongs to."""
    if line_id > BUNDLE_LINE_BASE:
        return (line_id - BUNDLE_LINE_BASE - 1) // BUNDLE_LINES_PER_ORDER
    return (line_id - 1) // LINES_PER_ORDER


# ---------------------------------------------------------------- shipments, returns, invoices
LINES_PER_SHIPMENT = 8  # shipment line ids: shipment id * 8 + k + 1
LINES_PER_RETURN = 8  # return line ids: return id * 8 + k + 1


def shipment_line_id(shipment_id: int, k: int) -> int:
    return shipment_id * LINES_PER_SHIPMENT + k + 1


def shipment_of_line(line_id: int) -> int:
    return (line_id - 1) // LINES_PER_SHIPMENT


def return_line_id(return_id: int, k: int) -> int:
    return return_id * LINES_PER_RETURN + k + 1


INVOICE_NUMBER_BASE = 1000  # invoice number = 1000 + id
INVOICE_LINES = 8  # invoice line ids: invoice id * 8 + k + 1 (an invoice bills one shipment: at most 8 lines)
INVOICE_PAYMENTS = 4  # invoice payment ids: invoice id * 4 + k + 1


def invoice_number(invoice_id: int) -> int:
    return INVOICE_NUMBER_BASE + invoice_id


def invoice_of_number(number) -> int:
    return int(number) - INVOICE_NUMBER_BASE


def invoice_line_id(invoice_id: int, k: int) -> int:
    return invoice_id * INVOICE_LINES + k + 1


def invoice_payment_id(invoice_id: int, k: int) -> int:
    return invoice_id * INVOICE_PAYMENTS + k + 1


# ---------------------------------------------------------------- people and places
def buyer_id(account_id: int) -> int:
    """The one buyer who places a wholesale account's orders."""
    return account_id * 10 + 1


STATES_PER_COUNTRY = 100  # state id = country id * 100 + k (k = 1..99)


def state_id(country_id: int, k: int) -> int:
    return country_id * STATES_PER_COUNTRY + k
