"""A small, fully known world for the dashboards: one district → street → two communities,
masks and rice at two sites, one request delivered, one still waiting — dated in 2020, so
"today" has no activity and the default window moves to the last fortnight that had some.

    28 Jan 09:00  1,000 masks (expire 20 Feb) + 500 masks (expire 30 Jun) at cd-wh;
                  200 kg rice at cd-wh2                         (donor 成都市慈善总会)
    29 Jan 10:00  Yulin North asks 300 masks, needed by 31 Jan
    29 Jan 11:00  Yulin East asks 100 kg rice (never decided: still waiting)
    30 Jan 10:00  300 masks approved, allocated (first expiry first), shipped
    31 Jan 15:00  … delivered in full; 10 masks written off (damaged) at cd-wh
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from inventory.models import ItemCategory, OrganisationRole
from inventory.services import DonationLineInput, donation_receive, stock_adjust
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
)
from supply_requests.models import ServedUnitKind
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.factories import (
    ItemFactory,
    MembershipFactory,
    ServedUnitFactory,
    UnitMembershipFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DONOR = "成都市慈善总会"


def at(day: int, hour: int, month: int = 1) -> dt.datetime:
    return dt.datetime(2020, month, day, hour, tzinfo=SHANGHAI)


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def figures_uncached(settings):
    """Tests change the world between two reads of a figure: each read draws afresh
    (tests/dashboards/test_figure_cache.py turns the cache on)."""
    settings.DASHBOARD_FIGURE_CACHE_SECONDS = 0


@pytest.fixture
def tree(organisation, unit):
    """District → street → the `unit` community (Yulin North) and its sibling Yulin East."""
    district = ServedUnitFactory(
        code="wuhou", name="武侯区", name_en="Wuhou District", kind=ServedUnitKind.DISTRICT
    )
    street = ServedUnitFactory(
        code="yulin",
        name="玉林街道",
        name_en="Yulin Sub-district",
        kind=ServedUnitKind.STREET,
        parent=district,
    )
    unit.parent = street
    unit.name_en = "Yulin North Road Community"
    unit.save()
    east = ServedUnitFactory(code="yulin-east", name="玉林东路社区", parent=street)
    for served in (district, street, east):
        served.organisations.add(organisation)
    return SimpleNamespace(district=district, street=street, north=unit, east=east)


@pytest.fixture
def rice(db):
    return ItemFactory(
        code="rice",
        name_zh="大米",
        name_en="Rice",
        category=ItemCategory.ISOLATION_NECESSITY,
        base_unit="千克",
        expiry_tracked=False,
    )


@pytest.fixture
def world(tree, site, other_site, item, rice, staff, coordinator, worker):
    """The story above, run through the services; returns its people, places and things."""
    east_worker = UnitMembershipFactory(
        user=UserFactory(username="east-worker"), served_unit=tree.east
    ).user
    with travel(at(28, 9)):
        first = donation_receive(
            actor=staff,
            site=site,
            donor=DONOR,
            received_at=dt.date(2020, 1, 28),
            lines=[
                DonationLineInput(item=item, quantity=1000, expiry=dt.date(2020, 2, 20)),
                DonationLineInput(item=item, quantity=500, expiry=dt.date(2020, 6, 30)),
            ],
        )
        donation_receive(
            actor=staff,
            site=other_site,
            donor=DONOR,
            received_at=dt.date(2020, 1, 28),
            lines=[DonationLineInput(item=rice, quantity=200)],
        )
    with travel(at(29, 10)):
        masks = request_create(
            actor=worker,
            served_unit=tree.north,
            needed_by=dt.date(2020, 1, 31),
            lines=[RequestLineInput(item=item, quantity=300)],
        )
        masks = request_submit(actor=worker, request=masks)
    with travel(at(29, 11)):
        waiting = request_create(
            actor=east_worker,
            served_unit=tree.east,
            lines=[RequestLineInput(item=rice, quantity=100)],
        )
        waiting = request_submit(actor=east_worker, request=waiting)
    with travel(at(30, 10)):
        line = masks.lines.get()
        request_approve(actor=coordinator, request=masks, approved={line.pk: 300})
        allocation_commit(actor=coordinator, allocations=[AllocationInput(line.pk, site, 300)])
        shipment = shipment_create(actor=coordinator, site=site, served_unit=tree.north)
        shipment_dispatch(actor=coordinator, shipment=shipment)
    soon_lot = first.lines.get(expiry=dt.date(2020, 2, 20)).lot
    with travel(at(31, 15)):
        shipment_deliver(actor=worker, shipment=shipment)
        stock_adjust(
            actor=staff, site=site, lot=soon_lot, quantity=-10, reason="damaged", note="wet"
        )
    return SimpleNamespace(
        tree=tree,
        site=site,
        other_site=other_site,
        masks_item=item,
        rice=rice,
        staff=staff,
        coordinator=coordinator,
        worker=worker,
        east_worker=east_worker,
        delivered_request=masks,
        waiting_request=waiting,
        shipment=shipment,
        soon_lot=soon_lot,
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def stranger(db):
    """Signed in, but no organisation and no served unit: refused every dashboard."""
    return UserFactory(username="stranger")


@pytest.fixture
def other_coordinator(db):
    """A coordinator of another organisation (with its own unit and stock): sees only that."""
    return MembershipFactory(
        user=UserFactory(username="other-coordinator"), role=OrganisationRole.COORDINATOR
    ).user
