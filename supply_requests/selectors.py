"""Reads of requests and served units, already scoped to the user who asks."""

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

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


def need_of(people_served: int, unit: ServedUnit) -> tuple[int, str]:
    """The weight of a request in a fair share, and what it was based on."""
    if people_served > 0:
        return people_served, _("people served")
    if unit.isolated_households > 0:
        return unit.isolated_households, _("households in isolation")
    if unit.households > 0:
        return unit.households, _("households")
    return 1, _("no need figures given")


def tier_of(priority: str, frontline_medical: bool) -> int:
    return 0 if frontline_medical else _TIER[priority]


def open_demands(
    *, actor: User, item_ids: list[int]
) -> tuple[dict[int, list[Demand]], dict[int, dict]]:
    """Approved, not yet allocated request lines of the units the actor coordinates."""
    lines = (
        SupplyRequestLine.objects.filter(
            item_id__in=item_ids,
            request__status__in=ACTIVE_STATUSES,
            request__served_unit__in=coordinated_units(actor),
            quantity_approved__gt=F("quantity_allocated"),
        )
        .select_related("request__served_unit")
        .order_by("pk")
    )
    by_item: dict[int, list[Demand]] = defaultdict(list)
    info: dict[int, dict] = {}
    for line in lines:
        request, unit = line.request, line.request.served_unit
        need, basis = need_of(request.people_served, unit)
        by_item[line.item_id].append(
            Demand(
                line_id=line.pk,
                item_id=line.item_id,
                tier=tier_of(request.priority, unit.frontline_medical),
                need=need,
                outstanding=line.quantity_outstanding,
            )
        )
        info[line.pk] = {
            "request_id": request.pk,
            "unit_id": unit.pk,
            "unit_name": unit.name,
            "need_basis": basis,
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
