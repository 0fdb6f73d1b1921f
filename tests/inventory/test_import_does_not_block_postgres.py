"""No warehouse waits behind an import (issue 19): while a bulk receipt's transaction is
still writing (before its roll-up and commit), a 1-line donation at the same site goes
through at once; afterwards both are in the ledger and the roll-up equals the ledger.
Needs real concurrent transactions, so it runs on PostgreSQL (CI does)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from inventory.models import DailyStockRollup, OrganisationRole
from inventory.selectors import ledger_mismatches
from inventory.services import (
    DonationInput,
    DonationLineInput,
    donation_receive,
    donation_receive_bulk,
    rollups_last,
)
from inventory.services.ledger import rollups_rebuild
from tests.conftest import requires_postgres
from tests.factories import ItemFactory, MembershipFactory, SiteFactory

pytestmark = [requires_postgres(), pytest.mark.postgres]


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_a_donation_at_the_site_does_not_wait_for_a_bulk_receipt_still_writing(
    transactional_db,
):
    membership = MembershipFactory(role=OrganisationRole.STAFF)
    actor, site = membership.user, SiteFactory(organisation=membership.organisation)
    masks = ItemFactory()
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def bulk_receipt() -> None:
        try:
            with transaction.atomic(), rollups_last():
                donation_receive_bulk(
                    actor=actor,
                    site=site,
                    donations=[
                        DonationInput(
                            donor=f"donor {n}",
                            received_at=dt.date(2020, 1, 28),
                            lines=[DonationLineInput(item=masks, quantity=10)],
                            occurred_at=noon(dt.date(2020, 1, 28)),
                        )
                        for n in range(50)
                    ],
                )
                written.set()  # everything written but the roll-up; the import goes on
                assert release.wait(30)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    importer = threading.Thread(target=bulk_receipt)
    importer.start()
    assert written.wait(30)
    start = time.perf_counter()
    donation_receive(
        actor=actor,
        site=site,
        donor="a walk-in donor",
        received_at=dt.date(2020, 1, 29),
        lines=[DonationLineInput(item=masks, quantity=1)],
        occurred_at=noon(dt.date(2020, 1, 29)),
    )
    waited = time.perf_counter() - start
    release.set()
    importer.join(30)
    assert not errors
    # It was not held until the import let go (the import still had the lock to take).
    assert waited < 10
    rows = dict(DailyStockRollup.objects.filter(site=site).values_list("day", "on_hand"))
    assert rows == {dt.date(2020, 1, 28): 500, dt.date(2020, 1, 29): 501}
    assert rollups_rebuild(dry_run=True).changed == 0
    assert ledger_mismatches() == []
