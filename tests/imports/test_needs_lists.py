"""Issue 18, point 5: hospital needs lists — quantity unknown, flags per item, alternatives,
spec and remarks kept, coordinators importing for the units they serve, units matched
within their city."""

import pytest

from imports.models import RowStatus
from supply_requests.models import SupplyRequest, SupplyRequestLine
from tests.factories import ServedUnitFactory
from tests.imports.conftest import outcomes, xlsx_bytes


@pytest.fixture
def hospitals(organisation):
    wuhan = ServedUnitFactory(code="wuhan", name="武汉市")
    other = ServedUnitFactory(code="huangshi", name="黄石市")
    jiangan = ServedUnitFactory(code="wh-jiangan", name="第六医院", parent=wuhan)
    namesake = ServedUnitFactory(code="hs-jiangan", name="第六医院", parent=other)
    for unit in (wuhan, jiangan):
        unit.organisations.add(organisation)
    namesake.organisations.add(organisation)
    return {"wuhan": jiangan, "huangshi": namesake}


def lines():
    return sorted(
        (line.request.served_unit.code, line.item.code, line.quantity_requested, line.note)
        for line in SupplyRequestLine.objects.select_related("request__served_unit", "item")
    )


def test_a_coordinator_imports_needs_with_quantity_unknown(
    coordinator, catalogue, hospitals, run_import
):
    rows = [
        ["需求单位", "所在地", "需求物资", "规格", "需求数量", "备注"],
        ["第六医院", "武汉市", "N95口罩 / KN95口罩", "1860型", "不详", "ICU用"],
        ["第六医院", "武汉市", "医用乳胶检查手套", "M", "若干", ""],
        ["第六医院", "黄石市", "84消毒液", "", "", ""],
        ["第六医院", "黄石市", "大米", "", "200千克", ""],
    ]
    job = run_import(coordinator, "requests", "needs.xlsx", xlsx_bytes(rows))
    assert job.status == "done", job.report
    assert lines() == [
        ("hs-jiangan", "disinfectant-84", None, ""),
        ("hs-jiangan", "rice", 200, ""),
        ("wh-jiangan", "gloves", None, "M"),
        ("wh-jiangan", "n95-mask", None, "1860型 · ICU用"),
    ]
    assert SupplyRequest.objects.count() == 2  # two units of one name, kept apart


def test_without_a_place_two_units_of_one_name_are_not_guessed(
    coordinator, catalogue, hospitals, run_import
):
    rows = [["需求单位", "需求物资", "需求数量"], ["第六医院", "大米", "5千克"]]
    job = run_import(coordinator, "requests", "needs.xlsx", xlsx_bytes(rows))
    status, message = outcomes(job)[2]
    assert status == RowStatus.ERROR and "several served units" in message


def test_a_needs_matrix_with_flags_per_item(coordinator, catalogue, hospitals, run_import):
    rows = [
        ["序号", "需求单位", "所在地", "医用防护口罩", "医用乳胶检查手套", "84消毒液"],
        [1, "第六医院", "武汉市", "✓", 1, 0],
        [2, "第六医院", "黄石市", None, "√", "30"],
    ]
    job = run_import(coordinator, "requests", "matrix.xlsx", xlsx_bytes(rows))
    assert job.status == "done", job.report
    assert lines() == [
        ("hs-jiangan", "disinfectant-84", 30, ""),
        ("hs-jiangan", "gloves", None, ""),
        ("wh-jiangan", "gloves", None, ""),
        ("wh-jiangan", "n95-mask", None, ""),
    ]


def test_an_outsider_may_not_import_needs_for_our_units(outsider, catalogue, hospitals, run_import):
    rows = [["需求单位", "所在地", "需求物资", "需求数量"], ["第六医院", "武汉市", "大米", "5千克"]]
    with pytest.raises(Exception, match="coordinators"):
        run_import(outsider, "requests", "needs.xlsx", xlsx_bytes(rows))
    assert not SupplyRequest.objects.exists()
