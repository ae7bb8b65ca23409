"""connector-contract.md (in ../shared beside the checkout) as data: the stream tables' names, primary
keys and cursors, for the tests that check the rows of ``streams.STREAMS`` against the contract.

Tests that need it skip, saying why, where the contract is not beside the checkout.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CONTRACT = Path(__file__).parents[2] / "shared" / "connector-contract.md"
MISSING = f"connector-contract.md not found at {CONTRACT} (../shared beside the checkout)"


@dataclass(frozen=True)
class ContractStream:
    name: str
    section: str  # the heading of the table it is in
    primary_key: tuple[str, ...]
    cursor: str | None  # None: full refresh only


def streams() -> dict[str, ContractStream]:
    """Every stream of every ``| stream | grain | primary key | cursor | …`` table, in contract order."""
    out: dict[str, ContractStream] = {}
    section = ""
    header: list[str] | None = None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section, header = line.lstrip("# ").strip(), None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        if set("".join(cells)) <= set("-: ") or header[:4] != ["stream", "grain", "primary key", "cursor"]:
            continue
        name = cells[0].strip("`")
        key = tuple(re.findall(r"[a-z_]+", cells[2]))
        cursor = re.match(r"`([a-z_]+)`", cells[3])
        out[name] = ContractStream(name, section, key, cursor.group(1) if cursor else None)
    return out


def supermetrics_streams() -> set[str]:
    """The streams every token must be able to read: the first stream table (Supermetrics' set)."""
    table = streams()
    first = next(iter(table.values())).section
    return {name for name, stream in table.items() if stream.section == first}
