#!/usr/bin/env bash
# CI's cluster step: the deployment of docs/deploy.md, on one machine. nginx (the site of
# deploy/nginx/relief.conf.template, TLS with a throw-away certificate) in front of two gunicorn
# app servers (deploy/gunicorn.conf.py), one Celery worker and one beat, all on this machine's
# PostgreSQL (a scratch database made here) and Redis (one database number, broker and shared
# cache), production settings (DEBUG off, BEHIND_TLS_PROXY). scripts/cluster_flow.py drives
# the main flow across them; then the database is dumped and the dump restored into a second
# scratch database and checked (deploy/pg_backup.sh, deploy/pg_restore_check.sh). Everything
# started here is stopped on exit, whatever happens.
#
#   CLUSTER_DATABASE=ci_cluster CLUSTER_REDIS_DB=6 CLUSTER_PORT_BASE=9100 bash scripts/cluster_ci.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PG="${CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}"
DB="${CLUSTER_DATABASE:-ci_cluster}"
REDIS_DB="${CLUSTER_REDIS_DB:-6}"
BASE="${CLUSTER_PORT_BASE:-9100}"
APP_A=$((BASE + 11)) APP_B=$((BASE + 12))
HTTPS=$((BASE + 43)) PIN_A=$((BASE + 44)) PIN_B=$((BASE + 45)) HTTP=$((BASE + 80))
if [ "$DB" = "test" ] || [ "$DB" = "postgres" ]; then
    echo "CLUSTER_DATABASE=$DB: use a scratch database of the cluster's own" >&2
    exit 2
fi

WORK="$(mktemp -d /tmp/cluster-ci.XXXXXX)"
SECONDS=0
phase() { printf '[cluster %3ds] %s\n' "$SECONDS" "$*"; }
PIDS=()
stop_all() {
    # The processes this script started, by their ids; nginx by its own pid file.
    [ -f "$WORK/nginx.pid" ] && kill -QUIT "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    PIDS=()
}
on_exit() {
    status=$?
    stop_all
    if [ "$status" -ne 0 ]; then
        for log in "$WORK"/*.log; do
            printf '\n--- last lines of %s ---\n' "$log" >&2
            tail -n 40 "$log" >&2 || true
        done
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- the shared services: a fresh scratch database and an empty Redis database number
psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS \"$DB\"" \
    -c "CREATE DATABASE \"$DB\""
redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null

# --- production settings, as /etc/relief/env would hold them
export DEBUG=false
SECRET_KEY="cluster-ci-$(openssl rand -hex 32)"
export SECRET_KEY
# Households' personal fields are encrypted with these (issue 20); production refuses to start
# without them. A Fernet key is 32 random bytes, URL-safe base64.
HOUSEHOLDS_ENCRYPTION_KEYS="$(openssl rand -base64 32 | tr '+/' '-_')"
HOUSEHOLDS_HASH_KEY="$(openssl rand -hex 32)"
export HOUSEHOLDS_ENCRYPTION_KEYS HOUSEHOLDS_HASH_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
# nginx passes Host without the port; the browser's Origin carries it.
export CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$HTTPS,https://127.0.0.1:$PIN_A,https://127.0.0.1:$PIN_B"
export BEHIND_TLS_PROXY=true FORWARDED_ALLOW_IPS=127.0.0.1
export SECURE_HSTS_SECONDS=0
export DATABASE_URL="$PG/$DB"
export CACHE_URL="redis://127.0.0.1:6379/$REDIS_DB"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/$REDIS_DB"
export SITE_URL="https://127.0.0.1:$HTTPS"
# Beat's near-expiry check every minute instead of every morning: the flow waits for it.
export SCHEDULE_NEAR_EXPIRY="* * * * *"
export PYTHONUNBUFFERED=1
PY=.venv/bin/python

phase "migrate; then the demo world and collectstatic while the cluster starts"
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo --force --address "127.0.0.1:$HTTPS" >"$WORK/load-demo.log" 2>&1 &
DEMO=$!
PIDS+=("$DEMO")
$PY manage.py collectstatic --noinput -v0 >"$WORK/collectstatic.log" 2>&1 &
STATIC=$!
PIDS+=("$STATIC")

# --- beat first: its first tick is the next whole minute, and the flow needs one
.venv/bin/celery -A config beat --loglevel=INFO --schedule="$WORK/celerybeat-schedule" \
    >"$WORK/beat.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=1 -n "cluster-ci-$$@%h" \
    --without-gossip --without-mingle --without-heartbeat >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
# The app servers read the static manifest when their workers boot (WhiteNoise and the
# hashed-name storage): they start only once collectstatic has written it, as in an upgrade.
wait "$STATIC"
for port in "$APP_A" "$APP_B"; do
    GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=2 \
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi >"$WORK/app-$port.log" 2>&1 &
    PIDS+=($!)
done

# --- nginx: the production site, rendered as docs/deploy.md says, plus two CI-only ports
# that each reach one app server and say which (X-Upstream), so the flow knows where it is.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.pem" 2>/dev/null
mkdir -p "$WORK/nginx-temp"
SERVER_NAME=127.0.0.1 HTTP_PORT="$HTTP" HTTPS_PORT="$HTTPS" TLS_CERT="$WORK/tls.pem" \
    TLS_KEY="$WORK/tls.key" STATIC_ROOT="$PWD/staticfiles" \
    APP_SERVERS="server 127.0.0.1:$APP_A max_fails=3 fail_timeout=10s;
    server 127.0.0.1:$APP_B max_fails=3 fail_timeout=10s;" \
    deploy/nginx/render.sh >"$WORK/relief.conf"
pinned() {
    cat <<EOF
    server {
        listen 127.0.0.1:$1 ssl;
        ssl_certificate $WORK/tls.pem;
        ssl_certificate_key $WORK/tls.key;
        location / {
            proxy_pass http://127.0.0.1:$2;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            add_header X-Upstream \$upstream_addr always;
        }
    }
EOF
}
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/nginx-temp/body;
    proxy_temp_path $WORK/nginx-temp/proxy;
    fastcgi_temp_path $WORK/nginx-temp/fastcgi;
    uwsgi_temp_path $WORK/nginx-temp/uwsgi;
    scgi_temp_path $WORK/nginx-temp/scgi;
    include $WORK/relief.conf;
$(pinned "$PIN_A" "$APP_A")
$(pinned "$PIN_B" "$APP_B")
}
EOF
/usr/sbin/nginx -t -q -p "$WORK" -c "$WORK/nginx.conf"
/usr/sbin/nginx -p "$WORK" -c "$WORK/nginx.conf"

wait "$DEMO"
phase "demo world loaded, static files collected; waiting for the app servers"
for port in "$PIN_A" "$PIN_B"; do
    ready=""
    for _ in $(seq 60); do
        if curl -fs --cacert "$WORK/tls.pem" -o /dev/null "https://127.0.0.1:$port/api/v1/health"; then
            ready=1 && break
        fi
        sleep 0.5
    done
    [ -n "$ready" ] || { echo "app server behind port $port did not come up" >&2; exit 1; }
done
# Plain HTTP is only a redirect to HTTPS.
test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/")" = 301

phase "drive the flow"
# In the background and waited for: a TERM to this script (CI giving up) is handled at once,
# not after the flow, which a foreground child would make bash wait for.
timeout 170 $PY scripts/cluster_flow.py --main "https://127.0.0.1:$HTTPS" \
    --via-a "https://127.0.0.1:$PIN_A" --via-b "https://127.0.0.1:$PIN_B" --ca "$WORK/tls.pem" \
    --worker-log "$WORK/worker.log" --beat-log "$WORK/beat.log" \
    --app-logs "$WORK/app-$APP_A.log" "$WORK/app-$APP_B.log" &
FLOW=$!
PIDS+=("$FLOW")
wait "$FLOW"
grep -q "Traceback" "$WORK"/app-*.log && { echo "an app server logged a traceback" >&2; exit 1; }

# --- the cluster is stopped; what it left must be whole, and its backup must restore
phase "stop the cluster; ledger, purge, backup and restore"
stop_all
phase "stopped"
$PY manage.py verify_ledger
$PY manage.py purge_expired
phase "dump and restore"
DUMP="$(BACKUP_DIR="$WORK/backups" deploy/pg_backup.sh)"
SOURCE_DATABASE_URL="$DATABASE_URL" deploy/pg_restore_check.sh "$DUMP" "$PG/${DB}_restore"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"${DB}_restore\""
phase "cluster step passed"
