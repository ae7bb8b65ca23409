"""Airbyte's standard source tests (spec, check, discover, read, bad catalog, config vs spec)
against a fake Centra on the port the acceptance-test-config.yml configs point at."""
import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from fake_centra import FakeCentra
from source_centra import SourceCentra

PORT, TOKEN = 18741, "standard-suite-token"


@pytest.fixture(scope="module", autouse=True)
def fake_centra_on_fixed_port():
    fake = FakeCentra(orders=120, seed=21, port=PORT, token=TOKEN)
    fake.start()
    yield fake
    fake.stop()


class TestAirbyteStandards(SourceTestSuiteBase):
    connector = SourceCentra
