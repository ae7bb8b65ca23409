"""The entities beyond orders: customers, accounts, invoices, vouchers, campaigns, warehouses and
stock, pricelists and prices, brands, categories, collections, countries.

They are consistent with the orders (``FakeData`` mixes this class in):

- **Customers** are the customers of the direct-to-consumer orders: ids 1..N split by store
  (``generator.customer_split``), each ordering from one store only. A DTC order's ``customer``
  (id, email, names) is the customer row; ``total_orders`` is their order count; their market is
  the market of their first order and their billing address the one of their latest order.
  Customers without orders exist; a quarter of them are anonymized.
- **Accounts** are the accounts of the wholesale orders (ids 1-8, refdata.ACCOUNTS) plus two
  without orders. An account buys in one market (refdata.ACCOUNT_MARKET), so in one pricelist.
- **Invoices**: one per shipped wholesale shipment; each line is a shipment line (quantity and
  value of that order line), ex tax, with a deterministic cost of goods below the value.
- **Vouchers** are the vouchers orders use (``Order.discountsApplied``); ``successful_usages`` counts
  the orders whose discount comes from the voucher.
- **Stock**: one row per product size per warehouse; quantities are the balance of the cost ledger
  (``costs.py``: deliveries and returns booked in, allocated and shipped units), computed per
  warehouse on first use; ``set_stock`` overrides a row on top.
- **Prices**: one per variant per pricelist; the price is the ``unit_original_price`` order lines
  of that pricelist use (the product's SEK price in the pricelist currency, half of it on
  wholesale pricelists, whose ``recommended_retail_price`` is the retail price).

Stock and prices are computed per warehouse / pricelist as numpy columns on first use and cached
until a mutation changes them, so a 5,000-product catalog costs nothing at start.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from . import clock, ids, refdata
from .attributes import customer_attributes
from .details import buyer_record, customer_record, utc
from .generator import (
    EPOCH_END,
    GENDERS,
    INVOICE_DUE_DAYS,
    INVOICE_STATUSES,
    NO_BIRTHDATE,
    build_customers,
    build_invoices,
    catalog_size,
    iso_epoch,
)

PARTIAL_SHARE = 0.4  # a partly paid invoice has 40% of its total paid
STOCK_QUANTITIES = (
    "free_to_allocate_quantity", "available_now_quantity", "available_quantity", "physical_quantity",
    "allocated_quantity", "demand_quantity", "unshipped_quantity", "incoming_quantity",
    "linked_incoming_quantity", "unlinked_incoming_quantity", "on_delivery_quantity",
)


def _dt(text: str | None) -> datetime | None:
    return utc(iso_epoch(text)) if text else None


def _slug(name: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in name)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def stock_quantities(balance: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 11 quantities of one warehouse's sizes from the cost ledger's balance (``costs.Ledger.balance``):
    physical = delivered − shipped, allocated = allocated and not shipped, free to allocate = available
    now = physical − allocated, unshipped = allocated, incoming = units on deliveries not yet accepted
    (none linked to orders: linked 0, unlinked = incoming, on delivery = incoming), available = free to
    allocate + unlinked incoming, demand = the units of open order lines (at least the allocated)."""
    physical, allocated, incoming = balance["physical"], balance["allocated"], balance["incoming"]
    fta = physical - allocated
    return {
        "free_to_allocate_quantity": fta, "available_now_quantity": fta.copy(),
        "available_quantity": fta + incoming, "physical_quantity": physical.copy(),
        "allocated_quantity": allocated.copy(), "demand_quantity": balance["demand"].copy(),
        "unshipped_quantity": allocated.copy(), "incoming_quantity": incoming.copy(),
        "linked_incoming_quantity": np.zeros_like(incoming), "unlinked_incoming_quantity": incoming.copy(),
        "on_delivery_quantity": incoming.copy(),
    }


def cogs_ratio(product_id: int) -> float:
    """Cost of goods as a share of the (wholesale) line value: 0.55-0.79, by product."""
    return 0.55 + (product_id % 7) * 0.04


def retail_price(product: dict, currency: str) -> float:
    """The unit_original_price of a direct-to-consumer order line (details.DetailBuilder.order)."""
    return float(round(product["_price_sek"] / refdata.CURRENCY_BY_CODE[currency]["base_rate"]))


def wholesale_price(product: dict, currency: str) -> float:
    return round(retail_price(product, currency) * refdata.WHOLESALE_PRICE_FACTOR, 2)


class EntityData:
    """Mixin of ``store.FakeData``: the entity views, details and mutations."""

    # attributes FakeData provides
    seed: int
    tables: dict
    catalog: list
    versions: dict
    lock: Any
    served: Any

    def _init_entities(self) -> None:
        t = self.tables
        t["customers"] = build_customers(self.seed, t["orders"])
        t["invoices"] = build_invoices(self.seed, t)
        for k in ("customers", "invoices", "accounts", "vouchers", "campaigns", "stock", "prices"):
            self.versions[k] = 0
        self._invoice_payments: dict[int, list[dict]] = {}  # payments added by update_invoice
        self._invoiced: set[int] = set()  # shipments invoiced by create_invoice
        self._generated_invoiced = np.zeros(len(t["shipments"]) + 1, dtype=bool)
        self._generated_invoiced[t["invoices"].col("shipment")] = True
        self._accounts = self._build_accounts()
        self._vouchers = [self._voucher_record(v) for v in refdata.VOUCHERS]
        self._campaigns = [self._campaign_record(c) for c in refdata.CAMPAIGNS]
        self._pricelists = [{**p, "status": "ACTIVE", **refdata.PRICELIST_EXTRA[p["id"]],
                             "updated_at": _dt(refdata.PRICELIST_EXTRA[p["id"]]["updated_at"])}
                            for p in refdata.PRICELISTS]
        self._stock_over: dict[tuple[int, int], dict[str, int]] = {}
        self._price_over: dict[tuple[int, int], float | None] = {}
        self._stock_cache: dict[int, tuple[int, dict]] = {}
        self._price_cache: dict[int, tuple[int, dict]] = {}
        self._catalog_arrays: dict | None = None
        self._usage_cache: tuple[int, np.ndarray] | None = None

    # ------------------------------------------------------------------ customers
    def count_customers(self) -> int:
        return len(self.tables["customers"])

    def customer_contact(self, cid: int) -> dict:
        """email, names and phone numbers of a customer (cheap: no order is built)."""
        rec = customer_record(cid)
        if self.tables["customers"].get("anonymized", cid - 1):
            return {"email": f"anonymized-{cid}@anonymized.invalid", "first_name": None, "last_name": None,
                    "phone_number": None, "cell_phone_number": None}
        return {"email": rec["email"], "first_name": rec["first_name"], "last_name": rec["last_name"],
                "phone_number": rec["phone_number"],
                "cell_phone_number": None if cid % 2 else f"+46 73 {100000 + cid * 13 % 900000:07d}"}

    def customer_detail(self, cid: int) -> dict:
        c = self.tables["customers"]
        row = cid - 1
        if not 0 <= row < len(c):
            raise KeyError(f"unknown customer {cid}")
        rec = customer_record(cid)
        anonymized = bool(c.get("anonymized", row))
        last_row = c.get("last_row", row)
        market_id = c.get("market", row)
        if last_row >= 0:
            billing = copy.deepcopy(self.order_detail(last_row)["billing_address"])  # type: ignore[attr-defined]
        elif anonymized:
            billing = None
        else:
            r = random.Random(cid * 104729 + self.seed)
            country = r.choice(refdata.MARKET_BY_ID[market_id]["countries"])
            billing = {"first_name": rec["first_name"], "last_name": rec["last_name"],
                       "address1": f"{r.choice(refdata.STREETS)} {r.randint(1, 120)}", "address2": "",
                       "city": r.choice(refdata.CITIES[country]), "zip_code": f"{r.randint(10000, 99999)}",
                       "country_code": country, "email": rec["email"], "phone_number": rec["phone_number"]}
        birth = c.get("birth", row)
        last_login = c.get("last_login", row)
        contact = self.customer_contact(cid)
        out = {
            "id": cid, "email": contact["email"], "status": "INACTIVE" if c.get("status", row) else "ACTIVE",
            "first_name": contact["first_name"], "last_name": contact["last_name"],
            "phone_number": contact["phone_number"], "cell_phone_number": contact["cell_phone_number"],
            "created_at": utc(c.get("created", row)), "updated_at": utc(c.get("updated", row)),
            "last_login_at": utc(last_login) if last_login else None,
            "total_orders": c.get("orders", row), "billing_address": billing,
            "store_id": c.get("store", row), "market_id": market_id,
            "birthdate": date(1970, 1, 1) + timedelta(days=birth) if birth != NO_BIRTHDATE else None,
            "is_registered": bool(c.get("registered", row)), "is_anonymized": anonymized,
            "gender": GENDERS[c.get("gender", row)],
            "attributes": [] if anonymized else customer_attributes(cid, self.served),
        }
        return out

    def customers(self) -> Iterator[dict]:
        for cid in range(1, self.count_customers() + 1):
            yield self.customer_detail(cid)

    def customer(self, customer_id: int) -> dict:
        return self.customer_detail(customer_id)

    def _customer_row(self, customer_id: int) -> int:
        if not 1 <= int(customer_id) <= self.count_customers():
            raise KeyError(f"unknown customer {customer_id}")
        return int(customer_id) - 1

    # ------------------------------------------------------------------ accounts
    def _build_accounts(self) -> list[dict]:
        o = self.tables["orders"]
        wholesale = np.flatnonzero(o.col("store") == 3)
        first_created: dict[int, int] = {}
        if len(wholesale):
            cust = o.col("customer")[wholesale]
            for aid in np.unique(cust):
                first_created[int(aid)] = int(o.col("created")[wholesale[np.argmax(cust == aid)]])
        rows = [(i, name, refdata.ACCOUNT_COUNTRY[i], refdata.ACCOUNT_MARKET[i], "ACTIVE")
                for i, name in enumerate(refdata.ACCOUNTS, start=1)] + list(refdata.EXTRA_ACCOUNTS)
        out = []
        for aid, name, country, market_id, status in rows:
            r = random.Random(self.seed * 7907 + aid)
            first = first_created.get(aid, iso_epoch("2025-06-01T00:00:00"))
            created = first - r.randint(30, 300) * 86400
            updated = min(EPOCH_END, max(created, iso_epoch("2025-01-01T00:00:00")) + r.randint(0, 300) * 86400)
            pricelist_id = refdata.MARKET_PRICELIST[market_id]
            currency = refdata.PRICELIST_BY_ID[pricelist_id]["currency"]
            slug = _slug(name)
            buyer = buyer_record(aid)
            address = {"first_name": buyer["first_name"], "last_name": buyer["last_name"],
                       "company_name": name, "address1": f"{r.choice(refdata.STREETS)} {r.randint(1, 120)}",
                       "address2": "", "city": r.choice(refdata.CITIES[country]),
                       "zip_code": f"{r.randint(10000, 99999)}", "country_code": country,
                       "email": f"orders@{slug}.example.com", "phone_number": f"+46 8 {r.randint(100000, 999999)}"}
            out.append({
                "id": aid, "name": name, "status": status, "created_at": utc(created), "updated_at": utc(updated),
                "discount_percent": float(r.choice((0, 0, 5, 10))), "is_discount_visible": aid % 3 != 0,
                "internal_comment": f"Key account {aid}" if aid % 4 == 1 else None, "other_comment": None,
                "account_email": f"orders@{slug}.example.com", "billing_email": f"invoices@{slug}.example.com",
                "shipping_email": f"warehouse@{slug}.example.com", "website_url": f"https://{slug}.example.com",
                "vat_number": f"{country}{r.randint(10**9, 10**10 - 1)}",
                "credit_limit": float(r.choice((50000, 100000, 250000))) / refdata.CURRENCY_BY_CODE[currency]["base_rate"]
                if aid % 5 else None,
                "currency": currency, "allow_consignation": aid % 4 == 0, "apply_credit_limit": aid % 5 != 0,
                "block_if_unpaid_invoices": aid % 2 == 0, "has_brands_restriction": False,
                "is_internal": False, "account_address": address, "billing_address": dict(address),
                "shipping_address": dict(address), "external_id": f"ERP-{1000 + aid}",
                "market_id": market_id, "pricelist_id": pricelist_id,
                "store_id": refdata.MARKET_BY_ID[market_id]["store_id"], "buyers": [buyer],
            })
            if out[-1]["credit_limit"] is not None:
                out[-1]["credit_limit"] = round(out[-1]["credit_limit"], 2)
        return out

    def accounts(self) -> list[dict]:
        return copy.deepcopy(self._accounts)

    def account_detail(self, account_id: int) -> dict | None:
        for a in self._accounts:
            if a["id"] == int(account_id):
                return a
        return None

    # ------------------------------------------------------------------ invoices
    def count_invoices(self) -> int:
        return len(self.tables["invoices"])

    def invoice_detail(self, iid: int) -> dict:
        it = self.tables["invoices"]
        row = iid - 1
        if not 0 <= row < len(it):
            raise KeyError(f"unknown invoice {iid}")
        sid, orow = it.get("shipment", row), it.get("order", row)
        fam = self.family(orow)  # type: ignore[attr-defined]
        order, shipment = fam["order"], fam["shipments"][sid]
        by_id = {ln["id"]: ln for ln in order["lines"]}
        currency, rate = order["currency"], order["currency_base_rate"]
        lines = []
        for k, sl in enumerate(shipment["lines"]):
            ol = by_id[sl["order_line_id"]]
            tax = ol["tax_percent"]
            value = sl["line_value"]
            value_ex = round(value / (1 + tax / 100), 2)
            lines.append({
                "id": ids.invoice_line_id(iid, k), "invoice_id": iid, "quantity": sl["quantity"],
                "order_line_id": ol["id"], "shipment_line_id": sl["id"],
                "product_id": ol.get("product_id"), "variant_id": ol.get("variant_id"),
                "size_id": ol.get("size_id"), "size": ol.get("size"), "product_number": ol.get("product_number"),
                "product_name": ol.get("product_name"), "product_variant_name": ol.get("variant_name"),
                "brand_name": ol.get("brand"),
                "unit_price": ol["unit_price_ex_tax"], "unit_price_incl_tax": ol["unit_price"],
                "unit_original_price": round(ol["unit_original_price"] / (1 + tax / 100), 2),
                "unit_original_price_incl_tax": ol["unit_original_price"],
                "line_value": value_ex, "line_value_incl_tax": value,
                "cogs": round(value_ex * cogs_ratio(ol["product_id"]), 2) if ol.get("product_id") else None,
                "discount_percent": ol["discount_percent"], "tax_percent": tax,
                "currency": currency, "currency_base_rate": rate,
            })
        grand = round(sum(ln["line_value_incl_tax"] for ln in lines), 2)
        grand_ex = round(sum(ln["line_value"] for ln in lines), 2)
        created = it.get("created", row)
        payments = []
        pay1, kind = it.get("pay1", row), it.get("paid_kind", row)
        if pay1:
            payments.append(self._invoice_payment(iid, 0, grand if kind == 2 else round(grand * PARTIAL_SHARE, 2),
                                                  pay1, currency, rate))
        payments += copy.deepcopy(self._invoice_payments.get(iid, []))
        account = order["_account"]
        return {
            "id": iid, "number": ids.invoice_number(iid), "type": "INVOICE",
            "status": INVOICE_STATUSES[it.get("status", row)], "is_draft": False,
            "created_at": utc(created), "updated_at": utc(it.get("updated", row)),
            "due_date": utc(it.get("due", row)).date(), "order_date": order["created_at"].date(),
            "purchase_order_number": order["purchase_order_number"],
            "pdf_url": f"https://fake-centra.example/invoices/{ids.invoice_number(iid)}.pdf",
            "is_overdue": bool(it.get("overdue", row)), "grand_total": grand, "grand_total_ex_tax": grand_ex,
            "currency": currency, "currency_base_rate": rate, "account_id": account["id"] if account else None,
            "store_id": order["store_id"], "order_ids": [order["id"]], "shipment_ids": [sid],
            "billing_address": copy.deepcopy(order["billing_address"]), "lines": lines, "payments": payments,
        }

    @staticmethod
    def _invoice_payment(iid: int, k: int, value: float, at: int, currency: str, rate: float) -> dict:
        return {"id": ids.invoice_payment_id(iid, k), "invoice_id": iid, "value": value,
                "payment_date": utc(at).date(), "type": "PAYMENT", "created_at": utc(at),
                "currency": currency, "currency_base_rate": rate}

    def invoices(self) -> Iterator[dict]:
        for iid in range(1, self.count_invoices() + 1):
            yield self.invoice_detail(iid)

    def invoice(self, invoice_id: int) -> dict:
        return self.invoice_detail(invoice_id)

    def invoiced_shipment(self, shipment_id: int) -> bool:
        return shipment_id in self._invoiced or (
            shipment_id < len(self._generated_invoiced) and bool(self._generated_invoiced[shipment_id]))

    # ------------------------------------------------------------------ vouchers, campaigns
    @staticmethod
    def _voucher_record(v: dict) -> dict:
        out = {k: v[k] for k in ("id", "name", "code", "url", "method", "type", "store_id", "status",
                                 "priority", "reuse", "max_usages", "combine_with_other_vouchers")}
        out["market_ids"] = list(v["markets"])
        for k in ("start_at", "stop_at", "created_at", "updated_at"):
            out[k] = _dt(v[k])
        return out

    def _usages(self) -> np.ndarray:
        version = self.versions["orders"]
        if self._usage_cache is None or self._usage_cache[0] != version:
            o = self.tables["orders"]
            used = o.col("voucher")[o.col("vused") == 1]
            self._usage_cache = (version, np.bincount(used.astype(np.int64), minlength=len(refdata.VOUCHERS) + 1))
        return self._usage_cache[1]

    def voucher_rows(self) -> list[dict]:
        """The live voucher records with ``successful_usages`` (internal: not copied)."""
        usages = self._usages()
        for v in self._vouchers:
            v["successful_usages"] = int(usages[v["id"]]) if v["id"] < len(usages) else 0
        return self._vouchers

    def vouchers(self) -> list[dict]:
        return copy.deepcopy(self.voucher_rows())

    def voucher_detail(self, voucher_id: int) -> dict | None:
        return next((v for v in self.voucher_rows() if v["id"] == voucher_id), None)

    @staticmethod
    def _campaign_record(c: dict) -> dict:
        out = {"id": c["id"], "name": c["name"], "status": c["status"], "market_ids": list(c["markets"]),
               "pricelist_ids": list(c["pricelists"]),
               "store_id": refdata.MARKET_BY_ID[c["markets"][0]]["store_id"]}
        for k in ("start_at", "stop_at", "created_at", "updated_at"):
            out[k] = _dt(c[k])
        return out

    def campaign_rows(self) -> list[dict]:
        return self._campaigns

    def campaigns(self) -> list[dict]:
        return copy.deepcopy(self._campaigns)

    # ------------------------------------------------------------------ reference data
    def warehouses(self) -> list[dict]:
        return copy.deepcopy(refdata.WAREHOUSES)

    def pricelist_rows(self) -> list[dict]:
        return self._pricelists

    def brands(self) -> list[dict]:
        return [{"id": b["id"], "name": b["name"], "uri": _slug(b["name"]), "external_id": f"BR-{b['id']}"}
                for b in refdata.BRAND_ROWS]

    def categories(self) -> list[dict]:
        children: dict[int, list[int]] = {}
        for cid, _n, _s, parent, _st in refdata.CATEGORIES:
            if parent:
                children.setdefault(parent, []).append(cid)
        by_id = {c[0]: c for c in refdata.CATEGORIES}

        def uri(cid: int) -> str:
            _id, name, _s, parent, _st = by_id[cid]
            return (uri(parent) + "/" if parent else "") + _slug(name)

        return [{"id": cid, "name": name, "uri": uri(cid), "status": status, "is_top_category": parent is None,
                 "parent_id": parent, "child_ids": children.get(cid, []), "store_id": store}
                for cid, name, store, parent, status in refdata.CATEGORIES]

    def collections(self) -> list[dict]:
        return [{"id": cid, "name": name, "uri": _slug(name), "status": status}
                for cid, name, status in refdata.COLLECTIONS]

    def countries(self) -> list[dict]:
        out = []
        for cid, code, name, is_eu, _vat in refdata.COUNTRIES:
            states = refdata.country_states(code)
            out.append({"id": cid, "code": code, "name": name, "is_eu": is_eu,
                        "continent": refdata.CONTINENT_BY_CODE[code], "states": states})
        return out

    # ------------------------------------------------------------------ stock, prices
    def catalog_arrays(self) -> dict:
        """Every product size in catalog order (product id, variant id, size position ascending)."""
        if self._catalog_arrays is None or self._catalog_arrays["n_products"] != len(self.catalog):
            sizes, variants, products, positions, v_ids, v_products = [], [], [], [], [], []
            for p in self.catalog:
                for v in p["variants"]:
                    v_ids.append(v["id"])
                    v_products.append(p["id"])
                    for pos, s in enumerate(v["sizes"], start=1):
                        sizes.append(s["id"])
                        variants.append(v["id"])
                        products.append(p["id"])
                        positions.append(pos)
            self._catalog_arrays = {
                "n_products": len(self.catalog), "size": np.array(sizes, np.int64),
                "variant": np.array(variants, np.int64), "product": np.array(products, np.int64),
                "position": np.array(positions, np.int64), "v_variant": np.array(v_ids, np.int64),
                "v_product": np.array(v_products, np.int64)}
        return self._catalog_arrays

    def _warehouse(self, warehouse_id: int) -> dict:
        for w in refdata.WAREHOUSES:
            if w["id"] == int(warehouse_id):
                return w
        raise KeyError(f"unknown warehouse {warehouse_id}")

    def stock_columns(self, warehouse_id: int) -> dict:
        """Columns of one warehouse's stock rows, in catalog order (cached until a stock change)."""
        self._warehouse(warehouse_id)
        hit = self._stock_cache.get(warehouse_id)
        if hit is not None and hit[0] == self.versions["stock"]:
            return hit[1]
        cat = self.catalog_arrays()
        cols = stock_quantities(self.ledger().balance(warehouse_id, cat["size"]))  # type: ignore[attr-defined]
        for (wid, size_id), changes in self._stock_over.items():
            if wid != warehouse_id:
                continue
            i = int(np.searchsorted(cat["size"], size_id))
            for name, value in changes.items():
                cols[name][i] = value
        cols.update(size=cat["size"], variant=cat["variant"], product=cat["product"],
                    position=cat["position"], warehouse=np.full(len(cat["size"]), warehouse_id, np.int64))
        self._stock_cache[warehouse_id] = (self.versions["stock"], cols)
        return cols

    def stock_row(self, cols: dict, i: int) -> dict:
        size_id = int(cols["size"][i])
        _product, _variant, sz = catalog_size(self.catalog, size_id)
        row = {"warehouse_id": int(cols["warehouse"][i]), "size_id": size_id,
               "variant_id": int(cols["variant"][i]), "product_id": int(cols["product"][i]),
               "sku": sz["sku"], "ean": sz["ean"]}
        for name in STOCK_QUANTITIES:
            row[name] = int(cols[name][i])
        return row

    def count_stock(self) -> int:
        return len(self.catalog_arrays()["size"]) * len(refdata.WAREHOUSES)

    def stock_of(self, warehouse_id: int) -> list[dict]:
        cols = self.stock_columns(warehouse_id)
        return [self.stock_row(cols, i) for i in range(len(cols["size"]))]

    def stock(self) -> Iterator[dict]:
        """Every stock row (warehouse by warehouse, catalog order); a generator: it can be large."""
        for w in refdata.WAREHOUSES:
            cols = self.stock_columns(w["id"])
            for i in range(len(cols["size"])):
                yield self.stock_row(cols, i)

    def _pricelist(self, pricelist_id: int) -> dict:
        p = refdata.PRICELIST_BY_ID.get(int(pricelist_id))
        if p is None:
            raise KeyError(f"unknown pricelist {pricelist_id}")
        return p

    def price_columns(self, pricelist_id: int) -> dict:
        """Columns of one pricelist's prices, one per variant in catalog order (NaN: no price)."""
        pl = self._pricelist(pricelist_id)
        hit = self._price_cache.get(pricelist_id)
        if hit is not None and hit[0] == self.versions["prices"]:
            return hit[1]
        cat = self.catalog_arrays()
        wholesale = refdata.STORE_BY_ID[pl["store_id"]]["type"] == "WHOLESALE"
        currency = pl["currency"]
        prices, rrp = [], []
        for p in self.catalog:
            retail = retail_price(p, currency)
            for _v in p["variants"]:
                prices.append(wholesale_price(p, currency) if wholesale else retail)
                rrp.append(retail if wholesale else np.nan)
        price = np.array(prices, dtype=np.float64)
        for (plid, variant_id), value in self._price_over.items():
            if plid == pricelist_id:
                i = int(np.searchsorted(cat["v_variant"], variant_id))
                price[i] = np.nan if value is None else float(value)
        cols = {"variant": cat["v_variant"], "product": cat["v_product"], "price": price,
                "rrp": np.array(rrp, dtype=np.float64), "id": ids.price_id(cat["v_variant"], pricelist_id),
                "pricelist": np.full(len(price), pricelist_id, np.int64), "currency": currency,
                "store": pl["store_id"]}
        self._price_cache[pricelist_id] = (self.versions["prices"], cols)
        return cols

    @staticmethod
    def price_row(cols: dict, i: int) -> dict:
        price, rrp = float(cols["price"][i]), float(cols["rrp"][i])
        return {"id": int(cols["id"][i]), "pricelist_id": int(cols["pricelist"][i]),
                "product_id": int(cols["product"][i]), "variant_id": int(cols["variant"][i]),
                "price": None if np.isnan(price) else price,
                "recommended_retail_price": None if np.isnan(rrp) else rrp, "currency": cols["currency"]}

    def count_prices(self) -> int:
        return len(self.catalog_arrays()["v_variant"]) * len(refdata.PRICELISTS)

    def prices_of(self, pricelist_id: int) -> list[dict]:
        cols = self.price_columns(pricelist_id)
        return [self.price_row(cols, i) for i in range(len(cols["id"]))]

    def prices(self) -> Iterator[dict]:
        for pl in refdata.PRICELISTS:
            cols = self.price_columns(pl["id"])
            for i in range(len(cols["id"])):
                yield self.price_row(cols, i)

    # ------------------------------------------------------------------ mutations
    def create_customer(self, store_id: int = 1, at: Any = None) -> int:
        """A new customer (no orders yet) of a direct-to-consumer store; returns its id."""
        with self.lock:
            at = clock.epoch(at)
            if store_id not in (1, 2):
                raise ValueError("customers belong to a direct-to-consumer store (1 or 2)")
            market = next(m["id"] for m in refdata.MARKETS if m["store_id"] == store_id)
            row = self.tables["customers"].append(
                created=at, updated=at, store=store_id, market=market, status=0, orders=0, last_row=-1,
                last_login=at, registered=1, anonymized=0, gender=0, birth=NO_BIRTHDATE)
            self._bump("customers")  # type: ignore[attr-defined]
            return row + 1

    def update_customer(self, customer_id: int, at: Any = None) -> None:
        with self.lock:
            row = self._customer_row(customer_id)
            self.tables["customers"].set("updated", row, clock.epoch(at))
            self._bump("customers")  # type: ignore[attr-defined]

    def _customer_ordered(self, customer_id: int, order_row: int, at: int) -> None:
        """create_order for a customer: one more order, the latest, and updated_at moves."""
        c = self.tables["customers"]
        row = customer_id - 1
        c.set("orders", row, c.get("orders", row) + 1)
        if c.get("last_row", row) < 0:
            c.set("market", row, self.tables["orders"].get("market", order_row))
        c.set("last_row", row, order_row)
        c.set("updated", row, at)
        self.versions["customers"] += 1

    def update_account(self, account_id: int, at: Any = None) -> None:
        with self.lock:
            account = self.account_detail(account_id)
            if account is None:
                raise KeyError(f"unknown account {account_id}")
            account["updated_at"] = utc(clock.epoch(at))
            self._bump("accounts")  # type: ignore[attr-defined]

    def update_invoice(self, invoice_id: int, mark_paid: bool = False, at: Any = None) -> None:
        """Touch an invoice; ``mark_paid`` adds a PAYMENT of what is still open and makes it PAID."""
        with self.lock:
            at = clock.epoch(at)
            it = self.tables["invoices"]
            if not 1 <= int(invoice_id) <= len(it):
                raise KeyError(f"unknown invoice {invoice_id}")
            row = int(invoice_id) - 1
            if mark_paid:
                inv = self.invoice_detail(invoice_id)
                if inv["status"] == "PAID":
                    raise ValueError(f"invoice {invoice_id} is already paid")
                open_amount = round(inv["grand_total"] - sum(p["value"] for p in inv["payments"]), 2)
                k = len(inv["payments"])
                if k >= ids.INVOICE_PAYMENTS:
                    raise ValueError(f"invoice {invoice_id} has no room for another payment")
                self._invoice_payments.setdefault(invoice_id, []).append(
                    self._invoice_payment(invoice_id, k, open_amount, at, inv["currency"], inv["currency_base_rate"]))
                it.set("status", row, INVOICE_STATUSES.index("PAID"))
                it.set("overdue", row, 0)
            it.set("updated", row, at)
            self._bump("invoices")  # type: ignore[attr-defined]

    def create_invoice(self, order_id: str, at: Any = None) -> int:
        """Invoice the first shipped, not yet invoiced shipment of a wholesale order; returns its id."""
        with self.lock:
            at = clock.epoch(at)
            row = self._require_row(order_id)  # type: ignore[attr-defined]
            fam = self.family(row)  # type: ignore[attr-defined]
            if fam["order"]["store_type"] != "WHOLESALE":
                raise ValueError(f"order {order_id} is not a wholesale order")
            todo = [s for s in fam["shipments"].values() if s["is_shipped"] and not self.invoiced_shipment(s["id"])]
            if not todo:
                raise ValueError(f"order {order_id} has no shipped shipment left to invoice")
            sid = todo[0]["id"]
            irow = self.tables["invoices"].append(
                shipment=sid, order=row, created=at, updated=at, due=at + INVOICE_DUE_DAYS * 86400, pay1=0,
                paid_kind=0, status=0, overdue=0, account=fam["order"]["_account"]["id"], store=3)
            self._invoiced.add(sid)
            self._bump("invoices")  # type: ignore[attr-defined]
            return irow + 1

    def update_voucher(self, voucher_id: int, status: str | None = None, at: Any = None) -> None:
        with self.lock:
            v = next((x for x in self._vouchers if x["id"] == int(voucher_id)), None)
            if v is None:
                raise KeyError(f"unknown voucher {voucher_id}")
            if status is not None:
                if status not in ("ACTIVE", "INACTIVE"):
                    raise ValueError(f"unknown status {status}")
                v["status"] = status
            v["updated_at"] = utc(clock.epoch(at))
            self._bump("vouchers")  # type: ignore[attr-defined]

    def update_campaign(self, campaign_id: int, status: str | None = None, at: Any = None) -> None:
        with self.lock:
            c = next((x for x in self._campaigns if x["id"] == int(campaign_id)), None)
            if c is None:
                raise KeyError(f"unknown campaign {campaign_id}")
            if status is not None:
                if status not in ("ACTIVE", "INACTIVE"):
                    raise ValueError(f"unknown status {status}")
                c["status"] = status
            c["updated_at"] = utc(clock.epoch(at))
            self._bump("campaigns")  # type: ignore[attr-defined]

    def set_stock(self, warehouse_id: int, size_id: int, **quantities: int) -> dict:
        """Overwrite quantities of one stock row (snake_case names of STOCK_QUANTITIES); returns the
        row. Stock has no updatedAt: it is a snapshot."""
        with self.lock:
            unknown = set(quantities) - set(STOCK_QUANTITIES)
            if unknown:
                raise ValueError(f"unknown stock quantities: {', '.join(sorted(unknown))}")
            self._warehouse(warehouse_id)
            cat = self.catalog_arrays()
            i = int(np.searchsorted(cat["size"], size_id))
            if i >= len(cat["size"]) or cat["size"][i] != size_id:
                raise KeyError(f"unknown product size {size_id}")
            for name, value in quantities.items():
                if int(value) < 0:
                    raise ValueError(f"{name} must not be negative")
            self._stock_over.setdefault((int(warehouse_id), int(size_id)), {}).update(
                {k: int(v) for k, v in quantities.items()})
            self._bump("stock")  # type: ignore[attr-defined]
            return self.stock_row(self.stock_columns(int(warehouse_id)), i)

    def set_price(self, pricelist_id: int, variant_id: int, price: float | None) -> dict:
        """Set a variant's price on a pricelist (None: no price); returns the price row. Existing
        orders keep the prices they were sold at."""
        with self.lock:
            self._pricelist(pricelist_id)
            cat = self.catalog_arrays()
            i = int(np.searchsorted(cat["v_variant"], variant_id))
            if i >= len(cat["v_variant"]) or cat["v_variant"][i] != variant_id:
                raise KeyError(f"unknown variant {variant_id}")
            self._price_over[(int(pricelist_id), int(variant_id))] = None if price is None else round(float(price), 2)
            self._bump("prices")  # type: ignore[attr-defined]
            return self.price_row(self.price_columns(int(pricelist_id)), i)

