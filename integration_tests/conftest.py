"""Fakes for the integration tests. Where a test sets no quota of its own, its fake Centra grants
quotas far above what a sync needs, so the connector never paces: pacing has its own tests
(test_pacing_live.py, the throttling scenarios), which set the quotas they are about. Under the
fake's default (Centra's Growth plan) quotas a full read of every stream spends ~80 % of its time in
pacing waits, which tests of what a sync emits do not need."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

GENEROUS = {"quota_requests": 10_000, "quota_complexity": 100_000_000, "quota_requests_hour": 10**7,
            "quota_complexity_hour": 10**11}


def _generous(factory: Callable[..., Any]) -> Callable[..., Any]:
    def make(**kwargs: Any):
        if not any(key.startswith("quota_") for key in kwargs):
            kwargs = {**GENEROUS, **kwargs}
        return factory(**kwargs)

    return make


@pytest.fixture
def fake_centra_factory(fake_centra_factory):
    """The plugin's factory, with generous quotas unless the test sets any."""
    return _generous(fake_centra_factory)


@pytest.fixture(scope="module")
def fake_centra_factory_module(fake_centra_factory_module):
    """The plugin's module-scoped factory, with generous quotas unless the test sets any."""
    return _generous(fake_centra_factory_module)


@pytest.fixture(scope="module")
def fake_centra_module(fake_centra_factory_module):
    """One fake Centra (300 orders, seed 7) shared by a module's read-only tests."""
    return fake_centra_factory_module(orders=300, seed=7)
