"""Cancelling or closing a request gives back the stock reserved for it; goods on a planned
shipment or on the road must be dealt with first."""

import pytest

from core.exceptions import IllegalTransition, NotPermitted
from inventory.models import StockBalance
from logistics.models import AllocationStatus
from logistics.services import (
    Receipt,
    request_cancel_releasing,
    request_close_releasing,
    shipment_cancel,
    shipment_deliver,
    shipment_dispatch,
)
from supply_requests.models import RequestStatus
from supply_requests.services import request_cancel


def test_cancel_releases_every_reservation(worker, approved, allocate, receive):
    receive(100)
    request = approved(60)
    (allocation,) = allocate(request, 60)
    request = request_cancel_releasing(actor=worker, request=request, note="社区已自行采购")
    assert request.status == RequestStatus.CANCELLED
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.RELEASED
    assert StockBalance.objects.get().reserved == 0
    assert request.history.last().note == "社区已自行采购"


def test_the_lower_layer_refuses_to_strand_a_reservation(worker, approved, allocate, receive):
    receive(100)
    request = approved(60)
    allocate(request, 60)
    with pytest.raises(IllegalTransition, match="still reserved"):
        request_cancel(actor=worker, request=request)
    assert StockBalance.objects.get().reserved == 60


def test_goods_on_a_planned_shipment_block_cancellation(worker, coordinator, planned):
    request, shipment = planned
    with pytest.raises(IllegalTransition, match="planned shipment"):
        request_cancel_releasing(actor=worker, request=request)
    shipment_cancel(actor=coordinator, shipment=shipment)
    assert request_cancel_releasing(actor=worker, request=request).status == "cancelled"


def test_goods_on_the_road_block_closing_until_delivered(worker, coordinator, planned):
    request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    with pytest.raises(IllegalTransition, match="on its way"):
        request_close_releasing(actor=coordinator, request=request, reason="enough")
    line = shipment.lines.get()
    shipment_deliver(
        actor=worker, shipment=shipment, receipts={line.pk: Receipt(80, reason="lost")}
    )
    request = request_close_releasing(
        actor=coordinator, request=request, reason="剩余20只无货，关闭"
    )
    assert request.status == RequestStatus.CLOSED
    assert request.lines.get().quantity_delivered == 80


def test_close_releases_what_is_still_reserved(coordinator, approved, allocate, receive):
    receive(100)
    request = approved(60)
    allocate(request, 60)
    request = request_close_releasing(actor=coordinator, request=request, reason="需求已变")
    assert request.status == RequestStatus.CLOSED
    assert StockBalance.objects.get().reserved == 0


def test_strangers_cannot_cancel(other_worker, staff, approved, allocate, receive):
    receive(100)
    request = approved(60)
    allocate(request, 60)
    for actor in (other_worker, staff):
        with pytest.raises(NotPermitted):
            request_cancel_releasing(actor=actor, request=request)
    assert StockBalance.objects.get().reserved == 60
