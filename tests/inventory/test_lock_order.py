"""Balances are locked in one order, (site, lot), whatever order the caller names them in:
two transactions locking the same shelves never wait on each other crosswise (issue 14,
a mutation that dropped the sort survived the suite)."""

import re

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from inventory.services.ledger import lock_balances, lock_item_balances
from tests.factories import ItemFactory


def _lots_in_lock_order(queries) -> list[int]:
    found = []
    for query in queries:
        sql = query["sql"]
        if "inventory_stockbalance" in sql and sql.lstrip().upper().startswith("SELECT"):
            match = re.search(r'"lot_id" = (\d+)', sql)
            if match:
                found.append(int(match.group(1)))
    return found


def test_lock_balances_locks_in_site_then_lot_order(db, site, other_site, receive):
    lots = [receive(10, at=s) for _ in range(3) for s in (site, other_site)]
    keys = [(lot.balances.get().site_id, lot.pk) for lot in lots]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = lock_balances(list(reversed(keys)), create=False)
    assert list(locked) == sorted(keys)
    assert _lots_in_lock_order(queries.captured_queries) == [lot for _site, lot in sorted(keys)]


def test_lock_item_balances_returns_the_shelves_in_site_then_lot_order(
    db, site, other_site, item, receive
):
    gloves = ItemFactory(code="gloves")
    for lot_item in (gloves, item, gloves, item):
        receive(5, at=other_site, lot_item=lot_item)
        receive(5, at=site, lot_item=lot_item)
    with transaction.atomic():
        shelves = lock_item_balances(
            [(other_site.pk, item.pk), (site.pk, gloves.pk), (site.pk, item.pk)]
        )
    keys = [(b.site_id, b.lot_id) for b in shelves]
    assert keys == sorted(keys) and len(keys) == 6
