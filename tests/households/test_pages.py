"""The register's pages in Chinese, as a community worker uses them on a phone."""

import pytest
from django.urls import reverse

from households.models import Household
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
