"""The embedded default has no Celery beat: page requests run the due alert checks, at most
once per interval, claimed in the database so two processes never run one check together."""

import datetime as dt

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import inprocess as inprocess_checks
from notifications.inprocess import InProcessChecksMiddleware, checks_run_due
from notifications.models import CheckClaim, Notification, NotificationKind
from notifications.services import threshold_set
from notifications.services.claims import check_claim

ALL = [
    "low_stock",
    "near_expiry",
    "overdue_shipments",
    "waiting_requests",
    "pending_emails",
    "import_sweep",
    "purge_sessions",
    "purge_idempotency",
    "household_erasure",  # issue 20, hourly (like near expiry)
]


@pytest.fixture
def every_five_minutes(settings, monkeypatch):
    settings.INPROCESS_CHECKS_MINUTES = 5
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Earlier page tests in this process may have looked at the claims a moment ago.
    monkeypatch.setattr(inprocess_checks, "_next_look", 0.0)


def test_a_claim_is_won_once_per_interval(db):
    now = dt.datetime(2020, 2, 10, 9, tzinfo=dt.UTC)
    every = dt.timedelta(minutes=5)
    assert check_claim(name="low_stock", every=every, now=now)
    # A second process at the same moment, or a minute later, loses.
    assert not check_claim(name="low_stock", every=every, now=now)
    assert not check_claim(name="low_stock", every=every, now=now + dt.timedelta(minutes=1))
    assert check_claim(name="low_stock", every=every, now=now + every)
    assert CheckClaim.objects.get(name="low_stock").last_started_at == now + every


def test_a_page_request_raises_the_alerts_that_are_due(
    every_five_minutes, clock, client, staff, site, item, receive
):
    receive(10)
    # The threshold's own check runs on commit: take that alert away to see the hook's.
    threshold_set(actor=staff, site=site, item=item, min_quantity=50)
    Notification.objects.all().delete()
    from notifications.models import AlertState

    AlertState.objects.all().delete()
    client.force_login(staff)
    client.get("/")
    assert Notification.objects.filter(recipient=staff, kind=NotificationKind.LOW_STOCK).exists()
    assert sorted(CheckClaim.objects.values_list("name", flat=True)) == sorted(ALL)
    # The next page, a moment later, does not even ask the database.
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries if "checkclaim" in q["sql"].lower()]

    # Within five minutes nothing runs again; after, each check runs once more.
    clock.shift(dt.timedelta(minutes=4))
    assert checks_run_due() == []
    clock.shift(dt.timedelta(minutes=1))
    assert checks_run_due() == [
        "low_stock",
        "overdue_shipments",
        "waiting_requests",
        "pending_emails",
        "import_sweep",
    ]
    # The same crossing is not notified twice.
    assert (
        Notification.objects.filter(kind=NotificationKind.LOW_STOCK, recipient=staff).count() == 1
    )


def test_zero_minutes_switches_the_hook_off(settings, db):
    settings.INPROCESS_CHECKS_MINUTES = 0
    assert checks_run_due() == []
    assert not CheckClaim.objects.exists()


def test_with_a_broker_beat_runs_the_checks_not_the_pages(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with pytest.raises(MiddlewareNotUsed):
        InProcessChecksMiddleware(lambda request: None)
