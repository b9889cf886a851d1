#!/usr/bin/env bash
# test/oidc/against_oidc_provider.sh [node --test options…] — runs the relying-party suite
# (rp_suite.mjs) against the oidc-provider stand-in (oidc_provider_standin.mjs), to show that the
# suite itself is right. Installs the npm packages into ${GUICHET_OIDC_NODE_DIR:-build/oidc-node}
# first (once), starts the stand-in on a free port, stops it at the end; exits with the
# suite's status.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export GUICHET_OIDC_NODE_DIR="${GUICHET_OIDC_NODE_DIR:-$ROOT/build/oidc-node}"
command -v node >/dev/null || { echo "node is missing (apt-get install nodejs npm)" >&2; exit 1; }
bash "$HERE/install.sh" "$GUICHET_OIDC_NODE_DIR"

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/guichet-oidc.XXXXXX")
STANDIN_PID=
cleanup() {
  if [ -n "$STANDIN_PID" ]; then
    kill "$STANDIN_PID" 2>/dev/null || true
    wait "$STANDIN_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

ADMIN_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
LOGIN_URL=http://portal.invalid/connexion
: >"$RUN_DIR/standin.out"
STANDIN_ADMIN_TOKEN="$ADMIN_TOKEN" STANDIN_LOGIN_URL="$LOGIN_URL" STANDIN_PORT="${STANDIN_PORT:-0}" \
  node "$HERE/oidc_provider_standin.mjs" >"$RUN_DIR/standin.out" 2>"$RUN_DIR/standin.err" &
STANDIN_PID=$!

# The stand-in prints `issuer=…` once it listens (port 0: the system picks a free one).
ISSUER=
for _ in $(seq 1 200); do
  ISSUER=$(sed -n 's/^issuer=//p' "$RUN_DIR/standin.out")
  [ -n "$ISSUER" ] && break
  kill -0 "$STANDIN_PID" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$ISSUER" ]; then
  echo "the oidc-provider stand-in did not start:" >&2
  cat "$RUN_DIR/standin.err" >&2
  exit 1
fi

status=0
OIDC_ISSUER="$ISSUER" OIDC_ADMIN_TOKEN="$ADMIN_TOKEN" OIDC_LOGIN_URL="$LOGIN_URL" \
  OIDC_TARGET=oidc-provider \
  OIDC_MEMBER_IDENTIFIER=camille.martin@exemple.fr OIDC_MEMBER_PASSWORD='Vingt-Deux-Caracteres!22' \
  OIDC_MEMBER2_IDENTIFIER=dominique.bernard@exemple.fr OIDC_MEMBER2_PASSWORD='Autre-Mot-De-Passe-Long!33' \
  OIDC_PENDING_MEMBER_IDENTIFIER=alix.lefebvre@exemple.fr OIDC_PENDING_MEMBER_PASSWORD='Mot-De-Passe-Temporaire!44' \
  node --test "$@" "$HERE/rp_suite.mjs" || status=$?

if [ "$status" -ne 0 ] && [ -s "$RUN_DIR/standin.err" ]; then
  echo "--- the stand-in's standard error:" >&2
  cat "$RUN_DIR/standin.err" >&2
fi
exit "$status"
