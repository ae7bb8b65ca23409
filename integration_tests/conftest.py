import pytest


@pytest.fixture(scope="module")
def fake_centra_module():
    """One fake Centra (300 orders, seed 7) shared by a module's read-only tests."""
    from fake_centra import FakeCentra

    fake = FakeCentra(orders=300, seed=7)
    fake.start()
    yield fake
    fake.stop()
