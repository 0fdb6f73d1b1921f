"""A write-off of promised stock shrinks the promises first (least urgent first), so no
reservation is ever larger than the shelf."""

import pytest

from core.exceptions import InsufficientStock, NotPermitted
from inventory.models import StockBalance
from logistics.services import stock_write_off_releasing
from supply_requests.models import Priority


def test_write_off_releases_the_least_urgent_reservation_first(
    staff, site, approved, allocate, receive
):
    lot = receive(100)
    urgent = approved(50, priority=Priority.CRITICAL)
    relaxed = approved(40, priority=Priority.LOW)
    allocate(urgent, 50)
    allocate(relaxed, 40)
    stock_write_off_releasing(actor=staff, site=site, lot=lot, quantity=30, reason="damaged")
    balance = StockBalance.objects.get(site=site, lot=lot)
    assert (balance.on_hand, balance.reserved) == (70, 70)
    assert urgent.lines.get().quantity_allocated == 50
    assert relaxed.lines.get().quantity_allocated == 20  # 10 was free, 20 came off the low one
    assert relaxed.lines.get().quantity_outstanding == 20


def test_write_off_without_reservations_is_plain(staff, site, receive):
    lot = receive(10)
    stock_write_off_releasing(actor=staff, site=site, lot=lot, quantity=4, reason="expired")
    assert StockBalance.objects.get().on_hand == 6


def test_cannot_write_off_more_than_on_hand(staff, site, approved, allocate, receive):
    lot = receive(10)
    allocate(approved(10), 10)
    with pytest.raises(InsufficientStock):
        stock_write_off_releasing(actor=staff, site=site, lot=lot, quantity=11, reason="lost")
    balance = StockBalance.objects.get()
    assert (balance.on_hand, balance.reserved) == (10, 10)


def test_outsider_may_not_write_off(outsider, site, receive):
    lot = receive(10)
    with pytest.raises(NotPermitted):
        stock_write_off_releasing(actor=outsider, site=site, lot=lot, quantity=1, reason="lost")


def test_write_off_releases_an_ordinary_unit_before_a_frontline_one_whatever_the_priority(
    staff, coordinator, organisation, site, unit, approved, allocate, receive
):
    """Frontline medical units give back last, even when their request is marked low and
    the ordinary unit's is normal (the frontline rule goes before priority)."""
    from tests.factories import ServedUnitFactory, UnitMembershipFactory, UserFactory
    from tests.test_helpers_requests import approved_for

    lot = receive(100)
    hospital = ServedUnitFactory(code="hospital", name="定点医院", frontline_medical=True)
    hospital.organisations.add(organisation)
    frontline = approved_for(
        hospital,
        UnitMembershipFactory(user=UserFactory(), served_unit=hospital).user,
        coordinator,
        50,
        priority=Priority.LOW,
    )
    ordinary = approved(50, priority=Priority.NORMAL)
    allocate(frontline, 50)
    allocate(ordinary, 50)
    stock_write_off_releasing(actor=staff, site=site, lot=lot, quantity=30, reason="damaged")
    assert frontline.lines.get().quantity_allocated == 50
    assert ordinary.lines.get().quantity_allocated == 20
