"""Allocation, shipments, delivery, adjustments — and the request transitions that give
stock back (cancel, close). Thin: parse, call the service, shape the answer."""

import base64
import binascii
from functools import wraps

from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_support import idempotent
from core.api import Id, Page, get_visible, responses
from core.exceptions import ValidationFailed
from core.memory import collector_paused
from inventory.api import items_by_code, visible_site
from inventory.models import WRITE_OFF_REASONS, Lot
from inventory.services import stock_adjust
from logistics import schemas
from logistics.models import Allocation, ShipmentLine, ShipmentStatus
from logistics.selectors import allocation_plan, plan_record_for
from logistics.selectors import visible_shipments as shipments_for
from logistics.services import (
    AllocationInput,
    PlannedQuantity,
    Receipt,
    Waybill,
    allocation_commit,
    plan_commit,
    request_cancel_releasing,
    request_close_releasing,
    shipment_cancel,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
    stock_write_off_releasing,
)
from logistics.services.proof import DeliveryProof
from supply_requests.api import request_out
from supply_requests.schemas import NoteIn, ReasonIn, RequestOut
from supply_requests.selectors import units_for, unknown_lines_for_coordinator

router = Router(tags=["distribution"])


def visible_shipments(request: HttpRequest):
    lines = ShipmentLine.objects.select_related("item", "request_line").order_by("id")
    # `received_by` is in every answer (proof of delivery): joined, not one query per shipment.
    return (
        shipments_for(request.auth)
        .select_related("received_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


@router.post(
    "/requests/{request_id}/cancel", response=responses({200: RequestOut}), tags=["requests"]
)
def cancel_request(request: HttpRequest, request_id: Id, payload: NoteIn):
    """Withdraw an open request; stock reserved for it goes back on the shelf."""
    supply_request = request_out(request, request_id)
    request_cancel_releasing(actor=request.auth, request=supply_request, note=payload.note)
    return request_out(request, request_id)


@router.post(
    "/requests/{request_id}/close", response=responses({200: RequestOut}), tags=["requests"]
)
def close_request(request: HttpRequest, request_id: Id, payload: ReasonIn):
    """Close a decided request short of what was approved (a reason is required)."""
    supply_request = request_out(request, request_id)
    request_close_releasing(actor=request.auth, request=supply_request, reason=payload.reason)
    return request_out(request, request_id)


def _items_and_sites(request: HttpRequest, item_codes: list[str], site_codes: list[str]):
    items = items_by_code(set(item_codes))
    sites = [visible_site(request, code) for code in dict.fromkeys(site_codes)]
    return [items[code] for code in dict.fromkeys(item_codes)], sites


# Request lines per page of a plan's answer: 50,000 lines once made a 19 MB answer.
PLAN_PAGE, PLAN_PAGE_MAX = 500, 2000


def _collector_paused(view):
    """The whole answer — planning, the page, the totals and their serialisation — with
    Python's cyclic collector paused: at 140,000 demand lines the request holds a few hundred
    thousand fresh objects without cycles, and each full collection walked them all."""

    @wraps(view)
    def paused(*args, **kwargs):
        with collector_paused():
            return view(*args, **kwargs)

    return paused


@router.post("/allocations/plan", response=responses({200: schemas.PlanOut}))
@decorate_view(_collector_paused)
def plan_allocations(
    request: HttpRequest,
    payload: schemas.PlanIn,
    offset: int = Query(0, ge=0, le=10**7),
    limit: int = Query(PLAN_PAGE, ge=1, le=PLAN_PAGE_MAX),
):
    """The fair-share proposal for these items from these sites, with its reasoning.
    Nothing is reserved until you commit it (adjusted as you see fit). The answer is bounded:
    a page of request lines (`offset`, `limit`) with their picks and reasons, and the totals
    per item and per unit in full; committing recomputes the whole plan, so a client never
    needs every line to commit it."""
    items, sites = _items_and_sites(request, payload.items, payload.sites)
    plan = allocation_plan(actor=request.auth, items=items, sites=sites)
    allocations, explanation = plan.page(offset=offset, limit=limit)
    return {
        "allocations": allocations,
        "explanation": explanation,
        "items": plan.items,
        "units": plan.unit_summary(),
        "count": len(plan.lines),
        "offset": offset,
        "limit": limit,
    }


@router.post("/allocations/plan/commit", response=responses({201: schemas.PlanRecordOut}))
@decorate_view(idempotent)
def commit_plan(
    request: HttpRequest,
    payload: schemas.PlanCommitIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Commit the fair-share plan for these items and sites as you settled it: reserve the
    stock (all or nothing) and store the plan, its proposal and each change with its reason.
    A proposed line you do not list stays as proposed."""
    items, sites = _items_and_sites(request, payload.items, payload.sites)
    by_code = {site.code: site for site in sites}
    for line in payload.allocations:
        if line.site not in by_code:
            raise ValidationFailed(
                _("%(site)s is not one of the plan's sites.") % {"site": line.site}
            )
    record = plan_commit(
        actor=request.auth,
        items=items,
        sites=sites,
        quantities=[
            PlannedQuantity(a.request_line, by_code[a.site], a.quantity, a.reason)
            for a in payload.allocations
        ],
    )
    return Status(201, plan_record_for(record))


@router.get(
    "/requests/{request_id}/plans",
    response=responses({200: list[schemas.PlanRecordOut]}),
    tags=["requests"],
)
def request_plans(request: HttpRequest, request_id: Id):
    """The committed plans that decided this request's share, newest first, with their
    reasoning in the language you ask for."""
    supply_request = request_out(request, request_id)
    return [
        plan_record_for(record)
        for record in supply_request.plan_records.select_related("committed_by")
    ]


@router.post("/allocations/commit", response=responses({201: schemas.CommitOut}))
@decorate_view(idempotent)
def commit_allocations(
    request: HttpRequest,
    payload: schemas.CommitIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Reserve stock (first expiry first out) for request lines: all of it or nothing."""
    sites = {code: visible_site(request, code) for code in {a.site for a in payload.allocations}}
    if unknown_lines_for_coordinator(request.auth, (a.request_line for a in payload.allocations)):
        raise Http404
    created = allocation_commit(
        actor=request.auth,
        allocations=[
            AllocationInput(a.request_line, sites[a.site], a.quantity, a.release_expired)
            for a in payload.allocations
        ],
    )
    allocations = (
        Allocation.objects.filter(pk__in=[a.pk for a in created])
        .select_related("site")
        .order_by("pk")
    )
    return Status(201, {"allocations": allocations})


@router.post("/shipments", response=responses({201: schemas.ShipmentOut}))
@decorate_view(idempotent)
def create_shipment(
    request: HttpRequest,
    payload: schemas.ShipmentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Plan a shipment of everything reserved at the site for the served unit."""
    site = visible_site(request, payload.site)
    unit = get_object_or_404(units_for(request.auth), pk=payload.served_unit)
    shipment = shipment_create(
        actor=request.auth,
        site=site,
        served_unit=unit,
        waybill=Waybill(
            vehicle=payload.vehicle,
            driver=payload.driver,
            contact=payload.contact,
            planned_at=payload.planned_at,
        ),
    )
    return Status(201, visible_shipments(request).get(pk=shipment.pk))


@router.get("/shipments", response=responses({200: list[schemas.ShipmentOut]}))
@paginate(Page)
def list_shipments(
    request: HttpRequest,
    status: ShipmentStatus | None = None,
    served_unit: Id | None = None,
    site: str | None = None,
):
    shipments = visible_shipments(request).order_by("-created_at", "-id")
    if status:
        shipments = shipments.filter(status=status)
    if served_unit:
        shipments = shipments.filter(served_unit_id=served_unit)
    if site:
        shipments = shipments.filter(site__code=site)
    return shipments


@router.get("/shipments/{shipment_id}", response=responses({200: schemas.ShipmentOut}))
def get_shipment(request: HttpRequest, shipment_id: Id):
    return get_visible(visible_shipments(request), shipment_id)


@router.post("/shipments/{shipment_id}/dispatch", response=responses({200: schemas.ShipmentOut}))
def dispatch_shipment(request: HttpRequest, shipment_id: Id):
    shipment_dispatch(
        actor=request.auth, shipment=get_visible(visible_shipments(request), shipment_id)
    )
    return visible_shipments(request).get(pk=shipment_id)


@router.post("/shipments/{shipment_id}/deliver", response=responses({200: schemas.ShipmentOut}))
@decorate_view(idempotent)
def deliver_shipment(
    request: HttpRequest,
    shipment_id: Id,
    payload: schemas.DeliveryIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Confirm what arrived; lines not listed arrived in full. A shortfall needs a reason:
    lost, damaged, or returned (goes back into the site's stock). `received_at` is when it
    was received (a confirmation saved offline sends the time it was made)."""
    shipment = get_visible(visible_shipments(request), shipment_id)
    receipts: dict[int, Receipt] = {}
    for line in payload.lines:
        if line.id in receipts:
            raise ValidationFailed(_("Line %(id)d is listed twice.") % {"id": line.id})
        receipts[line.id] = Receipt(
            quantity_received=line.quantity_received, reason=line.reason or "", note=line.note
        )
    shipment_deliver(
        actor=request.auth,
        shipment=shipment,
        receipts=receipts,
        occurred_at=payload.received_at,
        proof=DeliveryProof(
            handed_over_at=payload.handed_over_at, photo=_photo(payload.photo, shipment_id)
        ),
    )
    return visible_shipments(request).get(pk=shipment_id)


def _photo(encoded: str | None, shipment_id: int) -> ContentFile | None:
    if not encoded:
        return None
    # A data: URL from the phone's canvas, or plain base64.
    _prefix, _comma, data = encoded.rpartition(",")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(_("The photo could not be read.")) from exc
    return ContentFile(raw, name=f"shipment-{shipment_id}")


@router.post("/shipments/{shipment_id}/cancel", response=responses({200: schemas.ShipmentOut}))
def cancel_shipment(request: HttpRequest, shipment_id: Id, payload: NoteIn):
    shipment = get_visible(visible_shipments(request), shipment_id)
    shipment_cancel(actor=request.auth, shipment=shipment, note=payload.note)
    return visible_shipments(request).get(pk=shipment_id)


@router.post(
    "/stock/adjustments", response=responses({201: schemas.AdjustmentOut}), tags=["inventory"]
)
@decorate_view(idempotent)
def create_adjustment(
    request: HttpRequest,
    payload: schemas.AdjustmentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Correct or write off stock of a lot. A write-off (expired, damaged, lost) of stock
    that is promised shrinks the least urgent promises first."""
    site = visible_site(request, payload.site)
    lot = get_object_or_404(Lot.objects.filter(balances__site=site), pk=payload.lot)
    if payload.reason in WRITE_OFF_REASONS and payload.quantity < 0:
        adjustment = stock_write_off_releasing(
            actor=request.auth,
            site=site,
            lot=lot,
            quantity=-payload.quantity,
            reason=payload.reason,
            note=payload.note,
        )
    else:
        adjustment = stock_adjust(
            actor=request.auth,
            site=site,
            lot=lot,
            quantity=payload.quantity,
            reason=payload.reason,
            note=payload.note,
        )
    return Status(201, adjustment)
