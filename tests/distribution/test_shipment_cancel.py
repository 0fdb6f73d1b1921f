from inventory.models import StockBalance
from logistics.models import AllocationStatus, ShipmentStatus
from logistics.services import (
    shipment_cancel,
    shipment_create,
)


def test_cancel_a_planned_shipment_keeps_the_reservation(coordinator, planned, site, unit):
    _request, shipment = planned
    shipment = shipment_cancel(actor=coordinator, shipment=shipment, note="车辆故障")
    assert shipment.status == ShipmentStatus.CANCELLED
    assert shipment.lines.get().allocation.status == AllocationStatus.RESERVED
    assert StockBalance.objects.get(site=site).reserved == 100
    again = shipment_create(actor=coordinator, site=site, served_unit=unit)
    assert again.lines.get().quantity == 100
