import pytest

from core.exceptions import InsufficientStock, NotPermitted, ValidationFailed
from inventory.models import AdjustmentReason, MovementKind, StockBalance, StockMovement
from inventory.services import stock_adjust, stock_reserve


def test_write_off_removes_stock_with_its_reason(staff, site, receive):
    lot = receive(100)
    adjustment = stock_adjust(
        actor=staff, site=site, lot=lot, quantity=-12, reason="damaged", note="crushed carton"
    )
    movement = StockMovement.objects.get(adjustment=adjustment)
    assert (movement.kind, movement.quantity, movement.reason) == (
        MovementKind.WRITE_OFF,
        -12,
        "crushed carton",
    )
    assert StockBalance.objects.get(site=site, lot=lot).on_hand == 88


def test_found_stock_is_an_adjustment_upwards(staff, site, receive):
    lot = receive(10)
    adjustment = stock_adjust(actor=staff, site=site, lot=lot, quantity=4, reason="found")
    assert StockMovement.objects.get(adjustment=adjustment).kind == MovementKind.ADJUSTMENT
    assert StockBalance.objects.get(site=site, lot=lot).on_hand == 14


@pytest.mark.parametrize(
    ("quantity", "reason", "message"),
    [
        (5, AdjustmentReason.EXPIRED, "only remove"),
        (5, AdjustmentReason.LOST, "only remove"),
        (-5, AdjustmentReason.FOUND, "only be added"),
        (0, AdjustmentReason.COUNT_CORRECTION, "other than zero"),
        (-5, "stolen-by-gremlins", "Unknown adjustment reason"),
    ],
)
def test_reason_and_sign_must_agree(staff, site, receive, quantity, reason, message):
    lot = receive(10)
    with pytest.raises(ValidationFailed, match=message):
        stock_adjust(actor=staff, site=site, lot=lot, quantity=quantity, reason=reason)
    assert StockMovement.objects.count() == 1


def test_cannot_write_off_below_zero(staff, site, receive):
    lot = receive(10)
    with pytest.raises(InsufficientStock):
        stock_adjust(actor=staff, site=site, lot=lot, quantity=-11, reason="lost")
    assert StockBalance.objects.get(site=site, lot=lot).on_hand == 10


def test_write_off_may_not_eat_into_reserved_stock(staff, site, receive):
    """A reservation is a promise to a community; it must be released before stock that
    backs it can be written off, so no promise is ever bigger than the shelf."""
    lot = receive(10)
    stock_reserve(actor=staff, site=site, lot=lot, quantity=8)
    with pytest.raises(InsufficientStock, match="8 reserved"):
        stock_adjust(actor=staff, site=site, lot=lot, quantity=-3, reason="expired")
    stock_adjust(actor=staff, site=site, lot=lot, quantity=-2, reason="expired")
    row = StockBalance.objects.get(site=site, lot=lot)
    assert (row.on_hand, row.reserved) == (8, 8)


def test_outsider_may_not_adjust(outsider, site, receive):
    lot = receive(10)
    with pytest.raises(NotPermitted):
        stock_adjust(actor=outsider, site=site, lot=lot, quantity=-1, reason="lost")
