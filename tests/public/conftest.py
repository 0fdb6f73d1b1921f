"""A publishing organisation's world, and a second organisation that does not publish."""

import pytest

from inventory.models import Donor
from inventory.services import DonationLineInput, donation_receive
from logistics.services import shipment_create, shipment_deliver, shipment_dispatch
from public.services import donor_consent_set, publication_set
from supply_requests.models import ServedUnitKind
from supply_requests.services import RequestLineInput, request_create, request_submit
from tests.conftest import RECEIVED
from tests.factories import (
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    ServedUnitFactory,
    SiteFactory,
    UnitMembershipFactory,
    UserFactory,
)


def give(actor, site, donor, item, quantity):
    return donation_receive(
        actor=actor,
        site=site,
        donor=donor,
        received_at=RECEIVED,
        lines=[DonationLineInput(item=item, quantity=quantity)],
    )


@pytest.fixture
def gloves(db):
    return ItemFactory(code="gloves", name_zh="医用手套", name_en="Medical gloves", base_unit="副")


@pytest.fixture
def world(staff, coordinator, organisation, site, unit, worker, item, gloves, approved, allocate):
    """Published: 100 N95 from a charity, 60 of them delivered to 玉林北路社区 (which asked for
    100); 50 from a private person who did not agree to be named, 30 from one who did; a
    second community asks for gloves, quantity unknown. Not published: another
    organisation with its own donor and community."""
    district = ServedUnitFactory(
        code="wuhou", name="武侯区", name_en="Wuhou", kind=ServedUnitKind.DISTRICT
    )
    unit.parent = district
    unit.contact = "王主任 13900000000"
    unit.save()
    publication_set(actor=staff, organisation=organisation, published=True)
    charity = Donor.objects.create(name="成都市慈善总会", kind="foundation")
    give(staff, site, charity, item, 100)
    request = approved(100, people_served=2000)
    allocate(request, 60)
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    shipment_dispatch(actor=coordinator, shipment=shipment)
    shipment_deliver(actor=coordinator, shipment=shipment)
    private = Donor.objects.create(name="张三", kind="individual", contact="13800000001")
    give(staff, site, private, item, 50)
    named = Donor.objects.create(name="李四", kind="individual")
    give(staff, site, named, gloves, 30)
    donor_consent_set(actor=staff, organisation=organisation, donor=named, name_public=True)
    second = ServedUnitFactory(code="yulin-south", name="玉林南路社区", parent=district)
    second.organisations.add(organisation)
    second_worker = UnitMembershipFactory(served_unit=second, user=UserFactory()).user
    unknown = request_create(
        actor=second_worker,
        served_unit=second,
        lines=[RequestLineInput(item=gloves, quantity=None)],
    )
    request_submit(actor=second_worker, request=unknown)

    hidden_org = OrganisationFactory(code="hidden", name_zh="不公开的机构")
    hidden_staff = MembershipFactory(organisation=hidden_org).user
    hidden_site = SiteFactory(organisation=hidden_org, code="hidden-wh")
    hidden_donor = Donor.objects.create(name="秘密公司", kind="company")
    give(hidden_staff, hidden_site, hidden_donor, item, 70)
    hidden_unit = ServedUnitFactory(code="hidden-unit", name="秘密社区")
    hidden_unit.organisations.add(hidden_org)
    hidden_worker = UnitMembershipFactory(served_unit=hidden_unit, user=UserFactory()).user
    hidden_request = request_create(
        actor=hidden_worker,
        served_unit=hidden_unit,
        lines=[RequestLineInput(item=item, quantity=10)],
    )
    request_submit(actor=hidden_worker, request=hidden_request)
    return {
        "charity": charity,
        "private": private,
        "named": named,
        "hidden_donor": hidden_donor,
        "hidden_org": hidden_org,
        "shipment": shipment,
        "district": district,
    }


@pytest.fixture(autouse=True)
def no_kept_pages():
    """Each test starts with no public page kept in this process (the shared cache is
    emptied by tests/conftest.py's `fresh_cache`)."""
    from public.pages import forget_local_pages

    forget_local_pages()
    yield
    forget_local_pages()


def forget_pages() -> None:
    """As when every cached copy of the pages has expired (at most a minute)."""
    from django.core.cache import cache

    from public.pages import forget_local_pages

    cache.clear()
    forget_local_pages()
