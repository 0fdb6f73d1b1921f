"""Family kits (issue 20): assembling N kits at a site takes their components out of the
ledger and puts one new kit lot in (expiry: the earliest of the component lots used);
disassembly reverses it, back into the same component lots. Both are ledger movements
(`kit_assembly`, `kit_disassembly`), so `verify_ledger` covers them. A kit is an item like
any other: requested, allocated, shipped and delivered.

Locking order: the assembly row (disassembly), then balances in (site, lot) order — the
component balances first, then the new kit lot's, whose id is above every existing lot's.
"""

from collections import defaultdict
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InsufficientStock, ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import (
    Item,
    KitAssembly,
    KitAssemblyPart,
    KitComponent,
    Lot,
    MovementKind,
    Site,
)
from inventory.permissions import require_site_manager
from inventory.services.ledger import (
    MovementSource,
    fefo,
    is_expired,
    lock_balances,
    lock_item_balances,
    post_movement,
    today,
)

MAX_KITS = 100_000


def _source(assembly: KitAssembly) -> MovementSource:
    return MovementSource(document_type="kit_assembly", document_id=assembly.pk)


@atomic_retrying
def kit_assemble(
    *,
    actor: AbstractBaseUser,
    site: Site,
    kit: Item,
    count: int,
    occurred_at: datetime | None = None,
) -> KitAssembly:
    """Assemble `count` kits at a site from unexpired, unpromised components (first expiry
    first out); all or nothing."""
    require_site_manager(actor, site)
    if not 1 <= count <= MAX_KITS:
        raise ValidationFailed(_("Assemble between 1 and %(max)d kits.") % {"max": MAX_KITS})
    recipe = list(KitComponent.objects.filter(kit=kit).select_related("component"))
    if not recipe:
        raise ValidationFailed(_("%(kit)s has no components.") % {"kit": kit.name_zh})
    balances = defaultdict(list)
    for balance in lock_item_balances([(site.pk, part.component_id) for part in recipe]):
        if not is_expired(balance.expiry):
            balances[balance.item_id].append(balance)
    takes = []
    for part in recipe:
        needed = part.quantity * count
        left = needed
        for balance in fefo(balances[part.component_id]):
            take = min(left, balance.on_hand - balance.reserved)
            if take > 0:
                takes.append((balance, take))
                left -= take
            if not left:
                break
        if left:
            available = needed - left
            raise InsufficientStock(
                _(
                    "%(count)d kits need %(needed)d of %(item)s at %(site)s; "
                    "%(available)d available."
                )
                % {
                    "count": count,
                    "needed": needed,
                    "item": part.component.name_zh,
                    "site": site.name,
                    "available": available,
                },
                available=available,
            )
    expiries = [balance.lot.expiry for balance, _take in takes if balance.lot.expiry]
    at = occurred_at or timezone.now()
    kit_lot = Lot.objects.create(
        item=kit,
        batch=(_("assembled %(day)s") % {"day": timezone.localtime(at).date().isoformat()})[:60],
        expiry=min(expiries) if expiries else None,
        received_at=today(),
    )
    assembly = KitAssembly.objects.create(site=site, kit_lot=kit_lot, count=count, actor=actor)
    reason = _("%(count)d × %(kit)s assembled") % {"count": count, "kit": kit.name_zh}
    for balance, take in takes:
        KitAssemblyPart.objects.create(assembly=assembly, lot_id=balance.lot_id, quantity=take)
        post_movement(
            balance=balance,
            quantity=-take,
            kind=MovementKind.KIT_ASSEMBLY,
            actor=actor,
            reason=reason,
            source=_source(assembly),
            occurred_at=at,
        )
    kit_balance = lock_balances([(site.pk, kit_lot.pk)], create=True)[(site.pk, kit_lot.pk)]
    post_movement(
        balance=kit_balance,
        quantity=count,
        kind=MovementKind.KIT_ASSEMBLY,
        actor=actor,
        reason=reason,
        source=_source(assembly),
        occurred_at=at,
    )
    return assembly


@atomic_retrying
def kit_disassemble(
    *,
    actor: AbstractBaseUser,
    site: Site,
    kit_lot: Lot,
    count: int,
    occurred_at: datetime | None = None,
) -> KitAssembly:
    """Take `count` kits of a kit lot apart at a site: the kits leave the ledger, their
    components return to the lots they were made from."""
    require_site_manager(actor, site)
    assembly = KitAssembly.objects.select_for_update(of=("self",)).filter(kit_lot=kit_lot).first()
    if assembly is None:
        raise ValidationFailed(_("%(lot)s was not assembled here.") % {"lot": kit_lot})
    if not 1 <= count <= assembly.count - assembly.disassembled:
        raise ValidationFailed(
            _("Between 1 and %(left)d kits of this lot can be taken apart.")
            % {"left": assembly.count - assembly.disassembled}
        )
    parts = list(assembly.parts.select_related("lot").order_by("pk"))
    returns: list[tuple[KitAssemblyPart, int]] = []
    by_item = defaultdict(list)
    for part in parts:
        by_item[part.lot.item_id].append(part)
    for item_parts in by_item.values():
        # Per kit as it was assembled (the recipe may have changed since): total ÷ count.
        left = sum(p.quantity for p in item_parts) // assembly.count * count
        for part in reversed(item_parts):  # latest expiry back first
            give = min(left, part.quantity - part.returned)
            if give > 0:
                returns.append((part, give))
                left -= give
            if not left:
                break
    keys = [(site.pk, kit_lot.pk)] + [(site.pk, part.lot_id) for part, _give in returns]
    balances = lock_balances(keys, create=True)
    at = occurred_at or timezone.now()
    reason = _("%(count)d × %(kit)s taken apart") % {"count": count, "kit": kit_lot.item.name_zh}
    post_movement(
        balance=balances[(site.pk, kit_lot.pk)],
        quantity=-count,
        kind=MovementKind.KIT_DISASSEMBLY,
        actor=actor,
        reason=reason,
        source=_source(assembly),
        occurred_at=at,
    )
    for part, give in returns:
        post_movement(
            balance=balances[(site.pk, part.lot_id)],
            quantity=give,
            kind=MovementKind.KIT_DISASSEMBLY,
            actor=actor,
            reason=reason,
            source=_source(assembly),
            occurred_at=at,
        )
        part.returned += give
        part.save(update_fields=["returned"])
    assembly.disassembled += count
    assembly.save(update_fields=["disassembled"])
    return assembly
