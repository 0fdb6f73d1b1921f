"""The beat schedule and the notification settings: configurable from the environment, and a
bad value stops start-up with a message naming the variable."""

import importlib

import pytest
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from notifications import conf, schedule


def reload_schedule():
    return importlib.reload(schedule).BEAT_SCHEDULE


@pytest.fixture(autouse=True)
def fresh_schedule(monkeypatch):
    yield
    monkeypatch.undo()
    importlib.reload(schedule)  # back to the environment of the test run


def test_the_schedule_runs_every_check_and_the_nightly_rollup():
    beat = reload_schedule()
    tasks = {entry["task"]: entry["schedule"] for entry in beat.values()}
    assert tasks["dashboards.tasks.rebuild_daily_rollups"] == crontab(minute="30", hour="0")
    assert tasks["notifications.tasks.check_near_expiry"] == crontab(minute="0", hour="7")
    assert tasks["notifications.tasks.check_low_stock"] == crontab(minute="*/15")
    for name in (
        "check_overdue_shipments",
        "check_waiting_requests",
        "send_pending_emails",
    ):
        assert f"notifications.tasks.{name}" in tasks
    assert all(entry["options"]["expires"] > 0 for entry in beat.values())


def test_every_scheduled_notification_task_exists():
    from config.celery import app

    for entry in reload_schedule().values():
        if entry["task"].startswith("notifications."):
            assert entry["task"] in app.tasks


def test_times_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SCHEDULE_DAILY_ROLLUPS", "15 2 * * *")
    monkeypatch.setenv("SCHEDULE_NEAR_EXPIRY", "0 6,18 * * 1-5")
    beat = reload_schedule()
    assert beat["dashboards-daily-rollups"]["schedule"] == crontab(minute="15", hour="2")
    assert beat["notifications-near-expiry"]["schedule"] == crontab(
        minute="0", hour="6,18", day_of_week="1-5"
    )


@pytest.mark.parametrize("value", ["every night", "61 * * * *", "* * *"])
def test_a_bad_time_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("SCHEDULE_DAILY_ROLLUPS", value)
    with pytest.raises(ImproperlyConfigured, match=r"SCHEDULE_DAILY_ROLLUPS=.* is not a cron"):
        reload_schedule()


def test_settings_win_over_the_environment(settings, monkeypatch):
    monkeypatch.setenv("NOTIFICATIONS_REQUEST_WAITING_HOURS", "12")
    assert conf.request_waiting_hours() == 12
    settings.NOTIFICATIONS_REQUEST_WAITING_HOURS = 24
    assert conf.request_waiting_hours() == 24


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_bad_number_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS", value)
    with pytest.raises(ImproperlyConfigured, match="NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS"):
        conf.shipment_overdue_hours()


def test_site_url_must_be_a_web_address(monkeypatch):
    monkeypatch.setenv("SITE_URL", "relief.example.org")
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        conf.site_url()
    monkeypatch.setenv("SITE_URL", "https://relief.example.org/")
    assert conf.site_url() == "https://relief.example.org"
