"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Forwarded headers (X-Forwarded-Proto/-For) are believed only with BEHIND_TLS_PROXY=true, and
then only from FORWARDED_ALLOW_IPS (the proxy's address, 127.0.0.1 by default). Without it
gunicorn trusts nobody — its own default trusts 127.0.0.1 whatever the app is told, so a
local process could pass plain HTTP off as HTTPS. Django reads the same variable
(logistics/settings.py: SECURE_PROXY_SSL_HEADER, NINJA_NUM_PROXIES, the lockout address).
"""

import multiprocessing
import os

_TRUE = {"1", "true", "yes", "on"}

behind_proxy = os.environ.get("BEHIND_TLS_PROXY", "").strip().lower() in _TRUE

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(4, multiprocessing.cpu_count() * 2))))
# A request that runs longer than this is killed: uploads are parsed by the import worker,
# never in a request, so nothing legitimate comes near it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then: no slow memory creep.
max_requests = 2000
max_requests_jitter = 200
# Header limits: a request line or header set beyond these is refused before Django.
limit_request_line = 8190
limit_request_fields = 100

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if behind_proxy else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if behind_proxy else {}
proxy_allow_ips = forwarded_allow_ips

accesslog = "-"
errorlog = "-"
