"""Shipments: planned from reservations, dispatched out of the ledger, confirmed on delivery.

Locking order (see `inventory.services.ledger`): the shipment, then the requests and lines it
carries, then its allocations, then stock balances.

Expired stock leaves only when a coordinator released it with a reason: a reservation whose
lot has expired since (and was not released) is refused when the shipment is planned or
dispatched, and the reason of a release is on the shipment line, the waybill and the
dispatch movement.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import MovementKind, Site
from inventory.permissions import require_site_manager
from inventory.services.ledger import (
    MovementSource,
    is_expired,
    lock_balances,
    post_movement,
    today,
)
from inventory.services.ledger_bulk import MovementInput, lock_site_balances, post_movements
from logistics.models import (
    Allocation,
    AllocationStatus,
    DiscrepancyReason,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    ShipmentStatusChange,
)
from logistics.services.allocations import lock_lines
from logistics.services.community_stock import community_stock_receive
from logistics.services.notices import shipment_delivered_notify, shipment_dispatched_notify
from logistics.services.proof import DeliveryProof, delivery_proof_apply
from supply_requests.models import ACTIVE_STATUSES, ServedUnit
from supply_requests.roles import can_coordinate, can_request_for, require_coordinator
from supply_requests.services import request_line_record, request_lines_record


@dataclass(frozen=True)
class Waybill:
    vehicle: str = ""
    driver: str = ""
    contact: str = ""
    planned_at: datetime | None = None


@dataclass(frozen=True)
class Receipt:
    """What arrived of one shipment line; a shortfall needs a reason."""

    quantity_received: int
    reason: str = ""
    note: str = ""


def _lock_shipment(shipment: Shipment, *, expect: str, to: str) -> Shipment:
    locked = (
        Shipment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("site", "served_unit")
        .get(pk=shipment.pk)
    )
    if locked.status != expect:
        raise IllegalTransition(
            _("Shipment #%(id)d is %(status)s; it cannot become %(to)s.")
            % {
                "id": locked.pk,
                "status": locked.get_status_display(),
                "to": ShipmentStatus(to).label,
            },
            current=locked.status,
        )
    return locked


def _refuse_unreleased_expired(lines: list) -> None:
    """Refuse to ship a lot that has expired unless its release was decided (with a reason)."""
    day = today()
    for line in lines:
        if is_expired(line.lot.expiry, on=day) and not line.expired_release_reason:
            raise IllegalTransition(
                _(
                    "Lot %(lot)s expired on %(expiry)s and was not released: release the "
                    "reservation and allocate fresh stock, or release the expired stock on "
                    "purpose with a reason."
                )
                % {"lot": line.lot_id, "expiry": line.lot.expiry.isoformat()},
                current=ShipmentStatus.PLANNED,
            )


def _record(shipment: Shipment, *, to: str, actor: AbstractBaseUser, note: str = "") -> Shipment:
    previous = shipment.status
    shipment.status = to
    shipment.save()
    ShipmentStatusChange.objects.create(
        shipment=shipment, from_status=previous, to_status=to, actor=actor, note=note
    )
    return shipment


@atomic_retrying
def shipment_create(
    *,
    actor: AbstractBaseUser,
    site: Site,
    served_unit: ServedUnit,
    waybill: Waybill = Waybill(),
) -> Shipment:
    """Plan a shipment of everything reserved at `site` for `served_unit`'s open requests."""
    require_coordinator(actor, served_unit)
    require_site_manager(actor, site)
    candidates = Allocation.objects.filter(
        site=site,
        status=AllocationStatus.RESERVED,
        request_line__request__served_unit=served_unit,
        request_line__request__status__in=ACTIVE_STATUSES,
    )
    line_ids = list(candidates.values_list("request_line_id", flat=True).distinct())
    if not line_ids:
        raise ValidationFailed(
            _("Nothing is reserved at %(site)s for %(unit)s.")
            % {"site": site.name, "unit": served_unit.name}
        )
    lines = lock_lines(line_ids)
    # Re-read under lock: another coordinator may have shipped or released some meanwhile.
    # Only lines locked above: a reservation made since for another line waits for the next
    # shipment (taking it would write a line this transaction does not hold).
    allocations = list(
        candidates.filter(request_line_id__in=lines)
        .select_for_update(of=("self",), no_key=True)
        .select_related("lot")
        .order_by("pk")
    )
    if not allocations:
        raise ValidationFailed(_("The reserved stock was taken by another shipment."))
    _refuse_unreleased_expired(allocations)
    shipment = Shipment.objects.create(
        site=site,
        served_unit=served_unit,
        created_by=actor,
        vehicle=waybill.vehicle,
        driver=waybill.driver,
        contact=waybill.contact,
        planned_at=waybill.planned_at,
    )
    for allocation in allocations:
        ShipmentLine.objects.create(
            shipment=shipment,
            allocation=allocation,
            request_line=lines[allocation.request_line_id],
            item_id=allocation.lot.item_id,
            lot=allocation.lot,
            quantity=allocation.quantity,
            expired_release_reason=allocation.expired_release_reason,
        )
        allocation.status = AllocationStatus.IN_SHIPMENT
        allocation.save(update_fields=["status"])
    ShipmentStatusChange.objects.create(
        shipment=shipment, from_status="", to_status=ShipmentStatus.PLANNED, actor=actor
    )
    return shipment


@atomic_retrying
def shipment_cancel(*, actor: AbstractBaseUser, shipment: Shipment, note: str = "") -> Shipment:
    """Call off a planned shipment; its stock stays reserved for the same lines."""
    shipment = _lock_shipment(shipment, expect=ShipmentStatus.PLANNED, to=ShipmentStatus.CANCELLED)
    require_coordinator(actor, shipment.served_unit)
    Allocation.objects.filter(shipment_lines__shipment=shipment).update(
        status=AllocationStatus.RESERVED
    )
    return _record(shipment, to=ShipmentStatus.CANCELLED, actor=actor, note=note)


@atomic_retrying
def shipment_dispatch(
    *, actor: AbstractBaseUser, shipment: Shipment, occurred_at: datetime | None = None
) -> Shipment:
    """The truck leaves: every line's reservation becomes a dispatch movement in the ledger."""
    shipment = _lock_shipment(shipment, expect=ShipmentStatus.PLANNED, to=ShipmentStatus.DISPATCHED)
    require_coordinator(actor, shipment.served_unit)
    require_site_manager(actor, shipment.site)
    shipment_lines = list(shipment.lines.select_related("lot").order_by("pk"))
    _refuse_unreleased_expired(shipment_lines)
    request_lines = lock_lines([line.request_line_id for line in shipment_lines])
    allocations = Allocation.objects.select_for_update(of=("self",), no_key=True).in_bulk(
        sorted(line.allocation_id for line in shipment_lines)
    )
    balances = lock_site_balances(shipment.site_id, [line.lot_id for line in shipment_lines])
    moves = []
    dispatched: dict[int, int] = defaultdict(int)
    for line in shipment_lines:
        line.allocation = allocations[line.allocation_id]
        reason = _("Shipment #%(id)d to %(unit)s") % {
            "id": shipment.pk,
            "unit": shipment.served_unit.name,
        }
        if line.expired_release_reason:
            reason = _("%(reason)s; expired stock released: %(why)s") % {
                "reason": reason,
                "why": line.expired_release_reason,
            }
        moves.append(
            MovementInput(
                balance=balances[(shipment.site_id, line.lot_id)],
                quantity=-line.quantity,
                kind=MovementKind.DISPATCH,
                reason=reason,
                consume_reserved=line.quantity,
                source=MovementSource(document_type="shipment_line", document_id=line.pk),
            )
        )
        line.allocation.status = AllocationStatus.DISPATCHED
        dispatched[line.request_line_id] += line.quantity
    # Set-wise (issue 19): the same checks per line, a fixed number of statements per
    # dispatch — movements, balances, roll-up, allocations, lines — however many lines.
    post_movements(moves=moves, actor=actor, occurred_at=occurred_at)
    Allocation.objects.filter(pk__in=[line.allocation_id for line in shipment_lines]).update(
        status=AllocationStatus.DISPATCHED
    )
    request_lines_record(
        actor=actor,
        lines=[request_lines[line_id] for line_id in sorted(dispatched)],
        dispatched=dispatched,
    )
    shipment.dispatched_at = occurred_at or timezone.now()
    shipment = _record(shipment, to=ShipmentStatus.DISPATCHED, actor=actor)
    shipment_dispatched_notify(shipment=shipment, actor_id=actor.pk)
    return shipment


def _require_receiver(actor: AbstractBaseUser, unit: ServedUnit) -> None:
    if not (can_request_for(actor, unit) or can_coordinate(actor, unit)):
        raise NotPermitted(
            _("Only %(unit)s or its coordinators can confirm this delivery.") % {"unit": unit.name}
        )


@atomic_retrying
def shipment_deliver(
    *,
    actor: AbstractBaseUser,
    shipment: Shipment,
    receipts: Mapping[int, Receipt] | None = None,
    occurred_at: datetime | None = None,
    proof: DeliveryProof | None = None,
) -> Shipment:
    """The receiving side confirms what arrived, per line (lines not mentioned arrived in
    full). A shortfall is a discrepancy with a reason: goods returned to the site go back
    into its stock with a return movement; lost or damaged goods had already left the ledger
    at dispatch and are recorded on the line. Short quantities become outstanding on their
    request lines again, to be re-allocated or closed short. `occurred_at` is when it was
    received (a confirmation made offline carries its own time); `proof` the handover time
    and photo."""
    receipts = receipts or {}
    shipment = _lock_shipment(
        shipment, expect=ShipmentStatus.DISPATCHED, to=ShipmentStatus.DELIVERED
    )
    _require_receiver(actor, shipment.served_unit)
    shipment_lines = {line.pk: line for line in shipment.lines.order_by("pk")}
    unknown = set(receipts) - set(shipment_lines)
    if unknown:
        raise ValidationFailed(
            _("Shipment #%(id)d has no line(s) %(lines)s.")
            % {"id": shipment.pk, "lines": ", ".join(map(str, sorted(unknown)))}
        )
    for line_id, receipt in receipts.items():
        line = shipment_lines[line_id]
        if not 0 <= receipt.quantity_received <= line.quantity:
            raise ValidationFailed(
                _("Line %(line)d: received must be between 0 and the %(qty)d shipped.")
                % {"line": line_id, "qty": line.quantity}
            )
        if (
            receipt.quantity_received < line.quantity
            and receipt.reason not in DiscrepancyReason.values
        ):
            raise ValidationFailed(
                _("Line %(line)d: say why %(short)d did not arrive (lost, damaged or returned).")
                % {"line": line_id, "short": line.quantity - receipt.quantity_received}
            )
    request_lines = lock_lines([line.request_line_id for line in shipment_lines.values()])
    returns = [
        line
        for line in shipment_lines.values()
        if line.pk in receipts
        and receipts[line.pk].quantity_received < line.quantity
        and receipts[line.pk].reason == DiscrepancyReason.RETURNED
    ]
    balances = lock_balances([(shipment.site_id, line.lot_id) for line in returns], create=True)
    discrepancy = any(
        receipt.quantity_received < shipment_lines[line_id].quantity
        for line_id, receipt in receipts.items()
    )
    shipment.delivered_at = occurred_at or timezone.now()
    delivery_proof_apply(
        actor=actor, shipment=shipment, delivered_at=shipment.delivered_at, proof=proof
    )
    # The shipment arrives first; the requests it fulfils follow (the story reads that way).
    _record(
        shipment,
        to=ShipmentStatus.DELIVERED_WITH_DISCREPANCY if discrepancy else ShipmentStatus.DELIVERED,
        actor=actor,
    )
    for line in shipment_lines.values():
        receipt = receipts.get(line.pk, Receipt(quantity_received=line.quantity))
        short = line.quantity - receipt.quantity_received
        line.quantity_received = receipt.quantity_received
        line.discrepancy_reason = receipt.reason if short else ""
        line.note = receipt.note[:200]
        line.save(update_fields=["quantity_received", "discrepancy_reason", "note"])
        if short and line.discrepancy_reason == DiscrepancyReason.RETURNED:
            post_movement(
                balance=balances[(shipment.site_id, line.lot_id)],
                quantity=short,
                kind=MovementKind.RETURN,
                actor=actor,
                reason=_("Returned from shipment #%(id)d") % {"id": shipment.pk},
                source=MovementSource(document_type="shipment_line", document_id=line.pk),
                occurred_at=occurred_at,
            )
        request_line = request_lines[line.request_line_id]
        request_line_record(
            actor=actor,
            request=request_line.request,
            line=request_line,
            allocated=-short,
            dispatched=-short,
            delivered=receipt.quantity_received,
            short=short,
        )
    # Issue 20: what arrived goes on into the community's own stock point.
    community_stock_receive(actor=actor, shipment=shipment, occurred_at=occurred_at)
    shipment_delivered_notify(shipment=shipment, actor_id=actor.pk)
    return shipment
