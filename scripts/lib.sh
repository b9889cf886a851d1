# Shared by scripts/run and scripts/test. Sourced, not executed.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${GUICHET_DATA_DIR:-$ROOT/.data}"

DEBIAN_PACKAGES=(
  build-essential cmake pkg-config
  libpistache-dev libpqxx-dev libargon2-dev libspdlog-dev catch2 nlohmann-json3-dev
  libsodium-dev libzxcvbn-dev libphonenumber-dev libcurl4-openssl-dev libcrypt-dev prometheus-cpp-dev libcjose-dev libjansson-dev libssl-dev
  postgresql python3-aiosmtpd curl jq
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "missing packages and not root: install them with apt-get: $*"; fi
}

# Installs the Debian packages that are missing (and Node.js/npm when asked for).
ensure_packages() {
  local wanted=("${DEBIAN_PACKAGES[@]}" "$@") missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# build PRESET: configure once, then build with every core.
build() {
  local preset=$1
  cmake --preset "$preset" -S "$ROOT" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || die "PostgreSQL server binaries not found (package postgresql)"
  echo "$dir"
}

# Runs a PostgreSQL tool as the user that owns the cluster: `postgres` when we are root
# (the server refuses to run as root), ourselves otherwise.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Picks a folder the cluster owner can reach: DIR itself, or a folder in /tmp when we are root
# and the checkout sits where `postgres` cannot traverse (e.g. under /root).
pg_home_for() {
  local dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    dir="/tmp/guichet-pg-$(echo "$dir" | md5sum | cut -c1-12)"
    mkdir -p "$dir"
  fi
  echo "$dir"
}

# pg_start DIR [durable]: creates (if needed) and starts a private cluster in DIR, listening only
# on a Unix socket in DIR/socket, with trust authentication (nothing else can reach that socket).
# Tests and benchmarks run it with fsync off (their data is thrown away); `durable` (./scripts/run,
# which someone will use for real) keeps fsync and synchronous_commit on, so a crash of the
# machine loses nothing committed. Sets PG_DIR, PG_SOCKET, PG_PORT and PG_ADMIN_URL.
pg_start() {
  local bin; bin=$(pg_bin)
  PG_DIR=$(pg_home_for "$1")
  PG_SOCKET="$PG_DIR/socket"
  PG_PORT=${GUICHET_PG_PORT:-54329}
  mkdir -p "$PG_SOCKET"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR" "$PG_SOCKET"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    [ "$(id -u)" -eq 0 ] && { mkdir -p "$PG_DIR/data"; chown postgres:postgres "$PG_DIR/data"; }
    pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U guichet -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed"
    PG_FRESH=1
  else
    PG_FRESH=0
  fi
  local durability="-c fsync=off"
  [ "${2:-}" = durable ] && durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$PG_SOCKET' -p $PG_PORT $durability" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  PG_ADMIN_URL="postgresql://guichet@/postgres?host=$PG_SOCKET&port=$PG_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_url DB: the connection URI of database DB on the private cluster.
pg_url() { echo "postgresql://guichet@/$1?host=$PG_SOCKET&port=$PG_PORT"; }

pg_create_db() {
  psql -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "CREATE DATABASE \"$1\"" >/dev/null
}

# A random 32-byte key, base64, kept in the data folder so restarts can decrypt what they stored.
ensure_key() {
  local file=$1
  if [ ! -s "$file" ]; then
    umask 077
    head -c 32 /dev/urandom | base64 > "$file"
  fi
  cat "$file"
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
