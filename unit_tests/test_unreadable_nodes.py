"""A node in a shape the record function cannot read (a list where it reads an object, say) fails its
stream with a clear error, never a bare traceback (AttributeError escaped before)."""
from __future__ import annotations

import pytest

from source_centra.config import Config
from source_centra.context import SyncContext
from source_centra.errors import CentraError
from source_centra.stream import CentraStream
from source_centra.streams import STREAMS_BY_NAME


class NoNetwork:
    def execute(self, *_args, **_kwargs):
        raise AssertionError("no request expected")


@pytest.mark.parametrize("node", [
    {"id": 7, "name": "Cat", "parent": [{"id": 1}], "store": [{"id": 1}]},  # lists where objects are read
    {"id": 7, "name": ["Cat"], "parent": "not an object"},
])
def test_given_node_in_a_shape_the_record_function_cannot_read_then_a_clear_stream_error(node) -> None:
    config = Config.from_mapping({"endpoint_url": "https://shop.centra.com/graphql", "api_token": "t0ken"})
    stream = CentraStream(STREAMS_BY_NAME["categories"], SyncContext(config, client=NoNetwork()))
    stream._offered = type("Offered", (), {"effective": STREAMS_BY_NAME["categories"]})()
    with pytest.raises(CentraError, match="Centra returned a categories object \\(id 7\\) the connector cannot read"):
        stream._records_of(node, "all")
