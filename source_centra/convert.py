"""Leaf rules for turning Centra API values into record values; each rule lives here once.

Pure functions, no I/O. See /work/shared/centra-api.md:
- §8 Dates: ``DateTimeTz`` outputs carry the instance's local offset (``+02:00`` or ``+0200``);
  records hold UTC, ISO 8601 with an explicit ``+00:00``.
- §9.4 Money: ``MonetaryValue { value currency { code } }``; ``currencyBaseRate`` /
  ``conversionRate`` convert the order currency to the base currency *by multiplication*
  (amount in base currency = value × rate).
- §9.1/§9.2 Interfaces: the store type and the order line type follow from the object's type.

Money arithmetic is done in ``Decimal`` (from the value's shortest ``repr``) and rounded half-up
to 2 decimals, so ``1250 × 0.0871`` is 108.88 rather than a float artefact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_DATETIME = re.compile(
    r"""^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
        [T\ ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?
        \s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)$""",
    re.VERBOSE,
)
_CENT = Decimal("0.01")


# ---------------------------------------------------------------- time

def to_utc(value: str | None) -> str | None:
    """Centra ``DateTimeTz`` → UTC ISO 8601 with offset, e.g. ``+02:00`` 10:00 → ``08:00+00:00``.

    Accepts ``+HH:MM``, ``+HHMM``, ``+HH`` and ``Z`` offsets, ``T`` or space separators and
    fractional seconds. A value without an offset is an error: Centra always sends one, and
    guessing the shop's time zone would silently shift every timestamp (centra-api.md §8).
    """
    if value is None:
        return None
    match = _DATETIME.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not a Centra date-time with a UTC offset: {value!r}")
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    local = datetime(
        int(parts["year"]), int(parts["month"]), int(parts["day"]),
        int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0), int(fraction or 0),
        tzinfo=_offset(parts["offset"]),
    )
    return local.astimezone(timezone.utc).isoformat()


def _offset(text: str) -> timezone:
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"not a UTC offset: {text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# ---------------------------------------------------------------- money

def money(mv: Mapping[str, Any] | None) -> float | None:
    """``MonetaryValue`` → its amount as a number (``{"value": 700}`` → ``700.0``)."""
    if not mv or mv.get("value") is None:
        return None
    return float(mv["value"])


def number(value: float | int | None) -> float | None:
    """A GraphQL ``Float`` as a float: JSON may carry ``20`` for 20.0 (rates, percents)."""
    return None if value is None else float(value)


def currency_code(mv: Mapping[str, Any] | None) -> str | None:
    """``MonetaryValue`` → ISO currency code of ``currency { code }``."""
    return code((mv or {}).get("currency"))


def base_amount(value: float | None, rate: float | None) -> float | None:
    """Amount in the base currency: ``value × rate``, rounded half-up to 2 decimals."""
    if value is None or rate is None:
        return None
    return round_money(_decimal(value) * _decimal(rate))


def difference(minuend: float | None, subtrahend: float | None) -> float | None:
    """``minuend − subtrahend`` to the cent, e.g. line value minus line value ex tax."""
    if minuend is None or subtrahend is None:
        return None
    return round_money(_decimal(minuend) - _decimal(subtrahend))


def times(amount: float | None, factor: float | None) -> float | None:
    """``amount × factor`` to the cent, e.g. a unit discount times the quantity."""
    if amount is None or factor is None:
        return None
    return round_money(_decimal(amount) * _decimal(factor))


def ex_tax(amount: float | None, tax_percent: float | None) -> float | None:
    """An amount including tax → excluding it: ``amount / (1 + tax_percent / 100)`` to the cent.

    Used where Centra gives no ex-tax variant (an instance whose ``lineValue`` takes no
    ``includingTax`` argument): 125.00 at 25 % → 100.00.
    """
    if amount is None or tax_percent is None:
        return None
    return round_money(_decimal(amount) / (1 + _decimal(tax_percent) / 100))


def money_sum(amounts: list[float | None] | None) -> float | None:
    """The sum of amounts to the cent (an invoice's payments); None when the list or any amount is unknown."""
    if amounts is None or any(amount is None for amount in amounts):
        return None
    return round_money(sum((_decimal(amount) for amount in amounts), Decimal(0)))


def round_money(amount: Decimal | float | None) -> float | None:
    """Round half-up to 2 decimals; never ``-0.0``."""
    if amount is None:
        return None
    rounded = _decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    return float(rounded) + 0.0


def _decimal(number: Decimal | float | int) -> Decimal:
    return number if isinstance(number, Decimal) else Decimal(repr(number))


# ---------------------------------------------------------------- references and types

def ref_id(obj: Mapping[str, Any] | None) -> Any:
    """A referenced object's ``id``, or None when the reference is null."""
    return obj.get("id") if obj else None


def code(obj: Mapping[str, Any] | None) -> str | None:
    """A referenced object's ``code`` (country, currency), or None."""
    return obj.get("code") if obj else None


def name(obj: Mapping[str, Any] | None) -> str | None:
    """A referenced object's ``name`` (store, market, pricelist), or None."""
    return obj.get("name") if obj else None


def dig(obj: Mapping[str, Any] | None, *keys: str) -> Any:
    """``obj[k1][k2]…``, None as soon as a step is null: ``dig(order, "shippingAddress", "city")``."""
    for key in keys:
        if not obj:
            return None
        obj = obj.get(key)
    return obj


_STORE_TYPE_BY_PREFIX = (("DirectToConsumer", "DIRECT_TO_CONSUMER"), ("Wholesale", "WHOLESALE"))


def store_type(node: Mapping[str, Any]) -> str | None:
    """``DIRECT_TO_CONSUMER`` or ``WHOLESALE`` for an order, return or shipment.

    ``store { type }`` when selected, else the implementing type (``WholesaleOrder`` …).
    """
    selected = dig(node, "store", "type")
    if selected:
        return selected
    typename = node.get("__typename") or ""
    return next((kind for prefix, kind in _STORE_TYPE_BY_PREFIX if typename.startswith(prefix)), None)


def line_type(typename: str | None) -> str | None:
    """``ProductOrderLine`` → ``product``, ``GiftCertificateOrderLine`` → ``gift_certificate``."""
    if not typename:
        return None
    return snake_case(typename.removesuffix("OrderLine")) or None


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(identifier: str) -> str:
    """``currencyBaseRate`` → ``currency_base_rate``; ``SKU`` → ``sku``."""
    return _CAMEL_BOUNDARY.sub("_", identifier).lower()
