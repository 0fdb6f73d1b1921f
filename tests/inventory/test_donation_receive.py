import datetime as dt

import pytest

from core.exceptions import NotPermitted, ValidationFailed
from inventory.models import Donor, ItemPack, MovementKind, StockBalance, StockMovement
from inventory.services import DonationLineInput, donation_receive
from tests.conftest import RECEIVED
from tests.factories import ItemFactory


def test_each_line_becomes_a_lot_a_receipt_and_a_balance(staff, site, item):
    gloves = ItemFactory(code="gloves", base_unit="副")
    donation = donation_receive(
        actor=staff,
        site=site,
        donor="  壹基金  ",
        received_at=RECEIVED,
        lines=[
            DonationLineInput(item=item, quantity=500, batch="B1", expiry=dt.date(2021, 1, 1)),
            DonationLineInput(item=gloves, quantity=300),
        ],
    )
    assert donation.organisation == site.organisation
    assert donation.donor.name == "壹基金"
    lines = list(donation.lines.order_by("id"))
    assert [(line.item, line.quantity) for line in lines] == [(item, 500), (gloves, 300)]
    lot = lines[0].lot
    assert (lot.batch, lot.expiry, lot.donor.name) == ("B1", dt.date(2021, 1, 1), "壹基金")
    movement = StockMovement.objects.get(lot=lot)
    assert (movement.kind, movement.quantity, movement.actor) == (MovementKind.RECEIPT, 500, staff)
    assert movement.donation_line == lines[0]
    balance = StockBalance.objects.get(site=site, lot=lot)
    assert (balance.on_hand, balance.reserved, balance.available) == (500, 0, 500)


def test_packs_are_converted_to_base_units(staff, site, item):
    ItemPack.objects.create(item=item, name="箱", quantity=400)
    donation = donation_receive(
        actor=staff,
        site=site,
        donor="腾讯公益",
        received_at=RECEIVED,
        lines=[DonationLineInput(item=item, quantity=3, pack_name="箱")],
    )
    line = donation.lines.get()
    assert (line.quantity, line.pack_name, line.pack_count) == (1200, "箱", 3)
    assert StockBalance.objects.get(lot=line.lot).on_hand == 1200


def test_a_stated_pack_size_wins_over_an_ambiguous_pack_name(staff, site, item):
    ItemPack.objects.create(item=item, name="袋", quantity=10)
    ItemPack.objects.create(item=item, name="袋", quantity=25)
    line = DonationLineInput(item=item, quantity=2, pack_name="袋")
    with pytest.raises(ValidationFailed, match="several"):
        donation_receive(actor=staff, site=site, donor="d", received_at=RECEIVED, lines=[line])
    donation = donation_receive(
        actor=staff,
        site=site,
        donor="d",
        received_at=RECEIVED,
        lines=[DonationLineInput(item=item, quantity=2, pack_name="袋", pack_size=25)],
    )
    assert donation.lines.get().quantity == 50


@pytest.mark.parametrize("quantity", [0, -5])
def test_a_line_without_a_positive_quantity_writes_nothing(staff, site, item, quantity):
    good = DonationLineInput(item=item, quantity=10)
    bad = DonationLineInput(item=item, quantity=quantity)
    with pytest.raises(ValidationFailed, match="more than zero"):
        donation_receive(
            actor=staff, site=site, donor="新捐赠方", received_at=RECEIVED, lines=[good, bad]
        )
    assert not StockMovement.objects.exists()
    assert not Donor.objects.filter(name="新捐赠方").exists()


def test_unknown_pack_and_future_date_and_empty_donation_are_refused(staff, site, item):
    with pytest.raises(ValidationFailed, match="no pack"):
        donation_receive(
            actor=staff,
            site=site,
            donor="d",
            received_at=RECEIVED,
            lines=[DonationLineInput(item=item, quantity=1, pack_name="箱")],
        )
    with pytest.raises(ValidationFailed, match="future"):
        donation_receive(
            actor=staff,
            site=site,
            donor="d",
            received_at=dt.date.today() + dt.timedelta(days=2),
            lines=[DonationLineInput(item=item, quantity=1)],
        )
    with pytest.raises(ValidationFailed, match="at least one line"):
        donation_receive(actor=staff, site=site, donor="d", received_at=RECEIVED, lines=[])
    assert not StockMovement.objects.exists()


def test_another_organisations_staff_may_not_receive_at_our_site(outsider, site, item):
    with pytest.raises(NotPermitted):
        donation_receive(
            actor=outsider,
            site=site,
            donor="d",
            received_at=RECEIVED,
            lines=[DonationLineInput(item=item, quantity=1)],
        )
    assert not StockMovement.objects.exists()
