"""Retention: personal fields erased 90 days (configurable) after isolation ended; counts kept."""

import datetime as dt

from django.core.management import call_command

from households.models import Household
from households.selectors import household_summary
from households.services import household_erase_due
from households.tasks import erase_expired_households
from tests.households.conftest import PHONE
from tests.households.test_register import raw_row


def test_erased_after_the_period_counts_kept(register, unit):
    old = register()  # isolation until 2020-02-14
    recent = register("13900000000", room="402", isolation_until=dt.date(2020, 5, 1))
    assert household_erase_due(today=dt.date(2020, 5, 14)) == 0  # 90 days not yet over
    assert household_erase_due(today=dt.date(2020, 5, 15)) == 1
    erased = Household.objects.get(pk=old.pk)
    assert erased.erased_at is not None
    assert (erased.phone, erased.contact_name, erased.address, erased.notes) == ("", "", "", "")
    assert raw_row(old.pk) == ("", "", "", "", "", "", "")
    assert Household.objects.get(pk=recent.pk).phone == "13900000000"
    summary = household_summary(unit_ids=[unit.pk])
    assert (summary.households, summary.members) == (2, 4)
    assert summary.by_category["elderly_alone"] == 2
    # Idempotent, and the phone may be registered again (the hash went with the data).
    assert household_erase_due(today=dt.date(2020, 5, 15)) == 0
    assert register(PHONE, room="403").pk


def test_period_is_configurable(register, settings):
    register()
    settings.HOUSEHOLDS_ERASE_AFTER_DAYS = 10
    assert household_erase_due(today=dt.date(2020, 2, 25)) == 1


def test_task_and_command_erase(register, time_machine):
    register()
    register("13900000000", room="402")
    time_machine.move_to(dt.datetime(2021, 1, 1, 12, tzinfo=dt.UTC))
    assert erase_expired_households.apply().get() == 2
    call_command("households_erase")
    assert Household.objects.filter(erased_at__isnull=False).count() == 2


def test_scheduled_in_beat_and_in_process(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "households.tasks.erase_expired_households" in tasks
    assert settings.INPROCESS_CHECKS["household_erasure"][0] == (
        "households.tasks.erase_expired_households"
    )
