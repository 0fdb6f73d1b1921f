"""Issue 18: real relief sheets read right. Each test builds a small sheet showing one
feature (xlsx, and xls through xlwt where the feature is the file's own structure) and
asserts the lines, base quantities and dates that land."""

import datetime as dt
import io

import pytest
import xlwt
from django.utils import timezone

from imports.models import RowStatus
from inventory.models import DailyStockRollup, DonationLine, Item, ItemPack, StockMovement
from inventory.selectors import ledger_mismatches
from tests.imports.conftest import outcomes, xlsx_bytes

DAY = dt.date(2020, 1, 29)


def xls_bytes(rows, *, merged=()):
    """An .xls (BIFF8) workbook; `merged` as (first row, last row, first col, last col)."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    merged_cells = {
        (r, c) for r1, r2, c1, c2 in merged for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    }
    tops = {(r1, c1): (r1, r2, c1, c2) for r1, r2, c1, c2 in merged}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in tops:
                r1, r2, c1, c2 = tops[(r, c)]
                sheet.write_merge(r1, r2, c1, c2, value)
            elif (r, c) not in merged_cells and value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lines():
    return sorted(
        (line.item.code, line.quantity, line.donation.donor.name, line.donation.received_at)
        for line in DonationLine.objects.select_related("item", "donation__donor")
    )


GROUPED = [
    ["武汉市红十字会接收社会捐赠物资一览表"],
    ["（1月29日）"],
    ["品名", "捐赠单位", "规格型号", "计量单位", "数量总计"],
    ["医用乳胶检查手套", "校友会", "400副/箱", "箱", 10],
    [None, "定向捐赠", None, None, None],
    [None, "1.省人民医院3000副", None, None, None],
    ["84消毒液", "壹基金", None, "瓶", 20],
]


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_quantity_merged_over_rows_is_one_line_and_the_rest_are_its_notes(
    staff, site, catalogue, run_import, fmt
):
    if fmt == "xlsx":
        content = xlsx_bytes(GROUPED, merged=["A4:A6", "C4:C6", "D4:D6", "E4:E6"])
    else:
        content = xls_bytes(
            GROUPED, merged=[(3, 5, 0, 0), (3, 5, 2, 2), (3, 5, 3, 3), (3, 5, 4, 4)]
        )
    job = run_import(
        staff, "donations", f"list_2020-01-29.{fmt}", content, site=site, received_on=None
    )
    assert job.status == "done", (job.error, job.report)
    # 10 cartons of 400 pairs once — not five times — dated at the title's 1月29日.
    assert lines() == [
        ("disinfectant-84", 20, "壹基金", DAY),
        ("gloves", 4000, "校友会", DAY),
    ]
    rows = outcomes(job)
    assert rows[5][0] == rows[6][0] == RowStatus.SKIPPED and "Part of row 4" in rows[5][1]
    note = DonationLine.objects.get(item=catalogue["gloves"]).donation.note
    assert "定向捐赠" in note and "省人民医院3000副" in note
    movement = StockMovement.objects.get(item=catalogue["gloves"])
    assert movement.occurred_at.date() == DAY
    assert DailyStockRollup.objects.get(item=catalogue["gloves"]).day == DAY
    assert ledger_mismatches() == []


def test_one_quantity_for_different_items_is_held_not_duplicated(
    staff, site, catalogue, run_import
):
    rows = [
        ["捐赠单位", "品名", "规格", "数量总计"],
        ["贝因美", "医用防护口罩", "2000个/箱", "6000个"],
        [None, "84消毒液", None, None],
    ]
    job = run_import(
        staff, "donations", "s.xlsx", xlsx_bytes(rows, merged=["A2:A3", "D2:D3"]), site=site
    )
    status, message = outcomes(job)[2]
    assert status == RowStatus.REVIEW and "share one quantity" in message
    assert not DonationLine.objects.exists()


def test_merged_item_over_rows_with_their_own_quantities_is_the_item_on_each(
    staff, site, catalogue, run_import
):
    rows = [
        ["捐赠单位", "品名", "规格", "数量总计"],
        ["仙桃无纺布厂", "医用防护口罩", "4000片/件", "36000片"],
        [None, None, "2000片/件", "126000片"],
    ]
    content = xlsx_bytes(rows, merged=["A2:A3", "B2:B3"])
    job = run_import(staff, "donations", "s.xlsx", content, site=site)
    assert job.status == "done", job.report
    assert [quantity for _c, quantity, _d, _day in lines()] == [36000, 126000]


def test_the_table_ends_at_the_footer_and_a_repeated_header_is_passed_over(
    staff, site, catalogue, run_import
):
    rows = [
        ["捐赠单位", "品名", "规格", "数量总计"],
        ["壹基金", "医用防护口罩", None, "100只"],
        [],
        ["捐赠单位", "品名", "规格", "数量总计"],
        ["顺丰速运", "84消毒液", None, "5瓶"],
        [],
        [
            "以上物资在武汉市新型肺炎防控指挥部的统一安排下，目前已拨付到多家医疗单位用于疫情防控工作。"
        ],
        [],
        ["武汉市红十字会"],
        ["2020年1月29日"],
    ]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, received_on=None)
    assert job.status == "done", job.report
    # The footer's date is the list's date; no footer text became a donor.
    assert lines() == [
        ("disinfectant-84", 5, "顺丰速运", DAY),
        ("n95-mask", 100, "壹基金", DAY),
    ]
    assert outcomes(job)[4][1] == "The header again"


def test_another_kind_of_list_below_is_reported_not_imported(
    staff, site, catalogue, unit, receive, run_import
):
    receive(100, lot_item=catalogue["gloves"])
    rows = [
        ["接收单位", "品名", "数量"],
        [unit.name, "医用乳胶检查手套", "30副"],
        ["捐赠单位", "品名", "数量"],
        ["壹基金", "医用乳胶检查手套", "50副"],
    ]
    job = run_import(staff, "distributions", "given.xlsx", xlsx_bytes(rows), site=site)
    assert job.status == "done", job.report
    given = StockMovement.objects.filter(document_type="historical_distribution")
    assert [m.quantity for m in given] == [-30]
    assert any("starts another list" in note for note in job.totals["notes"])


def test_an_excel_serial_above_the_header_dates_a_distribution_list(
    staff, site, catalogue, unit, receive, run_import
):
    receive(100, lot_item=catalogue["gloves"])
    rows = [["武汉市红十字会发放物资一览表"], [43860], [], ["接收单位", "品名", "数量"]]
    rows.append([unit.name, "医用乳胶检查手套", "30副"])
    job = run_import(
        staff, "distributions", "d.xlsx", xlsx_bytes(rows), site=site, received_on=None
    )
    assert job.status == "done", job.report
    movement = StockMovement.objects.get(document_type="historical_distribution")
    assert movement.occurred_at.date() == dt.date(2020, 1, 30)


def test_no_date_anywhere_holds_the_rows_and_asks(staff, site, catalogue, run_import):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩", "100只"]]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, received_on=None)
    status, message = outcomes(job)[2]
    assert status == RowStatus.REVIEW and "gives no date" in message
    assert not DonationLine.objects.exists()


def test_the_same_row_on_another_days_list_is_a_new_line(staff, site, catalogue, run_import):
    def sheet(day):
        return xlsx_bytes(
            [[f"（1月{day}日）"], ["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩", "100只"]]
        )

    first = run_import(
        staff, "donations", "list_2020-01-28.xlsx", sheet(28), site=site, received_on=None
    )
    again = run_import(
        staff, "donations", "list_2020-01-28.xlsx", sheet(28), site=site, received_on=None
    )
    other = run_import(
        staff, "donations", "list_2020-01-29.xlsx", sheet(29), site=site, received_on=None
    )
    assert (first.totals["new"], again.totals["skipped"], other.totals["new"]) == (1, 1, 1)
    assert [day for *_rest, day in lines()] == [dt.date(2020, 1, 28), DAY]


@pytest.mark.parametrize(
    ("item", "spec", "quantity", "unit", "expected"),
    [
        ("gloves", "100支*4盒/箱", 32, "箱", 6_400),  # 12,800 gloves = 6,400 pairs
        ("gloves", "2000只/箱", 135, "箱", 135_000),
        ("masks", "50枚*40盒/箱", 11, "箱", 22_000),
        ("masks", "X40/箱", 3, "箱", 1_200),  # the sheet's 40 over the catalogue's 20 a 盒
        ("rice", "2、5KG/箱", 400, "箱", 1_000),
        ("masks", "", "一万五", "只", 15_000),
        ("masks", "", "两万五", "只", 25_000),
        ("masks", "", "3万5千", "片", 35_000),  # 片 is a mask's 只
        ("gloves", "", "50", "只", 25),
    ],
)
def test_packs_numerals_and_unit_synonyms(
    staff, site, catalogue, run_import, item, spec, quantity, unit, expected
):
    rows = [
        ["捐赠单位", "品名", "规格", "计量单位", "数量"],
        ["壹基金", catalogue[item].name_zh, spec, unit, quantity],
    ]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    assert job.status == "done", job.report
    assert DonationLine.objects.get().quantity == expected


def test_the_sheets_pack_wins_and_the_contradiction_is_shown(staff, site, catalogue, run_import):
    rows = [
        ["捐赠单位", "品名", "规格", "计量单位", "数量"],
        ["壹基金", "医用防护口罩", "300只/箱", "箱", 2],
    ]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    assert DonationLine.objects.get().quantity == 600  # not the catalogue's 400 a 箱
    assert "catalogue says 400" in outcomes(job)[2][1]


def test_a_size_is_never_a_new_items_base_unit(staff, site, catalogue, run_import):
    rows = [
        ["捐赠单位", "品名", "规格", "数量总计"],
        ["普利制药", "注射用阿奇霉素", "500MM/支", "12000支"],
        ["普利制药", "注射用阿奇霉素", "0.5g/支", "462箱"],
    ]
    job = run_import(
        staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, create_missing_items=True
    )
    item = Item.objects.get(name_zh="注射用阿奇霉素")
    assert item.base_unit == "支"
    assert "counted in 支" in outcomes(job)[2][1]
    assert not ItemPack.objects.filter(item=item, name="MM").exists()


def test_a_quantity_over_the_bound_is_an_error_with_its_reason(staff, site, catalogue, run_import):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩", "20亿只"]]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    status, message = outcomes(job)[2]
    assert status == RowStatus.ERROR and "the most one line can hold" in message


def test_a_formula_cell_is_flagged_and_held(staff, site, catalogue, run_import):
    rows = [["捐赠单位", "品名", "数量", "单位"], ["壹基金", "医用防护口罩", "=1+1", "只"]]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    status, message = outcomes(job)[2]
    assert status == RowStatus.REVIEW and "C2 =1+1 is a formula" in message
    assert not DonationLine.objects.exists()


def test_a_failed_job_keeps_no_file(staff, site, catalogue, run_import):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "不存在的物资", "1只"]]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    assert job.status == "failed"
    job.refresh_from_db()
    assert bytes(job.content) == b""


def test_the_preview_report_keeps_each_rows_cells(staff, site, catalogue, run_import):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩", "100只"]]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, confirm=False)
    assert job.report[0][4] == ["壹基金", "医用防护口罩", "100只"]


def test_back_dated_lists_of_several_days_keep_the_daily_roll_up_right(
    staff, site, catalogue, receive, run_import
):
    from inventory.services.ledger import rollups_rebuild

    receive(50, lot_item=catalogue["masks"])  # posted today, before the import
    rows = [
        ["捐赠单位", "日期", "品名", "数量"],
        ["壹基金", "2020-01-20", "医用防护口罩", "100只"],
        ["腾讯公益", "2020-01-29", "医用防护口罩", "7只"],
        ["腾讯公益", "2020-01-29", "84消毒液", "3瓶"],
        ["李女士", "2020-01-28", "医用防护口罩", "1只"],
    ]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    assert job.status == "done", job.report
    masks = dict(
        DailyStockRollup.objects.filter(item=catalogue["masks"]).values_list("day", "on_hand")
    )
    # Each past day gets its receipts; today's row (made by the earlier receipt) gets
    # every back-dated receipt in its on-hand.
    assert masks == {
        dt.date(2020, 1, 20): 100,
        dt.date(2020, 1, 28): 101,
        dt.date(2020, 1, 29): 108,
        timezone.localdate(): 158,
    }
    assert rollups_rebuild(dry_run=True).changed == 0
    assert ledger_mismatches() == []


@pytest.mark.parametrize(
    ("name", "proposed"),
    [("丁睛手套", "丁腈手套"), ("外科医用口罩", "医用外科口罩"), ("红外线体温计", "红外体温计")],
)
def test_a_near_duplicate_lands_on_the_catalogue_item_not_created_twice(
    staff, site, catalogue, run_import, name, proposed
):
    from tests.factories import ItemFactory

    ItemFactory(code="nitrile", name_zh="丁腈手套", category="protective", base_unit="副")
    ItemFactory(code="surgical", name_zh="医用外科口罩", category="protective", base_unit="只")
    ItemFactory(code="ir", name_zh="红外体温计", category="medical_device", base_unit="个")
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", name, "10副" if "手套" in name else "10个"]]
    job = run_import(
        staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, create_missing_items=True
    )
    status, message = outcomes(job)[2]
    # 90 % alike or more, and no other item as close: taken for it, and the preview says so
    # (with "add as alias" there).
    assert status == RowStatus.NEW and f"taken for the catalogue's {proposed}" in message
    line = DonationLine.objects.get()
    assert (line.item.name_zh, line.quantity) == (proposed, 10)
    assert not Item.objects.filter(name_zh=name).exists()


def test_a_name_only_somewhat_alike_is_held_with_the_item_proposed(
    staff, site, catalogue, run_import
):
    from inventory.models import ItemAlias
    from tests.factories import ItemFactory

    goggles = ItemFactory(code="goggles", name_zh="护目镜", category="protective", base_unit="副")
    ItemAlias.objects.create(item=goggles, alias="防护眼镜")
    rows = [["捐赠单位", "品名", "数量"], ["梅思安", "防护镜", "14副"]]
    job = run_import(
        staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, create_missing_items=True
    )
    status, message = outcomes(job)[2]
    assert status == RowStatus.REVIEW and "probably the catalogue's 护目镜 (86% alike)" in message
    assert not DonationLine.objects.exists() and not Item.objects.filter(name_zh="防护镜").exists()


def test_a_hand_wash_is_not_a_leave_on_gel(staff, site, catalogue, run_import):
    from inventory.models import ItemAlias
    from tests.factories import ItemFactory

    gel = ItemFactory(code="gel", name_zh="免洗手消毒凝胶", category="disinfection")
    ItemAlias.objects.create(item=gel, alias="洗手液")
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "洗手液", "12瓶"]]
    job = run_import(
        staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, create_missing_items=True
    )
    assert job.status == "done", job.report
    line = DonationLine.objects.select_related("item").get()
    assert line.item != gel and line.item.name_zh == "洗手液"


def test_an_item_cell_with_its_own_quantity_is_one_line(staff, site, catalogue, run_import):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩（3M）1.2万只", None]]
    job = run_import(staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site)
    assert job.status == "done", job.report
    assert DonationLine.objects.get().quantity == 12_000


@pytest.mark.parametrize(
    ("cell", "quantity", "proposal"),
    [
        ("口罩（KN95型1200盒、银离子口罩2万只、一次性口罩3.4万只）", None, "银离子口罩 2万只"),
        ("酒精棉片、湿纸巾", "1箱", "酒精棉片; 湿纸巾"),
    ],
)
def test_a_cell_naming_several_items_is_held_with_the_split_proposed(
    staff, site, catalogue, run_import, cell, quantity, proposal
):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", cell, quantity]]
    job = run_import(
        staff, "donations", "s.xlsx", xlsx_bytes(rows), site=site, create_missing_items=True
    )
    status, message = outcomes(job)[2]
    assert status == RowStatus.REVIEW and proposal in message
    assert not DonationLine.objects.exists()
