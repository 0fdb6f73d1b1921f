"""`manage.py load_demo` without `--as-of`: the 2020 story told with today as its last day.

A newcomer's first look must not be broken by time: waits in hours, expiries months ahead
(some inside the alert window, a few past), a real shortage for the planner, a van on the
road and one overdue, and alerts in the inbox before anyone starts Celery.
"""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from demo.world.loader import world_as_of
from inventory.models import Donation, StockBalance, StockMovement
from logistics.models import Shipment, ShipmentStatus
from logistics.selectors import shortages
from notifications.models import Notification
from supply_requests.models import Priority, RequestStatus, SupplyRequest
from tests.demo.commands import FAST_HASHER, load

STORY_DAYS = 16  # 25 January – 9 February


@pytest.fixture(scope="module")
def today_world(django_db_setup, django_db_blocker) -> Iterator[str]:
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        output = load()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(today_world, db, settings) -> str:
    settings.DEBUG = True
    return today_world


def user(username: str):
    return get_user_model().objects.get(username=username)


def test_the_last_day_of_the_story_is_today(demo):
    now, today = timezone.now(), timezone.localdate()
    assert world_as_of() == today
    first = today - dt.timedelta(days=STORY_DAYS - 1)
    moments = list(StockMovement.objects.values_list("occurred_at", flat=True))
    moments += [at for at in SupplyRequest.objects.values_list("created_at", flat=True)]
    assert max(moments) <= now
    assert min(timezone.localtime(at).date() for at in moments) >= first - dt.timedelta(days=1)
    assert Donation.objects.filter(received_at=today).exists()


def test_waiting_requests_wait_hours_or_days_never_years(demo):
    now = timezone.now()
    waiting = SupplyRequest.objects.filter(status=RequestStatus.SUBMITTED)
    assert waiting.exists()
    for request in waiting:
        assert dt.timedelta(0) < now - request.submitted_at < dt.timedelta(days=STORY_DAYS)


def test_pages_show_no_wait_longer_than_the_story(demo, client):
    pages = [("worker", "/"), ("worker", "/shipments/"), ("coordinator", "/requests/queue/")]
    for username, page in [*pages, ("coordinator", "/"), ("coordinator", "/shipments/")]:
        client.force_login(user(username))
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        hours = [int(h) for h in re.findall(r"(\d+)\s*(?:小时|h\b)", html)]
        assert all(h <= STORY_DAYS * 24 for h in hours), (username, page, hours)
        # "6 年，10 月前" was the tracking page's age of a 2020 shipment; dates say "2026年".
        ages = re.findall(r"(\d+)\s*年", html)
        assert all(int(a) >= timezone.localdate().year - 1 for a in ages), (username, page, ages)


def test_lots_expire_months_ahead_some_soon_a_few_past(demo):
    today = timezone.localdate()
    expiries = [
        b.lot.expiry
        for b in StockBalance.objects.filter(
            on_hand__gt=0, lot__expiry__isnull=False
        ).select_related("lot")
    ]
    later = [e for e in expiries if e > today + dt.timedelta(days=30)]
    soon = [e for e in expiries if today <= e <= today + dt.timedelta(days=30)]
    past = [e for e in expiries if e < today]
    assert len(later) > len(soon) + len(past)
    assert soon and past
    assert len(past) <= 5


def test_the_planner_has_a_real_shortage_with_critical_and_normal_requests(demo):
    short = {row["item"].code: row for row in shortages(user("coordinator")) if row["short"] > 0}
    assert {"infrared-thermometer", "pulse-oximeter"} <= set(short)
    for code in ("infrared-thermometer", "pulse-oximeter"):
        waiting = SupplyRequest.objects.filter(
            status=RequestStatus.APPROVED, lines__item__code=code, lines__quantity_allocated=0
        )
        assert set(waiting.values_list("priority", flat=True)) >= {
            Priority.CRITICAL,
            Priority.NORMAL,
        }


def test_shipments_on_the_road_and_one_overdue(demo):
    now = timezone.now()
    on_the_road = Shipment.objects.filter(status=ShipmentStatus.DISPATCHED)
    ages = [now - s.dispatched_at for s in on_the_road]
    assert any(age > dt.timedelta(hours=48) for age in ages)
    assert any(age < dt.timedelta(hours=48) for age in ages)


def test_alerts_exist_right_after_the_load(demo):
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"low_stock", "near_expiry", "overdue_shipment", "request_waiting"} <= kinds
    assert Notification.objects.filter(recipient__username="staff", kind="low_stock").exists()


def test_the_story_told_people_what_happened(demo):
    worker = Notification.objects.filter(recipient__username="worker")
    assert worker.filter(kind="request_approved").exists()
    assert worker.filter(kind="shipment_dispatched").exists()
    # Stamped at the story's moments, not at the load's.
    assert min(worker.values_list("created_at", flat=True)) < timezone.now() - dt.timedelta(days=3)
    assert Notification.objects.filter(
        recipient__username="coordinator", kind="request_submitted"
    ).exists()


def test_same_day_reload_changes_nothing(demo):
    before = (Notification.objects.count(), StockMovement.objects.count())
    assert "nothing to add" in load()
    assert (Notification.objects.count(), StockMovement.objects.count()) == before


def test_a_later_day_keeps_the_world_and_offers_reset(demo):
    movements = StockMovement.objects.count()
    later = timezone.now() + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        output = load()
    assert "--reset" in output and "make demo-reset" in output
    assert world_as_of().isoformat() in output
    assert StockMovement.objects.count() == movements


def test_reset_starts_over_on_the_day_it_runs(demo):
    later = timezone.now() + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        load("--reset")
        assert world_as_of() == timezone.localdate()
    assert SupplyRequest.objects.count() == 36
    assert get_user_model().objects.filter(username="coordinator").count() == 1
