"""The household register over HTTP: register, list (the community's own workers only),
counts by category (anyone who may see the unit), handovers."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_support import idempotent
from core.api import Id, Page, get_visible, responses
from core.exceptions import ValidationFailed
from households import schemas
from households.models import Household, Round, RoundStop
from households.selectors import (
    PersonalRegister,
    household_summary,
    round_doors,
    rounds_visible,
)
from households.services import HouseholdInput, household_register
from households.services.handovers import household_handover
from households.services.rounds import round_close, round_plan, round_record_outcome
from inventory.api import items_by_code
from supply_requests.roles import descendant_ids, roles_for
from supply_requests.selectors import units_for

router = Router(tags=["households"])


def household_out(household: Household) -> dict:
    return {
        "id": household.pk,
        "served_unit": household.served_unit_id,
        "contact_name": household.contact_name,
        "phone": household.phone,
        "building": household.building,
        "unit": household.unit_no,
        "room": household.room,
        "members": household.members,
        "categories": sorted(c.category for c in household.categories.all()),
        "isolation_from": household.isolation_from,
        "isolation_until": household.isolation_until,
        "notes": household.notes,
        "flagged_elsewhere": bool(household.flags.all()),
        "erased": household.erased_at is not None,
    }


@router.post("/households", response=responses({201: schemas.HouseholdCreated}))
@decorate_view(idempotent)
def create_household(
    request: HttpRequest,
    payload: schemas.HouseholdIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Register a household of your community; the same phone or address there is a 409
    naming the household that has it."""
    unit = get_object_or_404(units_for(request.auth), pk=payload.served_unit)
    household = household_register(
        actor=request.auth,
        served_unit=unit,
        data=HouseholdInput(
            contact_name=payload.contact_name,
            phone=payload.phone,
            building=payload.building or payload.address,
            unit_no=payload.unit,
            room=payload.room,
            members=payload.members,
            categories=tuple(payload.categories),
            isolation_from=payload.isolation_from,
            isolation_until=payload.isolation_until,
            notes=payload.notes,
            consent=payload.consent,
        ),
    )
    return Status(201, {"id": household.pk, "flagged_elsewhere": household.flags.exists()})


@router.get("/households/summary", response=responses({200: schemas.HouseholdSummaryOut}))
def households_summary(request: HttpRequest, served_unit: Id = Query(...)):
    """Counts by category for anyone who may see the unit (and the units below it)."""
    unit = get_object_or_404(units_for(request.auth), pk=served_unit)
    return household_summary(unit_ids=descendant_ids({unit.pk})).as_dict()


class HouseholdsOut(Sequence):
    """The register as answered: each page read (and logged) on its own, as `household_out`."""

    def __init__(self, register: PersonalRegister):
        self.register = register

    def __len__(self) -> int:
        return len(self.register)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [household_out(h) for h in self.register[index]]
        return household_out(self.register[index])


@router.get("/households", response=responses({200: list[schemas.HouseholdOut]}))
@paginate(Page)
def list_households(request: HttpRequest, served_unit: Id = Query(...)):
    """The unit's households with personal fields, in the order of registration, a page at
    a time: its own workers only (403 otherwise)."""
    unit = get_object_or_404(units_for(request.auth), pk=served_unit)
    return HouseholdsOut(PersonalRegister(user=request.auth, unit=unit, purpose="api"))


@router.post("/households/{household_id}/handovers", response=responses({201: schemas.HandoverOut}))
@decorate_view(idempotent)
def create_handover(
    request: HttpRequest,
    household_id: Id,
    payload: schemas.HandoverIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Hand goods from the community's stock to one of its households; an entitled item
    again inside its period is a 409 naming the date of the last handover."""
    household = get_visible(
        Household.objects.filter(served_unit_id__in=roles_for(request.auth).worker_unit_ids),
        household_id,
    )
    item = items_by_code({payload.item})[payload.item]
    handover = household_handover(
        actor=request.auth, household=household, item=item, quantity=payload.quantity
    )
    return Status(
        201,
        {
            "id": handover.pk,
            "household": household.pk,
            "item": item.code,
            "quantity": handover.quantity,
            "handed_over_at": handover.handed_over_at,
        },
    )


def round_out(request: HttpRequest, round_: Round) -> dict:
    return {
        "id": round_.pk,
        "served_unit": round_.served_unit_id,
        "volunteer": round_.volunteer_id,
        "status": round_.status,
        "doors": [vars(door) for door in round_doors(user=request.auth, round_=round_)],
    }


@router.post("/rounds", response=responses({201: schemas.RoundOut}))
@decorate_view(idempotent)
def create_round(
    request: HttpRequest,
    payload: schemas.RoundIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Plan a door-to-door round for a volunteer of your community: every household gets
    `quantity` of `item`, reserved now at the community's stock point."""
    unit = get_object_or_404(units_for(request.auth), pk=payload.served_unit)
    volunteer = get_user_model().objects.filter(pk=payload.volunteer, is_active=True).first()
    if volunteer is None:
        raise ValidationFailed(_("Unknown volunteer."))
    item = items_by_code({payload.item})[payload.item]
    households = list(Household.objects.filter(pk__in=payload.households))
    if len(households) != len(set(payload.households)):
        raise ValidationFailed(_("Some of these households are not registered here."))
    planned = round_plan(
        actor=request.auth,
        served_unit=unit,
        volunteer=volunteer,
        item=item,
        quantity=payload.quantity,
        households=households,
    )
    return Status(201, round_out(request, planned))


@router.get("/rounds/{round_id}", response=responses({200: schemas.RoundOut}))
def get_round(request: HttpRequest, round_id: Id):
    """The door list: in full for the community's workers, phones masked for the volunteer
    (while the round is open)."""
    return round_out(request, get_visible(rounds_visible(request.auth), round_id))


@router.post(
    "/rounds/{round_id}/stops/{stop_id}/outcome", response=responses({200: schemas.RoundOut})
)
def record_outcome(request: HttpRequest, round_id: Id, stop_id: Id, payload: schemas.OutcomeIn):
    """What happened at one door; handed over and left at the door post the handover."""
    round_ = get_visible(rounds_visible(request.auth), round_id)
    stop = get_visible(RoundStop.objects.filter(round=round_), stop_id)
    round_record_outcome(actor=request.auth, stop=stop, outcome=payload.outcome)
    return round_out(request, round_)


@router.post("/rounds/{round_id}/close", response=responses({200: schemas.RoundOut}))
def close_round(request: HttpRequest, round_id: Id):
    """Close the round: what was not handed over returns to the community's stock."""
    round_ = get_visible(rounds_visible(request.auth), round_id)
    round_ = round_close(actor=request.auth, round_=round_)
    return round_out(request, round_)
