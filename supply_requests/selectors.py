"""Reads of requests and served units, already scoped to the user who asks."""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.exceptions import NotPermitted
from inventory.models import OrganisationRole
from inventory.permissions import User
from notifications.selectors import organisation_members
from supply_requests.models import (
    ACTIVE_STATUSES,
    Priority,
    ServedUnit,
    SupplyRequest,
    SupplyRequestLine,
)
from supply_requests.planning import Demand
from supply_requests.roles import roles_for

_TIER = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


def units_for(user: User) -> QuerySet[ServedUnit]:
    """Units the user may see: her own (community worker), or those her organisations serve."""
    roles = roles_for(user)
    if roles.is_admin:
        return ServedUnit.objects.all()
    return ServedUnit.objects.filter(
        Q(pk__in=roles.worker_unit_ids) | Q(organisations__in=roles.organisation_ids)
    ).distinct()


def unit_for(user: User, pk: int) -> ServedUnit | None:
    """The unit if the user may see it (as `units_for`), else None. Her own units and an
    administrator's are read by key alone — no join through the organisations and no
    DISTINCT to compile and run, on every request a worker sends (issue 19)."""
    roles = roles_for(user)
    units = (
        ServedUnit.objects.all()
        if roles.is_admin or pk in roles.worker_unit_ids
        else units_for(user)
    )
    try:
        return units.get(pk=pk)  # get(), not first(): no ORDER BY to build for one key
    except ServedUnit.DoesNotExist:
        return None


def coordinated_units(user: User) -> QuerySet[ServedUnit]:
    roles = roles_for(user)
    if roles.is_admin:
        return ServedUnit.objects.all()
    return ServedUnit.objects.filter(organisations__in=roles.coordinator_organisation_ids)


def unknown_lines_for_coordinator(user: User, line_ids: Iterable[int]) -> list[int]:
    """Of these request-line ids, those the user does not coordinate (or that do not
    exist): a commit naming one answers 404, never the other organisation's unit. Someone
    who coordinates nowhere is refused for the role itself, naming nothing."""
    roles = roles_for(user)
    if not (roles.is_admin or roles.is_coordinator):
        raise NotPermitted(_("Only coordinators may allocate stock."))
    wanted = set(line_ids)
    known = set(
        SupplyRequestLine.objects.filter(
            pk__in=wanted, request__served_unit__in=coordinated_units(user)
        ).values_list("pk", flat=True)
    )
    return sorted(wanted - known)


def requests_for(user: User) -> QuerySet[SupplyRequest]:
    return SupplyRequest.objects.filter(served_unit__in=units_for(user)).select_related(
        "served_unit", "requested_by"
    )


@dataclass(frozen=True)
class Need:
    """A unit's weight in a fair share and where it came from (`basis` is a code of
    `NEED_BASIS`, translated where it is shown). `claimed` is the people served the requests
    said; `capped` when that was more than the directory's figure and the figure was used."""

    value: int
    basis: str
    claimed: int = 0
    capped: bool = False


NEED_BASIS = {
    "people_served": _("people served, as requested"),
    "population": _("registered population"),
    "isolated_households": _("households in isolation"),
    "households": _("households"),
    "none": _("no need figures given"),
}


def directory_need(unit: "ServedUnit | _DirectoryFigures") -> tuple[int, str] | None:
    """The directory's figure for a unit: registered population, else households in
    isolation, else households; None when it has none."""
    for basis in ("population", "isolated_households", "households"):
        value = getattr(unit, basis)
        if value > 0:
            return value, basis
    return None


def need_of(claimed: int, unit: "ServedUnit | _DirectoryFigures") -> Need:
    """A unit's need: the people its requests say they serve, but never more than the
    directory's figure for the unit (so a request cannot inflate its share); without a
    claim, the directory's figure; without either, 1."""
    directory = directory_need(unit)
    if claimed > 0:
        if directory is not None and claimed > directory[0]:
            return Need(directory[0], directory[1], claimed=claimed, capped=True)
        return Need(claimed, "people_served", claimed=claimed)
    if directory is not None:
        return Need(directory[0], directory[1])
    return Need(1, "none")


def tier_of(priority: str, frontline_medical: bool) -> int:
    return 0 if frontline_medical else _TIER[priority]


@dataclass(frozen=True, slots=True)
class _DirectoryFigures:
    """The directory's figures of a unit, as `directory_need` reads them."""

    population: int
    isolated_households: int
    households: int


def open_demands(
    *, actor: User, item_ids: list[int]
) -> tuple[dict[int, list[Demand]], dict[int, dict]]:
    """Approved, not yet allocated request lines of the units the actor coordinates.

    Read as tuples of the columns used, not as model instances, and each unit's figures once
    rather than on every line: at 140,000 lines, building the lines, their requests and
    their units was most of a plan's time (bench/plan_http.py)."""
    rows = list(
        SupplyRequestLine.objects.filter(
            item_id__in=item_ids,
            request__status__in=ACTIVE_STATUSES,
            request__served_unit__in=coordinated_units(actor),
            quantity_approved__gt=F("quantity_allocated"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "item_id",
            "quantity_approved",
            "quantity_allocated",
            "request_id",
            "request__priority",
            "request__people_served",
            "request__served_unit_id",
        )
    )
    units = {
        pk: (name, frontline, _DirectoryFigures(population, isolated, households))
        for pk, name, frontline, population, isolated, households in ServedUnit.objects.filter(
            pk__in={row[7] for row in rows}
        ).values_list(
            "pk", "name", "frontline_medical", "population", "isolated_households", "households"
        )
    }
    # One need per unit and item, whatever number of requests carry it: the largest claim.
    claims: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        key = (row[7], row[1])
        if row[6] > claims[key]:
            claims[key] = row[6]
    by_item: dict[int, list[Demand]] = defaultdict(list)
    info: dict[int, dict] = {}
    needs: dict[tuple[int, int], Need] = {}
    for line_id, item_id, approved, allocated, request_id, priority, _claim, unit_id in rows:
        unit_name, frontline_medical, figures = units[unit_id]
        claimed = claims[(unit_id, item_id)]
        need = needs.get((unit_id, claimed))
        if need is None:
            need = needs[(unit_id, claimed)] = need_of(claimed, figures)
        by_item[item_id].append(
            Demand(
                line_id,
                item_id,
                0 if frontline_medical else _TIER[priority],  # tier_of, inlined
                need.value,
                approved - allocated,
                unit_id,
            )
        )
        info[line_id] = {
            "request_id": request_id,
            "unit_id": unit_id,
            "unit_name": unit_name,
            "need_basis": need.basis,
            "need_claimed": need.claimed,
            "need_capped": need.capped,
        }
    return by_item, info


def unit_coordinators(unit_ids: Collection[int]) -> dict[int, set[int]]:
    """Active coordinators of the organisations serving each unit (two queries)."""
    served_by = ServedUnit.organisations.through.objects.filter(
        servedunit_id__in=set(unit_ids)
    ).values_list("servedunit_id", "organisation_id")
    organisations_of: dict[int, set[int]] = defaultdict(set)
    for unit_id, organisation_id in served_by:
        organisations_of[unit_id].add(organisation_id)
    all_organisations = set().union(*organisations_of.values()) if organisations_of else set()
    coordinators = organisation_members(all_organisations, [OrganisationRole.COORDINATOR])
    return {
        unit_id: set().union(*(coordinators.get(o, set()) for o in organisation_ids))
        for unit_id, organisation_ids in organisations_of.items()
    }
