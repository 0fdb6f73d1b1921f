"""`roles_for` reads a user's roles in one statement: her organisations by role, and her
served units with every unit below them, however deep, and nothing beside them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import OrganisationRole
from supply_requests.roles import descendant_ids, roles_for
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServedUnitFactory,
    UnitMembershipFactory,
    UserFactory,
)


def test_roles_come_in_one_statement_with_every_unit_below_her_own(db):
    district = ServedUnitFactory(kind="district")
    street = ServedUnitFactory(kind="street", parent=district)
    communities = [ServedUnitFactory(parent=street) for _ in range(2)]
    deeper = ServedUnitFactory(parent=communities[0])  # the tree is not limited to 3 levels
    other_district = ServedUnitFactory(kind="district")
    ServedUnitFactory(parent=other_district)
    user = UserFactory(username="district-worker")
    UnitMembershipFactory(user=user, served_unit=district)
    UnitMembershipFactory(user=user, served_unit=communities[1])  # already below the district
    coordinated, staffed = OrganisationFactory(), OrganisationFactory()
    MembershipFactory(user=user, organisation=coordinated, role=OrganisationRole.COORDINATOR)
    MembershipFactory(user=user, organisation=staffed, role=OrganisationRole.STAFF)

    with CaptureQueriesContext(connection) as queries:
        roles = roles_for(user)
    assert len(queries) == 1
    mine = {district.pk, street.pk, *(c.pk for c in communities), deeper.pk}
    assert roles.worker_unit_ids == mine == descendant_ids({district.pk})
    assert roles.coordinator_organisation_ids == {coordinated.pk}
    assert roles.staff_organisation_ids == {staffed.pk}
    assert not roles.is_admin


def test_someone_without_memberships_has_no_roles(db):
    roles = roles_for(UserFactory(username="nobody"))
    assert not (roles.worker_unit_ids or roles.organisation_ids or roles.is_admin)
