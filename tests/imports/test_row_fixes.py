"""Held rows fixed in the preview, row by row, then posted — without re-editing the sheet
(issue 18 points 7 and 8): choose the item among the nearest (and add the sheet's name as
its alias), say what the number counts or how much a pack holds, accept a proposed split.
Each test asserts what landed: lines, quantities in base units, and the dates."""

import datetime as dt

import pytest
from django.urls import reverse

from imports.models import ImportJob, ImportStatus
from inventory.models import DonationLine, ItemAlias, StockMovement
from inventory.selectors import ledger_mismatches
from tests.factories import ItemFactory
from tests.imports.conftest import xlsx_bytes

DAY = dt.date(2020, 1, 29)
TITLE = ["武汉市红十字会接收社会捐赠物资公示（2020年1月29日）"]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _upload(client, site, rows, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "kind": "donations",
        "site": site.pk,
        "file": SimpleUploadedFile("list.xlsx", xlsx_bytes([TITLE, *rows])),
        **fields,
    }
    client.post(reverse("imports:upload"), data)
    return ImportJob.objects.latest("pk")


def _row(job, number):
    return next(row for row in job.report if row[0] == number)


def _fix(client, job, number, **choice):
    response = client.post(reverse("imports:fix_row", args=[job.pk, number]), choice)
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def _lines():
    return list(
        DonationLine.objects.order_by("pk").values_list(
            "item__name_zh", "quantity", "pack_name", "pack_count", "donation__received_at"
        )
    )


def test_choose_the_item_among_the_nearest_and_add_the_alias_then_post(
    staff_client, site, catalogue
):
    goggles = ItemFactory(code="goggles", name_zh="护目镜", category="protective", base_unit="副")
    ItemAlias.objects.create(item=goggles, alias="防护眼镜")
    rows = [
        ["捐赠单位", "品名", "数量"],
        ["梅思安", "防护镜", "14副"],
        ["壹基金", "大米", "50千克"],
    ]
    job = _upload(staff_client, site, rows, create_missing_items="on")
    _number, status, _message, _summary, cells, offers = _row(job, 3)
    assert status == "review" and cells[:2] == ["梅思安", "防护镜"]
    assert [name for _id, name, _score in offers["candidates"]] == ["护目镜"]
    page = staff_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert reverse("imports:fix_row", args=[job.pk, 3]) in page and "护目镜" in page

    job = _fix(staff_client, job, 3, item=goggles.pk, alias="1")
    assert job.status == ImportStatus.READY and job.totals["review"] == 0
    assert _row(job, 3)[1] == "new" and "Fixed in the preview" in _row(job, 3)[2]
    assert ItemAlias.objects.get(alias="防护镜").item == goggles  # later sheets match it

    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert _lines() == [("护目镜", 14, "", None, DAY), ("大米", 50, "", None, DAY)]
    assert {m.occurred_at.date() for m in StockMovement.objects.all()} == {DAY}
    assert ledger_mismatches() == []


def test_give_the_pack_size_or_the_unit_of_a_held_row_then_post(staff_client, site, catalogue):
    rows = [
        ["捐赠单位", "品名", "数量", "单位"],
        ["壹基金", "医用乳胶检查手套", "5", "箱"],  # no 箱 size for gloves anywhere
        ["壹基金", "医用乳胶检查手套", "3", "盒"],
    ]
    job = _upload(staff_client, site, rows)
    assert [_row(job, n)[1] for n in (3, 4)] == ["review", "review"]
    assert _row(job, 3)[5]["pack"] == "箱" and "副" in _row(job, 3)[5]["units"]

    job = _fix(staff_client, job, 3, pack_size="１００")  # full-width digits, as typed
    job = _fix(staff_client, job, 4, unit="副")  # "3" counts pairs, not boxes
    assert job.totals["review"] == 0 and job.options["fixes"] == {
        "3": {"pack_size": 100},
        "4": {"unit": "副"},
    }
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    assert _lines() == [
        ("医用乳胶检查手套", 500, "箱", 5, DAY),
        ("医用乳胶检查手套", 3, "", None, DAY),
    ]
    assert ledger_mismatches() == []


def test_accept_the_proposed_split_of_a_cell_naming_several_goods(staff_client, site, catalogue):
    ItemFactory(code="kn95", name_zh="KN95口罩", category="protective", base_unit="只")
    ItemFactory(code="silver", name_zh="银离子口罩", category="protective", base_unit="只")
    ItemFactory(code="once", name_zh="一次性口罩", category="protective", base_unit="只")
    rows = [
        ["捐赠单位", "品名", "数量"],
        ["爱心企业", "口罩（KN95口罩1200只、银离子口罩2万只、一次性口罩3.4万只）", ""],
    ]
    job = _upload(staff_client, site, rows)
    assert _row(job, 3)[1] == "review"
    assert _row(job, 3)[5]["split"] == [
        ["KN95口罩", "1200只"],
        ["银离子口罩", "2万只"],
        ["一次性口罩", "3.4万只"],
    ]
    job = _fix(staff_client, job, 3, split="1")
    assert job.totals["new"] == 1 and job.totals["review"] == 0
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    assert _lines() == [
        ("KN95口罩", 1200, "", None, DAY),
        ("银离子口罩", 20_000, "", None, DAY),
        ("一次性口罩", 34_000, "", None, DAY),
    ]
    assert ledger_mismatches() == []


def test_only_what_was_offered_and_only_by_the_uploader(
    staff_client, site, catalogue, client, coordinator
):
    rows = [["捐赠单位", "品名", "数量", "单位"], ["壹基金", "医用乳胶检查手套", "5", "箱"]]
    job = _upload(staff_client, site, rows)
    _fix(staff_client, job, 3, item=catalogue["masks"].pk)  # no item was proposed here
    _fix(staff_client, job, 3, unit="千克")
    _fix(staff_client, job, 3, pack_size="-3")
    _fix(staff_client, job, 2)  # the header: nothing to fix
    client.force_login(coordinator)
    client.post(reverse("imports:fix_row", args=[job.pk, 3]), {"pack_size": "100"})
    job.refresh_from_db()
    assert not job.options.get("fixes") and job.totals["review"] == 1
    assert not DonationLine.objects.exists()


def test_the_page_says_what_went_wrong_in_chinese(staff_client, site, catalogue):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    rows = [["捐赠单位", "品名", "数量", "单位"], ["壹基金", "医用乳胶检查手套", "5", "箱"]]
    job = _upload(staff_client, site, rows)
    response = staff_client.post(
        reverse("imports:fix_row", args=[job.pk, 3]), {"pack_size": "很多"}, follow=True
    )
    page = response.content.decode()
    assert "修正此行" in page and "请用整数填写包装规格" in page


def test_a_name_taken_for_a_catalogue_item_offers_add_as_alias(staff_client, site, catalogue):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩N95型", "10只"]]
    job = _upload(staff_client, site, rows)
    status, message, offers = _row(job, 3)[1], _row(job, 3)[2], _row(job, 3)[5]
    assert status == "new" and "taken for the catalogue's 医用防护口罩" in message
    page = staff_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Add “医用防护口罩N95型” as an alias of that item" in page

    job = _fix(staff_client, job, 3, item=offers["candidates"][0][0], alias="1")
    assert ItemAlias.objects.get(alias="医用防护口罩N95型").item == catalogue["masks"]
    assert "taken for" not in _row(job, 3)[2]  # now matched by its alias, nothing guessed
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    assert _lines() == [("医用防护口罩", 10, "", None, DAY)]
