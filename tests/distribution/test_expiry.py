"""Expiry in every decision: a lot past its expiry date is not available to a plan, the
Shortages list, an allocation or a shipment — unless a coordinator releases it on purpose,
with a reason that follows the goods to the waybill and the ledger (issue 14)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.exceptions import IllegalTransition, InsufficientStock, ValidationFailed
from dashboards.selectors import summary
from inventory.models import AdjustmentReason, MovementKind, StockBalance, StockMovement
from logistics.models import Allocation, AllocationStatus
from logistics.selectors import allocation_plan, pick_list_flags, shortages
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_dispatch,
    stock_write_off_expired,
)

TODAY = timezone.localdate()
LAST_YEAR = TODAY - dt.timedelta(days=365)
NEXT_YEAR = TODAY + dt.timedelta(days=365)


@pytest.fixture
def shelves(receive):
    """The demo world's trap: an old expired lot and a good one of the same item, same site."""
    return receive(5_457, expiry=LAST_YEAR, batch="OLD"), receive(3_000, expiry=NEXT_YEAR)


def test_fefo_skips_the_expired_lot_and_takes_the_good_one(coordinator, site, approved, shelves):
    old, good = shelves
    request = approved(1_000)
    created = allocation_commit(
        actor=coordinator,
        allocations=[AllocationInput(request.lines.get().pk, site, 1_000)],
    )
    assert [(a.lot_id, a.quantity, a.expired_release_reason) for a in created] == [
        (good.pk, 1_000, "")
    ]
    assert StockBalance.objects.get(lot=old).reserved == 0


def test_expired_stock_does_not_make_up_a_shortfall(coordinator, site, approved, shelves):
    request = approved(4_000)
    with pytest.raises(InsufficientStock) as refused:
        allocation_commit(
            actor=coordinator,
            allocations=[AllocationInput(request.lines.get().pk, site, 4_000)],
        )
    assert "Only 3000" in refused.value.message
    assert "5457 more there has expired" in refused.value.message
    assert not Allocation.objects.exists()
    assert request.lines.get().quantity_allocated == 0


def test_the_plan_and_shortages_count_only_stock_that_has_not_expired(
    coordinator, site, item, approved, shelves
):
    approved(5_000)
    plan = allocation_plan(actor=coordinator, items=[item], sites=[site])
    assert plan.items[0]["available"] == 3_000
    assert sum(a.quantity for a in plan.allocations) == 3_000
    assert shortages(coordinator)[0] | {"item": None} == {
        "item": None,
        "outstanding": 5_000,
        "available": 3_000,
        "expired": 5_457,
        "short": 2_000,
    }


def test_a_release_with_a_reason_reaches_the_shipment_the_waybill_and_the_ledger(
    coordinator, site, unit, approved, shelves, client
):
    old, _good = shelves
    request = approved(500)
    why = "Cleared for non-medical use by the district health office"
    created = allocation_commit(
        actor=coordinator,
        allocations=[AllocationInput(request.lines.get().pk, site, 500, release_expired=why)],
    )
    assert [(a.lot_id, a.expired_release_reason) for a in created] == [(old.pk, why)]
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    assert shipment.lines.get().expired_release_reason == why
    client.force_login(coordinator)
    waybill = client.get(f"/shipments/{shipment.pk}/")
    assert f"released on purpose: {why}" in waybill.text
    shipment_dispatch(actor=coordinator, shipment=shipment)
    movement = StockMovement.objects.get(kind=MovementKind.DISPATCH)
    assert movement.lot_id == old.pk and why in movement.reason


def test_a_blank_release_reason_releases_nothing(coordinator, site, approved, receive):
    receive(100, expiry=LAST_YEAR)
    request = approved(10)
    with pytest.raises(InsufficientStock):
        allocation_commit(
            actor=coordinator,
            allocations=[AllocationInput(request.lines.get().pk, site, 10, release_expired="  ")],
        )


def test_a_reservation_whose_lot_expired_since_cannot_be_shipped(
    coordinator, site, unit, approved, receive
):
    receive(100, expiry=TODAY + dt.timedelta(days=3))
    request = approved(40)
    allocation_commit(
        actor=coordinator, allocations=[AllocationInput(request.lines.get().pk, site, 40)]
    )
    later = time_machine.travel(TODAY + dt.timedelta(days=10))
    with later, pytest.raises(IllegalTransition) as refused:
        shipment_create(actor=coordinator, site=site, served_unit=unit)
    assert "was not released" in refused.value.message
    assert Allocation.objects.get().status == AllocationStatus.RESERVED


def test_a_lot_that_expires_between_planning_and_dispatch_stays_home(
    coordinator, site, unit, approved, receive
):
    receive(100, expiry=TODAY + dt.timedelta(days=3))
    request = approved(40)
    allocation_commit(
        actor=coordinator, allocations=[AllocationInput(request.lines.get().pk, site, 40)]
    )
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    with time_machine.travel(TODAY + dt.timedelta(days=10)), pytest.raises(IllegalTransition):
        shipment_dispatch(actor=coordinator, shipment=shipment)
    assert not StockMovement.objects.filter(kind=MovementKind.DISPATCH).exists()
    assert request.lines.get().quantity_dispatched == 0


def test_write_off_of_expired_stock_is_one_action(
    staff, coordinator, site, approved, receive, make_request
):
    stale_lot = receive(300, expiry=LAST_YEAR, batch="STALE")
    good = receive(100, expiry=NEXT_YEAR)
    # Reserved before it expired, never released: the promise is given back.
    stale_request = approved(50)
    with time_machine.travel(LAST_YEAR - dt.timedelta(days=1)):
        allocation_commit(
            actor=coordinator,
            allocations=[AllocationInput(stale_request.lines.get().pk, site, 50)],
        )
    # Released on purpose: stays reserved and on the shelf.
    released_request = approved(20)
    allocation_commit(
        actor=coordinator,
        allocations=[
            AllocationInput(released_request.lines.get().pk, site, 20, release_expired="cleared")
        ],
    )
    adjustments = stock_write_off_expired(actor=staff, site=site)
    assert [(a.lot_id, a.quantity, a.reason) for a in adjustments] == [
        (stale_lot.pk, -280, AdjustmentReason.EXPIRED)
    ]
    balance = StockBalance.objects.get(lot=stale_lot)
    assert (balance.on_hand, balance.reserved) == (20, 20)
    assert StockBalance.objects.get(lot=good).on_hand == 100
    assert stale_request.lines.get().quantity_allocated == 0
    assert released_request.lines.get().quantity_allocated == 20
    assert stock_write_off_expired(actor=staff, site=site) == []  # only the released 20 left


def test_write_off_of_expired_stock_says_when_there_is_none(staff, site, receive):
    receive(100, expiry=NEXT_YEAR)
    with pytest.raises(ValidationFailed):
        stock_write_off_expired(actor=staff, site=site)
    assert StockBalance.objects.get().on_hand == 100


def test_pick_list_flags_lots_expiring_before_needed_or_within_the_window(
    coordinator, site, unit, approved, receive
):
    receive(10, expiry=TODAY + dt.timedelta(days=20), batch="SOON")
    receive(10, expiry=TODAY + dt.timedelta(days=200), batch="BEFORE-NEED")
    receive(10, expiry=TODAY + dt.timedelta(days=900), batch="FINE")
    request = approved(30)
    allocation_commit(
        actor=coordinator, allocations=[AllocationInput(request.lines.get().pk, site, 30)]
    )
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)

    def flags(window_days):
        lines = list(shipment.lines.select_related("lot", "request_line__request").order_by("lot"))
        found = pick_list_flags(lines, window_days=window_days)
        return [found[line.pk] and found[line.pk].kind for line in lines]

    assert flags(30) == ["soon", None, None]
    assert flags(300) == ["soon", "soon", None]  # the window is the setting's, not fixed
    request.needed_by = TODAY + dt.timedelta(days=300)
    request.save(update_fields=["needed_by"])
    assert flags(30) == ["before_needed", "before_needed", None]


def test_the_dashboard_shows_expired_stock_as_its_own_figure(coordinator, shelves):
    numbers = summary(user=coordinator, as_of=TODAY)
    # Counted in lots (issue 16: never a sum of masks and bottles): the 2023 N95 lot.
    assert numbers.lots_expired == 1
    assert numbers.lots_expiring_within_30_days == 0
