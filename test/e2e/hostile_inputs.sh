#!/usr/bin/env bash
# End to end: hostile inputs on every route answer problem+json 4xx with a stable code.
source "$(dirname "$0")/lib.sh"
start_server

BIG="$E2E_DIR/big.json"
head -c 1048576 /dev/zero | tr '\0' 'a' > "$BIG"

for route in /v1/password-strength /v1/admin/members; do
  auth=(-H "Authorization: Bearer $GUICHET_ADMIN_TOKEN")
  json_call POST "$route" '{"password":' "${auth[@]}"
  check "$route: malformed JSON → 400 validation_error" is_problem 400 validation_error
  json_call POST "$route" $'{"password":"\xff\xfe"}' "${auth[@]}"
  check "$route: invalid UTF-8 → 400 validation_error" is_problem 400 validation_error
  printf '{"password":"a\0b"}' > "$E2E_DIR/nul.json"
  call POST "$route" -H 'Content-Type: application/json' --data-binary @"$E2E_DIR/nul.json" "${auth[@]}"
  check "$route: raw NUL byte → 400 validation_error" is_problem 400 validation_error
  call POST "$route" -H 'Content-Type: application/json' --data-binary @"$BIG" "${auth[@]}"
  check "$route: 1 MB body → 413 payload_too_large" is_problem 413 payload_too_large
  call POST "$route" -H 'Content-Type: text/plain' --data-binary '{"password":"x"}' "${auth[@]}"
  check "$route: wrong content type → 415" is_problem 415 unsupported_media_type
  call PUT "$route" -H 'Content-Type: application/json' --data-binary '{}' "${auth[@]}"
  check "$route: wrong method → 405" is_problem 405 method_not_allowed
done

json_call POST /v1/password-strength '{"password":12345678}'
check "wrong type → 400 validation_error naming the field" json_is .field password
json_call POST /v1/password-strength '{"password":"a\u0000b"}'
check "escaped NUL → 400" is_problem 400 validation_error
json_call POST /v1/password-strength '{"password":"Çà-été-très-Ünïcode-9"}'
check "valid unicode is fine" status_is 200

json_call POST /v1/admin/members '[{"nir":"184027512345674"}]' -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "admin import: record missing fields → 400 with errors" json_is '.errors[0].field' last_name
json_call POST /v1/admin/members '[]' -H "Authorization: Bearer wrong"
check "admin with a wrong token → 401" is_problem 401 unauthorized

for path in / /v1 /v1/unknown '/v1/secret-questions/..' '/%00' '/v1/%ff%fe'; do
  call GET "$path"
  check "GET $path → 404 not_found" is_problem 404 not_found
done
call DELETE /health/live
check "wrong method on a GET route → 405" is_problem 405 method_not_allowed
check "405 names the allowed method" grep -qi '^Allow: GET' "$HEADERS"

# Many requests at once: every one answered, none with a 5xx.
seq 1 60 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary '{"password":"Parallel-{}-Test!"}' "$BASE/v1/password-strength" > "$E2E_DIR/codes"
check "60 parallel requests all answered 200" test "$(grep -c '^200$' "$E2E_DIR/codes")" = 60

call GET /health/live
check "the server is still alive after all that" status_is 200
check "the access log names routes, never bodies" bash -c "! grep -q 'Parallel-' '$SERVER_LOG' && grep -q '\"route\":\"/v1/password-strength\"' '$SERVER_LOG'"

finish
