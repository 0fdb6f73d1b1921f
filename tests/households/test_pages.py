"""The register's pages in Chinese, as a community worker uses them on a phone."""

import pytest
from django.urls import reverse

from households.models import Household, PersonalDataRead
from households.views import PAGE_SIZE
from tests.households.conftest import PHONE


def form(unit, **overrides):
    return {
        "served_unit": unit.pk,
        "building": "3栋",
        "unit_no": "2单元",
        "room": "401",
        "contact_name": "张阿姨",
        "phone": PHONE,
        "members": "２",  # full-width digits from a Chinese keyboard
        "categories": ["home_isolation", "elderly_alone"],
        "isolation_from": "2020-02-01",
        "isolation_until": "2020-02-14",
        "notes": "",
        "consent": "on",
        **overrides,
    }


@pytest.fixture
def signed_in(client, worker):
    client.force_login(worker)
    return client


def test_register_then_list(signed_in, unit):
    page = signed_in.get(reverse("pages:household_new")).content.decode()
    assert "登记住户" in page and "同意登记" in page
    response = signed_in.post(reverse("pages:household_new"), form(unit), follow=True)
    page = response.content.decode()
    assert "已登记" in page and PHONE in page and "3栋 2单元 401" in page
    household = Household.objects.get()
    assert household.members == 2


def test_same_phone_twice_is_a_field_error_in_chinese(signed_in, unit, register):
    first = register()
    response = signed_in.post(reverse("pages:household_new"), form(unit, room="999"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"此电话已在本社区登记：住户 #{first.pk}" in page
    assert Household.objects.count() == 1


def test_empty_form_and_no_consent(signed_in, unit):
    response = signed_in.post(
        reverse("pages:household_new"), {"served_unit": unit.pk, "members": ""}
    )
    page = response.content.decode()
    assert "登记需要住户同意" in page
    assert not Household.objects.exists()


def test_edit(signed_in, register):
    household = register()
    url = reverse("pages:household_edit", args=[household.pk])
    assert PHONE in signed_in.get(url).content.decode()
    data = form(household.served_unit, phone="13999999999", members="4")
    response = signed_in.post(url, data, follow=True)
    assert "已保存" in response.content.decode()
    household.refresh_from_db()
    assert (household.phone, household.members) == ("13999999999", 4)


def test_the_list_pages_in_door_order_and_logs_only_the_page_shown(signed_in, register):

    made = [
        register(f"1390000{n:04d}", building=f"{n % 9 + 1}栋", unit_no="1单元", room=f"{n}")
        for n in range(PAGE_SIZE + 3)
    ]
    door_order = sorted(made, key=lambda h: (h.building, h.unit_no, h.room, h.pk))
    first = signed_in.get(reverse("pages:households")).content.decode()
    assert f"第 1 / 2 页（共 {PAGE_SIZE + 3} 条）" in first
    assert PersonalDataRead.objects.filter(purpose="list").count() == PAGE_SIZE
    last = signed_in.get(reverse("pages:households") + "?page=2").content.decode()
    shown = {h.pk for h in door_order[PAGE_SIZE:]}
    assert (
        set(
            PersonalDataRead.objects.filter(purpose="list")
            .order_by("-pk")[:3]
            .values_list("household_id", flat=True)
        )
        == shown
    )
    for household in door_order[PAGE_SIZE:]:
        assert household.phone in last and household.phone not in first
    positions = [first.index(h.phone) for h in door_order[:PAGE_SIZE]]
    assert positions == sorted(positions)


def test_the_api_list_is_paginated_and_logs_only_the_page_answered(register, unit, api, worker):
    made = [register(f"1390000{n:04d}", room=f"{n}") for n in range(5)]
    body = api(worker).get("/households", served_unit=unit.pk, limit=2, offset=1).json()
    assert body["count"] == 5
    assert [h["id"] for h in body["items"]] == [h.pk for h in made[1:3]]
    assert sorted(PersonalDataRead.objects.values_list("household_id", flat=True)) == [
        h.pk for h in made[1:3]
    ]
