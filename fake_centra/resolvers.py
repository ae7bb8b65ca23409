"""Root resolvers and schema wiring: attaches field resolvers, interface type resolvers, scalar
coercion and the ``@requires(permission:)`` checks to the schema built from ``schema.graphql``
as edited by a schema profile (``profiles.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from graphql import (GraphQLError, GraphQLObjectType, GraphQLSchema, build_ast_schema, default_field_resolver,
                     get_nullable_type, is_list_type)

from . import refdata
from .fields import CURRENCY_OBJ, STORE_OBJ, TYPE_RESOLVERS, build_field_resolvers
from .listing import (STOCK_CHANGE_FILTER, STOCK_CHANGE_LINE_FILTER, filter_rows, ordered_rows, row_connection,
                      small_list)
from .profiles import SCHEMA_PATH, coordinates, profile_document, retypes
from .filters import as_list, page_rows
from .query import Selector, connection_slice
from .scalars import install_scalars
from .store import FakeData

__all__ = ["SCHEMA_PATH", "build_fake_schema"]


@dataclass
class RequestContext:
    data: FakeData
    selector: Selector
    permissions: frozenset | None  # None = every permission
    stores: frozenset | None  # None = no store restriction
    rate_limits: Callable[[], list[dict]]


def directive_arg(node: Any, directive: str, arg: str | None = None) -> Any:
    """Value of ``@directive(arg:)`` on an SDL node (True when present without args)."""
    for d in getattr(node, "directives", None) or ():
        if d.name.value == directive:
            if arg is None:
                return True
            for a in d.arguments:
                if a.name.value == arg:
                    return a.value.value  # type: ignore[attr-defined]
    return None


def authorization_error(permission: str, field: str) -> GraphQLError:
    return GraphQLError(f"You need {permission} permission to access {field}.",
                        extensions={"category": "authorization"})


def _guard(permission: str, resolve: Callable) -> Callable:
    def guarded(source: Any, info: Any, **args: Any) -> Any:
        perms = info.context.permissions
        if perms is not None and permission not in perms:
            raise authorization_error(permission, info.field_name)
        return resolve(source, info, **args)
    return guarded


# ---------------------------------------------------------------- root resolvers


def _big_list(kind: str, detail: str) -> Callable:
    def resolve(_root: Any, info: Any, where=None, sort=None, limit=None, page=1) -> list[dict]:
        ctx: RequestContext = info.context
        sel = ctx.selector.select(kind, where, sort, ctx.stores)
        get = getattr(ctx.data, detail)
        offset = 0 if kind == "orders" else 1
        return [get(int(r) + offset) for r in page_rows(sel.rows, limit, page)]
    return resolve


def _connection(kind: str, detail: str) -> Callable:
    def resolve(_root: Any, info: Any, where=None, sort=None, first=None, after=None, last=None,
                before=None) -> dict:
        ctx: RequestContext = info.context
        sel = ctx.selector.select(kind, where, sort, ctx.stores)
        after_key = ctx.selector.cursor_key(kind, sort, after) if after else None
        before_key = ctx.selector.cursor_key(kind, sort, before) if before else None
        rows, has_prev, has_next = connection_slice(sel, first, after_key, last, before_key)
        get = getattr(ctx.data, detail)
        offset = 0 if kind == "orders" else 1
        edges = [{"cursor": ctx.selector.cursor(kind, sort, int(r)), "node": get(int(r) + offset)}
                 for r in rows]
        return {"totalCount": len(sel.rows), "edges": edges, "pageInfo": {
            "hasNextPage": has_next, "hasPreviousPage": has_prev,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None}}
    return resolve


def _small_list(items: Callable[[], list[dict]], store_key: str | None, where_keys: dict) -> Callable:
    """List resolver for small reference data: filter, sort by id, page."""
    def resolve(_root: Any, info: Any, where=None, sort=None, limit=None, page=1) -> list[dict]:
        ctx: RequestContext = info.context
        rows = items()
        if store_key and ctx.stores is not None:
            rows = [r for r in rows if r[store_key] in ctx.stores]
        for arg, (attr, is_list) in where_keys.items():
            value = (where or {}).get(arg)
            if value is None:
                continue
            wanted = value if isinstance(value, list) else [value]
            rows = [r for r in rows if r[attr] in wanted] if is_list else [r for r in rows if r[attr] == value]
        if sort and (sort if isinstance(sort, str) else sort[0]).endswith("_DESC"):
            rows = sorted(rows, key=lambda r: r["id"], reverse=True)
        if limit is not None:
            if limit < 1:
                raise GraphQLError("Limit must be a positive integer.", extensions={"category": "validation"})
            start = ((page or 1) - 1) * limit
            rows = rows[start:start + limit]
        return rows
    return resolve


def _small_list_of(items: Callable[[FakeData], list[dict]], store_key: str | None, where_keys: dict) -> Callable:
    """``_small_list`` over rows that live in the FakeData (``items(data)``)."""
    def resolve(root: Any, info: Any, **args: Any) -> list[dict]:
        return _small_list(lambda: items(info.context.data), store_key, where_keys)(root, info, **args)
    return resolve


def _get(key: str) -> Callable[[dict], Any]:
    return lambda r: r.get(key)


def entity_roots() -> dict[str, Callable]:
    """Root lists of the small entities (``listing.small_list``; filter fields per centra-streams)."""
    common = {"id": ("in", _get("id")), "name": ("str", _get("name")), "status": ("in", _get("status"))}
    updated = {"updatedAt": _get("updated_at")}
    account = small_list(
        lambda d: d._accounts, kind="accounts", stores_of=lambda r: {r["store_id"]}, sorts=updated,
        spec={**common, "createdAt": ("date", _get("created_at")), "updatedAt": ("date", _get("updated_at")),
              "discountPercent": ("range", _get("discount_percent")),
              "isDiscountVisible": ("bool", _get("is_discount_visible")),
              "accountEmail": ("str", _get("account_email")), "billingEmail": ("str", _get("billing_email")),
              "shippingEmail": ("str", _get("shipping_email")), "vatNumber": ("str", _get("vat_number")),
              "allowConsignation": ("bool", _get("allow_consignation")),
              "applyCreditLimit": ("bool", _get("apply_credit_limit")),
              "blockIfUnpaidInvoices": ("bool", _get("block_if_unpaid_invoices")),
              "hasBrandsRestriction": ("bool", _get("has_brands_restriction")),
              "isInternal": ("bool", _get("is_internal")),
              "buyerId": ("any", lambda r: [b["id"] for b in r["buyers"]]),
              "marketId": ("in", _get("market_id")), "pricelistId": ("in", _get("pricelist_id")),
              "externalId": ("in", _get("external_id")),
              "search": ("search", lambda r: [r["id"], r["name"], r["account_email"]])},
        not_null={"creditLimit": _get("credit_limit"), "vatNumber": _get("vat_number"),
                  "internalComment": _get("internal_comment")})
    voucher = small_list(
        lambda d: d.voucher_rows(), kind="vouchers", stores_of=lambda r: {r["store_id"]}, sorts=updated,
        spec={**common, "method": ("in", _get("method")), "type": ("in", _get("type")),
              "code": ("str", _get("code")), "startAt": ("date", _get("start_at")),
              "stopAt": ("date", _get("stop_at")), "maxUsages": ("range", _get("max_usages")),
              "successfulUsages": ("range", _get("successful_usages")),
              "createdAt": ("date", _get("created_at")), "updatedAt": ("date", _get("updated_at")),
              "combineWithOtherVouchers": ("bool", _get("combine_with_other_vouchers")),
              "reuse": ("bool", _get("reuse")), "marketId": ("any", _get("market_ids")),
              "storeId": ("in", _get("store_id")),
              "search": ("search", lambda r: [r["id"], r["name"], r["code"]])},
        not_null={"code": _get("code"), "url": _get("url"), "createdAt": _get("created_at"),
                  "startAt": _get("start_at"), "stopAt": _get("stop_at"), "maxUsages": _get("max_usages")})
    campaign = small_list(
        lambda d: d.campaign_rows(), kind="campaigns", stores_of=lambda r: {r["store_id"]}, sorts=updated,
        spec={**common, "marketId": ("any", _get("market_ids")), "pricelistId": ("any", _get("pricelist_ids")),
              "storeId": ("in", _get("store_id")), "updatedAt": ("date", _get("updated_at")),
              "search": ("search", lambda r: [r["id"], r["name"]])})
    warehouse = small_list(
        lambda d: refdata.WAREHOUSES, kind="warehouses",
        spec={**common, "search": ("search", lambda r: [r["id"], r["name"]])})
    brand = small_list(
        lambda d: d.brands(), kind="brands",
        spec={"id": ("in", _get("id")), "name": ("str", _get("name")), "uri": ("str", _get("uri")),
              "storeId": ("any", lambda r: [s["id"] for s in refdata.STORES]),
              "externalId": ("in", _get("external_id")), "search": ("search", lambda r: [r["id"], r["name"]])})
    category = small_list(
        lambda d: d.categories(), kind="categories", stores_of=lambda r: {r["store_id"]},
        spec={**common, "parentId": ("in", _get("parent_id")), "storeId": ("in", _get("store_id")),
              "isTopCategory": ("bool", _get("is_top_category")), "uri": ("str", _get("uri")),
              "search": ("search", lambda r: [r["id"], r["name"]])},
        not_null={"parentId": _get("parent_id")})
    collection = small_list(
        lambda d: d.collections(), kind="collections",
        spec={**common, "search": ("search", lambda r: [r["id"], r["name"]])})
    country = small_list(
        lambda d: d.countries(), kind="countries", sorts={"name": _get("name")}, default_sort="name_ASC",
        spec={"id": ("in", _get("id")), "name": ("str", _get("name")), "ISO2": ("in", _get("code")),
              "continent": ("in", _get("continent")), "isEU": ("bool", _get("is_eu")),
              "search": ("search", lambda r: [r["id"], r["name"], r["code"]])})
    return {"accounts": account, "vouchers": voucher, "campaigns": campaign, "warehouses": warehouse,
            "brands": brand, "categories": category, "collections": collection, "countries": country,
            **cost_roots()}


def cost_roots() -> dict[str, Callable]:
    """The cost-of-goods roots (centra-streams §8): stock changes (a connection), their lines, purchase
    orders and their deliveries, over the cost ledger (``costs.py``)."""
    po = small_list(
        lambda d: d.purchase_orders(), kind="purchaseOrders", sorts={"updatedAt": _get("updated_at")},
        spec={"id": ("in", _get("id")), "status": ("in", _get("status")), "createdAt": ("date", _get("created_at")),
              "updatedAt": ("date", _get("updated_at")), "supplierId": ("in", _get("supplier_id")),
              "warehouseId": ("in", _get("warehouse_id")), "search": ("search", lambda r: [r["id"], r["number"]])})
    deliveries = small_list(
        lambda d: d.purchase_order_delivery_headers(), kind="purchaseOrderDeliveries",
        complete=lambda d, row: d.purchase_order_delivery(row["id"]),
        spec={"id": ("in", _get("id")), "status": ("in", _get("status")), "createdAt": ("date", _get("created_at")),
              "ETA": ("date", _get("eta")), "purchaseOrderId": ("in", _get("purchase_order_id")),
              "supplierId": ("in", _get("supplier_id")), "warehouseId": ("in", _get("warehouse_id")),
              "search": ("search", lambda r: [r["id"], r["number"]])})
    lines = small_list(lambda d: d.stock_change_lines(), kind="stockChangeLines", spec=STOCK_CHANGE_LINE_FILTER)

    def stock_change_connection(_root: Any, info: Any, where=None, sort=None, first=None, after=None, last=None,
                                before=None) -> dict:
        data = info.context.data
        views, by_id, filtered = data.stock_change_views()
        memo = repr((where, sort))  # the pages of one query share their filtered, sorted rows
        with data.lock:
            ordered = filtered.get(memo)
        if ordered is None:
            rows = views
            wanted = (where or {}).get("id")
            if wanted is not None and "id" not in ((where or {}).get("negate") or []):
                # an id filter (a stock change whose lines overflow a page) picks its rows by id
                picked = {i: by_id[i] for i in as_list(wanted) if isinstance(i, int) and i in by_id}
                rows = [picked[i] for i in sorted(picked)]
            rows = filter_rows(rows, where, STOCK_CHANGE_FILTER, {}, "stockChangeConnection")
            ordered = ordered_rows(rows, sort, {"createdAt": _get("created_at")})
            with data.lock:
                if len(filtered) >= 64:
                    filtered.pop(next(iter(filtered)))
                filtered[memo] = ordered
        return row_connection(ordered, first, after, last, before)

    return {"purchaseOrders": po, "purchaseOrderDeliveries": deliveries, "stockChangeLines": lines,
            "stockChangeConnection": stock_change_connection}


def _order(_root: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    ctx: RequestContext = info.context
    row = ctx.data.order_row(id)
    if row is None:
        return None
    order = ctx.data.order_detail(row)
    if ctx.stores is not None and order["store_id"] not in ctx.stores:
        return None
    return order


def _market(_root: Any, info: Any, id: int) -> dict | None:  # noqa: A002
    m = refdata.MARKET_BY_ID.get(id)
    stores = info.context.stores
    return m if m and (stores is None or m["store_id"] in stores) else None


def _counter(kind: str) -> Callable:
    def resolve(_root: Any, info: Any, where=None) -> int:
        ctx: RequestContext = info.context
        return len(ctx.selector.select(kind, where, None, ctx.stores).rows)
    return resolve


def root_resolvers() -> dict[str, Callable]:
    currencies = list(CURRENCY_OBJ.values())
    by_store = {"id": ("id", True), "storeId": ("store_id", True)}
    return {
        "orders": _big_list("orders", "order_detail"),
        "orderConnection": _connection("orders", "order_detail"),
        "order": _order,
        "returns": _big_list("returns", "return_detail"),
        "shipments": _big_list("shipments", "shipment_detail"),
        "shipmentConnection": _connection("shipments", "shipment_detail"),
        "orderPaymentHistory": _big_list("payments", "payment_detail"),
        "products": _big_list("products", "product_detail"),
        "productConnection": _connection("products", "product_detail"),
        "markets": _small_list(lambda: refdata.MARKETS, "store_id", by_store),
        "market": _market,
        "stores": _small_list(lambda: list(STORE_OBJ.values()), "id",
                              {"id": ("id", True), "type": ("type", False)}),
        "pricelists": _small_list_of(lambda d: d.pricelist_rows(), "store_id", by_store),
        "currencies": _small_list(lambda: currencies, None,
                                  {"id": ("id", True), "code": ("code", True), "isBase": ("isBase", False)}),
        "customers": _big_list("customers", "customer_detail"),
        "invoices": _big_list("invoices", "invoice_detail"),
        **entity_roots(),
        "counters": lambda _r, _i: {},
        "rateLimits": lambda _r, info: info.context.rate_limits(),
    }


# ---------------------------------------------------------------- wiring


def build_fake_schema(schema_profile: str = "full", schema_drop: Iterable[str] = (),
                      unknown_enum: bool = False, schema_retype: Any = ()) -> GraphQLSchema:
    """The executable schema of a profile, minus ``schema_drop``, with the unknown enum values
    when asked and ``schema_retype``'s field types (cached: resolvers keep no state, everything
    comes via context)."""
    return _build(coordinates(schema_profile, schema_drop), bool(unknown_enum), retypes(schema_retype))


@lru_cache(maxsize=16)
def _build(coords: tuple[str, ...], unknown_enum: bool, retyped: tuple[tuple[str, str], ...] = ()) -> GraphQLSchema:
    schema = build_ast_schema(profile_document("full", coords, unknown_enum, retyped))
    install_scalars(schema)
    per_type = build_field_resolvers()
    per_type["Query"] = root_resolvers()
    per_type["Counters"] = {"orders": _counter("orders"), "products": _counter("products")}
    for type_name, type_ in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        if type_name in TYPE_RESOLVERS:
            type_.resolve_type = TYPE_RESOLVERS[type_name]  # type: ignore[attr-defined]
        if not isinstance(type_, GraphQLObjectType):
            continue
        table = per_type.get(type_name, {})
        fallback = table.get("*")  # a factory: field name -> resolver, for the fields not listed
        for field_name, field in type_.fields.items():
            resolve = table.get(field_name) or (fallback(field_name) if fallback else None)
            permission = directive_arg(field.ast_node, "requires", "permission")
            if permission:
                field.resolve = _guard(permission, resolve or default_field_resolver)
            elif resolve is not None:
                field.resolve = resolve
    for coordinate, _type in retyped:
        type_name, field_name = coordinate.split(".")
        field = getattr(schema.get_type(type_name), "fields", {}).get(field_name)
        if field is not None and is_list_type(get_nullable_type(field.type)):
            # an instance that serves this field as a list serves the value as a list of one
            field.resolve = _as_list(field.resolve or default_field_resolver)
    return schema


def _as_list(resolve: Callable) -> Callable:
    def resolver(root: Any, info: Any, **kwargs: Any) -> Any:
        value = resolve(root, info, **kwargs)
        return value if value is None or isinstance(value, list) else [value]
    return resolver
