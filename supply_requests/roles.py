"""The one role model: what a user is, and for which organisations and served units.

- organisation staff: record donations and keep stock at their organisation's sites;
- coordinators: approve, allocate and dispatch for the units their organisation serves;
- community workers: request supplies for their own served units (and the units below);
- administrators (superusers): everything, through the admin.

Every page, API endpoint and service asks these functions; nothing re-derives the rules.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from inventory.models import OrganisationMembership, OrganisationRole
from inventory.permissions import User
from supply_requests.models import ServedUnit, ServedUnitMembership


@dataclass(frozen=True)
class Roles:
    is_admin: bool = False
    staff_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    worker_unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.staff_organisation_ids)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_organisation_ids)

    @property
    def is_community_worker(self) -> bool:
        return bool(self.worker_unit_ids)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return self.staff_organisation_ids | self.coordinator_organisation_ids


def descendant_ids(unit_ids: set[int]) -> set[int]:
    """The given units and every unit below them (one query per level of the tree)."""
    found, frontier = set(unit_ids), set(unit_ids)
    while frontier:
        frontier = (
            set(ServedUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return found


def roles_for(user: User) -> Roles:
    """The user's roles, worked out once per user object (each request loads its user anew,
    so this lives exactly as long as one request; measured: three of the API's ~20 queries
    per request were the same role look-ups repeated)."""
    if not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, "_relief_roles", None)
    if cached is not None:
        return cached
    user._relief_roles = _roles_from_database(user)
    return user._relief_roles


def _roles_from_database(user: User) -> Roles:
    """One statement: the user's organisation memberships and her served units with every
    unit below them (a recursive walk down the tree; UNION stops at a unit already found).
    Plain SQL because the ORM was the measured cost: three queries (four for a district
    worker), compiled on every API call, were a sixth of a submission's CPU (issue 19)."""
    memberships = OrganisationMembership._meta.db_table
    unit_memberships = ServedUnitMembership._meta.db_table
    units = ServedUnit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE mine(id) AS (
                SELECT served_unit_id FROM {unit_memberships} WHERE user_id = %s
                UNION
                SELECT unit.id FROM {units} unit JOIN mine ON unit.parent_id = mine.id
            )
            SELECT NULL, id FROM mine
            UNION ALL
            SELECT role, organisation_id FROM {memberships} WHERE user_id = %s
            """,
            [user.pk, user.pk],
        )
        rows = cursor.fetchall()
    staff, coordinator, worker_units = set(), set(), set()
    for role, pk in rows:
        if role is None:
            worker_units.add(pk)
        else:
            (coordinator if role == OrganisationRole.COORDINATOR else staff).add(pk)
    return Roles(
        is_admin=user.is_superuser,
        staff_organisation_ids=frozenset(staff),
        coordinator_organisation_ids=frozenset(coordinator),
        worker_unit_ids=frozenset(worker_units),
    )


def can_request_for(user: User, unit: ServedUnit) -> bool:
    """A community worker for her own units; an administrator for any."""
    roles = roles_for(user)
    return roles.is_admin or unit.pk in roles.worker_unit_ids


def can_coordinate(user: User, unit: ServedUnit) -> bool:
    """A coordinator of an organisation that serves the unit; an administrator for any."""
    roles = roles_for(user)
    if roles.is_admin:
        return True
    return unit.organisations.filter(pk__in=roles.coordinator_organisation_ids).exists()


def require_requester(user: User, unit: ServedUnit) -> None:
    if not can_request_for(user, unit):
        raise NotPermitted(
            _("You may not act for %(unit)s: it is not one of your served units.")
            % {"unit": unit.name}
        )


def require_coordinator(user: User, unit: ServedUnit) -> None:
    if not can_coordinate(user, unit):
        raise NotPermitted(_("You do not coordinate supplies for %(unit)s.") % {"unit": unit.name})


def require_requester_or_coordinator(user: User, unit: ServedUnit) -> None:
    """The requesting community's own workers, or the coordinators who serve it."""
    if not (can_request_for(user, unit) or can_coordinate(user, unit)):
        raise NotPermitted(
            _("Only %(unit)s or its coordinators may do this.") % {"unit": unit.name}
        )
