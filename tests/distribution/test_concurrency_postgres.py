"""Two coordinators allocate the last stock at the same moment: exactly one succeeds."""

import threading

import pytest
from django.db import connection

from core.exceptions import InsufficientStock
from inventory.models import StockBalance
from logistics.models import Allocation
from logistics.services import AllocationInput, allocation_commit
from tests.conftest import requires_postgres

pytestmark = [requires_postgres(), pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_race_for_the_last_stock(coordinator, site, approved, receive):
    receive(50)
    first, second = approved(50), approved(50)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(request):
        barrier.wait()
        try:
            allocation_commit(
                actor=coordinator,
                allocations=[AllocationInput(request.lines.get().pk, site, 50)],
            )
            outcomes.append("ok")
        except InsufficientStock:
            outcomes.append("short")
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "short"]
    assert StockBalance.objects.get().reserved == 50
    assert Allocation.objects.count() == 1
