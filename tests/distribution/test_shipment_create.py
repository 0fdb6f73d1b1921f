import pytest

from core.exceptions import ValidationFailed
from logistics.models import AllocationStatus
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
)


def test_shipment_carries_every_reservation_for_the_unit(planned):
    request, shipment = planned
    assert (shipment.status, shipment.vehicle, shipment.driver) == (
        "planned",
        "川A·12345",
        "王师傅",
    )
    (line,) = shipment.lines.all()
    assert (line.quantity, line.request_line, line.allocation.status) == (
        100,
        request.lines.get(),
        AllocationStatus.IN_SHIPMENT,
    )
    assert [h.to_status for h in shipment.history.all()] == ["planned"]


def test_nothing_reserved_means_no_shipment(coordinator, site, unit, receive):
    receive(10)
    with pytest.raises(ValidationFailed, match="Nothing is reserved"):
        shipment_create(actor=coordinator, site=site, served_unit=unit)


def test_two_requests_share_one_shipment(coordinator, site, unit, approved, receive):
    receive(100)
    first, second = approved(30), approved(20)
    allocation_commit(
        actor=coordinator,
        allocations=[
            AllocationInput(first.lines.get().pk, site, 30),
            AllocationInput(second.lines.get().pk, site, 20),
        ],
    )
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [20, 30]
