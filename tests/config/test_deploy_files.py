"""The nginx site is rendered from its template with exactly its own variables: nginx's
($host, …) survive, a missing one stops the render naming it. (CI's cluster step serves
through the rendered site: scripts/cluster_ci.sh.)"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RENDER = ROOT / "deploy" / "nginx" / "render.sh"
SITE = {
    "SERVER_NAME": "relief.example.org",
    "HTTP_PORT": "80",
    "HTTPS_PORT": "443",
    "TLS_CERT": "/etc/ssl/relief.pem",
    "TLS_KEY": "/etc/ssl/relief.key",
    "STATIC_ROOT": "/srv/relief/app/staticfiles",
    "APP_SERVERS": "server 10.0.0.11:8000;\n    server 10.0.0.12:8000;",
}

pytestmark = pytest.mark.skipif(not shutil.which("envsubst"), reason="needs envsubst (gettext)")


def render(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(RENDER)], env={"PATH": os.environ["PATH"], **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_site_gets_its_values_and_keeps_nginx_variables():
    result = render(**SITE)
    assert result.returncode == 0, result.stderr
    site = result.stdout
    assert "server 10.0.0.11:8000;\n    server 10.0.0.12:8000;" in site
    assert "alias /srv/relief/app/staticfiles/;" in site
    assert "listen 443 ssl http2;" in site
    for nginx_variable in ("$host", "$request_uri", "$proxy_add_x_forwarded_for", "$scheme"):
        assert nginx_variable in site
    assert "${" not in site


def test_a_missing_value_is_named():
    result = render(**{name: value for name, value in SITE.items() if name != "STATIC_ROOT"})
    assert result.returncode == 2
    assert "STATIC_ROOT must be set" in result.stderr
