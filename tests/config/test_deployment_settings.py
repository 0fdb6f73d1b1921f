"""What a deployment past one machine relies on (docs/deploy.md): the shared cache from
CACHE_URL, the PgBouncer switch for server-side cursors, advisory locks that end with their
transaction, and the idempotency window. The settings module is re-executed as start-up would
execute it."""

import importlib
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

from config import settings as config_settings
from tests.conftest import requires_postgres
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start_up(monkeypatch):
    """Execute config/settings.py under the environment the test sets."""
    yield lambda: importlib.reload(config_settings)
    monkeypatch.undo()
    importlib.reload(config_settings)  # back to the environment of the test run


def test_without_cache_url_each_process_has_its_own_cache(monkeypatch, start_up):
    monkeypatch.delenv("CACHE_URL", raising=False)
    caches = start_up().CACHES
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_url_makes_every_cache_user_share_redis(monkeypatch, start_up):
    monkeypatch.setenv("CACHE_URL", "redis://10.0.0.7:6379/3")
    caches = start_up().CACHES
    # One cache, "default": the throttles, the password-reset limits and any figure cache use
    # `django.core.cache.cache`, so none of them can stay behind in process memory.
    assert caches == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://10.0.0.7:6379/3",
        }
    }


def test_a_cache_url_of_another_kind_names_the_variable(monkeypatch, start_up):
    monkeypatch.setenv("CACHE_URL", "memcached://10.0.0.7")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        start_up()


def test_no_code_keeps_its_own_cache_alias():
    """Everything cached goes through the default alias, which CACHE_URL points at Redis."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _app_sources()
        if re.search(r"caches\[|LocMemCache|FileBasedCache", path.read_text(encoding="utf-8"))
    ]
    # The public pages (issue 21) keep a few seconds of each page in the worker's memory in
    # front of the shared cache: anonymous pages, the same for everyone, and the two lifetimes
    # together stay within PUBLIC_CACHE_SECONDS — nothing per user can split across servers.
    assert offenders == ["config/settings.py", "public/pages.py"]


def test_server_side_cursors_stay_on_unless_switched_off(monkeypatch, start_up):
    monkeypatch.delenv("DISABLE_SERVER_SIDE_CURSORS", raising=False)
    assert start_up().DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    monkeypatch.setenv("DISABLE_SERVER_SIDE_CURSORS", "true")
    assert start_up().DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    monkeypatch.setenv("DISABLE_SERVER_SIDE_CURSORS", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="DISABLE_SERVER_SIDE_CURSORS"):
        start_up()


@requires_postgres()
@pytest.mark.postgres
@pytest.mark.django_db
def test_behind_pgbouncer_iterator_reads_without_a_named_cursor(monkeypatch):
    UserFactory.create_batch(3)
    db = connections["default"]
    named = []
    opened = db.chunked_cursor
    monkeypatch.setattr(db, "chunked_cursor", lambda: named.append(1) or opened())
    with transaction.atomic():
        assert len(list(get_user_model().objects.iterator(chunk_size=2))) == 3
    assert named == [1]  # DECLARE … CURSOR, read across round trips of one session

    monkeypatch.setitem(db.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with transaction.atomic():
        assert len(list(get_user_model().objects.iterator(chunk_size=2))) == 3
    assert named == [1]  # the switch: read client-side, no cursor left on the server


def test_advisory_locks_end_with_their_transaction():
    """A session-level advisory lock outlives the transaction; behind PgBouncer in
    transaction mode the next transaction on that server connection may be someone else's."""
    session_level = re.compile(r"pg_(try_)?advisory_(lock|lock_shared|unlock)\s*\(")
    transaction_level = re.compile(r"pg_(try_)?advisory_xact_lock")
    sources = {path: path.read_text(encoding="utf-8") for path in _app_sources()}
    assert not [str(p) for p, text in sources.items() if session_level.search(text)]
    assert [p for p, text in sources.items() if transaction_level.search(text)]  # still looked


def test_the_idempotency_window_is_a_positive_number_of_hours(monkeypatch, start_up):
    monkeypatch.setenv("IDEMPOTENCY_WINDOW_HOURS", "48")
    assert start_up().IDEMPOTENCY_WINDOW_HOURS == 48
    monkeypatch.setenv("IDEMPOTENCY_WINDOW_HOURS", "0")
    with pytest.raises(ImproperlyConfigured, match="IDEMPOTENCY_WINDOW_HOURS"):
        start_up()


def _app_sources() -> list[Path]:
    skip = {".venv", "tests", "bench", "demo", "node_modules", "migrations", "deploy"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not skip.intersection(path.relative_to(ROOT).parts[:-1])
    ]
