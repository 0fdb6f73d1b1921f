"""Writing off stock that is promised: the promise shrinks first, so no reservation is ever
larger than the shelf. The affected lines become outstanding again, to be re-planned."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import (
    WRITE_OFF_REASONS,
    AdjustmentReason,
    Lot,
    Site,
    StockAdjustment,
    StockBalance,
)
from inventory.permissions import require_site_manager
from inventory.services import stock_adjust
from inventory.services.ledger import expired, lock_balances, site_lot_balance, today
from logistics.models import Allocation, AllocationStatus
from logistics.services.allocations import lock_lines, release_locked
from supply_requests.models import Priority

# Who gives back first when a write-off eats into reserved stock: the least urgent.
_PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}


@atomic_retrying
def stock_write_off_releasing(
    *,
    actor: AbstractBaseUser,
    site: Site,
    lot: Lot,
    quantity: int,
    reason: str,
    note: str = "",
    occurred_at: datetime | None = None,
) -> StockAdjustment:
    """Write off `quantity` of a lot (expired, damaged, lost). If that is more than the
    unreserved stock, reservations on the lot are released — least urgent and newest first,
    never frontline medical before others — until the write-off fits."""
    require_site_manager(actor, site)
    if reason not in WRITE_OFF_REASONS:
        raise ValidationFailed(_("A write-off needs the reason expired, damaged or lost."))
    if quantity <= 0:
        raise ValidationFailed(_("The quantity must be more than zero."))
    candidates = list(
        Allocation.objects.filter(
            site=site, lot=lot, status=AllocationStatus.RESERVED
        ).select_related("request_line__request__served_unit")
    )
    lines = lock_lines([a.request_line_id for a in candidates]) if candidates else {}
    locked = {
        a.pk: a
        for a in Allocation.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=[a.pk for a in candidates], status=AllocationStatus.RESERVED)
        .order_by("pk")
    }
    balance = site_lot_balance(site, lot)
    to_free = quantity - balance.available
    for allocation in sorted(
        locked.values(),
        key=lambda a: (
            lines[a.request_line_id].request.served_unit.frontline_medical,
            _PRIORITY_RANK[lines[a.request_line_id].request.priority],
            -a.pk,
        ),
    ):
        if to_free <= 0:
            break
        allocation.request_line = lines[allocation.request_line_id]
        take = min(to_free, allocation.quantity)
        release_locked(actor=actor, allocation=allocation, quantity=take)
        to_free -= take
    return stock_adjust(
        actor=actor,
        site=site,
        lot=lot,
        quantity=-quantity,
        reason=reason,
        note=note,
        occurred_at=occurred_at,
    )


@atomic_retrying
def stock_write_off_expired(
    *, actor: AbstractBaseUser, site: Site, note: str = ""
) -> list[StockAdjustment]:
    """Write off, in one step, every expired lot at a site: all of it except what is on its
    way out on purpose (released with a reason by a coordinator, or on a planned shipment).
    Reservations of expired stock that nobody released are given back first, so their lines
    become outstanding again and are planned from fresh stock."""
    require_site_manager(actor, site)
    day = today()
    lot_ids = sorted(
        StockBalance.objects.filter(expired(day), site=site, on_hand__gt=0).values_list(
            "lot_id", flat=True
        )
    )
    if not lot_ids:
        raise ValidationFailed(_("There is no expired stock at %(site)s.") % {"site": site.name})
    stale = Allocation.objects.filter(
        site=site, lot_id__in=lot_ids, status=AllocationStatus.RESERVED, expired_release_reason=""
    )
    line_ids = list(stale.values_list("request_line_id", flat=True))
    lines = lock_lines(line_ids) if line_ids else {}
    allocations = list(stale.select_for_update(of=("self",), no_key=True).order_by("pk"))
    keys = [(site.pk, lot_id) for lot_id in lot_ids]
    lock_balances(keys, create=False)
    for allocation in allocations:
        allocation.request_line = lines[allocation.request_line_id]
        release_locked(actor=actor, allocation=allocation)
    adjustments = []
    for (_site_id, _lot_id), balance in sorted(lock_balances(keys, create=False).items()):
        if balance.available > 0:
            adjustments.append(
                stock_adjust(
                    actor=actor,
                    site=site,
                    lot=balance.lot,
                    quantity=-balance.available,
                    reason=AdjustmentReason.EXPIRED,
                    note=note or _("Expired stock written off"),
                )
            )
    return adjustments
