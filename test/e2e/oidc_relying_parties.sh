#!/usr/bin/env bash
# End to end (issue 16, item 7): the relying-party suite of test/oidc/ (openid-client 6.8 with its
# id_token signature checks, and oauth4webapi) against a real `guichet serve`, as
# test/oidc/against_oidc_provider.sh runs it against oidc-provider, a certified provider.
# OIDC_BACKCHANNEL=off until Guichet sends back-channel logout tokens (issue 16, not built yet).
source "$(dirname "$0")/lib.sh"
export GUICHET_IDENTIFIER_SWITCH=offered  # NIR logins without required actions
E2E_PORT=$(free_port)
export GUICHET_PUBLIC_URL="http://127.0.0.1:$E2E_PORT"  # the issuer the relying parties fetch
export GUICHET_LOGIN_URL="https://espace.exemple.fr/connexion"
export GUICHET_RATE_LIMITS=off  # the suite logs in about 25 times, from one address
NODE_DIR="${GUICHET_OIDC_NODE_DIR:-$GUICHET_SOURCE_DIR/build/oidc-node}"
bash "$GUICHET_SOURCE_DIR/test/oidc/install.sh" "$NODE_DIR"
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
for nir in 184027512345674 269029935004220; do
  admin_call POST /v1/admin/accounts "{\"nir\":\"$nir\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
  check "the account of $nir" status_is 201
done
run_suite() {
  OIDC_TARGET=guichet OIDC_BACKCHANNEL=off OIDC_ISSUER="$BASE" OIDC_ADMIN_TOKEN="$GUICHET_ADMIN_TOKEN" OIDC_LOGIN_URL="$GUICHET_LOGIN_URL" \
    OIDC_MEMBER_IDENTIFIER=184027512345674 OIDC_MEMBER_PASSWORD='Ancien-Mot2passe!' \
    OIDC_MEMBER2_IDENTIFIER=269029935004220 OIDC_MEMBER2_PASSWORD='Ancien-Mot2passe!' \
    GUICHET_OIDC_NODE_DIR="$NODE_DIR" node --test --test-reporter=spec "$GUICHET_SOURCE_DIR/test/oidc/rp_suite.mjs" >"$E2E_DIR/suite.log" 2>&1
}
if run_suite; then suite_ok=true; else suite_ok=false; fi
grep -E '^\s*(✔|✖)' "$E2E_DIR/suite.log" | sed 's/^/  /' || true
check "openid-client and oauth4webapi accept Guichet as their provider" "$suite_ok"
[ "$suite_ok" = true ] || tail -n 80 "$E2E_DIR/suite.log"
finish
