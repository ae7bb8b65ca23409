"""Personal data handling (config ``pii_handling``): keep, hash or drop the personal fields.

Applied by the stream to each record after its record function, so the rule lives once and the
record functions stay unaware of it. Pure: a new dict is returned, the input is never mutated.

- ``keep``: values as Centra has them.
- ``hash``: SHA-256 hex digest of the normalised value. Emails are trimmed and lower-cased, other
  values trimmed, so ``" Anna@Example.com"`` on an order and ``"anna@example.com"`` on its items
  hash alike and still join across streams. An unsalted hash is pseudonymisation, not
  anonymisation: anyone holding a list of emails can hash them and match.
- ``drop``: null.

Country, city and zip code are not personal fields here: they are the reporting dimensions
(``shipping_country_code``, ``shipping_city``, ``shipping_zip_code``, customers' ``billing_city`` …)
and stay as they are. A wholesale account's company name and VAT number are not personal either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

MODES = ("keep", "hash", "drop")

PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "orders": (
        "customer_email",
        "shipping_first_name",
        "shipping_last_name",
        "shipping_address1",
        "shipping_address2",
        "shipping_email",
        "shipping_phone_number",
    ),
    "order_items": ("customer_email",),
    "returns": ("customer_email",),
    "customers": (
        "email",
        "first_name",
        "last_name",
        "phone_number",
        "cell_phone_number",
        "birthdate",
        "billing_address1",
        "billing_address2",
    ),
    "accounts": (  # a wholesale account's emails and its address's contact person
        "account_email",
        "billing_email",
        "shipping_email",
        "contact_first_name",
        "contact_last_name",
        "contact_email",
        "contact_phone_number",
        "address1",
        "address2",
    ),
}
EMAIL_FIELDS = frozenset({"customer_email", "shipping_email", "email", "account_email", "billing_email", "contact_email"})


def apply(record: Mapping[str, Any], stream: str, mode: str) -> dict[str, Any]:
    """``record`` with its stream's personal fields kept, hashed or dropped (nulls stay null)."""
    if mode not in MODES:
        raise ValueError(f"unknown personal data mode {mode!r}; expected one of {', '.join(MODES)}")
    fields = PERSONAL_FIELDS.get(stream, ())
    if mode == "keep" or not fields:
        return dict(record)
    changed = {field: _transform(field, record[field], mode) for field in fields if field in record}
    return {**record, **changed}


def pseudonym(field: str, value: str) -> str:
    """SHA-256 hex of the normalised value: ``pseudonym("customer_email", " A@B.se ") == pseudonym(…, "a@b.se")``."""
    normalised = value.strip().lower() if field in EMAIL_FIELDS else value.strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _transform(field: str, value: Any, mode: str) -> Any:
    if value is None or mode == "drop":
        return None
    return pseudonym(field, str(value))
