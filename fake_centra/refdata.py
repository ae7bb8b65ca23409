"""Reference data shared by every fake instance: stores, markets, pricelists, currencies, countries,
plus the word lists the generator draws names and addresses from. Small and constant."""

from __future__ import annotations

from . import ids

BASE_CURRENCY = "SEK"

STORES = [
    {"id": 1, "name": "Retail EU", "type": "DIRECT_TO_CONSUMER"},
    {"id": 2, "name": "Retail US", "type": "DIRECT_TO_CONSUMER"},
    {"id": 3, "name": "Wholesale", "type": "WHOLESALE"},
]
STORE_BY_ID = {s["id"]: s for s in STORES}
# Share of generated orders per store (index 0 = store 1).
STORE_WEIGHTS = [0.55, 0.30, 0.15]

CURRENCIES = [
    {"id": 1, "code": "SEK", "name": "Swedish krona", "is_base": True, "base_rate": 1.0},
    {"id": 2, "code": "EUR", "name": "Euro", "is_base": False, "base_rate": 11.4},
    {"id": 3, "code": "USD", "name": "US dollar", "is_base": False, "base_rate": 10.5},
    {"id": 4, "code": "GBP", "name": "Pound sterling", "is_base": False, "base_rate": 13.2},
    {"id": 5, "code": "NOK", "name": "Norwegian krone", "is_base": False, "base_rate": 1.0},
    {"id": 6, "code": "DKK", "name": "Danish krone", "is_base": False, "base_rate": 1.5},
]
CURRENCY_BY_CODE = {c["code"]: c for c in CURRENCIES}

# id, code, name, isEU, VAT percent (used for DTC lines)
COUNTRIES = [
    (1, "SE", "Sweden", True, 25.0), (2, "DE", "Germany", True, 19.0),
    (3, "FR", "France", True, 20.0), (4, "NL", "Netherlands", True, 21.0),
    (5, "FI", "Finland", True, 24.0), (6, "NO", "Norway", False, 25.0),
    (7, "DK", "Denmark", True, 25.0), (8, "GB", "United Kingdom", False, 20.0),
    (9, "US", "United States", False, 0.0), (10, "CA", "Canada", False, 0.0),
]
COUNTRY_BY_CODE = {c[1]: {"id": c[0], "code": c[1], "name": c[2], "isEU": c[3]} for c in COUNTRIES}
VAT_BY_CODE = {c[1]: c[4] for c in COUNTRIES}

MARKETS = [
    {"id": 1, "name": "Sweden", "store_id": 1, "countries": ["SE"]},
    {"id": 2, "name": "EU", "store_id": 1, "countries": ["DE", "FR", "NL", "FI"]},
    {"id": 3, "name": "Norway", "store_id": 1, "countries": ["NO"]},
    {"id": 4, "name": "Denmark", "store_id": 1, "countries": ["DK"]},
    {"id": 5, "name": "UK", "store_id": 1, "countries": ["GB"]},
    {"id": 6, "name": "North America", "store_id": 2, "countries": ["US", "CA"]},
    {"id": 7, "name": "Wholesale Nordics", "store_id": 3, "countries": ["SE", "NO", "DK", "FI"]},
    {"id": 8, "name": "Wholesale Europe", "store_id": 3, "countries": ["DE", "FR", "NL", "GB"]},
]
MARKET_BY_ID = {m["id"]: m for m in MARKETS}
# Market weights within each store (same order as MARKETS filtered by store).
MARKET_WEIGHTS = {1: [0.35, 0.35, 0.1, 0.1, 0.1], 2: [1.0], 3: [0.6, 0.4]}

PRICELISTS = [
    {"id": 1, "name": "SEK Retail", "store_id": 1, "currency": "SEK"},
    {"id": 2, "name": "EUR Retail", "store_id": 1, "currency": "EUR"},
    {"id": 3, "name": "NOK Retail", "store_id": 1, "currency": "NOK"},
    {"id": 4, "name": "DKK Retail", "store_id": 1, "currency": "DKK"},
    {"id": 5, "name": "GBP Retail", "store_id": 1, "currency": "GBP"},
    {"id": 6, "name": "USD Retail", "store_id": 2, "currency": "USD"},
    {"id": 7, "name": "SEK Wholesale", "store_id": 3, "currency": "SEK"},
    {"id": 8, "name": "EUR Wholesale", "store_id": 3, "currency": "EUR"},
]
PRICELIST_BY_ID = {p["id"]: p for p in PRICELISTS}
# Each market sells from one pricelist.
MARKET_PRICELIST = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8}

FIRST_NAMES = ["Anna", "Erik", "Maja", "Lars", "Sofia", "Johan", "Elsa", "Karl", "Olivia", "Noah",
               "Emma", "Liam", "Greta", "Hugo", "Alice", "Oscar", "Ingrid", "Nils", "Freja", "Leo"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
              "Persson", "Svensson", "Gustafsson", "Müller", "Dubois", "de Vries", "Smith",
              "Hansen", "Jensen", "Virtanen", "Brown", "Garcia", "O'Neill"]
STREETS = ["Drottninggatan", "Storgatan", "Hauptstraße", "Rue de Rivoli", "Kalverstraat",
           "Karl Johans gate", "Strøget", "Oxford Street", "Main Street", "Mannerheimintie"]
CITIES = {
    "SE": ["Stockholm", "Göteborg", "Malmö"], "DE": ["Berlin", "München", "Köln"],
    "FR": ["Paris", "Lyon"], "NL": ["Amsterdam", "Utrecht"], "FI": ["Helsinki", "Espoo"],
    "NO": ["Oslo", "Bergen"], "DK": ["København", "Aarhus"], "GB": ["London", "Manchester"],
    "US": ["New York", "Los Angeles", "Chicago"], "CA": ["Toronto", "Vancouver"],
}
BRANDS = ["Nordic Wear", "Fjäll & Co", "Urban Kind", "Sea Salt"]
PRODUCT_WORDS = ["Wool", "Linen", "Cotton", "Down", "Merino", "Canvas", "Denim", "Cashmere"]
PRODUCT_KINDS = ["Sweater", "Shirt", "Jacket", "Trousers", "Beanie", "Scarf", "Dress", "Tote"]
COLOURS = ["Black", "Navy", "Sand", "Forest", "Rust", "Grey", "Off-white", "Olive"]
SIZE_SETS = [["XS", "S", "M", "L", "XL"], ["S", "M", "L"], ["One size"], ["36", "38", "40", "42"]]
ACCOUNTS = ["Boutique Nord", "Kaufhaus Mitte", "Maison Claire", "Store Amsterdam", "Oslo Outfitters",
            "Copenhagen Supply", "London Threads", "Helsinki Design"]
PAYMENT_METHODS_DTC = ["Klarna Checkout", "Adyen Drop-In", "PayPal"]

# ---------------------------------------------------------------- the entities beyond orders
# Small, constant reference rows for the streams of connector-contract "Streams beyond Supermetrics".
# Datetimes are ISO strings in UTC here; store.py turns them into aware datetimes.

CONTINENT_BY_CODE = {"SE": "Europe", "DE": "Europe", "FR": "Europe", "NL": "Europe", "FI": "Europe",
                     "NO": "Europe", "DK": "Europe", "GB": "Europe", "US": "North America",
                     "CA": "North America"}
# (code, name) per country
STATES = {
    "US": [("NY", "New York"), ("CA", "California"), ("IL", "Illinois"), ("NJ", "New Jersey")],
    "CA": [("ON", "Ontario"), ("BC", "British Columbia")],
}


def country_states(code: str) -> list[dict]:
    """A country's states as the API serves them (id: ``ids.state_id``)."""
    cid = COUNTRY_BY_CODE[code]["id"]
    return [{"id": ids.state_id(cid, k), "code": sc, "name": sn}
            for k, (sc, sn) in enumerate(STATES.get(code, []), start=1)]

# Wholesale accounts: refdata.ACCOUNTS (ids 1-8, the accounts wholesale orders are placed by, in that
# order) with their country and market; the market decides the pricelist (MARKET_PRICELIST), so every
# order of an account is in the account's market and pricelist. Accounts 9-10 have no orders.
ACCOUNT_COUNTRY = {1: "SE", 2: "DE", 3: "FR", 4: "NL", 5: "NO", 6: "DK", 7: "GB", 8: "FI"}
ACCOUNT_MARKET = {1: 7, 2: 8, 3: 8, 4: 8, 5: 7, 6: 7, 7: 8, 8: 7}
EXTRA_ACCOUNTS = [  # (id, name, country, market, status)
    (9, "Stockholm Pop-up", "SE", 7, "ACTIVE"),
    (10, "Brussels Concept", "NL", 8, "INACTIVE"),
]

WAREHOUSES = [
    {"id": 1, "name": "Main Warehouse Stockholm", "status": "ACTIVE", "country": "SE", "city": "Stockholm",
     "zip_code": "11122", "address": "Lagervägen 1", "threshold": 2, "is_consignation": False,
     "is_hidden_from_stock_view": False},
    {"id": 2, "name": "EU Fulfilment Berlin", "status": "ACTIVE", "country": "DE", "city": "Berlin",
     "zip_code": "10115", "address": "Lagerstraße 12", "threshold": 0, "is_consignation": False,
     "is_hidden_from_stock_view": False},
    {"id": 3, "name": "US Warehouse New Jersey", "status": "ACTIVE", "country": "US", "city": "Newark",
     "zip_code": "07102", "address": "100 Dock Street", "threshold": 1, "is_consignation": False,
     "is_hidden_from_stock_view": False},
    {"id": 4, "name": "Retail Store Göteborg", "status": "INACTIVE", "country": "SE", "city": "Göteborg",
     "zip_code": "41101", "address": "Kungsgatan 5", "threshold": None, "is_consignation": True,
     "is_hidden_from_stock_view": True},
]

# Vouchers. percent: the order discount the voucher gives (store.py: Order.discountsApplied). share:
# the share of a store's voucher-using orders inside [start, stop) that get this voucher instead of the
# store's always-on one (generator.assign_vouchers). Codes are unique; automatic and URL vouchers have
# no code.
VOUCHERS = [
    {"id": 1, "name": "Welcome 10%", "code": "WELCOME10", "url": None, "method": "CODE", "type": "STANDARD",
     "store_id": 1, "markets": [1, 2, 3, 4, 5], "status": "ACTIVE", "percent": 10.0, "share": 1.0,
     "start_at": "2023-06-01T00:00:00", "stop_at": None, "created_at": None,
     "updated_at": "2024-02-01T09:30:00", "priority": 1, "reuse": False, "max_usages": None,
     "combine_with_other_vouchers": False},
    {"id": 2, "name": "Hello 10% (US)", "code": "HELLO10", "url": None, "method": "CODE", "type": "STANDARD",
     "store_id": 2, "markets": [6], "status": "ACTIVE", "percent": 10.0, "share": 1.0,
     "start_at": "2023-09-01T00:00:00", "stop_at": None, "created_at": "2023-08-20T12:00:00",
     "updated_at": "2024-03-15T08:00:00", "priority": 1, "reuse": False, "max_usages": None,
     "combine_with_other_vouchers": False},
    {"id": 3, "name": "Summer Sale 20%", "code": "SUMMER20", "url": None, "method": "CODE", "type": "STANDARD",
     "store_id": 1, "markets": [1, 2, 3, 4, 5], "status": "INACTIVE", "percent": 20.0, "share": 0.6,
     "start_at": "2024-06-01T00:00:00", "stop_at": "2024-09-01T00:00:00", "created_at": "2024-05-20T10:00:00",
     "updated_at": "2024-09-02T07:00:00", "priority": 2, "reuse": False, "max_usages": 20000,
     "combine_with_other_vouchers": False},
    {"id": 4, "name": "Black Week 25%", "code": "BLACKWEEK25", "url": None, "method": "CODE",
     "type": "STANDARD", "store_id": 1, "markets": [1, 2, 3, 4, 5], "status": "ACTIVE", "percent": 25.0,
     "share": 0.7, "start_at": "2025-11-24T00:00:00", "stop_at": "2025-12-02T00:00:00",
     "created_at": "2025-11-01T10:00:00", "updated_at": "2025-11-20T16:45:00", "priority": 3,
     "reuse": False, "max_usages": None, "combine_with_other_vouchers": True},
    {"id": 5, "name": "Spring automatic 5%", "code": None, "url": None, "method": "AUTO", "type": "STANDARD",
     "store_id": 1, "markets": [1, 2], "status": "ACTIVE", "percent": 5.0, "share": 0.4,
     "start_at": "2025-03-01T00:00:00", "stop_at": "2025-06-01T00:00:00", "created_at": "2025-02-15T09:00:00",
     "updated_at": "2025-02-28T17:00:00", "priority": 0, "reuse": True, "max_usages": None,
     "combine_with_other_vouchers": True},
    {"id": 6, "name": "Newsletter 15%", "code": None, "url": "https://shop.example.com/?voucher=news15",
     "method": "URL", "type": "STANDARD", "store_id": 1, "markets": [1, 2, 3, 4, 5], "status": "ACTIVE",
     "percent": 15.0, "share": 0.25, "start_at": "2025-01-01T00:00:00", "stop_at": None,
     "created_at": "2024-12-20T11:00:00", "updated_at": "2025-01-02T08:15:00", "priority": 1,
     "reuse": False, "max_usages": None, "combine_with_other_vouchers": False},
    {"id": 7, "name": "Staff credit", "code": "STAFF30", "url": None, "method": "CODE", "type": "CREDIT",
     "store_id": 1, "markets": [1], "status": "INACTIVE", "percent": 30.0, "share": 0.0,
     "start_at": None, "stop_at": None, "created_at": "2024-01-10T10:00:00",
     "updated_at": "2024-01-10T10:00:00", "priority": 0, "reuse": True, "max_usages": 50,
     "combine_with_other_vouchers": False},
]
VOUCHER_BY_ID = {v["id"]: v for v in VOUCHERS}
# The voucher a store's voucher-using orders get outside every windowed voucher.
STORE_BASE_VOUCHER = {1: 1, 2: 2}

CAMPAIGNS = [
    {"id": 1, "name": "Summer Sale 2024", "status": "INACTIVE", "markets": [1, 2, 3, 4, 5],
     "pricelists": [1, 2, 3, 4, 5], "start_at": "2024-06-15T00:00:00", "stop_at": "2024-08-15T00:00:00",
     "created_at": "2024-05-30T09:00:00", "updated_at": "2024-08-16T06:00:00"},
    {"id": 2, "name": "Winter Sale 2024", "status": "INACTIVE", "markets": [1, 2],
     "pricelists": [1, 2], "start_at": "2024-12-26T00:00:00", "stop_at": "2025-01-20T00:00:00",
     "created_at": "2024-12-01T12:00:00", "updated_at": "2025-01-21T07:30:00"},
    {"id": 3, "name": "US Spring 2025", "status": "ACTIVE", "markets": [6], "pricelists": [6],
     "start_at": "2025-03-20T00:00:00", "stop_at": "2025-04-30T00:00:00",
     "created_at": "2025-03-01T15:00:00", "updated_at": "2025-03-18T10:20:00"},
    {"id": 4, "name": "Black Week 2025", "status": "ACTIVE", "markets": [1, 2, 3, 4, 5],
     "pricelists": [1, 2, 3, 4, 5], "start_at": "2025-11-24T00:00:00", "stop_at": "2025-12-02T00:00:00",
     "created_at": "2025-10-30T08:00:00", "updated_at": "2025-11-21T13:00:00"},
]

# One brand row per product brand (BRANDS, ids in that order), plus one brand no product carries.
BRAND_ROWS = [{"id": i, "name": name} for i, name in enumerate(BRANDS, start=1)] + [
    {"id": len(BRANDS) + 1, "name": "Archive Label"}]

# (id, name, store, parent id, status)
CATEGORIES = [
    (1, "Women", 1, None, "ACTIVE"), (2, "Men", 1, None, "ACTIVE"), (3, "Accessories", 1, None, "ACTIVE"),
    (4, "Knitwear", 1, 1, "ACTIVE"), (5, "Outerwear", 1, 1, "ACTIVE"), (6, "Shirts", 1, 2, "ACTIVE"),
    (7, "Trousers", 1, 2, "ACTIVE"), (8, "Bags", 1, 3, "ACTIVE"), (9, "Hats & Scarves", 1, 3, "ACTIVE"),
    (10, "Archive", 1, None, "INACTIVE"), (11, "Shop", 2, None, "ACTIVE"), (12, "New In", 2, 11, "ACTIVE"),
]

COLLECTIONS = [(1, "Core", "ACTIVE"), (2, "Autumn/Winter 2024", "ACTIVE"), (3, "Spring/Summer 2025", "ACTIVE"),
               (4, "Autumn/Winter 2025", "ACTIVE"), (5, "Archive", "INACTIVE")]

# Pricelist details beyond id/name/store/currency (centra-streams §9).
PRICELIST_EXTRA = {
    1: {"comment": "Base retail pricelist", "is_default_for_currency": True, "updated_at": "2024-01-15T08:00:00"},
    2: {"comment": None, "is_default_for_currency": True, "updated_at": "2024-03-02T09:10:00"},
    3: {"comment": None, "is_default_for_currency": True, "updated_at": "2024-03-02T09:12:00"},
    4: {"comment": None, "is_default_for_currency": True, "updated_at": "2024-03-02T09:14:00"},
    5: {"comment": "Post-Brexit pricing", "is_default_for_currency": True, "updated_at": "2024-04-20T11:00:00"},
    6: {"comment": None, "is_default_for_currency": True, "updated_at": "2024-02-10T16:00:00"},
    7: {"comment": "Wholesale, 50% of retail", "is_default_for_currency": False, "updated_at": "2024-01-20T10:00:00"},
    8: {"comment": "Wholesale, 50% of retail", "is_default_for_currency": False, "updated_at": "2024-01-20T10:05:00"},
}
WHOLESALE_PRICE_FACTOR = 0.5  # wholesale unit price = round(retail * 0.5, 2) (details.DetailBuilder.order)
