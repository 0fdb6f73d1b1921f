"""A request submission over the API (`POST /api/v1/requests`) makes a fixed number of
statements whatever its lines (issue 19): the token, the caller's roles, the unit, the items,
then the request, its lines and its history one INSERT each; nothing is read back for the
answer, and a token call writes no session and no language. Submitted at once (`submit`, the
phone's outbox) it adds only the coordinators' notice; with an `Idempotency-Key` only the
claim of the key and the stored answer."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import IdempotencyRecord, UserLanguage
from notifications.models import Notification
from supply_requests.models import RequestStatus, SupplyRequest
from tests.factories import ItemFactory

# token, roles, unit, items; the request, its lines, its history (+ the transaction's
# SAVEPOINT/RELEASE inside the test's own transaction, where the backend logs them).
DRAFT = 7
# + the unit's coordinators (two reads), who already has this notice, who gets e-mail, the
# notices (one INSERT) and the notices as stored.
SUBMITTED_URGENT = DRAFT + 6
# + the claim of the key (INSERT, in its savepoint) and the stored answer (UPDATE).
IDEMPOTENT = DRAFT + 2


def _transaction_statements(queries) -> int:
    return sum(
        1
        for query in queries
        if query["sql"].split(" ", 1)[0].upper() in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    )


def _submit(api_worker, unit, items, headers=None, **extra):
    body = {
        "served_unit": unit.pk,
        "priority": "high",
        "people_served": 80,
        "lines": [{"item": item.code, "quantity": 5} for item in items],
        **extra,
    }
    with CaptureQueriesContext(connection) as queries:
        response = api_worker.post("/requests", body, headers)
    assert response.status_code == 201, response.json()
    return len(queries) - _transaction_statements(queries), response.json()


@pytest.fixture
def items(db):
    return [ItemFactory() for _ in range(20)]


@pytest.fixture
def warmed(api_worker, unit, items):
    """The token's first call notes when it was used (once a minute): not part of a count."""
    _submit(api_worker, unit, items[:1])
    return api_worker


@pytest.mark.parametrize("size", [1, 20])
def test_a_draft_costs_the_same_statements_for_1_and_20_lines(warmed, unit, items, size):
    count, created = _submit(warmed, unit, items[:size])
    assert count == DRAFT
    assert len(created["lines"]) == size
    assert created["status"] == RequestStatus.DRAFT


@pytest.mark.parametrize("size", [1, 20])
def test_submitted_at_once_costs_the_same_statements_for_1_and_20_lines(
    warmed, unit, items, coordinator, size
):
    count, created = _submit(warmed, unit, items[:size], submit=True)
    assert count == SUBMITTED_URGENT
    assert created["status"] == RequestStatus.SUBMITTED
    assert [(h["from"], h["to"]) for h in created["history"]] == [
        ("", RequestStatus.DRAFT),
        (RequestStatus.DRAFT, RequestStatus.SUBMITTED),
    ]
    notice = Notification.objects.get(recipient=coordinator)
    assert notice.params["lines"] == size
    assert warmed.get(f"/requests/{created['id']}").json() == created


@pytest.mark.parametrize("size", [1, 20])
def test_an_idempotent_draft_costs_the_same_statements_for_1_and_20_lines(
    warmed, unit, items, size
):
    headers = {"Idempotency-Key": f"outbox-{size}"}
    count, created = _submit(warmed, unit, items[:size], headers)
    assert count == IDEMPOTENT
    replay = warmed.post(
        "/requests",
        {
            "served_unit": unit.pk,
            "priority": "high",
            "people_served": 80,
            "lines": [{"item": item.code, "quantity": 5} for item in items[:size]],
        },
        headers,
    )
    assert replay.json() == created
    assert replay["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.count() == 1
    assert SupplyRequest.objects.filter(pk=created["id"]).exists()


def test_a_token_call_leaves_no_session_and_no_language(warmed, unit, items):
    _submit(warmed, unit, items[:3])
    assert not Session.objects.exists()
    assert not UserLanguage.objects.exists()
