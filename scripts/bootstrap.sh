#!/usr/bin/env bash
# Create .venv and install the project with its dev (and demo) extras; idempotent and quick when
# nothing changed. Usage: scripts/bootstrap.sh [extras]   (default: dev,demo)
# Runtime dependencies come first from requirements.txt (poetry.lock's exact, hashed versions, as in
# the Docker image), so tests run on what ships; the extras are then resolved around them. The locked
# build backend (requirements-build.txt) lets unit_tests/test_wheel.py build the wheel offline.
# The fake Centra (fake_centra/) is not installed: it runs from the repo (scripts/fake-centra,
# or `python -m fake_centra` from the repo root; the editable install also puts the root on the path).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev,demo}"
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(0 if (3,10) <= sys.version_info[:2] < (3,14) else 1)'; then
  echo "source-centra needs Python 3.10-3.13; found $("$py" --version 2>&1). Set PYTHON=/path/to/python3.x" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv
pip_install() {  # quiet pip install that still fails loudly; drops pip's notes about absent local indexes
  local log rc=0
  log="$(mktemp)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" >"$log" 2>&1 || rc=$?
  grep -v "is ignored: it is neither a file nor a directory" "$log" >&2 || true
  rm -f "$log"
  return "$rc"
}
stamp=".venv/.installed-$(cat pyproject.toml requirements.txt requirements-build.txt | sha1sum | cut -c1-12)-${extras//,/-}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  pip_install --no-deps --require-hashes -r requirements.txt -r requirements-build.txt
  pip_install -e ".[${extras}]"
  .venv/bin/python -c "import source_centra, fake_centra" 2>/dev/null || { echo "install failed" >&2; exit 1; }
  rm -f .venv/.installed-*; touch "$stamp"
fi
