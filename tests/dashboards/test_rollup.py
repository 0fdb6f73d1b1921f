"""The daily roll-up follows the ledger: one row per local day, site and item; back-dated
movements carry into later days; rebuild_rollups (command and nightly task) repairs it."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app as celery_app
from dashboards.tasks import rebuild_daily_rollups
from inventory.models import DailyStockRollup
from inventory.selectors import ledger_mismatches
from inventory.services import TransferLineInput, stock_adjust, stock_transfer
from inventory.services.ledger import rollups_from_ledger, rollups_rebuild
from tests.dashboards.conftest import at, travel


def rows(site, item):
    return list(
        DailyStockRollup.objects.filter(site=site, item=item)
        .order_by("day")
        .values_list("day", "received", "dispatched", "other_change", "on_hand")
    )


def rollup_is_exact() -> bool:
    return rollups_rebuild(dry_run=True).changed == 0


def test_each_day_of_movements_is_one_row_with_the_end_of_day_stock(world):
    assert rows(world.site, world.masks_item) == [
        (dt.date(2020, 1, 28), 1500, 0, 0, 1500),
        (dt.date(2020, 1, 30), 0, 300, 0, 1200),
        (dt.date(2020, 1, 31), 0, 0, -10, 1190),
    ]
    assert rows(world.other_site, world.rice) == [(dt.date(2020, 1, 28), 200, 0, 0, 200)]
    assert DailyStockRollup.objects.count() == 4
    assert rollup_is_exact()


def test_a_back_dated_movement_changes_every_later_day(world):
    site, lot, staff = world.site, world.soon_lot, world.staff
    with travel(at(31, 18)):
        # On a day without a row: the row is made from the day before, later rows follow.
        stock_adjust(
            actor=staff, site=site, lot=lot, quantity=5, reason="found", occurred_at=at(29, 12)
        )
        # On a day with a row: that row and the later ones change.
        stock_adjust(
            actor=staff, site=site, lot=lot, quantity=2, reason="found", occurred_at=at(30, 8)
        )
        # Before the first row of all.
        stock_adjust(
            actor=staff, site=site, lot=lot, quantity=1, reason="found", occurred_at=at(20, 8)
        )
    assert rows(site, world.masks_item) == [
        (dt.date(2020, 1, 20), 0, 0, 1, 1),
        (dt.date(2020, 1, 28), 1500, 0, 0, 1501),
        (dt.date(2020, 1, 29), 0, 0, 5, 1506),
        (dt.date(2020, 1, 30), 0, 300, 2, 1208),
        (dt.date(2020, 1, 31), 0, 0, -10, 1198),
    ]
    assert rollup_is_exact()
    assert ledger_mismatches() == []


def test_the_day_is_the_local_day_not_the_utc_one(world):
    site, lot, staff = world.site, world.soon_lot, world.staff
    late_evening = dt.datetime(2020, 2, 1, 23, 30, tzinfo=dt.UTC) - dt.timedelta(hours=8)
    just_after_midnight = dt.datetime(2020, 2, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 Feb
    with travel(at(2, 9, month=2)):
        stock_adjust(
            actor=staff, site=site, lot=lot, quantity=-1, reason="lost", occurred_at=late_evening
        )
        stock_adjust(
            actor=staff,
            site=site,
            lot=lot,
            quantity=-2,
            reason="lost",
            occurred_at=just_after_midnight,
        )
    assert rows(site, world.masks_item)[-2:] == [
        (dt.date(2020, 2, 1), 0, 0, -1, 1189),
        (dt.date(2020, 2, 2), 0, 0, -2, 1187),
    ]


def test_a_transfer_rolls_up_at_both_sites(world):
    with travel(at(1, 10, month=2)):
        stock_transfer(
            actor=world.staff,
            from_site=world.site,
            to_site=world.other_site,
            lines=[TransferLineInput(lot=world.soon_lot, quantity=40)],
        )
    assert rows(world.site, world.masks_item)[-1] == (dt.date(2020, 2, 1), 0, 0, -40, 1150)
    assert rows(world.other_site, world.masks_item) == [(dt.date(2020, 2, 1), 0, 0, 40, 40)]
    assert rollup_is_exact()


def test_upkeep_costs_the_same_few_queries_however_long_the_history(world):
    """A movement costs one read and one insert or update of the roll-up (plus the site's
    lock on PostgreSQL), whether the site has one day of history or thirty."""

    def write_off_one(day: int) -> tuple[int, int]:
        with travel(at(day, 12, month=2)), CaptureQueriesContext(connection) as queries:
            stock_adjust(
                actor=world.staff,
                site=world.site,
                lot=world.soon_lot,
                quantity=-1,
                reason="lost",
            )
        roll_up_queries = [
            q["sql"] for q in queries if "dailystockrollup" in q["sql"] or "advisory" in q["sql"]
        ]
        return len(queries), len(roll_up_queries)

    lock = 1 if connection.vendor == "postgresql" else 0
    short_history = write_off_one(1)
    for day in range(2, 29):
        write_off_one(day)
    long_history = write_off_one(29)
    assert short_history == long_history
    assert long_history[1] == 2 + lock  # a new day: read the day before, insert
    assert write_off_one(29)[1] == 2 + lock  # the same day again: read, update
    assert rollup_is_exact()


def test_rebuild_repairs_a_damaged_roll_up_and_is_idempotent(world):
    masks = DailyStockRollup.objects.filter(site=world.site, item=world.masks_item)
    masks.filter(day=dt.date(2020, 1, 30)).update(on_hand=7, dispatched=1)
    masks.filter(day=dt.date(2020, 1, 31)).delete()
    DailyStockRollup.objects.create(
        day=dt.date(2020, 1, 1), site=world.site, item=world.rice, on_hand=99
    )
    found = rollups_rebuild(dry_run=True)
    assert (found.updated, found.created, found.deleted) == (1, 1, 1)
    assert not rollup_is_exact()  # a dry run writes nothing

    repaired = rollups_rebuild()
    assert (repaired.unchanged, repaired.updated, repaired.created, repaired.deleted) == (
        2,
        1,
        1,
        1,
    )
    assert rows(world.site, world.masks_item)[1:] == [
        (dt.date(2020, 1, 30), 0, 300, 0, 1200),
        (dt.date(2020, 1, 31), 0, 0, -10, 1190),
    ]
    again = rollups_rebuild()
    assert (again.changed, again.unchanged) == (0, 4)


def test_rebuild_from_a_day_leaves_the_days_before_alone(world):
    masks = DailyStockRollup.objects.filter(site=world.site, item=world.masks_item)
    masks.filter(day=dt.date(2020, 1, 28)).update(on_hand=1)  # before: left as it is
    masks.filter(day=dt.date(2020, 1, 31)).update(on_hand=2)  # from the 30th: repaired
    result = rollups_rebuild(since=dt.date(2020, 1, 30))
    assert (result.updated, result.unchanged) == (1, 1)
    assert [r[4] for r in rows(world.site, world.masks_item)] == [1, 1200, 1190]
    # The carried-in stock comes from the ledger, not from the damaged row before.
    assert rollups_from_ledger(site_id=world.site.pk, since=dt.date(2020, 1, 31)) == {
        (dt.date(2020, 1, 31), world.masks_item.pk): rollups_from_ledger(site_id=world.site.pk)[
            (dt.date(2020, 1, 31), world.masks_item.pk)
        ]
    }


def test_the_command_checks_and_rebuilds(world, capsys):
    call_command("rebuild_rollups", "--check")
    assert "4 row(s) right, 0 missing, 0 wrong, 0 stale" in capsys.readouterr().out

    DailyStockRollup.objects.filter(site=world.site).update(on_hand=0)
    with pytest.raises(CommandError, match="differs from the ledger") as refused:
        call_command("rebuild_rollups", "--check")
    assert refused.value.returncode == 1
    call_command("rebuild_rollups", "--since", "2020-01-29")
    assert "from 2020-01-29: 0 row(s) right, 0 missing, 2 wrong" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check")  # the 28th was not part of it
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")


def test_the_nightly_task_is_registered_by_its_name_and_rebuilds(world):
    assert "dashboards.tasks.rebuild_daily_rollups" in celery_app.tasks
    DailyStockRollup.objects.filter(day=dt.date(2020, 1, 31)).delete()
    result = rebuild_daily_rollups.delay("2020-01-31").get()
    assert result == {
        "since": "2020-01-31",
        "unchanged": 0,
        "created": 1,
        "updated": 0,
        "deleted": 0,
        "changed": 1,
    }
    assert rebuild_daily_rollups.delay().get()["changed"] == 0


def test_the_migration_fills_the_roll_up_from_an_existing_ledger(world):
    expected = {
        (site_id, key): values
        for site_id in (world.site.pk, world.other_site.pk)
        for key, values in rollups_from_ledger(site_id=site_id).items()
    }
    DailyStockRollup.objects.all().delete()
    migration = import_module("inventory.migrations.0003_daily_stock_rollup")
    migration.fill_from_ledger(apps, None)
    assert rollup_is_exact()
    assert DailyStockRollup.objects.count() == len(expected) == 4
