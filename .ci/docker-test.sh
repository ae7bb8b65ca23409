#!/usr/bin/env bash
# Build the source-centra image and smoke-test it end to end, on a machine without Docker Hub.
#
#   .ci/docker-test.sh              full run: build, spec, image checks, check + read against fake-centra
#   .ci/docker-test.sh --spec-only  build, spec and image checks only (no fake server needed)
#
# Steps (each timed):
#   setup    install docker.io (+ debootstrap when needed) with apt-get if missing
#   daemon   start dockerd if no daemon answers; a daemon this script started is stopped when it ends
#            (KEEP_DOCKERD=1 leaves it running for the next run)
#   base     local/debian-python:bookworm: reuse the image, else import the cached rootfs tarball
#            ($CACHE_DIR/debian-python-bookworm.tar), else debootstrap it (~65 s) and cache it
#   build    docker build --build-arg BASE_IMAGE=local/debian-python:bookworm -t $IMAGE .
#   spec     docker run --rm $IMAGE spec  ->  one SPEC message with a connectionSpecification
#   image    runs as non-root, io.airbyte.* labels, AIRBYTE_ENTRYPOINT env, no fake_centra inside
#   fake     scripts/fake-centra serve --port 0 --orders 200 --seed 7 on the host (runs it from the repo)
#   check    docker run --network host ... check  ->  CONNECTION_STATUS SUCCEEDED
#   read     read with integration_tests/configured_catalog.json (else one built from discover);
#            every configured stream must emit records; the API token must appear nowhere
#
# If no Docker daemon can be had (no permission, cannot install or start), prints ONE line
#   DOCKER UNAVAILABLE: <reason> — image tests skipped
# and exits 0. Any other failure exits non-zero with a "FAIL [phase]: ..." line.
#
# Environment: IMAGE (default airbyte/source-centra:dev), CACHE_DIR (default
# /var/cache/source-centra), REBUILD_BASE=1 (ignore cached base image and tarball),
# DEBIAN_MIRROR (default http://deb.debian.org/debian), ALLOW_EMPTY_STREAMS="a,b" (streams allowed
# to emit no records), DOCKER (docker CLI to use), KEEP_DOCKERD=1 (leave a dockerd it started running).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

IMAGE="${IMAGE:-airbyte/source-centra:dev}"
LOCAL_BASE="local/debian-python:bookworm"
CACHE_DIR="${CACHE_DIR:-/var/cache/source-centra}"
BASE_TAR="$CACHE_DIR/debian-python-bookworm.tar"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ALLOW_EMPTY_STREAMS="${ALLOW_EMPTY_STREAMS:-}"
SPEC_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --spec-only) SPEC_ONLY=1 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

# The classic builder needs no buildx plugin and no image pulls besides the base.
export DOCKER_BUILDKIT=0
PY="$(command -v python3)" || { echo "FAIL [setup]: python3 not found on the host" >&2; exit 1; }

WORK="$(mktemp -d /tmp/source-centra-docker-test.XXXXXX)"
FAKE_PID=""
DOCKERD_PID=""  # set only when this script started the daemon
cleanup() {
  if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
  fi
  if [ -n "$DOCKERD_PID" ] && [ "${KEEP_DOCKERD:-0}" != 1 ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill "$DOCKERD_PID" 2>/dev/null || true   # SIGTERM: dockerd stops its containers and containerd
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then kill -9 "$DOCKERD_PID" 2>/dev/null || true; fi
    echo "[docker-test] stopped the dockerd it started (pid $DOCKERD_PID)"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers
PHASE="init"
PHASE_START=0
T0="$(date +%s.%N)"
TIMINGS=()
now() { date +%s.%N; }
phase() { PHASE="$1"; PHASE_START="$(now)"; echo "[docker-test] == $PHASE"; }
phase_done() {
  local secs
  secs="$(awk -v a="$PHASE_START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
  TIMINGS+=("$PHASE=${secs}s")
  echo "[docker-test]    $PHASE: ${secs}s${1:+ ($1)}"
}
fail() { echo "FAIL [$PHASE]: $*" >&2; exit 1; }
unavailable() { echo "DOCKER UNAVAILABLE: $* — image tests skipped"; exit 0; }
log_tail() { [ -f "$1" ] && tail -n "${2:-30}" "$1" | sed 's/^/    | /' >&2 || true; }
is_root() { [ "$(id -u)" -eq 0 ]; }

APT_UPDATED=0
apt_install() {  # apt_install <log> <pkg>...
  local log="$1"; shift
  if [ "$APT_UPDATED" -eq 0 ]; then
    apt-get update >"$log" 2>&1 || return 1
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$log" 2>&1
}

# ---------------------------------------------------------------- setup
phase setup
need_base=1
pick_docker() {
  # The Debian docker.io CLI (20.10) matches the daemon; /usr/local/bin/docker (v28) wants buildx
  # for BuildKit, which DOCKER_BUILDKIT=0 avoids, so either works.
  if [ -n "${DOCKER:-}" ]; then return 0; fi
  if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker
  elif command -v docker >/dev/null 2>&1; then DOCKER="$(command -v docker)"
  else DOCKER=""; fi
}
pick_docker
installed=""
if ! command -v dockerd >/dev/null 2>&1 && ! { [ -n "$DOCKER" ] && "$DOCKER" info >/dev/null 2>&1; }; then
  is_root || unavailable "no Docker daemon reachable and not root, cannot install docker.io"
  command -v apt-get >/dev/null 2>&1 || unavailable "no Docker daemon and no apt-get to install docker.io"
  apt_install "$WORK/apt.log" docker.io \
    || unavailable "apt-get install docker.io failed: $(tail -n 1 "$WORK/apt.log")"
  installed="docker.io"
  DOCKER=""; pick_docker
fi
[ -n "$DOCKER" ] || unavailable "docker CLI not found after installing docker.io"
phase_done "${installed:+installed $installed; }cli $DOCKER"

# ---------------------------------------------------------------- daemon
phase daemon
daemon_note="already running"
if ! "$DOCKER" info >/dev/null 2>&1; then
  is_root || unavailable "Docker daemon not reachable and not root to start dockerd ($("$DOCKER" version 2>&1 | grep -iE 'denied|cannot connect|error' | tail -n 1 | cut -c1-160))"
  command -v dockerd >/dev/null 2>&1 || unavailable "dockerd binary not found"
  DOCKERD_LOG=/tmp/source-centra-dockerd.log
  # setsid: the daemon does not get this script's terminal signals; cleanup stops it (KEEP_DOCKERD=1: kept).
  # (its own pid file: setsid may fork, so $! need not be the daemon's pid)
  DOCKERD_PIDFILE=/var/run/source-centra-dockerd.pid
  rm -f "$DOCKERD_PIDFILE"
  setsid dockerd --pidfile "$DOCKERD_PIDFILE" >"$DOCKERD_LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    [ -z "$DOCKERD_PID" ] && [ -s "$DOCKERD_PIDFILE" ] && DOCKERD_PID="$(cat "$DOCKERD_PIDFILE")"
    "$DOCKER" info >/dev/null 2>&1 && break
    sleep 1
  done
  [ -z "$DOCKERD_PID" ] && [ -s "$DOCKERD_PIDFILE" ] && DOCKERD_PID="$(cat "$DOCKERD_PIDFILE")"
  daemon_note="started dockerd pid ${DOCKERD_PID:-?} (log $DOCKERD_LOG; stopped at the end unless KEEP_DOCKERD=1)"
  "$DOCKER" info >/dev/null 2>&1 \
    || unavailable "dockerd did not come up within 60 s: $(tail -n 1 "$DOCKERD_LOG" 2>/dev/null)"
fi
# A daemon that answers but cannot run a container is also "unavailable" (e.g. rootless limits):
# tested below with the first real container, where a failure is reported as such.
phase_done "$daemon_note; server $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null)"

# ---------------------------------------------------------------- base
phase base
base_note=""
if [ "${REBUILD_BASE:-0}" != 1 ] && "$DOCKER" image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
  base_note="reused image $LOCAL_BASE"
else
  if [ "${REBUILD_BASE:-0}" = 1 ] || [ ! -s "$BASE_TAR" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
      is_root || fail "debootstrap missing and not root to install it"
      apt_install "$WORK/apt.log" debootstrap || { log_tail "$WORK/apt.log"; fail "apt-get install debootstrap failed"; }
    fi
    is_root || fail "debootstrap needs root"
    mkdir -p "$CACHE_DIR"
    rootfs="$(mktemp -d /var/tmp/source-centra-rootfs.XXXXXX)"
    echo "[docker-test]    debootstrap bookworm from $DEBIAN_MIRROR (about a minute)"
    if ! debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
         bookworm "$rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1; then
      log_tail "$WORK/debootstrap.log"; rm -rf "$rootfs"; fail "debootstrap failed (log above)"
    fi
    # The host's CA bundle: it may hold a TLS-intercepting proxy's CA that pip in the build
    # container needs to reach PyPI. Only this local test base carries it, never the Dockerfile.
    if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
      cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/* || true
    tar -C "$rootfs" --numeric-owner -cf "$BASE_TAR.tmp" . || { rm -rf "$rootfs"; fail "tar of rootfs failed"; }
    mv -f "$BASE_TAR.tmp" "$BASE_TAR"
    rm -rf "$rootfs"
    base_note="debootstrapped, cached $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1)); "
  else
    base_note="from cached $BASE_TAR; "
  fi
  "$DOCKER" import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' \
      - "$LOCAL_BASE" <"$BASE_TAR" >/dev/null || fail "docker import of $BASE_TAR failed"
  base_note="${base_note}imported $LOCAL_BASE"
fi
# First container: proves the daemon can run containers at all.
if ! out="$("$DOCKER" run --rm "$LOCAL_BASE" python3 -c 'import sys, venv; print(sys.version.split()[0])' 2>&1)"; then
  case "$out" in
    *"permission denied"*|*"operation not permitted"*|*"cgroup"*|*"OCI runtime"*)
      unavailable "daemon cannot run containers: $(echo "$out" | tail -n 1)" ;;
    *) fail "base image $LOCAL_BASE does not run python3: $out" ;;
  esac
fi
phase_done "$base_note; python $out"

# ---------------------------------------------------------------- build
phase build
if ! "$DOCKER" build --build-arg "BASE_IMAGE=$LOCAL_BASE" -t "$IMAGE" . >"$WORK/build.log" 2>&1; then
  log_tail "$WORK/build.log" 40
  cp "$WORK/build.log" /tmp/source-centra-docker-build.log 2>/dev/null || true
  fail "docker build failed (tail above; full log /tmp/source-centra-docker-build.log)"
fi
# Previous builds of this image, now untagged, only take disk space.
"$DOCKER" image prune -f --filter "label=io.airbyte.name=airbyte/source-centra" >/dev/null 2>&1 || true
phase_done "$IMAGE $("$DOCKER" image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"

# JSON helper: summarise Airbyte messages in a file. Usage: msgs <file> <mode> [args]
msgs() {
  "$PY" - "$@" <<'PYEOF'
import json, sys
path, mode, *args = sys.argv[1:]
messages = []
for line in open(path, encoding="utf-8", errors="replace"):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        messages.append(json.loads(line))
    except ValueError:
        pass
def errors():
    out = []
    for m in messages:
        if m.get("type") == "TRACE" and m.get("trace", {}).get("type") == "ERROR":
            e = m["trace"]["error"]
            out.append(f'{e.get("failure_type")}: {e.get("message")}')
        elif m.get("type") == "LOG" and m.get("log", {}).get("level") in ("ERROR", "FATAL"):
            out.append(m["log"].get("message", "")[:300])
    return out
if mode == "spec":
    specs = [m for m in messages if m.get("type") == "SPEC"]
    if len(specs) != 1:
        sys.exit(f"expected exactly one SPEC message, got {len(specs)}")
    cs = specs[0]["spec"].get("connectionSpecification")
    if not isinstance(cs, dict) or not cs.get("properties"):
        sys.exit("SPEC message has no connectionSpecification.properties")
    print(f'{len(cs["properties"])} properties: {", ".join(sorted(cs["properties"]))}; required: {cs.get("required")}')
elif mode == "check":
    st = [m for m in messages if m.get("type") == "CONNECTION_STATUS"]
    if not st:
        sys.exit("no CONNECTION_STATUS message; errors: " + " | ".join(errors()))
    s = st[-1]["connectionStatus"]
    if s.get("status") != "SUCCEEDED":
        sys.exit(f'CONNECTION_STATUS {s.get("status")}: {s.get("message")}')
    print("SUCCEEDED")
elif mode == "catalog":  # build a configured catalog from a discover output: every stream, full refresh
    cats = [m for m in messages if m.get("type") == "CATALOG"]
    if not cats:
        sys.exit("no CATALOG message; errors: " + " | ".join(errors()))
    streams = [{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
               for s in cats[-1]["catalog"]["streams"]]
    json.dump({"streams": streams}, open(args[0], "w"), indent=1)
    print(f"{len(streams)} streams from discover")
elif mode == "read":
    catalog_path, allow_empty = args[0], set(filter(None, args[1].split(",")))
    configured = [s["stream"]["name"] for s in json.load(open(catalog_path))["streams"]]
    counts = {name: 0 for name in configured}
    states = 0
    for m in messages:
        if m.get("type") == "RECORD":
            counts[m["record"]["stream"]] = counts.get(m["record"]["stream"], 0) + 1
        elif m.get("type") == "STATE":
            states += 1
    print("records per stream: " + ", ".join(f"{k}={v}" for k, v in counts.items()) + f"; STATE messages: {states}")
    errs = errors()
    if errs:
        sys.exit("error messages in read output: " + " | ".join(errs[:5]))
    extra = sorted(set(counts) - set(configured))
    if extra:
        sys.exit(f"records for streams not in the catalog: {extra}")
    empty = [k for k in configured if counts[k] == 0 and k not in allow_empty]
    if empty:
        sys.exit(f"no RECORD messages for: {', '.join(empty)} (ALLOW_EMPTY_STREAMS to accept)")
PYEOF
}

no_token_in() {  # no_token_in <token> <file>...
  local tok="$1"; shift
  local f
  for f in "$@"; do
    if grep -qF -- "$tok" "$f"; then
      fail "the API token appears in $(basename "$f") ($(grep -cF -- "$tok" "$f") line(s))"
    fi
  done
}

# ---------------------------------------------------------------- spec
phase spec
"$DOCKER" run --rm "$IMAGE" spec >"$WORK/spec.out" 2>"$WORK/spec.err" \
  || { log_tail "$WORK/spec.err"; log_tail "$WORK/spec.out"; fail "docker run $IMAGE spec exited non-zero"; }
spec_note="$(msgs "$WORK/spec.out" spec)" || { log_tail "$WORK/spec.out"; fail "bad spec output"; }
phase_done "$spec_note"

# ---------------------------------------------------------------- image
phase image
uid="$("$DOCKER" run --rm --entrypoint id "$IMAGE" -u)" || fail "cannot run id in the image"
[ "$uid" != 0 ] || fail "image runs as root (uid 0); expected a non-root USER"
user="$("$DOCKER" run --rm --entrypoint id "$IMAGE" -un 2>/dev/null || echo "?")"
label() { "$DOCKER" image inspect --format "{{ index .Config.Labels \"$1\" }}" "$IMAGE"; }
name_label="$(label io.airbyte.name)"
version_label="$(label io.airbyte.version)"
pkg_version="$("$PY" -c 'import re,sys; t=open("pyproject.toml").read(); print(re.search(r"(?m)^version\s*=\s*\"([^\"]+)\"", t).group(1))')"
[ "$name_label" = "airbyte/source-centra" ] || fail "label io.airbyte.name is '$name_label', expected airbyte/source-centra"
[ "$version_label" = "$pkg_version" ] || fail "label io.airbyte.version is '$version_label', expected $pkg_version (pyproject.toml)"
if [ -f metadata.yaml ]; then
  meta_tag="$(sed -n 's/^[[:space:]]*dockerImageTag:[[:space:]]*"\{0,1\}\([^"[:space:]]*\)"\{0,1\}.*/\1/p' metadata.yaml | head -n 1)"
  [ "$meta_tag" = "$version_label" ] || fail "metadata.yaml dockerImageTag '$meta_tag' != io.airbyte.version '$version_label'"
fi
env_ep="$("$DOCKER" image inspect --format '{{ range .Config.Env }}{{ println . }}{{ end }}' "$IMAGE" | sed -n 's/^AIRBYTE_ENTRYPOINT=//p')"
[ -n "$env_ep" ] || fail "AIRBYTE_ENTRYPOINT is not set in the image"
entry="$("$DOCKER" image inspect --format '{{ json .Config.Entrypoint }}' "$IMAGE")"
# The platform runs $AIRBYTE_ENTRYPOINT through a shell: it must resolve inside the image.
"$DOCKER" run --rm --entrypoint sh "$IMAGE" -c "command -v $env_ep >/dev/null" \
  || fail "AIRBYTE_ENTRYPOINT '$env_ep' is not an executable on the image's PATH"
# Only the connector ships: the fake Centra and its console script stay in the repo.
if "$DOCKER" run --rm --entrypoint sh "$IMAGE" -c 'command -v fake-centra || python -c "import fake_centra"' >/dev/null 2>&1; then
  fail "the image contains the fake Centra (fake-centra script or fake_centra package)"
fi
phase_done "uid $uid ($user), $name_label:$version_label, AIRBYTE_ENTRYPOINT=$env_ep, ENTRYPOINT $entry, no fake_centra"

if [ "$SPEC_ONLY" = 1 ]; then
  echo "[docker-test] --spec-only: skipping check/read against fake-centra"
else
  # -------------------------------------------------------------- fake
  phase fake
  FAKE="$ROOT/scripts/fake-centra"
  if [ ! -x "$ROOT/.venv/bin/python" ]; then
    scripts/bootstrap.sh dev >"$WORK/bootstrap.log" 2>&1 || { log_tail "$WORK/bootstrap.log"; fail "scripts/bootstrap.sh failed"; }
  fi
  [ -x "$FAKE" ] || fail "$FAKE not found"
  "$FAKE" serve --port 0 --orders 200 --seed 7 >"$WORK/fake.out" 2>"$WORK/fake.err" &
  FAKE_PID=$!
  endpoint="" token=""
  for _ in $(seq 1 300); do
    endpoint="$(sed -n 's/^endpoint:[[:space:]]*//p' "$WORK/fake.out" | head -n 1)"
    token="$(sed -n 's/^token:[[:space:]]*//p' "$WORK/fake.out" | head -n 1)"
    [ -n "$endpoint" ] && [ -n "$token" ] && break
    kill -0 "$FAKE_PID" 2>/dev/null || { log_tail "$WORK/fake.err"; fail "fake-centra exited before printing endpoint/token"; }
    sleep 0.1
  done
  [ -n "$endpoint" ] && [ -n "$token" ] || { log_tail "$WORK/fake.err"; fail "fake-centra printed no endpoint/token within 30 s"; }
  # The container runs as a non-root uid: make the mounted dir readable (it only holds the fake's
  # throwaway token).
  mkdir -p "$WORK/data"
  ENDPOINT="$endpoint" TOKEN="$token" "$PY" -c 'import json, os; import sys; json.dump({"endpoint_url": os.environ["ENDPOINT"], "api_token": os.environ["TOKEN"]}, open(sys.argv[1], "w"))' "$WORK/data/config.json"
  chmod 755 "$WORK" "$WORK/data"; chmod 644 "$WORK/data/config.json"
  phase_done "$endpoint (pid $FAKE_PID)"

  run_connector() {  # run_connector <name> <args...>: stdout -> $WORK/<name>.out, stderr -> .err
    local name="$1"; shift
    "$DOCKER" run --rm --network host -v "$WORK/data:/data:ro" "$IMAGE" "$@" \
      >"$WORK/$name.out" 2>"$WORK/$name.err"
  }

  # -------------------------------------------------------------- check
  phase check
  run_connector check check --config /data/config.json \
    || { log_tail "$WORK/check.err"; log_tail "$WORK/check.out"; fail "check exited non-zero"; }
  check_note="$(msgs "$WORK/check.out" check)" || { log_tail "$WORK/check.err" 10; fail "check did not succeed"; }
  no_token_in "$token" "$WORK/check.out" "$WORK/check.err"
  phase_done "$check_note"

  # -------------------------------------------------------------- read
  phase read
  if [ -s integration_tests/configured_catalog.json ]; then
    cp integration_tests/configured_catalog.json "$WORK/data/catalog.json"
    cat_note="integration_tests/configured_catalog.json"
  else
    run_connector discover discover --config /data/config.json \
      || { log_tail "$WORK/discover.err"; fail "discover exited non-zero"; }
    no_token_in "$token" "$WORK/discover.out" "$WORK/discover.err"
    cat_note="$(msgs "$WORK/discover.out" catalog "$WORK/data/catalog.json")" || fail "cannot build a catalog from discover"
  fi
  chmod 644 "$WORK/data/catalog.json"
  read_rc=0
  run_connector read read --config /data/config.json --catalog /data/catalog.json || read_rc=$?
  no_token_in "$token" "$WORK/read.out" "$WORK/read.err"
  read_note="$(msgs "$WORK/read.out" read "$WORK/data/catalog.json" "$ALLOW_EMPTY_STREAMS")" \
    || { echo "$read_note" >&2; log_tail "$WORK/read.err" 20; fail "read output check failed"; }
  [ "$read_rc" = 0 ] || { echo "$read_note" >&2; log_tail "$WORK/read.err" 20; fail "read exited $read_rc"; }
  phase_done "$cat_note; $read_note"
fi

total="$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
echo "[docker-test] PASS in ${total}s: ${TIMINGS[*]}"
