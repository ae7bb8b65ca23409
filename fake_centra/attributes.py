"""Custom attributes in Centra's shape (centra-evidence §1): deterministic data and filters.

An attribute is a plain dict, the same in ``fake.data`` and behind the GraphQL resolvers::

    {"typename": "MappedAttribute" | "DynamicAttribute",
     "id": 3, "name": "Cotton",                       # MappedAttribute only
     "type": {"name": "material", "description": "Material", "is_mapped": True,
              "is_multi": False, "object_type": "Product"},
     "description": "Material", "object_type": "Product",
     "elements": [{"typename": "AttributeChoiceElement", "key": "material", "description": "Material",
                   "kind": "SELECT", "is_multi": False, "selected_value": "cotton",
                   "selected_value_name": "Cotton"}, ...]}

Element dicts carry ``typename``, ``key``, ``description`` and ``kind`` plus, per typename,
``value`` (AttributeStringElement), ``is_multi``/``selected_value``/``selected_value_name``
(AttributeChoiceElement), ``url`` (AttributeFileElement) or ``url``/``width``/``height``/``mime_type``
(AttributeImageElement).

Everything is derived from ids and names (no random stream), so adding attributes changes no other
generated value. Elements whose GraphQL type the schema profile lacks are not generated, and an
attribute left without elements is dropped: ``fake.data`` holds exactly what the fake serves.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import Any

from . import refdata
from .filters import string_match

MATERIAL_IDS = {word: i for i, word in enumerate(refdata.PRODUCT_WORDS, start=1)}
CARE = {
    "Wool": "Hand wash cold, dry flat", "Linen": "Machine wash 40°C", "Cotton": "Machine wash 40°C",
    "Down": "Professional clean only", "Merino": "Wool cycle 30°C", "Canvas": "Wipe clean",
    "Denim": "Wash inside out 30°C", "Cashmere": "Hand wash cold, dry flat",
}
GIFT_MESSAGES = ("Happy birthday!", "Merry Christmas", "Congratulations on the new job",
                 "With love", "Thank you")
# Share of direct-to-consumer orders that carry a gift_message attribute.
GIFT_MESSAGE_SHARE = 0.08


def _type(name: str, description: str, object_type: str, mapped: bool, multi: bool = False) -> dict:
    return {"name": name, "description": description, "is_mapped": mapped, "is_multi": multi,
            "object_type": object_type}


def _string(key: str, description: str, kind: str, value: str | None) -> dict:
    return {"typename": "AttributeStringElement", "key": key, "description": description, "kind": kind,
            "value": value}


def _attribute(typename: str, type_: dict, elements: list[dict], served: Collection[str] | None,
               **extra: Any) -> list[dict]:
    """``[attribute]``, or ``[]`` when the profile serves none of its elements (or the typename)."""
    if served is not None:
        if typename not in served:
            return []
        elements = [e for e in elements if e["typename"] in served]
    if not elements:
        return []
    return [{"typename": typename, **extra, "type": type_, "description": type_["description"],
             "object_type": type_["object_type"], "elements": elements}]


def product_attributes(product: dict, served: Collection[str] | None = None) -> list[dict]:
    """A mapped "material" (choice + composition text), a dynamic "care" (two strings), and on
    every third product a dynamic "size_guide" with a file element."""
    word = product["name"].split()[0]
    material = _type("material", "Material", "Product", mapped=True)
    out = _attribute("MappedAttribute", material, [
        {"typename": "AttributeChoiceElement", "key": "material", "description": "Material",
         "kind": "SELECT", "is_multi": False, "selected_value": word.lower(), "selected_value_name": word},
        _string("composition", "Composition", "INPUT", f"100% {word.lower()}"),
    ], served, id=MATERIAL_IDS.get(word, 0), name=word)
    out += _attribute("DynamicAttribute", _type("care", "Care instructions", "Product", mapped=False), [
        _string("text", "Care text", "TEXTAREA", CARE.get(word, "See label")),
        _string("origin", "Country of origin", "INPUT", ("Portugal", "Sweden", "Italy", "Lithuania")[product["id"] % 4]),
    ], served)
    if product["id"] % 3 == 0:
        out += _attribute("DynamicAttribute", _type("size_guide", "Size guide", "Product", mapped=False), [
            {"typename": "AttributeFileElement", "key": "pdf", "description": "Size guide PDF", "kind": "FILE",
             "url": f"https://cdn.example.com/size-guides/{product['product_number']}.pdf"},
        ], served)
    return out


def variant_attributes(product: dict, variant: dict, served: Collection[str] | None = None) -> list[dict]:
    """The first variant of every even product gets a dynamic "swatch": an image and a hex string."""
    if product["id"] % 2 or variant["id"] % 10 != 1:
        return []
    return _attribute("DynamicAttribute", _type("swatch", "Colour swatch", "ProductVariant", mapped=False), [
        {"typename": "AttributeImageElement", "key": "image", "description": "Swatch image", "kind": "IMAGE",
         "url": f"https://cdn.example.com/swatches/{variant['id']}.jpg", "width": 64, "height": 64,
         "mime_type": "image/jpeg"},
        _string("hex", "Colour code", "INPUT", f"#{(variant['id'] * 2654435761) % 0xFFFFFF:06x}"),
    ], served)


def order_attributes(seed: int, idx: int, wholesale: bool, served: Collection[str] | None = None) -> list[dict]:
    """About ``GIFT_MESSAGE_SHARE`` of direct-to-consumer orders carry a dynamic "gift_message"."""
    if wholesale:
        return []
    r = random.Random(seed * 9_000_041 + idx)  # own stream: the order's other values do not move
    if r.random() >= GIFT_MESSAGE_SHARE:
        return []
    return _attribute("DynamicAttribute", _type("gift_message", "Gift message", "Order", mapped=False), [
        _string("message", "Message", "TEXTAREA", r.choice(GIFT_MESSAGES)),
    ], served)


# ---------------------------------------------------------------- filters


def _apply(items: list[dict], where: dict | None, tests: dict) -> list[dict]:
    if not where:
        return items
    negate = set(where.get("negate") or ())
    out = []
    for item in items:
        ok = True
        for name, value in where.items():
            if name == "negate" or value is None:
                continue
            hit = tests[name](item, value)
            ok &= (not hit) if name in negate else hit
        if ok:
            out.append(item)
    return out


def filter_attributes(attributes: list[dict], where: dict | None) -> list[dict]:
    """``AssignedAttributeFilter``: typeName (any of), description (StringMatch), negate."""
    return _apply(attributes, where, {
        "typeName": lambda a, v: a["type"]["name"] in v,
        "description": lambda a, v: string_match(a["description"], v),
    })


def filter_elements(elements: list[dict], where: dict | None) -> list[dict]:
    """``AssignedAttributeElementFilter``: key (any of), kind (any of), negate."""
    return _apply(elements, where, {
        "key": lambda e, v: e["key"] in v,
        "kind": lambda e, v: e["kind"] in v,
    })


LOYALTY_TIERS = ("Bronze", "Silver", "Gold")


def customer_attributes(customer_id: int, served: Collection[str] | None = None) -> list[dict]:
    """Every 4th customer (``id % 4 == 0``) has a dynamic "loyalty" attribute with a string "tier"."""
    if customer_id % 4:
        return []
    loyalty = _type("loyalty", "Loyalty programme", "Customer", mapped=False)
    return _attribute("DynamicAttribute", loyalty, [
        _string("tier", "Tier", "INPUT", LOYALTY_TIERS[(customer_id // 4) % len(LOYALTY_TIERS)]),
    ], served)
