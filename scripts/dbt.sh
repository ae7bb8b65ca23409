#!/usr/bin/env bash
# dbt for the Centra dbt package (dbt/), in its own venv dbt/.venv with dbt/requirements.txt's pinned
# versions (kept apart from the connector's .venv and poetry.lock). Idempotent and quick when nothing
# changed. Usage:
#   scripts/dbt.sh build                      # any dbt command; runs in dbt/ with dbt/profiles
#   scripts/dbt.sh --setup-only               # just create / update dbt/.venv
# The default target is DuckDB: CENTRA_DUCKDB (default .demo/centra.duckdb, the demo's PyAirbyte
# cache) is the file dbt reads the streams from and writes the models to (schema `analytics`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/dbt/.venv"
py="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
stamp="$venv/.installed-$(sha1sum "$root/dbt/requirements.txt" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  log="$(mktemp)"
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/dbt/requirements.txt" >"$log" 2>&1; then
    grep -v "is ignored: it is neither a file nor a directory" "$log" >&2 || true
    rm -f "$log"; echo "dbt venv install failed" >&2; exit 1
  fi
  rm -f "$log" "$venv"/.installed-*; touch "$stamp"
fi
[ "${1:-}" = "--setup-only" ] && exit 0
export CENTRA_DUCKDB="$(realpath -m "${CENTRA_DUCKDB:-$root/.demo/centra.duckdb}")"
export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$root/dbt/profiles}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
cd "$root/dbt"
exec "$venv/bin/dbt" "$@"
