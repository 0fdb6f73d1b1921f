"""deploy/gunicorn.conf.py believes forwarded headers only when BEHIND_TLS_PROXY says so."""

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for name in ("BEHIND_TLS_PROXY", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_without_a_proxy_no_forwarded_header_is_trusted(monkeypatch):
    conf = load(monkeypatch)
    assert conf["forwarded_allow_ips"] == ""
    assert conf["secure_scheme_headers"] == {}


def test_behind_a_proxy_only_the_proxy_is_trusted(monkeypatch):
    conf = load(monkeypatch, BEHIND_TLS_PROXY="true", FORWARDED_ALLOW_IPS="10.0.0.5")
    assert conf["forwarded_allow_ips"] == "10.0.0.5"
    assert conf["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
