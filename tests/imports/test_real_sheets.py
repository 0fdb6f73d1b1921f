"""Issue 5, point 2: real sheets as they are. One test (or a parametrised set) per bullet,
each with a small sheet written here, imported end to end as the page does it."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from imports.models import RowStatus
from inventory.models import DonationLine, Item, ItemAlias, ItemCategory, ItemPack, StockMovement
from inventory.selectors import ledger_mismatches
from tests.conftest import RECEIVED
from tests.factories import ItemFactory
from tests.imports.conftest import csv_bytes, outcomes, xlsx_bytes

DAY = RECEIVED.isoformat()


def received(item):
    """Base units received of an item, from the ledger."""
    return sum(m.quantity for m in StockMovement.objects.filter(item=item, kind="receipt"))


def test_title_lines_above_the_header_are_passed_over(staff, site, catalogue, run_import):
    content = xlsx_bytes(
        [
            ["成都市社区文化发展中心 2020年1月接收捐赠物资明细表"],
            ["制表日期：2020年1月30日", None, None, "单位：只"],
            [],
            ["序号", "捐赠单位", "日期", "品名", "数量", "单位"],
            [1, "壹基金", DAY, "医用防护口罩", 500, "只"],
        ],
        merged=["A1:F1"],
    )
    job = run_import(staff, "donations", "sheet.xlsx", content, site=site)
    assert job.status == "done", job.error
    assert outcomes(job) == {5: (RowStatus.NEW, "")}
    assert "row 4" in job.totals["notes"][0]
    assert received(catalogue["masks"]) == 500


@pytest.mark.parametrize(
    "header",
    [
        ["捐赠单位", "品名", "规格", "计量单位", "数量", "批号", "有效期"],
        ["捐赠方", "物资名称", "规格型号", "单位", "数量总计", "批号", "有效期"],
        ["捐赠方", "入库物资", "规格", "单位", "数量", "批次", "有效期至"],
        ["Donor", "Item", "Spec", "Unit", "Quantity", "Batch", "Expiry"],
        ["donor ", "ITEM", "specification", "unit", "qty", "batch", "expiry date"],
    ],
)
def test_column_names_in_chinese_or_english(staff, site, catalogue, run_import, header):
    content = csv_bytes(
        [header, ["壹基金", "医用防护口罩", "N95", "只", "400", "B-01", "2022-01-31"]]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", (job.error, job.report)
    line = DonationLine.objects.get()
    assert (line.item, line.quantity, line.batch, line.expiry) == (
        catalogue["masks"],
        400,
        "B-01",
        dt.date(2022, 1, 31),
    )
    assert line.donation.donor.name == "壹基金"


@pytest.mark.parametrize("alias", ["接收单位", "receiver", "领取单位", "发放对象"])
def test_receiver_column_names(staff, site, catalogue, unit, receive, run_import, alias):
    receive(100, lot_item=catalogue["gloves"])
    content = csv_bytes([[alias, "物资名称", "数量"], [unit.name, "医用乳胶检查手套", "30副"]])
    job = run_import(staff, "distributions", "given.csv", content, site=site)
    assert job.status == "done", (job.error, job.report)
    movement = StockMovement.objects.get(document_type="historical_distribution")
    assert (movement.quantity, movement.document_id) == (-30, unit.pk)


def test_blank_donor_cells_mean_same_as_above_in_csv(staff, site, catalogue, run_import):
    content = csv_bytes(
        [
            ["捐赠单位", "日期", "品名", "数量", "单位"],
            ["壹基金", DAY, "医用防护口罩", "100", "只"],
            ["", "", "84消毒液", "20", "瓶"],
            ["", "", "大米", "50", "千克"],
            ["腾讯公益", DAY, "医用乳胶检查手套", "10", "副"],
        ]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", job.report
    by_donor = {
        line.item.code: line.donation.donor.name
        for line in DonationLine.objects.select_related("donation__donor", "item")
    }
    assert by_donor == {
        "n95-mask": "壹基金",
        "disinfectant-84": "壹基金",
        "rice": "壹基金",
        "gloves": "腾讯公益",
    }
    # The rows of one donor on one day are one donation, merged in the preview.
    assert [status for status, _m in outcomes(job).values()] == ["new", "merged", "merged", "new"]


def test_merged_donor_cells_in_xlsx(staff, site, catalogue, run_import):
    content = xlsx_bytes(
        [
            ["捐赠单位", "日期", "品名", "数量", "单位"],
            ["壹基金", DAY, "医用防护口罩", 100, "只"],
            [None, None, "84消毒液", 20, "瓶"],
            ["腾讯公益", DAY, "大米", 50, "千克"],
        ],
        merged=["A2:A3", "B2:B3"],
    )
    job = run_import(staff, "donations", "sheet.xlsx", content, site=site)
    assert job.status == "done", job.report
    assert set(
        DonationLine.objects.filter(donation__donor__name="壹基金").values_list(
            "item__code", flat=True
        )
    ) == {"n95-mask", "disinfectant-84"}


def test_a_receiver_name_split_over_two_rows_is_joined(
    staff, site, catalogue, unit, receive, run_import
):
    unit.name = "武侯区玉林街道玉林北路社区"
    unit.save()
    receive(100, lot_item=catalogue["gloves"])
    content = csv_bytes(
        [
            ["接收单位", "品名", "数量", "单位"],
            ["武侯区玉林街道", "医用乳胶检查手套", "30", "副"],
            ["玉林北路社区", "", "", ""],
            ["", "医用乳胶检查手套", "20", "副"],
        ]
    )
    job = run_import(staff, "distributions", "given.csv", content, site=site)
    assert job.status == "done", job.report
    rows = outcomes(job)
    assert rows[3][0] == "skipped" and "row 2" in rows[3][1]
    given = StockMovement.objects.filter(document_type="historical_distribution")
    assert sorted(m.quantity for m in given) == [-30, -20]
    assert {m.document_id for m in given} == {unit.pk}


@pytest.mark.parametrize(
    ("cell", "item", "expected"),
    [("198件", "protective-suit", 198), ("4800盒", "milk", 4800), ("20副", "gloves", 20)],
)
def test_a_quantity_with_its_unit_inside(staff, site, catalogue, run_import, cell, item, expected):
    units = {"protective-suit": "件", "milk": "盒", "gloves": "副"}
    if item not in catalogue:
        catalogue[item] = Item.objects.create(
            code=item, name_zh=item, category=ItemCategory.OTHER, base_unit=units[item]
        )
    content = csv_bytes([["捐赠单位", "品名", "数量"], ["壹基金", item, cell]])
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", job.report
    assert received(catalogue[item]) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("5万", 50_000), ("1千", 1_000), ("一万", 10_000), ("五千", 5_000), ("3.4万", 34_000)],
)
def test_chinese_multipliers_and_numerals(staff, site, catalogue, run_import, cell, expected):
    rows = [["捐赠单位", "品名", "数量", "单位"], ["壹基金", "医用防护口罩", cell, "只"]]
    content = csv_bytes(rows)
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", job.report
    assert received(catalogue["masks"]) == expected
    assert job.totals["quantities"] == {"只": expected}


@pytest.mark.parametrize(
    ("item", "spec", "quantity", "unit", "expected", "pack"),
    [
        ("masks", "200个/箱", "3", "箱", 600, ("箱", 3)),  # the stated size wins
        ("disinfectant", "500ml*30瓶", "10", "箱", 300, ("箱", 10)),
        ("disinfectant", "5L*4瓶/件", "6", "件", 24, ("件", 6)),
        ("masks", "50箱（*1000）", "", "", 50_000, ("箱", 50)),
        ("masks", "", "50箱（*1000）", "", 50_000, ("箱", 50)),
        ("masks", "", "2", "箱", 800, ("箱", 2)),  # the catalogue's pack: 箱 = 400 只
    ],
)
def test_pack_sizes_stated_or_known_become_base_units(
    staff, site, catalogue, run_import, item, spec, quantity, unit, expected, pack
):
    name = catalogue[item].name_zh
    content = csv_bytes(
        [["捐赠单位", "品名", "规格", "数量", "单位"], ["壹基金", name, spec, quantity, unit]]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", job.report
    line = DonationLine.objects.get()
    assert (line.quantity, (line.pack_name, line.pack_count)) == (expected, pack)


def test_goods_whose_pack_size_is_written_nowhere_land_counted_in_that_pack(
    staff, site, catalogue, run_import
):
    content = csv_bytes(
        [
            ["捐赠单位", "品名", "规格", "数量", "单位"],
            ["顺丰快递", "口罩", "", "3", "箱"],
            ["顺丰快递", "口罩", "", "1", "箱"],
            ["壹基金", "医用乳胶检查手套", "", "5", "箱"],  # known item, no 箱 size known
            ["壹基金", "口罩", "", "200", "只"],
        ]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site, create_missing_items=True)
    assert job.status == "done", job.report
    lines = DonationLine.objects.order_by("pk").values_list(
        "item__name_zh", "item__base_unit", "item__needs_review", "quantity"
    )
    assert list(lines) == [
        ("口罩（按箱计）", "箱", True, 3),
        ("口罩（按箱计）", "箱", True, 1),
        ("医用乳胶检查手套（按箱计）", "箱", True, 5),
        ("口罩", "只", True, 200),  # the same goods counted in 只 stay their own item
    ]
    assert "Landed as 3 箱" in outcomes(job)[2][1] and "not guessed" in outcomes(job)[2][1]
    assert received(catalogue["gloves"]) == 0
    assert ledger_mismatches() == []


def test_an_unknown_pack_size_is_held_for_review_never_guessed(staff, site, catalogue, run_import):
    content = csv_bytes(
        [
            ["捐赠单位", "品名", "规格", "数量", "单位"],
            ["壹基金", "医用乳胶检查手套", "", "5", "箱"],  # gloves: no 箱 in the catalogue
            ["壹基金", "医用防护口罩", "", "100", "只"],
        ]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done"
    status, message = outcomes(job)[2]
    assert status == RowStatus.REVIEW
    assert "Not imported yet" in message and "(5 箱)" in message
    assert received(catalogue["gloves"]) == 0  # neither multiplied nor silently dropped…
    assert job.totals["review"] == 1  # …but listed, to be imported once the size is known
    assert received(catalogue["masks"]) == 100


def test_invisible_and_full_width_characters(staff, site, catalogue, run_import):
    content = csv_bytes(
        [
            ["\ufeff捐赠单位\u200b", "品\u00a0名", "规格", "数量", "单位"],
            ["\u3000壹基金 ", "N95口罩\u200b（３Ｍ）", "２００只／箱", "\u00a0１２", " 箱 "],
        ]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", job.report
    line = DonationLine.objects.select_related("donation__donor").get()
    assert (line.item, line.quantity) == (catalogue["masks"], 2400)
    assert line.donation.donor.name == "壹基金"


def test_items_are_matched_through_aliases_first(staff, site, catalogue, run_import):
    content = csv_bytes([["捐赠单位", "品名", "数量"], ["壹基金", "N95口罩", "10只"]])
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done"
    assert received(catalogue["masks"]) == 10


def test_unknown_items_are_reported_with_the_closest_catalogue_names(
    staff, site, catalogue, run_import
):
    goggles = ItemFactory(code="goggles", name_zh="护目镜", category="protective", base_unit="副")
    ItemAlias.objects.create(item=goggles, alias="防护眼镜")  # "防护镜" is 86 % alike
    content = csv_bytes([["捐赠单位", "品名", "数量"], ["壹基金", "防护镜", "10副"]])
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "failed"
    status, message = outcomes(job)[2]
    assert status == RowStatus.ERROR
    assert "not in the catalogue" in message and "护目镜" in message
    assert not Item.objects.filter(needs_review=True).exists()


def test_a_name_that_is_clearly_a_catalogue_item_is_taken_for_it(
    staff, site, catalogue, run_import
):
    content = csv_bytes([["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩N95型", "10只"]])
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done"
    status, message = outcomes(job)[2]
    assert status == RowStatus.NEW and "taken for the catalogue's 医用防护口罩" in message
    assert received(catalogue["masks"]) == 10


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("一次性防护口罩", ItemCategory.PROTECTIVE),
        ("连体防护服", ItemCategory.PROTECTIVE),
        ("消毒湿巾", ItemCategory.DISINFECTION),
        ("维C泡腾片", ItemCategory.MEDICINE),
        ("板蓝根胶囊", ItemCategory.MEDICINE),
        ("挂耳式体温计", ItemCategory.MEDICAL_DEVICE),
        ("面包", ItemCategory.ISOLATION_NECESSITY),
        ("充电宝", ItemCategory.OTHER),
    ],
)
def test_missing_items_are_created_with_a_guessed_category_for_review(
    staff, site, catalogue, run_import, name, category
):
    content = csv_bytes([["捐赠单位", "品名", "数量"], ["壹基金", name, "12个"]])
    job = run_import(staff, "donations", "s.csv", content, site=site, create_missing_items=True)
    assert job.status == "done", job.report
    item = Item.objects.get(name_zh=name)
    # A mask is counted in 只 like the catalogue's masks, whatever word its first row uses.
    base = "只" if "口罩" in name else "个"
    assert (item.category, item.needs_review, item.base_unit) == (category, True, base)
    assert received(item) == 12
    assert "needs review" in outcomes(job)[2][1]


def test_a_created_item_takes_its_pack_from_the_spec(staff, site, catalogue, run_import):
    rows = [
        ["捐赠单位", "品名", "规格", "数量", "单位"],
        ["壹基金", "医用护目镜", "20副/箱", "3", "箱"],
    ]
    content = csv_bytes(rows)
    run_import(staff, "donations", "s.csv", content, site=site, create_missing_items=True)
    item = Item.objects.get(name_zh="医用护目镜")
    assert item.base_unit == "副"
    assert list(item.packs.values_list("name", "quantity")) == [("箱", 20)]
    assert received(item) == 60


@pytest.mark.parametrize("quantity", ["", "0", "-5", "一些"])
def test_rows_without_a_positive_quantity_are_errors_with_their_row_number(
    staff, site, catalogue, run_import, quantity
):
    content = csv_bytes(
        [
            ["捐赠单位", "品名", "数量", "单位"],
            ["壹基金", "医用防护口罩", "100", "只"],
            ["壹基金", "84消毒液", quantity, "瓶"],
        ]
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "failed"
    assert outcomes(job)[3][0] == RowStatus.ERROR
    assert "1 row(s) have errors; nothing was imported" in job.error
    assert not StockMovement.objects.exists()  # all or nothing


def test_the_same_file_twice_creates_nothing_new(staff, site, catalogue, run_import):
    rows = [
        ["捐赠单位", "日期", "品名", "数量", "单位"],
        ["壹基金", DAY, "医用防护口罩", "100", "只"],
        ["壹基金", DAY, "医用防护口罩", "100", "只"],  # the same line twice: two lines
        ["腾讯公益", DAY, "84消毒液", "20", "瓶"],
    ]
    first = run_import(staff, "donations", "sheet.csv", csv_bytes(rows), site=site)
    assert first.totals["new"] + first.totals["merged"] == 3
    second = run_import(staff, "donations", "sheet.csv", csv_bytes(rows), site=site)
    assert second.status == "done"
    assert {status for status, _m in outcomes(second).values()} == {RowStatus.SKIPPED}
    assert "already imported" in second.totals["notes"][-1]
    assert DonationLine.objects.count() == 3
    assert received(catalogue["masks"]) == 200
    # A longer version of the sheet brings only its new line.
    third = run_import(
        staff,
        "donations",
        "sheet-v2.csv",
        csv_bytes([*rows, ["李女士", DAY, "大米", "25", "千克"]]),
        site=site,
    )
    assert (third.totals["skipped"], third.totals["new"]) == (3, 1)
    assert DonationLine.objects.count() == 4
    assert ledger_mismatches() == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(staff, site, catalogue, run_import, encoding):
    content = csv_bytes(
        [["捐赠单位", "品名", "数量", "单位"], ["成都市慈善总会", "医用防护口罩", "5万", "只"]],
        encoding=encoding,
    )
    job = run_import(staff, "donations", "sheet.csv", content, site=site)
    assert job.status == "done", job.error
    line = DonationLine.objects.select_related("donation__donor").get()
    assert (line.donation.donor.name, line.quantity) == ("成都市慈善总会", 50_000)
    assert encoding in job.totals["notes"][0]


# --- Issue 18: the three published Wuhan Red Cross lists, as a development check ----------
# They are not part of the repository: CI clones it beside a `shared/` folder; a worktree
# sits one level deeper. Without them these tests are skipped.

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = next(
    (p for p in (REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared") if p.is_dir()),
    REPO_ROOT.parent / "shared",
)
WUHAN = SHARED / "realdata" / "wuhan-redcross-2020"
needs_real_lists = pytest.mark.skipif(not WUHAN.is_dir(), reason="shared/realdata not present")


@pytest.fixture
def reference_catalogue(db):
    """The catalogue of `shared/reference/items.csv`: items, packs and spreadsheet aliases."""
    with (SHARED / "reference" / "items.csv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            item = Item.objects.create(
                code=f"ref-{number}",
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                category=row["category"],
                base_unit=row["base_unit"],
            )
            for pack in filter(None, row["common_packs"].split(";")):
                name, size = pack.split("=")
                ItemPack.objects.get_or_create(item=item, name=name, quantity=int(size))
            for alias in filter(None, row["aliases_zh"].split(";")):
                ItemAlias.objects.get_or_create(alias=alias, defaults={"item": item})


@needs_real_lists
@pytest.mark.parametrize(
    ("name", "day", "most_held"),
    [
        ("received-goods-list-6-2_2020-01-22_to_28.xlsx", dt.date(2020, 1, 28), 8),
        ("received-goods-list-7-2_2020-01-29.xlsx", dt.date(2020, 1, 29), 0),
    ],
)
def test_the_published_donation_lists(
    staff, site, reference_catalogue, run_import, name, day, most_held
):
    content = (WUHAN / name).read_bytes()
    job = run_import(
        staff,
        "donations",
        name,
        content,
        site=site,
        received_on=None,
        create_missing_items=True,
        skip_invalid=True,
    )
    assert job.status == "done", job.error
    held = {n: m for n, (s, m) in outcomes(job).items() if s == RowStatus.REVIEW}
    errors = {n: m for n, (s, m) in outcomes(job).items() if s == RowStatus.ERROR}
    print(
        f"{name}: {job.totals['new'] + job.totals['merged']} landed, held {held}, errors {errors}"
    )
    # Issue 18's target: at most 5 % of the data rows held. Goods counted in cartons whose
    # size is written nowhere land counted in cartons; a name clearly a catalogue item is
    # taken for it. What stays held is what a person must decide (one quantity written for
    # two items, a cell naming two goods, a name only somewhat like a catalogue item).
    data_rows = sum(1 for row in job.report if row[1] != RowStatus.SKIPPED)
    assert len(held) <= most_held and len(held) <= 0.05 * data_rows and not errors
    # Every line at the list's date; no footer sentence or signature became a donor.
    assert set(DonationLine.objects.values_list("donation__received_at", flat=True)) == {day}
    assert not DonationLine.objects.filter(donation__donor__name__contains="以上").exists()
    assert not DonationLine.objects.filter(donation__donor__name="武汉市红十字会").exists()
    assert {m.occurred_at.date() for m in StockMovement.objects.all()} == {day}
    assert ledger_mismatches() == []


@needs_real_lists
def test_the_published_surgical_gloves_are_one_line_of_4000_pairs(
    staff, site, reference_catalogue, run_import
):
    name = "received-goods-list-7-2_2020-01-29.xlsx"
    run_import(
        staff,
        "donations",
        name,
        (WUHAN / name).read_bytes(),
        site=site,
        received_on=None,
        create_missing_items=True,
        skip_invalid=True,
    )
    gloves = DonationLine.objects.filter(donation__donor__name="上海第二医科大学校友会")
    assert list(gloves.values_list("quantity", "pack_count")) == [(4000, 10)]
    four = DonationLine.objects.get(item__name_zh="可孚一次性手套", pack_count=32)
    assert four.quantity == 6400  # 100支*4盒/箱, 32 箱: 12,800 gloves, 6,400 pairs
