"""One JSON error shape; 409 names the state or the shortage; tokens work as promised."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from tests.api.conftest import ApiClient


def test_validation_errors_have_field_errors(api_staff):
    response = api_staff.post("/donations", {"site": "x", "lines": []})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert ("body", "payload", "received_at") in locations


def test_illegal_transition_is_409_naming_the_state(api_worker, make_request):
    request = make_request(5, status="submitted")
    response = api_worker.post(f"/requests/{request.pk}/submit")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "Submitted" in response.json()["detail"]


def test_shortage_is_409_naming_it(api_coordinator, coordinator, make_request, site, receive):
    receive(5)
    request = make_request(50, status="approved", approver=coordinator)
    response = api_coordinator.post(
        "/allocations/commit",
        {
            "allocations": [
                {"request_line": request.lines.get().pk, "site": site.code, "quantity": 50}
            ]
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert "Only 5" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/requests/99999999999999999999999", "/donations/0"])
def test_out_of_range_ids_are_422_not_500(api_staff, path):
    assert api_staff.get(path).status_code == 422


def test_unknown_object_is_404_with_the_error_shape(api_staff):
    response = api_staff.get("/requests/424242")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_bad_or_revoked_tokens_are_401(staff, db):
    client = ApiClient(staff)
    token_header = client.headers["Authorization"]
    assert client.get("/items").status_code == 200
    client.headers["Authorization"] = "Bearer rlt_not-a-real-token"
    assert client.get("/items").status_code == 401
    row = ApiToken.objects.get(user=staff)
    assert row.last_used_at is not None and len(row.digest) == 64
    assert token_header.split()[1] not in {row.digest, row.prefix}  # stored hashed only
    client.headers["Authorization"] = token_header
    revoked = client.post(f"/tokens/{row.pk}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/items").status_code == 401


def test_users_make_list_and_revoke_their_own_tokens(api_staff, api_worker, staff):
    browser = Client()
    browser.force_login(staff)
    made = browser.post(
        "/api/v1/tokens", {"name": "nightly stock sync"}, content_type="application/json"
    )
    assert made.status_code == 201
    token = made.json()["token"]
    assert token.startswith("rlt_")
    assert (
        ApiClient()
        .client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 200
    )
    listed = api_staff.get("/tokens").json()
    assert "token" not in listed[0]
    # Someone else's token is not there for you.
    assert api_worker.post(f"/tokens/{made.json()['id']}/revoke").status_code == 404


def test_create_api_token_prints_the_token_alone_on_its_last_line(staff, capsys):
    call_command("create_api_token", "staff")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("rlt_")
    assert (
        Client().get("/api/v1/items", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def test_browser_session_needs_csrf_for_writes(staff, site, item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.get("/api/v1/items").status_code == 200
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_docs_are_served_from_our_own_static_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert client.get("/api/v1/openapi.json").json()["info"]["title"]
