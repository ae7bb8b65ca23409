"""The fake's calendar: its generated history ends 2025-12-31 (``generator.EPOCH_END``), so tests see the
same data every day. ``fake-centra serve --history-end today`` (the demo) moves the whole history, as
the API shows it, by whole days so that it ends at the end of yesterday (UTC): orders created during
the demo then continue it instead of following it after a gap.

The move happens only where time crosses the API: date-times and dates the API returns are shifted
forward, date-times it is given (filters) back, and a mutation's "now" is taken back too. Inside, the
data keep their generated times, so ``fake.data`` views, ids and every relation are unchanged. One
shift per process (the scalars are shared by every schema the process builds); it is 0 unless set.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

from .generator import EPOCH_END

_DAY = 86400
_shift_days = 0


def set_history_end(day: date | None) -> int:
    """Shift the API's calendar so the history ends on ``day`` (None: the generated end); returns the
    shift in days."""
    global _shift_days
    generated_end = datetime.fromtimestamp(EPOCH_END, timezone.utc).date()
    _shift_days = 0 if day is None else (day - generated_end).days
    return _shift_days


def parse_history_end(text: str) -> date | None:
    """``today`` (the end of yesterday, UTC, so today's new orders are the newest), ``YYYY-MM-DD`` or ``generated``."""
    if text == "generated":
        return None
    if text == "today":
        return datetime.now(timezone.utc).date() - timedelta(days=1)
    return date.fromisoformat(text)


def shift_seconds() -> int:
    return _shift_days * _DAY


def now() -> int:
    """The current time as the data record it (epoch seconds)."""
    return int(time.time()) - shift_seconds()


def epoch(at=None) -> int:
    """A mutation's time as the data record it: ``at`` (a datetime or epoch seconds), or now."""
    if at is None:
        return now()
    if isinstance(at, datetime):
        return int(at.timestamp())
    return int(at)


def to_api(value):
    """A stored time (epoch seconds or datetime) as the API shows it."""
    if not _shift_days or value is None:
        return value
    if isinstance(value, (int, float)):
        return value + shift_seconds()
    return value + timedelta(days=_shift_days)


def from_api(value):
    """A date-time or date the API was given, in the data's calendar."""
    return value - timedelta(days=_shift_days) if _shift_days else value
