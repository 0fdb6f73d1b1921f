"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Workers: GUNICORN_WORKERS, else 2 × the cores this process may run on + 1 (sync workers,
one request each; the connection arithmetic in docs/deploy.md counts one PostgreSQL
connection per worker).

Forwarded headers (X-Forwarded-Proto/-For) are believed only with BEHIND_TLS_PROXY=true, and
then only from FORWARDED_ALLOW_IPS (the proxy's addresses, comma-separated; 127.0.0.1 by
default). Without it gunicorn trusts nobody — its own default trusts 127.0.0.1 whatever the
app is told, so a local process could pass plain HTTP off as HTTPS. Django reads the same
variable (config/settings.py: SECURE_PROXY_SSL_HEADER, NINJA_NUM_PROXIES, the lockout address).
"""

import os

_TRUE = {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number") from None
    if value <= 0:
        raise SystemExit(f"{name}={raw!r} must be positive")
    return value


def _cores() -> int:
    # The cores this process may use (a container's or systemd's CPU set), not the machine's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


behind_proxy = os.environ.get("BEHIND_TLS_PROXY", "").strip().lower() in _TRUE

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2 * _cores() + 1)
worker_class = "sync"
# A request that runs longer than this is killed: uploads are parsed by the import worker,
# never in a request, so nothing legitimate comes near it.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM (a restart, one server at a time) requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps upstream connections open (deploy/nginx/relief.conf, `keepalive`); a little
# longer than its idle time would be wasted, shorter makes it reconnect.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then: no slow memory creep.
max_requests = 2000
max_requests_jitter = 200
# Header limits: a request line or header set beyond these is refused before Django.
limit_request_line = 8190
limit_request_fields = 100

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if behind_proxy else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if behind_proxy else {}
proxy_allow_ips = forwarded_allow_ips

# gunicorn ≥ 25 opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl):
# two app servers on one machine would take it from each other, and systemd (ExecReload: HUP)
# already does what it offers. Older gunicorn ignores the name.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
