"""Handovers from the community's stock: entitlements per item per N days, stock through the
ledger, the API's 201/409."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import Conflict, InsufficientStock, NotPermitted
from households.models import Handover
from households.selectors import household_summary, households_reached
from households.services.handovers import household_handover
from inventory.models import MovementKind, StockBalance, StockMovement
from logistics.models import CommunityStockPoint
from tests.households.conftest import PHONE


@pytest.fixture
def household(register):
    return register()


def stock_at_point(unit):
    point = CommunityStockPoint.objects.get(served_unit=unit)
    return sum(StockBalance.objects.filter(site=point.site).values_list("on_hand", flat=True))


def test_handover_posts_out_of_the_community_stock(delivered, household, worker, item, unit):
    handover = household_handover(actor=worker, household=household, item=item, quantity=10)
    assert stock_at_point(unit) == 50
    movement = StockMovement.objects.get(kind=MovementKind.HANDOVER)
    assert (movement.quantity, movement.document_type, movement.document_id) == (
        -10,
        "household_handover",
        handover.pk,
    )
    # The donor's lot can be followed to the household.
    assert movement.lot_id == delivered.lines.get().lot_id
    call_command("verify_ledger")
    assert household_summary(unit_ids=[unit.pk]).reached_last_7_days == 1
    assert households_reached(unit_ids=[unit.pk]) == {"registered": 1, "reached": 1}


def test_second_handover_inside_the_period_is_refused_naming_the_date(
    delivered, household, worker, item, weekly, unit
):
    first_at = timezone.now() - dt.timedelta(days=3)
    household_handover(
        actor=worker, household=household, item=item, quantity=1, occurred_at=first_at
    )
    with pytest.raises(Conflict) as refused:
        household_handover(actor=worker, household=household, item=item, quantity=1)
    assert timezone.localtime(first_at).date().isoformat() in refused.value.message
    assert Handover.objects.count() == 1
    assert stock_at_point(unit) == 59
    # After the period it is allowed again.
    household_handover(
        actor=worker,
        household=household,
        item=item,
        quantity=1,
        occurred_at=first_at + dt.timedelta(days=7, minutes=1),
    )


def test_not_more_than_the_community_has(delivered, household, worker, item, unit):
    with pytest.raises(InsufficientStock):
        household_handover(actor=worker, household=household, item=item, quantity=61)
    assert not Handover.objects.exists()
    assert stock_at_point(unit) == 60


def test_no_stock_point_yet(household, worker, item):
    with pytest.raises(InsufficientStock):
        household_handover(actor=worker, household=household, item=item, quantity=1)


def test_only_the_community_hands_over(delivered, household, coordinator, sibling_worker, item):
    for user in (coordinator, sibling_worker):
        with pytest.raises(NotPermitted):
            household_handover(actor=user, household=household, item=item, quantity=1)


def test_api_handover_201_then_409(api, delivered, household, worker, coordinator, item, weekly):
    url = f"/households/{household.pk}/handovers"
    created = api(worker).post(url, {"item": item.code, "quantity": 2})
    assert created.status_code == 201, created.content
    assert created.json()["quantity"] == 2
    again = api(worker).post(url, {"item": item.code, "quantity": 1})
    assert again.status_code == 409
    assert timezone.localdate().isoformat() in again.json()["detail"]
    assert api(coordinator).post(url, {"item": item.code}).status_code == 404
    assert api(worker).post(url, {"item": "nope"}).status_code == 422


def test_the_donors_lot_is_followed_to_the_households_it_reached(delivered, register, worker, item):
    from households.selectors import households_reached_by_lot

    lot_id = delivered.lines.get().lot_id
    first = register()
    second = register("13900000000", room="402")
    household_handover(actor=worker, household=first, item=item, quantity=1)
    household_handover(actor=worker, household=first, item=item, quantity=1)
    household_handover(actor=worker, household=second, item=item, quantity=3)
    assert households_reached_by_lot([lot_id]) == {lot_id: 2}


def test_the_donors_public_page_counts_the_households_its_gift_reached(
    client, delivered, register, worker, item, organisation, coordinator
):
    """Where did my gift go, past the community's gate: a number of households, no person."""
    from inventory.models import Donor
    from public.models import OrganisationPublication
    from tests.public.conftest import forget_pages

    OrganisationPublication.objects.create(
        organisation=organisation, published=True, changed_by=coordinator
    )
    first = register()
    second = register("13900000099", building="8栋", unit_no="1单元", room="202室")
    household_handover(actor=worker, household=first, item=item, quantity=10)
    household_handover(actor=worker, household=first, item=item, quantity=5)
    household_handover(actor=worker, household=second, item=item, quantity=5)
    donor = Donor.objects.get(name="成都市慈善总会")
    forget_pages()

    page = client.get(f"/public/donors/{donor.pk}/").content.decode()
    api = client.get(f"/api/v1/public/donors/{donor.pk}").json()

    assert "已送到 2 户家庭门口" in page  # two households, whatever the number of handovers
    (masks,) = api["items"]
    assert (masks["households_reached"], masks["delivered"], masks["communities"]) == (2, 60, 1)
    # Delivered goods counted once: the community's stock is not "in stock" again.
    assert masks["in_stock"] == 0 and masks["received"] == 100
    for personal in ("张阿姨", PHONE, "8栋", "202室", "3栋"):
        assert personal not in page and personal not in str(api)
