"""The personas of the privacy matrix: the community's worker, a worker of a sibling
community (same street), a worker of the street above, a coordinator and staff of the
organisation serving it, an outsider, anonymous; and households registered through the
service."""

import datetime as dt

import pytest

from households.services import HouseholdInput, household_register
from supply_requests.models import ServedUnitKind
from tests.api.conftest import ApiClient
from tests.factories import ServedUnitFactory, UnitMembershipFactory, UserFactory

PHONE = "13812345678"


@pytest.fixture
def street(organisation):
    street = ServedUnitFactory(code="yulin-street", name="玉林街道", kind=ServedUnitKind.STREET)
    street.organisations.add(organisation)
    return street


@pytest.fixture
def unit(organisation, street):
    community = ServedUnitFactory(
        code="yulin-north", name="玉林北路社区", households=800, parent=street
    )
    community.organisations.add(organisation)
    return community


@pytest.fixture
def sibling(organisation, street):
    community = ServedUnitFactory(code="yulin-east", name="玉林东路社区", parent=street)
    community.organisations.add(organisation)
    return community


@pytest.fixture
def sibling_worker(sibling):
    return UnitMembershipFactory(user=UserFactory(username="sibling"), served_unit=sibling).user


@pytest.fixture
def street_worker(street):
    return UnitMembershipFactory(user=UserFactory(username="street"), served_unit=street).user


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def register(worker, unit):
    def _register(phone=PHONE, *, by=None, at=None, **fields):
        data = {
            "contact_name": "张阿姨",
            "phone": phone,
            "building": "3栋",
            "unit_no": "2单元",
            "room": "401室",
            "members": 2,
            "categories": ("home_isolation", "elderly_alone"),
            "isolation_from": dt.date(2020, 2, 1),
            "isolation_until": dt.date(2020, 2, 14),
            "notes": "糖尿病，需要胰岛素",
            "consent": True,
            **fields,
        }
        return household_register(
            actor=by or worker, served_unit=at or unit, data=HouseholdInput(**data)
        )

    return _register


@pytest.fixture
def api():
    return ApiClient


# What must never reach anyone outside the community.
PERSONAL = (
    "张阿姨",
    PHONE,
    "401室",
    "胰岛素",
    "3栋",
)  # never digits alone: a token on the page could hold them


@pytest.fixture
def delivered(planned, coordinator, worker):
    """100 masks delivered to the community (40 damaged on the way): 60 in its stock point."""
    from logistics.models import DiscrepancyReason
    from logistics.services import Receipt, shipment_deliver, shipment_dispatch
    from logistics.services.community_stock import community_stock_point

    _request, shipment = planned
    # The community keeps a register (its first household makes the point).
    community_stock_point(shipment.served_unit)
    shipment = shipment_dispatch(actor=coordinator, shipment=shipment)
    line = shipment.lines.get()
    return shipment_deliver(
        actor=worker,
        shipment=shipment,
        receipts={line.pk: Receipt(60, reason=DiscrepancyReason.DAMAGED)},
    )


@pytest.fixture
def weekly(item):
    from households.models import Entitlement

    return Entitlement.objects.create(item=item, period_days=7)


@pytest.fixture
def volunteer(unit):
    from households.models import Volunteer

    user = UserFactory(username="volunteer")
    Volunteer.objects.create(user=user, served_unit=unit)
    return user


@pytest.fixture
def idle_volunteer(unit):
    """A volunteer of the community with no round."""
    from households.models import Volunteer

    user = UserFactory(username="idle-volunteer")
    Volunteer.objects.create(user=user, served_unit=unit)
    return user


@pytest.fixture
def two_doors(register):
    """Two households, registered out of door order (12栋 before 3栋)."""
    far = register("13900000012", building="12栋", unit_no="1单元", room="101")
    near = register()
    return near, far


@pytest.fixture
def planned_round(delivered, two_doors, worker, volunteer, unit, item):
    from households.services.rounds import round_plan

    return round_plan(
        actor=worker,
        served_unit=unit,
        volunteer=volunteer,
        item=item,
        quantity=5,
        households=list(two_doors),
    )
