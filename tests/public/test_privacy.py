"""Privacy: anyone reaches the public pages and nothing else; no page or answer of theirs
carries a person's name, phone or address, a household figure, or an unpublished
organisation's anything."""

import json

import pytest
from django.urls import reverse

from tests.conftest import RECEIVED

# '"households"': the served unit's own household figure as a field (its value, 800, is
# checked below); the count of households a gift reached is `households_reached`.
PRIVATE = ("张三", "13800000001", "王主任", "13900000000", "秘密", "不公开的机构", '"households"')


@pytest.fixture
def public_answers(client, world, organisation):
    charity, private = world["charity"], world["private"]
    donation = charity.donations.get()
    day = {"organisation": organisation.code, "date": RECEIVED.isoformat()}
    urls = [
        (reverse("public:needs"), {}),
        (reverse("public:donor", args=[charity.pk]), {}),
        (reverse("public:donor", args=[private.pk]), {}),
        (reverse("public:donation", args=[donation.pk]), {}),
        (reverse("public:list", args=["received"]), day),
        (reverse("public:list", args=["distributed"]), day),
        ("/api/v1/public/needs", {}),
        (f"/api/v1/public/donors/{private.pk}", {}),
        ("/api/v1/public/lists/received", day),
    ]
    return [client.get(url, query) for url, query in urls]


def test_no_person_or_unpublished_organisation_on_any_public_answer(public_answers, worker):
    for response in public_answers:
        assert response.status_code == 200, response.request["PATH_INFO"]
        body = response.content.decode()
        for secret in (*PRIVATE, worker.username, "800"):
            assert secret not in body, (response.request["PATH_INFO"], secret)


def test_api_answers_carry_only_the_documented_fields(public_answers):
    needs = json.loads(public_answers[6].content)
    assert set(needs) == {"items", "count"}
    assert all(
        set(row)
        == {
            "district",
            "served_unit",
            "item",
            "item_name",
            "unit",
            "needed",
            "delivered",
            "waiting_hours",
        }
        for row in needs["items"]
    )


def test_anonymous_reach_nothing_else(client, world):
    for url in ("/requests/", "/dashboards/", "/imports/", "/donations/", "/stock/",
                reverse("public:offers_manage"), reverse("public:publishing_manage")):  # fmt: skip
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url
    assert client.get("/api/v1/stock/balances").status_code == 401
    assert client.post(reverse("public:needs")).status_code == 405  # read-only


def test_publishing_is_off_by_default(client, db, staff, site, item, unit):
    from public.selectors import published_organisations
    from tests.public.conftest import give

    donation = give(staff, site, "成都市慈善总会", item, 10)
    assert not published_organisations().exists()
    assert client.get(reverse("public:donor", args=[donation.donor_id])).status_code == 404
    assert client.get("/api/v1/public/needs").json() == {"items": [], "count": 0}
