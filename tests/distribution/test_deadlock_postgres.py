"""Dispatch and allocation of the same item at the same site, interleaved: no deadlock, no
500 — and the controls that show the interleaving (and the race) are real (issue 14).

Before issue 14 the locks had no `of=`: `_lock_shipment` (select_related site, unit) locked
the warehouse's Site row, and an allocation's `lock_lines` (select_related item) locked the
Item row. Dispatch then waited for the item, allocation for the site: PostgreSQL's
`deadlock detected`, a 500 from the API.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.models.query import QuerySet

import core.transactions
from core.exceptions import DomainError, InsufficientStock
from inventory.models import StockBalance
from logistics.models import Allocation, AllocationStatus, ShipmentStatus
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_dispatch,
)
from logistics.services import shipments as shipment_services
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.conftest import requires_postgres
from tests.factories import ServedUnitFactory, UnitMembershipFactory, UserFactory

pytestmark = [requires_postgres(), pytest.mark.postgres]


def _approved_for(unit, item, coordinator, quantity):
    worker = UnitMembershipFactory(user=UserFactory(), served_unit=unit).user
    request = request_create(
        actor=worker, served_unit=unit, lines=[RequestLineInput(item=item, quantity=quantity)]
    )
    request = request_submit(actor=worker, request=request)
    line = request.lines.get()
    return request_approve(actor=coordinator, request=request, approved={line.pk: quantity})


def _someone_waits_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        # Inside a transaction PostgreSQL keeps serving its first activity snapshot.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def conflicts(monkeypatch):
    """Every deadlock or serialization failure the service boundary saw (and retried)."""
    seen: list[BaseException] = []
    real = core.transactions.is_retryable

    def recording(error):
        retryable = real(error)
        if retryable:
            seen.append(error)
        return retryable

    monkeypatch.setattr(core.transactions, "is_retryable", recording)
    return seen


@pytest.fixture
def crossing(monkeypatch, coordinator, organisation, site, unit, item, receive, approved):
    """Run dispatch of unit A's shipment and allocation for unit B's request (same item, same
    site) so that dispatch has locked its shipment and then lets allocation go first, until
    allocation waits on a lock (or is done) — the interleaving that deadlocked."""
    receive(300)
    first = approved(100)
    allocation_commit(
        actor=coordinator, allocations=[AllocationInput(first.lines.get().pk, site, 100)]
    )
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    other_unit = ServedUnitFactory(code="yulin-south", name="玉林南路社区")
    other_unit.organisations.add(organisation)
    second = _approved_for(other_unit, item, coordinator, 80)

    shipment_locked, allocation_done = threading.Event(), threading.Event()
    real_lock_lines = shipment_services.lock_lines

    def lock_lines_after_the_allocation_moved(line_ids):
        if not shipment_locked.is_set():
            shipment_locked.set()
            deadline = time.monotonic() + 10
            while not allocation_done.is_set() and time.monotonic() < deadline:
                if _someone_waits_for_a_lock():
                    break
                time.sleep(0.02)
        return real_lock_lines(line_ids)

    monkeypatch.setattr(shipment_services, "lock_lines", lock_lines_after_the_allocation_moved)
    outcomes: dict[str, object] = {}

    def dispatch():
        try:
            shipment_dispatch(actor=coordinator, shipment=shipment)
            outcomes["dispatch"] = "ok"
        except Exception as error:  # the test reports whatever happened
            outcomes["dispatch"] = error
        finally:
            shipment_locked.set()
            connection.close()

    def allocate():
        shipment_locked.wait(10)
        try:
            allocation_commit(
                actor=coordinator,
                allocations=[AllocationInput(second.lines.get().pk, site, 80)],
            )
            outcomes["allocate"] = "ok"
        except Exception as error:
            outcomes["allocate"] = error
        finally:
            allocation_done.set()
            connection.close()

    def run() -> dict[str, object]:
        threads = [threading.Thread(target=dispatch), threading.Thread(target=allocate)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return outcomes

    return run, shipment, second


@pytest.mark.django_db(transaction=True)
def test_dispatch_and_allocation_interleaved_do_not_deadlock(crossing, conflicts):
    run, shipment, second = crossing
    assert run() == {"dispatch": "ok", "allocate": "ok"}
    assert conflicts == []  # not even one deadlock retried away
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DISPATCHED
    assert second.lines.get().quantity_allocated == 80
    balance = StockBalance.objects.get()
    assert (balance.on_hand, balance.reserved) == (200, 80)


def _locks_of_before_issue_14(monkeypatch):
    """`select_for_update` as it was called before: no `of`, no `no_key`."""
    real = QuerySet.select_for_update

    def old_style(self, nowait=False, skip_locked=False, of=(), no_key=False):
        return real(self, nowait=nowait, skip_locked=skip_locked)

    monkeypatch.setattr(QuerySet, "select_for_update", old_style)


@pytest.mark.django_db(transaction=True)
def test_control_with_the_old_locks_the_same_interleaving_deadlocks(
    crossing, conflicts, monkeypatch
):
    _locks_of_before_issue_14(monkeypatch)
    run, _shipment, _second = crossing
    outcomes = run()
    # PostgreSQL broke a real deadlock; the service boundary retried the victim, so the
    # client still gets an answer (never a 500) — but the harness saw the deadlock.
    assert any(getattr(e.__cause__, "pgcode", None) == "40P01" for e in conflicts), outcomes
    assert all(o == "ok" or isinstance(o, DomainError) for o in outcomes.values()), outcomes


@pytest.mark.django_db(transaction=True)
def test_control_without_locks_two_coordinators_promise_the_same_box_twice(
    coordinator, site, approved, receive, monkeypatch
):
    """With the row locks removed, the race the locks exist for really happens: both read
    50 available and both reserve it (a lost update). The locked version of this race is
    `test_concurrency_postgres.test_two_coordinators_race_for_the_last_stock`."""
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)
    receive(50)
    first, second = approved(50), approved(50)
    both_read = threading.Barrier(2, timeout=10)
    from logistics.services import allocations as allocation_services

    real_write = allocation_services.update_rows

    def write_after_both_read(model, objects, fields):
        # The commit checks what it read, then writes every balance in one statement.
        both_read.wait()
        return real_write(model, objects, fields)

    monkeypatch.setattr(allocation_services, "update_rows", write_after_both_read)
    outcomes: list[str] = []

    def allocate(request):
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
        thread.join(30)
    assert outcomes == ["ok", "ok"]
    promised = sum(
        Allocation.objects.filter(status=AllocationStatus.RESERVED).values_list(
            "quantity", flat=True
        )
    )
    assert (promised, StockBalance.objects.get().reserved) == (100, 50)  # oversold
