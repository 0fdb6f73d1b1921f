"""Small helpers that read settings from the environment and fail loudly.

A bad value stops the process at start-up with a message naming the variable, instead of
running with a silently different configuration (the healthchecks habit).
"""

import os

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_positive_int(name: str, default: int) -> int:
    value = env_int(name, default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name}={value!r} must be a positive whole number")
    return value


def env_url(name: str, default: str) -> str:
    """An absolute http(s) address without its trailing slash."""
    value = env_str(name, default)
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name}={value!r} must start with http:// or https://")
    return value.rstrip("/")


def env_crontab(name: str, default: str) -> crontab:
    """A cron expression ("minute hour day-of-month month day-of-week")."""
    expression = env_str(name, default)
    try:
        return crontab.from_string(expression)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"{name}={expression!r} is not a cron expression "
            f"(minute hour day-of-month month day-of-week): {exc}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but lists nothing (comma-separated values)")
    return items


def env_database(name: str, default: str) -> dict:
    """Parse a database URL; only SQLite and PostgreSQL (psycopg2) are supported."""
    url = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except ValueError as exc:  # unknown scheme, malformed URL
        raise ImproperlyConfigured(f"{name}={url!r} is not a valid database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}={url!r} names no SQLite file")
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so that two writers serialise instead of failing half-way through.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    elif engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}={url!r} names no PostgreSQL database")
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"{name}={url!r}: only sqlite:/// and postgres:// URLs are supported"
        )
    return config
