import pytest

from core.exceptions import IllegalTransition, InsufficientStock, ValidationFailed
from inventory.models import StockBalance
from logistics.models import AllocationStatus
from logistics.services import allocation_move, allocation_release


def test_release_gives_stock_back_and_makes_the_line_outstanding(
    coordinator, approved, allocate, receive
):
    receive(100)
    request = approved(80)
    (allocation,) = allocate(request, 80)
    allocation_release(actor=coordinator, allocation=allocation, quantity=30)
    allocation.refresh_from_db()
    assert (allocation.status, allocation.quantity) == (AllocationStatus.RESERVED, 50)
    assert StockBalance.objects.get().reserved == 50
    assert request.lines.get().quantity_outstanding == 30
    allocation_release(actor=coordinator, allocation=allocation)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.RELEASED
    assert StockBalance.objects.get().reserved == 0
    with pytest.raises(IllegalTransition, match="Released"):
        allocation_release(actor=coordinator, allocation=allocation)


def test_release_limits(coordinator, approved, allocate, receive):
    receive(100)
    (allocation,) = allocate(approved(10), 10)
    with pytest.raises(ValidationFailed, match="between 1 and 10"):
        allocation_release(actor=coordinator, allocation=allocation, quantity=11)


def test_move_to_another_site_re_reserves_there(
    coordinator, site, other_site, approved, allocate, receive
):
    receive(100)
    there = receive(60, at=other_site)
    request = approved(40)
    (allocation,) = allocate(request, 40)
    moved = allocation_move(actor=coordinator, allocation=allocation, to_site=other_site)
    assert [(a.site, a.lot, a.quantity) for a in moved] == [(other_site, there, 40)]
    assert dict(StockBalance.objects.values_list("site__code", "reserved")) == {
        site.code: 0,
        other_site.code: 40,
    }
    line = request.lines.get()
    assert (line.quantity_allocated, line.quantity_outstanding) == (40, 0)


def test_move_that_does_not_fit_changes_nothing(
    coordinator, site, other_site, approved, allocate, receive
):
    receive(100)
    receive(10, at=other_site)
    (allocation,) = allocate(approved(40), 40)
    with pytest.raises(InsufficientStock):
        allocation_move(actor=coordinator, allocation=allocation, to_site=other_site)
    allocation.refresh_from_db()
    assert (allocation.status, allocation.site) == (AllocationStatus.RESERVED, site)
    assert StockBalance.objects.get(site=site).reserved == 40
