"""Wholesale invoicing: ``invoices``, their lines (with cost of goods) and payments nested
(centra-streams.md §5).

Money is in the invoice's currency (``currency``, from its grand total) with ``currency_base_rate``;
the header's money fields also as ``x_base`` in ``base_currency``. ``total`` includes tax,
``total_ex_tax`` does not; lines' ``unit_price_ex_tax`` is Centra's default (includingTax = false)
and ``line_value``/``cogs`` are as Centra gives them (their tax basis is not documented).
"""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import code, currency_code, dig, money, money_sum, name, number, ref_id, to_utc
from source_centra.records.common import Extras, Node, Record, base_amounts, base_currency, ids, store_id_name


def invoices(invoice: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per invoice; ``order_ids``/``shipment_ids`` reference what it bills, ``lines`` join
    to order_items by ``order_line_id``, ``paid_amount`` is the sum of its payments' amounts."""
    rate = number(invoice.get("currencyBaseRate"))
    lines, payments = invoice["lines"], invoice["payments"]
    payment_records = None if payments is None else [_payment(payment) for payment in payments]
    amounts = {
        "total": money(invoice["grandTotal"]),
        "total_ex_tax": money(invoice.get("grandTotalExTax")),
        "paid_amount": None if payment_records is None else money_sum([p["amount"] for p in payment_records]),
    }
    yield {
        "id": invoice["id"],
        "number": invoice["number"],
        "type": invoice.get("type"),
        "status": invoice["status"],
        "is_draft": invoice.get("isDraft"),
        "created_at": to_utc(invoice["createdAt"]),
        "updated_at": to_utc(invoice["updatedAt"]),
        "due_date": invoice["dueDate"],
        "order_date": invoice.get("orderDate"),
        "is_overdue": invoice["isOverdue"],
        "purchase_order_number": invoice.get("purchaseOrderNumber"),
        "our_reference": invoice.get("ourReference"),
        "pdf_url": invoice.get("pdfUrl"),
        **store_id_name(invoice, extras),
        "account_id": ref_id(invoice["account"]),
        "account_name": name(invoice["account"]),
        "billing_country_code": code(dig(invoice, "billingAddress", "country")),
        "order_ids": ids(invoice["orders"]),
        "shipment_ids": ids(invoice.get("shipments")),
        "currency": currency_code(invoice["grandTotal"]),
        "currency_base_rate": rate,
        "base_currency": base_currency(extras),
        **amounts,
        **base_amounts(amounts, rate),
        "lines": None if lines is None else [_line(line) for line in lines],
        "payments": payment_records,
    }


def _line(line: Node) -> Record:
    return {
        "line_id": line.get("id"),
        "order_line_id": ref_id(line["orderLine"]),
        "quantity": line["quantity"],
        "product_number": line.get("productNumber"),
        "product_name": line.get("productName"),
        "variant_name": line.get("productVariantName"),
        "size": line.get("size"),
        "brand": line.get("brandName"),
        "unit_price_ex_tax": money(line.get("unitPrice")),
        "line_value": money(line["lineValue"]),
        "cogs": money(line["cogs"]),
        "discount_percent": number(line.get("discountPercent")),
        "tax_percent": number(line.get("taxPercent")),
    }


def _payment(payment: Node) -> Record:
    return {
        "id": payment["id"],
        "type": payment["type"],
        "amount": money(payment["value"]),
        "payment_date": payment.get("paymentDate"),
        "created_at": to_utc(payment["createdAt"]),
    }
