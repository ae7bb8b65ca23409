"""records/promotions.py: vouchers and campaigns."""

from __future__ import annotations

from typing import Any, Callable

from source_centra.streams import STREAMS_BY_NAME
from unit_tests.feeds_builder import PARTITION_STORE
from unit_tests.test_feeds import contract_fields

Nodes = Callable[[str], dict[str, Any]]


def one(stream: str, node: dict[str, Any], extras: dict | None = None) -> dict[str, Any]:
    (record,) = STREAMS_BY_NAME[stream].to_records(node, extras)
    return record


def test_given_code_voucher_then_code_window_usage_and_markets(nodes: Nodes) -> None:
    voucher = one("vouchers", nodes("vouchers")["code_voucher_with_usage_cap"])
    assert contract_fields("vouchers") <= set(voucher)
    assert (voucher["code"], voucher["method"], voucher["type"], voucher["status"]) == ("SUMMER20", "CODE", "STANDARD", "ACTIVE")
    assert (voucher["start_at"], voucher["stop_at"]) == ("2024-05-31T22:00:00+00:00", "2024-08-31T21:59:59+00:00")
    assert (voucher["max_usages"], voucher["successful_usages"], voucher["priority"]) == (500, 37, 10)
    assert (voucher["store_id"], voucher["market_ids"]) == (1, [1, 9])


def test_given_automatic_voucher_then_code_is_null_and_unknown_dates_stay_null(nodes: Nodes) -> None:
    voucher = one("vouchers", nodes("vouchers")["automatic_without_code_or_dates"])
    assert (voucher["method"], voucher["code"]) == ("AUTO", None)
    assert (voucher["start_at"], voucher["stop_at"], voucher["created_at"], voucher["max_usages"]) == (None,) * 4
    assert voucher["market_ids"] == []


def test_given_automatic_voucher_that_carries_a_code_then_code_is_still_null(nodes: Nodes) -> None:
    node = {**nodes("vouchers")["automatic_without_code_or_dates"], "code": "INTERNAL-AUTO-62"}
    assert one("vouchers", node)["code"] is None  # the contract: null for automatic vouchers


def test_given_url_voucher_then_its_url_and_no_code(nodes: Nodes) -> None:
    voucher = one("vouchers", nodes("vouchers")["url_voucher"])
    assert (voucher["method"], voucher["url"], voucher["code"]) == ("URL", "newsletter-march", None)
    assert voucher["stop_at"] == "2024-03-31T21:59:59+00:00"  # the day after the spring clock change: +02:00


def test_given_campaign_then_window_in_utc_and_market_and_pricelist_ids(nodes: Nodes) -> None:
    campaign = one("campaigns", nodes("campaigns")["summer_sale"], {"store": PARTITION_STORE})
    assert contract_fields("campaigns") <= set(campaign)
    assert (campaign["start_at"], campaign["stop_at"]) == ("2024-06-19T22:00:00+00:00", "2024-07-10T21:59:59+00:00")
    assert (campaign["market_ids"], campaign["pricelist_ids"]) == ([1], [11, 12])


def test_given_campaign_then_store_is_the_store_partition_it_was_read_in(nodes: Nodes) -> None:
    campaign = one("campaigns", nodes("campaigns")["summer_sale"], {"store": {"id": 1, "name": "Retail"}})
    assert (campaign["store_id"], campaign["store_name"]) == (1, "Retail")
    assert one("campaigns", nodes("campaigns")["summer_sale"])["store_id"] is None  # read without a partition


def test_given_campaign_markets_unknown_then_null_not_empty(nodes: Nodes) -> None:
    node = nodes("campaigns")["ended_without_markets"]
    assert one("campaigns", node)["market_ids"] == []  # Centra says: none
    del node["markets"]  # the instance cannot say
    assert one("campaigns", node)["market_ids"] is None
