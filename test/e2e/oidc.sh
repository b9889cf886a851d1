#!/usr/bin/env bash
# End to end (issue 16): Guichet as the OpenID Connect provider of the insurer's sites, driven
# with curl as a relying party and the portal would: client registration, discovery, the
# authorisation code flow with PKCE through the portal's JSON API, the single sign-on cookie,
# code reuse, refresh rotation and reuse, prompt=none, userinfo, revocation and RP-initiated
# logout. test/oidc/ runs openid-client and oauth4webapi against the same endpoints.
source "$(dirname "$0")/lib.sh"
export GUICHET_IDENTIFIER_SWITCH=offered  # a NIR login without required actions
export GUICHET_LOGIN_URL="https://espace.exemple.fr/connexion"
ISSUER="https://guichet.exemple.fr"  # the issuer is GUICHET_PUBLIC_URL, behind the load balancer
export GUICHET_PUBLIC_URL="$ISSUER"
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
admin_call POST /v1/admin/accounts "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
check "a member's account" status_is 201

SECRET="site-secret-0123456789-abcdefghijklmnop"
SITE_CB="https://avantage.exemple.fr/cb"
admin_call PUT /v1/admin/oidc-clients/avantage "{\"name\":\"MGEN Avantage\",\"type\":\"confidential\",\"secret\":\"$SECRET\",\"redirect_uris\":[\"$SITE_CB\"],\"post_logout_redirect_uris\":[\"https://avantage.exemple.fr/au-revoir\"]}"
check "an agent registers a confidential client" json_true '.client_id == "avantage" and .type == "confidential" and (has("secret") | not)'
check "… 201 the first time" status_is 201
admin_call PUT /v1/admin/oidc-clients/mobile '{"name":"Application MGEN","type":"public","redirect_uris":["fr.mgen.app:/cb"]}'
check "… and a public client (a mobile app, its private-use scheme)" status_is 201
admin_call PUT /v1/admin/oidc-clients/bad '{"name":"x","type":"confidential","secret":"short","redirect_uris":["http://evil.example/cb"]}'
check "a short secret is refused" is_problem 400 validation_error
admin_call PUT /v1/admin/oidc-clients/bad "{\"name\":\"x\",\"type\":\"confidential\",\"secret\":\"$SECRET\",\"redirect_uris\":[\"http://evil.example/cb\"]}"
check "plain http off loopback is refused" json_true '.field == "redirect_uris"'
call PUT /v1/admin/oidc-clients/bad -H 'Content-Type: application/json' --data-binary '{}'
check "registration needs the admin token" is_problem 401 unauthorized

call GET /.well-known/openid-configuration
check "discovery names the issuer and the endpoints" \
  json_true ".issuer == \"$ISSUER\" and .authorization_endpoint == \"$ISSUER/oauth2/authorize\" and .code_challenge_methods_supported == [\"S256\"]"
call GET /.well-known/jwks.json
check "the JWKS has the EdDSA key first and the RS256 key" json_true '.keys[0].kty == "OKP" and (.keys | map(select(.kty == "RSA" and .alg == "RS256" and .n and .e and .kid)) | length) == 1'
call GET /.well-known/jwks.json
RSA_JWKS=$BODY

location() { grep -i '^location:' "$HEADERS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
query_param() { /usr/bin/python3 -c "import sys, urllib.parse as u; print(dict(u.parse_qsl(u.urlsplit(sys.argv[1]).query)).get(sys.argv[2], ''))" "$1" "$2"; }
enc() { /usr/bin/python3 -c "import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=''))" "$1"; }
VERIFIER=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
authorize() {  # authorize EXTRA_QUERY [curl args…]: the site's authorisation request
  local extra=$1; shift
  call GET "/oauth2/authorize?client_id=avantage&response_type=code&scope=openid%20email%20profile&redirect_uri=$(enc "$SITE_CB")&state=st-123&nonce=n-456&code_challenge=$CHALLENGE&code_challenge_method=S256$extra" "$@"
}

call GET "/oauth2/authorize?client_id=nobody&response_type=code&scope=openid&redirect_uri=$(enc "$SITE_CB")"
check "an unknown client: 400, and nothing redirected" bash -c "[ $STATUS = 400 ] && ! grep -qi '^location:' '$HEADERS'"
call GET "/oauth2/authorize?client_id=avantage&response_type=code&scope=openid&redirect_uri=$(enc https://evil.example/cb)"
check "a redirect_uri not registered: 400, and nothing redirected" bash -c "[ $STATUS = 400 ] && ! grep -qi '^location:' '$HEADERS'"
call GET "/oauth2/authorize?client_id=mobile&response_type=code&scope=openid&redirect_uri=$(enc fr.mgen.app:/cb)&state=s1"
check "a public client without PKCE is sent back with invalid_request" \
  bash -c "[ $STATUS = 303 ] && [[ '$(location)' == fr.mgen.app:/cb?error=invalid_request*state=s1* ]]"
authorize "&prompt=none"
check "prompt=none without a session: login_required, with state and iss" \
  bash -c "[[ '$(location)' == $SITE_CB?error=login_required*state=st-123*iss=* ]]"

authorize ""
check "a new request goes to the portal's login page" bash -c "[ $STATUS = 303 ] && [[ '$(location)' == $GUICHET_LOGIN_URL?auth_request=* ]]"
REQUEST=$(query_param "$(location)" auth_request)
call GET "/v1/auth-requests/$REQUEST"
check "the portal reads the request: the site's name and scopes" json_true '.client.name == "MGEN Avantage" and .scopes == ["openid","email","profile"] and .prompt == []'
call POST "/v1/auth-requests/$REQUEST/accept"
check "accepting needs the member's session" is_problem 401 unauthorized
json_call POST /v1/sessions '{"identifier":"184027512345674","password":"Ancien-Mot2passe!"}'
ACCESS=$(jq -r .access_token <<<"$BODY")
call POST "/v1/auth-requests/$REQUEST/accept" -H "Authorization: Bearer $ACCESS"
check "the member logged in on the portal accepts it" json_true '.redirect_to | startswith("'"$ISSUER"'/oauth2/authorize/resume?token=")'
RESUME=$(jq -r .redirect_to <<<"$BODY")
call POST "/v1/auth-requests/$REQUEST/accept" -H "Authorization: Bearer $ACCESS"
check "… once" is_problem 409 auth_request_used
check "… the used request says how to go back to the site" json_true '.client_name == "MGEN Avantage" and (.redirect_to | contains("error=access_denied"))'
call GET "${RESUME#"$ISSUER"}"
check "the browser comes back: a code for the site, with state and iss" bash -c "[ $STATUS = 303 ] && [[ '$(location)' == $SITE_CB?code=*state=st-123*iss=* ]]"
check "… and the single sign-on cookie (__Host-, Secure, HttpOnly)" \
  bash -c "grep -i '^set-cookie: __Host-guichet_sso=' '$HEADERS' | grep -qi 'Secure' && grep -i '^set-cookie:' '$HEADERS' | grep -qi 'HttpOnly'"
COOKIE=$(grep -i '^set-cookie: __Host-guichet_sso=' "$HEADERS" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')
CODE=$(query_param "$(location)" code)
call GET "${RESUME#"$ISSUER"}"
check "a resume link works once" status_is 404

token() { call POST /oauth2/token -u "avantage:$SECRET" -H 'Content-Type: application/x-www-form-urlencoded' "$@"; }
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$SITE_CB" --data-urlencode "code_verifier=${VERIFIER}x"
check "a wrong PKCE verifier: invalid_grant" json_true '.error == "invalid_grant"'
authorize "" -H "Cookie: $COOKIE"
check "single sign-on: the next request gets a code without the login page" bash -c "[[ '$(location)' == $SITE_CB?code=* ]]"
CODE=$(query_param "$(location)" code)
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$SITE_CB" --data-urlencode "code_verifier=$VERIFIER"
check "the code is exchanged: access, refresh and id tokens, no-store" \
  bash -c "[ $STATUS = 200 ] && jq -e '.token_type == \"Bearer\" and .id_token and .refresh_token and .scope == \"openid email profile\"' <<<'$BODY' >/dev/null && grep -qi '^cache-control: no-store' '$HEADERS'"
TOKENS=$BODY
ID_TOKEN=$(jq -r .id_token <<<"$TOKENS"); SITE_ACCESS=$(jq -r .access_token <<<"$TOKENS"); SITE_REFRESH=$(jq -r .refresh_token <<<"$TOKENS")
claims() { /usr/bin/python3 -c "import base64,json,sys; p=sys.argv[1].split('.')[1]; print(json.dumps(json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))))" "$1"; }
BODY=$(claims "$ID_TOKEN")
check "the id_token: iss, aud, nonce, sid, auth_time, the member's names and email, never the NIR" \
  json_true ".iss == \"$ISSUER\" and .aud == \"avantage\" and .nonce == \"n-456\" and .sid and .auth_time and .given_name and .family_name and (tostring | contains(\"184027\") | not)"
verify_rs256() {  # the id_token's RS256 signature against the published JWK, with openssl
  /usr/bin/python3 - "$1" "$RSA_JWKS" "$E2E_DIR" <<'PY'
import base64, json, subprocess, sys
token, jwks, work = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
b = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
head, payload, sig = token.split(".")
header = json.loads(b(head))
key = next(k for k in jwks["keys"] if k["kid"] == header["kid"] and k["kty"] == "RSA")
n, e = int.from_bytes(b(key["n"]), "big"), int.from_bytes(b(key["e"]), "big")
# A DER RSAPublicKey, then openssl's verification of the PKCS#1 v1.5 SHA-256 signature.
def der_int(x):
    raw = x.to_bytes((x.bit_length() + 8) // 8, "big")
    return b"\x02" + der_len(len(raw)) + raw
def der_len(l):
    return bytes([l]) if l < 128 else bytes([0x80 | ((l.bit_length() + 7) // 8)]) + l.to_bytes((l.bit_length() + 7) // 8, "big")
body = der_int(n) + der_int(e)
open(f"{work}/rsa.der", "wb").write(b"\x30" + der_len(len(body)) + body)
open(f"{work}/signed", "wb").write(f"{head}.{payload}".encode())
open(f"{work}/sig", "wb").write(b(sig))
ok = header["alg"] == "RS256" and subprocess.run(["openssl", "dgst", "-sha256", "-verify", "/dev/stdin", "-signature", f"{work}/sig", f"{work}/signed"],
    input=subprocess.run(["openssl", "rsa", "-pubin", "-inform", "DER", "-RSAPublicKey_in", "-in", f"{work}/rsa.der", "-outform", "PEM"],
    capture_output=True).stdout, capture_output=True).returncode == 0
sys.exit(0 if ok else 1)
PY
}
check "… signed RS256 by the key of the JWKS (checked with openssl)" verify_rs256 "$ID_TOKEN"
tampered_refused() { ! verify_rs256 "${ID_TOKEN%?????}AAAAA"; }
check "… and a tampered one is not" tampered_refused
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$SITE_CB" --data-urlencode "code_verifier=$VERIFIER"
check "the code used twice: invalid_grant" json_true '.error == "invalid_grant"'
call GET /oauth2/userinfo -H "Authorization: Bearer $SITE_ACCESS"
check "… and what it gave is revoked (userinfo 401)" bash -c "[ $STATUS = 401 ] && grep -qi '^www-authenticate: Bearer' '$HEADERS'"

authorize "" -H "Cookie: $COOKIE"
CODE=$(query_param "$(location)" code)
call POST /oauth2/token -H 'Content-Type: application/x-www-form-urlencoded' --data-urlencode grant_type=authorization_code \
  --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$SITE_CB" --data-urlencode "code_verifier=$VERIFIER" \
  --data-urlencode client_id=avantage --data-urlencode "client_secret=$SECRET"
check "client_secret_post works too" status_is 200
SITE_ACCESS=$(jq -r .access_token <<<"$BODY"); SITE_REFRESH=$(jq -r .refresh_token <<<"$BODY")
call GET /oauth2/userinfo -H "Authorization: Bearer $SITE_ACCESS"
check "userinfo: sub, names, and the registry's email, not verified by the member" \
  json_true '.sub and .given_name == "Jean" and .family_name == "Martin" and .email == "jean.martin@exemple.fr" and .email_verified == false'
call GET /v1/me -H "Authorization: Bearer $SITE_ACCESS"
check "a site's access token does not open the API" is_problem 401 unauthorized
call POST /oauth2/token -u "avantage:wrong-secret" -H 'Content-Type: application/x-www-form-urlencoded' --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$SITE_REFRESH"
check "a wrong secret: 401 invalid_client" bash -c "[ $STATUS = 401 ] && jq -e '.error == \"invalid_client\"' <<<'$BODY' >/dev/null"
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$SITE_REFRESH"
check "a refresh rotates the refresh token" json_true ".refresh_token != \"$SITE_REFRESH\" and .access_token"
NEW_REFRESH=$(jq -r .refresh_token <<<"$BODY")
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$SITE_REFRESH"
check "the old refresh token again: invalid_grant" json_true '.error == "invalid_grant"'
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$NEW_REFRESH"
check "… and its whole family is revoked" json_true '.error == "invalid_grant"'

authorize "" -H "Cookie: $COOKIE"
CODE=$(query_param "$(location)" code)
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$SITE_CB" --data-urlencode "code_verifier=$VERIFIER"
SITE_REFRESH=$(jq -r .refresh_token <<<"$BODY"); ID_TOKEN=$(jq -r .id_token <<<"$BODY")
call POST /oauth2/revoke -u "avantage:$SECRET" -H 'Content-Type: application/x-www-form-urlencoded' --data-urlencode "token=$SITE_REFRESH"
check "revocation answers 200" status_is 200
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$SITE_REFRESH"
check "… and the refresh token no longer works" json_true '.error == "invalid_grant"'
call POST /oauth2/revoke -u "avantage:$SECRET" -H 'Content-Type: application/x-www-form-urlencoded' --data-urlencode "token=not-a-token"
check "an unknown token: 200 all the same (RFC 7009)" status_is 200

call GET "/oauth2/logout?id_token_hint=$ID_TOKEN&post_logout_redirect_uri=$(enc https://evil.example/)&state=x"
check "logout to an unregistered address: 400" status_is 400
call GET "/oauth2/logout?id_token_hint=$ID_TOKEN&post_logout_redirect_uri=$(enc https://avantage.exemple.fr/au-revoir)&state=bye-1" -H "Cookie: $COOKIE"
check "RP-initiated logout: at once back to the site with its state, the cookie cleared" \
  bash -c "[ $STATUS = 303 ] && [ '$(location)' = 'https://avantage.exemple.fr/au-revoir?state=bye-1' ] && grep -i '^set-cookie:' '$HEADERS' | grep -q 'Max-Age=0'"
authorize "&prompt=none" -H "Cookie: $COOKIE"
check "… the single sign-on session is over" bash -c "[[ '$(location)' == $SITE_CB?error=login_required* ]]"
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "… and so is the member's portal session" is_problem 401 unauthorized

call POST /oauth2/token -H 'Content-Type: application/json' --data-binary '{"grant_type":"authorization_code"}'
check "the token endpoint takes forms only" json_true '.error == "invalid_request"'
call GET "/v1/auth-requests/nope"
check "an unknown request: 404" is_problem 404 auth_request_not_found
finish
