"""The stock list and the stock changes that may touch promised stock: stock per site with
its expiry and shortage flags (demand is distribution's), adjustments and write-offs (writing
off promised stock releases the least urgent promises first), and the one-action write-off of
expired lots. Donations, transfers and counts need nothing above inventory:
`inventory/stock_pages.py`."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from core.pages import attempt, confirm_first
from inventory.forms import (
    AdjustmentForm,
    lot_label,
)
from inventory.models import (
    WRITE_OFF_REASONS,
    AdjustmentReason,
    Item,
)
from inventory.selectors import balances_for, sites_for
from inventory.services import (
    stock_adjust,
)
from inventory.services.ledger import expired, is_expired
from inventory.stock_pages import chosen_site, my_sites, site_balances, stock_url
from logistics.selectors import shortages
from logistics.services import stock_write_off_expired, stock_write_off_releasing
from notifications import conf as alert_conf
from notifications.models import StockThreshold

STOCK_PAGE_SIZE = 50
STOCK_SORTS = {
    "item": ("item__category", "item__code", "lot__expiry", "lot_id"),
    "expiry": ("lot__expiry", "item__code", "lot_id"),
    "most": ("-on_hand", "item__code", "lot_id"),
    "least": ("on_hand", "item__code", "lot_id"),
}


@login_required
def stock_view(request: HttpRequest) -> HttpResponse:
    """Stock per site and lot, soonest expiry first, with low-stock and near-expiry flags."""
    sites = my_sites(request)
    site_code = request.GET.get("site") or sites[0].code
    site = next((s for s in sites if s.code == site_code), sites[0])
    today = timezone.localdate()
    window = timedelta(days=alert_conf.expiry_window_days())
    balances = balances_for(request.user).filter(site=site, on_hand__gt=0)
    text = " ".join(request.GET.get("q", "").split())[:100]
    if text:
        balances = balances.filter(
            Q(item__name_zh__icontains=text)
            | Q(item__name_en__icontains=text)
            | Q(item__code__iexact=text)
            | Q(lot__batch__icontains=text)
            | Q(lot__donor__name__icontains=text)
        )
    sort = request.GET.get("sort") if request.GET.get("sort") in STOCK_SORTS else "item"
    balances = balances.select_related("lot__donor").order_by(*STOCK_SORTS[sort])
    page = Paginator(balances, STOCK_PAGE_SIZE).get_page(request.GET.get("page"))
    # Shortage flags for the items on this page only: the page costs what it shows.
    short_items = {
        row["item"].pk
        for row in shortages(request.user, item_ids={b.item_id for b in page.object_list})
        if row["short"] > 0
    }
    rows = [
        {
            "b": b,
            "expired": is_expired(b.expiry, on=today),
            # Nothing of an expired lot can be promised: its unpromised stock is "expired".
            "available": 0 if is_expired(b.expiry, on=today) else b.available,
            "near_expiry": b.expiry is not None and today <= b.expiry <= today + window,
            "low": b.item_id in short_items,
        }
        for b in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    # Expired stock at this site as its own figure: per item in its own unit, never a sum
    # of masks and bottles (the whole site, not just this page of the list).
    expired_items = list(
        balances_for(request.user)
        .filter(expired(today), site=site, on_hand__gt=0)
        .values("item__name_zh", "item__name_en", "item__base_unit")
        .annotate(quantity=Sum("on_hand"), lots=Count("pk"))
        .order_by("item__name_zh")
    )
    return render(
        request,
        "logistics/stock.html",
        {
            "sites": sites,
            "site": site,
            "rows": rows,
            "expired_items": expired_items,
            "expired_lots": sum(row["lots"] for row in expired_items),
            "window_days": window.days,
            "counts": site.counts.order_by("-started_at")[:5],
            "page": page,
            "query": query.urlencode(),
            "q": text,
            "sort": sort,
            "sorts": [
                ("item", _("By item")),
                ("expiry", _("Soonest expiry")),
                ("most", _("Most on hand")),
                ("least", _("Least on hand")),
            ],
            "thresholds": StockThreshold.objects.filter(site=site)
            .select_related("item")
            .order_by("item__category", "item__code"),
            "threshold_items": Item.objects.order_by("category", "code"),
        },
    )


@login_required
def adjust(request: HttpRequest) -> HttpResponse:
    """Post an adjustment or write-off of a lot chosen by its batch and expiry, with its
    reason; a write-off is shown for confirmation first, and writing off promised stock
    releases the least urgent promises first."""
    sites = my_sites(request)
    site = chosen_site(request, sites)
    balances = site_balances(request, site)
    initial = {"site": site.code, **request.GET.dict()}
    form = AdjustmentForm(request.POST or None, sites=sites, balances=balances, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        balance = next((b for b in balances if b.lot_id == data["lot"]), None)
        if balance is None:
            form.add_error("lot", _("There is no such lot at this site."))
        else:
            lot = balance.lot
            sign = -1 if data["direction"] == "remove" else 1
            write_off = sign < 0 and data["reason"] in WRITE_OFF_REASONS
            if write_off:
                promised = data["quantity"] > balance.on_hand - balance.reserved
                asking = confirm_first(
                    request,
                    title=_("Write off stock?"),
                    summary=[
                        _("Write off %(qty)s %(unit)s of %(lot)s.")
                        % {
                            "qty": f"{data['quantity']:,}",
                            "unit": lot.item.base_unit,
                            "lot": lot_label(balance),
                        },
                        _("Reason: %(reason)s")
                        % {"reason": AdjustmentReason(data["reason"]).label},
                        *(
                            [
                                _(
                                    "%(reserved)s of this lot are promised to requests: the "
                                    "least urgent promises are released first."
                                )
                                % {"reserved": f"{balance.reserved:,}"}
                            ]
                            if promised
                            else []
                        ),
                    ],
                    confirm_label=_("Write off"),
                )
                if asking is not None:
                    return asking

            def post():
                if write_off:
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
                return redirect(f"{stock_url()}?site={site.code}")
    return render(
        request,
        "simple_form.html",
        {"form": form, "title": _("Adjust or write off stock")},
    )


@login_required
@require_POST
def write_off_expired(request: HttpRequest) -> HttpResponse:
    """One action, after a confirmation: write off every expired lot at the site (see
    `stock_write_off_expired`)."""
    site = get_object_or_404(sites_for(request.user), code=request.POST.get("site", ""))
    confirmation = confirm_first(
        request,
        title=_("Write off all expired stock at %(site)s?") % {"site": site.name},
        summary=[
            _(
                "Every lot past its expiry date here is written off (reason: expired). Stock "
                "a coordinator released on purpose, or already on a planned shipment, stays."
            )
        ],
        confirm_label=_("Write off expired stock"),
    )
    if confirmation is not None:
        return confirmation

    def done(adjustments: list) -> str:
        lots = len(adjustments)
        return ngettext(
            "Expired stock written off: %(n)d lot.", "Expired stock written off: %(n)d lots.", lots
        ) % {"n": lots}

    try:
        adjustments = stock_write_off_expired(actor=request.user, site=site)
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(adjustments))
    return redirect(f"{stock_url()}?site={site.code}")
