import pytest

from inventory.selectors import ledger_mismatches
from logistics.services import AllocationInput, Waybill, allocation_commit, shipment_create


@pytest.fixture
def approved(make_request, coordinator):
    """An approved request for `quantity` N95 masks, decided by the coordinator."""

    def _approved(quantity=100, **extra):
        return make_request(quantity, status="approved", approver=coordinator, **extra)

    return _approved


@pytest.fixture
def allocate(coordinator, site):
    def _allocate(request, quantity, at=None):
        line = request.lines.get()
        return allocation_commit(
            actor=coordinator, allocations=[AllocationInput(line.pk, at or site, quantity)]
        )

    return _allocate


@pytest.fixture
def planned(coordinator, site, unit, approved, allocate, receive):
    """100 masks approved, allocated and on a planned shipment."""
    receive(100)
    request = approved(100)
    allocate(request, 100)
    shipment = shipment_create(
        actor=coordinator,
        site=site,
        served_unit=unit,
        waybill=Waybill(vehicle="川A·12345", driver="王师傅", contact="13800000000"),
    )
    return request, shipment


def line_counts(request):
    line = request.lines.get()
    return (
        line.quantity_approved,
        line.quantity_allocated,
        line.quantity_dispatched,
        line.quantity_delivered,
        line.quantity_short,
    )


@pytest.fixture(autouse=True)
def ledger_stays_clean(db):
    """After every distribution scenario, each balance still equals its ledger."""
    yield
    assert ledger_mismatches() == []
