"""Reservations, dispatches, returns, adjustments and write-offs of one lot at one site."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import (
    WRITE_OFF_REASONS,
    AdjustmentReason,
    Lot,
    MovementKind,
    Site,
    StockAdjustment,
    StockBalance,
    StockCount,
    StockMovement,
)
from inventory.permissions import require_site_manager
from inventory.services.ledger import (
    MovementSource,
    change_reservation,
    post_movement,
    site_lot_balance,
)


def _positive(quantity: int) -> None:
    if quantity <= 0:
        raise ValidationFailed(_("The quantity must be more than zero."))


@atomic_retrying
def stock_reserve(*, actor: AbstractBaseUser, site: Site, lot: Lot, quantity: int) -> StockBalance:
    """Promise `quantity` of a lot; never more than is on hand and not yet promised."""
    require_site_manager(actor, site)
    _positive(quantity)
    return change_reservation(balance=site_lot_balance(site, lot), delta=quantity)


@atomic_retrying
def stock_release(*, actor: AbstractBaseUser, site: Site, lot: Lot, quantity: int) -> StockBalance:
    """Give back a promise made by `stock_reserve`."""
    require_site_manager(actor, site)
    _positive(quantity)
    return change_reservation(balance=site_lot_balance(site, lot), delta=-quantity)


@atomic_retrying
def stock_dispatch(
    *,
    actor: AbstractBaseUser,
    site: Site,
    lot: Lot,
    quantity: int,
    from_reserved: bool,
    document_type: str = "",
    document_id: int | None = None,
    reason: str = "",
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Send goods out of a site. Reserved stock is consumed from its reservation;
    unreserved stock can only come from what is available (on hand minus reserved)."""
    require_site_manager(actor, site)
    _positive(quantity)
    return post_movement(
        balance=site_lot_balance(site, lot),
        quantity=-quantity,
        kind=MovementKind.DISPATCH,
        actor=actor,
        reason=reason,
        consume_reserved=quantity if from_reserved else 0,
        source=MovementSource(document_type=document_type, document_id=document_id),
        occurred_at=occurred_at,
    )


@atomic_retrying
def stock_return(
    *,
    actor: AbstractBaseUser,
    site: Site,
    lot: Lot,
    quantity: int,
    reason: str,
    document_type: str = "",
    document_id: int | None = None,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Goods that went out come back to a site (refused or returned on delivery)."""
    require_site_manager(actor, site)
    _positive(quantity)
    balance = site_lot_balance(site, lot, create=True)
    return post_movement(
        balance=balance,
        quantity=quantity,
        kind=MovementKind.RETURN,
        actor=actor,
        reason=reason,
        source=MovementSource(document_type=document_type, document_id=document_id),
        occurred_at=occurred_at,
    )


def _check_adjustment(quantity: int, reason: str) -> None:
    if reason not in AdjustmentReason.values:
        raise ValidationFailed(_("Unknown adjustment reason “%(reason)s”.") % {"reason": reason})
    if quantity == 0:
        raise ValidationFailed(_("An adjustment needs a quantity other than zero."))
    if reason in WRITE_OFF_REASONS and quantity > 0:
        raise ValidationFailed(_("A write-off (expired, damaged, lost) can only remove stock."))
    if reason == AdjustmentReason.FOUND and quantity < 0:
        raise ValidationFailed(_("Found stock can only be added."))
    if reason == AdjustmentReason.ENTRY_ERROR and quantity > 0:
        raise ValidationFailed(_("An entry error can only reverse a receipt."))


@atomic_retrying
def stock_adjust(
    *,
    actor: AbstractBaseUser,
    site: Site,
    lot: Lot,
    quantity: int,
    reason: str,
    note: str = "",
    count: StockCount | None = None,
    occurred_at: datetime | None = None,
) -> StockAdjustment:
    """Correct the stock of a lot (signed quantity) or write it off, with a reason.

    Stock that is reserved cannot be adjusted away: the reservation must be released (or
    re-allocated) first, so no promise is ever larger than the shelf.
    """
    require_site_manager(actor, site)
    _check_adjustment(quantity, reason)
    balance = site_lot_balance(site, lot, create=quantity > 0)
    adjustment = StockAdjustment.objects.create(
        site=site, lot=lot, quantity=quantity, reason=reason, note=note, count=count, actor=actor
    )
    post_movement(
        balance=balance,
        quantity=quantity,
        kind=MovementKind.WRITE_OFF if reason in WRITE_OFF_REASONS else MovementKind.ADJUSTMENT,
        actor=actor,
        reason=note or AdjustmentReason(reason).label,
        source=MovementSource(adjustment_id=adjustment.pk),
        occurred_at=occurred_at,
    )
    return adjustment
