"""Event notifications: people are told what happened to their requests and shipments, in the
inbox and by e-mail after commit, in their own language, never of their own action."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from accounts.languages import user_language_remember
from logistics.services import shipment_deliver, shipment_dispatch
from notifications.models import EmailStatus, Notification, NotificationKind
from supply_requests.services import request_approve, request_close, request_reject, request_submit
from tests.factories import MembershipFactory, UserFactory


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_critical_request_tells_the_units_coordinators_not_the_sender(
    coordinator, worker, outsider, make_request
):
    draft = make_request(priority="critical")
    request = request_submit(actor=worker, request=draft)
    note = Notification.objects.get(recipient=coordinator)
    assert note.kind == NotificationKind.REQUEST_SUBMITTED
    assert note.title == f"New critical request #{request.pk} from 玉林北路社区"
    assert note.link == f"/requests/{request.pk}/"
    assert kinds_of(worker) == [] and kinds_of(outsider) == []


def test_a_normal_request_tells_nobody_at_once(coordinator, make_request):
    make_request(status="submitted", priority="normal")
    assert not Notification.objects.exists()


def test_approval_and_partial_approval_tell_the_requester(coordinator, worker, make_request):
    full = make_request(100, status="approved", approver=coordinator)
    part = make_request(100, status="approved", approver=coordinator, approve=40)
    assert sorted(kinds_of(worker)) == ["request_approved", "request_partially_approved"]
    assert not Notification.objects.filter(recipient=coordinator).exists()
    note = Notification.objects.get(recipient=worker, kind="request_partially_approved")
    assert note.link == f"/requests/{part.pk}/"
    assert (
        Notification.objects.get(recipient=worker, kind="request_approved").params["request"]
        == full.pk
    )


def test_rejection_and_closure_carry_the_reason(coordinator, worker, make_request, approved):
    request = make_request(status="submitted")
    request_reject(actor=coordinator, request=request, reason="Ask the health centre")
    note = Notification.objects.get(recipient=worker, kind="request_rejected")
    assert "Ask the health centre" in note.body
    closed = request_close(actor=coordinator, request=approved(), reason="Not needed any more")
    note = Notification.objects.get(recipient=worker, kind="request_closed")
    assert note.params["request"] == closed.pk
    assert "Not needed any more" in note.body


def test_dispatch_tells_the_requester_the_waybill_and_delivery_tells_the_coordinator(
    coordinator, worker, planned
):
    _request, shipment = planned
    Notification.objects.all().delete()
    shipment_dispatch(actor=coordinator, shipment=shipment)
    note = Notification.objects.get(recipient=worker)
    assert note.kind == NotificationKind.SHIPMENT_DISPATCHED
    assert shipment.vehicle and shipment.vehicle in note.body
    assert "expected by" in note.body
    assert note.link == f"/shipments/{shipment.pk}/"
    assert not Notification.objects.filter(recipient=coordinator).exists()

    shipment_deliver(actor=worker, shipment=shipment)
    assert kinds_of(coordinator) == ["shipment_delivered"]
    assert kinds_of(worker) == ["shipment_dispatched"]  # she recorded it herself


def test_a_rolled_back_decision_tells_nobody(coordinator, worker, make_request):
    request = make_request(status="submitted")
    with pytest.raises(RuntimeError), transaction.atomic():
        request_reject(actor=coordinator, request=request, reason="no")
        raise RuntimeError("the page failed after the service")
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_emails_go_after_commit_in_the_recipients_language(
    settings, organisation, unit, coordinator, worker, make_request
):
    settings.NOTIFICATIONS_EMAIL_LANGUAGE = "zh-hans"
    worker.email, coordinator.email = "worker@example.org", "coordinator@example.org"
    worker.save(), coordinator.save()
    user_language_remember(user_id=worker.pk, language="en")
    request = make_request(status="submitted")
    mail.outbox.clear()
    with transaction.atomic():
        request_approve(
            actor=coordinator,
            request=request,
            approved={line.pk: line.quantity_requested for line in request.lines.all()},
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    assert f"Request #{request.pk} approved" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=worker).email_status == EmailStatus.SENT

    # A coordinator who reads the site in Chinese gets Chinese.
    other = make_request(status="draft", priority="high")
    user_language_remember(user_id=coordinator.pk, language="zh-hans")
    mail.outbox.clear()
    request_submit(actor=worker, request=other)
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]
    with translation.override("zh-hans"):
        expected = Notification.objects.get(recipient=coordinator).title
    assert expected in mail.outbox[0].subject
    assert "#" in expected and expected != f"New high request #{other.pk} from 玉林北路社区"


def test_a_coordinator_of_another_organisation_serving_the_unit_is_told(
    organisation, unit, coordinator, make_request
):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory()
    unit.organisations.add(other)
    colleague = MembershipFactory(user=UserFactory(), organisation=other, role="coordinator").user
    make_request(status="submitted", priority="high")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        coordinator.pk,
        colleague.pk,
    }
