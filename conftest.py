# Makes the fake Centra fixtures (`fake_centra`, `fake_centra_factory`) available to every test folder.
pytest_plugins = [
    "fake_centra.pytest_plugin",
    "airbyte_cdk.test.standard_tests.pytest_hooks",  # scenarios for integration_tests/test_airbyte_standards.py
]


def pytest_collection_modifyitems(config, items):
    """Under ``pytest -n N --dist loadgroup`` (scripts/test.sh): one group per test file and per value of
    the file's parametrized module fixtures, so a module fixture (a fake, a sync, a dbt build) is built
    once, and the builds of one file's parameters (dbt on full / lean / unknown, full reads per schema
    profile) run on different workers at once. A test's own ``xdist_group`` mark wins."""
    if config.getoption("dist", None) != "loadgroup":
        return
    import pytest

    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        group = item.nodeid.split("::")[0]
        callspec = getattr(item, "callspec", None)
        if callspec is not None:
            definitions = item._fixtureinfo.name2fixturedefs
            group += "".join(f"[{name}={callspec.indices[name]}]" for name in sorted(callspec.params)
                             if name in definitions and definitions[name][-1].scope == "module")
        item.add_marker(pytest.mark.xdist_group(group))
