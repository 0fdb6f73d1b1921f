"""The service boundary: a deadlock or serialization failure is retried once, then it is a
409 with a clear reason (API) or a form error (pages) — never a 500 (issue 14)."""

import pytest
from django.db import OperationalError, transaction
from django.urls import reverse

from core.exceptions import ConcurrencyConflict
from core.transactions import atomic_retrying
from inventory.models import Organisation
from logistics.services import allocations as allocation_services
from tests.api.conftest import ApiClient


class _PgError(Exception):
    def __init__(self, pgcode):
        super().__init__(f"pg {pgcode}")
        self.pgcode = pgcode


def _lost_race(pgcode="40P01") -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _PgError(pgcode)
    return error


def _flaky(failures: int, pgcode="40P01"):
    calls = []

    @atomic_retrying
    def service():
        calls.append(transaction.get_connection().in_atomic_block)
        Organisation.objects.create(code=f"org-{len(calls)}", name_zh="组织")
        if len(calls) <= failures:
            raise _lost_race(pgcode)
        return len(calls)

    return service, calls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pgcode", ["40P01", "40001"])
def test_one_lost_race_is_retried_and_its_first_attempt_rolled_back(pgcode):
    service, calls = _flaky(1, pgcode)
    assert service() == 2
    assert calls == [True, True]  # each attempt in its own transaction
    assert list(Organisation.objects.values_list("code", flat=True)) == ["org-2"]


@pytest.mark.django_db(transaction=True)
def test_two_lost_races_are_a_conflict_and_nothing_is_written():
    service, calls = _flaky(2)
    with pytest.raises(ConcurrencyConflict) as conflict:
        service()
    assert len(calls) == 2
    assert conflict.value.code == "conflict"
    assert not Organisation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried():
    calls = []

    @atomic_retrying
    def service():
        calls.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        service()
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_the_outer_boundary_retries():
    inner, inner_calls = _flaky(1)
    outer_calls = []

    @atomic_retrying
    def outer():
        outer_calls.append(1)
        return inner()

    assert outer() == 2
    assert (len(outer_calls), len(inner_calls)) == (2, 2)


@pytest.fixture
def always_deadlocked(monkeypatch):
    def deadlock(*args, **kwargs):
        raise _lost_race()

    monkeypatch.setattr(allocation_services, "lock_item_balances", deadlock)


def test_the_api_answers_409_with_a_reason(always_deadlocked, coordinator, approved, receive, site):
    api_coordinator = ApiClient(coordinator)
    receive(100)
    line = approved(10).lines.get()
    response = api_coordinator.post(
        "/allocations/commit",
        {"allocations": [{"request_line": line.pk, "site": site.code, "quantity": 10}]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "try again" in response.json()["detail"]
    assert line.__class__.objects.get(pk=line.pk).quantity_allocated == 0


def test_a_page_shows_it_as_an_error_not_a_500(
    always_deadlocked, client, coordinator, approved, receive, site
):
    receive(100)
    line = approved(10).lines.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("pages:plan_commit"), {f"qty-{line.pk}-{site.code}": "10"}, follow=True
    )
    assert response.status_code == 200
    assert "本次未保存任何内容，请重试" in response.text  # the page's language: Chinese
