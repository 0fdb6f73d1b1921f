import pytest

from core.exceptions import NotPermitted, ValidationFailed
from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import ledger_mismatches
from logistics.models import ShipmentStatus
from logistics.services import (
    Receipt,
    shipment_deliver,
    shipment_dispatch,
)
from supply_requests.models import RequestStatus
from tests.conftest import line_counts


def test_full_delivery_fulfils_the_request(worker, coordinator, planned):
    request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    shipment = shipment_deliver(actor=worker, shipment=shipment)
    assert shipment.status == ShipmentStatus.DELIVERED
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    assert line_counts(request) == (100, 100, 100, 100, 0)


def test_damaged_goods_make_a_discrepancy_and_become_outstanding(
    worker, coordinator, planned, site
):
    request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    line = shipment.lines.get()
    shipment = shipment_deliver(
        actor=worker,
        shipment=shipment,
        receipts={line.pk: Receipt(quantity_received=90, reason="damaged", note="淋雨受潮")},
    )
    assert shipment.status == ShipmentStatus.DELIVERED_WITH_DISCREPANCY
    line.refresh_from_db()
    assert (line.quantity_received, line.discrepancy_reason, line.quantity_short) == (
        90,
        "damaged",
        10,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_FULFILMENT  # 10 still owed
    assert line_counts(request) == (100, 90, 90, 90, 10)
    assert request.lines.get().quantity_outstanding == 10
    assert StockBalance.objects.get(site=site).on_hand == 0  # damaged goods did not come back


def test_returned_goods_go_back_into_stock(worker, coordinator, planned, site):
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    line = shipment.lines.get()
    shipment_deliver(
        actor=worker,
        shipment=shipment,
        receipts={line.pk: Receipt(quantity_received=70, reason="returned")},
    )
    movement = StockMovement.objects.get(kind=MovementKind.RETURN)
    assert (movement.quantity, movement.document_id) == (30, line.pk)
    assert StockBalance.objects.get(site=site).on_hand == 30
    assert ledger_mismatches() == []


def test_a_shortfall_needs_a_reason_and_sane_numbers(worker, coordinator, planned):
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    line = shipment.lines.get()
    with pytest.raises(ValidationFailed, match="say why 5 did not arrive"):
        shipment_deliver(actor=worker, shipment=shipment, receipts={line.pk: Receipt(95)})
    with pytest.raises(ValidationFailed, match="between 0 and the 100 shipped"):
        shipment_deliver(actor=worker, shipment=shipment, receipts={line.pk: Receipt(101)})
    with pytest.raises(ValidationFailed, match="no line"):
        shipment_deliver(actor=worker, shipment=shipment, receipts={999: Receipt(1)})
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DISPATCHED


def test_only_the_receiving_side_confirms(other_worker, staff, outsider, coordinator, planned):
    _request, shipment = planned
    for actor in (staff, outsider, other_worker):
        with pytest.raises(NotPermitted):
            shipment_dispatch(actor=actor, shipment=shipment)
    shipment_dispatch(actor=coordinator, shipment=shipment)
    for actor in (staff, outsider, other_worker):
        with pytest.raises(NotPermitted):
            shipment_deliver(actor=actor, shipment=shipment)
