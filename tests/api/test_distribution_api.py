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


def test_plan_answer_is_a_page_of_lines_with_whole_totals(
    api_coordinator, approved, receive, site, item
):
    """A plan for thousands of lines once answered 19 MB: it now answers a page of request
    lines (their picks and reasons) and the totals per item and per unit in full."""
    receive(30)
    lines = {approved(10).lines.get().pk for _ in range(5)}
    body = {"items": [item.code], "sites": [site.code]}

    pages = [
        api_coordinator.post(f"/allocations/plan?limit=2&offset={offset}", body).json()
        for offset in (0, 2, 4)
    ]

    assert [(p["count"], p["offset"], p["limit"]) for p in pages] == [
        (5, 0, 2),
        (5, 2, 2),
        (5, 4, 2),
    ]
    shown = [[why["request_line"] for why in page["explanation"]] for page in pages]
    assert [len(page) for page in shown] == [2, 2, 1]
    assert {line for page in shown for line in page} == lines  # each line on one page
    for page, on_it in zip(pages, shown, strict=True):
        assert {pick["request_line"] for pick in page["allocations"]} <= set(on_it)
    # The totals do not depend on the page, and the pages' picks add up to them.
    assert (
        pages[0]["units"]
        == pages[2]["units"]
        == [
            {
                "served_unit": pages[0]["units"][0]["served_unit"],
                "served_unit_name": "玉林北路社区",
                "items": 1,
                "lines": 5,
                "in_full": 3,
                "in_part": 0,
                "not_served": 2,
            }
        ]
    )
    planned = sum(pick["quantity"] for page in pages for pick in page["allocations"])
    assert pages[0]["items"][0]["planned"] == planned == 30
    too_many = api_coordinator.post("/allocations/plan?limit=2001", body)
    assert too_many.status_code == 422 and "limit" in too_many.content.decode()
    assert StockBalance.objects.get(site=site).reserved == 0  # a plan reserves nothing
