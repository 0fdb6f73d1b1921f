"""Role × endpoint: exactly the services' rules. Another organisation's or community's object
is a 404 (it is not there for you); an action your role may not take is a 403; no
credentials is a 401."""

import datetime as dt

import pytest

from logistics.services import AllocationInput, allocation_commit, shipment_create
from tests.api.conftest import ApiClient

PERSONAS = ["staff", "worker", "coordinator", "outsider", "anonymous"]


@pytest.fixture
def world(staff, worker, coordinator, outsider, site, unit, item, receive, make_request):
    """Stock, a draft, a submitted request, and an approved one reserved on a planned shipment."""
    lot = receive(500, expiry=dt.date(2031, 1, 1))
    draft = make_request(10)
    submitted = make_request(10, status="submitted")
    approved = make_request(20, status="approved", approver=coordinator)
    allocation_commit(
        actor=coordinator, allocations=[AllocationInput(approved.lines.get().pk, site, 20)]
    )
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    clients = {
        "staff": ApiClient(staff),
        "worker": ApiClient(worker),
        "coordinator": ApiClient(coordinator),
        "outsider": ApiClient(outsider),
        "anonymous": ApiClient(),
    }
    return {
        "clients": clients,
        "site": site.code,
        "unit": unit.pk,
        "item": item.code,
        "lot": lot.pk,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "submitted_line": submitted.lines.get().pk,
        "approved_line": approved.lines.get().pk,
        "shipment": shipment.pk,
        "donation": lot.donation_line.donation_id,
    }


def donation(w):
    return {
        "site": w["site"],
        "donor": "d",
        "received_at": "2020-01-30",
        "lines": [{"item": w["item"], "quantity": 5}],
    }


# (name, method, path, body, expected status per persona)
MATRIX = [
    ("items", "get", lambda w: "/items", None, [200, 200, 200, 200, 401]),
    ("served units", "get", lambda w: "/served-units", None, [200, 200, 200, 200, 401]),
    ("summary", "get", lambda w: "/dashboards/summary", None, [200, 200, 200, 200, 401]),
    ("donate", "post", lambda w: "/donations", donation, [201, 404, 201, 404, 401]),
    ("donation", "get", lambda w: f"/donations/{w['donation']}", None, [200, 404, 200, 404, 401]),
    (
        "adjust",
        "post",
        lambda w: "/stock/adjustments",
        lambda w: {"site": w["site"], "lot": w["lot"], "quantity": -1, "reason": "damaged"},
        [201, 404, 201, 404, 401],
    ),
    (
        "request",
        "post",
        lambda w: "/requests",
        lambda w: {"served_unit": w["unit"], "lines": [{"item": w["item"], "quantity": 1}]},
        [403, 201, 403, 404, 401],
    ),
    ("read request", "get", lambda w: f"/requests/{w['draft']}", None, [200, 200, 200, 404, 401]),
    ("submit", "post", lambda w: f"/requests/{w['draft']}/submit", None, [403, 200, 403, 404, 401]),
    (
        "approve",
        "post",
        lambda w: f"/requests/{w['submitted']}/approve",
        lambda w: {"lines": [{"id": w["submitted_line"], "quantity_approved": 5}]},
        [403, 403, 200, 404, 401],
    ),
    (
        "reject",
        "post",
        lambda w: f"/requests/{w['submitted']}/reject",
        lambda w: {"reason": "no"},
        [403, 403, 200, 404, 401],
    ),
    ("cancel", "post", lambda w: f"/requests/{w['draft']}/cancel", None, [403, 200, 200, 404, 401]),
    (
        "plan",
        "post",
        lambda w: "/allocations/plan",
        lambda w: {"items": [w["item"]], "sites": [w["site"]]},
        [403, 404, 200, 404, 401],
    ),
    (
        "commit",
        "post",
        lambda w: "/allocations/commit",
        lambda w: {
            "allocations": [{"request_line": w["approved_line"], "site": w["site"], "quantity": 1}]
        },
        [403, 404, 422, 404, 401],  # coordinator: the line is already fully allocated
    ),
    (
        "ship",
        "post",
        lambda w: "/shipments",
        lambda w: {"site": w["site"], "served_unit": w["unit"]},
        [403, 404, 422, 404, 401],  # coordinator: everything reserved is already planned
    ),
    (
        "dispatch",
        "post",
        lambda w: f"/shipments/{w['shipment']}/dispatch",
        None,
        [403, 403, 200, 404, 401],
    ),
    ("shipment", "get", lambda w: f"/shipments/{w['shipment']}", None, [200, 200, 200, 404, 401]),
]

CASES = [
    pytest.param(persona, entry, expected[i], id=f"{entry[0]}-{persona}")
    for entry in MATRIX
    for i, (persona, expected) in enumerate(zip(PERSONAS, [entry[4]] * 5, strict=True))
]


@pytest.mark.parametrize(("persona", "entry", "expected"), CASES)
def test_role_endpoint_matrix(world, persona, entry, expected):
    _name, method, path, body, _ = entry
    client = world["clients"][persona]
    if method == "get":
        response = client.get(path(world))
    else:
        response = client.post(path(world), body(world) if body else None)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) >= {"detail", "code"}


def test_lists_show_only_what_is_yours(world):
    outsider = world["clients"]["outsider"]
    for path in ("/stock/balances", "/donations", "/requests", "/shipments", "/served-units"):
        assert outsider.get(path).json() == {"items": [], "count": 0}, path
    staff = world["clients"]["staff"]
    assert staff.get("/stock/balances").json()["count"] == 1
    worker = world["clients"]["worker"]
    assert worker.get("/stock/balances").json()["count"] == 0  # workers hold no stock
    assert worker.get("/requests").json()["count"] == 3
