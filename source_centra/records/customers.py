"""Who buys: ``customers`` (direct-to-consumer) and ``accounts`` (wholesale), centra-streams.md §3, §4.

Personal fields (emails, names, phone numbers, address lines, birthdate) are emitted as Centra has
them; the row's ``personal`` (streams.py) names them and ``privacy.apply`` hashes or drops them afterwards.
City, zip code and country stay: they are reporting dimensions.
"""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import code, currency_code, dig, money, name, number, ref_id, to_utc
from source_centra.records.common import Extras, Node, Record, store_id_name


def customers(customer: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per customer. GDPR-anonymized customers stay as rows (``is_anonymized``);
    ``total_orders`` is null without Customer.totalOrders:read, ``birthdate`` a ``YYYY-MM-DD`` date."""
    billing = customer.get("billingAddress")
    market = customer["market"]
    yield {
        "id": customer["id"],
        "email": customer["email"],
        "first_name": customer["firstName"],
        "last_name": customer["lastName"],
        "phone_number": customer.get("phoneNumber"),
        "cell_phone_number": customer.get("cellPhoneNumber"),
        "status": customer.get("status"),
        "created_at": to_utc(customer["createdAt"]),
        "updated_at": to_utc(customer["updatedAt"]),
        "last_login_at": to_utc(customer.get("lastLoginAt")),
        **store_id_name(customer, extras),
        "market_id": ref_id(market),
        "market_name": name(market),
        "total_orders": customer.get("totalOrders"),
        "is_registered": customer["isRegistered"],
        "is_anonymized": customer.get("isAnonymized"),
        "gender": customer.get("gender"),
        "birthdate": customer.get("birthdate"),
        "billing_address1": dig(billing, "address1"),
        "billing_address2": dig(billing, "address2"),
        "billing_city": dig(billing, "city"),
        "billing_zip_code": dig(billing, "zipCode"),
        "billing_country_code": code(dig(billing, "country")),
    }


def accounts(account: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per wholesale account. Its store is its market's store (AccountFilter has no
    storeId); ``credit_limit`` is in ``currency``, the credit limit's own currency."""
    market = account["market"]
    store = dig(market, "store")
    address = account.get("accountAddress")
    yield {
        "id": account["id"],
        "name": account["name"],
        "status": account["status"],
        "created_at": to_utc(account["createdAt"]),
        "updated_at": to_utc(account["updatedAt"]),
        "store_id": ref_id(store),
        "store_name": name(store),
        "market_id": ref_id(market),
        "market_name": name(market),
        "pricelist_id": ref_id(account["pricelist"]),
        "pricelist_name": name(account["pricelist"]),
        "discount_percent": number(account["discountPercent"]),
        "is_discount_visible": account.get("isDiscountVisible"),
        "account_email": account.get("accountEmail"),
        "billing_email": account.get("billingEmail"),
        "shipping_email": account.get("shippingEmail"),
        "vat_number": account.get("vatNumber"),
        "website_url": account.get("websiteUrl"),
        "external_id": account.get("externalId"),
        "allow_consignation": account.get("allowConsignation"),
        "apply_credit_limit": account.get("applyCreditLimit"),
        "block_if_unpaid_invoices": account.get("blockIfUnpaidInvoices"),
        "has_brands_restriction": account.get("hasBrandsRestriction"),
        "is_internal": account.get("isInternal"),
        "credit_limit": money(account.get("creditLimit")),
        "currency": currency_code(account.get("creditLimit")),
        "contact_first_name": dig(address, "firstName"),
        "contact_last_name": dig(address, "lastName"),
        "contact_email": dig(address, "email"),
        "contact_phone_number": dig(address, "phoneNumber"),
        "address1": dig(address, "address1"),
        "address2": dig(address, "address2"),
        "city": dig(address, "city"),
        "zip_code": dig(address, "zipCode"),
        "country_code": code(dig(address, "country")),
        "billing_city": dig(account, "billingAddress", "city"),
        "billing_country_code": code(dig(account, "billingAddress", "country")),
    }
