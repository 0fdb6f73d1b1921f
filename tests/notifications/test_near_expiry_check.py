"""Near expiry: a lot on hand expiring within the window (30 days by default) alerts the site's
staff and coordinators once; the alert clears when the lot is gone and could be raised again."""

import datetime as dt
import importlib

from config import settings as config_settings
from inventory.models import AdjustmentReason
from inventory.services import stock_adjust
from notifications.models import AlertState, Notification, NotificationKind
from notifications.services import near_expiry_check
from tests.notifications.conftest import TODAY


def test_a_lot_expiring_within_30_days_alerts_the_sites_staff_and_coordinators_once(
    clock, site, staff, second_staff, coordinator, worker, outsider, receive
):
    lot = receive(500, expiry=TODAY + dt.timedelta(days=20), batch="B-7")
    result = near_expiry_check()
    assert (result.in_alert, result.raised, len(result.notification_ids)) == (1, 1, 3)
    notifications = Notification.objects.filter(kind=NotificationKind.NEAR_EXPIRY)
    # Coordinators plan what leaves, so they are told too (issue 14).
    assert {n.recipient for n in notifications} == {staff, second_staff, coordinator}
    first = notifications.get(recipient=staff)
    assert first.title == f"Expiring soon: N95 mask at {site.name}, March 1, 2020"
    assert f"Lot #{lot.pk} (batch B-7): 500 只 on hand" in first.body
    # Community workers and other organisations are not told of expiring lots.
    assert not Notification.objects.filter(recipient__in=[worker, outsider])

    again = near_expiry_check()
    assert (again.in_alert, again.raised, again.notification_ids) == (1, 0, ())
    assert notifications.count() == 3


def test_lots_beyond_the_window_or_without_expiry_are_not_alerted(clock, staff, receive):
    receive(100, expiry=TODAY + dt.timedelta(days=31))
    receive(100)  # no expiry date
    assert near_expiry_check().in_alert == 0
    assert not Notification.objects.exists()


def test_an_expired_lot_still_on_hand_is_alerted(clock, staff, receive):
    receive(100, expiry=TODAY - dt.timedelta(days=1))
    assert near_expiry_check().raised == 1


def test_the_window_is_a_setting(clock, settings, staff, receive):
    receive(100, expiry=TODAY + dt.timedelta(days=40))
    settings.NOTIFICATIONS_EXPIRY_WINDOW_DAYS = 45
    assert near_expiry_check().raised == 1


def test_the_window_comes_from_the_environment_at_start_up(
    clock, monkeypatch, settings, staff, receive
):
    receive(100, expiry=TODAY + dt.timedelta(days=8))
    monkeypatch.setenv("NOTIFICATIONS_EXPIRY_WINDOW_DAYS", "7")
    # What start-up does: config/settings.py reads the environment once.
    started = importlib.reload(config_settings)
    settings.NOTIFICATIONS_EXPIRY_WINDOW_DAYS = started.NOTIFICATIONS_EXPIRY_WINDOW_DAYS
    monkeypatch.undo()
    importlib.reload(config_settings)
    assert near_expiry_check().in_alert == 0


def test_the_alert_clears_when_the_lot_is_gone_and_rises_again_if_it_returns(
    clock, staff, site, receive
):
    lot = receive(100, expiry=TODAY + dt.timedelta(days=10))
    near_expiry_check()
    stock_adjust(actor=staff, site=site, lot=lot, quantity=-100, reason=AdjustmentReason.EXPIRED)
    cleared = near_expiry_check()
    assert (cleared.in_alert, cleared.cleared) == (0, 1)
    state = AlertState.objects.get(kind=NotificationKind.NEAR_EXPIRY)
    assert (state.is_active, state.crossings) == (False, 1)

    stock_adjust(actor=staff, site=site, lot=lot, quantity=40, reason=AdjustmentReason.FOUND)
    assert near_expiry_check().raised == 1
    state.refresh_from_db()
    assert (state.is_active, state.crossings) == (True, 2)
    assert Notification.objects.filter(recipient=staff).count() == 2


def test_an_inactive_site_is_not_watched(clock, staff, site, receive):
    receive(100, expiry=TODAY + dt.timedelta(days=10))
    site.is_active = False
    site.save()
    assert near_expiry_check().in_alert == 0
