"""Many people dispatching from the same lot at the same moment can never ship more than was
there. Needs real concurrent transactions, so it runs on PostgreSQL (CI does)."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core.exceptions import InsufficientStock
from inventory.models import OrganisationRole, StockBalance, StockMovement
from inventory.selectors import ledger_mismatches
from inventory.services import DonationLineInput, donation_receive, stock_dispatch, stock_reserve
from tests.conftest import requires_postgres
from tests.factories import ItemFactory, MembershipFactory, SiteFactory

pytestmark = [requires_postgres(), pytest.mark.postgres]

THREADS = 16


def run_at_once(work, count):
    """Start `count` calls of `work(i)` together; each thread uses its own DB connection."""
    barrier = threading.Barrier(count)

    def call(i):
        barrier.wait()
        try:
            return work(i)
        except InsufficientStock:
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


@pytest.fixture
def shelf(transactional_db):
    membership = MembershipFactory(role=OrganisationRole.STAFF)
    site = SiteFactory(organisation=membership.organisation)
    donation = donation_receive(
        actor=membership.user,
        site=site,
        donor="d",
        received_at=dt.date(2020, 1, 28),
        lines=[DonationLineInput(item=ItemFactory(), quantity=100)],
    )
    return membership.user, site, donation.lines.get().lot


def test_parallel_dispatches_never_ship_more_than_the_lot_held(shelf):
    actor, site, lot = shelf

    def dispatch(i):
        return stock_dispatch(actor=actor, site=site, lot=lot, quantity=7, from_reserved=False)

    results = run_at_once(dispatch, THREADS)
    shipped = -sum(
        StockMovement.objects.filter(lot=lot, kind="dispatch").values_list("quantity", flat=True)
    )
    succeeded = sum(result is not None for result in results)
    assert succeeded == 100 // 7  # 14 of 16 fit; exactly those, no more
    assert shipped == succeeded * 7 <= 100
    assert StockBalance.objects.get(site=site, lot=lot).on_hand == 100 - shipped
    assert ledger_mismatches() == []


def test_parallel_reservations_never_promise_more_than_on_hand(shelf):
    actor, site, lot = shelf

    def reserve(i):
        return stock_reserve(actor=actor, site=site, lot=lot, quantity=30)

    results = run_at_once(reserve, THREADS)
    assert sum(result is not None for result in results) == 3
    assert StockBalance.objects.get(site=site, lot=lot).reserved == 90
