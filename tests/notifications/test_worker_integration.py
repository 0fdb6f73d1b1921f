"""A real `celery -A config worker` process on a real Redis broker and the test database.

Runs only when CELERY_BROKER_URL is a redis:// URL (use a database number of its own, e.g.
redis://127.0.0.1:6379/5) and the suite runs on PostgreSQL (DATABASE_URL=postgres://…): the
worker is another process, so it must share a database server with the tests, and the rows
must be committed (transactional tests; flushed with TRUNCATE, which the append-only ledger
triggers allow). Otherwise every test here is skipped, saying which variable is missing.

The worker stores results in the same Redis (CELERY_RESULT_BACKEND, unless set), so a test
waits for a task by its result instead of sleeping.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
import time_machine
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from notifications import tasks
from notifications.models import AlertState, EmailStatus, Notification, NotificationKind
from supply_requests import tasks as request_tasks

BROKER = os.environ.get("CELERY_BROKER_URL", "")
RESULTS = os.environ.get("CELERY_RESULT_BACKEND") or BROKER
CELERY = Path(sys.executable).with_name("celery")
TIMEOUT = 60  # seconds: the longest any task here may take, retries included

pytestmark = [
    pytest.mark.skipif(
        not BROKER.startswith("redis://"),
        reason="broker integration: needs CELERY_BROKER_URL=redis://… (e.g. "
        "redis://127.0.0.1:6379/5; .ci/run sets it) — skipped, tasks ran in-process only",
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="broker integration: the worker process must see the test database, which "
        f"needs DATABASE_URL=postgres://… (.ci/run sets it) — skipped on {connection.vendor}",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def eager_celery():
    """Here tasks really go through the broker (overrides the package's eager fixture)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db.get("USER") or "postgres", safe="")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, process: subprocess.Popen, name: str, log: Path) -> None:
        self.process, self.name, self.log = process, name, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def active_pool_pids(self, task_id: str) -> list[int]:
        """The pool processes running the task (asked through the broker's control queue)."""
        replies = celery_app.control.inspect(destination=[self.name], timeout=2).active() or {}
        return [t["worker_pid"] for t in replies.get(self.name, []) if t["id"] == task_id]


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start one worker (prefork, one pool process) for the module; stop it at the end."""
    name = f"integration-{uuid.uuid4().hex[:8]}@{os.uname().nodename}"
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with django_db_blocker.unblock():
        database_url = _database_url()
    celery_app.control.purge()  # leftovers of an earlier, interrupted run
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        # No idle connections: the test database is flushed after each test and dropped
        # at the end of the run.
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": RESULTS,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "NOTIFICATIONS_EMAIL_LANGUAGE": "en",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        str(CELERY), "-A", "config", "worker", "-n", name, "--loglevel=INFO",
        "--pool=prefork", "--concurrency=1",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        # Its own process group: the teardown can stop the worker and its pool together.
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process, name, log)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not celery_app.control.ping(destination=[name], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the worker did not come up (is {BROKER} reachable?):\n{worker.output()}"
                )
        yield worker
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finish the task in hand
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def send(task, *args) -> AsyncResult:
    sent = task.apply_async(args=args)
    return AsyncResult(sent.id, app=celery_app, backend=RedisBackend(app=celery_app, url=RESULTS))


def wait_for(condition, what: str, worker: Worker, timeout: float = TIMEOUT):
    """Poll another process's effect (never a fixed sleep standing in for logic)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.output()}")
        time.sleep(0.1)
    return value


def test_an_expiring_lot_and_a_long_wait_each_notify_the_right_people_once(
    celery_worker, staff, coordinator, worker, outsider, receive, make_request
):
    for user in (staff, coordinator, worker, outsider):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    receive(300, expiry=timezone.localdate() + dt.timedelta(days=10), batch="EXP-1")
    with time_machine.travel(timezone.now() - dt.timedelta(hours=72)):
        request = make_request(status="submitted")

    # Each check twice, as a retry or a double beat would send it.
    results = [
        send(task) for task in [tasks.check_near_expiry, request_tasks.check_waiting_requests] * 2
    ]
    assert len({result.id for result in results}) == 4
    outcomes = [result.get(timeout=TIMEOUT) for result in results]
    assert [o["raised"] for o in outcomes] == [1, 1, 0, 0]

    near = Notification.objects.filter(kind=NotificationKind.NEAR_EXPIRY)
    waiting = Notification.objects.filter(kind=NotificationKind.REQUEST_WAITING)
    # The site's staff and, since issue 14, its coordinators: they decide what goes out.
    assert sorted(n.recipient.username for n in near) == ["coordinator", "staff"]
    assert sorted(n.recipient.username for n in waiting) == ["coordinator", "worker"]
    assert waiting.get(recipient=worker).params["request"] == request.pk
    assert not Notification.objects.filter(recipient=outsider).exists()

    # The worker queued the e-mails after its commit and sent each once (console backend).
    wait_for(
        lambda: not Notification.objects.exclude(email_status=EmailStatus.SENT).exists(),
        "the e-mails to be sent",
        celery_worker,
    )
    # One e-mail per notification: the coordinator has two (the lot and the wait).
    for user, sent in ((staff, 1), (coordinator, 2), (worker, 1)):
        assert Notification.objects.filter(recipient=user).count() == sent
        assert celery_worker.output().count(f"To: {user.email}") == sent
    assert "To: outsider@example.org" not in celery_worker.output()


def _blocked_insert(database: str) -> dict | None:
    """The worker's backend, if it is waiting on a lock while inserting a notification."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity
               WHERE datname = %s AND wait_event_type = 'Lock'
                 AND query LIKE 'INSERT INTO "notifications_notification"%%'""",
            [database],
        )
        row = cursor.fetchone()
    return {"pid": row[0], "has_written": row[1]} if row else None


def test_a_worker_killed_mid_task_leaves_nothing_half_done_and_the_task_completes(
    celery_worker, site, staff, second_staff, receive
):
    lot = receive(100, expiry=timezone.localdate() + dt.timedelta(days=5))
    key = f"near_expiry:site={site.pk}:lot={lot.pk}:1"
    assert staff.pk < second_staff.pk  # the worker inserts staff's row, then blocks

    # Another transaction holds the unique key of second_staff's notification: the worker's
    # INSERT waits on it, in the middle of its own transaction.
    db = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    try:
        with blocker.cursor() as cursor:
            cursor.execute(
                "INSERT INTO notifications_notification (recipient_id, kind, params, link, "
                "dedupe_key, created_at, email_status) "
                "VALUES (%s, 'near_expiry', '{}', '', %s, now(), '')",
                [second_staff.pk, key],
            )
        result = send(tasks.check_near_expiry)
        blocked = wait_for(
            lambda: _blocked_insert(db["NAME"]), "the worker to block mid-task", celery_worker
        )
        assert blocked["has_written"]  # its transaction has already written rows
        # Nothing of the half-done run is visible: it is all one uncommitted transaction.
        assert not AlertState.objects.exists() and not Notification.objects.exists()

        pool_pids = wait_for(
            lambda: celery_worker.active_pool_pids(result.id), "the task's pool pid", celery_worker
        )
        os.kill(pool_pids[0], signal.SIGKILL)
    finally:
        blocker.rollback()
        blocker.close()

    # The worker's main process saw its pool process die and sent the task again.
    outcome = result.get(timeout=TIMEOUT)
    assert (outcome["raised"], outcome["notified"]) == (1, 2)
    log = celery_worker.output()
    assert "exited with 'signal 9 (SIGKILL)'" in log
    assert "retry: Retry in 5s: WorkerLostError" in log
    state = AlertState.objects.get()
    assert (state.is_active, state.crossings) == (True, 1)
    assert sorted(Notification.objects.values_list("recipient_id", "dedupe_key")) == [
        (staff.pk, key),
        (second_staff.pk, key),
    ]
    # The killed transaction is gone too: no backend is left waiting or holding rows.
    assert _blocked_insert(db["NAME"]) is None
