"""The one place where stock balances change.

Every change locks the affected `StockBalance` rows (`select_for_update`, in a stable order so
two transactions never wait on each other crosswise), re-checks the quantities against the
locked values, writes the ledger movement and the new balance in the same transaction. The
database check constraints are the last line: even a bug here cannot store negative stock.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.exceptions import InsufficientStock, ValidationFailed
from inventory.models import Lot, Site, StockBalance, StockMovement


@dataclass(frozen=True)
class MovementSource:
    """The document behind a movement (see `StockMovement`)."""

    donation_line_id: int | None = None
    adjustment_id: int | None = None
    transfer_id: int | None = None
    document_type: str = ""
    document_id: int | None = None


def lock_balances(keys: Iterable[tuple[int, int]], *, create: bool) -> dict:
    """Lock the balances of (site_id, lot_id) pairs, in sorted order, and return them.

    With `create`, a missing balance row is created first (inbound stock); without it, a
    missing row is simply absent from the result (there is nothing there to take).
    """
    assert transaction.get_connection().in_atomic_block, "lock_balances needs a transaction"
    locked: dict[tuple[int, int], StockBalance] = {}
    for site_id, lot_id in sorted(set(keys)):
        query = StockBalance.objects.select_for_update().filter(site_id=site_id, lot_id=lot_id)
        balance = query.first()
        if balance is None and create:
            item_id = Lot.objects.values_list("item_id", flat=True).get(pk=lot_id)
            # get_or_create survives a concurrent insert of the same row: the loser's
            # IntegrityError is caught inside a savepoint and the row is read instead.
            StockBalance.objects.get_or_create(
                site_id=site_id, lot_id=lot_id, defaults={"item_id": item_id}
            )
            balance = query.get()
        if balance is not None:
            locked[(site_id, lot_id)] = balance
    return locked


def lock_item_balances(site_item_pairs: Iterable[tuple[int, int]]) -> list[StockBalance]:
    """Lock every balance of the given (site_id, item_id) pairs, in (site, lot) order."""
    assert transaction.get_connection().in_atomic_block, "lock_item_balances needs a transaction"
    pairs = sorted(set(site_item_pairs))
    if not pairs:
        return []
    condition = Q()
    for site_id, item_id in pairs:
        condition |= Q(site_id=site_id, item_id=item_id)
    return list(
        StockBalance.objects.select_for_update()
        .filter(condition)
        .select_related("lot", "site")
        .order_by("site_id", "lot_id")
    )


def fefo(balances: Iterable[StockBalance]) -> list[StockBalance]:
    """First expiry, first out: soonest expiry first, lots without expiry last, then the
    oldest receipt, then lot id (so equal lots are always picked in the same order)."""
    return sorted(
        balances,
        key=lambda b: (
            b.lot.expiry is None,
            b.lot.expiry or b.lot.received_at,
            b.lot.received_at,
            b.lot_id,
        ),
    )


def post_movement(
    *,
    balance: StockBalance,
    quantity: int,
    kind: str,
    actor: AbstractBaseUser,
    reason: str = "",
    source: MovementSource = MovementSource(),
    consume_reserved: int = 0,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Append one movement and apply it to an already locked balance.

    `consume_reserved` is the part of an outbound quantity that was promised (reserved)
    before: dispatching reserved stock lowers both on hand and reserved.
    """
    if quantity == 0:
        raise ValidationFailed(_("A stock movement needs a quantity other than zero."))
    new_on_hand = balance.on_hand + quantity
    new_reserved = balance.reserved - consume_reserved
    if consume_reserved < 0 or new_reserved < 0:
        raise InsufficientStock(
            _("Only %(reserved)d of %(lot)s is reserved at %(site)s.")
            % {"reserved": balance.reserved, "lot": balance.lot, "site": balance.site.name}
        )
    if new_on_hand < new_reserved:
        available = balance.on_hand - balance.reserved
        raise InsufficientStock(
            _(
                "Not enough stock of %(lot)s at %(site)s: %(available)d available "
                "(%(on_hand)d on hand, %(reserved)d reserved), %(asked)d asked."
            )
            % {
                "lot": balance.lot,
                "site": balance.site.name,
                "available": available,
                "on_hand": balance.on_hand,
                "reserved": balance.reserved,
                "asked": -quantity,
            },
            available=available,
        )
    movement = StockMovement.objects.create(
        site_id=balance.site_id,
        lot_id=balance.lot_id,
        item_id=balance.item_id,
        quantity=quantity,
        kind=kind,
        reason=reason[:200],
        actor=actor,
        occurred_at=occurred_at or timezone.now(),
        donation_line_id=source.donation_line_id,
        adjustment_id=source.adjustment_id,
        transfer_id=source.transfer_id,
        document_type=source.document_type,
        document_id=source.document_id,
    )
    balance.on_hand = new_on_hand
    balance.reserved = new_reserved
    balance.save(update_fields=["on_hand", "reserved", "updated_at"])
    return movement


def change_reservation(*, balance: StockBalance, delta: int) -> StockBalance:
    """Raise (positive) or release (negative) the reserved quantity of a locked balance."""
    if delta > 0 and balance.on_hand - balance.reserved < delta:
        raise InsufficientStock(
            _("Cannot reserve %(asked)d of %(lot)s at %(site)s: only %(available)d available.")
            % {
                "asked": delta,
                "lot": balance.lot,
                "site": balance.site.name,
                "available": balance.on_hand - balance.reserved,
            },
            available=balance.on_hand - balance.reserved,
        )
    if delta < 0 and balance.reserved < -delta:
        raise InsufficientStock(
            _("Cannot release %(asked)d of %(lot)s: only %(reserved)d is reserved.")
            % {"asked": -delta, "lot": balance.lot, "reserved": balance.reserved}
        )
    balance.reserved += delta
    balance.save(update_fields=["reserved", "updated_at"])
    return balance


def site_lot_balance(site: Site, lot: Lot, *, create: bool = False) -> StockBalance:
    """Lock and return one balance; a missing one is an empty shelf."""
    balance = lock_balances([(site.pk, lot.pk)], create=create).get((site.pk, lot.pk))
    if balance is None:
        raise InsufficientStock(
            _("There is no %(lot)s at %(site)s.") % {"lot": lot, "site": site.name},
            available=0,
        )
    return balance
