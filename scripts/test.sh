#!/usr/bin/env bash
# The test suite: unit tests, the fake Centra's own tests, and integration tests that run the real
# connector against a freshly started fake Centra (started by the tests themselves), and the dbt
# package (dbt/) built on a PyAirbyte sync of the fake (integration_tests/test_dbt.py). Offline.
#
# The tests mostly wait (on subprocesses, fake-server latency, Retry-After), so they run on parallel
# workers (pytest-xdist, one test file per worker, so a module fixture is built once; files marked slow first); the few that
# assert wall-clock times (pytest marker `serial`) then run alone. At the end: the 10 slowest tests.
#   scripts/test.sh [pytest args]        e.g. -q, -x, -k name; TEST_WORKERS=N sets the workers (default: cores + 1)
#   scripts/test.sh --heavy [pytest args] the long suites instead (pytest marker `heavy`), one at a time;
#                                        .ci/run runs both
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/dbt.sh --setup-only   # dbt's own venv (dbt/.venv) for integration_tests/test_dbt.py
reports="$(mktemp -d /tmp/source-centra-test.XXXXXX)"
trap 'rm -rf "$reports"' EXIT
pytest() { .venv/bin/python -m pytest -p no:cacheprovider "$@"; }
run() {  # run <name> <pytest args...>: rc 5 (nothing selected) counts as success
  local name="$1" rc=0; shift
  pytest --junitxml="$reports/$name.xml" -o junit_duration_report=total "$@" || rc=$?
  [ "$rc" -eq 5 ] && rc=0
  return "$rc"
}
slowest() {  # the 10 slowest tests of every phase (setup + call + teardown)
  .venv/bin/python - "$reports" <<'EOF'
import sys, xml.etree.ElementTree as ET
from pathlib import Path
cases = [(float(c.get("time") or 0), f'{c.get("classname")}::{c.get("name")}')
         for xml in sorted(Path(sys.argv[1]).glob("*.xml")) for c in ET.parse(xml).iter("testcase")]
if cases:
    print(f"\n10 slowest of {len(cases)} tests (seconds, setup + call + teardown):")
    for seconds, name in sorted(cases, reverse=True)[:10]:
        print(f"{seconds:8.1f}  {name}")
EOF
}
started=$SECONDS
rc=0
mode=""
if [ "${1:-}" = "--heavy" ]; then
  shift
  mode=" --heavy"
  run heavy -m "heavy and not image_tests" "$@" || rc=$?
else
  workers="${TEST_WORKERS:-$(( $(nproc) + 1 ))}"
  run parallel -m "not image_tests and not heavy and not serial" -n "$workers" --dist loadfile "$@" || rc=$?
  if [ "$rc" -eq 0 ] || [[ " $* " != *" -x "* ]]; then
    run serial -m "serial and not image_tests and not heavy" "$@" || rc=$?
  fi
fi
slowest
echo "scripts/test.sh$mode: $((SECONDS - started)) s wall, exit $rc"
exit "$rc"
