#!/usr/bin/env bash
# Prove a dump restores: load DUMP into a scratch database (dropped and made again), then check
# it as the app sees it — every migration applied (`migrate --check`), every stock balance
# equal to its ledger (`verify_ledger`) and, given SOURCE_DATABASE_URL, the same number of
# rows as the source in the tables that matter. Exits non-zero on any difference.
#
#   deploy/pg_restore_check.sh /var/backups/relief/relief-20260301T023000Z.dump \
#       postgres://postgres@127.0.0.1:5432/relief_restore_check
#
# Never point it at the live database: it drops the scratch database first.
set -euo pipefail
cd "$(dirname "$0")/.."

dump="${1:?usage: pg_restore_check.sh DUMP SCRATCH_DATABASE_URL}"
scratch="${2:?usage: pg_restore_check.sh DUMP SCRATCH_DATABASE_URL}"
if [ -n "${SOURCE_DATABASE_URL:-}" ] && [ "${SOURCE_DATABASE_URL%%\?*}" = "${scratch%%\?*}" ]; then
    echo "the scratch database is the source database; refusing to drop it" >&2
    exit 2
fi
PY="${PYTHON:-.venv/bin/python}"
name="${scratch##*/}"
name="${name%%\?*}"
maintenance="${scratch%/*}/postgres"

psql --dbname="$maintenance" -v ON_ERROR_STOP=1 -q \
    -c "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\""
pg_restore --dbname="$scratch" --no-owner --exit-on-error "$dump"

DATABASE_URL="$scratch" "$PY" manage.py migrate --check --noinput -v0
DATABASE_URL="$scratch" "$PY" manage.py verify_ledger

if [ -n "${SOURCE_DATABASE_URL:-}" ]; then
    tables="inventory_stockmovement inventory_stockbalance requests_supplyrequest \
        logistics_shipment imports_importjob accounts_idempotencyrecord auth_user"
    for table in $tables; do
        want="$(psql --dbname="$SOURCE_DATABASE_URL" -Atc "SELECT count(*) FROM $table")"
        got="$(psql --dbname="$scratch" -Atc "SELECT count(*) FROM $table")"
        if [ "$want" != "$got" ]; then
            echo "restore differs: $table has $got rows, the source $want" >&2
            exit 1
        fi
        echo "$table: $got rows, as in the source"
    done
fi
echo "restore of $dump into $name: good"
