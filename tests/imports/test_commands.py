"""manage.py import_* : summaries, all-or-nothing, --skip-invalid, --dry-run, and each kind."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from imports.models import ImportJob
from inventory.models import DonationLine, Item, ItemAlias, Site, StockMovement
from inventory.selectors import ledger_mismatches
from supply_requests.models import RequestStatus, ServedUnit, SupplyRequest
from tests.conftest import RECEIVED
from tests.factories import SiteFactory
from tests.imports.conftest import csv_bytes, write, xlsx_bytes

DAY = RECEIVED.isoformat()
DONATIONS = [
    ["2020年捐赠物资明细"],
    ["捐赠单位", "日期", "品名", "数量", "单位"],
    ["壹基金", DAY, "医用防护口罩", "5箱", ""],
    ["", "", "84消毒液", "30", "瓶"],
    ["合计", "", "", "", ""],
]


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def place(organisation, site):
    return {"organisation": organisation.code, "site": site.code, "user": "staff"}


def test_import_donations_prints_a_summary(tmp_path, staff, place, catalogue):
    path = write(tmp_path, "donations.csv", csv_bytes(DONATIONS))
    out = run("import_donations", str(path), **place)
    assert "3 row(s) read" in out
    assert "new: 1  merged: 1  skipped: 1" in out
    assert "quantities: 2,000 只 · 30 瓶" in out
    assert "row 5: Totals line" in out
    assert "Imported 2 line(s)." in out
    assert DonationLine.objects.count() == 2
    assert ImportJob.objects.get().status == "done"
    assert ledger_mismatches() == []


def test_any_bad_row_imports_nothing_and_fails(tmp_path, staff, place, catalogue):
    rows = [
        *DONATIONS[:4],
        ["李女士", DAY, "医用防护口罩", "0", "只"],
        ["", "", "不明物资", "3", "个"],
    ]
    path = write(tmp_path, "donations.csv", csv_bytes(rows))
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 row\\(s\\) have errors: nothing was imported"):
        call_command("import_donations", str(path), stdout=out, **place)
    assert "row 5: The quantity must be more than zero." in out.getvalue()
    assert "row 6: “不明物资” is not in the catalogue" in out.getvalue()
    assert not StockMovement.objects.exists()
    assert ImportJob.objects.get().status == "failed"


def test_skip_invalid_imports_the_valid_rows(tmp_path, staff, place, catalogue):
    rows = [*DONATIONS[:4], ["李女士", DAY, "医用防护口罩", "0", "只"]]
    path = write(tmp_path, "donations.csv", csv_bytes(rows))
    out = run("import_donations", str(path), skip_invalid=True, **place)
    assert "row 5: The quantity must be more than zero." in out
    assert "Imported 2 line(s)." in out
    assert DonationLine.objects.count() == 2


def test_dry_run_writes_nothing(tmp_path, staff, place, catalogue):
    path = write(tmp_path, "donations.xlsx", xlsx_bytes(DONATIONS))
    out = run("import_donations", str(path), dry_run=True, **place)
    assert "Dry run: nothing written (2 line(s) would be imported)." in out
    assert not DonationLine.objects.exists() and not ImportJob.objects.exists()


def test_dry_run_with_errors_fails(tmp_path, staff, place, catalogue):
    path = write(tmp_path, "d.csv", csv_bytes([*DONATIONS[:3], ["", "", "医用防护口罩", "", ""]]))
    with pytest.raises(CommandError, match="1 row"):
        run("import_donations", str(path), dry_run=True, **place)


def test_create_missing_items(tmp_path, staff, place, catalogue):
    rows = [*DONATIONS[:3], ["", "", "医用隔离面罩", "40", "个"]]
    path = write(tmp_path, "d.csv", csv_bytes(rows))
    run("import_donations", str(path), create_missing_items=True, **place)
    item = Item.objects.get(name_zh="医用隔离面罩")
    assert (item.needs_review, item.category) == (True, "protective")


def test_refuses_unknown_places_and_strangers(tmp_path, staff, outsider, place, catalogue):
    path = write(tmp_path, "d.csv", csv_bytes(DONATIONS))
    with pytest.raises(CommandError, match="No site"):
        run("import_donations", str(path), **{**place, "site": "elsewhere"})
    with pytest.raises(CommandError, match="No organisation"):
        run("import_donations", str(path), **{**place, "organisation": "nobody"})
    with pytest.raises(CommandError, match="your organisation's sites"):
        run("import_donations", str(path), **{**place, "user": "outsider"})
    with pytest.raises(CommandError, match="No such file"):
        run("import_donations", str(tmp_path / "missing.csv"), **place)
    assert not DonationLine.objects.exists()


def test_an_unreadable_file_is_a_clear_error(tmp_path, staff, place):
    path = write(tmp_path, "d.xlsx", b"not a workbook")
    with pytest.raises(CommandError, match=r"not a readable \.xlsx"):
        run("import_donations", str(path), **place)
    path = write(tmp_path, "d.csv", csv_bytes([["名称", "备注"], ["x", "y"]]))
    with pytest.raises(CommandError, match="No header row found"):
        run("import_donations", str(path), **place)


def test_import_distributions_dispatches_from_stock(
    tmp_path, staff, place, catalogue, unit, receive
):
    early = receive(300, lot_item=catalogue["gloves"], expiry=RECEIVED.replace(year=2021))
    later = receive(300, lot_item=catalogue["gloves"], expiry=RECEIVED.replace(year=2023))
    rows = [
        ["接收单位", "发放日期", "品名", "数量"],
        [unit.name, DAY, "医用乳胶检查手套", "200副"],
        ["", "", "医用乳胶检查手套", "200副"],
        ["新建临时隔离点", DAY, "医用乳胶检查手套", "50副"],
    ]
    path = write(tmp_path, "given.csv", csv_bytes(rows))
    out = run("import_distributions", str(path), create_missing_receivers=True, **place)
    assert "Imported 3 line(s)." in out
    given = StockMovement.objects.filter(document_type="historical_distribution")
    # First expiry first out: 200 then 100 from the early lot, the rest from the later one.
    assert sorted((m.lot_id, m.quantity) for m in given) == sorted(
        [(early.pk, -200), (early.pk, -100), (later.pk, -100), (later.pk, -50)]
    )
    created = ServedUnit.objects.get(name="新建临时隔离点")
    assert created.code.startswith("review-") and created.kind == "other"
    assert list(created.organisations.all()) == [Site.objects.get(code=place["site"]).organisation]
    assert given.filter(document_id=created.pk).count() == 1
    assert given.first().occurred_at.date() == RECEIVED
    assert ledger_mismatches() == []


def test_distributions_refuse_goods_that_are_not_in_stock(
    tmp_path, staff, place, catalogue, unit, receive
):
    receive(100, lot_item=catalogue["gloves"])
    rows = [["receiver", "item", "quantity"], [unit.code, "gloves", "60"]]
    rows.append([unit.code, "gloves", "60"])
    path = write(tmp_path, "given.csv", csv_bytes(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_distributions", str(path), stdout=out, received_on=RECEIVED, **place)
    assert "row 3: Only 40 副 of 医用乳胶检查手套 are available here; 60 given." in out.getvalue()
    assert not StockMovement.objects.filter(kind="dispatch").exists()
    path = write(tmp_path, "g.csv", csv_bytes([rows[0], ["玉林南路社区", "gloves", "1"]]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_distributions", str(path), stdout=out, received_on=RECEIVED, **place)
    assert "“玉林南路社区” is not a served unit. Closest: 玉林北路社区." in out.getvalue()


def test_import_items(tmp_path, staff, catalogue):
    rows = [
        ["物资编码", "物资名称", "英文名称", "类别", "计量单位", "规格", "别名"],
        ["kn95", "KN95口罩", "KN95 respirator", "", "只", "25只/盒", "KN95;带阀口罩"],
        ["", "医用防护口罩", "N95 mask", "防护用品", "只", "", "防护口罩"],
        ["", "测温贴", "", "", "片", "", ""],
    ]
    path = write(tmp_path, "items.xlsx", xlsx_bytes(rows))
    out = run("import_items", str(path), user="staff")
    assert "new: 2  merged: 1" in out
    kn95 = Item.objects.get(code="kn95")
    assert (kn95.category, kn95.base_unit) == ("protective", "只")
    assert list(kn95.packs.values_list("name", "quantity")) == [("盒", 25)]
    assert set(kn95.aliases.values_list("alias", flat=True)) == {"KN95", "带阀口罩"}
    assert ItemAlias.objects.get(alias="防护口罩").item == catalogue["masks"]
    assert Item.objects.get(name_zh="测温贴").category == "medical_device"
    again = run("import_items", str(path), user="staff")
    assert "new: 0  merged: 0  skipped: 3" in again


def test_import_items_never_changes_the_base_unit_of_stock(tmp_path, staff, receive, item):
    receive(10)
    rows = [["code", "name_zh", "base_unit"], [item.code, item.name_zh, "箱"]]
    path = write(tmp_path, "items.csv", csv_bytes(rows))
    with pytest.raises(CommandError):
        run("import_items", str(path), user="staff")
    item.refresh_from_db()
    assert item.base_unit == "只"


def test_import_sites(tmp_path, staff, organisation, outsider):
    rows = [["仓库编码", "仓库名称", "地址"], ["cd-new", "新都物资点", "新都区"]]
    rows.append(["", "高新分发点", ""])
    path = write(tmp_path, "sites.csv", csv_bytes(rows))
    run("import_sites", str(path), organisation=organisation.code, user="staff")
    assert set(organisation.sites.values_list("name", flat=True)) == {"新都物资点", "高新分发点"}
    theirs = SiteFactory(code="theirs")
    taken = write(tmp_path, "taken.csv", csv_bytes([["code", "name"], ["theirs", "ours now"]]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_sites", str(taken), organisation=organisation.code, user="staff", stdout=out
        )
    assert "belongs to another organisation" in out.getvalue()
    theirs.refresh_from_db()
    assert theirs.name != "ours now"
    with pytest.raises(CommandError, match="one of your organisations"):
        run("import_sites", str(path), organisation=organisation.code, user="outsider")


def test_import_served_units_with_their_hierarchy(tmp_path, staff, organisation):
    rows = [
        ["单位名称", "类型", "上级单位", "户数", "隔离户数"],
        ["芳草社区", "community", "芳草街街道", "3000", "12"],
        ["芳草街街道", "street", "高新区", "", ""],
        ["高新区", "district", "", "", ""],
    ]
    path = write(tmp_path, "units.csv", csv_bytes(rows))
    out = run("import_served_units", str(path), organisation=organisation.code, user="staff")
    assert "new: 3" in out
    community = ServedUnit.objects.get(name="芳草社区")
    assert [unit.name for unit in community.ancestors()] == ["芳草街街道", "高新区"]
    assert (community.households, community.isolated_households) == (3000, 12)
    assert organisation in community.organisations.all()
    assert "skipped: 3" in run(
        "import_served_units", str(path), organisation=organisation.code, user="staff"
    )


def test_import_requests_as_a_community_worker(tmp_path, worker, unit, catalogue):
    rows = [
        ["社区", "优先级", "物资名称", "需求数量", "单位", "事由"],
        [unit.name, "紧急", "医用防护口罩", "2箱", "", "隔离户"],
        ["", "", "84消毒液", "60", "瓶", ""],
        ["", "", "医用防护口罩", "100", "只", ""],
    ]
    path = write(tmp_path, "needs.csv", csv_bytes(rows))
    out = run("import_requests", str(path), submit=True, user="worker")
    assert "new: 1  merged: 2" in out
    request = SupplyRequest.objects.get()
    assert (request.status, request.priority) == (RequestStatus.SUBMITTED, "critical")
    assert sorted(request.lines.values_list("item__code", "quantity_requested")) == [
        ("disinfectant-84", 60),
        ("n95-mask", 900),
    ]
    assert "already imported" in run("import_requests", str(path), user="worker").lower()
    assert SupplyRequest.objects.count() == 1


def test_import_requests_refuses_units_that_are_not_yours(tmp_path, other_worker, unit, catalogue):
    rows = [["社区", "物资名称", "数量"], [unit.name, "医用防护口罩", "5"]]
    path = write(tmp_path, "n.csv", csv_bytes(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_requests", str(path), stdout=out, user="other-worker")
    assert "not one of your served units" in out.getvalue()


def test_skipped_rows_create_no_receivers(tmp_path, staff, place, catalogue, unit, receive):
    receive(10, lot_item=catalogue["gloves"])
    rows = [["接收单位", "品名", "数量"], ["新隔离点", "医用乳胶检查手套", "500副"]]
    rows.append([unit.name, "医用乳胶检查手套", "5副"])
    path = write(tmp_path, "given.csv", csv_bytes(rows))
    run(
        "import_distributions",
        str(path),
        create_missing_receivers=True,
        skip_invalid=True,
        received_on=RECEIVED,
        **place,
    )
    assert not ServedUnit.objects.filter(name="新隔离点").exists()
    assert StockMovement.objects.filter(document_type="historical_distribution").count() == 1
