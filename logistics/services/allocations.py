"""Reserving stock for approved request lines, first-expiry-first-out, and giving it back."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition, InsufficientStock, ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import Site, StockBalance
from inventory.permissions import require_site_manager
from inventory.services.ledger import (
    change_reservation,
    fefo,
    is_expired,
    lock_balances,
    lock_item_balances,
    today,
)
from inventory.services.ledger_bulk import update_rows
from logistics.models import Allocation, AllocationStatus
from supply_requests.models import ACTIVE_STATUSES, SupplyRequest, SupplyRequestLine
from supply_requests.roles import require_coordinator
from supply_requests.services import request_line_record, request_lines_record


@dataclass(frozen=True)
class AllocationInput:
    request_line_id: int
    site: Site
    quantity: int
    # Empty: expired lots are not touched. A reason: the coordinator releases expired stock
    # of this item on purpose (e.g. expired masks cleared for non-medical use); FEFO then
    # takes the expired lots first and each allocation made from one keeps the reason.
    release_expired: str = ""


def lock_lines(line_ids: Sequence[int]) -> dict[int, SupplyRequestLine]:
    """Lock the requests of these lines (by id), then the lines — the house locking order."""
    request_ids = sorted(
        set(SupplyRequestLine.objects.filter(pk__in=line_ids).values_list("request_id", flat=True))
    )
    requests = {
        r.pk: r
        for r in SupplyRequest.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=request_ids)
        .order_by("pk")
        .select_related("served_unit")
    }
    lines = {
        line.pk: line
        for line in SupplyRequestLine.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=line_ids)
        .order_by("pk")
        .select_related("item")
    }
    for line in lines.values():
        line.request = requests[line.request_id]  # share the locked instance
    missing = set(line_ids) - set(lines)
    if missing:
        raise ValidationFailed(
            _("Unknown request line(s): %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))}
        )
    return lines


def _check_coordinator(actor: AbstractBaseUser, lines: Sequence[SupplyRequestLine]) -> None:
    for unit in {line.request.served_unit.pk: line.request.served_unit for line in lines}.values():
        require_coordinator(actor, unit)


@atomic_retrying
def allocation_commit(
    *, actor: AbstractBaseUser, allocations: Sequence[AllocationInput]
) -> list[Allocation]:
    """Reserve stock for request lines: all of it or none.

    Each (line, site, quantity) is taken lot by lot, first expiry first out, from what is
    available at that site now (re-checked under lock), and never beyond the line's
    approved-but-unallocated quantity. Expired lots are never taken, unless the pick
    releases expired stock with a reason.
    """
    if not allocations:
        raise ValidationFailed(_("Nothing to allocate."))
    for pick in allocations:
        if pick.quantity <= 0:
            raise ValidationFailed(_("An allocated quantity must be more than zero."))
    lines = lock_lines([pick.request_line_id for pick in allocations])
    _check_coordinator(actor, list(lines.values()))
    for site in {pick.site.pk: pick.site for pick in allocations}.values():
        require_site_manager(actor, site)
    asked: dict[int, int] = defaultdict(int)
    for pick in allocations:
        asked[pick.request_line_id] += pick.quantity
    for line_id, quantity in asked.items():
        line = lines[line_id]
        if line.request.status not in ACTIVE_STATUSES:
            raise IllegalTransition(
                _("Request #%(id)d is %(status)s; stock cannot be allocated to it.")
                % {"id": line.request_id, "status": line.request.get_status_display()},
                current=line.request.status,
            )
        if quantity > line.quantity_outstanding:
            raise ValidationFailed(
                _(
                    "%(item)s for request #%(id)d: %(asked)d asked, only %(left)d approved and "
                    "not yet allocated."
                )
                % {
                    "item": line.item.name_zh,
                    "id": line.request_id,
                    "asked": quantity,
                    "left": line.quantity_outstanding,
                }
            )
    balances = lock_item_balances(
        {(p.site.pk, lines[p.request_line_id].item_id) for p in allocations}
    )
    shelves: dict[tuple[int, int], list] = defaultdict(list)
    for balance in fefo(balances):
        shelves[(balance.site_id, balance.item_id)].append(balance)
    day = today()
    created: list[Allocation] = []
    reserved: dict[int, StockBalance] = {}
    for pick in allocations:
        line = lines[pick.request_line_id]
        wanted = pick.quantity
        release = pick.release_expired.strip()[:200]
        shelf = shelves[(pick.site.pk, line.item_id)]
        if not release:
            shelf = [b for b in shelf if not is_expired(b.expiry, on=day)]
        available = sum(b.available for b in shelf)
        if available < wanted:
            expired_there = sum(
                b.available for b in shelves[(pick.site.pk, line.item_id)] if b not in shelf
            )
            message = _("Only %(available)d of %(item)s available at %(site)s; %(asked)d asked.")
            if expired_there:
                message = _(
                    "Only %(available)d of %(item)s available at %(site)s; %(asked)d asked. "
                    "%(expired)d more there has expired: release it with a reason to use it."
                )
            raise InsufficientStock(
                message
                % {
                    "available": available,
                    "item": line.item.name_zh,
                    "site": pick.site.name,
                    "asked": wanted,
                    "expired": expired_there,
                },
                available=available,
            )
        for balance in shelf:
            take = min(wanted, balance.available)
            if take <= 0:
                continue
            # Checked here, written below in one statement for every balance (issue 19:
            # a commit costs the same few statements for 3 lines or 500).
            balance.reserved += take
            reserved[balance.pk] = balance
            created.append(
                Allocation(
                    request_line=line,
                    site_id=balance.site_id,
                    lot_id=balance.lot_id,
                    quantity=take,
                    expired_release_reason=release if is_expired(balance.expiry, on=day) else "",
                    created_by=actor,
                )
            )
            wanted -= take
            if wanted == 0:
                break
    now = timezone.now()
    for balance in reserved.values():
        balance.updated_at = now
    update_rows(
        StockBalance,
        sorted(reserved.values(), key=lambda b: (b.site_id, b.lot_id)),
        ["reserved", "updated_at"],
    )
    created = Allocation.objects.bulk_create(created, batch_size=1000)
    request_lines_record(
        actor=actor, lines=[lines[line_id] for line_id in sorted(asked)], allocated=asked
    )
    return created


def _lock_allocation(allocation: Allocation) -> Allocation:
    lines = lock_lines([allocation.request_line_id])
    locked = (
        Allocation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("site", "lot")
        .get(pk=allocation.pk)
    )
    locked.request_line = lines[locked.request_line_id]
    return locked


def release_locked(
    *, actor: AbstractBaseUser, allocation: Allocation, quantity: int | None = None
) -> Allocation:
    """Release (part of) a locked, reserved allocation; its request and line already locked."""
    if allocation.status != AllocationStatus.RESERVED:
        raise IllegalTransition(
            _("Allocation #%(id)d is %(status)s; only reserved stock can be released.")
            % {"id": allocation.pk, "status": allocation.get_status_display()},
            current=allocation.status,
        )
    quantity = allocation.quantity if quantity is None else quantity
    if not 0 < quantity <= allocation.quantity:
        raise ValidationFailed(_("Release between 1 and %(max)d.") % {"max": allocation.quantity})
    balance = lock_balances([(allocation.site_id, allocation.lot_id)], create=False)[
        (allocation.site_id, allocation.lot_id)
    ]
    change_reservation(balance=balance, delta=-quantity)
    if quantity == allocation.quantity:
        allocation.status = AllocationStatus.RELEASED
    else:
        allocation.quantity -= quantity
    allocation.save(update_fields=["status", "quantity"])
    line = allocation.request_line
    request_line_record(actor=actor, request=line.request, line=line, allocated=-quantity)
    return allocation


@atomic_retrying
def allocation_release(
    *, actor: AbstractBaseUser, allocation: Allocation, quantity: int | None = None
) -> Allocation:
    """Give reserved stock back to the shelf; the line's quantity becomes outstanding again."""
    allocation = _lock_allocation(allocation)
    require_coordinator(actor, allocation.request_line.request.served_unit)
    require_site_manager(actor, allocation.site)
    return release_locked(actor=actor, allocation=allocation, quantity=quantity)


@atomic_retrying
def allocation_move(
    *, actor: AbstractBaseUser, allocation: Allocation, to_site: Site
) -> list[Allocation]:
    """Re-allocate a reservation to another site (FEFO there), in one step or not at all."""
    allocation = _lock_allocation(allocation)
    if allocation.site_id == to_site.pk:
        raise ValidationFailed(_("The allocation is already at %(site)s.") % {"site": to_site.name})
    quantity, release = allocation.quantity, allocation.expired_release_reason
    require_coordinator(actor, allocation.request_line.request.served_unit)
    require_site_manager(actor, allocation.site)
    release_locked(actor=actor, allocation=allocation)
    return allocation_commit(
        actor=actor,
        allocations=[AllocationInput(allocation.request_line_id, to_site, quantity, release)],
    )
