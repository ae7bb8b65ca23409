"""Promotions: ``vouchers`` and ``campaigns`` (centra-streams.md §10, §11). Voucher usage per order
is on ``orders.voucher_codes``; campaign prices per line on the order lines."""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import to_utc
from source_centra.records.common import Extras, Node, Record, ids, store_id_name

AUTOMATIC = "AUTO"  # VoucherMethod of vouchers applied without a code (centra-api §9.6: CODE, URL vouchers)


def vouchers(voucher: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per voucher; ``code`` is null for automatic vouchers (they have none to enter)."""
    method = voucher["method"]
    yield {
        "id": voucher["id"],
        "name": voucher["name"],
        "code": None if method == AUTOMATIC or not voucher["code"] else voucher["code"],
        "method": method,
        "type": voucher["type"],
        "status": voucher["status"],
        "start_at": to_utc(voucher["startAt"]),
        "stop_at": to_utc(voucher["stopAt"]),
        "created_at": to_utc(voucher.get("createdAt")),
        "updated_at": to_utc(voucher["updatedAt"]),
        **store_id_name(voucher, extras),
        "market_ids": ids(voucher.get("markets")),
        "url": voucher.get("url"),
        "max_usages": voucher.get("maxUsages"),
        "successful_usages": voucher.get("successfulUsages"),
        "priority": voucher.get("priority"),
        "reuse": voucher.get("reuse"),
        "combine_with_other_vouchers": voucher.get("combineWithOtherVouchers"),
    }


def campaigns(campaign: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per campaign; its store is the store partition it was read in (Campaign has no
    store field)."""
    yield {
        "id": campaign["id"],
        "name": campaign["name"],
        "status": campaign["status"],
        "start_at": to_utc(campaign["startAt"]),
        "stop_at": to_utc(campaign["stopAt"]),
        "created_at": to_utc(campaign.get("createdAt")),
        "updated_at": to_utc(campaign["updatedAt"]),
        **store_id_name(campaign, extras),
        "market_ids": ids(campaign.get("markets")),
        "pricelist_ids": ids(campaign.get("pricelists")),
    }
