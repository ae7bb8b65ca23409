"""Schema profiles: the full SDL (``schema.graphql``) minus a readable list of schema coordinates.

A profile is a list of coordinates removed from the full SDL by an AST edit when the schema is
built, so an "older or leaner" Centra instance is described by what it lacks, each line with the
evidence that makes the coordinate doubtful. Coordinates:

- ``Type``: the type, and every field, argument, input field, union member and ``implements``
  entry that refers to it.
- ``Type.field``: one field of an object, interface or input type. On an interface it removes the
  interface's field only; implementations are separate entries.
- ``Type.field(arg:)``: one argument.
- ``Enum.VALUE``: one enum value; defaults that used it lose it (a default that becomes empty is
  removed).

``schema_drop`` applies extra coordinates on top of a profile (e.g. ``ReturnLine.quantity``).
``schema_retype`` gives fields another type, e.g. ``{"GiftCertificateOrderLine.productNumber": "String"}``
(nullability) or ``"[String!]"`` (list-ness): an instance whose line types declare a shared field
differently. Retypes apply before the drops; the result must still be a valid schema (an
implementation's field may not be weaker than its interface's: retype or drop that too).
Unknown or malformed coordinates raise ``SchemaEditError`` (a ``ValueError``), and so does an edit
that leaves an invalid schema (e.g. an object field removed while its interface keeps it).

The ``unknown_enum`` knob adds enum values the connector has never seen (``UNKNOWN_ENUM_VALUES``)
before the removals.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    EnumValueNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    assert_valid_schema,
    build_ast_schema,
    parse,
    parse_type,
    print_ast,
)

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")

# Each line: a coordinate removed from the full SDL, and why (the evidence section that marks it
# unconfirmed). The connector must live without every one of them.
PROFILES: dict[str, tuple[str, ...]] = {
    "full": (),
    "lean": (
        # evidence §2, streams §14: the type exists (S21) but no call is seen; guides use products(...)
        "Query.productConnection",
        # evidence §2, streams §14: only the ShipmentConnection type is known
        "Query.shipmentConnection",
        # evidence §2: Shipment.store is unconfirmed (the interface and both implementations)
        "Shipment.store",
        "DirectToConsumerShipment.store",
        "WholesaleShipment.store",
        # evidence §2; streams §14: not checked, probably absent as on OrderTotals.lineValues
        "ReturnTotals.lineValues(includingTax:)",
        # evidence §2: order/shipment on the Return interface come from one third-party client
        # (the interface only: DirectToConsumerReturn and WholesaleReturn keep them)
        "Return.order",
        "Return.shipment",
        # evidence §2: seen on orders; the documented orderConnection example sorts orderDate_ASC
        "OrderSort.number_ASC",
        # evidence §2: sort: [id_ASC] is unconfirmed on returns, payment history, stores, products
        # and shipments (updatedAt_ASC stays on products and shipments: changelog v0.11.4, streams §1)
        "ReturnSort.id_ASC",
        "PaymentHistoryEntrySort.id_ASC",
        "StoreSort.id_ASC",
        "ProductSort.id_ASC",
        "ShipmentSort.id_ASC",
        # evidence §2: the arguments of currencies(limit:) are unconfirmed
        "Query.currencies(limit:)",
        # evidence §2, streams §14: fields unreadable past the shared prefix (lean generates none)
        "GiftCertificateOrderLine",
        # evidence §2 lists it among the unconfirmed selections (the interface and both implementations)
        "Order.discountsApplied",
        "DirectToConsumerOrder.discountsApplied",
        "WholesaleOrder.discountsApplied",
        # evidence §1: known only from selections (guides' and third-party fragments), no type page;
        # an older instance may lack it [I]
        "AttributeImageElement",
        # streams §1: whether updatedAt_* (and createdAt_* on customers) exist on these sorts is
        # unknown; an incremental stream filters on updatedAt and sorts id_ASC, which is safe
        "CustomerSort.updatedAt_ASC",
        "CustomerSort.updatedAt_DESC",
        "CustomerSort.createdAt_ASC",
        "CustomerSort.createdAt_DESC",
        "AccountSort.updatedAt_ASC",
        "AccountSort.updatedAt_DESC",
        "InvoiceSort.updatedAt_ASC",
        "InvoiceSort.updatedAt_DESC",
        "VoucherSort.updatedAt_ASC",
        "VoucherSort.updatedAt_DESC",
        # streams §3: cellPhoneNumber is an inferred name for one of the page's nullable Strings
        "Customer.cellPhoneNumber",
        # streams §3: lastLoginAt's name is Fivetran's only [T]
        "Customer.lastLoginAt",
        # streams §7: only productSize and warehouse are seen on Stock [T OC]; product/productVariant
        # are inferred (reachable as productSize { productVariant { id product { id } } })
        "Stock.product",
        "Stock.productVariant",
        # an older instance's Query (issue 17): the newest roots are absent. streams §10: vouchers came
        # with the 2023 Discount → Voucher rename (an older instance has neither the root nor its
        # name); streams §11: the root name campaigns is inferred [I]. The connector leaves both
        # streams out (check succeeds naming them) and reads the nine exactly.
        "Query.vouchers",
        "Query.campaigns",
        # streams §8: the cost of goods (stock changes, purchasing, allocations) is a module an instance may
        # not have, and several names are inferred; every type goes, with the roots and fields using them
        "StockChange",
        "StockChangeLine",
        "StockChangeConnection",
        "StockChangeEdge",
        "Allocation",
        "Supplier",
        "PurchaseOrder",
        "PurchaseOrderDelivery",
        "PurchaseOrderDeliveryLine",
    ),
}

# Values the connector has never seen, added by the unknown_enum knob (one per enum).
UNKNOWN_ENUM_VALUES: dict[str, str] = {
    "OrderStatus": "AWAITING_REVIEW",
    "PaymentHistoryEntryType": "BNPL_SETTLEMENT",
}

_COORD = re.compile(r"^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*)(?:\(([A-Za-z_]\w*):\))?)?$")
_FIELDED = (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode, InputObjectTypeDefinitionNode)


class SchemaEditError(ValueError):
    """A schema coordinate that does not exist, is malformed, or leaves an invalid schema."""


def _named(type_node: Any) -> str:
    while isinstance(type_node, (NonNullTypeNode, ListTypeNode)):
        type_node = type_node.type
    return type_node.name.value


def _defs(doc: DocumentNode) -> dict[str, TypeDefinitionNode]:
    return {d.name.value: d for d in doc.definitions if isinstance(d, TypeDefinitionNode)}


def _replace_def(doc: DocumentNode, name: str, new: Any) -> DocumentNode:
    """``doc`` with the type definition ``name`` replaced by ``new`` (None: removed)."""
    defs = []
    for d in doc.definitions:
        if isinstance(d, TypeDefinitionNode) and d.name.value == name:
            if new is not None:
                defs.append(new)
        else:
            defs.append(d)
    return dataclasses.replace(doc, definitions=tuple(defs))


def _without_enum_default(value: Any, enum_value: str) -> Any:
    """A default value without ``enum_value``: None when nothing is left."""
    if isinstance(value, EnumValueNode):
        return None if value.value == enum_value else value
    if isinstance(value, ListValueNode):
        kept = tuple(v for v in value.values if not (isinstance(v, EnumValueNode) and v.value == enum_value))
        if len(kept) == len(value.values):
            return value
        return dataclasses.replace(value, values=kept) if kept else None
    return value


def _map_fields(doc: DocumentNode, edit_field: Any) -> DocumentNode:
    """Apply ``edit_field(type_def, field) -> field | None`` to every field of every fielded type."""
    defs = []
    for d in doc.definitions:
        if isinstance(d, _FIELDED):
            fields = []
            changed = False
            for f in d.fields or ():
                new = edit_field(d, f)
                changed |= new is not f
                if new is not None:
                    fields.append(new)
            if changed:
                if not fields:
                    raise SchemaEditError(f"the edit leaves type {d.name.value} without fields")
                d = dataclasses.replace(d, fields=tuple(fields))
        defs.append(d)
    return dataclasses.replace(doc, definitions=tuple(defs))


def _map_args(doc: DocumentNode, edit_arg: Any) -> DocumentNode:
    """Apply ``edit_arg(arg) -> arg | None`` to every argument of every output field."""
    def edit_field(d: Any, f: Any) -> Any:
        if isinstance(d, InputObjectTypeDefinitionNode) or not f.arguments:
            return f
        args = [a2 for a2 in (edit_arg(a) for a in f.arguments) if a2 is not None]
        if len(args) == len(f.arguments) and all(x is y for x, y in zip(args, f.arguments, strict=True)):
            return f
        return dataclasses.replace(f, arguments=tuple(args))
    return _map_fields(doc, edit_field)


def _remove_type(doc: DocumentNode, name: str) -> DocumentNode:
    doc = _replace_def(doc, name, None)

    def drop_arg(a: Any) -> Any:
        return None if _named(a.type) == name else a

    doc = _map_args(doc, drop_arg)
    doc = _map_fields(doc, lambda _d, f: None if _named(f.type) == name else f)
    defs = []
    for d in doc.definitions:
        if isinstance(d, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)) and d.interfaces:
            kept = tuple(i for i in d.interfaces if i.name.value != name)
            if len(kept) != len(d.interfaces):
                d = dataclasses.replace(d, interfaces=kept)
        elif isinstance(d, UnionTypeDefinitionNode) and d.types:
            kept = tuple(t for t in d.types if t.name.value != name)
            if not kept:
                raise SchemaEditError(f"removing {name} leaves union {d.name.value} without members")
            if len(kept) != len(d.types):
                d = dataclasses.replace(d, types=kept)
        defs.append(d)
    return dataclasses.replace(doc, definitions=tuple(defs))


def _remove_enum_value(doc: DocumentNode, enum: EnumTypeDefinitionNode, value: str) -> DocumentNode:
    kept = tuple(v for v in enum.values if v.name.value != value)
    if not kept:
        raise SchemaEditError(f"removing {enum.name.value}.{value} leaves the enum without values")
    doc = _replace_def(doc, enum.name.value, dataclasses.replace(enum, values=kept))
    enum_name = enum.name.value

    def fix_default(node: Any) -> Any:
        if node.default_value is None or _named(node.type) != enum_name:
            return node
        new = _without_enum_default(node.default_value, value)
        return node if new is node.default_value else dataclasses.replace(node, default_value=new)

    doc = _map_args(doc, fix_default)
    return _map_fields(doc, lambda d, f: fix_default(f) if isinstance(d, InputObjectTypeDefinitionNode) else f)


def remove_coordinate(doc: DocumentNode, coordinate: str) -> DocumentNode:
    """``doc`` without the schema member ``coordinate`` (see the module docstring)."""
    m = _COORD.match(coordinate.strip()) if isinstance(coordinate, str) else None
    if not m:
        raise SchemaEditError(f"malformed schema coordinate {coordinate!r}: use Type, Type.field, "
                              "Type.field(arg:) or Enum.VALUE")
    type_name, member, arg = m.groups()
    defs = _defs(doc)
    tdef = defs.get(type_name)
    if tdef is None:
        raise SchemaEditError(f"unknown schema coordinate {coordinate!r}: no type {type_name}")
    if member is None:
        if type_name == "Query":
            raise SchemaEditError("the Query type cannot be removed")
        return _remove_type(doc, type_name)
    if isinstance(tdef, EnumTypeDefinitionNode):
        if arg is not None or member not in {v.name.value for v in tdef.values or ()}:
            raise SchemaEditError(f"unknown schema coordinate {coordinate!r}: enum {type_name} has no value {member}")
        return _remove_enum_value(doc, tdef, member)
    if not isinstance(tdef, _FIELDED):
        raise SchemaEditError(f"unknown schema coordinate {coordinate!r}: {type_name} has no fields")
    field = next((f for f in tdef.fields or () if f.name.value == member), None)
    if field is None:
        raise SchemaEditError(f"unknown schema coordinate {coordinate!r}: type {type_name} has no field {member}")
    if arg is None:
        fields = tuple(f for f in tdef.fields if f is not field)
        if not fields:
            raise SchemaEditError(f"removing {coordinate} leaves type {type_name} without fields")
        return _replace_def(doc, type_name, dataclasses.replace(tdef, fields=fields))
    if isinstance(tdef, InputObjectTypeDefinitionNode) or arg not in {a.name.value for a in field.arguments or ()}:
        raise SchemaEditError(f"unknown schema coordinate {coordinate!r}: {type_name}.{member} has no argument {arg}")
    new_field = dataclasses.replace(field, arguments=tuple(a for a in field.arguments if a.name.value != arg))
    fields = tuple(new_field if f is field else f for f in tdef.fields)
    return _replace_def(doc, type_name, dataclasses.replace(tdef, fields=fields))


def retype_field(doc: DocumentNode, coordinate: str, type_text: str) -> DocumentNode:
    """``doc`` with the output or input field ``Type.field`` given the SDL type ``type_text``."""
    m = _COORD.match(coordinate.strip()) if isinstance(coordinate, str) else None
    if not m or m.group(2) is None or m.group(3) is not None:
        raise SchemaEditError(f"malformed field coordinate {coordinate!r} to retype: use Type.field")
    type_name, member, _ = m.groups()
    tdef = _defs(doc).get(type_name)
    field = next((f for f in getattr(tdef, "fields", None) or () if f.name.value == member), None)
    if not isinstance(tdef, _FIELDED) or field is None:
        raise SchemaEditError(f"unknown schema coordinate {coordinate!r} to retype")
    try:
        new_type = parse_type(type_text)
    except GraphQLError:
        raise SchemaEditError(f"not a GraphQL type for {coordinate}: {type_text!r}") from None
    if _named(new_type) != _named(field.type):
        raise SchemaEditError(f"retyping {coordinate} may change nullability and list-ness only, not the named type")
    fields = tuple(dataclasses.replace(f, type=new_type) if f is field else f for f in tdef.fields)
    return _replace_def(doc, type_name, dataclasses.replace(tdef, fields=fields))


def add_enum_values(doc: DocumentNode, values: dict[str, str]) -> DocumentNode:
    """``doc`` with one extra value per enum (``{"OrderStatus": "AWAITING_REVIEW"}``)."""
    defs = _defs(doc)
    for enum_name, value in values.items():
        enum = defs[enum_name]
        assert isinstance(enum, EnumTypeDefinitionNode)
        extra = EnumValueDefinitionNode(name=NameNode(value=value), directives=())
        doc = _replace_def(doc, enum_name, dataclasses.replace(enum, values=(*enum.values, extra)))
    return doc


def coordinates(profile: str = "full", schema_drop: Iterable[str] = ()) -> tuple[str, ...]:
    """The profile's coordinates followed by the extra ones, without repeats."""
    if profile not in PROFILES:
        raise SchemaEditError(f"unknown schema profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if isinstance(schema_drop, str):
        schema_drop = (schema_drop,)
    out: dict[str, None] = {}
    for c in (*PROFILES[profile], *schema_drop):
        out[c.strip() if isinstance(c, str) else c] = None
    return tuple(out)


@lru_cache(maxsize=1)
def full_document() -> DocumentNode:
    return parse(SCHEMA_PATH.read_text(encoding="utf-8"))


def retypes(schema_retype: Any = ()) -> tuple[tuple[str, str], ...]:
    """``schema_retype`` (a mapping or ``COORD=TYPE`` strings / pairs) as sorted pairs."""
    if isinstance(schema_retype, str):
        schema_retype = (schema_retype,)
    items = schema_retype.items() if hasattr(schema_retype, "items") else schema_retype
    out = {}
    for item in items or ():
        if isinstance(item, str):
            coordinate, sep, type_text = item.partition("=")
            if not sep:
                raise SchemaEditError(f"malformed retype {item!r}: use Type.field=TYPE, e.g. Line.size=String!")
            item = (coordinate, type_text)
        coordinate, type_text = item
        out[coordinate.strip()] = type_text.strip()
    return tuple(sorted(out.items()))


@lru_cache(maxsize=16)
def profile_document(profile: str = "full", schema_drop: tuple[str, ...] = (),
                     unknown_enum: bool = False, schema_retype: tuple[tuple[str, str], ...] = ()) -> DocumentNode:
    """The edited SDL document of a profile (checked: it builds a valid schema)."""
    coords = coordinates(profile, schema_drop)
    doc = full_document()
    if unknown_enum:
        doc = add_enum_values(doc, UNKNOWN_ENUM_VALUES)
    for coordinate, type_text in schema_retype:
        doc = retype_field(doc, coordinate, type_text)
    for c in coords:
        doc = remove_coordinate(doc, c)
    try:
        assert_valid_schema(build_ast_schema(doc))
    except (GraphQLError, TypeError) as exc:
        edits = [*coords, *(f"{c}={t}" for c, t in schema_retype)]
        raise SchemaEditError(f"editing {', '.join(edits)} leaves an invalid schema: {exc}") from None
    return doc


def sdl(profile: str = "full", schema_drop: Iterable[str] = (), unknown_enum: bool = False,
        schema_retype: Any = ()) -> str:
    """The profile's SDL as text (comments are not kept)."""
    return print_ast(profile_document(profile, tuple(schema_drop), unknown_enum, retypes(schema_retype))) + "\n"
