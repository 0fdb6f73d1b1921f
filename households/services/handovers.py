"""Handing goods from the community's stock to a household, once per entitlement period.

Locking order (see `inventory.services.ledger`): the household row first — so two
volunteers at the same door at once are serialised there and the second one re-reads the
first one's handover — then the stock point's balances of the item, in (site, lot) order.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, InsufficientStock, NotPermitted, ValidationFailed
from core.transactions import atomic_retrying
from households.access import can_read_personal
from households.models import Entitlement, Handover, Household
from inventory.models import Item, MovementKind
from inventory.services.ledger import (
    MovementSource,
    fefo,
    is_expired,
    lock_item_balances,
    post_movement,
)
from logistics.models import CommunityStockPoint


def lock_household(household: Household) -> Household:
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("served_unit")
        .get(pk=household.pk)
    )


def entitlement_check(*, household: Household, item: Item, at: datetime) -> None:
    """Refuse a second handover of an entitled item inside its period, naming the date of
    the last one. Call with the household locked."""
    entitlement = Entitlement.objects.filter(item=item).first()
    if entitlement is None:
        return
    since = at - timedelta(days=entitlement.period_days)
    last = (
        Handover.objects.filter(household=household, item=item, handed_over_at__gt=since)
        .order_by("-handed_over_at")
        .first()
    )
    if last is not None:
        raise Conflict(
            _("Household #%(id)d already received %(item)s on %(day)s: one per %(days)d days.")
            % {
                "id": household.pk,
                "item": item.name_zh,
                "day": timezone.localtime(last.handed_over_at).date().isoformat(),
                "days": entitlement.period_days,
            },
            last_handover=timezone.localtime(last.handed_over_at).date().isoformat(),
        )


def take_from_stock_point(
    *,
    actor: AbstractBaseUser,
    household: Household,
    item: Item,
    quantity: int,
    handover: Handover,
) -> None:
    """Post the handover out of the community's stock: unexpired, unreserved stock, first
    expiry first out."""
    point = CommunityStockPoint.objects.filter(served_unit_id=household.served_unit_id).first()
    balances = []
    if point is not None:
        locked = lock_item_balances([(point.site_id, item.pk)])
        balances = fefo(b for b in locked if not is_expired(b.expiry))
    available = sum(b.on_hand - b.reserved for b in balances)
    if available < quantity:
        raise InsufficientStock(
            _("The community has %(available)d of %(item)s in stock, %(asked)d asked.")
            % {"available": available, "item": item.name_zh, "asked": quantity},
            available=available,
        )
    left = quantity
    for balance in balances:
        take = min(left, balance.on_hand - balance.reserved)
        if take <= 0:
            continue
        post_movement(
            balance=balance,
            quantity=-take,
            kind=MovementKind.HANDOVER,
            actor=actor,
            reason=_("Handed over to household #%(id)d") % {"id": household.pk},
            source=MovementSource(document_type="household_handover", document_id=handover.pk),
            occurred_at=handover.handed_over_at,
        )
        left -= take
        if not left:
            break


def handover_record(
    *,
    actor: AbstractBaseUser,
    household: Household,
    item: Item,
    quantity: int,
    occurred_at: datetime | None = None,
) -> Handover:
    """With the household's row locked: the entitlement re-checked, the handover written
    and posted out of the stock point — all or nothing."""
    if quantity < 1:
        raise ValidationFailed(_("Hand over at least one."))
    at = occurred_at or timezone.now()
    entitlement_check(household=household, item=item, at=at)
    handover = Handover.objects.create(
        household=household, item=item, quantity=quantity, handed_over_at=at, actor=actor
    )
    take_from_stock_point(
        actor=actor,
        household=household,
        item=item,
        quantity=quantity,
        handover=handover,
    )
    return handover


@atomic_retrying
def household_handover(
    *,
    actor: AbstractBaseUser,
    household: Household,
    item: Item,
    quantity: int,
    occurred_at: datetime | None = None,
) -> Handover:
    """A community worker hands goods from the community's stock to a household; an
    entitled item a second time inside its period is refused, naming the last date."""
    household = lock_household(household)
    if not can_read_personal(actor, household.served_unit):
        raise NotPermitted(_("Only the workers of this community hand over its stock."))
    return handover_record(
        actor=actor, household=household, item=item, quantity=quantity, occurred_at=occurred_at
    )
