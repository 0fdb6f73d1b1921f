"""The privacy matrix: who reads a household's name, phone, address and notes — through the
pages, the API, the exports and the dashboards. Each refusal is checked on the body too:
no personal field may leak, whatever the status code."""

import pytest
from django.urls import reverse

from households.models import PersonalDataRead
from tests.households.conftest import PERSONAL, PHONE

PERSONAS = [
    "coordinator",
    "staff",
    "sibling_worker",
    "other_worker",
    "outsider",
    "admin",
]


def assert_no_personal(body: str) -> None:
    for secret in PERSONAL:
        assert secret not in body, secret


@pytest.fixture
def household(register):
    return register()


def test_worker_reads_her_households_on_the_page_and_it_is_logged(client, worker, household):
    client.force_login(worker)
    page = client.get(reverse("pages:households")).content.decode()
    for secret in PERSONAL:
        assert secret in page
    assert "居家隔离或观察" in page
    read = PersonalDataRead.objects.get()
    assert (read.user, read.household, read.purpose, read.granted) == (
        worker,
        household,
        "list",
        True,
    )


def test_street_worker_reads_the_community_below(client, street_worker, household):
    client.force_login(street_worker)
    page = client.get(reverse("pages:households")).content.decode()
    assert PHONE in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_else_is_refused_the_pages(client, request, persona, household):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    own_register = persona in ("sibling_worker", "other_worker")
    for url in (
        reverse("pages:households"),
        reverse("pages:households") + f"?unit={household.served_unit_id}",
        reverse("pages:household_edit", args=[household.pk]),
        reverse("pages:household_new"),
    ):
        response = client.get(url)
        # A worker of another community reaches her own (empty) register, nothing of ours.
        if not (own_register and "unit=" not in url and "/edit/" not in url):
            assert response.status_code in (403, 404), url
        assert_no_personal(response.content.decode())
    assert not PersonalDataRead.objects.filter(granted=True).exists()


def test_anonymous_is_sent_to_sign_in(client, household):
    response = client.get(reverse("pages:households"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_api_list_for_the_worker_only(api, worker, coordinator, staff, household, unit):
    body = api(worker).get("/households", served_unit=unit.pk).json()
    assert body["count"] == 1
    body = body["items"]
    assert body[0]["phone"] == PHONE and body[0]["contact_name"] == "张阿姨"
    assert sorted(body[0]["categories"]) == ["elderly_alone", "home_isolation"]
    for user in (coordinator, staff):
        response = api(user).get("/households", served_unit=unit.pk)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert_no_personal(response.content.decode())
    refused = PersonalDataRead.objects.filter(granted=False)
    assert set(refused.values_list("user__username", flat=True)) == {"coordinator", "staff"}


@pytest.mark.parametrize("persona", ["other_worker", "outsider"])
def test_api_hides_other_units_entirely(api, request, persona, household, unit):
    response = api(request.getfixturevalue(persona)).get("/households", served_unit=unit.pk)
    assert response.status_code == 404
    summary = api(request.getfixturevalue(persona)).get("/households/summary", served_unit=unit.pk)
    assert summary.status_code == 404
    assert_no_personal(response.content.decode() + summary.content.decode())


def test_api_anonymous_is_401(api, household, unit):
    assert api().get("/households", served_unit=unit.pk).status_code == 401
    assert api().get("/households/summary", served_unit=unit.pk).status_code == 401


@pytest.mark.parametrize("persona", ["worker", "coordinator", "staff", "street_worker", "admin"])
def test_api_summary_is_counts_only(api, request, persona, register, unit):
    register()
    register("13900000000", room="402", categories=("low_income",), members=5)
    response = api(request.getfixturevalue(persona)).get("/households/summary", served_unit=unit.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["households"] == 2 and body["members"] == 7
    assert body["by_category"]["home_isolation"] == 1
    assert body["by_category"]["low_income"] == 1
    assert body["reached_last_7_days"] == 0
    assert_no_personal(response.content.decode())
    assert "13900000000" not in response.content.decode()


def test_api_create_then_same_phone_is_409(api, worker, unit):
    payload = {
        "served_unit": unit.pk,
        "address": "3栋2单元401",
        "contact_name": "张阿姨",
        "phone": PHONE,
        "members": 3,
        "categories": ["home_isolation", "elderly_alone"],
        "isolation_until": "2020-02-14",
    }
    created = api(worker).post("/households", payload)
    assert created.status_code == 201, created.content
    assert created.json()["id"] > 0
    again = api(worker).post("/households", {**payload, "address": "5栋101"})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert f"#{created.json()['id']}" in again.json()["detail"]


def test_api_create_refused_for_coordinators(api, coordinator, unit):
    response = api(coordinator).post(
        "/households", {"served_unit": unit.pk, "phone": PHONE, "contact_name": "张阿姨"}
    )
    assert response.status_code == 403


def test_api_bad_input_is_422(api, worker, unit):
    response = api(worker).post(
        "/households", {"served_unit": unit.pk, "phone": PHONE, "categories": ["vip"]}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_dashboards_and_exports_show_no_person(client, coordinator, admin, household):
    for user in (coordinator, admin):
        client.force_login(user)
        for url in (reverse("dashboards:coordinator"), reverse("home")):
            response = client.get(url)
            assert response.status_code == 200
            assert_no_personal(response.content.decode())


def test_exports_show_no_person(
    client, coordinator, staff, admin, delivered, register, worker, item
):
    from households.services.handovers import household_handover
    from imports.exports import EXPORTS

    household = register()
    household_handover(actor=worker, household=household, item=item, quantity=1)
    for user in (coordinator, staff, admin):
        client.force_login(user)
        for name in EXPORTS:
            response = client.get(reverse("imports:export", args=[name, "csv"]))
            assert response.status_code == 200, name
            assert_no_personal(
                b"".join(response.streaming_content).decode("utf-8-sig")
                if response.streaming
                else response.content.decode("utf-8-sig")
            )


def test_the_admin_holds_no_household_and_the_audit_log_is_read_only(client, admin, household):
    client.force_login(admin)
    for model in ("personaldataread", "volunteer", "entitlement"):
        response = client.get(reverse(f"admin:households_{model}_changelist"))
        assert response.status_code == 200
        assert_no_personal(response.content.decode())
    assert client.get("/admin/households/household/").status_code == 404
    assert client.get(reverse("admin:households_personaldataread_add")).status_code == 403
