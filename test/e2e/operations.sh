#!/usr/bin/env bash
# End to end: health, OpenAPI, secret questions and the password gauge through a real server.
source "$(dirname "$0")/lib.sh"
start_server

call GET /health/live
check "live answers 200" status_is 200
check "every answer has an X-Request-Id" header_has X-Request-Id

call GET /health/ready
check "ready checks the database and answers ready" json_is .status ready

call GET /health/ready -H 'X-Request-Id: trace-abc-123'
check "a caller's request id is echoed" grep -qi '^X-Request-Id: trace-abc-123' "$HEADERS"

call GET /openapi.yaml
check "openapi.yaml is served" status_is 200
check "it is the project's file, byte for byte" bash -c "curl -s '$BASE/openapi.yaml' | cmp -s - '$GUICHET_SOURCE_DIR/openapi.yaml'"

call GET /v1/secret-questions
check "secret questions are a list of {id,label}" json_is '.[0] | has("id") and has("label")' true

json_call POST /v1/password-strength '{"password":"Secret123!"}'
check "Secret123! is faible" json_is .level faible
check "Secret123! is refused" json_is .accepted false

json_call POST /v1/password-strength '{"password":"Lune-Cactus-Violon-42"}'
check "a long passphrase is accepted" json_is .accepted true

json_call POST /v1/password-strength '{"password":"Dupont1984!x","context":{"last_name":"Dupont","birth_date":"12/03/1984"}}'
check "name and birth date lower the gauge" json_is .level faible

# Ready turns false when the database goes away, and the service recovers when it is back.
psql -q "$GUICHET_TEST_PG_ADMIN_URL" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$E2E_DB'" >/dev/null
call GET /health/ready
check "after the server dropped our connections, ready recovers" json_is .status ready

finish
