"""source.py: schema drift — Centra's deprecation notices become one warning per distinct item per sync."""

from __future__ import annotations

import json
import logging

from airbyte_cdk.models import (
    AirbyteStream,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)

from source_centra.source import SourceCentra

URL = "https://shop.centra.com/graphql"
CONFIG = {"endpoint_url": URL, "api_token": "t0ken", "page_size": 1}
CATALOG = ConfiguredAirbyteCatalog(streams=[ConfiguredAirbyteStream(
    stream=AirbyteStream(name="stores", json_schema={}, supported_sync_modes=[SyncMode.full_refresh]),
    sync_mode=SyncMode.full_refresh, destination_sync_mode=DestinationSyncMode.overwrite)])
STORES = [{"id": 1, "name": "Retail", "type": "DIRECT_TO_CONSUMER", "status": "ACTIVE"},
          {"id": 2, "name": "Wholesale", "type": "WHOLESALE", "status": "ACTIVE"}]


from unit_tests.centra_schema import introspection_answer  # noqa: E402


def centra(request, context) -> dict:
    """Every answer reports deprecations, the same ones again and again, as Centra does per request."""
    body = json.loads(request.body)
    if introspection_answer(body["query"]):
        return introspection_answer(body["query"])
    if "rateLimits" in body["query"]:
        return {"data": {"rateLimits": []}, "extensions": {"deprecatedFieldsUsed": ["Shipment.emailSentAt"]}}
    page = body["variables"]["page"]
    return {"data": {"result": STORES[page - 1:page]},
            "extensions": {"deprecatedFieldsUsed": ["ProductSize.GTIN", "Shipment.emailSentAt"],
                           "deprecatedPermissionsUsed": ["Market.Country:read"] if page > 1 else []}}


def deprecation_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "deprecated" in r.getMessage()]


def test_given_repeated_deprecation_notices_then_one_warning_per_distinct_item_per_sync(requests_mock, caplog) -> None:
    requests_mock.post(URL, json=centra)
    logger = logging.getLogger("airbyte")
    records = [m for m in SourceCentra().read(logger, CONFIG, CATALOG) if m.record is not None]
    assert [m.record.data["id"] for m in records] == [1, 2]
    assert requests_mock.call_count >= 5  # rate limits + introspection + three pages: each notice arrived more than once
    warned = deprecation_warnings(caplog)
    assert len(warned) == 3
    for item in ("Market.Country:read", "ProductSize.GTIN", "Shipment.emailSentAt"):
        assert sum(f"used by this connector: {item}." in message for message in warned) == 1, item
    assert all("Upgrade the connector" in message for message in warned)


def test_given_a_second_sync_then_it_warns_again_once_per_item(requests_mock, caplog) -> None:
    requests_mock.post(URL, json=centra)
    source = SourceCentra()
    for _ in range(2):
        list(source.read(logging.getLogger("airbyte"), CONFIG, CATALOG))
    warned = deprecation_warnings(caplog)
    assert len(warned) == 6 and sum("ProductSize.GTIN" in message for message in warned) == 2
