"""The permission table: which Centra read permission guards which schema field, and the label a
Centra admin sees for it (System → API tokens). See centra-api.md §2.1 (names), §2.3 (errors).

A GraphQL error tells *where* access was refused (its ``path``, resolved to a schema coordinate by
the query's plan, plan.py); this table tells *which permission* to tick. Nothing reads error text.
Nested permissions are named after the field (``Order.shippingAddress:read``); relations to other
objects need that object's permission (``DirectToConsumerOrder.customer`` → ``Customer:read``).
"""
from __future__ import annotations

from graphql import GraphQLSchema

# Labels a Centra admin sees next to each read permission.
PERMISSION_LABELS = {
    "Order:read": "Order details",
    "Order.shippingAddress:read": "Order.shippingAddress",
    "Return:read": "Return details",
    "Shipment:read": "Shipment details",
    "Product:read": "Product details",
    "Market:read": "Market details",
    "PaymentHistory:read": "PaymentHistory",
    "Store:read": "Store details",
    "Order.attributes:read": "Order.attributes",
    "Product.attributes:read": "Product.attributes",
    "ProductVariant.attributes:read": "ProductVariant.attributes",
    "Customer:read": "Customer details",
    "Currency:read": "Currency details",
    # the optional streams' permissions (connector-contract.md "Streams beyond Supermetrics")
    "Customer.totalOrders:read": "Customer.totalOrders",
    "Customer.billingAddress:read": "Customer.billingAddress",
    "Account:read": "Account details",
    "Invoice:read": "Invoice details",
    "Invoice.billingAddress:read": "Invoice.billingAddress",
    "Voucher:read": "Voucher details",
    "Campaign:read": "Campaign details",
    "Warehouse:read": "Warehouse details",
    "Warehouse.stock:read": "Warehouse.stock",
    "Pricelist:read": "Pricelist details",
    "Price:read": "Price details",
    "Brand:read": "Brand details",
    "Category:read": "Category details",
    "Collection:read": "Collection details",
    "Country:read": "Country details",
    # the cost and purchasing streams (connector-contract.md "Cost and purchasing streams")
    "StockChange:read": "StockChange details",
    "PurchaseOrder:read": "PurchaseOrder details",
    "PurchaseOrderDelivery:read": "PurchaseOrderDelivery details",
    "Allocation:read": "Allocation details",
}

# Schema coordinate → the read permission that guards it (interfaces cover their implementations).
BY_COORDINATE = {
    "Query.orders": "Order:read",
    "Query.orderConnection": "Order:read",
    "Query.returns": "Return:read",
    "Query.shipments": "Shipment:read",
    "Query.shipmentConnection": "Shipment:read",
    "Query.orderPaymentHistory": "PaymentHistory:read",
    "Query.products": "Product:read",
    "Query.productConnection": "Product:read",
    "Query.markets": "Market:read",
    "Query.stores": "Store:read",
    "Query.currencies": "Currency:read",
    "Order.shippingAddress": "Order.shippingAddress:read",
    "Order.attributes": "Order.attributes:read",
    "Product.attributes": "Product.attributes:read",
    "ProductVariant.attributes": "ProductVariant.attributes:read",
    "DirectToConsumerOrder.customer": "Customer:read",
    "DirectToConsumerReturn.customer": "Customer:read",
    "Return.order": "Order:read",
    "Return.shipment": "Shipment:read",
    "ReturnLine.orderLine": "Order:read",
    "ReturnLine.shipmentLine": "Shipment:read",
    "Shipment.order": "Order:read",
    "ShipmentLine.orderLine": "Order:read",
    "PaymentHistoryEntry.return": "Return:read",
    # the optional streams (centra-streams.md §3–§12)
    "Query.customers": "Customer:read",
    "Query.accounts": "Account:read",
    "Query.invoices": "Invoice:read",
    "Query.vouchers": "Voucher:read",
    "Query.campaigns": "Campaign:read",
    "Query.warehouses": "Warehouse:read",
    "Query.pricelists": "Pricelist:read",
    "Query.brands": "Brand:read",
    "Query.categories": "Category:read",
    "Query.collections": "Collection:read",
    "Query.countries": "Country:read",
    "Customer.totalOrders": "Customer.totalOrders:read",
    "Customer.billingAddress": "Customer.billingAddress:read",
    "Invoice.account": "Account:read",
    "Invoice.billingAddress": "Invoice.billingAddress:read",
    "Invoice.orders": "Order:read",
    "Invoice.shipments": "Shipment:read",
    "InvoiceLine.orderLine": "Order:read",
    "InvoiceLine.shipmentLine": "Shipment:read",
    "Warehouse.stock": "Warehouse.stock:read",
    "Pricelist.prices": "Price:read",
    # cost of goods and purchasing (centra-streams.md §8; relation permissions [I])
    "Query.stockChangeConnection": "StockChange:read",
    "Query.stockChangeLines": "StockChange:read",
    "Query.purchaseOrders": "PurchaseOrder:read",
    "Query.purchaseOrderDeliveries": "PurchaseOrderDelivery:read",
    "StockChange.warehouse": "Warehouse:read",
    "StockChangeLine.warehouse": "Warehouse:read",
    "StockChangeLine.createdFromShipmentLine": "Shipment:read",
    "OrderLine.allocations": "Allocation:read",
    "Allocation.orderLine": "Order:read",
    "Allocation.warehouse": "Warehouse:read",
    "Allocation.stockChangeLine": "StockChange:read",
    "PurchaseOrder.warehouse": "Warehouse:read",
    "PurchaseOrder.deliveries": "PurchaseOrderDelivery:read",
    "PurchaseOrderDelivery.purchaseOrder": "PurchaseOrder:read",
    "PurchaseOrderDelivery.warehouse": "Warehouse:read",
    "PurchaseOrderDelivery.stockChange": "StockChange:read",
}


def permission_label(permission: str) -> str:
    label = PERMISSION_LABELS.get(permission)
    return f"{label} ({permission})" if label else permission


def permission_for(coordinate: str, schema: GraphQLSchema | None = None) -> str | None:
    """The permission guarding ``Type.field``: the field itself, or the same field on an interface
    the type implements (``WholesaleOrder.shippingAddress`` → ``Order.shippingAddress:read``)."""
    if coordinate in BY_COORDINATE:
        return BY_COORDINATE[coordinate]
    type_name, _, field = coordinate.partition(".")
    type_ = schema.get_type(type_name) if schema is not None else None
    for interface in getattr(type_, "interfaces", None) or ():
        found = BY_COORDINATE.get(f"{interface.name}.{field}")
        if found:
            return found
    return None
