"""Materialise one order "family" (order + its shipments, returns, payments) from (seed, index).

The column tables decide *whether* an order has a shipment/return/payments and *when*; this
module fills in the rest with a per-order ``random.Random`` so the same (seed, index) always yields
the same lines, addresses and money. Money reconciles by construction (see ``money_line`` and
``order_totals``).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection
from datetime import datetime, timezone

from . import ids, refdata
from .attributes import order_attributes
from .generator import ORDER_STATUSES, PAYMENT_TYPES, RETURN_STATUSES, UNKNOWN_PAYMENT_TYPE
from .table import Table

UTC = timezone.utc
BUNDLE_SHARE = 0.12  # bundle_lines knob: share of orders (with at most 3 lines) that get a bundle


def utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def day_rate(code: str, epoch: int) -> float:
    """Currency base rate with a small deterministic per-day variation (SEK, the base, is 1.0)."""
    cur = refdata.CURRENCY_BY_CODE[code]
    if cur["is_base"]:
        return 1.0
    day = int(epoch) // 86400
    wobble = ((day * 2654435761) % 1000) / 1000.0 - 0.5  # -0.5 .. 0.5
    return round(cur["base_rate"] * (1 + 0.04 * wobble), 4)


def money_line(orig: float, discount: float, tax: float, quantity: int) -> dict:
    unit_price = round(orig * (1 - discount / 100), 2)
    line_value = round(unit_price * quantity, 2)
    return {
        "unit_original_price": orig, "unit_price": unit_price,
        "unit_price_ex_tax": round(unit_price / (1 + tax / 100), 2),
        "line_value": line_value, "line_value_ex_tax": round(line_value / (1 + tax / 100), 2),
    }


def order_totals(order: dict) -> None:
    """(Re)compute totals and grand total of ``order`` from its lines (in place)."""
    lines = order["lines"]
    tax = order["_tax_percent"]
    line_values = round(sum(ln["line_value"] for ln in lines), 2)
    line_values_ex = round(sum(ln["line_value_ex_tax"] for ln in lines), 2)
    shipping, handling, discounts = order["shipping"], order["handling"], order["discounts"]
    if order["_voucher_percent"]:
        discounts = order["discounts"] = round(line_values * order["_voucher_percent"] / 100, 2)

    def tax_of(v: float) -> float:
        return v - round(v / (1 + tax / 100), 2)

    tax_included = round(line_values - line_values_ex + tax_of(shipping) + tax_of(handling)
                         - tax_of(discounts), 2)
    grand = round(line_values + shipping + handling - discounts, 2)
    qty = sum(ln["quantity"] for ln in lines)
    cancelled = sum(ln["cancelled_quantity"] for ln in lines)
    unexpedited = sum(max(0, ln["quantity"] - ln["shipped_quantity"]) for ln in lines)
    order["totals"] = {
        "quantity": qty, "original_quantity": qty + cancelled, "cancelled_quantity": cancelled,
        "unexpedited_quantity": unexpedited,
        "line_values": line_values, "line_values_ex_tax": line_values_ex, "shipping": shipping,
        "handling": handling, "discounts": discounts, "tax_added": 0.0, "tax_deducted": 0.0,
        "tax_included": tax_included,
    }
    order["grand_total"] = grand
    order["_grand_total_ex_tax"] = round(grand - tax_included, 2)


def _address(r: random.Random, first: str, last: str, country: str, email: str | None) -> dict:
    return {
        "first_name": first, "last_name": last,
        "address1": f"{refdata.STREETS[r.randrange(len(refdata.STREETS))]} {r.randint(1, 120)}",
        "address2": "" if r.random() < 0.8 else f"Apt {r.randint(1, 40)}",
        "city": r.choice(refdata.CITIES[country]), "zip_code": f"{r.randint(10000, 99999)}",
        "country_code": country, "email": email, "phone_number": f"+46 70 {r.randint(1000000, 9999999)}",
    }


def customer_record(cid: int) -> dict:
    r = random.Random(cid * 7919)
    first, last = r.choice(refdata.FIRST_NAMES), r.choice(refdata.LAST_NAMES)
    email_name = f"{first}.{last}".lower().encode("ascii", "ignore").decode().replace("'", "")
    return {"id": cid, "email": f"{email_name}{cid}@example.com", "first_name": first,
            "last_name": last, "phone_number": f"+46 70 {100000 + cid * 7 % 900000:07d}"}


def buyer_record(account_id: int) -> dict:
    """The buyer who places an account's orders (one per account, ``ids.buyer_id``)."""
    first = refdata.FIRST_NAMES[(account_id * 3) % len(refdata.FIRST_NAMES)]
    last = refdata.LAST_NAMES[(account_id * 7) % len(refdata.LAST_NAMES)]
    return {"id": ids.buyer_id(account_id), "email": f"buyer{account_id}@example.com", "first_name": first,
            "last_name": last, "status": "ACTIVE", "account_id": account_id}


def _product_fields(p: dict, v: dict, s: dict) -> dict:
    return {"product_id": p["id"], "product_number": p["product_number"], "product_name": p["name"],
            "brand": p["brand"], "variant_id": v["id"], "variant_name": v["name"],
            "size": s["description"], "size_id": s["id"], "sku": s["sku"], "ean": s["ean"]}


class DetailBuilder:
    """Builds families from the column tables and the product catalog.

    ``products``: how many catalog entries ordinary lines draw from (bundle products, appended
    after them, are sold only as bundle lines). ``gift_lines``: whether the profile has
    GiftCertificateOrderLine. ``bundles``: the bundle products (bundle_lines knob), or empty.
    ``served``: the GraphQL types of the profile (None: all), for attributes.
    """

    def __init__(self, seed: int, tables: dict[str, Table], catalog: list[dict], *,
                 products: int | None = None, gift_lines: bool = True,
                 bundles: list[dict] | None = None, served: Collection[str] | None = None) -> None:
        self.seed = seed
        self.t = tables
        self.catalog = catalog
        self.products = len(catalog) if products is None else products
        self.gift_lines = gift_lines
        self.bundles = bundles or []
        self.served = served

    # ------------------------------------------------------------------ order
    def order(self, idx: int) -> dict:
        o = self.t["orders"]
        store_id = o.get("store", idx)
        store = refdata.STORE_BY_ID[store_id]
        wholesale = store["type"] == "WHOLESALE"
        market = refdata.MARKET_BY_ID[o.get("market", idx)]
        pricelist = refdata.PRICELIST_BY_ID[o.get("pricelist", idx)]
        currency = pricelist["currency"]
        created = o.get("created", idx)
        status = ORDER_STATUSES[o.get("status", idx)]
        r = random.Random(self.seed * 1_000_003 + idx)
        country = r.choice(market["countries"])
        cust_id = o.get("customer", idx)
        if wholesale:  # the account's own country (one of its market's countries)
            country = refdata.ACCOUNT_COUNTRY.get(cust_id, country)
        tax = (25.0 if country == "SE" else 0.0) if wholesale else refdata.VAT_BY_CODE[country]
        base = refdata.CURRENCY_BY_CODE[currency]["base_rate"]
        number = ids.order_number(idx)
        if wholesale:
            customer = None
            account = {"id": cust_id, "name": refdata.ACCOUNTS[(cust_id - 1) % len(refdata.ACCOUNTS)]}
            r.choice(refdata.FIRST_NAMES), r.choice(refdata.LAST_NAMES)  # keep the random stream
            buyer = buyer_record(cust_id)
            first, last, email = buyer["first_name"], buyer["last_name"], buyer["email"]
        else:
            customer = customer_record(cust_id)
            account = buyer = None
            first, last, email = customer["first_name"], customer["last_name"], customer["email"]
        shipping_address = _address(r, first, last, country, email)
        billing_address = dict(shipping_address) if r.random() < 0.85 else _address(r, first, last, country, email)
        shipped = o.get("ship_id", idx) > 0 and status in ("SHIPPED", "ARCHIVED")
        lines = []
        for k in range(r.choices((1, 2, 3, 4, 5), (35, 30, 18, 10, 7))[0]):
            q0 = r.choices((1, 2, 3), (70, 20, 10))[0]
            roll = r.random()
            if status == "CANCELLED" or (k > 0 and roll < 0.05):
                qty, cancelled = 0, q0
            elif roll < 0.12 and q0 >= 2:
                qty, cancelled = q0 - 1, 1
            else:
                qty, cancelled = q0, 0
            line = {"id": ids.order_line_id(idx, k), "quantity": qty, "cancelled_quantity": cancelled,
                    "returned_quantity": 0, "shipped_quantity": qty if shipped else 0}
            # The draw happens in every profile; without GiftCertificateOrderLine (lean) the line
            # becomes a product line, so only orders that had a gift certificate change.
            if not wholesale and r.random() < 0.02 and self.gift_lines:
                line.update(type="GiftCertificateOrderLine", discount_percent=0.0, tax_percent=0.0,
                            product_id=None, product_number="GIFTCARD", product_name="Gift certificate", brand=None,
                            variant_id=None, variant_name=None, size=None, size_id=None, sku=None,
                            ean=None)
                line.update(money_line(float(round(500 / base)), 0.0, 0.0, qty))
            else:
                p = self.catalog[r.randrange(self.products)]
                v = p["variants"][r.randrange(len(p["variants"]))]
                s = v["sizes"][r.randrange(len(v["sizes"]))]
                orig = float(round(p["_price_sek"] / base))
                if wholesale:
                    orig = round(orig * 0.5, 2)
                disc = 0.0 if r.random() < 0.7 else float(r.choice((10, 15, 20, 25, 30, 50)))
                line.update(type="ProductOrderLine", discount_percent=disc, tax_percent=tax,
                            **_product_fields(p, v, s))
                line.update(money_line(orig, disc, tax, qty))
            lines.append(line)
        if self.bundles:
            lines += self._bundle_lines(idx, status, shipped, wholesale, tax, base, len(lines))
        rate = day_rate(currency, created)
        for line in lines:
            line["_currency"], line["_rate"] = currency, rate
        if not wholesale:
            r.random()  # was the voucher draw; vouchers now come from the "voucher" column
        voucher_id = o.get("voucher", idx)
        voucher = refdata.VOUCHER_BY_ID[voucher_id]["percent"] if voucher_id else 0.0
        order = {
            "id": ids.order_hex_id(self.seed, idx), "number": number, "store_id": store_id,
            "store_type": store["type"], "status": status, "created_at": utc(created),
            "updated_at": utc(o.get("updated", idx)), "order_date": utc(created),
            "currency": currency, "currency_base_rate": rate,
            "market_id": market["id"], "pricelist_id": pricelist["id"],
            "shipping_address": shipping_address, "billing_address": billing_address,
            "customer": customer, "account_id": cust_id if wholesale else None,
            "purchase_order_number": ids.purchase_order_number(idx) if wholesale else None,
            "shipping": 0.0 if wholesale or r.random() < 0.3 else float(round(59 / base, 2)),
            "handling": float(round(20 / base, 2)) if r.random() < 0.05 else 0.0,
            "discounts": 0.0, "attributes": order_attributes(self.seed, idx, wholesale, self.served),
            "lines": lines,
            "_tax_percent": tax, "_voucher_percent": voucher, "_voucher_id": voucher_id,
            "_account": account, "_buyer": buyer,
            "_country": country, "_payment_method": "Invoice" if wholesale else
            refdata.PAYMENT_METHODS_DTC[idx % len(refdata.PAYMENT_METHODS_DTC)],
            "_shipment_ids": [], "_return_ids": [], "_payment_ids": [],
        }
        if status == "CANCELLED":
            order["shipping"] = order["handling"] = 0.0
        order_totals(order)
        return order

    def _bundle_lines(self, idx: int, status: str, shipped: bool, wholesale: bool, tax: float,
                      base: float, ordinary: int) -> list[dict]:
        """bundle_lines knob: a BundleOrderLine with the bundle's price, then one BundleItemOrderLine
        per item with the same quantity and a zero price and value (so the lines still sum to
        totals.lineValues). Own random stream: the order's other values do not move. Only orders
        with at most 3 ordinary lines get one (a shipment numbers at most 8 lines)."""
        rb = random.Random(self.seed * 5_000_011 + idx)
        if ordinary > 3 or rb.random() >= BUNDLE_SHARE:
            return []
        bundle = self.bundles[rb.randrange(len(self.bundles))]
        q0 = rb.choices((1, 2), (85, 15))[0]
        qty, cancelled = (0, q0) if status == "CANCELLED" else (q0, 0)
        orig = float(round(bundle["_price_sek"] / base))
        if wholesale:
            orig = round(orig * 0.5, 2)
        disc = 0.0 if rb.random() < 0.8 else 20.0
        bv = bundle["variants"][0]
        head_id = ids.bundle_line_id(idx, 0)
        common = {"cancelled_quantity": cancelled, "returned_quantity": 0,
                  "shipped_quantity": qty if shipped else 0, "tax_percent": tax}
        out = [{"id": head_id, "quantity": qty, **common, "type": "BundleOrderLine",
                "discount_percent": disc, **_product_fields(bundle, bv, bv["sizes"][0]),
                **money_line(orig, disc, tax, qty)}]
        for j, item in enumerate(bundle["bundle_items"], start=1):
            p = self.catalog[item["product_id"] - 1]
            v = next(x for x in p["variants"] if x["id"] == item["variant_id"])
            s = next(x for x in v["sizes"] if x["id"] == item["size_id"])
            out.append({"id": ids.bundle_line_id(idx, j), "quantity": qty, **common,
                        "type": "BundleItemOrderLine", "bundle_line_id": head_id,
                        "discount_percent": 0.0, **_product_fields(p, v, s),
                        **money_line(0.0, 0.0, tax, qty)})
        return out

    # ------------------------------------------------------------------ family
    def family(self, idx: int) -> dict:
        o = self.t["orders"]
        order = self.order(idx)
        fam = {"order": order, "shipments": {}, "returns": {}, "payments": {}}
        ship_id, ret_id = o.get("ship_id", idx), o.get("ret_id", idx)
        if ship_id:
            fam["shipments"][ship_id] = self.shipment(order, ship_id)
            order["_shipment_ids"].append(ship_id)
        if ret_id:
            fam["returns"][ret_id] = self.return_(order, fam["shipments"][ship_id], ret_id, idx)
            order["_return_ids"].append(ret_id)
        for col in ("auth_pay", "cap_pay", "ref_pay"):
            pid = o.get(col, idx)
            if pid:
                fam["payments"][pid] = self.payment(fam, pid)
                order["_payment_ids"].append(pid)
        return fam

    def shipment(self, order: dict, sid: int, lines: list[dict] | None = None,
                 first: bool = True) -> dict:
        s = self.t["shipments"]
        row = sid - 1
        shipped_at, is_shipped = s.get("shipped_at", row), bool(s.get("shipped", row))
        if lines is None:
            lines = [{"id": ids.shipment_line_id(sid, k), "order_line_id": ln["id"], "quantity": ln["quantity"],
                      "returned_quantity": 0, "line_value": ln["line_value"],
                      "_unit_price": ln["unit_price"], "_tax_percent": ln["tax_percent"],
                      "_currency": order["currency"], "_rate": order["currency_base_rate"]}
                     for k, ln in enumerate(ln for ln in order["lines"] if ln["quantity"] > 0)]
        extra = (order["shipping"] + order["handling"] - order["discounts"]) if first else 0.0
        grand = round(sum(ln["line_value"] for ln in lines) + extra, 2)
        return {
            "id": sid, "number": f"{order['number']}-{len(order['_shipment_ids']) + 1}",
            "store_id": order["store_id"], "store_type": order["store_type"],
            "order_id": order["id"], "created_at": utc(s.get("created", row)),
            "updated_at": utc(s.get("updated", row)),
            "shipped_at": utc(shipped_at) if shipped_at else None,
            "paid_at": utc(shipped_at) if s.get("paid", row) and shipped_at else None,
            "is_shipped": is_shipped, "is_paid": bool(s.get("paid", row)),
            "tracking_number": f"TRK{order['number']}{sid % 1000:03d}" if is_shipped else None,
            "currency": order["currency"], "currency_base_rate": order["currency_base_rate"],
            "grand_total": grand, "lines": lines, "_tax_percent": order["_tax_percent"],
        }

    def return_(self, order: dict, shipment: dict, rid: int, idx: int) -> dict:
        rt = self.t["returns"]
        row = rid - 1
        r = random.Random(self.seed * 7_000_003 + rid)
        by_id = {ln["id"]: ln for ln in order["lines"]}
        candidates = [sl for sl in shipment["lines"] if by_id[sl["order_line_id"]]["type"] == "ProductOrderLine"]
        picked = candidates[: r.randint(1, 2)] or shipment["lines"][:1]
        lines = []
        for k, sl in enumerate(picked):
            ol = by_id[sl["order_line_id"]]
            qty = r.randint(1, max(1, ol["quantity"]))
            ol["returned_quantity"] += qty
            sl["returned_quantity"] += qty
            lines.append(self.return_line(rid, k, ol, sl, qty))
        completed = rt.get("completed", row)
        return self.return_record(order, rid, shipment["id"], utc(rt.get("created", row)),
                                  "COMPLETED" if rt.get("status", row) else "PENDING", lines,
                                  utc(completed) if completed else None)

    @staticmethod
    def return_line(rid: int, k: int, ol: dict, sl: dict, qty: int) -> dict:
        lv = round(ol["unit_price"] * qty, 2)
        return {"id": ids.return_line_id(rid, k), "quantity": qty, "order_line_id": ol["id"],
                "shipment_line_id": sl["id"], "unit_price": ol["unit_price"], "line_value": lv,
                "line_value_ex_tax": round(lv / (1 + ol["tax_percent"] / 100), 2),
                "_tax_percent": ol["tax_percent"], "_currency": ol["_currency"], "_rate": ol["_rate"]}

    @staticmethod
    def return_record(order: dict, rid: int, shipment_id: int, created: datetime, status: str,
                      lines: list[dict], completed: datetime | None) -> dict:
        lv = round(sum(ln["line_value"] for ln in lines), 2)
        lv_ex = round(sum(ln["line_value_ex_tax"] for ln in lines), 2)
        assert status in RETURN_STATUSES
        return {
            "id": rid, "store_id": order["store_id"], "store_type": order["store_type"],
            "order_id": order["id"], "shipment_id": shipment_id, "status": "ACTIVE",
            "return_status": status, "created_at": created, "returned_to_stock": status == "COMPLETED",
            "currency": order["currency"], "currency_base_rate": order["currency_base_rate"],
            "totals": {"quantity": sum(ln["quantity"] for ln in lines), "line_values": lv,
                       "line_values_ex_tax": lv_ex, "shipping": 0.0, "handling": 0.0,
                       "discounts": 0.0, "return_cost": 0.0, "tax_added": 0.0,
                       "tax_deducted": 0.0, "tax_included": round(lv - lv_ex, 2)},
            "grand_total": lv, "lines": lines, "_completed_at": completed,
        }

    def payment(self, fam: dict, pid: int) -> dict:
        p = self.t["payments"]
        row = pid - 1
        entry_type = PAYMENT_TYPES[p.get("type", row)]
        ref = p.get("ref", row)
        order = fam["order"]
        if entry_type in ("CAPTURE", UNKNOWN_PAYMENT_TYPE):
            value = fam["shipments"][ref]["grand_total"]
        elif entry_type == "REFUND":
            value = fam["returns"][ref]["grand_total"]
        else:
            value = order["grand_total"]
        return self.payment_record(order, pid, entry_type, value, utc(p.get("created", row)),
                                   ref if entry_type == "REFUND" else None)

    def payment_record(self, order: dict, pid: int, entry_type: str, value: float,
                       created: datetime, return_id: int | None) -> dict:
        return {
            "id": pid, "order_id": order["id"], "store_id": order["store_id"], "return_id": return_id,
            "created_at": created, "entry_type": entry_type, "status": "SUCCESS", "value": value,
            "currency": order["currency"], "currency_base_rate": order["currency_base_rate"],
            "payment_method": order["_payment_method"],
            "external_reference": hashlib.sha1(f"{self.seed}:pay:{pid}".encode()).hexdigest()[:16],
        }
