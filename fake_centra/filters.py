"""The rules every list of the fake shares, whatever holds its rows (column tables in ``query``,
small lists in ``listing``, attribute lists in ``attributes``): the validation error, string
matching (``StringMatch``), a numeric range, and 1-based ``limit``/``page`` paging."""

from __future__ import annotations

from typing import Any

import numpy as np
from graphql import GraphQLError

DEFAULT_LIMIT = 1000  # rows of a top-level list without `limit`


def bad(msg: str) -> GraphQLError:
    return GraphQLError(msg, extensions={"category": "validation"})


def as_list(v: Any) -> list:
    return v if isinstance(v, list) else [v]


def string_match(text: str | None, match: dict) -> bool:
    """Whether ``text`` passes a ``StringMatch`` input (equals / contains (any case) / startsWith / endsWith)."""
    text = text or ""
    if match.get("equals") is not None:
        return text == match["equals"]
    if match.get("contains") is not None:
        return match["contains"].lower() in text.lower()
    if match.get("startsWith") is not None:
        return text.startswith(match["startsWith"])
    if match.get("endsWith") is not None:
        return text.endswith(match["endsWith"])
    return True


def range_mask(col: np.ndarray, rng: dict) -> np.ndarray:
    """Rows of ``col`` inside an inclusive ``{from, to}`` range (either end may be missing)."""
    mask = np.ones(len(col), dtype=bool)
    if rng.get("from") is not None:
        mask &= col >= rng["from"]
    if rng.get("to") is not None:
        mask &= col <= rng["to"]
    return mask


def page_rows(rows, limit: int | None, page: int | None, default: int = DEFAULT_LIMIT):
    """The rows (a list or an array) of the 1-based ``page`` of ``limit`` rows."""
    if limit is None:
        limit = default
    if limit < 1:
        raise bad("Limit must be a positive integer.")
    page = page or 1
    if page < 1:
        raise bad("Page must be 1 or greater.")
    start = (page - 1) * limit
    return rows[start:start + limit]
