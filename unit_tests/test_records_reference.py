"""records/reference.py: countries (markets and stores are in test_records.py)."""

from __future__ import annotations

from typing import Any, Callable

from source_centra.records import reference

Nodes = Callable[[str], dict[str, Any]]


def test_given_countries_then_each_is_keyed_by_its_iso_code(nodes: Nodes) -> None:
    countries = [record for node in nodes("countries").values() for record in reference.countries(node)]
    assert [c["code"] for c in countries] == ["SE", "US", "AQ"]
    sweden = countries[0]
    assert sweden == {"code": "SE", "name": "Sweden", "id": 201, "is_eu": True, "continent": "Europe", "states": []}


def test_given_country_with_states_then_their_codes_and_names(nodes: Nodes) -> None:
    (usa,) = reference.countries(nodes("countries")["united_states_with_states"])
    assert usa["states"] == [{"code": "CA", "name": "California"}, {"code": "NY", "name": "New York"}]


def test_given_country_whose_states_or_continent_are_unknown_then_null_not_empty(nodes: Nodes) -> None:
    node = nodes("countries")["without_continent"]
    del node["states"]
    (country,) = reference.countries(node)
    assert (country["continent"], country["states"]) == (None, None)
