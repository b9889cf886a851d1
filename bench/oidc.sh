#!/usr/bin/env bash
# OpenID Connect benchmark (issue 16), Release build, one run on one machine, wrk at 16 connections:
#  1. refresh rotations: each connection rotates its own chain of refresh tokens at
#     POST /oauth2/token (client_secret_basic): rotations/s, p99, errors (goal ≥ 1,000/s);
#  2. authorisation codes: a site's request answered from the single sign-on cookie
#     (GET /oauth2/authorize → 303 with a code), then the code exchanged with PKCE: codes
#     exchanged/s (each is 2 requests), p99 of the requests, errors.
# Usage: bench/oidc.sh [SECONDS=10]. GUICHET_BIN=path runs another guichet build.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
CONNECTIONS=16

ensure_packages
command -v wrk >/dev/null || as_root apt-get install -y -qq wrk >/dev/null
if [ -n "${GUICHET_BIN:-}" ]; then BIN=$GUICHET_BIN; else build release >/dev/null; BIN="$ROOT/build/release/guichet"; fi
export GUICHET_RATE_LIMITS=off GUICHET_IDENTIFIER_SWITCH=offered GUICHET_LOGIN_URL="https://espace.exemple.fr/connexion"
bench_serve "$BIN" 54337
bench_member_accounts "$WORK/logins.lua"
ACCESS=$(jq -r .access_token "$WORK/login.json")

SECRET="bench-site-secret-0123456789abcdefghij"
CB="https://avantage.exemple.fr/cb"
curl -fs -X PUT "$URL/v1/admin/oidc-clients/avantage" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H 'X-Agent-Id: bench' \
  -H 'Content-Type: application/json' -d "{\"name\":\"MGEN Avantage\",\"type\":\"confidential\",\"secret\":\"$SECRET\",\"redirect_uris\":[\"$CB\"]}" >/dev/null
VERIFIER="bench-verifier-0123456789-0123456789-0123456789"
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
AUTHORIZE="/oauth2/authorize?client_id=avantage&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Favantage.exemple.fr%2Fcb&state=s&code_challenge=$CHALLENGE&code_challenge_method=S256"
BASIC=$(printf %s "avantage:$SECRET" | base64 -w0)
location() { grep -i '^location:' "$1" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
param() { /usr/bin/python3 -c "import sys, urllib.parse as u; print(dict(u.parse_qsl(u.urlsplit(sys.argv[1]).query))[sys.argv[2]])" "$1" "$2"; }

# One sign-in through the portal's API gives the browser its single sign-on cookie.
curl -fs -o /dev/null -D "$WORK/h1" "$URL$AUTHORIZE"
REQUEST=$(param "$(location "$WORK/h1")" auth_request)
RESUME=$(curl -fs -X POST "$URL/v1/auth-requests/$REQUEST/accept" -H "Authorization: Bearer $ACCESS" | jq -r .redirect_to)
curl -fs -o /dev/null -D "$WORK/h2" "$URL/oauth2/authorize/resume?token=$(param "$RESUME" token)"
COOKIE=$(grep -i '^set-cookie: __Host-guichet_sso=' "$WORK/h2" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')
code() {
  curl -fs -o /dev/null -D "$WORK/h3" -H "Cookie: $COOKIE" "$URL$AUTHORIZE"
  param "$(location "$WORK/h3")" code
}
exchange() {
  curl -fs -X POST "$URL/oauth2/token" -H "Authorization: Basic $BASIC" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-urlencode grant_type=authorization_code --data-urlencode "code=$1" --data-urlencode "redirect_uri=$CB" \
    --data-urlencode "code_verifier=$VERIFIER"
}
TOKENS=()
# Two chains a connection: wrk may ask a connection for its next request before it hands the
# answer of the previous one to response(), so a thread keeps one token more per connection.
for _ in $(seq 1 $((2 * CONNECTIONS))); do TOKENS+=("$(exchange "$(code)" | jq -r .refresh_token)"); done
for t in "${TOKENS[@]}"; do [ -n "$t" ] && [ "$t" != null ] || die "a code exchange gave no refresh token"; done

# wrk_field FILE WHAT: requests/s or p99 in ms from a wrk --latency report.
wrk_field() {
  case $2 in
    rps) awk '/Requests\/sec/ {print $2}' "$1" ;;
    p99) awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) sub(/ms$/, "", v);
                           else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}' "$1" ;;
  esac
}

# 1. Refresh rotations. Each wrk thread (2) has half the chains; a connection takes the next
# token of its thread, and the answer gives back the one that replaces it, so no token is sent
# twice; a request without a token would be counted apart (none so far).
cat > "$WORK/refresh.lua" <<LUA
local all = {$(printf '"%s",' "${TOKENS[@]}" | sed 's/,$//')}
local threads = {}
local count = 0
function setup(thread)
  local mine = {}
  for i = count + 1, #all, 2 do mine[#mine + 1] = all[i] end
  thread:set("tokens", table.concat(mine, ","))
  count = count + 1
  table.insert(threads, thread)
end
local queue = {}
rotated, failed, empty = 0, 0, 0  -- globals: done() reads them with thread:get
function init()
  for t in string.gmatch(tokens, "[^,]+") do queue[#queue + 1] = t end
end
request = function()
  local token = table.remove(queue, 1)
  if not token then empty = empty + 1; token = "none" end
  return wrk.format("POST", "/oauth2/token", {["Authorization"] = "Basic $BASIC", ["Connection"] = "keep-alive",
                    ["Content-Type"] = "application/x-www-form-urlencoded"}, "grant_type=refresh_token&refresh_token=" .. token)
end
response = function(status, headers, body)
  local next_token = string.match(body, '"refresh_token":"([^"]+)"')
  if status == 200 and next_token then
    rotated = rotated + 1
    queue[#queue + 1] = next_token
  else
    failed = failed + 1
    if failed <= 3 then io.write("refresh failed: " .. status .. " " .. body:sub(1, 200) .. "\n") end
  end
end
function done(summary, latency, requests)
  local r, f, e = 0, 0, 0
  for _, t in ipairs(threads) do r = r + t:get("rotated"); f = f + t:get("failed"); e = e + t:get("empty") end
  io.write(string.format("rotations: %d ok, %d failed, %.0f/s (%d requests without a token)\n", r, f, r / (summary.duration / 1e6), e))
end
LUA
# 2. Codes: a connection asks for a code from the cookie when its thread has none waiting,
# else exchanges the oldest one waiting.
cat > "$WORK/codes.lua" <<LUA
local threads = {}
function setup(thread) table.insert(threads, thread) end
local codes = {}
exchanged, failed = 0, 0  -- globals: done() reads them with thread:get
request = function()
  local code = table.remove(codes, 1)
  if code then
    return wrk.format("POST", "/oauth2/token", {["Authorization"] = "Basic $BASIC", ["Connection"] = "keep-alive",
                      ["Content-Type"] = "application/x-www-form-urlencoded"},
                      "grant_type=authorization_code&code=" .. code .. "&redirect_uri=https%3A%2F%2Favantage.exemple.fr%2Fcb&code_verifier=$VERIFIER")
  end
  return wrk.format("GET", "$AUTHORIZE", {["Cookie"] = "$COOKIE", ["Connection"] = "keep-alive"})
end
response = function(status, headers, body)
  if status == 303 then
    local code = string.match(headers["Location"] or "", "[?&]code=([^&]+)")
    if code then codes[#codes + 1] = code else failed = failed + 1 end
  elseif status == 200 then
    exchanged = exchanged + 1
  else
    failed = failed + 1
  end
end
function done(summary, latency, requests)
  local e, f = 0, 0
  for _, t in ipairs(threads) do e = e + t:get("exchanged"); f = f + t:get("failed") end
  io.write(string.format("codes: %d exchanged, %d failed, %.0f/s\n", e, f, e / (summary.duration / 1e6)))
end
LUA

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo "guichet: $BIN, wrk -t2 -c$CONNECTIONS -d${DURATION}s"
wrk -t2 -c$CONNECTIONS -d"${DURATION}s" --latency -s "$WORK/refresh.lua" "$URL" >"$WORK/refresh.txt"
echo "1. refresh rotations: $(grep '^rotations:' "$WORK/refresh.txt" | cut -d' ' -f2-), p99 $(wrk_field "$WORK/refresh.txt" p99) ms"
grep '^refresh failed' "$WORK/refresh.txt" || true
wrk -t2 -c$CONNECTIONS -d"${DURATION}s" --latency -s "$WORK/codes.lua" "$URL" >"$WORK/codes.txt"
echo "2. authorisation codes (single sign-on, then exchanged with PKCE): $(grep '^codes:' "$WORK/codes.txt" | cut -d' ' -f2-), p99 of both requests $(wrk_field "$WORK/codes.txt" p99) ms"
