import pytest

from core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from supply_requests.models import RequestStatus, SupplyRequest
from supply_requests.services import RequestLineInput, request_create, request_update_draft
from tests.factories import ItemFactory, ServedUnitFactory, UnitMembershipFactory


def test_worker_drafts_a_request_with_a_known_and_an_unknown_quantity(worker, unit, item):
    gloves = ItemFactory(code="gloves")
    request = request_create(
        actor=worker,
        served_unit=unit,
        priority="critical",
        people_served=300,
        reason="居家隔离户需要口罩",
        lines=[
            RequestLineInput(item=item, quantity=200),
            RequestLineInput(item=gloves, quantity=None),
        ],
    )
    assert (request.status, request.requested_by, request.priority) == ("draft", worker, "critical")
    assert sorted(request.lines.values_list("item__code", "quantity_requested")) == [
        ("gloves", None),
        ("n95", 200),
    ]
    assert [(h.from_status, h.to_status, h.actor) for h in request.history.all()] == [
        ("", RequestStatus.DRAFT, worker)
    ]


def test_a_worker_of_a_parent_street_may_request_for_its_communities(db, item):
    street = ServedUnitFactory(kind="street")
    community = ServedUnitFactory(parent=street)
    street_worker = UnitMembershipFactory(served_unit=street).user
    request = request_create(
        actor=street_worker, served_unit=community, lines=[RequestLineInput(item=item, quantity=1)]
    )
    assert request.served_unit == community


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one item"),
        ("duplicate", "only once"),
        ("zero", "more than zero"),
    ],
)
def test_bad_lines_are_refused(worker, unit, item, lines, message):
    if lines == "duplicate":
        lines = [RequestLineInput(item=item, quantity=1), RequestLineInput(item=item, quantity=2)]
    elif lines == "zero":
        lines = [RequestLineInput(item=item, quantity=0)]
    with pytest.raises(ValidationFailed, match=message):
        request_create(actor=worker, served_unit=unit, lines=lines)
    assert not SupplyRequest.objects.exists()


def test_unknown_priority_is_refused(worker, unit, item):
    with pytest.raises(ValidationFailed, match="priority"):
        request_create(
            actor=worker,
            served_unit=unit,
            priority="urgent!!",
            lines=[RequestLineInput(item=item, quantity=1)],
        )


def test_only_the_units_own_workers_may_request(other_worker, staff, coordinator, unit, item):
    for actor in (other_worker, staff, coordinator):
        with pytest.raises(NotPermitted):
            request_create(
                actor=actor, served_unit=unit, lines=[RequestLineInput(item=item, quantity=1)]
            )
    assert not SupplyRequest.objects.exists()


def test_a_draft_can_be_edited_but_not_once_submitted(worker, make_request, item):
    request = make_request(10)
    request_update_draft(
        actor=worker,
        request=request,
        lines=[RequestLineInput(item=item, quantity=25)],
        priority="high",
        needed_by=None,
        people_served=40,
        reason="more households in isolation",
    )
    request.refresh_from_db()
    assert (request.priority, request.lines.get().quantity_requested) == ("high", 25)
    submitted = make_request(5, status="submitted")
    with pytest.raises(IllegalTransition, match="only a draft"):
        request_update_draft(
            actor=worker,
            request=submitted,
            lines=[RequestLineInput(item=item, quantity=1)],
            priority="low",
            needed_by=None,
            people_served=0,
            reason="",
        )
