"""Donation pages for organisation staff: the list (search, paging), a printable bilingual
receipt per donation, and voiding or correcting a mistyped line."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.dates import ISODateField
from core.exceptions import DomainError, NotPermitted
from core.pages import attempt, confirm_first
from core.quantities import QuantityField
from inventory.models import DonationLine
from inventory.selectors import donations_for, donations_matching, sites_for
from inventory.services import DonationLineInput, donation_line_correct, donation_line_void

PAGE_SIZE = 25


class DonationSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Donor, receipt number or item"), required=False, max_length=100
    )
    since = ISODateField(label=gettext_lazy("Received from"), required=False)
    until = ISODateField(label=gettext_lazy("Received until"), required=False)


class CorrectionForm(forms.Form):
    quantity = QuantityField(label=gettext_lazy("Right quantity (base units)"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


def _require_stock_keeper(request: HttpRequest) -> None:
    if not sites_for(request.user).exists():
        raise Http404(_("You keep no stock at any site."))


@login_required
def donation_list(request: HttpRequest) -> HttpResponse:
    _require_stock_keeper(request)
    search = DonationSearchForm(request.GET or None)
    data = search.cleaned_data if search.is_valid() else {}
    donations = donations_matching(
        request.user, text=data.get("q") or "", since=data.get("since"), until=data.get("until")
    ).prefetch_related("lines__item")
    page = Paginator(donations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/donation_list.html",
        {"search": search, "page": page, "query": query.urlencode()},
    )


@login_required
def donation_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt for the donor's records, in Chinese and English, packs and base units."""
    donation = get_object_or_404(donations_for(request.user), pk=pk)
    lines = donation.lines.select_related("item", "lot").order_by("pk")
    return render(request, "inventory/donation_receipt.html", {"d": donation, "lines": lines})


def _line_for(request: HttpRequest, pk: int) -> DonationLine:
    return get_object_or_404(
        DonationLine.objects.filter(donation__in=donations_for(request.user)).select_related(
            "donation", "item"
        ),
        pk=pk,
    )


@login_required
@require_POST
def donation_line_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line_for(request, pk)
    asking = confirm_first(
        request,
        title=_("Void this donation line?"),
        summary=[
            _(
                "%(item)s × %(qty)s %(unit)s of donation #%(id)d is taken out of stock "
                "again as an entry error."
            )
            % {
                "item": line.item.name_zh,
                "qty": f"{line.quantity:,}",
                "unit": line.item.base_unit,
                "id": line.donation_id,
            }
        ],
        confirm_label=_("Void the line"),
    )
    if asking is not None:
        return asking
    try:
        donation_line_void(actor=request.user, line=line)
        messages.success(request, _("The line is voided; the stock is reversed."))
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pages:donation", pk=line.donation_id)


@login_required
def donation_line_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line_for(request, pk)
    form = CorrectionForm(request.POST or None, initial={"quantity": line.quantity})
    if request.method == "POST" and form.is_valid():
        correction = DonationLineInput(
            item=line.item,
            quantity=form.cleaned_data["quantity"],
            batch=line.batch,
            expiry=line.expiry,
        )
        corrected = attempt(
            form,
            lambda: donation_line_correct(
                actor=request.user,
                line=line,
                correction=correction,
                note=form.cleaned_data["note"],
            ),
        )
        if corrected is not None:
            messages.success(request, _("The line is corrected."))
            return redirect("pages:donation", pk=line.donation_id)
    return render(
        request,
        "simple_form.html",
        {
            "form": form,
            "title": _("Correct %(item)s on donation #%(id)d")
            % {"item": line.item.name_zh, "id": line.donation_id},
        },
    )
