"""Reference data shared by every fake instance: stores, markets, pricelists, currencies, countries,
plus the word lists the generator draws names and addresses from. Small and constant."""

from __future__ import annotations

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
