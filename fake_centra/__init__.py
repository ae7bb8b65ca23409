"""Fake Centra: a local Centra GraphQL Integration API for tests, the demo and benchmarks."""

from .fake import FakeCentra
from .store import FakeData

__all__ = ["FakeCentra", "FakeData"]
