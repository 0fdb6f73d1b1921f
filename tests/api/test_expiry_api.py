"""Expired stock through the API: not available in the balances, never planned or committed
unless a commit line releases it with a reason (issue 14)."""

import datetime as dt

from django.utils import timezone

from logistics.models import Allocation

LAST_YEAR = timezone.localdate() - dt.timedelta(days=365)
NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


def test_balances_show_expired_stock_beside_available(api_staff, receive, site):
    receive(500, expiry=LAST_YEAR, batch="OLD")
    receive(200, expiry=NEXT_YEAR, batch="NEW")
    rows = api_staff.get("/stock/balances", site=site.code).json()["items"]
    assert [(r["batch"], r["on_hand"], r["available"], r["expired"]) for r in rows] == [
        ("OLD", 500, 0, 500),
        ("NEW", 200, 200, 0),
    ]


def test_plan_and_commit_leave_expired_lots_alone_unless_released(
    api_coordinator, approved, receive, site, item
):
    old = receive(500, expiry=LAST_YEAR)
    receive(200, expiry=NEXT_YEAR)
    line = approved(300).lines.get()
    plan = api_coordinator.post("/allocations/plan", {"items": [item.code], "sites": [site.code]})
    assert plan.json()["items"][0]["available"] == 200
    refused = api_coordinator.post(
        "/allocations/commit",
        {"allocations": [{"request_line": line.pk, "site": site.code, "quantity": 300}]},
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert "has expired" in refused.json()["detail"]
    assert not Allocation.objects.exists()
    released = api_coordinator.post(
        "/allocations/commit",
        {
            "allocations": [
                {
                    "request_line": line.pk,
                    "site": site.code,
                    "quantity": 300,
                    "release_expired": "cleared for cleaning work",
                }
            ]
        },
    )
    assert released.status_code == 201, released.json()
    [allocation] = released.json()["allocations"]
    assert (allocation["lot"], allocation["quantity"]) == (old.pk, 300)
    assert allocation["expired_release_reason"] == "cleared for cleaning work"
