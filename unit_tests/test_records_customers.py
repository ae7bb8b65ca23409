"""records/customers.py: customers (direct to consumer) and wholesale accounts."""

from __future__ import annotations

import copy
from typing import Any, Callable

from source_centra.streams import STREAMS_BY_NAME
from unit_tests.feeds_builder import PARTITION_STORE
from unit_tests.test_feeds import contract_fields

Nodes = Callable[[str], dict[str, Any]]


def one(stream: str, node: dict[str, Any], extras: dict | None = None) -> dict[str, Any]:
    (record,) = STREAMS_BY_NAME[stream].to_records(node, extras)
    return record


# ---------------------------------------------------------------- customers


def test_given_customer_then_contract_fields_personal_fields_and_billing_dimensions(nodes: Nodes) -> None:
    customer = one("customers", nodes("customers")["registered_with_billing_address"])
    assert contract_fields("customers") <= set(customer)
    assert {k: customer[k] for k in ("id", "email", "first_name", "last_name", "phone_number", "cell_phone_number")} == {
        "id": 4711, "email": "Erik.Sundberg@Example.se", "first_name": "Erik", "last_name": "Sundberg",
        "phone_number": "+46 8 555 012 34", "cell_phone_number": "+46 73 987 65 43"}
    assert (customer["store_id"], customer["store_name"], customer["market_id"], customer["market_name"]) == (
        1, "Retail", 1, "Sweden")
    assert (customer["billing_address1"], customer["billing_address2"], customer["billing_city"],
            customer["billing_zip_code"], customer["billing_country_code"]) == (
        "Hornsgatan 52", "3 tr", "Stockholm", "118 21", "SE")
    assert (customer["total_orders"], customer["is_registered"], customer["is_anonymized"], customer["gender"]) == (
        7, True, False, "MALE")


def test_given_customer_timestamps_with_local_offsets_then_utc_and_birthdate_stays_a_date(nodes: Nodes) -> None:
    customer = one("customers", nodes("customers")["registered_with_billing_address"])
    assert customer["created_at"] == "2023-11-05T08:15:00+00:00"  # +01:00 winter
    assert customer["updated_at"] == "2024-06-02T16:40:00+00:00"  # +02:00 summer
    assert customer["last_login_at"] == "2024-06-02T16:39:12+00:00"  # +0200 without a colon
    assert customer["birthdate"] == "1987-03-21"


def test_given_guest_without_optional_permissions_then_total_orders_and_billing_are_null_not_defaults(nodes: Nodes) -> None:
    """totalOrders needs Customer.totalOrders:read: denied, it is null (never 0)."""
    customer = one("customers", nodes("customers")["guest_without_optional_permissions"])
    assert customer["total_orders"] is None and customer["is_registered"] is False
    assert [customer[k] for k in ("billing_address1", "billing_city", "billing_country_code", "market_id",
                                  "last_login_at", "gender", "birthdate")] == [None] * 7


def test_given_total_orders_pruned_from_the_query_then_null(nodes: Nodes) -> None:
    node = nodes("customers")["registered_with_billing_address"]
    del node["totalOrders"], node["lastLoginAt"], node["cellPhoneNumber"]  # a token or instance without them
    customer = one("customers", node)
    assert (customer["total_orders"], customer["last_login_at"], customer["cell_phone_number"]) == (None, None, None)


def test_given_anonymized_customer_then_it_stays_a_row_marked_anonymized(nodes: Nodes) -> None:
    customer = one("customers", nodes("customers")["anonymized_under_gdpr"])
    assert customer["is_anonymized"] is True and customer["total_orders"] == 0
    assert (customer["first_name"], customer["billing_address1"], customer["billing_country_code"]) == (None, None, "NO")


def test_given_customer_whose_store_the_instance_cannot_return_then_the_partition_store(nodes: Nodes) -> None:
    node = nodes("customers")["registered_with_billing_address"]
    del node["store"]
    customer = one("customers", node, {"store": PARTITION_STORE})
    assert (customer["store_id"], customer["store_name"]) == (999, "Partition store")


# ---------------------------------------------------------------- accounts


def test_given_account_then_store_comes_from_its_market_and_credit_limit_has_its_currency(nodes: Nodes) -> None:
    account = one("accounts", nodes("accounts")["eu_retailer_with_credit_limit"])
    assert contract_fields("accounts") <= set(account)
    assert (account["store_id"], account["store_name"], account["market_id"], account["pricelist_id"]) == (
        2, "Wholesale", 7, 21)
    assert (account["credit_limit"], account["currency"]) == (50000.0, "EUR")
    assert isinstance(account["credit_limit"], float) and account["discount_percent"] == 12.5
    assert account["updated_at"] == "2024-06-03T14:05:00+00:00"


def test_given_account_then_contact_and_emails_are_the_personal_fields_and_company_data_stays(nodes: Nodes) -> None:
    account = one("accounts", nodes("accounts")["eu_retailer_with_credit_limit"])
    assert (account["contact_first_name"], account["contact_last_name"], account["contact_email"],
            account["contact_phone_number"], account["address1"], account["address2"]) == (
        "Johanna", "Berglöf", "johanna.berglof@nordic-outfitters.example", "+46 31 700 88 99", "Södra Hamngatan 37",
        "Box 118")
    assert (account["city"], account["zip_code"], account["country_code"], account["billing_country_code"]) == (
        "Göteborg", "411 06", "SE", "SE")
    assert (account["name"], account["vat_number"]) == ("Nordic Outfitters AB", "SE556677889901")


def test_given_account_without_pricelist_credit_limit_or_address_then_null_not_defaults(nodes: Nodes) -> None:
    account = one("accounts", nodes("accounts")["internal_without_pricelist_or_address"])
    assert [account[k] for k in ("pricelist_id", "pricelist_name", "credit_limit", "currency", "contact_email",
                                 "address1", "country_code", "billing_city")] == [None] * 8
    assert account["discount_percent"] == 0.0 and isinstance(account["discount_percent"], float)
    assert account["is_internal"] is True


def test_given_account_without_market_then_store_and_market_are_null(nodes: Nodes) -> None:
    node = copy.deepcopy(nodes("accounts")["eu_retailer_with_credit_limit"])
    node["market"] = None
    account = one("accounts", node)
    assert (account["store_id"], account["market_id"], account["market_name"]) == (None, None, None)
