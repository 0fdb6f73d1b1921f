"""Pages for community workers (on a phone) and coordinators: ask, follow, decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pages import act_then_redirect, attempt
from inventory.models import Item
from supply_requests.forms import ReasonForm, RequestForm, RequestLineFormSet
from supply_requests.models import Priority, RequestStatus, ServedUnit, SupplyRequest
from supply_requests.roles import can_request_for, roles_for
from supply_requests.selectors import coordinated_units, requests_for
from supply_requests.services import (
    RequestLineInput,
    request_create,
    request_reject,
    request_submit,
    request_update_draft,
)


def _own_units(user) -> list[ServedUnit]:
    roles = roles_for(user)
    units = ServedUnit.objects.filter(is_active=True).order_by("name")
    return list(units if roles.is_admin else units.filter(pk__in=roles.worker_unit_ids))


def _lines(formset) -> list[RequestLineInput]:
    items = Item.objects.in_bulk(
        [f.cleaned_data["item"] for f in formset.forms if f.cleaned_data.get("item")],
        field_name="code",
    )
    return [
        RequestLineInput(item=items[f.cleaned_data["item"]], quantity=f.cleaned_data["quantity"])
        for f in formset.forms
        if f.cleaned_data.get("item")
    ]


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask for supplies in under a minute: items, quantities or “unknown”, urgency."""
    units = _own_units(request.user)
    if not units:
        raise Http404(_("You do not request supplies for any served unit."))
    form = RequestForm(request.POST or None, units=units)
    lines = RequestLineFormSet(request.POST or None, prefix="lines")
    # Both checked before either is trusted, so every problem shows in one pass.
    if request.method == "POST" and all([form.is_valid(), lines.is_valid()]):
        unit = next(u for u in units if u.pk == form.cleaned_data["served_unit"])
        submit = request.POST.get("action") == "submit"

        def create() -> SupplyRequest:
            with transaction.atomic():
                created = request_create(
                    actor=request.user,
                    served_unit=unit,
                    lines=_lines(lines),
                    priority=form.cleaned_data["priority"],
                    needed_by=form.cleaned_data["needed_by"],
                    people_served=form.cleaned_data["people_served"],
                    reason=form.cleaned_data["reason"],
                )
                return request_submit(actor=request.user, request=created) if submit else created

        created = attempt(form, create)
        if created is not None:
            messages.success(
                request,
                _("Request #%(id)d sent to the coordinators.") % {"id": created.pk}
                if submit
                else _("Draft #%(id)d saved.") % {"id": created.pk},
            )
            return redirect("pages:request", pk=created.pk)
    return render(request, "supply_requests/request_form.html", {"form": form, "lines": lines})


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    if supply_request.status != RequestStatus.DRAFT or not can_request_for(
        request.user, supply_request.served_unit
    ):
        raise Http404
    units = [supply_request.served_unit]
    initial = {
        "served_unit": supply_request.served_unit_id,
        "priority": supply_request.priority,
        "people_served": supply_request.people_served,
        "needed_by": supply_request.needed_by,
        "reason": supply_request.reason,
    }
    line_initial = [
        {
            "item": line.item.code,
            "quantity": line.quantity_requested,
            "unknown": line.quantity_requested is None,
        }
        for line in supply_request.lines.select_related("item")
    ]
    form = RequestForm(request.POST or None, units=units, initial=initial)
    lines = RequestLineFormSet(request.POST or None, prefix="lines", initial=line_initial)
    if request.method == "POST" and all([form.is_valid(), lines.is_valid()]):
        submit = request.POST.get("action") == "submit"

        def update() -> SupplyRequest:
            with transaction.atomic():
                updated = request_update_draft(
                    actor=request.user,
                    request=supply_request,
                    lines=_lines(lines),
                    priority=form.cleaned_data["priority"],
                    needed_by=form.cleaned_data["needed_by"],
                    people_served=form.cleaned_data["people_served"],
                    reason=form.cleaned_data["reason"],
                )
                return request_submit(actor=request.user, request=updated) if submit else updated

        if attempt(form, update) is not None:
            return redirect("pages:request", pk=pk)
    return render(
        request,
        "supply_requests/request_form.html",
        {"form": form, "lines": lines, "editing": supply_request},
    )


REQUEST_SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "needed_by": ("needed_by", "-priority", "pk"),
    "unit": ("served_unit__name", "-created_at"),
}
PAGE_SIZE = 25


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Her own requests (community worker), or every request she may see: search by number,
    unit or item, filter by status, sort, and page through all of them."""
    requests = requests_for(request.user).select_related("served_unit")
    status = request.GET.get("status")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    text = " ".join(request.GET.get("q", "").split())[:100]
    if text:
        match = (
            Q(served_unit__name__icontains=text)
            | Q(lines__item__name_zh__icontains=text)
            | Q(lines__item__name_en__icontains=text)
            | Q(lines__item__code__iexact=text)
        )
        number = text.lstrip("#")
        if number.isascii() and number.isdigit() and len(number) < 12:
            match |= Q(pk=int(number))
        requests = requests.filter(match).distinct()
    sort = request.GET.get("sort") if request.GET.get("sort") in REQUEST_SORTS else "newest"
    requests = requests.order_by(*REQUEST_SORTS[sort]).prefetch_related("lines__item")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supply_requests/request_list.html",
        {
            "page": page,
            "requests": page.object_list,
            "statuses": RequestStatus.choices,
            "status": status,
            "q": text,
            "sort": sort,
            "sorts": [
                ("newest", _("Newest first")),
                ("oldest", _("Oldest first")),
                ("needed_by", _("Needed soonest")),
                ("unit", _("By served unit")),
            ],
            "query": query.urlencode(),
        },
    )


QUEUE_PAGE_SIZE = 50


@login_required
def request_queue(request: HttpRequest) -> HttpResponse:
    """Coordinators: submitted requests, most urgent and longest waiting first."""
    if not (roles_for(request.user).is_coordinator or request.user.is_superuser):
        raise Http404
    urgency = Case(
        When(served_unit__frontline_medical=True, then=Value(0)),
        When(priority=Priority.CRITICAL, then=Value(0)),
        When(priority=Priority.HIGH, then=Value(1)),
        When(priority=Priority.NORMAL, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    queue = (
        SupplyRequest.objects.filter(
            served_unit__in=coordinated_units(request.user), status=RequestStatus.SUBMITTED
        )
        .select_related("served_unit", "requested_by")
        .prefetch_related("lines__item")
        .annotate(urgency=urgency)
        .order_by("urgency", "submitted_at", "pk")
    )
    now = timezone.now()
    # Paged: the queue costs one page whatever is waiting (it grew with the database).
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "request": r,
            "waiting_hours": int((now - (r.submitted_at or now)).total_seconds() // 3600),
        }
        for r in page.object_list
    ]
    return render(request, "supply_requests/queue.html", {"rows": rows, "page": page})


@login_required
@require_POST
def request_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    return act_then_redirect(
        request,
        lambda: request_submit(actor=request.user, request=supply_request),
        _("Request #%(id)d sent to the coordinators.") % {"id": pk},
        "pages:request",
        pk,
    )


@login_required
@require_POST
def request_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = get_object_or_404(requests_for(request.user), pk=pk)
    form = ReasonForm(request.POST, prefix="reject")
    if form.is_valid():
        return act_then_redirect(
            request,
            lambda: request_reject(
                actor=request.user, request=supply_request, reason=form.cleaned_data["reason"]
            ),
            _("Request #%(id)d rejected.") % {"id": pk},
            "pages:request",
            pk,
        )
    messages.error(request, _("Give a reason for the rejection."))
    return redirect("pages:request", pk=pk)
