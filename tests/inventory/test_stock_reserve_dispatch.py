import pytest

from core.exceptions import InsufficientStock, NotPermitted, ValidationFailed
from inventory.models import MovementKind, StockBalance
from inventory.services import stock_dispatch, stock_release, stock_reserve, stock_return


def balance(site, lot) -> tuple[int, int]:
    row = StockBalance.objects.get(site=site, lot=lot)
    return row.on_hand, row.reserved


def test_reserve_then_dispatch_consumes_the_reservation(coordinator, site, receive):
    lot = receive(100)
    stock_reserve(actor=coordinator, site=site, lot=lot, quantity=60)
    assert balance(site, lot) == (100, 60)
    movement = stock_dispatch(
        actor=coordinator,
        site=site,
        lot=lot,
        quantity=40,
        from_reserved=True,
        document_type="shipment_line",
        document_id=7,
    )
    assert (movement.kind, movement.quantity) == (MovementKind.DISPATCH, -40)
    assert (movement.document_type, movement.document_id) == ("shipment_line", 7)
    assert balance(site, lot) == (60, 20)


def test_cannot_reserve_more_than_is_available(coordinator, site, receive):
    lot = receive(100)
    stock_reserve(actor=coordinator, site=site, lot=lot, quantity=70)
    with pytest.raises(InsufficientStock, match="only 30 available") as raised:
        stock_reserve(actor=coordinator, site=site, lot=lot, quantity=31)
    assert raised.value.details["available"] == 30
    assert balance(site, lot) == (100, 70)


def test_unreserved_dispatch_cannot_take_promised_stock(coordinator, site, receive):
    lot = receive(100)
    stock_reserve(actor=coordinator, site=site, lot=lot, quantity=80)
    with pytest.raises(InsufficientStock, match="20 available"):
        stock_dispatch(actor=coordinator, site=site, lot=lot, quantity=21, from_reserved=False)
    stock_dispatch(actor=coordinator, site=site, lot=lot, quantity=20, from_reserved=False)
    assert balance(site, lot) == (80, 80)


def test_dispatching_more_than_reserved_is_refused(coordinator, site, receive):
    lot = receive(100)
    stock_reserve(actor=coordinator, site=site, lot=lot, quantity=10)
    with pytest.raises(InsufficientStock, match="Only 10"):
        stock_dispatch(actor=coordinator, site=site, lot=lot, quantity=11, from_reserved=True)
    assert balance(site, lot) == (100, 10)


def test_release_gives_the_promise_back_but_not_more(coordinator, site, receive):
    lot = receive(50)
    stock_reserve(actor=coordinator, site=site, lot=lot, quantity=30)
    stock_release(actor=coordinator, site=site, lot=lot, quantity=30)
    assert balance(site, lot) == (50, 0)
    with pytest.raises(InsufficientStock):
        stock_release(actor=coordinator, site=site, lot=lot, quantity=1)


def test_nothing_to_take_from_a_site_that_never_held_the_lot(
    coordinator, site, other_site, receive
):
    lot = receive(50)
    with pytest.raises(InsufficientStock, match="There is no"):
        stock_dispatch(actor=coordinator, site=other_site, lot=lot, quantity=1, from_reserved=False)


def test_return_puts_goods_back_on_the_shelf(coordinator, site, receive):
    lot = receive(50)
    stock_dispatch(actor=coordinator, site=site, lot=lot, quantity=20, from_reserved=False)
    movement = stock_return(actor=coordinator, site=site, lot=lot, quantity=5, reason="refused")
    assert (movement.kind, movement.quantity) == (MovementKind.RETURN, 5)
    assert balance(site, lot) == (35, 0)


def test_zero_or_negative_quantities_are_refused(coordinator, site, receive):
    lot = receive(50)
    for service in (stock_reserve, stock_release):
        with pytest.raises(ValidationFailed):
            service(actor=coordinator, site=site, lot=lot, quantity=0)
    with pytest.raises(ValidationFailed):
        stock_dispatch(actor=coordinator, site=site, lot=lot, quantity=-1, from_reserved=False)


def test_outsider_may_not_touch_our_stock(outsider, site, receive):
    lot = receive(50)
    with pytest.raises(NotPermitted):
        stock_reserve(actor=outsider, site=site, lot=lot, quantity=1)
    with pytest.raises(NotPermitted):
        stock_dispatch(actor=outsider, site=site, lot=lot, quantity=1, from_reserved=False)
    assert balance(site, lot) == (50, 0)
