"""Submit, approve (in full, partly, unknown quantities), reject, cancel, close: each legal
move works, records who did it, and each illegal one is refused naming the current state."""

import pytest

from core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from supply_requests.models import RequestStatus
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_cancel,
    request_close,
    request_reject,
    request_submit,
)
from tests.factories import ItemFactory


def test_submit_then_approve_in_full(worker, coordinator, make_request):
    request = make_request(100)
    request = request_submit(actor=worker, request=request)
    assert request.status == RequestStatus.SUBMITTED and request.submitted_at
    line = request.lines.get()
    request = request_approve(
        actor=coordinator, request=request, approved={line.pk: 100}, note="ok"
    )
    assert request.status == RequestStatus.APPROVED
    assert request.lines.get().quantity_approved == 100
    last = request.history.last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        "submitted",
        "approved",
        coordinator,
        "ok",
    )


def test_less_than_asked_on_any_line_is_partial(coordinator, make_request, item):
    gloves = ItemFactory(code="gloves")
    request = make_request(
        status="submitted",
        lines=[
            RequestLineInput(item=item, quantity=100),
            RequestLineInput(item=gloves, quantity=9),
        ],
    )
    masks, glove_line = request.lines.order_by("id")
    request = request_approve(
        actor=coordinator, request=request, approved={masks.pk: 100, glove_line.pk: 0}
    )
    assert request.status == RequestStatus.PARTIALLY_APPROVED


def test_unknown_quantity_is_set_by_the_approver(coordinator, make_request):
    request = make_request(None, status="submitted")
    line = request.lines.get()
    request = request_approve(actor=coordinator, request=request, approved={line.pk: 40})
    assert request.status == RequestStatus.APPROVED
    assert request.lines.get().quantity_approved == 40


@pytest.mark.parametrize(
    ("approved", "message"),
    [(101, "more than the 100 requested"), (0, "reject the request"), (-1, "zero or more")],
)
def test_approval_limits(coordinator, make_request, approved, message):
    request = make_request(100, status="submitted")
    line = request.lines.get()
    with pytest.raises(ValidationFailed, match=message):
        request_approve(actor=coordinator, request=request, approved={line.pk: approved})
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_every_line_must_be_decided(coordinator, make_request, item):
    gloves = ItemFactory(code="gloves")
    request = make_request(
        status="submitted",
        lines=[RequestLineInput(item=item, quantity=1), RequestLineInput(item=gloves, quantity=1)],
    )
    first = request.lines.order_by("id").first()
    with pytest.raises(ValidationFailed, match="Decide every line"):
        request_approve(actor=coordinator, request=request, approved={first.pk: 1})


def test_reject_needs_a_reason(coordinator, make_request):
    request = make_request(status="submitted")
    with pytest.raises(ValidationFailed, match="reason"):
        request_reject(actor=coordinator, request=request, reason="  ")
    request = request_reject(actor=coordinator, request=request, reason="已由街道统一配发")
    assert request.status == RequestStatus.REJECTED
    assert request.history.last().note == "已由街道统一配发"


def test_illegal_moves_name_the_current_state(worker, coordinator, make_request):
    draft = make_request()
    with pytest.raises(IllegalTransition, match="Draft; it cannot become Approved") as raised:
        request_approve(actor=coordinator, request=draft, approved={})
    assert raised.value.details["current"] == "draft"
    with pytest.raises(IllegalTransition, match="Draft"):
        request_reject(actor=coordinator, request=draft, reason="x")
    with pytest.raises(IllegalTransition, match="Draft"):
        request_close(actor=coordinator, request=draft, reason="x")
    submitted = make_request(status="submitted")
    with pytest.raises(IllegalTransition, match="Submitted"):
        request_submit(actor=worker, request=submitted)
    rejected = request_reject(actor=coordinator, request=submitted, reason="no")
    for attempt in (
        lambda: request_cancel(actor=worker, request=rejected),
        lambda: request_submit(actor=worker, request=rejected),
    ):
        with pytest.raises(IllegalTransition, match="Rejected"):
            attempt()


def test_cancel_from_any_open_state(worker, coordinator, make_request):
    for status in ("draft", "submitted", "approved"):
        request = make_request(status=status, approver=coordinator)
        request = request_cancel(actor=worker, request=request, note="已从别处领取")
        assert request.status == RequestStatus.CANCELLED
    approved = make_request(status="approved", approver=coordinator)
    assert request_cancel(actor=coordinator, request=approved).status == RequestStatus.CANCELLED


def test_close_short_needs_a_reason_and_a_decided_request(coordinator, make_request):
    request = make_request(status="approved", approver=coordinator)
    with pytest.raises(ValidationFailed, match="reason"):
        request_close(actor=coordinator, request=request, reason="")
    request = request_close(actor=coordinator, request=request, reason="物资已由其他渠道解决")
    assert request.status == RequestStatus.CLOSED


def test_who_may_do_what(worker, other_worker, staff, coordinator, outsider, make_request):
    request = make_request(status="submitted")
    line = request.lines.get()
    # Only coordinators of an organisation that serves the unit decide.
    for actor in (worker, staff, outsider, other_worker):
        with pytest.raises(NotPermitted):
            request_approve(actor=actor, request=request, approved={line.pk: 1})
        with pytest.raises(NotPermitted):
            request_reject(actor=actor, request=request, reason="x")
    # Only the unit's own workers submit and edit; strangers may not cancel.
    draft = make_request()
    for actor in (coordinator, other_worker, outsider):
        with pytest.raises(NotPermitted):
            request_submit(actor=actor, request=draft)
    for actor in (other_worker, outsider, staff):
        with pytest.raises(NotPermitted):
            request_cancel(actor=actor, request=draft)
