"""Served units and supply requests over HTTP: create, submit, approve, reject.
(Cancel and close give stock back, so they live with distribution: logistics/api.py.)"""

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_support import idempotent
from core.api import Id, Page, get_visible, responses
from core.exceptions import ValidationFailed
from inventory.api import items_by_code
from supply_requests import schemas
from supply_requests.models import (
    Priority,
    RequestStatus,
    RequestStatusChange,
    ServedUnitKind,
    SupplyRequestLine,
)
from supply_requests.selectors import requests_for, unit_for, units_for
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_reject,
    request_submit,
)

router = Router(tags=["requests"])


# What a request's answer shows besides the request itself.
REQUEST_DETAIL = (
    Prefetch("lines", queryset=SupplyRequestLine.objects.select_related("item").order_by("id")),
    Prefetch("history", queryset=RequestStatusChange.objects.select_related("actor")),
)


def visible_requests(request: HttpRequest):
    return requests_for(request.auth).prefetch_related(*REQUEST_DETAIL)


def request_out(request: HttpRequest, pk: int):
    return get_visible(visible_requests(request), pk)


@router.get("/served-units", response=responses({200: list[schemas.ServedUnitOut]}))
@paginate(Page)
def list_served_units(
    request: HttpRequest,
    kind: ServedUnitKind | None = None,
    parent: Id | None = None,
    district: Id | None = Query(None, description="every unit below this district"),
    q: str | None = Query(None, max_length=100),
):
    """Units you work for: your own (community worker) or those your organisations serve."""
    units = units_for(request.auth).order_by("code")
    if kind:
        units = units.filter(kind=kind)
    if parent:
        units = units.filter(parent_id=parent)
    if district:
        units = units.filter(
            Q(parent_id=district)
            | Q(parent__parent_id=district)
            | Q(parent__parent__parent_id=district)
        )
    if q:
        units = units.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
    return units


@router.post("/requests", response=responses({201: schemas.RequestOut}))
@decorate_view(idempotent)
def create_request(
    request: HttpRequest,
    payload: schemas.RequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Draft a request for one of your served units (`quantity: null` = unknown); with
    `submit: true` it is also sent to the coordinators, in the same transaction."""
    unit = unit_for(request.auth, payload.served_unit)
    if unit is None:
        raise Http404
    items = items_by_code({line.item for line in payload.lines})
    # Drafted and submitted together, or neither (`submit`: the phone's outbox), in the
    # service's one transaction. It answers with the lines and history it wrote, and the
    # request is visible by construction (its unit came from unit_for), with its unit and
    # author on it: nothing is read back for the answer (a quarter of a submission's
    # time; bench.http).
    created = request_create(
        actor=request.auth,
        served_unit=unit,
        priority=payload.priority,
        needed_by=payload.needed_by,
        people_served=payload.people_served,
        reason=payload.reason,
        lines=[
            RequestLineInput(item=items[line.item], quantity=line.quantity, note=line.note)
            for line in payload.lines
        ],
        submit=payload.submit,
    )
    return Status(201, created)


@router.get("/requests", response=responses({200: list[schemas.RequestOut]}))
@paginate(Page)
def list_requests(
    request: HttpRequest,
    status: RequestStatus | None = None,
    served_unit: Id | None = None,
    priority: Priority | None = None,
):
    requests = visible_requests(request).order_by("-created_at", "-id")
    if status:
        requests = requests.filter(status=status)
    if served_unit:
        requests = requests.filter(served_unit_id=served_unit)
    if priority:
        requests = requests.filter(priority=priority)
    return requests


@router.get("/requests/{request_id}", response=responses({200: schemas.RequestOut}))
def get_request(request: HttpRequest, request_id: Id):
    """A request with its lines (quantities at every stage) and its status history."""
    return request_out(request, request_id)


@router.post("/requests/{request_id}/submit", response=responses({200: schemas.RequestOut}))
def submit_request(request: HttpRequest, request_id: Id):
    supply_request = request_out(request, request_id)
    request_submit(actor=request.auth, request=supply_request)
    return request_out(request, request_id)


@router.post("/requests/{request_id}/approve", response=responses({200: schemas.RequestOut}))
def approve_request(request: HttpRequest, request_id: Id, payload: schemas.ApproveIn):
    """Decide every line: `quantity_approved` from 0 up to what was requested."""
    supply_request = request_out(request, request_id)
    approved: dict[int, int] = {}
    for line in payload.lines:
        if line.id in approved:
            raise ValidationFailed(_("Line %(id)d is listed twice.") % {"id": line.id})
        approved[line.id] = line.quantity_approved
    request_approve(
        actor=request.auth, request=supply_request, approved=approved, note=payload.note
    )
    return request_out(request, request_id)


@router.post("/requests/{request_id}/reject", response=responses({200: schemas.RequestOut}))
def reject_request(request: HttpRequest, request_id: Id, payload: schemas.ReasonIn):
    supply_request = request_out(request, request_id)
    request_reject(actor=request.auth, request=supply_request, reason=payload.reason)
    return request_out(request, request_id)
