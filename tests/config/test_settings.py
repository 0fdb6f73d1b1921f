"""Configuration comes from the environment, and a bad value stops start-up with a message
that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PROD_KEY = "k" * 20 + "-production-secret-for-the-deploy-check-" + "x" * 20


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_a_bad_boolean_names_its_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG="):
        env_bool("DEBUG", True)


def test_booleans_integers_and_lists(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Off")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a.example, b.example ,")
    assert env_bool("X_BOOL", True) is False
    assert env_int("X_INT", 0) == 12
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_INT="):
        env_int("X_INT", 0)


def test_sqlite_is_the_default_with_wal_and_immediate_transactions(monkeypatch):
    monkeypatch.delenv("X_DB", raising=False)
    config = env_database("X_DB", "sqlite:////tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_selects_psycopg2(monkeypatch):
    monkeypatch.setenv("X_DB", "postgres://relief:pw@db.internal:5432/relief")
    config = env_database("X_DB", "sqlite:///unused")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db.internal", "relief", "relief")


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "nonsense", "postgres://host:5432/"])
def test_unsupported_database_urls_name_the_variable(monkeypatch, url):
    monkeypatch.setenv("X_DB", url)
    with pytest.raises(ImproperlyConfigured, match="X_DB="):
        env_database("X_DB", "sqlite:///unused")


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_process_refuses_to_start_on_a_bad_value():
    result = run_manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_production_needs_a_real_secret_key():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="relief.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_in_production_configuration():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS="relief.example",
        DATABASE_URL="postgres://relief@db.internal:5432/relief",
        # Issue 20: the household register's keys have no production default either.
        HOUSEHOLDS_ENCRYPTION_KEYS="bm90LWEtcmVhbC1rZXktYnV0LTMyLWJ5dGVzLWxvbmc=",
        HOUSEHOLDS_HASH_KEY="a-production-hash-key-for-the-deploy-check",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
