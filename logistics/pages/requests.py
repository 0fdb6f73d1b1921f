"""A request's page (its lines, its story, what can be done now), cancel, close, and the
delivery confirmation by the receiving community."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from core.pages import act_then_redirect, confirm_first
from core.quantities import parse_quantity
from logistics.models import DiscrepancyReason, ShipmentStatus
from logistics.pages.delivery import ProofForm
from logistics.selectors import request_story, shipments_for_request, visible_shipments
from logistics.services import (
    Receipt,
    request_cancel_releasing,
    request_close_releasing,
    shipment_deliver,
)
from supply_requests.forms import NoteForm, ReasonForm
from supply_requests.models import ACTIVE_STATUSES, OPEN_STATUSES, RequestStatus
from supply_requests.roles import can_coordinate, can_request_for
from supply_requests.selectors import requests_for
from supply_requests.services import request_approve


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    return _detail_page(request, supply_request)


def _detail_page(
    request: HttpRequest, supply_request, *, approval: dict | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    lines = list(supply_request.lines.select_related("item").order_by("id"))
    approval = approval or {}
    values = approval.get("values", {})
    errors = approval.get("errors", {})
    return render(
        request,
        "logistics/request_detail.html",
        {
            "approve_rows": [
                (
                    line,
                    values.get(
                        line.pk,
                        "" if line.quantity_requested is None else str(line.quantity_requested),
                    ),
                    errors.get(line.pk),
                )
                for line in lines
            ],
            "approve_note": approval.get("note", ""),
            "approve_error": approval.get("error"),
            "r": supply_request,
            "lines": lines,
            "story": request_story(supply_request),
            "shipments": shipments_for_request(supply_request),
            "can_request": can_request_for(user, supply_request.served_unit),
            "can_coordinate": can_coordinate(user, supply_request.served_unit),
            "is_open": supply_request.status in OPEN_STATUSES,
            "is_active": supply_request.status in ACTIVE_STATUSES,
            "statuses": RequestStatus,
            "reject_form": ReasonForm(prefix="reject"),
            "close_form": ReasonForm(prefix="close"),
            "cancel_form": NoteForm(prefix="cancel"),
            "dispatched": ShipmentStatus.DISPATCHED,
        },
        status=status,
    )


@login_required
@require_POST
def request_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve per line (partially if need be): `approve-<line id>` fields. Any bad number
    shows the page again with every error beside its line and the typed note kept."""
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    approved: dict[int, int] = {}
    values: dict[int, str] = {}
    errors: dict[int, str] = {}
    note = request.POST.get("note", "")[:2000]
    for line in supply_request.lines.all():
        raw = request.POST.get(f"approve-{line.pk}", "")
        values[line.pk] = raw
        try:
            approved[line.pk] = parse_quantity(raw, min_value=0)
        except ValidationError as exc:
            errors[line.pk] = exc.messages[0]
    error = None
    if not errors:
        try:
            request_approve(
                actor=request.user, request=supply_request, approved=approved, note=note
            )
            messages.success(request, _("Request #%(id)d approved.") % {"id": pk})
            return redirect("pages:request", pk=pk)
        except NotPermitted as exc:
            raise Http404 from exc
        except DomainError as exc:
            error = exc.message
    approval = {"values": values, "errors": errors, "note": note, "error": error}
    return _detail_page(request, supply_request, approval=approval, status=422 if errors else 409)


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    return act_then_redirect(request, action, done, "pages:request", pk)


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    form = NoteForm(request.POST, prefix="cancel")
    note = form.cleaned_data["note"] if form.is_valid() else ""
    asking = confirm_first(
        request,
        title=_("Cancel request #%(id)d?") % {"id": pk},
        summary=[_("The request is cancelled and any stock reserved for it is released.")],
        confirm_label=_("Cancel the request"),
    )
    if asking is not None:
        return asking
    return _act(
        request,
        pk,
        lambda: request_cancel_releasing(actor=request.user, request=supply_request, note=note),
        _("Request #%(id)d cancelled.") % {"id": pk},
    )


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    form = ReasonForm(request.POST, prefix="close")
    if not form.is_valid():
        messages.error(request, _("Give a reason for closing the request short."))
        return redirect("pages:request", pk=pk)
    return _act(
        request,
        pk,
        lambda: request_close_releasing(
            actor=request.user, request=supply_request, reason=form.cleaned_data["reason"]
        ),
        _("Request #%(id)d closed.") % {"id": pk},
    )


@login_required
def shipment_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """The community confirms what arrived, line by line, and says why anything is missing."""
    shipment = get_object_or_404(visible_shipments(request.user), pk=pk)
    lines = list(shipment.lines.select_related("item", "lot").order_by("pk"))
    errors: dict[int, str] = {}
    proof_form = ProofForm(request.POST or None, request.FILES or None)
    values: dict[int, dict] = {
        line.pk: {"received": line.quantity, "reason": "", "note": ""} for line in lines
    }
    if request.method == "POST":
        receipts: dict[int, Receipt] = {}
        for line in lines:
            raw = request.POST.get(f"received-{line.pk}", "").strip()
            reason = request.POST.get(f"reason-{line.pk}", "")
            note = request.POST.get(f"note-{line.pk}", "")[:200]
            values[line.pk] = {"received": raw, "reason": reason, "note": note}
            try:
                received = parse_quantity(raw, min_value=0)
            except ValidationError:
                errors[line.pk] = _("Enter the number that arrived.")
                continue
            if not 0 <= received <= line.quantity:
                errors[line.pk] = _("Between 0 and %(qty)d.") % {"qty": line.quantity}
            elif received < line.quantity and reason not in DiscrepancyReason.values:
                errors[line.pk] = _("Say why %(short)d did not arrive.") % {
                    "short": line.quantity - received
                }
            else:
                receipts[line.pk] = Receipt(
                    received, reason if received < line.quantity else "", note
                )
        if proof_form.is_valid() and not errors:
            try:
                shipment_deliver(
                    actor=request.user,
                    shipment=shipment,
                    receipts=receipts,
                    proof=proof_form.proof(),
                )
                messages.success(request, _("Thank you: the delivery is confirmed."))
                first = lines[0].request_line.request_id if lines else None
                return redirect("pages:request", pk=first) if first else redirect("home")
            except NotPermitted as exc:
                raise Http404 from exc
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(
        request,
        "logistics/shipment_receive.html",
        {
            "shipment": shipment,
            "rows": [(line, values[line.pk], errors.get(line.pk)) for line in lines],
            "reasons": DiscrepancyReason.choices,
            "can_receive": shipment.status == ShipmentStatus.DISPATCHED,
            "proof_form": proof_form,
        },
    )
