#!/usr/bin/env bash
# The test suite: unit tests, the fake Centra's own tests, and integration tests that run the real
# connector against a freshly started fake Centra (started by the tests themselves), and the dbt
# package (dbt/) built on a PyAirbyte sync of the fake (integration_tests/test_dbt.py). Offline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/dbt.sh --setup-only   # dbt's own venv (dbt/.venv) for integration_tests/test_dbt.py
exec .venv/bin/python -m pytest -m "not image_tests" -p no:cacheprovider "$@"
