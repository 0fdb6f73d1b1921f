import pytest

from inventory.models import Donor, ItemAlias, ItemPack, StockBalance
from tests.factories import ItemFactory


def test_items_are_found_by_chinese_english_or_alias(api_worker, item):
    ItemAlias.objects.create(item=item, alias="N95口罩")
    ItemFactory(code="rice", name_zh="大米", name_en="Rice", category="isolation_necessity")
    assert [i["code"] for i in api_worker.get("/items", q="N95口罩").json()["items"]] == ["n95"]
    assert [i["code"] for i in api_worker.get("/items", q="rice").json()["items"]] == ["rice"]
    found = api_worker.get("/items", category="isolation_necessity").json()
    assert [i["code"] for i in found["items"]] == ["rice"]


def test_pagination_has_items_and_count(api_worker, db):
    for n in range(7):
        ItemFactory(code=f"i{n}")
    page = api_worker.get("/items", limit=3, offset=3).json()
    assert page["count"] == 7 and [i["code"] for i in page["items"]] == ["i3", "i4", "i5"]
    assert api_worker.get("/items", limit=501).status_code == 422


def test_donation_in_packs_with_a_known_donor(api_staff, site, item):
    ItemPack.objects.create(item=item, name="箱", quantity=400)
    donor = Donor.objects.create(name="成都市慈善总会")
    response = api_staff.post(
        "/donations",
        {
            "site": site.code,
            "donor": donor.pk,
            "received_at": "2020-01-27",
            "reference": "CD-0127-01",
            "lines": [{"item": item.code, "quantity": 3, "pack": "箱", "batch": "20200120"}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["donor"], body["lines"][0]["quantity"], body["lines"][0]["pack_count"]) == (
        "成都市慈善总会",
        1200,
        3,
    )
    again = api_staff.get(f"/donations/{body['id']}").json()
    assert again == body


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"lines": [{"item": "nope", "quantity": 1}]}, 422, "validation_error"),
        ({"lines": [{"item": "n95", "quantity": 0}]}, 422, "validation_error"),
        ({"site": "someone-elses"}, 404, "not_found"),
        ({"received_at": "2999-01-01"}, 422, "validation_error"),
        ({"donor": 987654}, 404, "not_found"),
    ],
)
def test_bad_donations_are_refused_with_a_reason(api_staff, site, item, change, status, code):
    body = {
        "site": site.code,
        "donor": "d",
        "received_at": "2020-01-27",
        "lines": [{"item": item.code, "quantity": 5}],
    } | change
    response = api_staff.post("/donations", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not StockBalance.objects.exists()


def test_balances_movements_and_transfers(api_staff, site, other_site, item, receive):
    lot = receive(100)
    moved = api_staff.post(
        "/stock/transfers",
        {
            "from_site": site.code,
            "to_site": other_site.code,
            "lines": [{"lot": lot.pk, "quantity": 40}],
        },
    )
    assert moved.status_code == 201, moved.json()
    balances = api_staff.get("/stock/balances", item=item.code).json()["items"]
    assert {(b["site"], b["on_hand"]) for b in balances} == {(site.code, 60), (other_site.code, 40)}
    kinds = [m["kind"] for m in api_staff.get("/stock/movements", lot=lot.pk).json()["items"]]
    assert sorted(kinds) == ["receipt", "transfer_in", "transfer_out"]
    too_much = api_staff.post(
        "/stock/transfers",
        {
            "from_site": site.code,
            "to_site": other_site.code,
            "lines": [{"lot": lot.pk, "quantity": 61}],
        },
    )
    assert (too_much.status_code, too_much.json()["code"]) == (409, "insufficient_stock")
