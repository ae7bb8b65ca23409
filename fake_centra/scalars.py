"""Custom scalars: DateTimeTz (Centra's date-time with the shop's UTC offset), Date, Int64.

Output: date-times are rendered in the shop's time zone (Europe/Stockholm) with its offset, e.g.
``2024-06-01T10:00:00+02:00``; output fields accept a PHP ``date()`` format string.

Input: ISO 8601 with ``T`` or a space, optional fractional seconds, optional offset (``Z``,
``+01:00``, ``+0100``) or a plain date. Values with an offset are honoured; naive values are read
in Europe/Stockholm (ambiguous autumn hours take the first occurrence, ``fold=0``).

graphql-core 3.3 reads variables through ``parse_value``/``coerce_input_value`` and inline
literals through ``coerce_input_literal`` (or the legacy ``parse_literal``); all are set here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from graphql import GraphQLSchema, StringValueNode, ValueNode

from . import clock

SHOP_TZ = ZoneInfo("Europe/Stockholm")
UTC = timezone.utc
DEFAULT_FORMAT = "Y-m-d\\TH:i:sP"

_INPUT_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?\s*$"
)


def parse_datetime_input(text: str) -> datetime:
    """Parse a DateTimeTz input string into an aware UTC datetime."""
    if not isinstance(text, str):
        raise TypeError(f"DateTimeTz cannot represent a non-string value: {text!r}")
    m = _INPUT_RE.match(text)
    if not m:
        raise ValueError(f"DateTimeTz cannot parse {text!r}; use e.g. 2024-06-01T10:00:00+02:00")
    y, mo, d, hh, mi, ss, frac, off = m.groups()
    micro = int((frac or "0").ljust(6, "0")[:6])
    naive = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), micro)
    if off is None:
        local = naive.replace(tzinfo=SHOP_TZ)
    elif off in ("Z", "z"):
        local = naive.replace(tzinfo=UTC)
    else:
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        local = naive.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    return clock.from_api(local.astimezone(UTC))


def to_local(value: Any) -> datetime:
    """An aware datetime (or epoch seconds) in the shop's time zone."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, SHOP_TZ)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHOP_TZ)


def _offset(dt: datetime, colon: bool) -> str:
    total = int(dt.utcoffset().total_seconds())  # type: ignore[union-attr]
    sign = "-" if total < 0 else "+"
    h, m = divmod(abs(total) // 60, 60)
    return f"{sign}{h:02d}:{m:02d}" if colon else f"{sign}{h:02d}{m:02d}"


_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]

_PHP = {
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "H": lambda d: f"{d.hour:02d}",
    "G": lambda d: str(d.hour),
    "h": lambda d: f"{(d.hour % 12) or 12:02d}",
    "g": lambda d: str((d.hour % 12) or 12),
    "i": lambda d: f"{d.minute:02d}",
    "s": lambda d: f"{d.second:02d}",
    "u": lambda d: f"{d.microsecond:06d}",
    "v": lambda d: f"{d.microsecond // 1000:03d}",
    "A": lambda d: "AM" if d.hour < 12 else "PM",
    "a": lambda d: "am" if d.hour < 12 else "pm",
    "P": lambda d: _offset(d, True),
    "O": lambda d: _offset(d, False),
    "T": lambda d: d.tzname() or "",
    "e": lambda d: "Europe/Stockholm",
    "Z": lambda d: str(int(d.utcoffset().total_seconds())),  # type: ignore[union-attr]
    "U": lambda d: str(int(d.timestamp())),
    "D": lambda d: _DAYS[d.weekday()][:3],
    "l": lambda d: _DAYS[d.weekday()],
    "N": lambda d: str(d.isoweekday()),
    "w": lambda d: str(d.isoweekday() % 7),
    "M": lambda d: _MONTHS[d.month - 1][:3],
    "F": lambda d: _MONTHS[d.month - 1],
    "t": lambda d: str(((d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day),
    "L": lambda d: "1" if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else "0",
    "I": lambda d: "1" if d.dst() else "0",
    "c": lambda d: d.isoformat(timespec="seconds"),
}


def php_format(dt: datetime, fmt: str) -> str:
    """Render ``dt`` with a PHP ``date()`` format string (backslash escapes a character)."""
    out = []
    escape = False
    for ch in fmt:
        if escape:
            out.append(ch)
            escape = False
        elif ch == "\\":
            escape = True
        else:
            fn = _PHP.get(ch)
            out.append(fn(dt) if fn else ch)
    return "".join(out)


def format_datetime(value: Any, fmt: str | None = None) -> str | None:
    """Render a UTC datetime/epoch in the shop's zone; default ``Y-m-d\\TH:i:sP``."""
    if value is None:
        return None
    local = to_local(clock.to_api(value))
    if fmt is None or fmt == DEFAULT_FORMAT:
        return local.isoformat(timespec="seconds")
    return php_format(local, fmt)


# ---------------------------------------------------------------- graphql-core hooks


def _serialize_datetime(value: Any) -> str:
    if isinstance(value, str):  # resolvers already applied a format
        return value
    if isinstance(value, (datetime, int, float)):
        return format_datetime(value)  # type: ignore[return-value]
    raise TypeError(f"DateTimeTz cannot represent {value!r}")


def _parse_datetime_literal(node: ValueNode, _variables: Any = None) -> datetime:
    if not isinstance(node, StringValueNode):
        raise TypeError("DateTimeTz must be a string")
    return parse_datetime_input(node.value)


def _serialize_date(value: Any) -> str:
    if isinstance(value, datetime):
        return to_local(clock.to_api(value)).date().isoformat()
    if isinstance(value, date):
        return clock.to_api(value).isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"Date cannot represent {value!r}")


def _parse_date(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError("Date must be a string")
    return clock.from_api(date.fromisoformat(value.strip()[:10]))


def _parse_date_literal(node: ValueNode, _variables: Any = None) -> date:
    if not isinstance(node, StringValueNode):
        raise TypeError("Date must be a string")
    return _parse_date(node.value)


def _parse_int64(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("Int64 must be an integer")
    return int(value)


def _parse_int64_literal(node: ValueNode, _variables: Any = None) -> int:
    return _parse_int64(getattr(node, "value", None))


def install_scalars(schema: GraphQLSchema) -> None:
    """Attach coercion functions to the SDL-declared scalars (both 3.3 and legacy hooks)."""
    hooks = {
        "DateTimeTz": (_serialize_datetime, parse_datetime_input, _parse_datetime_literal),
        "Date": (_serialize_date, _parse_date, _parse_date_literal),
        "Int64": (int, _parse_int64, _parse_int64_literal),
    }
    for name, (serialize, parse_value, parse_literal) in hooks.items():
        scalar = schema.type_map[name]
        scalar.serialize = serialize  # type: ignore[attr-defined]
        scalar.coerce_output_value = serialize  # type: ignore[attr-defined]
        scalar.parse_value = parse_value  # type: ignore[attr-defined]
        scalar.coerce_input_value = parse_value  # type: ignore[attr-defined]
        scalar.parse_literal = parse_literal  # type: ignore[attr-defined]
        scalar.coerce_input_literal = parse_literal  # type: ignore[attr-defined]
