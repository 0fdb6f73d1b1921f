#!/usr/bin/env bash
# Fuzz the whole API schema with schemathesis, from a separate process, against a live server
# on a scratch database with the demo world: zero server errors and zero responses that break
# the schema. Run by .ci/run; bounded in examples and time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${SCHEMATHESIS_PORT:-8799}"
SCRATCH="$(mktemp -d)"
export DATABASE_URL="sqlite:///$SCRATCH/fuzz.sqlite3"
export DEBUG=true
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo >/dev/null
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$SCRATCH/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.5; done

status=0
# Each persona sees the API differently; fuzz as the coordinator (the widest writer) and as a
# community worker (the most restricted). Token revocation is left out: fuzzing it revokes the
# very token the run authenticates with (tests/api covers it). One worker: schemathesis' own
# generator is not thread-safe on Python 3.11 (it crashed with two).
for who in coordinator worker; do
    token="$($PY manage.py create_api_token "$who" --name schemathesis 2>/dev/null | tail -n 1)"
    echo "--- schemathesis as $who"
    .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
        --phases examples,coverage,fuzzing \
        --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" \
        --max-time "${SCHEMATHESIS_MAX_TIME:-240}" \
        --workers 1 \
        --exclude-path-regex '/tokens/.*/revoke$' \
        --seed 2020 \
        --request-timeout 30 || status=$?
done
if grep -q "Traceback" "$SCRATCH/server.log"; then
    echo "The server logged a traceback:" >&2
    grep -B5 -A30 "Traceback" "$SCRATCH/server.log" | head -80 >&2
    status=1
fi
exit $status
