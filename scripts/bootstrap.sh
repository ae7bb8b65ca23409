#!/usr/bin/env bash
# Create .venv and install the project with its dev (and demo) extras; idempotent and quick when
# nothing changed. Usage: scripts/bootstrap.sh [extras]   (default: dev,demo)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev,demo}"
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(0 if (3,10) <= sys.version_info[:2] < (3,14) else 1)'; then
  echo "source-centra needs Python 3.10-3.13; found $("$py" --version 2>&1). Set PYTHON=/path/to/python3.x" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv
stamp=".venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-${extras//,/-}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[${extras}]" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import source_centra, fake_centra" 2>/dev/null || { echo "install failed" >&2; exit 1; }
  rm -f .venv/.installed-*; touch "$stamp"
fi
