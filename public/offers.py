"""Offers: the public form ("I can give this") and its answer page, and the staff page where
offers meet current needs and are accepted as pledges, declined, or received."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.api_support import AddressWriteThrottle
from core.exceptions import DomainError
from core.quantities import parse_quantity
from inventory.models import Donor, Organisation
from inventory.permissions import organisation_ids_for
from inventory.selectors import sites_for
from public import selectors, services
from public.forms import OfferForm, new_challenge
from public.models import Offer, OfferStatus
from public.pages import with_public_language


class OfferThrottle(AddressWriteThrottle):
    """Offers per address (PUBLIC_OFFER_RATE): the API's write throttle, its own budget."""

    scope = "public-offers"
    setting = "PUBLIC_OFFER_RATE"


@require_http_methods(["GET", "POST"])
@with_public_language
def offer_new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = OfferForm(request.POST)
        if not OfferThrottle().allow_request(request):
            form.add_error(None, _("Too many offers from here; try again in an hour."))
            status = 429
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k in _OFFER_FIELDS}
            offer = services.offer_create(**data)
            return redirect("public:offer", token=offer.token)
        else:
            status = 400
    else:
        form = OfferForm(initial={"item": request.GET.get("item", "")[:40]})
    question, signed = new_challenge()
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["challenge"], form.data["answer"] = signed, ""
    else:
        form.initial["challenge"] = signed
    return render(
        request, "public/offer_new.html", {"form": form, "question": question}, status=status
    )


_OFFER_FIELDS = ("offerer_kind", "name", "contact", "item", "quantity", "location", "available_on")


@with_public_language
def offer_status(request: HttpRequest, token: str) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.select_related("item", "site"), token=token[:40])
    return render(
        request,
        "public/offer_status.html",
        {"offer": offer, "item": selectors.item_name(offer.item)},
    )


def _my_organisations(user) -> list[Organisation]:
    ids = organisation_ids_for(user)
    return list(Organisation.objects.filter(pk__in=ids).select_related("publication"))


@login_required
@require_http_methods(["GET", "POST"])
def offers_manage(request: HttpRequest) -> HttpResponse:
    """Offers waiting, each beside the current needs for its item; pledges to receive."""
    organisations = _my_organisations(request.user)
    if not organisations:
        raise Http404
    if request.method == "POST":
        offer = get_object_or_404(Offer, pk=request.POST.get("offer", "0")[:12] or 0)
        action = request.POST.get("action")
        try:
            if action == "accept":
                site = get_object_or_404(sites_for(request.user), pk=request.POST.get("site") or 0)
                services.offer_accept(
                    actor=request.user,
                    offer=offer,
                    site=site,
                    answer=request.POST.get("answer", ""),
                )
            elif action == "decline":
                services.offer_decline(
                    actor=request.user,
                    offer=offer,
                    organisation=organisations[0],
                    reason=request.POST.get("answer", "")[:300],
                )
            elif action == "receive":
                quantity = parse_quantity(request.POST.get("quantity", ""))
                services.offer_receive(actor=request.user, offer=offer, quantity=quantity)
            messages.success(request, _("Done."))
        except (DomainError, ValueError) as error:
            messages.error(request, str(getattr(error, "message", error)))
        return redirect("public:offers_manage")
    # Offers come to the organisations that publish their needs: only their staff read the
    # offerers' contacts.
    publishing = [
        o for o in organisations if getattr(getattr(o, "publication", None), "published", False)
    ]
    waiting = (
        list(Offer.objects.filter(status=OfferStatus.NEW).select_related("item")[:100])
        if publishing
        else []
    )
    needs = selectors.needs_board()
    matched = [
        (offer, [n for n in needs if n.item == offer.item.code and not n.met][:3])
        for offer in waiting
    ]
    pledges = Offer.objects.filter(
        status=OfferStatus.PLEDGED, organisation__in=organisations
    ).select_related("item", "site")[:100]
    return render(
        request,
        "public/offers_manage.html",
        {"matched": matched, "pledges": pledges, "sites": sites_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publishing_manage(request: HttpRequest) -> HttpResponse:
    """An organisation's staff switch publishing on or off and record donors' consent."""
    organisations = _my_organisations(request.user)
    if not organisations:
        raise Http404
    mine = {o.pk: o for o in organisations}
    if request.method == "POST":
        organisation = mine.get(int(request.POST.get("organisation", "0")[:12] or 0))
        if organisation is None:
            raise Http404
        try:
            if "published" in request.POST:
                services.publication_set(
                    actor=request.user,
                    organisation=organisation,
                    published=request.POST["published"] == "1",
                )
            else:
                donor = get_object_or_404(Donor, pk=request.POST.get("donor", "0")[:12] or 0)
                services.donor_consent_set(
                    actor=request.user,
                    organisation=organisation,
                    donor=donor,
                    name_public=request.POST.get("name_public") == "1",
                )
            messages.success(request, _("Saved."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("public:publishing_manage")
    private = (
        Donor.objects.filter(donations__organisation__in=organisations)
        .exclude(kind__in=selectors.NAMED_KINDS)
        .select_related("public_consent")
        .distinct()
        .order_by("name")[:200]
    )
    rows = [
        (o, getattr(getattr(o, "publication", None), "published", False)) for o in organisations
    ]
    return render(
        request,
        "public/publishing_manage.html",
        {"rows": rows, "donors": private, "organisation": organisations[0]},
    )
