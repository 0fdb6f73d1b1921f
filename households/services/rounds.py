"""Door-to-door rounds: a worker plans a round for a volunteer (households, what each gets,
ordered by building); the goods are put aside (reserved) at the community's stock point;
at each door the volunteer records what happened; closing the round gives back whatever
was not handed over.

Locking order (see `inventory.services.ledger`): the round, then its stop, then the
household, then the round's reservation rows (by id), then the stock point's balances in
(site, lot) order. A plain handover takes the household, then balances: the same order.
"""

import re
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import (
    Conflict,
    IllegalTransition,
    InsufficientStock,
    NotPermitted,
    ValidationFailed,
)
from core.transactions import atomic_retrying
from households.access import can_read_personal
from households.models import (
    DELIVERED_OUTCOMES,
    Handover,
    Household,
    Outcome,
    Round,
    RoundReservation,
    RoundStatus,
    RoundStop,
    Volunteer,
)
from households.services.handovers import entitlement_check, lock_household
from inventory.models import Item, MovementKind
from inventory.services.ledger import (
    MovementSource,
    change_reservation,
    fefo,
    is_expired,
    lock_balances,
    lock_item_balances,
    post_movement,
)
from logistics.models import CommunityStockPoint
from supply_requests.models import ServedUnit

MAX_DOORS = 500


def is_volunteer_of(user: AbstractBaseUser, unit: ServedUnit) -> bool:
    return Volunteer.objects.filter(user_id=user.pk, served_unit=unit).exists()


def _door_order(household: Household) -> tuple:
    # Building, unit, room as people number them ("3栋" before "12栋"): digits compared
    # as numbers, the rest as text. Decrypted in Python: the columns hold only tokens.
    def key(text: str) -> tuple:
        return tuple(
            (0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.findall(r"\d+|\D+", text)
        )

    return (key(household.building), key(household.unit_no), key(household.room), household.pk)


@atomic_retrying
def round_plan(
    *,
    actor: AbstractBaseUser,
    served_unit: ServedUnit,
    volunteer: AbstractBaseUser,
    item: Item,
    quantity: int,
    households: list[Household],
) -> Round:
    """Plan a round: every household gets `quantity` of `item`; the total is reserved at the
    community's stock point now, so two rounds never promise the same stock."""
    if not can_read_personal(actor, served_unit):
        raise NotPermitted(_("Only the workers of this community plan its rounds."))
    if not (is_volunteer_of(volunteer, served_unit) or can_read_personal(volunteer, served_unit)):
        raise ValidationFailed(
            _("%(user)s is not a volunteer of %(unit)s.")
            % {"user": volunteer.get_username(), "unit": served_unit.name}
        )
    if not 1 <= quantity <= 1_000:
        raise ValidationFailed(_("Each household gets between 1 and 1000."))
    ids = {h.pk for h in households}
    if not 1 <= len(ids) <= MAX_DOORS:
        raise ValidationFailed(_("Choose between 1 and %(max)d households.") % {"max": MAX_DOORS})
    found = list(
        Household.objects.filter(pk__in=ids, served_unit=served_unit, erased_at__isnull=True)
    )
    if len(found) != len(ids):
        raise ValidationFailed(_("Some of these households are not registered here."))
    now = timezone.now()
    for household in found:
        entitlement_check(household=household, item=item, at=now)
    point = CommunityStockPoint.objects.filter(served_unit=served_unit).first()
    total = quantity * len(found)
    balances = []
    if point is not None:
        locked = lock_item_balances([(point.site_id, item.pk)])
        balances = fefo(b for b in locked if not is_expired(b.expiry))
    available = sum(b.on_hand - b.reserved for b in balances)
    if available < total:
        raise InsufficientStock(
            _("The community has %(available)d of %(item)s in stock, %(asked)d asked.")
            % {"available": available, "item": item.name_zh, "asked": total},
            available=available,
        )
    planned = Round.objects.create(served_unit=served_unit, volunteer=volunteer, planned_by=actor)
    left = total
    for balance in balances:
        take = min(left, balance.on_hand - balance.reserved)
        if take <= 0:
            continue
        change_reservation(balance=balance, delta=take)
        RoundReservation.objects.create(round=planned, lot_id=balance.lot_id, quantity=take)
        left -= take
        if not left:
            break
    RoundStop.objects.bulk_create(
        RoundStop(round=planned, household=h, item=item, quantity=quantity, position=i)
        for i, h in enumerate(sorted(found, key=_door_order), start=1)
    )
    return planned


def _lock_open_round(round_: Round) -> Round:
    locked = (
        Round.objects.select_for_update(of=("self",))
        .select_related("served_unit")
        .get(pk=round_.pk)
    )
    if locked.status != RoundStatus.OPEN:
        raise IllegalTransition(_("Round #%(id)d is closed.") % {"id": locked.pk})
    return locked


def _may_work_round(actor: AbstractBaseUser, round_: Round) -> bool:
    return actor.pk == round_.volunteer_id or can_read_personal(actor, round_.served_unit)


def _hand_over_from_round(
    *, actor: AbstractBaseUser, round_: Round, stop: RoundStop, at: datetime
) -> Handover:
    household = lock_household(stop.household)
    entitlement_check(household=household, item=stop.item, at=at)
    handover = Handover.objects.create(
        household=household, item=stop.item, quantity=stop.quantity, handed_over_at=at, actor=actor
    )
    reservations = list(
        RoundReservation.objects.select_for_update(of=("self",))
        .filter(round=round_, lot__item_id=stop.item_id)
        .order_by("pk")
    )
    point = CommunityStockPoint.objects.get(served_unit_id=round_.served_unit_id)
    balances = lock_balances([(point.site_id, r.lot_id) for r in reservations], create=False)
    left = stop.quantity
    for reservation in reservations:
        take = min(left, reservation.quantity - reservation.released - reservation.used)
        if take <= 0:
            continue
        post_movement(
            balance=balances[(point.site_id, reservation.lot_id)],
            quantity=-take,
            kind=MovementKind.HANDOVER,
            actor=actor,
            reason=_("Handed over to household #%(id)d") % {"id": household.pk},
            source=MovementSource(document_type="household_handover", document_id=handover.pk),
            consume_reserved=take,
            occurred_at=at,
        )
        reservation.used += take
        reservation.save(update_fields=["used"])
        left -= take
        if not left:
            break
    if left:  # cannot happen while stops × quantity = what was reserved; never half a write
        raise Conflict(_("This round has nothing left to hand over."))
    return handover


@atomic_retrying
def round_record_outcome(
    *,
    actor: AbstractBaseUser,
    stop: RoundStop,
    outcome: str,
    occurred_at: datetime | None = None,
) -> RoundStop:
    """At the door: handed over / left at the door (both post a handover out of the
    round's reserved stock) / not at home / refused. The same outcome twice (a double tap)
    changes nothing; a different one once recorded is refused."""
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        raise ValidationFailed(_("Choose what happened at this door."))
    round_ = _lock_open_round(stop.round)
    if not _may_work_round(actor, round_):
        raise NotPermitted(_("This is not your round."))
    stop = (
        RoundStop.objects.select_for_update(of=("self",))
        .select_related("household", "item")
        .get(pk=stop.pk, round=round_)
    )
    if stop.outcome != Outcome.PENDING:
        if stop.outcome == outcome:
            return stop
        raise Conflict(
            _("This door is already recorded: %(outcome)s.")
            % {"outcome": stop.get_outcome_display()}
        )
    at = occurred_at or timezone.now()
    if outcome in DELIVERED_OUTCOMES:
        stop.handover = _hand_over_from_round(actor=actor, round_=round_, stop=stop, at=at)
    stop.outcome, stop.outcome_at, stop.recorded_by = outcome, at, actor
    stop.save(update_fields=["outcome", "outcome_at", "recorded_by", "handover"])
    return stop


@atomic_retrying
def round_close(*, actor: AbstractBaseUser, round_: Round) -> Round:
    """Close the round: what it put aside and did not hand over is released to the
    community's stock again. Doors not visited stay 'not visited'."""
    round_ = _lock_open_round(round_)
    if not _may_work_round(actor, round_):
        raise NotPermitted(_("This is not your round."))
    reservations = list(
        RoundReservation.objects.select_for_update(of=("self",))
        .filter(round=round_)
        .filter(~Q(quantity=0))
        .order_by("pk")
    )
    point = CommunityStockPoint.objects.filter(served_unit_id=round_.served_unit_id).first()
    if reservations and point is not None:
        balances = lock_balances([(point.site_id, r.lot_id) for r in reservations], create=False)
        for reservation in reservations:
            rest = reservation.quantity - reservation.used - reservation.released
            if rest > 0:
                change_reservation(
                    balance=balances[(point.site_id, reservation.lot_id)], delta=-rest
                )
                reservation.released += rest
                reservation.save(update_fields=["released"])
    round_.status, round_.closed_at, round_.closed_by = RoundStatus.CLOSED, timezone.now(), actor
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    return round_
