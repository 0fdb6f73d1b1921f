"""Organisation staff: record donations as they arrive, see stock with its warnings, adjust,
write off, transfer and count."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from core.pages import attempt, confirm_first
from core.quantities import MAX_QUANTITY, parse_quantity
from inventory.forms import (
    AdjustmentForm,
    DonationForm,
    DonationLineFormSet,
    TransferForm,
    lot_label,
)
from inventory.models import (
    WRITE_OFF_REASONS,
    AdjustmentReason,
    Item,
    StockBalance,
    StockCount,
    StockCountStatus,
)
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
from inventory.services.ledger import expired, is_expired
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
def donation_new(request: HttpRequest) -> HttpResponse:
    """Record a donation as it arrives: donor, then one row per item (packs or base units)."""
    sites = _my_sites(request)
    form = DonationForm(request.POST or None, sites=sites)
    lines = DonationLineFormSet(request.POST or None, prefix="lines")
    # Both checked before either is trusted, so every problem shows in one pass.
    valid = request.method == "POST" and all([form.is_valid(), lines.is_valid()])
    # Enter in a box (without scripts) presses the hidden first button: check, never save.
    checking = request.POST.get("action") == "check"
    if valid and checking:
        messages.info(request, _("Checked: nothing is saved until you press “Put into stock”."))
    if valid and not checking:
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
            return redirect("pages:donation", pk=donation.pk)
    items = Item.objects.prefetch_related("aliases").order_by("category", "name_zh")
    return render(
        request,
        "inventory/donation_form.html",
        {"form": form, "lines": lines, "items": items},
    )


def _stock_url() -> str:
    return reverse("pages:stock")


def _chosen_site(request: HttpRequest, sites: list, field: str = "site"):
    code = request.POST.get(field) or request.GET.get(field) or ""
    return next((s for s in sites if s.code == code), sites[0])


def _site_balances(request: HttpRequest, site) -> list:
    return list(
        balances_for(request.user)
        .filter(site=site, on_hand__gt=0)
        .select_related("lot__item")
        .order_by("item__name_zh", "lot__expiry", "lot_id")
    )


@login_required
def adjust(request: HttpRequest) -> HttpResponse:
    """Post an adjustment or write-off of a lot chosen by its batch and expiry, with its
    reason; a write-off is shown for confirmation first, and writing off promised stock
    releases the least urgent promises first."""
    sites = _my_sites(request)
    site = _chosen_site(request, sites)
    balances = _site_balances(request, site)
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
                return redirect(f"{_stock_url()}?site={site.code}")
    return render(
        request,
        "simple_form.html",
        {"form": form, "title": _("Adjust or write off stock")},
    )


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    """Send several lots from one site to another in one transfer: a quantity per lot row."""
    sites = _my_sites(request)
    from_site = _chosen_site(request, sites, "from_site")
    balances = _site_balances(request, from_site)
    form = TransferForm(
        request.POST or None,
        sites=sites,
        from_site=from_site.code,
        initial={"from_site": from_site.code},
    )
    chosen_lot = request.GET.get("lot", "")
    values: dict[int, str] = {}
    errors: dict[int, str] = {}
    picks: list[TransferLineInput] = []
    if request.method == "POST":
        for b in balances:
            raw = request.POST.get(f"qty-{b.lot_id}", "").strip()
            values[b.lot_id] = raw
            if not raw:
                continue
            try:
                quantity = parse_quantity(raw, max_value=min(MAX_QUANTITY, b.available))
            except ValidationError:
                errors[b.lot_id] = _("Enter a whole number from 1 to %(max)s (available).") % {
                    "max": f"{b.available:,}"
                }
                continue
            picks.append(TransferLineInput(lot=b.lot, quantity=quantity))
        form_ok = form.is_valid()
        if form_ok and not errors and not picks:
            form.add_error(None, _("Give a quantity for at least one lot."))
        elif form_ok and not errors:
            by_code = {s.code: s for s in sites}
            data = form.cleaned_data
            done = attempt(
                form,
                lambda: stock_transfer(
                    actor=request.user,
                    from_site=from_site,
                    to_site=by_code[data["to_site"]],
                    lines=picks,
                    note=data["note"],
                ),
            )
            if done:
                messages.success(request, _("Transfer recorded."))
                return redirect(f"{_stock_url()}?site={data['to_site']}")
    rows = [
        {
            "b": b,
            "label": lot_label(b),
            "value": values.get(b.lot_id, ""),
            "error": errors.get(b.lot_id),
            "chosen": str(b.lot_id) == chosen_lot,
        }
        for b in balances
    ]
    return render(
        request,
        "logistics/transfer.html",
        {"form": form, "rows": rows, "from_site": from_site, "sites": sites},
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
    """Enter what is on the shelf per lot; review the differences; then post them as
    corrections (only from the review, which shows what will change)."""
    count = get_object_or_404(StockCount.objects.filter(site__in=sites_for(request.user)), pk=pk)
    lines = list(count.lines.select_related("lot__item").order_by("lot__item__code", "lot_id"))
    errors: dict[int, str] = {}
    problems: list[str] = []
    values = {line.lot_id: "" if line.counted is None else str(line.counted) for line in lines}
    action = request.POST.get("action", "save")
    if request.method == "POST" and count.status == StockCountStatus.OPEN:
        counted: dict[int, int] = {}
        for line in lines:
            raw = request.POST.get(f"counted-{line.lot_id}")
            if raw is None:
                continue
            values[line.lot_id] = raw.strip()
            if raw.strip() == "":
                continue
            try:
                counted[line.lot_id] = parse_quantity(raw, min_value=0)
            except ValidationError as exc:
                errors[line.lot_id] = exc.messages[0]
        if not errors:
            try:
                with transaction.atomic():
                    if counted:
                        stock_count_record(actor=request.user, count=count, counted=counted)
                    if action == "post" and request.POST.get("confirmed") == "1":
                        adjustments = stock_count_post(actor=request.user, count=count)
                        messages.success(
                            request,
                            _("Count posted: %(n)d correction(s).") % {"n": len(adjustments)},
                        )
                        return redirect(f"{_stock_url()}?site={count.site.code}")
                if action in ("review", "post"):
                    return redirect(f"{reverse('pages:count', args=[pk])}?review=1")
                messages.success(request, _("Counts saved."))
                return redirect("pages:count", pk=pk)
            except NotPermitted as exc:
                raise Http404 from exc
            except DomainError as exc:
                problems.append(exc.message)
    review = request.method == "GET" and request.GET.get("review") == "1"
    review_rows = _count_differences(count, lines) if review else []
    return render(
        request,
        "inventory/count.html",
        {
            "count": count,
            "rows": [(line, values[line.lot_id], errors.get(line.lot_id)) for line in lines],
            "errors": problems,
            "review": review,
            "review_rows": review_rows,
            "uncounted": sum(1 for line in lines if line.counted is None),
        },
    )


def _count_differences(count: StockCount, lines: list) -> list[dict]:
    """What posting would change now: counted minus the current on-hand, per lot."""
    on_hand = dict(
        StockBalance.objects.filter(
            site=count.site, lot_id__in=[line.lot_id for line in lines]
        ).values_list("lot_id", "on_hand")
    )
    rows = []
    for line in lines:
        current = on_hand.get(line.lot_id, 0)
        diff = None if line.counted is None else line.counted - current
        rows.append({"line": line, "on_hand": current, "difference": diff})
    return rows


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
    return redirect(f"{_stock_url()}?site={site.code}")
