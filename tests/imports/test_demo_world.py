"""On the demo world (`manage.py load_demo`): the staff page, the commands and the exports
work with the sheets a Chengdu social-work centre really kept."""

import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from imports.models import ImportJob
from inventory.models import Site, StockBalance, StockMovement
from inventory.selectors import ledger_mismatches
from supply_requests.models import ServedUnitMembership, SupplyRequest
from tests.demo.commands import FAST_HASHER, load
from tests.imports.conftest import csv_bytes, write, xlsx_bytes

SITE = "cd-wuhou-wh"


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db):
    return Site.objects.get(code=SITE)


def test_the_staff_page_imports_a_real_sheet(demo, client):
    sheet = xlsx_bytes(
        [
            ["成都市社区文化发展中心 接收社会捐赠物资登记表（2020年2月）"],
            ["捐赠单位", "接收日期", "物资名称", "规格", "数量", "单位", "有效期"],
            ["成都市红十字会", "2020-02-09", "N95口罩", "20只/盒", "5万", "只", "2022-12"],
            [None, None, "84消毒液", "500ml*30瓶", "40", "箱", "2021-02"],
            [None, None, "医用外科口罩", "50只/盒", "200", "盒", ""],
            ["蜀都爱心车队", "2020-02-09", "大米", "", "1,000", "千克", ""],
            ["合计", None, None, None, None, None, None],
        ],
        merged=["A1:G1", "A3:A5", "B3:B5"],
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.login(username="staff", password="demo")
    before = StockMovement.objects.count()
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "donations",
            "site": demo.pk,
            "file": SimpleUploadedFile("捐赠登记表.xlsx", sheet),
        },
    )
    job = ImportJob.objects.get()
    assert job.totals["error"] == 0, job.report
    assert job.totals["quantities"] == {"只": 60_000, "瓶": 1_200, "千克": 1_000}
    assert client.get(response["Location"]).status_code == 200
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    assert StockMovement.objects.count() == before + 4
    assert ledger_mismatches() == []
    _header, *rows = [
        line.split(",")
        for line in b"".join(
            client.get(reverse("imports:export", args=["donors", "csv"])).streaming_content
        )
        .decode("utf-8-sig")
        .splitlines()
    ]
    assert any(row[0] == "成都市红十字会" and row[4] == "received" for row in rows)


def test_the_commands_import_distributions_and_requests(demo, tmp_path):
    in_stock = (
        StockBalance.objects.filter(site=demo, on_hand__gt=0, reserved=0, item__code="rice")
        .select_related("item")
        .first()
    )
    rows = [
        ["接收单位", "发放日期", "品名", "数量"],
        ["玉林北路社区", "2020-02-09", "大米", "10千克"],
    ]
    assert in_stock is not None and in_stock.available >= 10
    path = write(tmp_path, "given.csv", csv_bytes(rows, encoding="gb18030"))
    out = io.StringIO()
    call_command(
        "import_distributions",
        str(path),
        organisation="cd-culture",
        site=SITE,
        user="staff",
        stdout=out,
    )
    assert "Imported 1 line(s)." in out.getvalue()
    assert ledger_mismatches() == []

    unit = ServedUnitMembership.objects.select_related("served_unit").get(user__username="worker")
    needs = [
        ["社区", "物资名称", "需求数量", "优先级"],
        [unit.served_unit.name, "医用外科口罩", "500", "高"],
    ]
    path = write(tmp_path, "needs.xlsx", xlsx_bytes(needs))
    before = SupplyRequest.objects.count()
    call_command("import_requests", str(path), submit=True, user="worker", stdout=io.StringIO())
    assert SupplyRequest.objects.count() == before + 1
