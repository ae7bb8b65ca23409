# Makes the fake Centra fixtures (`fake_centra`, `fake_centra_factory`) available to every test folder.
pytest_plugins = [
    "fake_centra.pytest_plugin",
    "airbyte_cdk.test.standard_tests.pytest_hooks",  # scenarios for integration_tests/test_airbyte_standards.py
]
