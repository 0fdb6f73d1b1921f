"""`manage.py load_demo` on a database that is empty, or holds something the demo must respect:
each test starts from its own database state, so these load the world themselves."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management.base import CommandError

from demo.world import loader
from inventory.models import AdjustmentReason, Item, ItemAlias, Lot, Site
from inventory.selectors import ledger_mismatches
from inventory.services import stock_adjust
from supply_requests.models import RequestStatus, SupplyRequest
from supply_requests.roles import roles_for
from tests.demo.commands import FAST_HASHER, load


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = FAST_HASHER
    return settings


@pytest.fixture
def without_the_story(monkeypatch):
    """Load as the loader did before it told the requests story."""
    monkeypatch.setattr(loader, "load_requests", lambda **kwargs: 0)
    return monkeypatch


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


def test_the_story_joins_a_demo_loaded_before_it(db, demo_settings, without_the_story):
    load()
    assert not SupplyRequest.objects.exists()
    without_the_story.undo()

    load()

    assert set(SupplyRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert ledger_mismatches() == []


def test_refuses_to_tell_the_story_over_stock_that_was_used(db, demo_settings, without_the_story):
    load()
    without_the_story.undo()
    # Someone wrote off the 60 N95 masks the clinics were given on 26 January.
    stock_adjust(
        actor=get_user_model().objects.get(username="staff"),
        site=Site.objects.get(code="cd-wuhou-wh"),
        lot=Lot.objects.get(item__code="n95-mask", batch="N95-1909"),
        quantity=-60,
        reason=AdjustmentReason.DAMAGED,
        note="受潮 / got wet",
        occurred_at=dt.datetime(2020, 1, 26, 12, tzinfo=ZoneInfo("Asia/Shanghai")),
    )

    with pytest.raises(CommandError, match="could not be replayed"):
        load()

    assert not SupplyRequest.objects.exists()
    assert ledger_mismatches() == []
