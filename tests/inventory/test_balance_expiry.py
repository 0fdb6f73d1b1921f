"""A balance carries its lot's expiry (dashboards read the shelves by it without the lot
table): every way a balance row is made copies it, and verify_ledger catches a copy that
drifted."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inventory.models import StockBalance
from inventory.selectors import balance_lot_mismatches
from inventory.services import (
    DonationInput,
    DonationLineInput,
    TransferLineInput,
    donation_receive_bulk,
    stock_transfer,
)
from tests.conftest import RECEIVED

EXPIRES = dt.date(2021, 6, 30)


def test_a_receipt_and_a_transfer_copy_the_lots_expiry(staff, site, other_site, receive):
    lot = receive(100, expiry=EXPIRES)
    stock_transfer(
        actor=staff,
        from_site=site,
        to_site=other_site,
        lines=[TransferLineInput(lot=lot, quantity=40)],
    )
    assert dict(StockBalance.objects.values_list("site_id", "expiry")) == {
        site.pk: EXPIRES,
        other_site.pk: EXPIRES,
    }
    assert balance_lot_mismatches() == []


def test_the_bulk_receipt_copies_each_lines_expiry(staff, site, item):
    donation_receive_bulk(
        actor=staff,
        site=site,
        donations=[
            DonationInput(
                donor="壹基金",
                received_at=RECEIVED,
                lines=[
                    DonationLineInput(item=item, quantity=5, expiry=EXPIRES),
                    DonationLineInput(item=item, quantity=7),
                ],
            )
        ],
    )
    assert sorted(StockBalance.objects.values_list("on_hand", "expiry")) == [
        (5, EXPIRES),
        (7, None),
    ]
    assert balance_lot_mismatches() == []


def test_verify_ledger_reports_a_balance_whose_expiry_drifted(site, receive, capsys):
    lot = receive(100, expiry=EXPIRES)
    StockBalance.objects.filter(lot=lot).update(expiry=EXPIRES + dt.timedelta(days=1))
    with pytest.raises(SystemExit) as exited:
        call_command("verify_ledger")
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"site={site.code} lot={lot.pk}" in err
    assert "item or expiry differs from its lot's" in err


@pytest.fixture
def back_to_the_latest_migrations():
    """Later tests need every migration (newer ones than 0004 add columns): go back to the
    leaves however this test ends."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_balances_their_lots_expiry(back_to_the_latest_migrations):
    before = [("inventory", "0003_daily_stock_rollup")]
    after = [("inventory", "0004_balance_expiry")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organisation = old.get_model("inventory", "Organisation").objects.create(code="o", name_zh="o")
    site = old.get_model("inventory", "Site").objects.create(organisation=organisation, code="s")
    item = old.get_model("inventory", "Item").objects.create(
        code="i", name_zh="i", category="protective"
    )
    Lot, Balance = old.get_model("inventory", "Lot"), old.get_model("inventory", "StockBalance")
    dated = Lot.objects.create(item=item, expiry=EXPIRES, received_at=RECEIVED)
    undated = Lot.objects.create(item=item, received_at=RECEIVED)
    for lot in (dated, undated):
        Balance.objects.create(site=site, lot=lot, item=item, on_hand=1)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    assert dict(StockBalance.objects.values_list("lot_id", "expiry")) == {
        dated.pk: EXPIRES,
        undated.pk: None,
    }
