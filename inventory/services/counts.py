"""Physical stock counts: start, record what is on the shelf, post the differences."""

from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition, ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import (
    AdjustmentReason,
    Lot,
    Site,
    StockAdjustment,
    StockBalance,
    StockCount,
    StockCountLine,
    StockCountStatus,
)
from inventory.permissions import require_site_manager
from inventory.services.stock import stock_adjust


def _lock_open_count(count: StockCount) -> StockCount:
    locked = (
        StockCount.objects.select_for_update(of=("self",), no_key=True)
        .select_related("site")
        .get(pk=count.pk)
    )
    if locked.status != StockCountStatus.OPEN:
        raise IllegalTransition(
            _("Stock count #%(id)d is %(status)s, not open.")
            % {"id": locked.pk, "status": locked.get_status_display()},
            current=locked.status,
        )
    return locked


@atomic_retrying
def stock_count_start(*, actor: AbstractBaseUser, site: Site) -> StockCount:
    """Open a count listing every lot the site holds or has held; one open count per site."""
    require_site_manager(actor, site)
    # Lock the site row so two people starting a count at once get one count, not two.
    Site.objects.select_for_update(of=("self",), no_key=True).get(pk=site.pk)
    if StockCount.objects.filter(site=site, status=StockCountStatus.OPEN).exists():
        raise IllegalTransition(_("%(site)s already has an open count.") % {"site": site.name})
    count = StockCount.objects.create(site=site, started_by=actor)
    lot_ids = StockBalance.objects.filter(site=site, on_hand__gt=0).values_list("lot_id", flat=True)
    StockCountLine.objects.bulk_create(
        StockCountLine(count=count, lot_id=lot_id) for lot_id in lot_ids.order_by("lot_id")
    )
    return count


@atomic_retrying
def stock_count_record(
    *, actor: AbstractBaseUser, count: StockCount, counted: Mapping[int, int]
) -> StockCount:
    """Record the counted quantity per lot id; a lot not yet on the sheet is added to it."""
    count = _lock_open_count(count)
    require_site_manager(actor, count.site)
    unknown = set(counted) - set(Lot.objects.filter(pk__in=counted).values_list("pk", flat=True))
    if unknown:
        raise ValidationFailed(
            _("Unknown lot(s): %(ids)s") % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    for lot_id, quantity in counted.items():
        if quantity is None or quantity < 0:
            raise ValidationFailed(_("A counted quantity must be zero or more."))
        StockCountLine.objects.update_or_create(
            count=count, lot_id=lot_id, defaults={"counted": quantity}
        )
    return count


@atomic_retrying
def stock_count_post(
    *, actor: AbstractBaseUser, count: StockCount, occurred_at: datetime | None = None
) -> list[StockAdjustment]:
    """Close the count: each difference from the current on-hand becomes a count correction.

    The comparison is made against the balance at posting time (locked), so a movement
    between start and posting is not undone by the count.
    """
    count = _lock_open_count(count)
    require_site_manager(actor, count.site)
    lines = list(count.lines.select_related("lot").order_by("lot_id"))
    missing = [line.lot for line in lines if line.counted is None]
    if missing:
        raise ValidationFailed(
            _("Count every lot before posting; not yet counted: %(lots)s")
            % {"lots": ", ".join(str(lot) for lot in missing[:10])}
        )
    on_hand = dict(
        StockBalance.objects.select_for_update(of=("self",), no_key=True)
        .filter(site=count.site, lot_id__in=[line.lot_id for line in lines])
        .order_by("lot_id")
        .values_list("lot_id", "on_hand")
    )
    adjustments = []
    for line in lines:
        line.expected = on_hand.get(line.lot_id, 0)
        line.save(update_fields=["expected"])
        difference = line.counted - line.expected
        if difference:
            adjustments.append(
                stock_adjust(
                    actor=actor,
                    site=count.site,
                    lot=line.lot,
                    quantity=difference,
                    reason=AdjustmentReason.COUNT_CORRECTION,
                    note=_("Stock count #%(id)d") % {"id": count.pk},
                    count=count,
                    occurred_at=occurred_at,
                )
            )
    count.status = StockCountStatus.POSTED
    count.posted_by = actor
    count.posted_at = occurred_at or timezone.now()
    count.save(update_fields=["status", "posted_by", "posted_at"])
    return adjustments


@atomic_retrying
def stock_count_cancel(*, actor: AbstractBaseUser, count: StockCount) -> StockCount:
    count = _lock_open_count(count)
    require_site_manager(actor, count.site)
    count.status = StockCountStatus.CANCELLED
    count.save(update_fields=["status"])
    return count
