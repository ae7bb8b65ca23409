#!/usr/bin/env bash
# A throwaway PostgreSQL server for the dbt package's Postgres tests (integration_tests/test_dbt_postgres.py)
# and .ci/run. Offline: the server comes from Debian packages (`postgresql`).
#
#   scripts/postgres.sh install   # apt-get install postgresql, when no server binaries are found (needs root)
#   scripts/postgres.sh start     # a new cluster in a temporary folder on a free 127.0.0.1 port; prints
#                                 # CENTRA_PG_DIR=... PGHOST=... PGPORT=... PGUSER=... PGDATABASE=... lines
#   scripts/postgres.sh stop DIR  # stop the cluster of CENTRA_PG_DIR=DIR and delete its folder
#
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user the Debian package
# creates (`nobody` where there is none). Authentication is `trust` on 127.0.0.1 only; fsync is off.
# The server's time zone is CENTRA_PG_TIMEZONE (default Pacific/Auckland, UTC+12/+13): a timestamp that
# a model converts through the session time zone then lands on another day, and the per-day tests see it.
set -euo pipefail

bindir() {  # the newest Debian server's bin folder, else initdb on PATH; nothing when neither exists
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
  return 0
}

install() {
  [ -n "$(bindir)" ] && { echo "postgres: server found in $(bindir)"; return 0; }
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "postgres: no PostgreSQL server found and cannot install one (needs root and apt-get)." >&2
    echo "  Install it (Debian/Ubuntu: apt-get install postgresql) and run again." >&2
    return 1
  fi
  # no default cluster on port 5432: the tests start their own
  mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  echo "postgres: apt-get install postgresql"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  [ -n "$(bindir)" ] || { echo "postgres: installed, but no initdb found" >&2; return 1; }
  echo "postgres: server installed in $(bindir)"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bin dir owner run port tz attempt
  bin="$(bindir)"
  [ -n "$bin" ] || { echo "postgres: no PostgreSQL server found; run: scripts/postgres.sh install" >&2; return 1; }
  dir="$(mktemp -d "${TMPDIR:-/tmp}/centra-pg.XXXXXX")"
  run=()
  if [ "$(id -u)" = 0 ]; then
    owner=postgres; id -u postgres >/dev/null 2>&1 || owner=nobody
    chown "$owner" "$dir"; chmod 700 "$dir"
    run=(runuser -u "$owner" --)
  fi
  tz="${CENTRA_PG_TIMEZONE:-Pacific/Auckland}"
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U centra --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1; }
  for attempt in 1 2 3; do
    port="$(free_port)"
    if "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c timezone=$tz -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U centra centra
      {
        echo "CENTRA_PG_DIR=$dir"; echo "PGHOST=127.0.0.1"; echo "PGPORT=$port"
        echo "PGUSER=centra"; echo "PGPASSWORD="; echo "PGDATABASE=centra"
      } | tee "$dir/env"
      return 0
    fi
  done
  tail -20 "$dir/server.log" >&2 || true
  rm -rf "$dir"
  echo "postgres: the server did not start" >&2
  return 1
}

stop() {
  local dir="${1:?usage: scripts/postgres.sh stop DIR}" bin run=()
  [ -f "$dir/env" ] || { echo "postgres: $dir is not a cluster made by scripts/postgres.sh start" >&2; return 1; }
  bin="$(bindir)"
  [ "$(id -u)" = 0 ] && run=(runuser -u "$(stat -c %U "$dir")" --)
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop "${2:-}" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
