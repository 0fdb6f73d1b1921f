"""Pages for community workers (on a phone): the register of their community — list,
register, edit. Nobody else reaches these pages' personal data: a coordinator or outsider
gets a 403 (logged), and the list of units offered is the worker's own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from core.pages import attempt
from households.forms import HouseholdForm
from households.models import Household
from households.selectors import PersonalRegister, household_personal, household_summary
from households.services import HouseholdInput, household_register, household_update
from households.services.register import REGISTER_KINDS
from supply_requests.models import ServedUnit
from supply_requests.roles import roles_for

PAGE_SIZE = 50


def own_communities(user) -> list[ServedUnit]:
    """The communities and villages this worker serves (an administrator is not one)."""
    ids = roles_for(user).worker_unit_ids
    return list(
        ServedUnit.objects.filter(pk__in=ids, kind__in=REGISTER_KINDS, is_active=True).order_by(
            "name"
        )
    )


def _input(form: HouseholdForm) -> HouseholdInput:
    data = form.cleaned_data
    return HouseholdInput(
        contact_name=data["contact_name"],
        phone=data["phone"],
        building=data["building"],
        unit_no=data["unit_no"],
        room=data["room"],
        members=data["members"],
        categories=tuple(data["categories"]),
        isolation_from=data["isolation_from"],
        isolation_until=data["isolation_until"],
        notes=data["notes"],
        consent=data["consent"],
    )


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    units = own_communities(request.user)
    if not units:
        raise PermissionDenied(_("Only community workers keep a household register."))
    unit = units[0]
    if request.GET.get("unit"):
        unit = next((u for u in units if str(u.pk) == request.GET["unit"]), None)
        if unit is None:
            raise Http404
    try:
        register = PersonalRegister(user=request.user, unit=unit, purpose="list", by_address=True)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    # Door order, a page at a time: only the page shown is read and logged.
    page = Paginator(register, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/household_list.html",
        {
            "units": units,
            "unit": unit,
            "page": page,
            "households": page.object_list,
            "summary": household_summary(unit_ids=[unit.pk]),
            "query": query.urlencode(),
        },
    )


@login_required
def household_new(request: HttpRequest) -> HttpResponse:
    units = own_communities(request.user)
    if not units:
        raise PermissionDenied(_("Only community workers keep a household register."))
    form = HouseholdForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.pk == form.cleaned_data["served_unit"])
        created = attempt(
            form,
            lambda: household_register(actor=request.user, served_unit=unit, data=_input(form)),
        )
        if created is not None:
            messages.success(request, _("Household #%(id)d registered.") % {"id": created.pk})
            if created.flags.exists():
                messages.warning(
                    request,
                    _(
                        "The same phone or address is registered in another community; "
                        "its workers have been told too."
                    ),
                )
            return redirect(f"{redirect('pages:households').url}?unit={unit.pk}")
    return render(request, "households/household_form.html", {"form": form})


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    units = own_communities(request.user)
    household = get_object_or_404(
        Household.objects.select_related("served_unit"), pk=pk, served_unit__in=units
    )
    household = household_personal(user=request.user, household=household, purpose="edit")
    if household.erased_at is not None:
        raise Http404
    initial = {
        "served_unit": household.served_unit_id,
        "building": household.building,
        "unit_no": household.unit_no,
        "room": household.room,
        "contact_name": household.contact_name,
        "phone": household.phone,
        "members": household.members,
        "categories": [c.category for c in household.categories.all()],
        "isolation_from": household.isolation_from,
        "isolation_until": household.isolation_until,
        "notes": household.notes,
        "consent": household.consent,
    }
    form = HouseholdForm(request.POST or None, units=[household.served_unit], initial=initial)
    if request.method == "POST" and form.is_valid():
        updated = attempt(
            form,
            lambda: household_update(actor=request.user, household=household, data=_input(form)),
        )
        if updated is not None:
            messages.success(request, _("Household #%(id)d saved.") % {"id": updated.pk})
            return redirect(f"{redirect('pages:households').url}?unit={household.served_unit_id}")
    return render(request, "households/household_form.html", {"form": form, "editing": household})
