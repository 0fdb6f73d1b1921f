"""The tasks, run in-process as in the embedded default: thin, idempotent, retried on
transient database errors, and configured to survive a lost worker."""

import datetime as dt

import pytest
from django.db import OperationalError

from logistics import tasks as logistics_tasks
from notifications import services, tasks
from notifications.models import Notification
from supply_requests import tasks as request_tasks
from tests.notifications.conftest import TODAY

CHECKS = [
    tasks.check_low_stock,
    tasks.check_near_expiry,
    logistics_tasks.check_overdue_shipments,
    request_tasks.check_waiting_requests,
]


def test_each_check_task_runs_its_service_and_reports(clock, staff, receive):
    receive(100, expiry=TODAY + dt.timedelta(days=3))
    assert tasks.check_near_expiry.delay().get() == {
        "kind": "near_expiry",
        "in_alert": 1,
        "raised": 1,
        "cleared": 0,
        "notified": 1,
    }
    for task in CHECKS:
        assert task.delay().successful()


def test_running_a_task_twice_yields_one_alert(clock, coordinator, worker, make_request, receive):
    receive(100, expiry=TODAY + dt.timedelta(days=3))
    make_request(status="submitted")
    clock.shift(dt.timedelta(days=3))
    for _ in range(2):
        tasks.check_near_expiry.delay()
        request_tasks.check_waiting_requests.delay()
    # The staff and the coordinator, once each.
    assert Notification.objects.filter(kind="near_expiry").count() == 2
    assert Notification.objects.filter(kind="request_waiting").count() == 2


def test_a_transient_database_error_is_retried(clock, eager_retries, staff, receive, monkeypatch):
    receive(100, expiry=TODAY + dt.timedelta(days=3))
    real, calls = services.near_expiry_check, []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("could not serialize access due to concurrent update")
        return real()

    monkeypatch.setattr(services, "near_expiry_check", flaky)
    result = tasks.check_near_expiry.apply()
    assert result.successful() and result.get()["raised"] == 1
    assert len(calls) == 2


def test_a_programming_error_is_not_retried(clock, eager_retries, monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("a bug")

    monkeypatch.setattr(services, "near_expiry_check", broken)
    assert tasks.check_near_expiry.apply().failed()
    assert len(calls) == 1


@pytest.mark.parametrize(
    "task", [*CHECKS, tasks.send_notification_emails, tasks.send_pending_emails]
)
def test_every_task_acks_late_retries_with_backoff_and_survives_a_lost_worker(task):
    assert task.acks_late and task.reject_on_worker_lost and task.retry_on_worker_lost
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 5
    assert OperationalError in task.autoretry_for
    assert task.time_limit


def test_the_email_tasks_retry_network_errors(clock):
    assert OSError in tasks.send_notification_emails.autoretry_for
    assert OSError in tasks.send_pending_emails.autoretry_for
