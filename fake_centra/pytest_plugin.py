"""pytest fixtures: ``fake_centra`` (300 orders, seed 7, one per test) and ``fake_centra_factory``.

Register with ``pytest_plugins = ["fake_centra.pytest_plugin"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .fake import FakeCentra


def _started_fakes() -> Iterator[Callable[..., FakeCentra]]:
    """``factory(**FakeCentra kwargs) -> started FakeCentra``; all are stopped when this ends."""
    started: list[FakeCentra] = []

    def factory(**kwargs: Any) -> FakeCentra:
        fake = FakeCentra(**kwargs)
        fake.start()
        started.append(fake)
        return fake

    yield factory
    for fake in started:
        fake.stop()


@pytest.fixture
def fake_centra_factory() -> Iterator[Callable[..., FakeCentra]]:
    """``factory(**FakeCentra kwargs) -> started FakeCentra``; all are stopped at teardown."""
    yield from _started_fakes()


@pytest.fixture(scope="module")
def fake_centra_factory_module() -> Iterator[Callable[..., FakeCentra]]:
    """The same factory for fakes shared by one test module's tests."""
    yield from _started_fakes()


@pytest.fixture
def fake_centra(fake_centra_factory: Callable[..., FakeCentra]) -> FakeCentra:
    """A started fake with 300 orders (seed 7)."""
    return fake_centra_factory(orders=300, seed=7)
