#!/usr/bin/env bash
# Print the nginx site for this deployment: relief.conf.template with its variables filled in
# (see the template's head). Only these variables are replaced, so nginx's own ($host, …) stay.
set -euo pipefail
for name in SERVER_NAME HTTP_PORT HTTPS_PORT TLS_CERT TLS_KEY STATIC_ROOT APP_SERVERS; do
    if [ -z "${!name:-}" ]; then
        echo "render.sh: $name must be set (see deploy/nginx/relief.conf.template)" >&2
        exit 2
    fi
done
# shellcheck disable=SC2016  # the names are for envsubst, not for the shell
exec envsubst '${SERVER_NAME} ${HTTP_PORT} ${HTTPS_PORT} ${TLS_CERT} ${TLS_KEY} ${STATIC_ROOT} ${APP_SERVERS}' \
    <"$(dirname "$0")/relief.conf.template"
