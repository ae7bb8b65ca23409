#!/usr/bin/env bash
# The main job on the built-in default: start a fake Centra, sync all streams through
# PyAirbyte into DuckDB (.demo/centra.duckdb), print row counts and revenue, sync again incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python examples/pyairbyte_duckdb.py "$@"
