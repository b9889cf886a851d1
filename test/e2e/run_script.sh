#!/usr/bin/env bash
# End to end: ./scripts/run as a newcomer runs it (issue 15): its PostgreSQL keeps fsync and
# synchronous_commit on (it will be used for real), and its local mailbox reads with cat. The
# tests' build stands in for the release build (GUICHET_BIN), so nothing is built here.
source "$(dirname "$0")/lib.sh"

DATA="$E2E_DIR/data"
PORT=$(free_port)
PG_PORT=$(free_port)
PORTAL="127.0.0.1:$(free_port)"
BASE="http://127.0.0.1:$PORT"
env -u GUICHET_DATABASE_URL GUICHET_DATA_DIR="$DATA" GUICHET_PG_PORT="$PG_PORT" GUICHET_LISTEN="127.0.0.1:$PORT" \
  GUICHET_PORTAL_LISTEN="$PORTAL" GUICHET_BIN="$GUICHET_BIN" "$GUICHET_SOURCE_DIR/scripts/run" >"$E2E_DIR/run.log" 2>&1 &
SERVER_PIDS+=("$!")
ready() { curl -fs "$BASE/health/ready" >/dev/null 2>&1; }
check "./scripts/run serves" wait_for 120 ready
check "… and the reference portal, from another origin" bash -c "curl -fs 'http://$PORTAL/login.html' | grep -qi '<html'"
DB=$(grep -o 'psql "[^"]*"' "$E2E_DIR/run.log" | head -n 1 | cut -d'"' -f2)
check "… and says where its database is" test -n "$DB"
check "its PostgreSQL keeps fsync on" test "$(psql -tA "$DB" -c 'SHOW fsync')" = on
check "… and synchronous_commit" test "$(psql -tA "$DB" -c 'SHOW synchronous_commit')" = on
check "the example members are imported" test "$(psql -tA "$DB" -c 'SELECT count(*) FROM members')" -gt 0

# A mail, read as the README says: a reset link for a Connect identity.
GUICHET_ADMIN_TOKEN=$(cat "$DATA/admin_token" | tr -d '=+/')
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Forum-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))")
admin_call POST /v1/admin/identities "{\"email\":\"lecteur@exemple.fr\",\"password_hash\":\"$BCRYPT\",\"validated\":true}"
check "an agent creates a Connect identity" status_is 201
json_call POST /v1/flows/recovery '{"identifier":"lecteur@exemple.fr"}'
check "forgot password: a reset link is mailed" json_true '.state == "link_sent"'
link() { grep -ho 'reinitialisation?token=[A-Za-z0-9_-]*' "$DATA"/mail/*.txt 2>/dev/null | tail -n 1 | cut -d= -f2; }
has_link() { [ -n "$(link)" ]; }
check "the local mailbox shows the link to cat, undecoded" wait_for 30 has_link
check "… beside the message as SMTP would send it" test "$(ls "$DATA"/mail/*.eml | wc -l)" = "$(ls "$DATA"/mail/*.txt | wc -l)"
json_call POST /v1/password-resets "{\"token\":\"$(link)\",\"password\":\"Automne-Pluie2027?\",\"password_confirmation\":\"Automne-Pluie2027?\"}"
check "… and the link works" status_is 200

kill "${SERVER_PIDS[-1]}"; wait "${SERVER_PIDS[-1]}" 2>/dev/null || true
check "stopping ./scripts/run stops its PostgreSQL too" bash -c "! psql -tA '$DB' -c 'SELECT 1' >/dev/null 2>&1"
PG_HOME=$(sed -E 's#.*host=([^&]*)/socket.*#\1#' <<<"$DB")
case "$PG_HOME" in /tmp/guichet-pg-*) rm -rf "$PG_HOME" ;; esac  # outside E2E_DIR when run as root
finish
