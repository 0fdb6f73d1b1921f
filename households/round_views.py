"""Pages of the last mile on a phone: hand goods to one household, plan a round, walk it
door to door (the volunteer), close it (the worker). The door list prints too."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import NotPermitted
from core.pages import act_then_redirect, attempt
from core.quantities import QuantityField
from households.access import can_read_personal
from households.models import Household, Outcome, RoundStop, Volunteer
from households.selectors import (
    household_personal,
    households_personal,
    round_doors,
    rounds_visible,
)
from households.services.handovers import household_handover
from households.services.rounds import round_close, round_plan, round_record_outcome
from households.views import own_communities
from inventory.models import Item, StockBalance
from logistics.models import CommunityStockPoint


def community_stock(unit) -> list[tuple[Item, int]]:
    """What the community's stock point holds, free to hand over, by item."""
    point = CommunityStockPoint.objects.filter(served_unit=unit).first()
    if point is None:
        return []
    rows = (
        StockBalance.objects.filter(site=point.site)
        .values("item_id")
        .annotate(free=Sum("on_hand") - Sum("reserved"))
        .filter(free__gt=0)
    )
    items = Item.objects.in_bulk([r["item_id"] for r in rows])
    return sorted(
        ((items[r["item_id"]], r["free"]) for r in rows), key=lambda pair: pair[0].name_zh
    )


class HandoverForm(forms.Form):
    item = forms.ChoiceField(label=gettext_lazy("Item"))
    quantity = QuantityField(label=gettext_lazy("Quantity"), initial=1)

    def __init__(self, *args, stock, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (item.code, f"{item.name_zh}（{free}）") for item, free in stock
        ]


@login_required
def household_handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    units = own_communities(request.user)
    household = get_object_or_404(
        Household.objects.select_related("served_unit"), pk=pk, served_unit__in=units
    )
    household = household_personal(user=request.user, household=household, purpose="detail")
    stock = community_stock(household.served_unit)
    form = HandoverForm(request.POST or None, stock=stock)
    if request.method == "POST" and form.is_valid():
        item = Item.objects.get(code=form.cleaned_data["item"])
        done = attempt(
            form,
            lambda: household_handover(
                actor=request.user,
                household=household,
                item=item,
                quantity=form.cleaned_data["quantity"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Handed over %(qty)d × %(item)s to household #%(id)d.")
                % {"qty": done.quantity, "item": item.name_zh, "id": household.pk},
            )
            return redirect(f"{redirect('pages:households').url}?unit={household.served_unit_id}")
    return render(
        request,
        "households/handover_form.html",
        {"form": form, "household": household, "stock": stock},
    )


class RoundForm(forms.Form):
    volunteer = forms.TypedChoiceField(label=gettext_lazy("Volunteer"), coerce=int)
    item = forms.ChoiceField(label=gettext_lazy("What each household gets"))
    quantity = QuantityField(
        label=gettext_lazy("Quantity per household"), initial=1, max_value=1000
    )
    households = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Households"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, volunteers, stock, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [(u.pk, u.get_username()) for u in volunteers]
        self.fields["item"].choices = [
            (item.code, f"{item.name_zh}（{free}）") for item, free in stock
        ]
        self.fields["households"].choices = [(h.pk, h.address or f"#{h.pk}") for h in households]


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """A worker's rounds of her communities; a volunteer's own open rounds."""
    rounds = list(rounds_visible(request.user).order_by("status", "-created_at")[:50])
    volunteer = Volunteer.objects.filter(user=request.user).exists()
    if not (rounds or volunteer or own_communities(request.user)):
        raise PermissionDenied(_("Only community workers and volunteers walk rounds."))
    return render(
        request,
        "households/round_list.html",
        {"rounds": rounds, "can_plan": bool(own_communities(request.user))},
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    units = own_communities(request.user)
    if not units:
        raise PermissionDenied(_("Only community workers keep a household register."))
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit", "")), units[0])
    volunteers = list(
        get_user_model()
        .objects.filter(
            Q(volunteering__served_unit=unit) | Q(unit_memberships__served_unit=unit),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )
    households = [
        h
        for h in households_personal(user=request.user, unit=unit, purpose="round")
        if h.erased_at is None
    ]
    households.sort(key=lambda h: (h.building, h.unit_no, h.room, h.pk))
    stock = community_stock(unit)
    form = RoundForm(
        request.POST or None, volunteers=volunteers, stock=stock, households=households
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["households"])
        volunteer = next(u for u in volunteers if u.pk == form.cleaned_data["volunteer"])
        planned = attempt(
            form,
            lambda: round_plan(
                actor=request.user,
                served_unit=unit,
                volunteer=volunteer,
                item=Item.objects.get(code=form.cleaned_data["item"]),
                quantity=form.cleaned_data["quantity"],
                households=[h for h in households if h.pk in chosen],
            ),
        )
        if planned is not None:
            messages.success(request, _("Round #%(id)d planned.") % {"id": planned.pk})
            return redirect("pages:round", pk=planned.pk)
    return render(
        request, "households/round_form.html", {"form": form, "unit": unit, "units": units}
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(rounds_visible(request.user), pk=pk)
    try:
        doors = round_doors(user=request.user, round_=round_)
    except NotPermitted as exc:
        raise Http404 from exc
    return render(
        request,
        "households/round_detail.html",
        {
            "round": round_,
            "doors": doors,
            "outcomes": [(v, label) for v, label in Outcome.choices if v != Outcome.PENDING],
            "may_close": can_read_personal(request.user, round_.served_unit)
            or request.user.pk == round_.volunteer_id,
        },
    )


@login_required
@require_POST
def round_outcome(request: HttpRequest, pk: int, stop_pk: int) -> HttpResponse:
    round_ = get_object_or_404(rounds_visible(request.user), pk=pk)
    stop = get_object_or_404(RoundStop.objects.filter(round=round_), pk=stop_pk)
    outcome = request.POST.get("outcome", "")
    label = dict(Outcome.choices).get(outcome, outcome)
    return act_then_redirect(
        request,
        lambda: round_record_outcome(actor=request.user, stop=stop, outcome=outcome),
        _("Door %(n)d: %(outcome)s.") % {"n": stop.position, "outcome": label},
        "pages:round",
        round_.pk,
    )


@login_required
@require_POST
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(rounds_visible(request.user), pk=pk)
    return act_then_redirect(
        request,
        lambda: round_close(actor=request.user, round_=round_),
        _("Round closed; what was not handed over is back in the community's stock."),
        "pages:round",
        round_.pk,
    )
