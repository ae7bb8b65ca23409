#!/usr/bin/env bash
# The test suite: unit tests, the fake Centra's own tests, and integration tests that run the real
# connector against a freshly started fake Centra (started by the tests themselves). Offline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python -m pytest -m "not image_tests" -p no:cacheprovider "$@"
