"""Roll-up rows are shared by every movement of a site, item and day. Many people posting
at one warehouse at once — several items in opposite orders, back-dated and current — must
neither deadlock nor lose a count: the roll-up still equals the ledger afterwards."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from inventory.models import OrganisationRole
from inventory.selectors import ledger_mismatches
from inventory.services import DonationLineInput, donation_receive, stock_adjust
from inventory.services.ledger import rollups_rebuild
from tests.conftest import requires_postgres
from tests.factories import ItemFactory, MembershipFactory, SiteFactory

pytestmark = [requires_postgres(), pytest.mark.postgres]

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKERS = 8


@pytest.fixture
def warehouse(transactional_db):
    membership = MembershipFactory(role=OrganisationRole.STAFF)
    site = SiteFactory(organisation=membership.organisation)
    return membership.user, site, [ItemFactory() for _ in range(3)]


def run_together(job, count: int) -> list:
    barrier = threading.Barrier(count)

    def guarded(index):
        barrier.wait()
        try:
            return job(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(guarded, range(count)))


@pytest.mark.django_db(transaction=True)
def test_donations_of_the_same_items_in_opposite_orders_neither_deadlock_nor_lose_counts(
    warehouse,
):
    actor, site, items = warehouse

    def receive(index):
        order = items if index % 2 else items[::-1]
        for round_ in range(3):
            donation_receive(
                actor=actor,
                site=site,
                donor="d",
                received_at=dt.date(2020, 1, 28),
                lines=[DonationLineInput(item=item, quantity=10 + index) for item in order],
                occurred_at=dt.datetime(2020, 1, 28 + round_, 10, tzinfo=SHANGHAI),
            )
        return "ok"

    assert run_together(receive, WORKERS) == ["ok"] * WORKERS
    assert rollups_rebuild(dry_run=True).changed == 0
    assert ledger_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_back_dated_and_current_movements_at_once_keep_every_later_day_right(warehouse):
    actor, site, items = warehouse
    lot = (
        donation_receive(
            actor=actor,
            site=site,
            donor="d",
            received_at=dt.date(2020, 1, 20),
            lines=[DonationLineInput(item=items[0], quantity=1000)],
            occurred_at=dt.datetime(2020, 1, 20, 9, tzinfo=SHANGHAI),
        )
        .lines.get()
        .lot
    )

    def adjust(index):
        # Half insert new later days, half go back in time under them.
        day = 30 - index if index % 2 else 21 + index
        stock_adjust(
            actor=actor,
            site=site,
            lot=lot,
            quantity=index + 1,
            reason="found",
            occurred_at=dt.datetime(2020, 1, day, 12, tzinfo=SHANGHAI),
        )
        return "ok"

    assert run_together(adjust, WORKERS) == ["ok"] * WORKERS
    assert rollups_rebuild(dry_run=True).changed == 0
