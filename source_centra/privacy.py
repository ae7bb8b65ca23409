"""Personal data handling (config ``pii_handling``): keep, hash or drop the personal fields.

Applied by the stream to each record after its record function, so the rule lives once and the
record functions stay unaware of it. Which fields are personal is said on each stream's row
(``StreamSpec.personal``). Pure: a new dict is returned, the input is never mutated.

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

from source_centra.streams import STREAMS_BY_NAME

MODES = ("keep", "hash", "drop")


def is_email(field: str) -> bool:
    """Email fields are compared case-insensitively: ``email`` and every ``*_email``."""
    return field == "email" or field.endswith("_email")


def apply(record: Mapping[str, Any], stream: str, mode: str) -> dict[str, Any]:
    """``record`` with its stream's personal fields kept, hashed or dropped (nulls stay null)."""
    if mode not in MODES:
        raise ValueError(f"unknown personal data mode {mode!r}; expected one of {', '.join(MODES)}")
    fields = STREAMS_BY_NAME[stream].personal
    if mode == "keep" or not fields:
        return dict(record)
    changed = {field: _transform(field, record[field], mode) for field in fields if field in record}
    return {**record, **changed}


def pseudonym(field: str, value: str) -> str:
    """SHA-256 hex of the normalised value: ``pseudonym("customer_email", " A@B.se ") == pseudonym(…, "a@b.se")``."""
    normalised = value.strip().lower() if is_email(field) else value.strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _transform(field: str, value: Any, mode: str) -> Any:
    if value is None or mode == "drop":
        return None
    return pseudonym(field, str(value))
