"""What a community confirms as delivered arrives in its own stock point, through the
ledger: donor → lot → organisation site → community → household."""

from django.core.management import call_command

from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import ledger_mismatches, sites_for
from logistics.models import CommunityStockPoint


def test_delivery_arrives_in_the_community_stock_point(delivered, unit, site, item):
    point = CommunityStockPoint.objects.get(served_unit=unit)
    balance = StockBalance.objects.get(site=point.site)
    assert (balance.item, balance.on_hand, balance.reserved) == (item, 60, 0)
    line = delivered.lines.get()
    movement = StockMovement.objects.get(site=point.site)
    assert (movement.kind, movement.quantity, movement.lot_id) == (
        MovementKind.COMMUNITY_RECEIPT,
        60,
        line.lot_id,
    )
    assert (movement.document_type, movement.document_id) == ("shipment_line", line.pk)
    # The organisation's site is empty: the goods left it at dispatch.
    assert StockBalance.objects.get(site=site).on_hand == 0
    assert ledger_mismatches() == []
    call_command("verify_ledger")


def test_stock_point_is_no_organisations_site(delivered, unit, staff, coordinator):
    point = CommunityStockPoint.objects.get(served_unit=unit)
    for user in (staff, coordinator):
        assert point.site not in sites_for(user)


def test_the_first_household_makes_the_stock_point(register, unit, sibling):
    assert not CommunityStockPoint.objects.exists()
    register()
    register("13900000000", room="402")
    assert list(CommunityStockPoint.objects.values_list("served_unit", flat=True)) == [unit.pk]


def test_a_unit_without_a_register_is_delivered_to_as_before(planned, coordinator, worker, site):
    from logistics.services import shipment_deliver, shipment_dispatch

    _request, shipment = planned
    shipment_deliver(actor=worker, shipment=shipment_dispatch(actor=coordinator, shipment=shipment))
    assert not CommunityStockPoint.objects.exists()
    assert set(StockMovement.objects.values_list("kind", flat=True)) == {"receipt", "dispatch"}
