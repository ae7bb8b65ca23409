"""Custom attributes in Centra's shape (ObjectWithAttributes / Attribute / AttributeElement) on
orders, products and variants: values equal ``fake.data``, filters, permissions, profiles."""

from __future__ import annotations

import pytest
from fake_client import UNLIMITED, Client

ATTRIBUTES = """
  __typename
  type { name description isMapped isMulti objectType }
  description
  objectType
  ... on MappedAttribute { id name }
  elements {
    __typename key description kind
    ... on AttributeStringElement { value }
    ... on AttributeChoiceElement { isMulti selectedValue selectedValueName }
    ... on AttributeFileElement { url }
    ... on AttributeImageElement { url width height mimeType }
  }
"""
ATTRIBUTES_LEAN = ATTRIBUTES.replace("... on AttributeImageElement { url width height mimeType }", "")
PRODUCTS = "{ products(limit: 500) { id attributes {%s} variants { id attributes {%s} } } }"
ORDERS = "{ orders(limit: 500) { id attributes {%s} } }"

_ELEMENT_FIELDS = {
    "AttributeStringElement": {"value": "value"},
    "AttributeChoiceElement": {"isMulti": "is_multi", "selectedValue": "selected_value",
                               "selectedValueName": "selected_value_name"},
    "AttributeFileElement": {"url": "url"},
    "AttributeImageElement": {"url": "url", "width": "width", "height": "height", "mimeType": "mime_type"},
}


def as_api(attribute: dict) -> dict:
    """A ``fake.data`` attribute as the API returns it with the ATTRIBUTES selection."""
    t = attribute["type"]
    out = {"__typename": attribute["typename"],
           "type": {"name": t["name"], "description": t["description"], "isMapped": t["is_mapped"],
                    "isMulti": t["is_multi"], "objectType": t["object_type"]},
           "description": attribute["description"], "objectType": attribute["object_type"]}
    if attribute["typename"] == "MappedAttribute":
        out.update(id=attribute["id"], name=attribute["name"])
    out["elements"] = [{"__typename": e["typename"], "key": e["key"], "description": e["description"],
                        "kind": e["kind"], **{api: e[k] for api, k in _ELEMENT_FIELDS[e["typename"]].items()}}
                       for e in attribute["elements"]]
    return out


@pytest.fixture(scope="module")
def client(fake_centra_factory_module) -> Client:
    return Client(fake_centra_factory_module(orders=400, seed=7, **UNLIMITED))


def test_given_products_and_variants_when_reading_attributes_then_centra_shape_equal_to_data(client: Client) -> None:
    rows = client.data(PRODUCTS % (ATTRIBUTES, ATTRIBUTES))["products"]
    products = {p["id"]: p for p in client.fake.data.products()}
    assert len(rows) == len(products)
    for row in rows:
        p = products[row["id"]]
        assert row["attributes"] == [as_api(a) for a in p["attributes"]]
        for api_v, v in zip(row["variants"], p["variants"], strict=True):
            assert api_v["attributes"] == [as_api(a) for a in v["attributes"]]
    material = rows[0]["attributes"][0]
    assert material["__typename"] == "MappedAttribute" and material["type"]["isMapped"] is True
    assert material["type"]["name"] == "material" and material["objectType"] == "Product"
    assert material["elements"][0]["__typename"] == "AttributeChoiceElement"
    assert material["elements"][0]["kind"] == "SELECT" and material["elements"][0]["selectedValueName"] == material["name"]
    care = rows[0]["attributes"][1]
    assert care["__typename"] == "DynamicAttribute" and care["type"]["isMapped"] is False
    assert {e["__typename"] for e in care["elements"]} == {"AttributeStringElement"}
    kinds = {e["__typename"] for r in rows for a in r["attributes"] for e in a["elements"]}
    assert kinds == {"AttributeChoiceElement", "AttributeStringElement", "AttributeFileElement"}
    images = [e for r in rows for v in r["variants"] for a in v["attributes"] for e in a["elements"]
              if e["__typename"] == "AttributeImageElement"]
    assert images and all(e["kind"] == "IMAGE" and e["width"] == 64 and e["mimeType"] == "image/jpeg" for e in images)
    assert 0 < len(images) < sum(len(r["variants"]) for r in rows)


def test_given_orders_when_reading_attributes_then_some_carry_a_gift_message(client: Client) -> None:
    rows = client.data(ORDERS % ATTRIBUTES)["orders"]
    with_message = [r for r in rows if r["attributes"]]
    assert 0.02 < len(with_message) / len(rows) < 0.15
    for row in rows:
        assert row["attributes"] == [as_api(a) for a in client.fake.data.order(row["id"])["attributes"]]
    (gift,) = with_message[0]["attributes"]
    assert gift["type"]["name"] == "gift_message" and gift["objectType"] == "Order"
    assert gift["elements"][0]["kind"] == "TEXTAREA" and gift["elements"][0]["value"]


def test_given_attribute_filters_when_reading_then_only_matching_attributes_and_elements(client: Client) -> None:
    q = """{ products(limit: 5) {
      material: attributes(where: {typeName: ["material"]}) { type { name } }
      others: attributes(where: {typeName: ["material"], negate: ["typeName"]}) { type { name } }
      care: attributes(where: {description: {startsWith: "Care"}}) {
        elements(where: {kind: [TEXTAREA]}) { key kind } }
      keyed: attributes(where: {typeName: ["material"]}) { elements(where: {key: ["composition"]}) { key } }
    } }"""
    for row in client.data(q)["products"]:
        assert row["material"] == [{"type": {"name": "material"}}]
        assert row["others"] and "material" not in {a["type"]["name"] for a in row["others"]}
        assert row["care"] == [{"elements": [{"key": "text", "kind": "TEXTAREA"}]}]
        assert row["keyed"] == [{"elements": [{"key": "composition"}]}]


def test_given_interface_fragment_when_reading_attributes_then_resolved_for_each_object(client: Client) -> None:
    q = """{ order: orders(limit: 1) { ... on ObjectWithAttributes { attributes { description } } }
             products(limit: 1) { ... on ObjectWithAttributes { attributes { description } }
                                  variants { ... on ObjectWithAttributes { attributes { description } } } } }"""
    data = client.data(q)
    assert isinstance(data["order"][0]["attributes"], list)
    assert data["products"][0]["attributes"][0]["description"] == "Material"


@pytest.mark.parametrize("root,permission,query", [
    ("orders", "Order.attributes:read", "{ orders(limit: 2) { id attributes { description } } }"),
    ("products", "Product.attributes:read", "{ products(limit: 2) { id attributes { description } } }"),
    ("products", "ProductVariant.attributes:read",
     "{ products(limit: 2) { id variants { attributes { description } } } }"),
])
def test_given_token_without_attribute_permission_when_reading_then_authorization_error(
        client: Client, root: str, permission: str, query: str) -> None:
    base = "Order:read" if root == "orders" else "Product:read"
    others = {"Order.attributes:read", "Product.attributes:read", "ProductVariant.attributes:read"} - {permission}
    denied = client.fake.create_token([base, *others])
    body = client.post(query, token=denied).json()
    assert body["errors"][0]["message"] == f"You need {permission} permission to access attributes."
    assert body["errors"][0]["extensions"]["category"] == "authorization"
    # attributes is non-null ([Attribute!]!), so the null bubbles up to the nullable root list
    assert body["data"] == {root: None}
    assert permission in body["extensions"]["permissionsUsed"]
    allowed = client.fake.create_token([base, permission])
    assert client.data(query, token=allowed)[root]


def test_given_lean_profile_when_reading_attributes_then_no_image_elements(fake_centra_factory) -> None:
    client = Client(fake_centra_factory(orders=100, seed=7, schema_profile="lean", **UNLIMITED))
    rows = client.data(PRODUCTS % (ATTRIBUTES_LEAN, ATTRIBUTES_LEAN))["products"]
    products = {p["id"]: p for p in client.fake.data.products()}
    swatches = []
    for row in rows:
        p = products[row["id"]]
        assert row["attributes"] == [as_api(a) for a in p["attributes"]]
        for api_v, v in zip(row["variants"], p["variants"], strict=True):
            assert api_v["attributes"] == [as_api(a) for a in v["attributes"]]
            swatches += [a for a in v["attributes"] if a["type"]["name"] == "swatch"]
    assert swatches and all([e["typename"] for e in a["elements"]] == ["AttributeStringElement"] for a in swatches)
    body = client.post("{ products { variants { attributes { elements { ... on AttributeImageElement { url } } } } } }").json()
    assert "Unknown type 'AttributeImageElement'" in body["errors"][0]["message"]
