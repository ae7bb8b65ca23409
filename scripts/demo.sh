#!/usr/bin/env bash
# The main job on the built-in default: start a fake Centra, sync all streams through
# PyAirbyte into DuckDB (.demo/centra.duckdb), print row counts and revenue, sync again incrementally;
# then build the dbt package (dbt/) on that file, print a few lines from its marts and draw daily net
# revenue and return rate into .demo/daily_sales.png.
# Options go to the sync (examples/pyairbyte_duckdb.py: --orders N --seed N --db PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[demo] $*"; }
started=$SECONDS
if compgen -G ".venv/.installed-*" >/dev/null; then
  say "Checking the connector's Python environment (.venv) ..."
else
  say "Setting up the connector's Python environment (.venv: the connector, PyAirbyte, DuckDB);"
  say "the first run installs packages and takes a minute or two ..."
fi
scripts/bootstrap.sh
say "Environment ready ($((SECONDS - started)) s). Starting a fake Centra and syncing every stream into DuckDB ..."
db=".demo/centra.duckdb"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --db) db="${args[i+1]}" ;;
    --db=*) db="${args[i]#--db=}" ;;
  esac
done
.venv/bin/python examples/pyairbyte_duckdb.py "$@"
echo
if [ -x dbt/.venv/bin/dbt ]; then
  say "Checking dbt's Python environment (dbt/.venv) ..."
else
  say "Setting up dbt's Python environment (dbt/.venv: dbt-core, dbt-duckdb); the first run takes a minute or two ..."
fi
scripts/dbt.sh --setup-only
echo
echo "dbt build (dbt/: staging, marts and their tests) on $db:"
log="$(dirname "$db")/dbt-build.log"
if ! CENTRA_DUCKDB="$db" scripts/dbt.sh build >"$log" 2>&1; then
  tail -40 "$log"; echo "dbt build failed (full log: $log)" >&2; exit 1
fi
grep -E "Done\. PASS=" "$log" | sed -E 's/^.*(Done\.)/  \1/' || true
dbt/.venv/bin/python examples/dbt_marts.py --db "$db" --png "$(dirname "$db")/daily_sales.png"
