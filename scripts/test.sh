#!/usr/bin/env bash
# The test suite: unit tests, the fake Centra's own tests, and integration tests that run the real
# connector against a freshly started fake Centra (started by the tests themselves), and the dbt
# package (dbt/) built on a PyAirbyte sync of the fake (integration_tests/test_dbt.py). Offline.
# `scripts/test.sh --heavy` runs the long suites instead (pytest marker `heavy`); .ci/run runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/dbt.sh --setup-only   # dbt's own venv (dbt/.venv) for integration_tests/test_dbt.py
selection="not image_tests and not heavy"
if [ "${1:-}" = "--heavy" ]; then
  shift
  rc=0; .venv/bin/python -m pytest -m "heavy and not image_tests" -p no:cacheprovider "$@" || rc=$?
  [ "$rc" -eq 5 ] && { echo "no heavy tests selected"; exit 0; }   # pytest: nothing collected
  exit "$rc"
fi
exec .venv/bin/python -m pytest -m "$selection" -p no:cacheprovider "$@"
