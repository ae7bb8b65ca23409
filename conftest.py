# Makes the fake Centra fixtures (`fake_centra`, `fake_centra_factory`) available to every test folder.
pytest_plugins = ["fake_centra.pytest_plugin"]
