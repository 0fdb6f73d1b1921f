import pytest

from core.exceptions import IllegalTransition
from inventory.models import MovementKind, StockBalance, StockMovement
from logistics.models import ShipmentStatus
from logistics.services import (
    shipment_cancel,
    shipment_deliver,
    shipment_dispatch,
)
from tests.conftest import line_counts


def test_dispatch_turns_reservations_into_ledger_dispatches(coordinator, site, planned):
    request, shipment = planned
    shipment = shipment_dispatch(actor=coordinator, shipment=shipment)
    assert shipment.status == ShipmentStatus.DISPATCHED and shipment.dispatched_at
    movement = StockMovement.objects.get(kind=MovementKind.DISPATCH)
    assert (movement.quantity, movement.document_type) == (-100, "shipment_line")
    assert movement.document_id == shipment.lines.get().pk
    balance = StockBalance.objects.get(site=site)
    assert (balance.on_hand, balance.reserved) == (0, 0)
    assert line_counts(request) == (100, 100, 100, 0, 0)


def test_illegal_shipment_moves(worker, coordinator, planned):
    _request, shipment = planned
    with pytest.raises(IllegalTransition, match="Planned; it cannot become Delivered"):
        shipment_deliver(actor=worker, shipment=shipment)
    shipment_dispatch(actor=coordinator, shipment=shipment)
    with pytest.raises(IllegalTransition, match="Dispatched"):
        shipment_dispatch(actor=coordinator, shipment=shipment)
    with pytest.raises(IllegalTransition, match="Dispatched"):
        shipment_cancel(actor=coordinator, shipment=shipment)
