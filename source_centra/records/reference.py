"""Reference data: ``markets``, ``stores`` (centra-api.md §9.12) and ``countries`` (centra-streams.md §12)."""

from __future__ import annotations

from collections.abc import Iterator

from source_centra.convert import code, name, ref_id
from source_centra.records.common import Extras, Node, Record, store_of


# ---------------------------------------------------------------- markets, stores, countries

def markets(market: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per market with the ISO codes of the countries assigned to it."""
    countries = market.get("assignedToCountries")
    yield {
        "id": market["id"],
        "name": market.get("name"),
        "store_id": ref_id(store_of(market, extras)),
        "store_name": name(store_of(market, extras)),
        "country_codes": None if countries is None else [code(country) for country in countries],
    }


def stores(store: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per store; ``store_id`` repeats ``id`` so every store-scoped stream has it."""
    yield {
        "id": store["id"],
        "store_id": store["id"],
        "name": store.get("name"),
        "type": store.get("type"),
    }


def countries(country: Node, extras: Extras | None = None) -> Iterator[Record]:
    """One record per country, keyed by its ISO code; its states (where it has any) as an array."""
    states = country.get("states")
    yield {
        "code": country["code"],
        "name": country["name"],
        "id": country.get("id"),
        "is_eu": country.get("isEU"),
        "continent": country.get("continent"),
        "states": None if states is None else [{"code": state.get("code"), "name": state.get("name")} for state in states],
    }
