"""Issue 20: what a community confirms as delivered arrives in its own stock point, so the
ledger continues to the household (donor → lot → organisation site → community → household).

Called once from `shipment_deliver`, after the shipment's own lines and returns are
recorded, in the same transaction. Locking: the stock point's balances are taken after the
shipping site's. Only the last-mile services (handovers, rounds, kits at a stock point)
lock a stock point's balances, and they never lock an organisation site's as well, so this
adds no crosswise wait.

A community has a stock point from the moment it keeps a household register (its first
registered household makes it, `community_stock_point`); from then on its deliveries arrive
there. A unit without one is delivered to as before: the goods leave the ledger at dispatch.

Existing data: nothing is migrated. Deliveries confirmed before a community's register
existed made no community stock (those goods were handed out outside the tracker), so a
stock point starts empty and fills from the next delivery on.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from inventory.models import MovementKind, Organisation, Site
from inventory.services.ledger import MovementSource, lock_balances, post_movement
from logistics.models import CommunityStockPoint, Shipment
from supply_requests.models import ServedUnit


def community_stock_point(unit: ServedUnit) -> CommunityStockPoint:
    """The unit's stock point, made when it starts its household register: a site of an
    organisation of its own (no members), so no organisation's stock pages, plans or
    allocations see it."""
    point = CommunityStockPoint.objects.filter(served_unit=unit).select_related("site").first()
    if point is not None:
        return point
    owner, _created = Organisation.objects.get_or_create(
        code=f"unit-{unit.pk}"[:40],
        defaults={"name_zh": _("%(unit)s (community stock)") % {"unit": unit.name}},
    )
    site, _created = Site.objects.get_or_create(
        code=f"unit-{unit.pk}-store"[:40],
        defaults={
            "organisation": owner,
            "name": _("%(unit)s stock point") % {"unit": unit.name},
        },
    )
    point, _created = CommunityStockPoint.objects.get_or_create(
        served_unit=unit, defaults={"site": site}
    )
    return point


def community_stock_receive(
    *, actor: AbstractBaseUser, shipment: Shipment, occurred_at: datetime | None = None
) -> int:
    """Post what arrived (each line's `quantity_received`, same lot) into the receiving
    community's stock point; returns the quantity posted. A unit without one: nothing."""
    point = CommunityStockPoint.objects.filter(served_unit_id=shipment.served_unit_id).first()
    if point is None:
        return 0
    lines = [line for line in shipment.lines.order_by("pk") if line.quantity_received]
    if not lines:
        return 0
    site = point.site
    balances = lock_balances([(site.pk, line.lot_id) for line in lines], create=True)
    for line in lines:
        post_movement(
            balance=balances[(site.pk, line.lot_id)],
            quantity=line.quantity_received,
            kind=MovementKind.COMMUNITY_RECEIPT,
            actor=actor,
            reason=_("Delivered by shipment #%(id)d") % {"id": shipment.pk},
            source=MovementSource(document_type="shipment_line", document_id=line.pk),
            occurred_at=occurred_at,
        )
    return sum(line.quantity_received for line in lines)
