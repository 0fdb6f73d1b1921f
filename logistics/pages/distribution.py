"""Coordinator pages: shortages and the fair-share plan, dispatch with a FEFO pick list and a
printable waybill, and tracking of shipments on the way."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.dates import ISODateTimeField
from core.exceptions import DomainError, NotPermitted
from core.pages import act_then_redirect, attempt, confirm_first
from core.quantities import parse_quantity
from inventory.models import Item
from inventory.selectors import sites_for
from logistics.models import ShipmentStatus
from logistics.pages.delivery import waybill_context
from logistics.selectors import (
    OVERDUE_AFTER,
    allocation_plan,
    pick_list_flags,
    ready_to_ship,
    shortages,
    visible_shipments,
)
from logistics.services import (
    AllocationInput,
    PlannedQuantity,
    Waybill,
    allocation_commit,
    shipment_cancel,
    shipment_create,
    shipment_dispatch,
)
from logistics.services import plan_commit as plan_commit_service
from notifications import conf as alert_conf
from supply_requests.models import SupplyRequestLine
from supply_requests.roles import roles_for
from supply_requests.selectors import coordinated_units, unknown_lines_for_coordinator


def _require_coordinator(request: HttpRequest) -> None:
    roles = roles_for(request.user)
    if not (roles.is_coordinator or roles.is_admin):
        raise Http404


SHORTAGES_PAGE_SIZE = 50


@login_required
def shortage_view(request: HttpRequest) -> HttpResponse:
    """What is short, and a fair-share plan for the items and sites the coordinator picks."""
    _require_coordinator(request)
    sites = list(sites_for(request.user).filter(is_active=True).order_by("code"))
    # Paged: one page of short items; the items a plan was asked for stay chosen.
    page = Paginator(shortages(request.user), SHORTAGES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    chosen_items = [code for code in request.GET.getlist("item") if code]
    chosen_sites = [code for code in request.GET.getlist("site") if code] or [s.code for s in sites]
    plan = None
    if chosen_items:
        items = list(Item.objects.filter(code__in=chosen_items))
        plan_sites = [s for s in sites if s.code in chosen_sites]
        try:
            plan = allocation_plan(actor=request.user, items=items, sites=plan_sites)
        except NotPermitted as exc:
            raise Http404 from exc
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "logistics/shortages.html",
        {
            "rows": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "sites": sites,
            "chosen_items": chosen_items,
            "chosen_sites": chosen_sites,
            "plan": plan,
            "plan_rows": _plan_rows(plan),
        },
    )


def _plan_rows(plan) -> list:
    """Each proposed allocation beside the reasoning for its request line."""
    if plan is None:
        return []
    why = {e["request_line"]: e for e in plan.explanation}
    return [(a, why[a.request_line]) for a in plan.allocations]


@login_required
@require_POST
def plan_commit(request: HttpRequest) -> HttpResponse:
    """Commit the (possibly adjusted) plan: `qty-<line>-<site code>` fields (with
    `reason-<line>-<site code>` where a quantity was changed), for the items and sites the
    plan was made for (`plan_item`, `plan_site`). The plan is stored with its changes."""
    _require_coordinator(request)
    sites = {s.code: s for s in sites_for(request.user)}
    back = _back(request)
    quantities: list[PlannedQuantity] = []
    for key, raw in request.POST.items():
        if not key.startswith("qty-"):
            continue
        parts = key.split("-", 2)
        if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in sites:
            # A field this page never renders: a forged or garbled form, not a quantity.
            return HttpResponse(
                _("Unknown field %(key)s.") % {"key": key[:40]},
                status=422,
                content_type="text/plain",
            )
        _prefix, line_id, site_code = parts
        try:
            quantity = parse_quantity(raw or "0", min_value=0)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(back)
        reason = request.POST.get(f"reason-{line_id}-{site_code}", "")
        quantities.append(PlannedQuantity(int(line_id), sites[site_code], quantity, reason))
    if not any(q.quantity > 0 for q in quantities):
        messages.error(request, _("Nothing to allocate."))
        return redirect(back)
    if unknown_lines_for_coordinator(request.user, (q.request_line_id for q in quantities)):
        raise Http404
    plan_sites = [sites[c] for c in request.POST.getlist("plan_site") if c in sites] or [
        sites[c] for c in dict.fromkeys(q.site.code for q in quantities)
    ]
    item_codes = request.POST.getlist("plan_item") or list(
        SupplyRequestLine.objects.filter(pk__in=[q.request_line_id for q in quantities])
        .values_list("item__code", flat=True)
        .distinct()
    )
    items = list(Item.objects.filter(code__in=item_codes).order_by("code"))
    try:
        record = plan_commit_service(
            actor=request.user, items=items, sites=plan_sites, quantities=quantities
        )
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _reserved_message(record.committed))
    return redirect("pages:dispatch")


def _back(request: HttpRequest) -> str:
    """Where the plan page came from, if that is one of our own pages; else the shortages."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("pages:shortages")


def _reserved_message(committed: list[dict]) -> str:
    """What was reserved, per item in its own unit: quantities of different items (masks,
    pairs, bottles) are never added into one number."""
    line_items = dict(
        SupplyRequestLine.objects.filter(pk__in={c["request_line"] for c in committed}).values_list(
            "pk", "item_id"
        )
    )
    lines = len(line_items)
    items = Item.objects.in_bulk(set(line_items.values()))
    if len(items) != 1:
        return ngettext(
            "Reserved stock of %(items)d items on %(n)d request line.",
            "Reserved stock of %(items)d items on %(n)d request lines.",
            lines,
        ) % {"items": len(items), "n": lines}
    (item,) = items.values()
    return ngettext(
        "Reserved %(qty)d %(unit)s of %(item)s on %(n)d request line.",
        "Reserved %(qty)d %(unit)s of %(item)s on %(n)d request lines.",
        lines,
    ) % {
        "qty": sum(c["quantity"] for c in committed),
        "unit": item.base_unit,
        "item": item.name_zh,
        "n": lines,
    }


class ReleaseExpiredForm(forms.Form):
    """A coordinator hands out expired stock on purpose: which line, from where, how much, why."""

    request_line = forms.IntegerField(label=gettext_lazy("Request line number"), min_value=1)
    site = forms.ChoiceField(label=gettext_lazy("Site"))
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, max_value=10**9)
    reason = forms.CharField(
        label=gettext_lazy("Why this expired stock may be handed out"), max_length=200
    )

    def __init__(self, *args, sites=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]


@login_required
def release_expired(request: HttpRequest) -> HttpResponse:
    """The explicit "release expired stock" action: reserve expired lots (first expiry first)
    for one request line, with the reason recorded on the reservation, the shipment line,
    the waybill and the dispatch movement."""
    _require_coordinator(request)
    sites = list(sites_for(request.user).filter(is_active=True).order_by("code"))
    form = ReleaseExpiredForm(
        request.POST or None, sites=sites, initial={"request_line": request.GET.get("line")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = next(s for s in sites if s.code == data["site"])
        created = attempt(
            form,
            lambda: allocation_commit(
                actor=request.user,
                allocations=[
                    AllocationInput(data["request_line"], site, data["quantity"], data["reason"])
                ],
            ),
        )
        if created is not None:
            messages.success(
                request,
                _("Expired stock released: %(qty)d reserved.")
                % {"qty": sum(a.quantity for a in created)},
            )
            return redirect("pages:dispatch")
    return render(
        request,
        "simple_form.html",
        {"form": form, "title": _("Release expired stock on purpose")},
    )


class WaybillForm(forms.Form):
    vehicle = forms.CharField(label=gettext_lazy("Vehicle"), max_length=60, required=False)
    driver = forms.CharField(label=gettext_lazy("Driver"), max_length=60, required=False)
    contact = forms.CharField(label=gettext_lazy("Contact phone"), max_length=60, required=False)
    planned_at = ISODateTimeField(label=gettext_lazy("Planned departure"), required=False)


@login_required
def dispatch_board(request: HttpRequest) -> HttpResponse:
    """Reserved stock waiting for a shipment, per site and unit, and planned shipments."""
    _require_coordinator(request)
    return _dispatch_page(request)


def _dispatch_page(
    request: HttpRequest, *, bound: WaybillForm | None = None, key: tuple = (), status: int = 200
) -> HttpResponse:
    """The board; a waybill that was refused is shown again in its own group, as typed."""
    planned = (
        visible_shipments(request.user)
        .filter(status=ShipmentStatus.PLANNED, served_unit__in=coordinated_units(request.user))
        .order_by("created_at")
    )
    groups = [
        (
            row,
            bound
            if bound is not None and key == (row.site.code, str(row.served_unit.pk))
            else WaybillForm(auto_id=f"id_%s-{n}"),
        )
        for n, row in enumerate(ready_to_ship(request.user), start=1)
    ]
    return render(
        request,
        "logistics/dispatch.html",
        {"groups": groups, "planned": planned},
        status=status,
    )


@login_required
@require_POST
def shipment_new(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    site = get_object_or_404(sites_for(request.user), code=request.POST.get("site", ""))
    unit_id = request.POST.get("unit", "")
    if not unit_id.isdigit():
        return HttpResponse(_("Choose a served unit."), status=400, content_type="text/plain")
    unit = get_object_or_404(coordinated_units(request.user), pk=int(unit_id))
    form = WaybillForm(request.POST, auto_id="id_%s-bound")
    key = (site.code, str(unit.pk))
    if not form.is_valid():
        return _dispatch_page(request, bound=form, key=key, status=422)
    try:
        shipment = shipment_create(
            actor=request.user, site=site, served_unit=unit, waybill=Waybill(**form.cleaned_data)
        )
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _dispatch_page(request, bound=form, key=key, status=409)
    return redirect("pages:shipment", pk=shipment.pk)


@login_required
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The pick list (first expiry first out) and a printable waybill."""
    shipment = get_object_or_404(visible_shipments(request.user), pk=pk)
    lines = sorted(
        shipment.lines.select_related("item", "lot", "request_line__request"),
        key=lambda line: (
            line.item.code,
            line.lot.expiry is None,
            line.lot.expiry or line.lot.received_at,
            line.lot_id,
        ),
    )
    flags = pick_list_flags(lines, window_days=alert_conf.expiry_window_days())
    roles = roles_for(request.user)
    return render(
        request,
        "logistics/shipment_detail.html",
        {
            "shipment": shipment,
            "lines": [(line, flags[line.pk]) for line in lines],
            "history": shipment.history.select_related("actor"),
            "can_coordinate": roles.is_admin
            or shipment.served_unit.organisations.filter(
                pk__in=roles.coordinator_organisation_ids
            ).exists(),
            "can_receive": shipment.status == ShipmentStatus.DISPATCHED,
            "statuses": ShipmentStatus,
            **waybill_context(request, shipment),
        },
    )


def _shipment_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    shipment = get_object_or_404(visible_shipments(request.user), pk=pk)
    return act_then_redirect(request, lambda: action(shipment), done, "pages:shipment", pk)


@login_required
@require_POST
def shipment_dispatch_view(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = get_object_or_404(visible_shipments(request.user), pk=pk)
    asking = confirm_first(
        request,
        title=_("Dispatch shipment #%(id)d?") % {"id": pk},
        summary=[
            _("%(site)s → %(unit)s: %(n)d line(s) leave the stock now.")
            % {
                "site": shipment.site.name,
                "unit": shipment.served_unit.name,
                "n": shipment.lines.count(),
            }
        ],
        confirm_label=_("Dispatch now"),
    )
    if asking is not None:
        return asking
    return _shipment_action(
        request,
        pk,
        lambda s: shipment_dispatch(actor=request.user, shipment=s),
        _("Shipment #%(id)d is on its way.") % {"id": pk},
    )


@login_required
@require_POST
def shipment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(visible_shipments(request.user), pk=pk)
    asking = confirm_first(
        request,
        title=_("Cancel shipment #%(id)d?") % {"id": pk},
        summary=[_("The shipment is cancelled; its stock stays reserved for the requests.")],
        confirm_label=_("Cancel shipment"),
    )
    if asking is not None:
        return asking
    return _shipment_action(
        request,
        pk,
        lambda s: shipment_cancel(
            actor=request.user, shipment=s, note=request.POST.get("note", "")[:500]
        ),
        _("Shipment #%(id)d cancelled; its stock stays reserved.") % {"id": pk},
    )


SHIPMENT_SORTS = {
    "longest": ("dispatched_at", "created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "unit": ("served_unit__name", "-created_at"),
}


@login_required
def tracking(request: HttpRequest) -> HttpResponse:
    """Shipments, by default the ones on the way with the longest on the road first (the
    overdue ones catch the eye); any status, a search by number, unit or site, and pages."""
    status = request.GET.get("status", ShipmentStatus.DISPATCHED)
    shipments = visible_shipments(request.user).select_related("site", "served_unit")
    if status in ShipmentStatus.values:
        shipments = shipments.filter(status=status)
    text = " ".join(request.GET.get("q", "").split())[:100]
    if text:
        match = Q(served_unit__name__icontains=text) | Q(site__name__icontains=text)
        number = text.lstrip("#")
        if number.isascii() and number.isdigit() and len(number) < 12:
            match |= Q(pk=int(number))
        shipments = shipments.filter(match)
    sort = request.GET.get("sort") if request.GET.get("sort") in SHIPMENT_SORTS else "longest"
    page = Paginator(shipments.order_by(*SHIPMENT_SORTS[sort]), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [
        {
            "shipment": s,
            "hours": int((now - s.dispatched_at).total_seconds() // 3600)
            if s.dispatched_at and s.status == ShipmentStatus.DISPATCHED
            else None,
            "overdue": s.status == ShipmentStatus.DISPATCHED
            and s.dispatched_at is not None
            and now - s.dispatched_at > OVERDUE_AFTER,
        }
        for s in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "logistics/tracking.html",
        {
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "q": text,
            "status": status,
            "statuses": ShipmentStatus.choices,
            "sort": sort,
            "sorts": [
                ("longest", _("Longest on the road")),
                ("newest", _("Newest first")),
                ("unit", _("By served unit")),
            ],
        },
    )
