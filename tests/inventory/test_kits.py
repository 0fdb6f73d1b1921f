"""Family kits: assembly takes the components out of the ledger and makes a kit lot (expiry:
the earliest component's); disassembly puts them back into the same lots."""

import datetime as dt

import pytest
from django.core.management import call_command

from core.exceptions import InsufficientStock, NotPermitted, ValidationFailed
from inventory.models import KitComponent, MovementKind, StockBalance, StockMovement
from inventory.selectors import ledger_mismatches
from inventory.services import kit_assemble, kit_disassemble
from tests.factories import ItemFactory


@pytest.fixture
def kit(db):
    kit = ItemFactory(code="family-kit", name_zh="居家隔离生活物资包", name_en="Family kit")
    rice = ItemFactory(code="rice", name_zh="大米", base_unit="千克")
    eggs = ItemFactory(code="eggs", name_zh="鸡蛋", base_unit="个")
    KitComponent.objects.create(kit=kit, component=rice, quantity=5)
    KitComponent.objects.create(kit=kit, component=eggs, quantity=30)
    return kit, rice, eggs


def on_hand(site, item):
    return sum(StockBalance.objects.filter(site=site, item=item).values_list("on_hand", flat=True))


def test_assembly_consumes_components_and_makes_a_kit_lot(staff, site, receive, kit):
    kit_item, rice, eggs = kit
    receive(100, lot_item=rice)
    early = receive(100, lot_item=eggs, expiry=dt.date(2099, 3, 1))
    receive(100, lot_item=eggs, expiry=dt.date(2099, 4, 1))
    with_expiry = kit_assemble(actor=staff, site=site, kit=kit_item, count=4)
    assert on_hand(site, rice) == 80
    assert on_hand(site, eggs) == 80
    assert StockBalance.objects.get(site=site, lot=early).on_hand == 0  # FEFO: earliest first
    kit_lot = with_expiry.kit_lot
    assert (kit_lot.item, kit_lot.expiry) == (kit_item, dt.date(2099, 3, 1))
    assert StockBalance.objects.get(site=site, lot=kit_lot).on_hand == 4
    kinds = set(StockMovement.objects.filter(document_type="kit_assembly").values_list("kind"))
    assert kinds == {(MovementKind.KIT_ASSEMBLY,)}
    assert ledger_mismatches() == []
    call_command("verify_ledger")


def test_disassembly_reverses(staff, site, receive, kit):
    kit_item, rice, eggs = kit
    receive(10, lot_item=rice)
    receive(60, lot_item=eggs)
    assembly = kit_assemble(actor=staff, site=site, kit=kit_item, count=2)
    assert (on_hand(site, rice), on_hand(site, eggs)) == (0, 0)
    kit_disassemble(actor=staff, site=site, kit_lot=assembly.kit_lot, count=1)
    assert (on_hand(site, rice), on_hand(site, eggs), on_hand(site, kit_item)) == (5, 30, 1)
    kit_disassemble(actor=staff, site=site, kit_lot=assembly.kit_lot, count=1)
    assert (on_hand(site, rice), on_hand(site, eggs), on_hand(site, kit_item)) == (10, 60, 0)
    with pytest.raises(ValidationFailed):
        kit_disassemble(actor=staff, site=site, kit_lot=assembly.kit_lot, count=1)
    call_command("verify_ledger")


def test_not_enough_of_one_component_changes_nothing(staff, site, receive, kit):
    kit_item, rice, eggs = kit
    receive(100, lot_item=rice)
    receive(59, lot_item=eggs)
    with pytest.raises(InsufficientStock, match="need 60 of 鸡蛋"):
        kit_assemble(actor=staff, site=site, kit=kit_item, count=2)
    assert (on_hand(site, rice), on_hand(site, eggs), on_hand(site, kit_item)) == (100, 59, 0)


def test_expired_components_are_not_used(staff, site, receive, kit):
    kit_item, rice, eggs = kit
    receive(100, lot_item=rice)
    receive(100, lot_item=eggs, expiry=dt.date(2000, 1, 1))
    with pytest.raises(InsufficientStock):
        kit_assemble(actor=staff, site=site, kit=kit_item, count=1)


def test_only_the_sites_staff_assemble(outsider, site, kit):
    with pytest.raises(NotPermitted):
        kit_assemble(actor=outsider, site=site, kit=kit[0], count=1)


def test_an_item_without_components_is_not_a_kit(staff, site, item):
    with pytest.raises(ValidationFailed):
        kit_assemble(actor=staff, site=site, kit=item, count=1)
