"""Moving goods between two sites: the out and the in are one transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import Lot, MovementKind, Site, StockTransfer, StockTransferLine
from inventory.permissions import require_site_manager
from inventory.services.ledger import MovementSource, lock_balances, post_movement


@dataclass(frozen=True)
class TransferLineInput:
    lot: Lot
    quantity: int


@atomic_retrying
def stock_transfer(
    *,
    actor: AbstractBaseUser,
    from_site: Site,
    to_site: Site,
    lines: Sequence[TransferLineInput],
    note: str = "",
    occurred_at: datetime | None = None,
) -> StockTransfer:
    """Move available (unreserved) stock of one or more lots from one site to another."""
    require_site_manager(actor, from_site)
    require_site_manager(actor, to_site)
    if from_site.pk == to_site.pk:
        raise ValidationFailed(_("A transfer needs two different sites."))
    if not to_site.is_active:
        raise ValidationFailed(_("%(site)s is closed.") % {"site": to_site.name})
    if not lines:
        raise ValidationFailed(_("A transfer needs at least one line."))
    if len({line.lot.pk for line in lines}) != len(lines):
        raise ValidationFailed(_("Each lot may appear only once in a transfer."))
    for line in lines:
        if line.quantity <= 0:
            raise ValidationFailed(_("The quantity must be more than zero."))
    keys = [(site.pk, line.lot.pk) for line in lines for site in (from_site, to_site)]
    # Lock every row the transfer touches up front, in one sorted order, so two transfers
    # in opposite directions cannot deadlock.
    balances = lock_balances(keys, create=True)
    transfer = StockTransfer.objects.create(
        from_site=from_site, to_site=to_site, note=note, actor=actor
    )
    source = MovementSource(transfer_id=transfer.pk)
    reason = _("Transfer #%(id)d %(from)s → %(to)s") % {
        "id": transfer.pk,
        "from": from_site.name,
        "to": to_site.name,
    }
    for line in lines:
        StockTransferLine.objects.create(transfer=transfer, lot=line.lot, quantity=line.quantity)
        for site, signed, kind in (
            (from_site, -line.quantity, MovementKind.TRANSFER_OUT),
            (to_site, line.quantity, MovementKind.TRANSFER_IN),
        ):
            post_movement(
                balance=balances[(site.pk, line.lot.pk)],
                quantity=signed,
                kind=kind,
                actor=actor,
                reason=reason,
                source=source,
                occurred_at=occurred_at,
            )
    return transfer
