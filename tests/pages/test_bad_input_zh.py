"""Ordinary bad input on the Chinese pages: a field error beside its line, what was typed
kept, nothing written, never a 500."""

import pytest
from django.urls import reverse

from inventory.models import Donation, ItemAlias, StockBalance
from supply_requests.models import SupplyRequest
from tests.factories import ItemFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
HUGE = "99999999999999999999"


@pytest.fixture
def as_(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def request_post(unit, lines, **extra):
    data = {
        "served_unit": unit.pk,
        "priority": "normal",
        "people_served": "40",
        "needed_by": "",
        "reason": "",
        "action": "submit",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "30",
    }
    for n, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{n}-{key}"] = value
    data.update(extra)
    return data


def donation_post(site, lines, **extra):
    data = {
        "site": site.code,
        "donor": "成都市慈善总会",
        "received_at": "2020-01-30",
        "reference": "",
        "note": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    for n, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{n}-{key}"] = value
    data.update(extra)
    return data


@pytest.mark.parametrize("typed", [HUGE, "²", "十二", "1.5"])
def test_a_bad_request_quantity_is_a_chinese_field_error(as_, worker, unit, item, typed):
    page = as_(worker).post(
        reverse("pages:request_new"),
        request_post(unit, [{"item": item.code, "quantity": typed}]),
        **ZH,
    )
    assert page.status_code == 200
    errors = page.context["lines"].forms[0].errors["quantity"]
    assert "1,000,000,000" in errors[0] and "整数" in errors[0]
    assert f'value="{typed}"' in page.content.decode()
    assert not SupplyRequest.objects.exists()


def test_a_full_width_quantity_is_read(as_, worker, unit, item):
    response = as_(worker).post(
        reverse("pages:request_new"),
        request_post(unit, [{"item": item.code, "quantity": "１２"}], people_served="４０"),
        **ZH,
    )
    assert response.status_code == 302
    created = SupplyRequest.objects.get()
    assert created.lines.get().quantity_requested == 12 and created.people_served == 40


def test_huge_people_served_is_an_error_next_to_it(as_, worker, unit, item):
    page = as_(worker).post(
        reverse("pages:request_new"),
        request_post(unit, [{"item": item.code, "quantity": "3"}], people_served=HUGE),
        **ZH,
    )
    assert "people_served" in page.context["form"].errors
    assert not SupplyRequest.objects.exists()


def test_nothing_typed_is_dropped_from_a_request(as_, worker, unit, item):
    other = ItemFactory(code="gloves")
    page = as_(worker).post(
        reverse("pages:request_new"),
        request_post(
            unit,
            [
                {"item": item.code, "quantity": "5", "unknown": "on"},
                {"item": "", "quantity": "7"},
                {"item": other.code, "quantity": ""},
            ],
        ),
        **ZH,
    )
    forms = page.context["lines"].forms
    assert "quantity" in forms[0].errors  # a quantity and 数量待定 both
    assert "item" in forms[1].errors  # a quantity without its item
    assert "quantity" in forms[2].errors  # an item without its quantity
    html = page.content.decode()
    assert 'value="5"' in html and 'value="7"' in html
    assert not SupplyRequest.objects.exists()


def test_every_donation_problem_shows_in_one_pass(as_, staff, site, item):
    page = as_(staff).post(
        reverse("pages:donation_new"),
        donation_post(
            site,
            [
                {"item": item.code, "quantity": HUGE},
                {"item": "", "quantity": "9"},
                {"item": "不存在的物资", "quantity": "1"},
            ],
            donor="",
        ),
        **ZH,
    )
    assert page.status_code == 200
    assert "donor" in page.context["form"].errors
    forms = page.context["lines"].forms
    assert "quantity" in forms[0].errors
    assert "item" in forms[1].errors
    assert "item" in forms[2].errors
    assert not Donation.objects.exists()


def test_a_pack_count_that_converts_past_the_maximum_is_refused(as_, staff, site, item):
    page = as_(staff).post(
        reverse("pages:donation_new"),
        donation_post(
            site, [{"item": item.code, "quantity": "2000000", "unit": "箱", "pack_size": "2000"}]
        ),
        **ZH,
    )
    assert "quantity" in page.context["lines"].forms[0].errors
    assert not Donation.objects.exists()


def test_an_unusually_large_donation_asks_for_confirmation(as_, staff, site, item, receive):
    receive(1000)
    line = {"item": item.code, "quantity": "2000000", "unit": "箱", "pack_size": "200"}
    page = as_(staff).post(reverse("pages:donation_new"), donation_post(site, [line]), **ZH)
    error = page.context["lines"].forms[0].errors["quantity"][0]
    assert "400,000,000" in error and item.base_unit in error
    assert Donation.objects.count() == 1
    response = as_(staff).post(
        reverse("pages:donation_new"),
        donation_post(site, [{**line, "confirm_large": "on"}]),
        **ZH,
    )
    assert response.status_code == 302
    assert Donation.objects.count() == 2


@pytest.mark.parametrize("typed", ["ＮＧ９５", "（NG95）", "ng-95", "ng95口罩"])
def test_item_lookup_ignores_width_case_and_punctuation(as_, staff, site, typed):
    item = ItemFactory(code="ng95-mask", name_zh="NG95口罩", name_en="NG95 respirator")
    ItemAlias.objects.create(item=item, alias="NG95")
    response = as_(staff).post(
        reverse("pages:donation_new"), donation_post(site, [{"item": typed, "quantity": "3"}]), **ZH
    )
    assert response.status_code == 302, response.context["lines"].forms[0].errors
    assert StockBalance.objects.get().item == item


def test_several_matches_are_listed_not_guessed(as_, staff, site, item):
    ItemFactory(code="surgical", name_zh="医用外科口罩")
    page = as_(staff).post(
        reverse("pages:donation_new"),
        donation_post(site, [{"item": "口罩", "quantity": "3"}]),
        **ZH,
    )
    error = page.context["lines"].forms[0].errors["item"][0]
    assert "医用外科口罩" in error and "医用防护口罩" in error
    assert not Donation.objects.exists()


@pytest.mark.parametrize("typed", ["²", HUGE, "abc"])
def test_a_bad_count_is_an_error_beside_its_lot(as_, staff, site, receive, typed):
    lot = receive(30)
    client = as_(staff)
    client.post(reverse("pages:count_start"), {"site": site.code})
    count = site.counts.get()
    page = client.post(
        reverse("pages:count", args=[count.pk]),
        {f"counted-{lot.pk}": typed, "action": "review"},
        **ZH,
    )
    assert page.status_code == 200
    assert f'value="{typed}"' in page.content.decode()
    assert count.lines.get().counted is None


def test_a_bad_approval_keeps_the_note_and_names_the_line(as_, coordinator, make_request):
    request = make_request(10, status="submitted")
    line = request.lines.get()
    page = as_(coordinator).post(
        reverse("pages:request_approve", args=[request.pk]),
        {f"approve-{line.pk}": HUGE, "note": "先发一半"},
        **ZH,
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'value="先发一半"' in html and f'value="{HUGE}"' in html
    request.refresh_from_db()
    assert request.status == "submitted"


def test_a_huge_adjustment_is_a_field_error(as_, staff, site, receive):
    lot = receive(30)
    page = as_(staff).post(
        reverse("pages:adjust"),
        {"site": site.code, "lot": lot.pk, "direction": "add", "quantity": HUGE, "reason": "found"},
        **ZH,
    )
    assert "quantity" in page.context["form"].errors
    assert StockBalance.objects.get().on_hand == 30


def test_a_refused_waybill_keeps_vehicle_and_driver(
    client, coordinator, site, unit, receive, approved, allocate
):
    receive(100)
    allocate(approved(10), 10)
    client.force_login(coordinator)
    page = client.post(
        reverse("pages:shipment_new"),
        {
            "site": site.code,
            "unit": unit.pk,
            "vehicle": "川A·12345",
            "driver": "王师傅",
            "contact": "1" * 61,
            "planned_at": "not a time",
        },
        **ZH,
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'value="川A·12345"' in html and 'value="王师傅"' in html
    assert html.count('class="errors"') >= 2


def test_shipments_are_searched_by_unit_and_listed_in_any_status(
    client, coordinator, planned, unit
):
    _request, shipment = planned
    client.force_login(coordinator)
    page = client.get(reverse("pages:tracking"), {"status": "all", "q": unit.name}, **ZH)
    assert [row["shipment"].pk for row in page.context["rows"]] == [shipment.pk]
    page = client.get(reverse("pages:tracking"), {"status": "all", "q": "没有这个单位"}, **ZH)
    assert page.context["rows"] == []
    assert client.get(reverse("pages:tracking"), **ZH).context["rows"] == []  # none on the road


def test_requests_are_searched_sorted_and_paged(client, coordinator, make_request, unit, item):
    for _ in range(30):
        make_request(5, status="submitted")
    client.force_login(coordinator)
    page = client.get(reverse("pages:requests"), {"q": item.name_zh, "sort": "oldest"}, **ZH)
    assert page.context["page"].paginator.count == 30
    assert len(page.context["requests"]) == 25
    ids = [r.pk for r in page.context["requests"]]
    assert ids == sorted(ids)
    assert len(client.get(reverse("pages:requests"), {"page": "2"}, **ZH).context["requests"]) == 5


def test_stock_is_searched_by_batch(client, staff, site, receive):
    receive(10, batch="AB-1")
    receive(20, batch="ZZ-9")
    client.force_login(staff)
    page = client.get(reverse("pages:stock"), {"q": "zz-9"}, **ZH)
    assert [row["b"].lot.batch for row in page.context["rows"]] == ["ZZ-9"]
    page = client.get(reverse("pages:stock"), {"sort": "most"}, **ZH)
    assert [row["b"].on_hand for row in page.context["rows"]] == [20, 10]
