"""The whole story, end to end through the services: a community asks, a coordinator
approves and allocates, ships, and the community confirms what arrived."""

import datetime as dt

from inventory.models import StockBalance
from inventory.selectors import ledger_mismatches
from logistics.models import AllocationStatus, ShipmentStatus
from logistics.selectors import allocation_plan, request_story
from logistics.services import (
    AllocationInput,
    Waybill,
    allocation_commit,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
)
from supply_requests.models import RequestStatus
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)


def test_request_to_delivery(worker, coordinator, unit, site, item, receive):
    near = receive(30, expiry=dt.date(2030, 6, 1), batch="EARLY")
    late = receive(100, expiry=dt.date(2031, 6, 1), batch="LATE")
    request = request_create(
        actor=worker,
        served_unit=unit,
        priority="high",
        needed_by=dt.date(2020, 2, 1),
        people_served=1200,
        lines=[RequestLineInput(item=item, quantity=None)],
    )
    assert request.status == RequestStatus.DRAFT
    request = request_submit(actor=worker, request=request)
    line = request.lines.get()
    request = request_approve(actor=coordinator, request=request, approved={line.pk: 50})
    assert request.status == RequestStatus.APPROVED  # unknown quantity: any amount is "all"

    plan = allocation_plan(actor=coordinator, items=[item], sites=[site])
    assert [(p.request_line, p.site, p.quantity) for p in plan.allocations] == [
        (line.pk, site.code, 50)
    ]
    allocations = allocation_commit(
        actor=coordinator,
        allocations=[AllocationInput(line.pk, site, p.quantity) for p in plan.allocations],
    )
    # First expiry first out: the 30 expiring soonest, then 20 of the later lot.
    assert [(a.lot, a.quantity) for a in allocations] == [(near, 30), (late, 20)]
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_FULFILMENT

    shipment = shipment_create(
        actor=coordinator, site=site, served_unit=unit, waybill=Waybill(vehicle="川A12345")
    )
    assert shipment.status == ShipmentStatus.PLANNED
    shipment = shipment_dispatch(actor=coordinator, shipment=shipment)
    assert StockBalance.objects.get(site=site, lot=near).on_hand == 0
    assert StockBalance.objects.get(site=site, lot=late).on_hand == 80
    shipment = shipment_deliver(actor=worker, shipment=shipment)
    assert shipment.status == ShipmentStatus.DELIVERED

    request.refresh_from_db()
    line.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    assert (
        line.quantity_approved,
        line.quantity_allocated,
        line.quantity_dispatched,
        line.quantity_delivered,
    ) == (50, 50, 50, 50)
    assert all(a.status == AllocationStatus.DISPATCHED for a in line.allocations.all())
    assert [h.to_status for h in request.history.all()] == [
        "draft",
        "submitted",
        "approved",
        "in_fulfilment",
        "fulfilled",
    ]
    assert ledger_mismatches() == []


def test_the_whole_story_reads_back_in_order(worker, coordinator, planned):
    request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    shipment_deliver(actor=worker, shipment=shipment)
    story = [(e.what, e.to_status, e.actor) for e in request_story(request)]
    assert story == [
        ("request", "draft", "worker"),
        ("request", "submitted", "worker"),
        ("request", "approved", "coordinator"),
        ("request", "in_fulfilment", "coordinator"),
        ("shipment", "planned", "coordinator"),
        ("shipment", "dispatched", "coordinator"),
        ("shipment", "delivered", "worker"),
        ("request", "fulfilled", "worker"),
    ]
