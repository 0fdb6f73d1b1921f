"""`manage.py load_demo`: the demo world loads, holds together, and loads again as a no-op."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from inventory.models import (
    Item,
    ItemAlias,
    ItemCategory,
    MovementKind,
    Organisation,
    StockAdjustment,
    StockBalance,
    StockMovement,
)
from inventory.selectors import ledger_mismatches
from supply_requests.models import ServedUnit, ServedUnitKind
from supply_requests.roles import roles_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY, LAST_DAY = dt.date(2020, 1, 25), dt.date(2020, 2, 9)
LOGINS = ("admin", "coordinator", "staff", "worker")


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True
    # The loader hashes six passwords; the default hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, demo_settings) -> str:
    """The demo world, loaded once; the value is what the command printed."""
    return load()


def row_counts() -> dict[str, int]:
    """Rows of every model that has a table (a model still waiting for its migration has none)."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in tables
    }


def test_load_prints_the_logins_and_the_url(demo):
    for username in LOGINS:
        assert f"  {username} " in demo
    assert "“demo”" in demo
    assert "http://127.0.0.1:8000/" in demo


def test_second_load_changes_nothing(demo):
    counts = row_counts()
    assert counts["inventory.StockMovement"] > 0
    movement_ids = set(StockMovement.objects.values_list("pk", flat=True))
    balances = set(StockBalance.objects.values_list("site_id", "lot_id", "on_hand", "reserved"))

    output = load()

    assert row_counts() == counts
    assert set(StockMovement.objects.values_list("pk", flat=True)) == movement_ids
    assert (
        set(StockBalance.objects.values_list("site_id", "lot_id", "on_hand", "reserved"))
        == balances
    )
    assert "nothing to add" in output


def test_served_units_form_a_district_street_community_tree(demo):
    centre = Organisation.objects.get(code="cd-culture")
    receiving = centre.served_units.exclude(
        kind__in=[ServedUnitKind.DISTRICT, ServedUnitKind.STREET, ServedUnitKind.TOWN]
    )
    assert receiving.count() >= 49
    communities = ServedUnit.objects.filter(
        kind=ServedUnitKind.COMMUNITY,
        parent__kind=ServedUnitKind.STREET,
        parent__parent__kind=ServedUnitKind.DISTRICT,
        parent__parent__parent=None,
        organisations=centre,
    )
    assert communities.count() >= 30
    assert ServedUnit.objects.get(name="玉林北路社区").parent.name == "玉林街道"
    assert ServedUnit.objects.filter(frontline_medical=True, organisations=centre).count() >= 2
    assert ServedUnit.objects.filter(kind=ServedUnitKind.VILLAGE).exists()


def test_catalogue_has_both_protective_and_isolation_items(demo):
    assert Item.objects.count() >= 30
    categories = set(Item.objects.values_list("category", flat=True))
    assert {ItemCategory.PROTECTIVE, ItemCategory.ISOLATION_NECESSITY} <= categories
    rice = Item.objects.get(code="rice")
    assert sorted(rice.packs.values_list("name", "quantity")) == [("袋", 10), ("袋", 25)]
    assert ItemAlias.objects.get(alias="N95口罩").item.code == "n95-mask"


def test_demo_logins_authenticate_and_have_their_roles(demo):
    users = {name: authenticate(username=name, password="demo") for name in LOGINS}
    assert all(users.values()), users
    centre = Organisation.objects.get(code="cd-culture")
    unit = ServedUnit.objects.get(name="玉林北路社区")

    assert roles_for(users["admin"]).is_admin
    assert users["admin"].is_staff
    assert roles_for(users["coordinator"]).coordinator_organisation_ids == {centre.pk}
    assert roles_for(users["staff"]).staff_organisation_ids == {centre.pk}
    worker = roles_for(users["worker"])
    assert unit.pk in worker.worker_unit_ids
    assert not worker.organisation_ids
    # Staff and coordinator work for an organisation that serves the worker's community.
    assert unit.organisations.filter(pk=centre.pk).exists()


def test_ledger_agrees_with_balances(demo):
    assert ledger_mismatches() == []


def test_stock_tells_the_2020_story(demo):
    kinds = set(StockMovement.objects.values_list("kind", flat=True))
    assert {
        MovementKind.RECEIPT,
        MovementKind.TRANSFER_OUT,
        MovementKind.TRANSFER_IN,
        MovementKind.WRITE_OFF,
        MovementKind.ADJUSTMENT,
    } <= kinds
    reasons = set(StockAdjustment.objects.values_list("reason", flat=True))
    assert {"damaged", "expired", "count_correction"} <= reasons
    # N95 masks were scarce before February and arrived in bulk after.
    received = StockMovement.objects.filter(kind=MovementKind.RECEIPT, item__code="n95-mask")
    by_day = [(m.occurred_at.astimezone(SHANGHAI).date(), m.quantity) for m in received]
    early = sum(quantity for day, quantity in by_day if day < dt.date(2020, 2, 1))
    late = sum(quantity for day, quantity in by_day if day >= dt.date(2020, 2, 1))
    assert 0 < early < late


def test_every_movement_is_dated_in_the_2020_window(demo):
    days = {m.occurred_at.astimezone(SHANGHAI).date() for m in StockMovement.objects.all()}
    assert days
    assert min(days) >= FIRST_DAY
    assert max(days) <= LAST_DAY


def test_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        load()
    assert not get_user_model().objects.exists()
    assert not Item.objects.exists()


def test_force_loads_when_debug_is_off(db, demo_settings):
    demo_settings.DEBUG = False
    load("--force")
    assert authenticate(username="worker", password="demo") is not None


def test_existing_user_keeps_its_password(db, demo_settings):
    get_user_model().objects.create_user("staff", password="my-own-secret")
    load()
    assert authenticate(username="staff", password="demo") is None
    assert authenticate(username="staff", password="my-own-secret") is not None
    assert roles_for(get_user_model().objects.get(username="staff")).is_staff_member


def test_an_alias_taken_by_another_item_is_left_alone(db, demo_settings):
    other = Item.objects.create(code="old-n95", name_zh="N95（旧）", category="protective")
    ItemAlias.objects.create(item=other, alias="N95")
    load()
    assert ItemAlias.objects.get(alias="N95").item == other
    assert ItemAlias.objects.filter(item__code="n95-mask", alias="N95口罩").exists()


def test_refuses_an_admin_that_is_not_a_superuser(db, demo_settings):
    get_user_model().objects.create_user("admin", password="x")
    with pytest.raises(CommandError, match="not a superuser"):
        load()
    assert not Item.objects.exists()
