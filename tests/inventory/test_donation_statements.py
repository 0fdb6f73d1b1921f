"""A donation costs a fixed number of statements, not a number per line (issue 19): 5 lines
and 50 make the same statements, and every line still becomes its lot, balance, receipt
and roll-up."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import DailyStockRollup, Lot, StockBalance, StockMovement
from inventory.services import DonationLineInput, donation_receive
from inventory.services.ledger import rollups_rebuild
from tests.factories import ItemFactory


def receive(staff, site, size: int):
    items = [ItemFactory() for _ in range(size)]
    with CaptureQueriesContext(connection) as queries:
        donation = donation_receive(
            actor=staff,
            site=site,
            donor="成都市慈善总会",
            received_at=dt.date.today(),
            lines=[
                DonationLineInput(item=item, quantity=10 + n, expiry=dt.date(2099, 1, 1))
                for n, item in enumerate(items)
            ],
        )
    return donation, items, len(queries)


def test_five_lines_or_fifty_cost_the_same_statements(staff, site):
    receive(staff, site, 1)  # the donor is new only once (and so written only once)
    _donation, _items, five = receive(staff, site, 5)
    donation, items, fifty = receive(staff, site, 50)
    assert fifty == five
    lots = Lot.objects.filter(donation_line__donation=donation)
    assert lots.count() == 50 and {lot.donor.name for lot in lots} == {"成都市慈善总会"}
    balances = StockBalance.objects.filter(lot__in=lots)
    assert sorted(b.on_hand for b in balances) == list(range(10, 60))
    assert {b.expiry for b in balances} == {dt.date(2099, 1, 1)}
    receipts = StockMovement.objects.filter(donation_line__donation=donation, kind="receipt")
    assert sorted(m.quantity for m in receipts) == list(range(10, 60))
    rows = DailyStockRollup.objects.filter(site=site, item__in=items)
    assert sorted(r.received for r in rows) == list(range(10, 60))
    assert rollups_rebuild(dry_run=True).changed == 0
