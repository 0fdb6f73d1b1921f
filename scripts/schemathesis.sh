#!/usr/bin/env bash
# Fuzz the whole API schema with schemathesis, from a separate process, against a live server
# on a scratch database with the demo world: zero server errors and zero responses that break
# the schema. Run by .ci/run (on SQLite and on PostgreSQL); bounded in examples and time.
#
#   scripts/schemathesis.sh                                   # scratch SQLite file
#   scripts/schemathesis.sh postgres://postgres@127.0.0.1:5432/test
#       # a scratch database of its own on that server (created, dropped at the end)
#
# Phases: the schema's examples, the coverage phase (boundary values: NUL bytes, huge
# numbers, extreme dates), fuzzing, and stateful runs that follow the schema's links
# (create a request → submit it → approve it …).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
SCHEMATHESIS="${SCHEMATHESIS:-.venv/bin/schemathesis}"
PORT="${SCHEMATHESIS_PORT:-8799}"
TARGET="${1:-${SCHEMATHESIS_DATABASE_URL:-sqlite}}"
SCRATCH="$(mktemp -d)"
DROP_DB=""
if [[ "$TARGET" == postgres://* || "$TARGET" == postgresql://* ]]; then
    SCRATCH_DB="fuzz_$$"
    psql "$TARGET" -qc "DROP DATABASE IF EXISTS $SCRATCH_DB" -c "CREATE DATABASE $SCRATCH_DB"
    export DATABASE_URL="${TARGET%/*}/$SCRATCH_DB"
    DROP_DB="psql '$TARGET' -qc 'DROP DATABASE IF EXISTS $SCRATCH_DB WITH (FORCE)'"
else
    export DATABASE_URL="sqlite:///$SCRATCH/fuzz.sqlite3"
fi
SERVER=""
# Installed before anything can fail (set -e): a failed migrate must not leave the scratch
# database behind.
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; sleep 1; eval "$DROP_DB" || true; rm -rf "$SCRATCH"' EXIT
export DEBUG=true
# The fuzzer writes far faster than any person: the write throttles would answer 429 to it.
export API_WRITE_RATE_PER_TOKEN=off API_WRITE_RATE_PER_ADDRESS=off
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo >/dev/null
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$SCRATCH/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.5; done

status=0
# Each persona sees the API differently; fuzz as the coordinator (the widest writer) and as a
# community worker (the most restricted). Token revocation is left out: fuzzing it revokes the
# very token the run authenticates with (tests/api covers it). One worker: schemathesis' own
# generator is not thread-safe on Python 3.11 (it crashed with two).
for who in coordinator worker; do
    token="$($PY manage.py create_api_token "$who" --name schemathesis 2>/dev/null | tail -n 1)"
    echo "--- schemathesis as $who"
    "$SCHEMATHESIS" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
        --phases examples,coverage,fuzzing,stateful \
        --max-examples "${SCHEMATHESIS_EXAMPLES:-50}" \
        --max-time "${SCHEMATHESIS_MAX_TIME:-150}" \
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
