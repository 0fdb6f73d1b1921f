import pytest

from core.exceptions import InsufficientStock, NotPermitted, ValidationFailed
from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.services import TransferLineInput, stock_reserve, stock_transfer
from tests.factories import ItemFactory, SiteFactory


def on_hand(site, lot) -> int:
    row = StockBalance.objects.filter(site=site, lot=lot).first()
    return row.on_hand if row else 0


def test_transfer_moves_each_lot_out_and_in_together(staff, site, other_site, receive):
    masks = receive(100)
    gloves = receive(40, lot_item=ItemFactory(code="gloves"))
    transfer = stock_transfer(
        actor=staff,
        from_site=site,
        to_site=other_site,
        lines=[
            TransferLineInput(lot=masks, quantity=30),
            TransferLineInput(lot=gloves, quantity=40),
        ],
        note="Gaoxin runs short",
    )
    assert (on_hand(site, masks), on_hand(other_site, masks)) == (70, 30)
    assert (on_hand(site, gloves), on_hand(other_site, gloves)) == (0, 40)
    kinds = sorted(StockMovement.objects.filter(transfer=transfer).values_list("kind", "quantity"))
    assert kinds == sorted(
        [
            (MovementKind.TRANSFER_IN, 30),
            (MovementKind.TRANSFER_IN, 40),
            (MovementKind.TRANSFER_OUT, -30),
            (MovementKind.TRANSFER_OUT, -40),
        ]
    )


def test_one_short_line_cancels_the_whole_transfer(staff, site, other_site, receive):
    masks = receive(100)
    gloves = receive(10, lot_item=ItemFactory(code="gloves"))
    with pytest.raises(InsufficientStock):
        stock_transfer(
            actor=staff,
            from_site=site,
            to_site=other_site,
            lines=[
                TransferLineInput(lot=masks, quantity=30),
                TransferLineInput(lot=gloves, quantity=11),
            ],
        )
    assert (on_hand(site, masks), on_hand(other_site, masks)) == (100, 0)
    assert StockMovement.objects.filter(transfer__isnull=False).count() == 0


def test_reserved_stock_stays_where_it_was_promised(staff, site, other_site, receive):
    lot = receive(100)
    stock_reserve(actor=staff, site=site, lot=lot, quantity=90)
    with pytest.raises(InsufficientStock, match="10 available"):
        stock_transfer(
            actor=staff,
            from_site=site,
            to_site=other_site,
            lines=[TransferLineInput(lot=lot, quantity=11)],
        )


def test_transfer_rules(staff, site, receive):
    lot = receive(10)
    with pytest.raises(ValidationFailed, match="two different sites"):
        stock_transfer(
            actor=staff,
            from_site=site,
            to_site=site,
            lines=[TransferLineInput(lot=lot, quantity=1)],
        )
    foreign = SiteFactory()
    with pytest.raises(NotPermitted):
        stock_transfer(
            actor=staff,
            from_site=site,
            to_site=foreign,
            lines=[TransferLineInput(lot=lot, quantity=1)],
        )
    assert on_hand(site, lot) == 10
