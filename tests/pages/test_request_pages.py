"""Request pages: the worker asks, the coordinator decides; each page enforces the roles of
the services, and bad input comes back as an error next to its field."""

import pytest
from django.urls import reverse

from supply_requests.models import RequestStatus, SupplyRequest


@pytest.fixture
def as_(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def request_post(unit, item, action="submit", quantity="12", unknown=False):
    data = {
        "served_unit": unit.pk,
        "priority": "high",
        "people_served": "40",
        "needed_by": "",
        "reason": "",
        "action": action,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "30",
        "lines-0-item": item.code,
        "lines-0-quantity": quantity,
        "lines-1-item": "",
    }
    if unknown:
        data["lines-0-unknown"] = "on"
    return data


def test_worker_submits_a_request_from_the_form(as_, worker, unit, item):
    response = as_(worker).post(reverse("pages:request_new"), request_post(unit, item))
    created = SupplyRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pages:request", args=[created.pk])
    assert created.status == RequestStatus.SUBMITTED
    assert created.lines.get().quantity_requested == 12


def test_a_draft_is_saved_with_an_unknown_quantity(as_, worker, unit, item):
    as_(worker).post(
        reverse("pages:request_new"), request_post(unit, item, "draft", quantity="", unknown=True)
    )
    created = SupplyRequest.objects.get()
    assert created.status == RequestStatus.DRAFT
    assert created.lines.get().quantity_requested is None


def test_missing_quantity_is_an_error_next_to_the_field(as_, worker, unit, item):
    response = as_(worker).post(reverse("pages:request_new"), request_post(unit, item, quantity=""))
    assert response.status_code == 200
    line_form = response.context["lines"].forms[0]
    assert "quantity" in line_form.errors
    assert not SupplyRequest.objects.exists()


def test_people_who_are_not_workers_cannot_open_the_request_form(as_, staff, coordinator):
    for user in (staff, coordinator):
        assert as_(user).get(reverse("pages:request_new")).status_code == 404


def test_coordinator_approves_per_line_on_the_request_page(as_, coordinator, make_request):
    request = make_request(10, status="submitted")
    line = request.lines.get()
    client = as_(coordinator)
    page = client.get(reverse("pages:request", args=[request.pk]))
    assert f'name="approve-{line.pk}"'.encode() in page.content
    client.post(reverse("pages:request_approve", args=[request.pk]), {f"approve-{line.pk}": "6"})
    request.refresh_from_db()
    assert request.status == RequestStatus.PARTIALLY_APPROVED


def test_worker_cannot_approve_and_sees_no_approval_form(as_, worker, make_request):
    request = make_request(10, status="submitted")
    line = request.lines.get()
    client = as_(worker)
    page = client.get(reverse("pages:request", args=[request.pk]))
    assert b'name="approve-' not in page.content
    response = client.post(
        reverse("pages:request_approve", args=[request.pk]), {f"approve-{line.pk}": "10"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_outsiders_get_404_never_someone_elses_request(as_, outsider, other_worker, make_request):
    request = make_request(10, status="submitted")
    for user in (outsider, other_worker):
        client = as_(user)
        assert client.get(reverse("pages:request", args=[request.pk])).status_code == 404
        assert client.post(reverse("pages:request_cancel", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_queue_is_for_coordinators_sorted_by_urgency(as_, coordinator, worker, make_request):
    low = make_request(1, status="submitted", priority="low")
    critical = make_request(1, status="submitted", priority="critical")
    page = as_(coordinator).get(reverse("pages:queue"))
    ids = [row["request"].pk for row in page.context["rows"]]
    assert ids == [critical.pk, low.pk]
    assert as_(worker).get(reverse("pages:queue")).status_code == 404


def test_reject_needs_a_reason(as_, coordinator, make_request):
    request = make_request(10, status="submitted")
    client = as_(coordinator)
    client.post(reverse("pages:request_reject", args=[request.pk]), {"reject-reason": ""})
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    client.post(reverse("pages:request_reject", args=[request.pk]), {"reject-reason": "重复申请"})
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (RequestStatus.REJECTED, "重复申请")


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("pages:request_new"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
