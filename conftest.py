import pytest

# Makes the fake Centra fixtures (`fake_centra`, `fake_centra_factory`) available to every test folder.
pytest_plugins = [
    "fake_centra.pytest_plugin",
    "airbyte_cdk.test.standard_tests.pytest_hooks",  # scenarios for integration_tests/test_airbyte_standards.py
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """On parallel workers (scripts/test.sh: one test file per worker), the files with a test marked
    ``slow`` are handed out first, so the longest files do not start last and keep one worker busy
    after the others are done. The order within each file is kept."""
    if not (config.getoption("dist", "no") != "no" or hasattr(config, "workerinput")):
        return
    slow_files = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow_files)  # stable: order kept otherwise
