import datetime as dt

import pytest

from core.exceptions import (
    IllegalTransition,
    InsufficientStock,
    NotPermitted,
    ValidationFailed,
)
from inventory.models import StockBalance
from logistics.models import Allocation
from logistics.services import AllocationInput, allocation_commit
from supply_requests.models import RequestStatus
from tests.factories import SiteFactory


def test_first_expiry_first_out_and_lots_without_expiry_last(
    coordinator, site, approved, allocate, receive
):
    undated = receive(50)
    late = receive(50, expiry=dt.date(2031, 1, 1))
    early = receive(20, expiry=dt.date(2030, 5, 1))
    request = approved(100)
    allocations = allocate(request, 100)
    assert [(a.lot, a.quantity) for a in allocations] == [(early, 20), (late, 50), (undated, 30)]
    reserved = dict(StockBalance.objects.values_list("lot_id", "reserved"))
    assert reserved == {early.pk: 20, late.pk: 50, undated.pk: 30}
    request.refresh_from_db()
    line = request.lines.get()
    assert (request.status, line.quantity_allocated) == (RequestStatus.IN_FULFILMENT, 100)


def test_shortage_is_named_and_nothing_is_reserved(approved, allocate, receive, site):
    receive(30)
    request = approved(100)
    with pytest.raises(InsufficientStock, match=r"Only 30 of .* available at .*; 60 asked"):
        allocate(request, 60)
    assert StockBalance.objects.get().reserved == 0
    assert not Allocation.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_never_more_than_approved_and_not_yet_allocated(approved, allocate, receive):
    receive(500)
    request = approved(100)
    allocate(request, 70)
    with pytest.raises(ValidationFailed, match="only 30 approved and not yet allocated"):
        allocate(request, 31)
    allocate(request, 30)
    assert StockBalance.objects.get().reserved == 100


def test_all_or_nothing_across_lines(coordinator, site, approved, receive):
    receive(100)
    first, second = approved(60), approved(60)
    with pytest.raises(InsufficientStock):
        allocation_commit(
            actor=coordinator,
            allocations=[
                AllocationInput(first.lines.get().pk, site, 60),
                AllocationInput(second.lines.get().pk, site, 60),
            ],
        )
    assert StockBalance.objects.get().reserved == 0
    assert not Allocation.objects.exists()


def test_only_decided_requests_get_stock(make_request, allocate, receive):
    receive(100)
    request = make_request(10, status="submitted")
    with pytest.raises(IllegalTransition, match="Submitted"):
        allocate(request, 10)


def test_coordinator_must_serve_the_unit_and_run_the_site(
    staff, outsider, coordinator, site, approved, receive
):
    receive(100)
    line = approved(10).lines.get()
    foreign_site = SiteFactory()
    for actor, at in ((staff, site), (outsider, site), (coordinator, foreign_site)):
        with pytest.raises(NotPermitted):
            allocation_commit(actor=actor, allocations=[AllocationInput(line.pk, at, 5)])
    assert not Allocation.objects.exists()
