"""Every dashboard request makes a fixed, small number of queries: the same on the small
world as after ten times more units, items, days, movements, requests and shipments.

The counts include the session and the user (2), the reader's roles (one statement since
issue 19) and the unit directory (2 for a coordinator: her sites come from the memberships
her roles were read from), the default window (1) and the figure's own reads.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.registry import COORDINATOR_PAGE, STOCK_PAGE, UNIT_PAGE
from inventory.services import DonationLineInput, donation_receive
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
)
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.dashboards.conftest import at, travel
from tests.factories import ItemFactory, ServedUnitFactory

# Queries per figure request, by reader ("figure:<name>" is its .json; the .csv is equal).
# Stock figures read the scope's site ids first (one query), so that their reads name the
# sites as constants (see `Scope.site_ids`).
EXPECTED = {
    "coordinator": {
        "figure:kpis": 11,
        "figure:stock": 8,
        "figure:stock-over-time": 9,
        "figure:expiry": 7,
        "figure:coverage": 8,
        "figure:deliveries": 7,
        "figure:donation-flow": 7,
        "figure:household-reach": 7,  # issue 20
    },
    "staff": {
        "figure:stock": 8,
        "figure:stock-over-time": 9,
        "figure:expiry": 7,
        "figure:donation-flow": 7,
    },
    "worker": {
        "figure:unit-status": 10,
        "figure:unit-progress": 7,
        "figure:coverage": 8,
        "figure:deliveries": 7,
    },
}
# The pages draw no figure themselves: session, scope, window, filter choices, the waiting
# list — and whatever base.html's shared header asks for (today the notification badge).
# Held to the same count at both sizes and under a ceiling, so that a change to the shared
# header does not break this test.
PAGES = {
    "coordinator": ["page:coordinator", "page:stock"],
    "staff": ["page:stock"],
    "worker": ["page:unit"],
}
PAGE_CEILING = 20


def grow(world, admin_user, *, units: int = 20, days: int = 20) -> None:
    """Ten times the world: more communities on the same street (same tree depth), more
    items, a donation every day, and a delivered request from every new community."""
    items = [world.masks_item, *(ItemFactory() for _ in range(10))]
    for day in range(days):
        moment = dt.datetime(2020, 2, 1, 9, tzinfo=at(1, 9).tzinfo) + dt.timedelta(days=day)
        with travel(moment):
            donation_receive(
                actor=world.staff,
                site=world.site,
                donor=f"donor {day % 7}",
                received_at=moment.date(),
                lines=[DonationLineInput(item=item, quantity=500) for item in items],
            )
    organisation = world.site.organisation
    for index in range(units):
        community = ServedUnitFactory(parent=world.tree.street)
        community.organisations.add(organisation)
        moment = dt.datetime(2020, 2, 3, 8, tzinfo=at(1, 9).tzinfo) + dt.timedelta(hours=7 * index)
        with travel(moment):
            request = request_create(
                actor=admin_user,
                served_unit=community,
                lines=[RequestLineInput(item=item, quantity=20) for item in items[index % 3 :][:3]],
            )
            request = request_submit(actor=admin_user, request=request)
        if index % 4 == 0:
            continue  # some stay waiting
        with travel(moment + dt.timedelta(hours=5)):
            lines = list(request.lines.all())
            request_approve(
                actor=world.coordinator,
                request=request,
                approved={line.pk: 20 for line in lines},
            )
            allocation_commit(
                actor=world.coordinator,
                allocations=[AllocationInput(line.pk, world.site, 20) for line in lines],
            )
            shipment = shipment_create(
                actor=world.coordinator, site=world.site, served_unit=community
            )
            shipment_dispatch(actor=world.coordinator, shipment=shipment)
        with travel(moment + dt.timedelta(hours=30)):
            shipment_deliver(actor=world.coordinator, shipment=shipment)


def urls(world) -> dict[str, str]:
    north = world.tree.north.pk
    return {
        "page:coordinator": reverse("dashboards:coordinator"),
        "page:stock": reverse("dashboards:stock"),
        "page:unit": reverse("dashboards:unit", args=[north]),
        **{
            f"figure:{name}": reverse("dashboards:figure-json", args=[name])
            + (f"?unit={north}" if name in UNIT_PAGE else "")
            for name in {*COORDINATOR_PAGE, *STOCK_PAGE, *UNIT_PAGE}
        },
    }


def count(client, url: str) -> int:
    """Queries of one GET (and of its CSV twin, which must be the same)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200, url
    csv_url = url.replace(".json", ".csv")
    if csv_url != url:
        with CaptureQueriesContext(connection) as csv_queries:
            assert client.get(csv_url, headers={"Accept-Language": "en"}).status_code == 200
        assert len(csv_queries) == len(queries), csv_url
    return len(queries)


@pytest.mark.parametrize("reader", list(EXPECTED))
def test_each_request_makes_the_same_few_queries_at_any_size(client, world, admin_user, reader):
    client.force_login(getattr(world, reader))
    # The session's first page remembers the reader's language (one write, once).
    client.get(reverse("dashboards:coordinator"), headers={"Accept-Language": "en"})
    targets = urls(world)
    keys = [*EXPECTED[reader], *PAGES[reader]]
    small = {key: count(client, targets[key]) for key in keys}
    grow(world, admin_user)
    large = {key: count(client, targets[key]) for key in keys}
    assert large == small
    assert {key: small[key] for key in EXPECTED[reader]} == EXPECTED[reader]
    assert all(small[key] <= PAGE_CEILING for key in PAGES[reader]), small
