"""Housekeeping: expired sessions, idempotency records past their window and the files of old
imports are deleted — by beat, in-process without a broker, or `manage.py purge_expired` —
and everything still within its time is kept."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from accounts.housekeeping import idempotency_records_purge, sessions_purge
from accounts.models import IdempotencyRecord
from imports.models import ImportJob, ImportKind, ImportStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def session(expires_in: dt.timedelta) -> str:
    store = SessionStore()
    store["who"] = "somebody"
    store.set_expiry(NOW + expires_in)
    store.create()
    return store.session_key


def record(user, key: str, age: dt.timedelta) -> IdempotencyRecord:
    with time_machine.travel(NOW - age, tick=False):
        return IdempotencyRecord.objects.create(
            user=user, key=key, method="POST", path="/api/v1/donations",
            request_digest="0" * 64, status_code=201, response={"id": 1},
        )  # fmt: skip


def job(user, status: str, finished_ago: dt.timedelta | None) -> ImportJob:
    return ImportJob.objects.create(
        kind=ImportKind.DONATIONS, status=status, created_by=user, file_name="捐赠.csv",
        file_sha256="0" * 64, content=b"item,quantity\nmask,10\n",
        report=[[2, "ok", "", ""]],
        finished_at=None if finished_ago is None else NOW - finished_ago,
    )  # fmt: skip


def test_expired_sessions_go_and_live_ones_stay():
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        gone = session(dt.timedelta(days=-1))
        live = session(dt.timedelta(days=1))
    assert sessions_purge(now=NOW) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    with time_machine.travel(NOW, tick=False):
        assert SessionStore(session_key=live).load()["who"] == "somebody"
    assert not Session.objects.filter(session_key=gone).exists()
    assert sessions_purge(now=NOW) == 0  # a second run finds nothing left


def test_idempotency_records_past_the_window_go(settings):
    settings.IDEMPOTENCY_WINDOW_HOURS = 24
    user = UserFactory()
    record(user, "old", dt.timedelta(hours=25))
    record(user, "recent", dt.timedelta(hours=23))
    assert idempotency_records_purge(now=NOW) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_the_window_is_a_setting(settings):
    user = UserFactory()
    record(user, "two-hours-old", dt.timedelta(hours=2))
    settings.IDEMPOTENCY_WINDOW_HOURS = 3
    assert idempotency_records_purge(now=NOW) == 0
    settings.IDEMPOTENCY_WINDOW_HOURS = 1
    assert idempotency_records_purge(now=NOW) == 1
    assert not IdempotencyRecord.objects.exists()


def test_the_command_purges_all_three_and_says_how_many(settings):
    settings.IDEMPOTENCY_WINDOW_HOURS = 24
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    user = UserFactory()
    with time_machine.travel(NOW - dt.timedelta(days=60), tick=False):
        session(dt.timedelta(days=-1))
        kept_session = session(dt.timedelta(days=90))
    record(user, "old", dt.timedelta(days=2))
    record(user, "recent", dt.timedelta(hours=1))
    old_done = job(user, ImportStatus.DONE, dt.timedelta(days=31))
    old_failed = job(user, ImportStatus.FAILED, dt.timedelta(days=40))
    recent_done = job(user, ImportStatus.DONE, dt.timedelta(days=29))
    waiting = job(user, ImportStatus.READY, None)  # the preview someone is still reading

    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", stdout=out)

    assert out.getvalue().split("\n")[:3] == [
        "sessions: 1",
        "idempotency_records: 1",
        "import_files: 2",
    ]
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept_session]
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
    for gone in (old_done, old_failed):
        gone.refresh_from_db()
        assert bytes(gone.content) == b""
        assert gone.report == [[2, "ok", "", ""]]  # the report stays, only the file goes
    for kept in (recent_done, waiting):
        kept.refresh_from_db()
        assert bytes(kept.content) == b"item,quantity\nmask,10\n"


def test_beat_and_the_pages_run_the_purges():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.purge_expired_sessions" in beat
    assert "accounts.tasks.purge_idempotency_records" in beat
    # Import files: the import sweep (every five minutes) purges them, not a second entry.
    assert "imports.tasks.sweep_import_jobs" in beat
    inprocess = {task for task, _ in settings.INPROCESS_CHECKS.values()}
    assert {
        "accounts.tasks.purge_expired_sessions",
        "accounts.tasks.purge_idempotency_records",
    } <= inprocess
    for task in settings.PURGE_TASKS.values():
        assert task in app.tasks
