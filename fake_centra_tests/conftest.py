"""Shared fixtures for the fake's own tests.

The fixtures of ``fake_centra.pytest_plugin`` are imported (not registered via ``pytest_plugins``,
which pytest only allows in the root conftest).
"""

from __future__ import annotations

import pytest
from fake_client import UNLIMITED, Client

from fake_centra import FakeCentra
from fake_centra.pytest_plugin import fake_centra, fake_centra_factory, fake_centra_factory_module  # noqa: F401


@pytest.fixture
def gql(fake_centra: FakeCentra) -> Client:  # noqa: F811
    return Client(fake_centra)


@pytest.fixture
def big_fake(fake_centra_factory) -> FakeCentra:  # noqa: F811
    """300 orders without practical rate limits, for tests that make many requests."""
    return fake_centra_factory(orders=300, seed=7, **UNLIMITED)


@pytest.fixture
def big(big_fake: FakeCentra) -> Client:
    return Client(big_fake)
