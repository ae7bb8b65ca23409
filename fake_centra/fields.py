"""Field resolvers of the object types: map the store's snake_case dicts to Centra's fields.

Money fields return a ``(value, currency_code, rate)`` tuple that ``MonetaryValue`` resolves;
``includingTax: false`` picks the ex-tax variant. Date-time fields format in Europe/Stockholm and
honour the ``format`` argument.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import ids, refdata
from .attributes import filter_attributes, filter_elements
from . import listing as nested
from .listing import STOCK_CHANGE_LINE_FILTER
from .scalars import format_datetime

Resolver = Callable[..., Any]

CURRENCY_OBJ = {c["code"]: {"id": c["id"], "code": c["code"], "name": c["name"],
                            "isBase": c["is_base"], "baseRate": c["base_rate"]}
                for c in refdata.CURRENCIES}
STORE_OBJ = {s["id"]: dict(s) for s in refdata.STORES}
CARRIER = {"carrierName": "PostNord", "serviceName": "MyPack Home"}


def key(name: str) -> Resolver:
    return lambda o, _info, **_a: o[name]


def snake(field: str) -> Resolver:
    """The default resolver of the entity types: ``o[snake_case(field)]`` (None when absent)."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", field).lower()
    return lambda o, _info, **_a: o.get(name)


def const(value: Any) -> Resolver:
    return lambda _o, _info, **_a: value


def dt(name: str) -> Resolver:
    def resolve(o: dict, _info: Any, format: str | None = None) -> str | None:  # noqa: A002
        return format_datetime(o[name], format)
    return resolve


def ex_tax(value: float, tax: float) -> float:
    return round(value / (1 + tax / 100), 2)


def money(name: str, ex_name: str | None = None, tax_key: str = "_tax_percent",
          currency_key: str = "currency", rate_key: str = "currency_base_rate") -> Resolver:
    """A MonetaryValue from ``o[name]``; ex tax from ``o[ex_name]`` or by the object's tax rate."""
    def resolve(o: dict, _info: Any, includingTax: bool = True) -> tuple:  # noqa: N803
        if includingTax:
            value = o[name]
        elif ex_name is not None:
            value = o[ex_name]
        else:
            value = ex_tax(o[name], o.get(tax_key, 0.0))
        return (value, o[currency_key], o[rate_key])
    return resolve


def line_money(name: str, ex_name: str | None = None) -> Resolver:
    return money(name, ex_name, "tax_percent", "_currency", "_rate")


def _totals_money(name: str, ex_name: str | None = None) -> Resolver:
    def resolve(o: dict, _info: Any, includingTax: bool = True) -> tuple:  # noqa: N803
        totals = o["totals"]
        value = totals[name] if includingTax or ex_name is None else totals[ex_name]
        return (value, o["currency"], o["currency_base_rate"])
    return resolve


def _address(kind: str) -> Resolver:
    return lambda o, _info: o.get(kind)


def _market_obj(market_id: int | None) -> dict | None:
    return refdata.MARKET_BY_ID.get(market_id) if market_id else None


def _pricelist_obj(info: Any, pricelist_id: int | None) -> dict | None:
    if not pricelist_id:
        return None
    return next((p for p in info.context.data.pricelist_rows() if p["id"] == pricelist_id), None)


def _discounts(o: dict, _info: Any) -> list[dict]:
    vid = o.get("_voucher_id")
    if not o["discounts"] or not vid:
        return []
    v = refdata.VOUCHER_BY_ID[vid]
    return [{"_kind": "AppliedVoucherDiscount", "value": (o["discounts"], o["currency"], o["currency_base_rate"]),
             "_date": o["created_at"], "voucherName": v["name"], "voucherMethod": v["method"],
             "code": v["code"], "url": v["url"], "shippingValue": None, "_voucher_id": vid}]


def _money_or_none(value_key: str, currency_key: str = "currency", rate_key: str | None = "currency_base_rate") -> Resolver:
    """A MonetaryValue of ``o[value_key]`` or None; without a rate key the currency's base rate."""
    def resolve(o: dict, _info: Any, **_a: Any) -> tuple | None:
        value = o.get(value_key)
        if value is None:
            return None
        currency = o[currency_key]
        rate = o[rate_key] if rate_key else refdata.CURRENCY_BY_CODE[currency]["base_rate"]
        return (value, currency, rate)
    return resolve


def _lines(o: dict, _info: Any, includeFullyCancelled: bool = False) -> list[dict]:  # noqa: N803
    if includeFullyCancelled:
        return o["lines"]
    return [ln for ln in o["lines"] if not (ln["quantity"] == 0 and ln["cancelled_quantity"] > 0)]


def _payment_matches(p: dict, where: dict | None) -> bool:
    if not where:
        return True
    if where.get("id") and p["id"] not in where["id"]:
        return False
    if where.get("entryType") and p["entry_type"] not in where["entryType"]:
        return False
    if where.get("status") and p["status"] not in where["status"]:
        return False
    rng = where.get("createdAt")
    if rng:
        if rng.get("from") is not None and p["created_at"] < rng["from"].replace(microsecond=0):
            return False
        if rng.get("to") is not None and p["created_at"] > rng["to"]:
            return False
    return True


def _product_of_line(data: Any, o: dict) -> Any:
    return data.product_detail(o["product_id"]) if o.get("product_id") else None


def _variant_view(data: Any, variant_id: int | None) -> tuple | None:
    if not variant_id:
        return None
    product = data.product_detail(ids.product_of_variant(variant_id))
    for v in product["variants"]:
        if v["id"] == variant_id:
            return (v, product)
    return None


def _size_view(data: Any, size_id: int | None) -> tuple | None:
    if not size_id:
        return None
    vv = _variant_view(data, ids.variant_of_size(size_id))
    if vv is None:
        return None
    for s in vv[0]["sizes"]:
        if s["id"] == size_id:
            return (s, vv[0], vv[1])
    return None


def _attributes(get: Callable[[Any], list[dict]]) -> Resolver:
    def resolve(o: Any, _info: Any, where: dict | None = None) -> list[dict]:
        return filter_attributes(get(o), where)
    return resolve


def _data(info: Any) -> Any:
    """The fake's data behind a request (the engine puts it in the context)."""
    return info.context.data


def _order_of(o: dict, info: Any) -> dict:
    return _data(info).order_detail(_data(info).order_row(o["order_id"]))


def _customer_of(order: dict, info: Any) -> dict | None:
    """An order's customer: the customer row (the order keeps only id, email and names)."""
    return _data(info).customer_detail(order["customer"]["id"]) if order.get("customer") else None


def _account_of(order: dict, info: Any) -> dict | None:
    return _data(info).account_detail(order["_account"]["id"]) if order.get("_account") else None


def _order_line(line_id: int, info: Any) -> dict | None:
    order = _data(info).order_detail(ids.line_order_index(line_id))
    return next((ln for ln in order["lines"] if ln["id"] == line_id), None)


def _shipment_line_of(sl_id: int, info: Any) -> dict | None:
    s = _data(info).shipment_detail(ids.shipment_of_line(sl_id))
    return next((x for x in s["lines"] if x["id"] == sl_id), None)


def _order_line_of(o: dict, info: Any) -> dict | None:
    return _order_line(o["order_line_id"], info)


def _line_price(name: str) -> Resolver:
    def resolve(o: dict, _info: Any, includingTax: bool | None = False) -> tuple:  # noqa: N803
        return (o[name + "_incl_tax"] if includingTax else o[name], o["currency"], o["currency_base_rate"])
    return resolve


def _category_by_id(info: Any, cid: int | None) -> dict | None:
    return next((c for c in _data(info).categories() if c["id"] == cid), None) if cid else None


def _warehouse_of(o: dict, _info: Any) -> dict | None:
    return next((w for w in refdata.WAREHOUSES if w["id"] == o.get("warehouse_id")), None)


def _supplier_of(o: dict, _info: Any) -> dict | None:
    return next(({"id": s["id"], "name": s["name"]} for s in _data(_info).suppliers() if s["id"] == o.get("supplier_id")),
                None)


def _cost(name: str) -> Resolver:
    """A MonetaryValue in the row's own currency at its own rate (stock-change and delivery lines)."""
    def resolve(o: dict, _info: Any, **_a: Any) -> tuple | None:
        value = o.get(name)
        return None if value is None else (value, o["currency"], o["currency_base_rate"])
    return resolve


def _market_of(o: dict, _info: Any) -> dict | None:
    return _market_obj(o["market_id"])


def _store_of(o: dict, _info: Any) -> dict | None:
    return STORE_OBJ[o["store_id"]]


def build_field_resolvers() -> dict[str, dict[str, Resolver]]:
    """Resolvers per type name; fields not listed use the default (dict key = field name)."""
    return {**_sales(), **_catalog(), **_reference(), **_customers_and_wholesale(), **_costs()}


def _sales() -> dict[str, dict[str, Resolver]]:
    """Orders, their lines and totals, shipments, returns, payments and discounts."""
    order = {
        "grandTotal": money("grand_total", "_grand_total_ex_tax"),
        "createdAt": dt("created_at"), "updatedAt": dt("updated_at"), "orderDate": dt("order_date"),
        "otherComment": const(""), "internalComment": const(""), "isOnHold": const(False),
        "currencyBaseRate": key("currency_base_rate"),
        "attributes": _attributes(lambda o: o["attributes"]),
        "billingAddress": _address("billing_address"), "shippingAddress": _address("shipping_address"),
        "country": lambda o, _i: refdata.COUNTRY_BY_CODE[o["_country"]],
        "store": lambda o, _i: STORE_OBJ[o["store_id"]],
        "market": lambda o, _i: _market_obj(o["market_id"]),
        "pricelist": lambda o, i: _pricelist_obj(i, o["pricelist_id"]),
        "totals": lambda o, _i: o, "discountsApplied": _discounts, "lines": _lines,
        "shipments": lambda o, i: [_data(i).shipment_detail(s) for s in o["_shipment_ids"]],
        "paymentHistory": lambda o, i, where=None: [
            p for p in (_data(i).payment_detail(x) for x in o["_payment_ids"]) if _payment_matches(p, where)],
        "customer": lambda o, i: _customer_of(o, i), "purchaseOrderNumber": key("purchase_order_number"),
        "account": lambda o, i: _account_of(o, i), "buyer": key("_buyer"),
    }
    totals = {
        "quantity": lambda o, _i: o["totals"]["quantity"],
        "originalQuantity": lambda o, _i: o["totals"]["original_quantity"],
        "cancelledQuantity": lambda o, _i: o["totals"]["cancelled_quantity"],
        "unexpeditedQuantity": lambda o, _i: o["totals"]["unexpedited_quantity"],
        "lineValues": _totals_money("line_values", "line_values_ex_tax"),
        "handling": _totals_money("handling"), "shipping": _totals_money("shipping"),
        "discounts": _totals_money("discounts"), "taxAdded": _totals_money("tax_added"),
        "taxDeducted": _totals_money("tax_deducted"), "taxIncluded": _totals_money("tax_included"),
        "returnCost": _totals_money("return_cost"),
    }
    line = {
        "cancelledQuantity": key("cancelled_quantity"), "returnedQuantity": key("returned_quantity"),
        "comment": const(None),
        "hasAnyDiscount": lambda o, _i: o["discount_percent"] > 0,
        "unitOriginalPrice": line_money("unit_original_price"),
        "unitPrice": line_money("unit_price", "unit_price_ex_tax"),
        "lineValue": line_money("line_value", "line_value_ex_tax"),
        "discountPercent": key("discount_percent"), "taxPercent": key("tax_percent"),
        "size": lambda o, _i: o["size"] or "", "productNumber": lambda o, _i: o["product_number"] or "",
        "productName": key("product_name"), "productBrand": key("brand"),
        "productVariantName": key("variant_name"),
        "product": lambda o, i: _product_of_line(_data(i), o),
        "productVariant": lambda o, i: _variant_view(_data(i), o["variant_id"]),
        "productSize": lambda o, i: _size_view(_data(i), o["size_id"]),
        "allocations": lambda o, i: _data(i).allocations_of_line(o["id"]),
    }
    shipment = {
        "createdAt": dt("created_at"), "updatedAt": dt("updated_at"), "shippedAt": dt("shipped_at"),
        "paidAt": dt("paid_at"), "emailSentAt": dt("shipped_at"), "isGoodToGo": const(True),
        "isShipped": key("is_shipped"), "isPaid": key("is_paid"), "isCaptured": key("is_paid"),
        "trackingNumber": key("tracking_number"), "returnTrackingNumber": const(None),
        "numberOfPackages": const(1), "grandTotal": money("grand_total"),
        "currencyBaseRate": key("currency_base_rate"), "carrierInformation": const(CARRIER),
        "shippingAddress": lambda o, i: _order_of(o, i)["shipping_address"],
        "store": lambda o, _i: STORE_OBJ[o["store_id"]], "order": _order_of,
        "customer": lambda o, i: _customer_of(_order_of(o, i), i),
        "account": lambda o, i: _account_of(_order_of(o, i), i),
    }
    shipment_line = {
        "returnedQuantity": key("returned_quantity"),
        "lineValue": money("line_value", None, "_tax_percent", "_currency", "_rate"),
        "unitPrice": money("_unit_price", None, "_tax_percent", "_currency", "_rate"),
        "orderLine": lambda o, i: _order_line(o["order_line_id"], i),
    }
    ret = {
        "returnStatus": key("return_status"), "createdAt": dt("created_at"),
        "totalQuantity": lambda o, _i: o["totals"]["quantity"],
        "grandTotal": lambda o, _i, includingTax=True: (
            o["grand_total"] if includingTax else o["totals"]["line_values_ex_tax"],
            o["currency"], o["currency_base_rate"]),
        "returnedToStock": key("returned_to_stock"), "comment": const(None),
        "createdFrom": const("Centra AMS"), "currencyBaseRate": key("currency_base_rate"),
        "store": lambda o, _i: STORE_OBJ[o["store_id"]], "totals": lambda o, _i: o,
        "order": _order_of, "shipment": lambda o, i: _data(i).shipment_detail(o["shipment_id"]),
        "customer": lambda o, i: _customer_of(_order_of(o, i), i),
        "account": lambda o, i: _account_of(_order_of(o, i), i),
        "refundPaymentHistory": lambda o, i: [
            p for p in (_data(i).payment_detail(x) for x in _order_of(o, i)["_payment_ids"])
            if p["return_id"] == o["id"]],
    }
    return_line = {
        "lineValue": line_money("line_value", "line_value_ex_tax"),
        "unitPrice": money("unit_price", None, "_tax_percent", "_currency", "_rate"),
        "orderLine": lambda o, i: _order_line(o["order_line_id"], i),
        "shipmentLine": lambda o, i: _shipment_line_of(o["shipment_line_id"], i),
    }
    payment = {
        "createdAt": dt("created_at"), "entryType": key("entry_type"),
        "externalReference": key("external_reference"), "paymentMethod": key("payment_method"),
        "value": money("value"), "paramsJSON": const(None), "source": const("Integration API"),
        "currencyBaseRate": key("currency_base_rate"), "externalId": const(None),
        "order": _order_of,
        "return": lambda o, i: _data(i).return_detail(o["return_id"]) if o["return_id"] else None,
    }
    discount = {"date": dt("_date"),
                "voucher": lambda o, i: _data(i).voucher_detail(o["_voucher_id"]) if o.get("_voucher_id") else None}
    return {
        **{name: order for name in ("DirectToConsumerOrder", "WholesaleOrder")},
        **{name: line for name in ("ProductOrderLine", "GiftCertificateOrderLine", "BundleOrderLine", "BundleItemOrderLine")},
        **{name: shipment for name in ("DirectToConsumerShipment", "WholesaleShipment")},
        **{name: ret for name in ("DirectToConsumerReturn", "WholesaleReturn")},
        "OrderTotals": totals, "ReturnTotals": totals, "ShipmentLine": shipment_line, "ReturnLine": return_line,
        "PaymentHistoryEntry": payment, "AppliedVoucherDiscount": discount, "AdminDiscount": discount,
    }


def _catalog() -> dict[str, dict[str, Resolver]]:
    """Products, variants, sizes, prices, stock, warehouses, categories and custom attributes."""
    product = {
        "productNumber": key("product_number"), "isBundle": key("is_bundle"),
        "createdAt": dt("created_at"), "updatedAt": dt("updated_at"),
        "attributes": _attributes(lambda o: o["attributes"]),
        "variants": lambda o, _i: [(v, o) for v in o["variants"]],
    }
    variant = {
        "id": lambda o, _i: o[0]["id"], "name": lambda o, _i: o[0]["name"],
        "status": lambda o, _i: o[1]["status"], "variantNumber": lambda o, _i: o[0]["variant_number"],
        "updatedAt": lambda o, _i, format=None: format_datetime(o[1]["updated_at"], format),
        "attributes": _attributes(lambda o: o[0]["attributes"]),
        "product": lambda o, _i: o[1], "productSizes": lambda o, _i: [(s, o[0], o[1]) for s in o[0]["sizes"]],
    }
    size = {
        "id": lambda o, _i: o[0]["id"], "description": lambda o, _i: o[0]["description"],
        "sizeNumber": lambda o, _i: o[0]["size_number"], "SKU": lambda o, _i: o[0]["sku"],
        "EAN": lambda o, _i: o[0]["ean"], "UPC": const(None), "GTIN": lambda o, _i: o[0]["ean"],
        "productVariant": lambda o, _i: (o[1], o[2]),
    }
    pricelist = {"store": lambda o, _i: STORE_OBJ[o["store_id"]], "updatedAt": dt("updated_at"),
                 "isDefaultForCurrency": key("is_default_for_currency"),
                 "currency": lambda o, _i: CURRENCY_OBJ[o["currency"]], "prices": nested.prices}
    warehouse = {"*": snake, "country": lambda o, _i: refdata.COUNTRY_BY_CODE.get(o["country"]),
                 "stock": nested.stock}
    stock = {
        "*": snake, "productSize": lambda o, i: _size_view(_data(i), o["size_id"]),
        "productVariant": lambda o, i: _variant_view(_data(i), o["variant_id"]),
        "product": lambda o, i: _data(i).product_detail(o["product_id"]),
        "warehouse": lambda o, _i: next(w for w in refdata.WAREHOUSES if w["id"] == o["warehouse_id"]),
    }
    price = {
        "id": key("id"), "price": _money_or_none("price", rate_key=None),
        "recommendedRetailPrice": _money_or_none("recommended_retail_price", rate_key=None),
        "pricelist": lambda o, i: _pricelist_obj(i, o["pricelist_id"]),
        "product": lambda o, i: _data(i).product_detail(o["product_id"]),
        "productVariant": lambda o, i: _variant_view(_data(i), o["variant_id"]),
    }
    category = {
        "*": snake, "parent": lambda o, i: _category_by_id(i, o["parent_id"]),
        "childCategories": lambda o, i: [_category_by_id(i, c) for c in o["child_ids"]],
        "store": _store_of,
    }
    attribute = {
        "objectType": key("object_type"),
        "elements": lambda o, _i, where=None: filter_elements(o["elements"], where),
    }
    attribute_type = {"isMapped": key("is_mapped"), "isMulti": key("is_multi"),
                      "objectType": key("object_type")}
    choice = {"isMulti": key("is_multi"), "selectedValue": key("selected_value"),
              "selectedValueName": key("selected_value_name")}
    image = {"mimeType": key("mime_type")}
    return {
        "Product": product, "ProductVariant": variant, "ProductSize": size, "Pricelist": pricelist,
        "Warehouse": warehouse, "Stock": stock, "Price": price, "Brand": {"*": snake}, "Category": category,
        "Collection": {"*": snake}, "MappedAttribute": attribute, "DynamicAttribute": attribute,
        "AttributeType": attribute_type, "AttributeChoiceElement": choice, "AttributeImageElement": image,
    }


def _reference() -> dict[str, dict[str, Resolver]]:
    """Values shared by many types: money, addresses, buyers, markets and countries."""
    monetary = {
        "value": lambda o, _i: o[0], "currency": lambda o, _i: CURRENCY_OBJ[o[1]],
        "formattedValue": lambda o, _i: f"{o[0]:.2f} {o[1]}", "conversionRate": lambda o, _i: o[2],
    }
    address = {
        "firstName": key("first_name"), "lastName": key("last_name"),
        "companyName": lambda o, _i: o.get("company_name"),
        "attention": const(None), "address1": key("address1"), "address2": key("address2"),
        "city": key("city"), "zipCode": key("zip_code"), "stateOrProvince": const(None),
        "country": lambda o, _i: refdata.COUNTRY_BY_CODE.get(o["country_code"]),
        "email": key("email"), "phoneNumber": key("phone_number"), "cellPhoneNumber": const(None),
        "vatNumber": const(None),
    }
    person = {"firstName": key("first_name"), "lastName": key("last_name"),
              "phoneNumber": lambda o, _i: o.get("phone_number"), "status": lambda o, _i: o.get("status", "ACTIVE"),
              "account": lambda o, i: _data(i).account_detail(o["account_id"]) if o.get("account_id") else None}
    market = {
        "comment": const(""), "store": lambda o, _i: STORE_OBJ[o["store_id"]],
        "assignedToCountries": lambda o, _i, limit=None: [
            refdata.COUNTRY_BY_CODE[c] for c in o["countries"]][: limit if limit else None],
    }
    country = {"isEU": lambda o, _i: o["isEU"] if "isEU" in o else o["is_eu"],
               "continent": lambda o, _i: refdata.CONTINENT_BY_CODE.get(o["code"]),
               "states": lambda o, _i: refdata.country_states(o["code"])}
    return {
        "MonetaryValue": monetary, "Address": address, "Buyer": person, "Market": market, "Country": country,
        "CountryState": {"*": snake},
    }


def _customers_and_wholesale() -> dict[str, dict[str, Resolver]]:
    """Customers, wholesale accounts and invoices, vouchers and campaigns."""
    customer = {
        "*": snake, "createdAt": dt("created_at"), "updatedAt": dt("updated_at"),
        "lastLoginAt": dt("last_login_at"), "store": _store_of, "market": _market_of,
        "attributes": _attributes(lambda o: o["attributes"]),
    }
    account = {
        "*": snake, "id": key("id"), "createdAt": dt("created_at"), "updatedAt": dt("updated_at"),
        "creditLimit": _money_or_none("credit_limit", rate_key=None), "market": _market_of,
        "pricelist": lambda o, i: _pricelist_obj(i, o["pricelist_id"]),
    }
    invoice = {
        "*": snake, "createdAt": dt("created_at"), "updatedAt": dt("updated_at"),
        "grandTotal": lambda o, _i, includingTax=True: (  # noqa: N803
            o["grand_total"] if includingTax is not False else o["grand_total_ex_tax"],
            o["currency"], o["currency_base_rate"]),
        "account": lambda o, i: _data(i).account_detail(o["account_id"]) if o["account_id"] else None,
        "store": _store_of,
        "orders": lambda o, i: [_data(i).order_detail(_data(i).order_row(x)) for x in o["order_ids"]],
        "shipments": lambda o, i: [_data(i).shipment_detail(x) for x in o["shipment_ids"]],
    }
    invoice_line = {
        "*": snake, "unitPrice": _line_price("unit_price"), "unitOriginalPrice": _line_price("unit_original_price"),
        "lineValue": _money_or_none("line_value"), "cogs": _money_or_none("cogs"),
        "product": lambda o, i: _data(i).product_detail(o["product_id"]) if o.get("product_id") else None,
        "productVariant": lambda o, i: _variant_view(_data(i), o["variant_id"]),
        "productSize": lambda o, i: _size_view(_data(i), o["size_id"]),
        "invoice": lambda o, i: _data(i).invoice_detail(o["invoice_id"]), "orderLine": _order_line_of,
        "shipmentLine": lambda o, i: _shipment_line_of(o["shipment_line_id"], i),
    }
    invoice_payment = {
        "*": snake, "value": _money_or_none("value"), "createdAt": dt("created_at"),
        "invoice": lambda o, i: _data(i).invoice_detail(o["invoice_id"]),
    }
    voucher = {
        "*": snake, "createdAt": dt("created_at"), "updatedAt": dt("updated_at"), "startAt": dt("start_at"),
        "stopAt": dt("stop_at"), "store": _store_of,
        "markets": lambda o, _i: [refdata.MARKET_BY_ID[m] for m in o["market_ids"]],
    }
    campaign = {
        "*": snake, "createdAt": dt("created_at"), "updatedAt": dt("updated_at"), "startAt": dt("start_at"),
        "stopAt": dt("stop_at"), "markets": lambda o, _i: [refdata.MARKET_BY_ID[m] for m in o["market_ids"]],
        "pricelists": lambda o, i: [_pricelist_obj(i, p) for p in o["pricelist_ids"]],
    }
    return {
        "Customer": customer, "Account": account, "WholesaleInvoice": invoice, "InvoiceLine": invoice_line,
        "InvoicePayment": invoice_payment, "Voucher": voucher, "Campaign": campaign,
    }


def _costs() -> dict[str, dict[str, Resolver]]:
    """The cost module: stock changes and their lines, allocations, purchase orders and deliveries."""
    stock_change = {
        "*": snake, "createdAt": dt("created_at"), "warehouse": _warehouse_of,
        "lines": lambda o, _i, where=None, sort=None, limit=None, page=1: nested.nested_rows(
            o["lines"], where, STOCK_CHANGE_LINE_FILTER, "StockChange.lines", sort, limit, page),
    }
    stock_change_line = {
        "*": snake, "isAvailable": lambda o, _i: o["free_to_allocate_quantity"] > 0, "unitCost": _cost("unit_cost"),
        "productSize": lambda o, i: _size_view(_data(i), o["size_id"]), "warehouse": _warehouse_of,
        "createdFromShipmentLine": lambda o, i: _shipment_line_of(o["created_from_shipment_line_id"], i)
        if o.get("created_from_shipment_line_id") else None,
        "stockChange": lambda o, i: _data(i).stock_change(o["stock_change_id"]),
    }
    allocation = {
        "id": key("id"), "quantity": key("quantity"), "isWaitingForConfirmation": const(False),
        "orderLine": _order_line_of, "warehouse": _warehouse_of,
        "stockChangeLine": lambda o, i: _data(i).stock_change_line(o["stock_change_line_id"]),
    }
    purchase_order = {
        "*": snake, "createdAt": dt("created_at"), "updatedAt": dt("updated_at"), "supplier": _supplier_of,
        "warehouse": _warehouse_of,
        "deliveries": lambda o, i: [_data(i).purchase_order_delivery(x) for x in o["delivery_ids"]],
    }
    delivery = {
        "*": snake, "createdAt": dt("created_at"), "ETA": dt("eta"), "supplier": _supplier_of, "warehouse": _warehouse_of,
        "lines": lambda o, _i: [{**line, "currency_base_rate": o["currency_base_rate"]} for line in o["lines"]],
        "purchaseOrder": lambda o, i: _data(i).purchase_order(o["purchase_order_id"]),
        "stockChange": lambda o, i: _data(i).stock_change(o["stock_change_id"]) if o["stock_change_id"] else None,
    }
    delivery_line = {
        "*": snake, "unitCost": _cost("unit_cost"), "landedCost": _cost("landed_cost"),
        "customsValue": _cost("customs_value"), "customsType": const("PERCENT"), "linkedQuantity": const(0),
        "unlinkedQuantity": key("quantity"),
        "product": lambda o, i: _data(i).product_detail(o["product_id"]),
        "productVariant": lambda o, i: _variant_view(_data(i), o["variant_id"]),
        "productSize": lambda o, i: _size_view(_data(i), o["size_id"]),
    }
    return {
        "StockChange": stock_change, "StockChangeLine": stock_change_line, "Allocation": allocation,
        "PurchaseOrder": purchase_order, "PurchaseOrderDelivery": delivery, "PurchaseOrderDeliveryLine": delivery_line,
        "Supplier": {"*": snake},
    }


def _by_store_type(dtc: str, wholesale: str) -> Callable[..., str]:
    return lambda o, _info, _type: wholesale if o["store_type"] == "WHOLESALE" else dtc


TYPE_RESOLVERS: dict[str, Callable[..., str]] = {
    "Order": _by_store_type("DirectToConsumerOrder", "WholesaleOrder"),
    "Shipment": _by_store_type("DirectToConsumerShipment", "WholesaleShipment"),
    "Return": _by_store_type("DirectToConsumerReturn", "WholesaleReturn"),
    "OrderLine": lambda o, _info, _type: o["type"],
    "Invoice": lambda _o, _info, _type: "WholesaleInvoice",
    "OrderDiscount": lambda o, _info, _type: o["_kind"],
    "AppliedVoucher": lambda o, _info, _type: o["_kind"],
    "Attribute": lambda o, _info, _type: o["typename"],
    "AttributeElement": lambda o, _info, _type: o["typename"],
    "ObjectWithAttributes": lambda o, info, type_: (
        "ProductVariant" if isinstance(o, tuple) else "Customer" if "is_registered" in o else
        _by_store_type("DirectToConsumerOrder", "WholesaleOrder")(o, info, type_) if "store_type" in o else
        "Product"),
}
