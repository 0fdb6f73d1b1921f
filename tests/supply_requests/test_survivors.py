"""Rules that mutation testing showed no test was holding (issue 14): a frontline unit is in
tier 0 whatever its priority; `assign_sites` serves higher tiers from the preferred site
first; an unknown-quantity line approved with nothing is a partial approval."""

from supply_requests.models import Priority, RequestStatus
from supply_requests.planning import Share, SitePick, assign_sites
from supply_requests.selectors import open_demands
from supply_requests.services import RequestLineInput, request_approve
from tests.factories import ItemFactory


def test_a_frontline_unit_is_tier_0_even_with_a_low_priority(coordinator, unit, item, approved):
    unit.frontline_medical = True
    unit.save(update_fields=["frontline_medical"])
    request = approved(10, priority=Priority.LOW)
    by_item, _info = open_demands(actor=coordinator, item_ids=[item.pk])
    [demand] = by_item[item.pk]
    assert (demand.line_id, demand.tier) == (request.lines.get().pk, 0)


def test_an_ordinary_unit_keeps_its_priority_tier(coordinator, item, approved):
    approved(10, priority=Priority.LOW)
    by_item, _info = open_demands(actor=coordinator, item_ids=[item.pk])
    assert [d.tier for d in by_item[item.pk]] == [3]


def _share(line_id: int, tier: int, quantity: int) -> Share:
    return Share(line_id, 1, tier, 1, quantity, quantity, None, "")


def test_assign_sites_serves_the_higher_tier_from_the_preferred_site_first():
    # Line 1 (normal) has the smaller id, line 2 is frontline: tier goes before id.
    shares = [_share(1, 2, 10), _share(2, 0, 5)]
    picks = assign_sites(shares, [(100, 5), (200, 10)])
    assert picks == [SitePick(2, 100, 5), SitePick(1, 200, 10)]


def test_approving_nothing_of_an_unknown_quantity_line_is_a_partial_approval(
    coordinator, make_request, item
):
    gloves = ItemFactory(code="gloves")
    request = make_request(
        status="submitted",
        lines=[
            RequestLineInput(item=item, quantity=10),
            RequestLineInput(item=gloves, quantity=None),
        ],
    )
    lines = {line.item_id: line.pk for line in request.lines.all()}
    request = request_approve(
        actor=coordinator,
        request=request,
        approved={lines[item.pk]: 10, lines[gloves.pk]: 0},
    )
    assert request.status == RequestStatus.PARTIALLY_APPROVED
