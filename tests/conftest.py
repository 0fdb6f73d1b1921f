"""Shared fixtures: the three personas of every permission test (healthchecks' habit) —
a member of the organisation, a member of another one, and an outsider."""

import datetime as dt

import pytest
from django.db import connection

from inventory.models import OrganisationRole
from inventory.services import DonationLineInput, donation_receive
from tests.factories import (
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

RECEIVED = dt.date(2020, 1, 28)


def requires_postgres() -> pytest.MarkDecorator:
    """Skip, saying why, unless the suite runs on PostgreSQL (DATABASE_URL=postgres://…)."""
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (.ci/run does) — skipped on "
        f"{connection.vendor}",
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.2 s per user; tests prove roles, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(code="cd-culture", name_zh="成都市社区文化发展中心")


@pytest.fixture
def site(organisation):
    return SiteFactory(organisation=organisation, code="cd-wh")


@pytest.fixture
def other_site(organisation):
    return SiteFactory(organisation=organisation, code="cd-wh2")


@pytest.fixture
def staff(organisation):
    return MembershipFactory(
        user=UserFactory(username="staff"), organisation=organisation, role=OrganisationRole.STAFF
    ).user


@pytest.fixture
def coordinator(organisation):
    return MembershipFactory(
        user=UserFactory(username="coordinator"),
        organisation=organisation,
        role=OrganisationRole.COORDINATOR,
    ).user


@pytest.fixture
def outsider(db):
    """Staff of another organisation: must be refused everything of ours."""
    return MembershipFactory(user=UserFactory(username="outsider")).user


@pytest.fixture
def item(db):
    return ItemFactory(code="n95", name_zh="医用防护口罩", name_en="N95 mask")


@pytest.fixture
def receive(staff, site, item):
    """Receive `quantity` of an item at a site and return the new lot."""

    def _receive(quantity, *, at=None, lot_item=None, expiry=None, batch=""):
        donation = donation_receive(
            actor=staff,
            site=at or site,
            donor="成都市慈善总会",
            received_at=RECEIVED,
            lines=[
                DonationLineInput(
                    item=lot_item or item, quantity=quantity, expiry=expiry, batch=batch
                )
            ],
        )
        return donation.lines.get().lot

    return _receive
