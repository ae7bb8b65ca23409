"""A configured store the token cannot see fails `read` too, naming it, before anything is read, so its
cursor never moves past data that was never read (issue 18 case 2)."""
from __future__ import annotations

import pytest

from source_centra.client import GraphQLResult
from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra.errors import ConfigError
from unit_tests.centra_schema import introspection_answer

BASE = {"endpoint_url": "https://shop.centra.com/graphql", "api_token": "t0ken-abcdef"}


class StoresClient:
    """Answers only the stores probe: the stores the token sees, or an authorization error."""

    def __init__(self, stores):
        self.stores, self.calls, self.stopped = stores, 0, None

    def execute(self, query, variables=None, raise_errors=True):
        if "__schema" in query:  # the probe is planned against the live schema (one introspection)
            return GraphQLResult(introspection_answer(query)["data"], [], {})
        self.calls += 1
        if self.stores is None:
            return GraphQLResult({"stores": None}, [{"message": "no", "extensions": {"category": "authorization"}}], {})
        return GraphQLResult({"stores": self.stores}, [], {})


@pytest.mark.parametrize("configured, visible, named", [([1, 2], [1], "Store ID 2 is"), ([999], [1, 2], "Store ID 999 is"),
                                                         ([3, 4], [1], "Store IDs 3, 4 are")])
def test_given_store_the_token_cannot_see_then_config_error_naming_it_and_listing_the_visible(configured, visible, named):
    client = StoresClient([{"id": i, "name": f"Store {i}"} for i in visible])
    context = SyncContext(Config.from_mapping({**BASE, "store_ids": configured}), client=client)
    with pytest.raises(ConfigError) as error:
        context.check_store_ids()
    assert named in error.value.message and "Stores it can see: " in error.value.message
    assert context.sync_failure is error.value, "every other stream would fail the same: the sync stops"
    with pytest.raises(ConfigError):
        context.check_store_ids()
    assert client.calls == 1


def test_given_every_configured_store_visible_then_no_error():
    context = SyncContext(Config.from_mapping({**BASE, "store_ids": [2, 1]}), client=StoresClient([{"id": 1}, {"id": 2}]))
    context.check_store_ids()
    assert context.sync_failure is None


def test_given_token_cannot_list_stores_then_a_warning_and_the_sync_goes_on(caplog):
    context = SyncContext(Config.from_mapping({**BASE, "store_ids": [1]}), client=StoresClient(None))
    context.check_store_ids()
    assert "cannot be checked" in caplog.text


def test_given_no_store_ids_then_nothing_asked():
    client = StoresClient([])
    SyncContext(Config.from_mapping(BASE), client=client).check_store_ids()
    assert client.calls == 0
