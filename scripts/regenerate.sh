#!/usr/bin/env bash
# Rewrite the files derived from the stream table and the fixtures, after adding or changing a stream
# (docs/adding-a-stream.md): integration_tests/configured_catalog.json, integration_tests/abnormal_state.json
# and source_centra/queries/feeds.json. The same tests fail, naming this script, when one is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE_CATALOG=1 UPDATE_FEEDS=1 .venv/bin/python -m pytest -q -p no:cacheprovider \
  unit_tests/test_configured_catalog.py unit_tests/test_feeds.py
