"""Low stock: per site × item, below an absolute minimum or below a minimum of days of cover
(on hand ÷ average daily dispatch over 14 days). Alerted once per crossing to the staff and
coordinators of the site's organisation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import AdjustmentReason, StockMovement
from inventory.services import stock_adjust
from logistics.services import shipment_dispatch
from notifications.models import AlertState, Notification, NotificationKind, StockThreshold
from notifications.selectors import stock_readings
from notifications.services import low_stock_check
from tests.factories import ItemFactory, SiteFactory
from tests.notifications.conftest import NOW


def threshold(site, item, **limits):
    return StockThreshold.objects.create(site=site, item=item, **limits)


def test_below_an_absolute_minimum_alerts_staff_and_coordinators_once(
    clock, site, item, staff, coordinator, worker, outsider, receive
):
    receive(80)
    threshold(site, item, min_quantity=100)
    result = low_stock_check()
    assert (result.in_alert, result.raised) == (1, 1)
    notified = {n.recipient for n in Notification.objects.filter(kind=NotificationKind.LOW_STOCK)}
    assert notified == {staff, coordinator}
    note = Notification.objects.get(recipient=staff)
    assert note.title == f"Low stock: N95 mask at {site.name}"
    assert note.body == "80 只 on hand; the minimum is 100 只."
    assert note.link == f"/stock/?site={site.code}"

    assert low_stock_check().raised == 0
    assert Notification.objects.count() == 2


def test_at_the_minimum_is_not_low(clock, site, item, staff, receive):
    receive(100)
    threshold(site, item, min_quantity=100)
    assert low_stock_check().in_alert == 0


def test_an_item_never_received_counts_as_none_on_hand(clock, site, item, staff):
    threshold(site, item, min_quantity=1)
    assert low_stock_check().raised == 1


def test_refilled_clears_and_falling_again_alerts_again(clock, site, item, staff, receive):
    receive(50)
    threshold(site, item, min_quantity=100)
    low_stock_check()
    lot = receive(100)
    assert low_stock_check().cleared == 1
    assert low_stock_check().raised == 0  # still fine: nothing new
    stock_adjust(actor=staff, site=site, lot=lot, quantity=-60, reason=AdjustmentReason.DAMAGED)
    assert low_stock_check().raised == 1
    assert Notification.objects.filter(recipient=staff).count() == 2
    assert AlertState.objects.get().crossings == 2


def dispatch_shipment(coordinator, planned, when):
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment, occurred_at=when)


def test_days_of_cover_use_the_last_14_days_of_dispatch(
    clock, site, item, staff, coordinator, receive, planned
):
    # 100 received and dispatched 3 days ago (about 7.1 a day); 250 more on hand now.
    dispatch_shipment(coordinator, planned, NOW - dt.timedelta(days=3))
    receive(250)
    limit = threshold(site, item, min_days_of_cover=30)  # 250 / (100/14) = 35 days: fine
    assert low_stock_check().in_alert == 0
    limit.min_days_of_cover = 36
    limit.save()
    result = low_stock_check()
    assert result.raised == 1
    note = Notification.objects.get(recipient=staff)
    assert note.body == (
        "250 只 on hand is about 35.0 days of cover at the dispatch rate of the last 14 days; "
        "the minimum is 36 days."
    )


def test_dispatch_older_than_14_days_does_not_count(
    clock, site, item, staff, coordinator, receive, planned
):
    dispatch_shipment(coordinator, planned, NOW - dt.timedelta(days=15))
    receive(10)
    threshold(site, item, min_days_of_cover=30)
    # Nothing went out in the window: no burn rate, so no days-of-cover alarm.
    assert low_stock_check().in_alert == 0


def test_dispatch_at_other_sites_or_of_other_items_does_not_count(
    clock, organisation, site, item, staff, coordinator, receive, planned
):
    dispatch_shipment(coordinator, planned, NOW - dt.timedelta(days=1))
    elsewhere = SiteFactory(organisation=organisation)
    gloves = ItemFactory()
    receive(10, at=elsewhere)
    receive(10, lot_item=gloves)
    threshold(elsewhere, item, min_days_of_cover=30)
    threshold(site, gloves, min_days_of_cover=30)
    assert low_stock_check().in_alert == 0


def test_the_readings_take_three_queries_however_many_thresholds(
    clock, organisation, site, item, staff, receive
):
    for number in range(6):
        extra = ItemFactory()
        receive(10 + number, lot_item=extra)
        threshold(site, extra, min_days_of_cover=5)
        threshold(SiteFactory(organisation=organisation), extra, min_quantity=5)
    with CaptureQueriesContext(connection) as queries:
        readings = stock_readings(now=NOW)
    assert len(readings) == 12
    # thresholds, on hand per (site, item), dispatch per (site, item): the ledger once.
    assert len(queries) == 3
    assert sum("inventory_stockmovement" in q["sql"] for q in queries.captured_queries) == 1


def test_a_run_limited_to_some_thresholds_clears_only_those(
    clock, organisation, site, item, staff, receive
):
    other_item = ItemFactory()
    first = threshold(site, item, min_quantity=10)
    threshold(site, other_item, min_quantity=10)
    assert low_stock_check().raised == 2
    receive(50)  # item is fine now; other_item still low
    partial = low_stock_check(threshold_ids=[first.pk])
    assert (partial.in_alert, partial.cleared) == (0, 1)
    assert AlertState.objects.filter(is_active=True).count() == 1


def test_movements_are_not_rewritten_by_a_check(clock, site, item, staff, receive):
    receive(5)
    threshold(site, item, min_quantity=10)
    before = list(StockMovement.objects.values_list("pk", "quantity"))
    low_stock_check()
    assert list(StockMovement.objects.values_list("pk", "quantity")) == before


@pytest.mark.parametrize(
    "limits", [{"min_quantity": 0}, {"min_quantity": 5, "min_days_of_cover": 2}]
)
def test_the_database_refuses_a_malformed_threshold(site, item, limits):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        threshold(site, item, **limits)
