"""Introspection helpers for the schema-profile tests (a uniquely named module, importable from tests)."""

from __future__ import annotations

from fake_client import Client

TYPE_QUERY = """query($n: String!) { __type(name: $n) {
  name kind
  fields { name args { name } }
  inputFields { name }
  enumValues { name }
  interfaces { name }
  possibleTypes { name } } }"""


def type_info(client: Client, name: str) -> dict | None:
    return client.data(TYPE_QUERY, {"n": name})["__type"]


def has(client: Client, coordinate: str) -> bool:
    """Whether the served schema has ``Type``, ``Type.field``, ``Type.field(arg:)`` or ``Enum.VALUE``."""
    type_name, _, rest = coordinate.partition(".")
    t = type_info(client, type_name)
    if t is None or not rest:
        return t is not None
    member, _, arg = rest.partition("(")
    if t["kind"] == "ENUM":
        return member in {v["name"] for v in t["enumValues"]}
    field = next((f for f in t["fields"] or () if f["name"] == member), None)
    if field is None or not arg:
        return field is not None
    return arg.rstrip(":)") in {a["name"] for a in field["args"]}


def field_names(client: Client, type_name: str) -> set[str]:
    return {f["name"] for f in type_info(client, type_name)["fields"]}
