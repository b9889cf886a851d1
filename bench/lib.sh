# Shared by the benchmarks: a throw-away folder and PostgreSQL, and the keys guichet needs.
# Sourced after scripts/lib.sh. Stops what it started (and the PIDs in BENCH_PIDS) on exit.
# shellcheck shell=bash
bench_environment() {  # bench_environment PG_PORT
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/guichet-bench.XXXXXX"); chmod 755 "$WORK"
  BENCH_PIDS=()
  trap bench_cleanup EXIT
  GUICHET_PG_PORT=$1 pg_start "$WORK/pg"
  pg_create_db bench
  export GUICHET_DATABASE_URL; GUICHET_DATABASE_URL=$(pg_url bench)
  export GUICHET_DATA_KEY; GUICHET_DATA_KEY=$(head -c 32 /dev/urandom | base64)
  export GUICHET_SIGNING_KEY; GUICHET_SIGNING_KEY=$(head -c 32 /dev/urandom | base64)
  export GUICHET_MAIL_DIR="$WORK/mail" GUICHET_SMS_FILE="$WORK/sms.log" GUICHET_LOG_LEVEL=warn
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pg_stop; rm -rf "$WORK" "${PG_DIR:-}"
}
