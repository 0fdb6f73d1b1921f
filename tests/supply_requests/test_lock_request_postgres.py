"""A transition locks its request: while one coordinator holds it, another's decision waits
and then sees the state the first one left (issue 14: removing the lock survived the suite)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from core.exceptions import IllegalTransition
from supply_requests.models import RequestStatus
from supply_requests.services import lock_request, request_approve
from tests.conftest import requires_postgres

pytestmark = [requires_postgres(), pytest.mark.postgres]


def _waiting_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        # Inside a transaction PostgreSQL keeps serving its first activity snapshot.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_decision_waits_for_the_lock_of_another_and_then_sees_its_result(
    coordinator, make_request
):
    request = make_request(status="submitted")
    line = request.lines.get()
    held, seen_waiting, outcome = threading.Event(), [], {}

    def first_coordinator_rejects_slowly():
        try:
            with transaction.atomic():
                locked = lock_request(request)
                held.set()
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not _waiting_for_a_lock():
                    time.sleep(0.02)
                seen_waiting.append(_waiting_for_a_lock())
                locked.status = RequestStatus.REJECTED
                locked.save(update_fields=["status"])
        finally:
            connection.close()

    def second_coordinator_approves():
        held.wait(5)
        try:
            request_approve(actor=coordinator, request=request, approved={line.pk: 100})
            outcome["second"] = "approved"
        except IllegalTransition as refused:
            outcome["second"] = refused.details.get("current")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=first_coordinator_rejects_slowly),
        threading.Thread(target=second_coordinator_approves),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert seen_waiting == [True]  # the second decision waited for the first one's lock
    assert outcome == {"second": RequestStatus.REJECTED}  # and then saw its result
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
