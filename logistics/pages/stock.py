"""Organisation staff: record donations as they arrive, see stock with its warnings, adjust,
write off, transfer and count."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from core.pages import attempt
from inventory.forms import AdjustmentForm, DonationForm, DonationLineFormSet, TransferForm
from inventory.models import WRITE_OFF_REASONS, Item, Lot, StockCount, StockCountStatus
from inventory.selectors import balances_for, sites_for
from inventory.services import (
    DonationLineInput,
    TransferLineInput,
    donation_receive,
    stock_adjust,
    stock_count_post,
    stock_count_record,
    stock_count_start,
    stock_transfer,
)
from inventory.services.ledger import is_expired
from logistics.selectors import shortages
from logistics.services import stock_write_off_expired, stock_write_off_releasing
from notifications import conf as alert_conf


def _my_sites(request: HttpRequest) -> list:
    sites = list(sites_for(request.user).filter(is_active=True).order_by("code"))
    if not sites:
        raise Http404(_("You keep no stock at any site."))
    return sites


@login_required
def stock_view(request: HttpRequest) -> HttpResponse:
    """Stock per site and lot, soonest expiry first, with low-stock and near-expiry flags."""
    sites = _my_sites(request)
    site_code = request.GET.get("site") or sites[0].code
    site = next((s for s in sites if s.code == site_code), sites[0])
    today = timezone.localdate()
    window = timedelta(days=alert_conf.expiry_window_days())
    short_items = {row["item"].pk for row in shortages(request.user) if row["short"] > 0}
    balances = (
        balances_for(request.user)
        .filter(site=site, on_hand__gt=0)
        .order_by("item__category", "item__code", "lot__expiry", "lot_id")
    )
    rows = [
        {
            "b": b,
            "expired": is_expired(b.expiry, on=today),
            # Nothing of an expired lot can be promised: its unpromised stock is "expired".
            "available": 0 if is_expired(b.expiry, on=today) else b.available,
            "near_expiry": b.expiry is not None and today <= b.expiry <= today + window,
            "low": b.item_id in short_items,
        }
        for b in balances
    ]
    expired_rows = [row for row in rows if row["expired"]]
    return render(
        request,
        "logistics/stock.html",
        {
            "sites": sites,
            "site": site,
            "rows": rows,
            "expired_lots": len(expired_rows),
            "expired_quantity": sum(row["b"].on_hand for row in expired_rows),
            "window_days": window.days,
            "counts": site.counts.order_by("-started_at")[:5],
        },
    )


@login_required
def donation_new(request: HttpRequest) -> HttpResponse:
    """Record a donation as it arrives: donor, then one row per item (packs or base units)."""
    sites = _my_sites(request)
    form = DonationForm(request.POST or None, sites=sites)
    lines = DonationLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        site = next(s for s in sites if s.code == form.cleaned_data["site"])
        inputs = [
            DonationLineInput(
                item=f.cleaned_data["item_obj"],
                quantity=f.cleaned_data["quantity"],
                pack_name=(f.cleaned_data.get("unit") or "").strip(),
                pack_size=f.cleaned_data.get("pack_size"),
                batch=f.cleaned_data.get("batch") or "",
                expiry=f.cleaned_data.get("expiry"),
            )
            for f in lines.forms
            if f.cleaned_data.get("item_obj")
        ]
        donation = attempt(
            form,
            lambda: donation_receive(
                actor=request.user,
                site=site,
                donor=form.cleaned_data["donor"],
                received_at=form.cleaned_data["received_at"],
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
                lines=inputs,
            ),
        )
        if donation is not None:
            messages.success(
                request,
                _("Donation #%(id)d recorded: %(n)d line(s) in stock at %(site)s.")
                % {"id": donation.pk, "n": len(inputs), "site": site.name},
            )
            return redirect(f"{_stock_url()}?site={site.code}")
    items = Item.objects.prefetch_related("aliases").order_by("category", "name_zh")
    return render(
        request,
        "logistics/donation_form.html",
        {"form": form, "lines": lines, "items": items},
    )


def _stock_url() -> str:
    return reverse("pages:stock")


@login_required
def adjust(request: HttpRequest) -> HttpResponse:
    """Post an adjustment or write-off with its reason; writing off promised stock releases
    the least urgent promises first."""
    sites = _my_sites(request)
    form = AdjustmentForm(request.POST or None, sites=sites, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = next(s for s in sites if s.code == data["site"])
        lot = Lot.objects.filter(pk=data["lot"], balances__site=site).first()
        if lot is None:
            form.add_error("lot", _("There is no such lot at this site."))
        else:
            sign = -1 if data["direction"] == "remove" else 1

            def post():
                if sign < 0 and data["reason"] in WRITE_OFF_REASONS:
                    return stock_write_off_releasing(
                        actor=request.user,
                        site=site,
                        lot=lot,
                        quantity=data["quantity"],
                        reason=data["reason"],
                        note=data["note"],
                    )
                return stock_adjust(
                    actor=request.user,
                    site=site,
                    lot=lot,
                    quantity=sign * data["quantity"],
                    reason=data["reason"],
                    note=data["note"],
                )

            if attempt(form, post) is not None:
                messages.success(request, _("Stock adjusted."))
                return redirect(f"{_stock_url()}?site={site.code}")
    return render(
        request,
        "logistics/simple_form.html",
        {"form": form, "title": _("Adjust or write off stock")},
    )


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    sites = _my_sites(request)
    form = TransferForm(request.POST or None, sites=sites, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_code = {s.code: s for s in sites}
        lot = Lot.objects.filter(pk=data["lot"]).first()
        if lot is None:
            form.add_error("lot", _("There is no such lot."))
        elif attempt(
            form,
            lambda: stock_transfer(
                actor=request.user,
                from_site=by_code[data["from_site"]],
                to_site=by_code[data["to_site"]],
                lines=[TransferLineInput(lot=lot, quantity=data["quantity"])],
                note=data["note"],
            ),
        ):
            messages.success(request, _("Transfer recorded."))
            return redirect(f"{_stock_url()}?site={data['to_site']}")
    return render(
        request, "logistics/simple_form.html", {"form": form, "title": _("Transfer between sites")}
    )


@login_required
@require_POST
def count_start(request: HttpRequest) -> HttpResponse:
    site = get_object_or_404(sites_for(request.user), code=request.POST.get("site", ""))
    try:
        count = stock_count_start(actor=request.user, site=site)
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_stock_url()}?site={site.code}")
    return redirect("pages:count", pk=count.pk)


@login_required
def count_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter what is on the shelf per lot; posting turns differences into corrections."""
    count = get_object_or_404(StockCount.objects.filter(site__in=sites_for(request.user)), pk=pk)
    lines = list(count.lines.select_related("lot__item").order_by("lot__item__code", "lot_id"))
    errors: list[str] = []
    if request.method == "POST" and count.status == StockCountStatus.OPEN:
        counted: dict[int, int] = {}
        for line in lines:
            raw = request.POST.get(f"counted-{line.lot_id}", "").strip()
            if raw == "":
                continue
            if not raw.isdigit():
                errors.append(_("Lot %(lot)d: enter a whole number.") % {"lot": line.lot_id})
                continue
            counted[line.lot_id] = int(raw)
        if not errors:
            try:
                with transaction.atomic():
                    if counted:
                        stock_count_record(actor=request.user, count=count, counted=counted)
                    if request.POST.get("action") == "post":
                        adjustments = stock_count_post(actor=request.user, count=count)
                        messages.success(
                            request,
                            _("Count posted: %(n)d correction(s).") % {"n": len(adjustments)},
                        )
                        return redirect(f"{_stock_url()}?site={count.site.code}")
                messages.success(request, _("Counts saved."))
                return redirect("pages:count", pk=pk)
            except NotPermitted as exc:
                raise Http404 from exc
            except DomainError as exc:
                errors.append(exc.message)
    return render(
        request, "logistics/count.html", {"count": count, "lines": lines, "errors": errors}
    )


@login_required
@require_POST
def write_off_expired(request: HttpRequest) -> HttpResponse:
    """One action: write off every expired lot at the site (see `stock_write_off_expired`)."""
    site = get_object_or_404(sites_for(request.user), code=request.POST.get("site", ""))
    try:
        adjustments = stock_write_off_expired(actor=request.user, site=site)
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Expired stock written off: %(n)d lot(s), %(qty)d unit(s).")
            % {"n": len(adjustments), "qty": sum(-a.quantity for a in adjustments)},
        )
    return redirect(f"{_stock_url()}?site={site.code}")
