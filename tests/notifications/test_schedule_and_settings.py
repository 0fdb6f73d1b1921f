"""The beat schedule and the notification settings: configurable from the environment (read
once, by config/settings.py), and a bad value stops start-up with a message naming the
variable. The settings module is re-executed here as start-up would execute it."""

import importlib

import pytest
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config import settings as config_settings
from notifications import conf


def reload_settings():
    return importlib.reload(config_settings)


def reload_schedule():
    return reload_settings().CELERY_BEAT_SCHEDULE


@pytest.fixture(autouse=True)
def fresh_schedule(monkeypatch):
    yield
    monkeypatch.undo()
    reload_settings()  # back to the environment of the test run


def test_the_schedule_runs_every_check_and_the_nightly_rollup():
    beat = reload_schedule()
    tasks = {entry["task"]: entry["schedule"] for entry in beat.values()}
    assert tasks["dashboards.tasks.rebuild_daily_rollups"] == crontab(minute="30", hour="0")
    assert tasks["notifications.tasks.check_near_expiry"] == crontab(minute="0", hour="7")
    assert tasks["notifications.tasks.check_low_stock"] == crontab(minute="*/15")
    for name in (
        "logistics.tasks.check_overdue_shipments",
        "supply_requests.tasks.check_waiting_requests",
        "notifications.tasks.send_pending_emails",
    ):
        assert name in tasks
    assert all(entry["options"]["expires"] > 0 for entry in beat.values())


def test_every_scheduled_task_exists():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does: autodiscover tasks.py
    for entry in reload_schedule().values():
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


def test_the_environment_sets_the_knobs_and_settings_reach_the_checks(settings, monkeypatch):
    monkeypatch.setenv("NOTIFICATIONS_REQUEST_WAITING_HOURS", "12")
    assert reload_settings().NOTIFICATIONS_REQUEST_WAITING_HOURS == 12
    settings.NOTIFICATIONS_REQUEST_WAITING_HOURS = 24
    assert conf.request_waiting_hours() == 24


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_bad_number_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS", value)
    with pytest.raises(ImproperlyConfigured, match="NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS"):
        reload_settings()


def test_a_bad_number_set_in_settings_is_refused(settings):
    settings.NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS = 0
    with pytest.raises(ImproperlyConfigured, match="NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS"):
        conf.shipment_overdue_hours()


def test_site_url_must_be_a_web_address(monkeypatch):
    monkeypatch.setenv("SITE_URL", "relief.example.org")
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        reload_settings()
    monkeypatch.setenv("SITE_URL", "https://relief.example.org/")
    assert reload_settings().SITE_URL == "https://relief.example.org"
