import pytest


@pytest.fixture(scope="module")
def fake_centra_module(fake_centra_factory_module):
    """One fake Centra (300 orders, seed 7) shared by a module's read-only tests."""
    return fake_centra_factory_module(orders=300, seed=7)
