"""The published lists (公示) reproduce the day's ledger exactly, as pages, .xlsx and CSV;
the public API answers anonymously in the documented shapes, cached and rate-limited."""

import csv
import io

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inventory.models import MovementKind, StockMovement
from tests.conftest import RECEIVED

RECEIVED_LIST = reverse("public:list", args=["received"])
DISTRIBUTED_LIST = reverse("public:list", args=["distributed"])


def test_received_list_is_the_days_receipts(client, world, organisation):
    text = client.get(
        RECEIVED_LIST, {"organisation": organisation.code, "date": RECEIVED.isoformat()}
    ).content.decode()
    assert "成都市慈善总会" in text and "爱心人士" in text and "李四" in text
    assert "张三" not in text and "秘密公司" not in text


def test_received_list_download_matches_the_ledger(client, world, organisation):
    response = client.get(
        RECEIVED_LIST,
        {"organisation": organisation.code, "date": RECEIVED.isoformat(), "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "日期" and len(header) == 7
    ledger = StockMovement.objects.filter(
        kind=MovementKind.RECEIPT,
        site__organisation=organisation,
        donation_line__donation__received_at=RECEIVED,
    )
    assert sum(row[6] for row in rows) == ledger.aggregate(total=Sum("quantity"))["total"] == 180
    assert sorted(row[6] for row in rows) == sorted(ledger.values_list("quantity", flat=True))


def test_distributed_list_csv_is_the_days_dispatches(client, world, organisation):
    today = timezone.localdate().isoformat()
    response = client.get(
        DISTRIBUTED_LIST, {"organisation": organisation.code, "date": today, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1:] == ["玉林北路社区", "n95", "医用防护口罩", "", "只", "60"]
    assert len(rows) == 2


def test_unpublished_organisation_has_no_list(client, world):
    text = client.get(
        RECEIVED_LIST, {"organisation": "hidden", "date": RECEIVED.isoformat()}
    ).content.decode()
    assert "秘密公司" not in text and "不公开的机构" not in text


def test_bad_date_is_a_field_error_in_chinese(client, world, organisation):
    response = client.get(RECEIVED_LIST, {"organisation": organisation.code, "date": "昨天"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()
    full_width = client.get(
        RECEIVED_LIST, {"organisation": organisation.code, "date": "２０２０-０１-２８"}
    )
    assert "成都市慈善总会" in full_width.content.decode()


def test_api_needs(client, world):
    body = client.get("/api/v1/public/needs").json()
    assert body["count"] == len(body["items"]) == 2
    masks = next(row for row in body["items"] if row["item"] == "n95")
    assert masks == {
        "district": "武侯区",
        "served_unit": "玉林北路社区",
        "item": "n95",
        "item_name": "医用防护口罩",
        "unit": "只",
        "needed": 100,
        "delivered": 60,
        "waiting_hours": masks["waiting_hours"],
    }
    gloves = next(row for row in body["items"] if row["item"] == "gloves")
    assert gloves["needed"] is None


def test_api_donor(client, world):
    body = client.get(f"/api/v1/public/donors/{world['charity'].pk}").json()
    assert body == {
        "donor": "成都市慈善总会",
        "items": [
            {
                "item": "n95",
                "received": 100,
                "in_stock": 40,
                "reserved": 0,
                "in_transit": 0,
                "delivered": 60,
                "lost_or_damaged": 0,
                "written_off": 0,
                "adjusted": 0,
                "made_into_kits": 0,
                "communities": 1,
                "households_reached": 0,
            }
        ],
    }
    assert client.get(f"/api/v1/public/donors/{world['private'].pk}").json()["donor"] == "爱心人士"
    missing = client.get(f"/api/v1/public/donors/{world['hidden_donor'].pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_api_lists(client, world, organisation):
    body = client.get(
        "/api/v1/public/lists/received",
        {"organisation": organisation.code, "date": RECEIVED.isoformat()},
    ).json()
    assert body["count"] == 3 and {row["party"] for row in body["items"]} == {
        "成都市慈善总会",
        "爱心人士",
        "李四",
    }
    bad = client.get("/api/v1/public/lists/received", {"organisation": "x", "date": "nope"})
    assert bad.status_code == 422
    hidden = client.get(
        "/api/v1/public/lists/received", {"organisation": "hidden", "date": RECEIVED.isoformat()}
    )
    assert hidden.status_code == 404


def test_api_is_rate_limited(client, world, settings):
    settings.PUBLIC_API_RATE = "3/m"
    codes = [client.get("/api/v1/public/needs").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_api_answers_from_the_cache(client, world, staff, site, item):
    from tests.public.conftest import give

    first = client.get(f"/api/v1/public/donors/{world['charity'].pk}").json()
    give(staff, site, world["charity"], item, 5)
    assert client.get(f"/api/v1/public/donors/{world['charity'].pk}").json() == first
