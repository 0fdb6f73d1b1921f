"""Two volunteers at the same door at the same moment hand over a family kit once: the
household row is locked first and the entitlement re-checked under the lock. Needs real
concurrent transactions, so it runs on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core.exceptions import Conflict
from households.models import Handover
from households.services.handovers import household_handover
from inventory.models import StockMovement
from inventory.selectors import ledger_mismatches
from tests.conftest import requires_postgres

pytestmark = [requires_postgres(), pytest.mark.postgres]


def test_two_handovers_at_once_hand_over_once(
    transactional_db, delivered, register, worker, item, weekly
):
    household = register()
    barrier = threading.Barrier(2)

    def hand_over(_i):
        barrier.wait()
        try:
            return household_handover(actor=worker, household=household, item=item, quantity=1)
        except Conflict as refused:
            return refused
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(hand_over, range(2)))
    assert sum(isinstance(r, Handover) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Handover.objects.count() == 1
    assert StockMovement.objects.filter(kind="handover").count() == 1
    assert ledger_mismatches() == []
