"""Overdue shipments and requests waiting for a decision: coordinators serving the unit and the
community workers whose requests they are hear of it, once; other organisations never."""

import datetime as dt

from logistics.checks import overdue_shipments_check
from logistics.services import shipment_deliver, shipment_dispatch
from notifications.models import AlertState, Notification, NotificationKind
from supply_requests.checks import waiting_requests_check
from supply_requests.services import request_approve
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def test_a_shipment_not_delivered_after_48_hours_is_overdue(
    clock, coordinator, worker, staff, outsider, planned
):
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    clock.shift(dt.timedelta(hours=47))
    assert overdue_shipments_check().in_alert == 0
    clock.shift(dt.timedelta(hours=1))
    result = overdue_shipments_check()
    assert (result.in_alert, result.raised) == (1, 1)
    overdue = Notification.objects.filter(kind=NotificationKind.OVERDUE_SHIPMENT)
    notified = {n.recipient for n in overdue}
    assert notified == {coordinator, worker}  # not the site's staff, not the outsider
    note = overdue.get(recipient=worker)
    assert note.kind == NotificationKind.OVERDUE_SHIPMENT
    assert note.title == f"Shipment #{shipment.pk} to 玉林北路社区 is overdue"
    assert "not confirmed as delivered after 48 hours" in note.body
    assert note.link == f"/shipments/{shipment.pk}/"

    assert overdue_shipments_check().raised == 0
    assert overdue.count() == 2


def test_delivery_clears_the_overdue_alert(clock, coordinator, worker, planned):
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    clock.shift(dt.timedelta(days=3))
    overdue_shipments_check()
    shipment_deliver(actor=worker, shipment=shipment)
    assert overdue_shipments_check().cleared == 1
    assert not AlertState.objects.filter(is_active=True).exists()


def test_the_overdue_time_is_a_setting(clock, settings, coordinator, planned):
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    settings.NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS = 6
    clock.shift(dt.timedelta(hours=6))
    assert overdue_shipments_check().raised == 1


def test_a_request_without_decision_after_48_hours_alerts_its_coordinators_and_requester(
    clock, organisation, unit, coordinator, worker, staff, outsider, make_request
):
    # A coordinator of a second organisation serving the same unit is told too.
    other = OrganisationFactory()
    unit.organisations.add(other)
    other_coordinator = MembershipFactory(
        user=UserFactory(), organisation=other, role="coordinator"
    ).user
    request = make_request(status="submitted")
    clock.shift(dt.timedelta(hours=47, minutes=59))
    assert waiting_requests_check().in_alert == 0
    clock.shift(dt.timedelta(minutes=1))
    assert waiting_requests_check().raised == 1
    notified = {n.recipient for n in Notification.objects.all()}
    assert notified == {coordinator, other_coordinator, worker}
    note = Notification.objects.get(recipient=worker)
    assert note.title == f"Request #{request.pk} from 玉林北路社区 is waiting for a decision"
    assert note.body.startswith("Submitted at Feb. 10, 2020, 9 a.m.")
    assert note.link == f"/requests/{request.pk}/"

    for _ in range(2):
        assert waiting_requests_check().raised == 0
    assert Notification.objects.count() == 3


def test_drafts_and_decided_requests_are_not_waiting(clock, coordinator, make_request):
    make_request(status="draft")
    decided = make_request(status="submitted")
    clock.shift(dt.timedelta(days=5))
    waiting_requests_check()
    request_approve(
        actor=coordinator,
        request=decided,
        approved={line.pk: line.quantity_requested for line in decided.lines.all()},
    )
    assert waiting_requests_check().cleared == 1
    waiting = Notification.objects.filter(kind=NotificationKind.REQUEST_WAITING)
    assert waiting.count() == 2  # the decided one, before its decision


def test_an_inactive_requester_is_not_notified(clock, coordinator, worker, make_request):
    make_request(status="submitted")
    worker.is_active = False
    worker.save()
    clock.shift(dt.timedelta(days=3))
    waiting_requests_check()
    assert {n.recipient for n in Notification.objects.all()} == {coordinator}
