import datetime as dt

from inventory.models import StockBalance


def test_shipments_list_cancel_and_waybill(
    api_coordinator, approved, allocate, receive, site, unit
):
    receive(100)
    allocate(approved(30), 30)
    created = api_coordinator.post(
        "/shipments",
        {"site": site.code, "served_unit": unit.pk, "vehicle": "川A·88888", "driver": "李师傅"},
    ).json()
    assert (created["vehicle"], created["driver"]) == ("川A·88888", "李师傅")
    assert api_coordinator.get("/shipments", status="planned").json()["count"] == 1
    cancelled = api_coordinator.post(f"/shipments/{created['id']}/cancel", {"note": "车坏了"})
    assert cancelled.json()["status"] == "cancelled"
    assert api_coordinator.get("/shipments", status="planned").json()["count"] == 0


def test_write_off_through_the_api_releases_promises(api_staff, approved, allocate, receive, site):
    lot = receive(50, expiry=dt.date(2030, 3, 1))
    request = approved(50)
    allocate(request, 50)
    response = api_staff.post(
        "/stock/adjustments",
        {"site": site.code, "lot": lot.pk, "quantity": -10, "reason": "damaged", "note": "受潮"},
    )
    assert response.status_code == 201, response.json()
    balance = StockBalance.objects.get()
    assert (balance.on_hand, balance.reserved) == (40, 40)
    assert request.lines.get().quantity_outstanding == 10


def test_found_stock_and_sign_rules(api_staff, receive, site):
    lot = receive(5)
    found = api_staff.post(
        "/stock/adjustments", {"site": site.code, "lot": lot.pk, "quantity": 2, "reason": "found"}
    )
    assert found.status_code == 201
    wrong = api_staff.post(
        "/stock/adjustments", {"site": site.code, "lot": lot.pk, "quantity": 2, "reason": "lost"}
    )
    assert wrong.status_code == 422


def test_plan_explains_itself(api_coordinator, approved, receive, site, item):
    receive(30)
    approved(40)
    plan = api_coordinator.post("/allocations/plan", {"items": [item.code], "sites": [site.code]})
    body = plan.json()
    assert body["items"] == [
        {
            "item": item.code,
            "item_name": "N95 mask",
            "available": 30,
            "outstanding": 40,
            "planned": 30,
            "short": 10,
        }
    ]
    (why,) = body["explanation"]
    assert (why["quantity"], why["need_basis"], why["tier_label"]) == (
        30,
        "registered population",
        "normal",
    )
    assert (why["need_basis_code"], why["why_code"]) == ("population", "fair_share")
    assert why["text"] == (
        "玉林北路社区 gets 30 of N95 mask in all, 0.03 per person (need 1000, registered "
        "population): fair share of a short tier, in proportion to need."
    )
    chinese = api_coordinator.client.post(
        "/api/v1/allocations/plan",
        {"items": [item.code], "sites": [site.code]},
        content_type="application/json",
        headers={**api_coordinator.headers, "Accept-Language": "zh-hans"},
    ).json()
    (why,) = chinese["explanation"]
    assert "医用防护口罩" in why["text"] and "fair share" not in why["text"]
    assert "gets" not in why["text"] and "人均" in why["text"]
    assert chinese["allocations"][0]["site_name"] == site.name
    unknown = api_coordinator.post("/allocations/plan", {"items": ["zzz"], "sites": [site.code]})
    assert unknown.status_code == 422
