"""An allocation commit and a dispatch cost a fixed number of statements, not a number per
line (issue 19): 3 lines and 30 lines (each from two lots, so 60 reservations and 60
movements) make the same statements, and the stock, the reservations, the request lines and
the daily roll-up come out as the line-by-line rules say."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import DailyStockRollup, StockBalance, StockMovement
from inventory.services import DonationLineInput, donation_receive
from inventory.services.ledger import rollups_rebuild
from logistics.models import Allocation, AllocationStatus
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_dispatch,
)
from supply_requests.models import RequestStatus
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.factories import ItemFactory


def world(size: int, *, staff, coordinator, worker, site, unit):
    """`size` items, each in two lots at the site (10 expiring soon, 10 later), and an
    approved request for 15 of each: FEFO takes both lots of every item."""
    items = [ItemFactory() for _ in range(size)]
    for expiry in (dt.date(2099, 1, 1), dt.date(2099, 6, 1)):
        donation_receive(
            actor=staff,
            site=site,
            donor="成都市慈善总会",
            received_at=dt.date.today(),
            lines=[DonationLineInput(item=item, quantity=10, expiry=expiry) for item in items],
        )
    request = request_create(
        actor=worker,
        served_unit=unit,
        lines=[RequestLineInput(item=item, quantity=15) for item in items],
    )
    request = request_submit(actor=worker, request=request)
    lines = list(request.lines.order_by("pk"))
    return request_approve(
        actor=coordinator, request=request, approved={line.pk: 15 for line in lines}
    ), lines


def statements(action) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = action()
    return len(queries), result


@pytest.fixture
def counts(staff, coordinator, worker, site, unit):
    def _counts(size: int) -> tuple[int, int]:
        request, lines = world(
            size, staff=staff, coordinator=coordinator, worker=worker, site=site, unit=unit
        )
        commit, created = statements(
            lambda: allocation_commit(
                actor=coordinator,
                allocations=[AllocationInput(line.pk, site, 15) for line in lines],
            )
        )
        assert len(created) == 2 * size
        assert {(a.quantity, a.status) for a in created} == {(10, "reserved"), (5, "reserved")}
        request.refresh_from_db()
        assert request.status == RequestStatus.IN_FULFILMENT
        assert all(line.quantity_allocated == 15 for line in request.lines.all())
        balances = StockBalance.objects.filter(item__in=[line.item_id for line in lines])
        assert sorted({(b.on_hand, b.reserved) for b in balances}) == [(10, 5), (10, 10)]
        shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
        dispatch, _shipment = statements(
            lambda: shipment_dispatch(actor=coordinator, shipment=shipment)
        )
        assert sorted({(b.on_hand, b.reserved) for b in balances.all()}) == [(0, 0), (5, 0)]
        assert all(line.quantity_dispatched == 15 for line in request.lines.all())
        assert (
            Allocation.objects.filter(request_line__request=request)
            .exclude(status=AllocationStatus.DISPATCHED)
            .count()
            == 0
        )
        moved = StockMovement.objects.filter(kind="dispatch", item__in=[x.item_id for x in lines])
        assert sorted(m.quantity for m in moved) == [-10] * size + [-5] * size
        return commit, dispatch

    return _counts


def test_a_commit_and_a_dispatch_cost_the_same_statements_for_3_lines_or_30(counts):
    small = counts(3)
    large = counts(30)
    assert large == small


def test_the_roll_up_of_a_bulk_dispatch_equals_the_ledger(counts, site):
    counts(5)
    rows = DailyStockRollup.objects.filter(site=site)
    assert rows.filter(dispatched=15).count() == 5
    assert rollups_rebuild(dry_run=True).changed == 0
