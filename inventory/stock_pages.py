"""Organisation staff: record donations as they arrive, move stock between sites and count
it — the stock pages that need nothing above inventory. (The stock list with its shortage
flags, adjustments and write-offs, which may release promised stock, are distribution's:
`logistics/pages/stock.py`.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from core.pages import attempt
from core.quantities import MAX_QUANTITY, parse_quantity
from inventory.forms import (
    DonationForm,
    DonationLineFormSet,
    TransferForm,
    lot_label,
)
from inventory.models import (
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
    stock_count_post,
    stock_count_record,
    stock_count_start,
    stock_transfer,
)


def my_sites(request: HttpRequest) -> list:
    sites = list(sites_for(request.user).filter(is_active=True).order_by("code"))
    if not sites:
        raise Http404(_("You keep no stock at any site."))
    return sites


def stock_url() -> str:
    return reverse("pages:stock")


def chosen_site(request: HttpRequest, sites: list, field: str = "site"):
    code = request.POST.get(field) or request.GET.get(field) or ""
    return next((s for s in sites if s.code == code), sites[0])


def site_balances(request: HttpRequest, site) -> list:
    return list(
        balances_for(request.user)
        .filter(site=site, on_hand__gt=0)
        .select_related("lot__item")
        .order_by("item__name_zh", "lot__expiry", "lot_id")
    )


@login_required
def donation_new(request: HttpRequest) -> HttpResponse:
    """Record a donation as it arrives: donor, then one row per item (packs or base units)."""
    sites = my_sites(request)
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


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    """Send several lots from one site to another in one transfer: a quantity per lot row."""
    sites = my_sites(request)
    from_site = chosen_site(request, sites, "from_site")
    balances = site_balances(request, from_site)
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
                return redirect(f"{stock_url()}?site={data['to_site']}")
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
        "inventory/transfer.html",
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
        return redirect(f"{stock_url()}?site={site.code}")
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
                        return redirect(f"{stock_url()}?site={count.site.code}")
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
