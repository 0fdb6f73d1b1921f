"""deploy/gunicorn.conf.py believes forwarded headers only when BEHIND_TLS_PROXY says so."""

import runpy
from pathlib import Path

import pytest

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


def test_workers_follow_the_cores_unless_set(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert load(monkeypatch)["workers"] == 9
    assert load(monkeypatch, GUNICORN_WORKERS="3")["workers"] == 3


def test_timeouts_come_from_the_environment(monkeypatch):
    for name in ("GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    conf = load(monkeypatch)
    assert (conf["timeout"], conf["graceful_timeout"]) == (60, 30)
    conf = load(monkeypatch, GUNICORN_TIMEOUT="120", GUNICORN_GRACEFUL_TIMEOUT="10")
    assert (conf["timeout"], conf["graceful_timeout"]) == (120, 10)


def test_a_bad_number_names_the_variable(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS='many'"):
        load(monkeypatch, GUNICORN_WORKERS="many")
