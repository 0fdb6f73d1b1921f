"""The pure reading of cells: numbers, packs, dates, text, and quantities in base units."""

import datetime as dt
from decimal import Decimal

import pytest

from imports.matching import guess_category
from imports.normalise import (
    CellError,
    PackSpec,
    Quantity,
    clean_text,
    parse_date,
    parse_pack_spec,
    parse_quantity,
)
from imports.packs import parse_ladder
from imports.quantities import NeedsReview, ladder_to_base_units


@pytest.mark.parametrize(
    ("cell", "value", "unit"),
    [
        ("198件", 198, "件"),
        ("4800盒", 4800, "盒"),
        ("5万", 50_000, ""),
        ("3.4万", 34_000, ""),
        ("一万", 10_000, ""),
        ("五千", 5_000, ""),
        ("1千", 1_000, ""),
        ("两千个", 2_000, "个"),
        ("一万二千五百", 12_500, ""),
        ("十五", 15, ""),
        ("1,200", 1_200, ""),
        ("１２０只", 120, "只"),
        ("约200只", 200, "只"),
        ("5千克", 5, "千克"),  # kilograms, not 5,000 克
        ("五千克", 5, "千克"),
        ("2.5", Decimal("2.5"), ""),
    ],
)
def test_quantities(cell, value, unit):
    assert parse_quantity(cell) == Quantity(Decimal(value), unit)


@pytest.mark.parametrize("cell", ["", "若干", "N/A", "2020-01-28"])
def test_not_quantities(cell):
    with pytest.raises(CellError):
        parse_quantity(cell)


@pytest.mark.parametrize(
    ("cell", "spec"),
    [
        ("200个/箱", PackSpec(200, "个", "箱")),
        ("500ml*30瓶", PackSpec(30, "瓶", "")),
        ("500ml×30瓶", PackSpec(30, "瓶", "")),
        ("5L*4瓶/件", PackSpec(4, "瓶", "件")),
        ("50箱（*1000）", PackSpec(1000, "", "箱", Decimal(50))),
        ("20只/盒*20盒/箱", PackSpec(400, "只", "箱")),
        ("N95", None),
        ("500ml", None),
        ("", None),
    ],
)
def test_pack_specs(cell, spec):
    assert parse_pack_spec(cell) == spec


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2020-01-28", dt.date(2020, 1, 28)),
        ("2020/1/28", dt.date(2020, 1, 28)),
        ("2020.1.28", dt.date(2020, 1, 28)),
        ("2020年1月28日", dt.date(2020, 1, 28)),
        ("20200128", dt.date(2020, 1, 28)),
        ("2020-01-28 00:00:00", dt.date(2020, 1, 28)),
        ("２０２０－０１－２８", dt.date(2020, 1, 28)),
    ],
)
def test_dates(cell, day):
    assert parse_date(cell) == day


def test_expiry_to_the_month_is_its_last_day():
    assert parse_date("2022-02", month_end=True) == dt.date(2022, 2, 28)
    with pytest.raises(CellError):
        parse_date("2022-02")
    with pytest.raises(CellError):
        parse_date("2020-02-30")


def test_clean_text():
    assert clean_text("\u200b N95\u00a0口罩\u3000（３Ｍ）\t") == "N95 口罩 (3M)"
    assert clean_text("'=SUM(A1)") == "=SUM(A1)"  # our own export's escape, undone
    assert clean_text(None) == ""


def base(cell, unit="", spec="", base_unit="只", packs=None, kind=""):
    """The importers' own path: the spec read as a ladder, then `ladder_to_base_units`."""
    quantity, _warning = ladder_to_base_units(
        quantity=parse_quantity(cell),
        unit=unit,
        ladder=parse_ladder(spec),
        base_unit=base_unit,
        kind=kind,
        packs=packs or {},
    )
    return quantity


def test_base_units():
    assert base("12").quantity == 12
    assert base("12", unit="个").quantity == 12  # 个 and 只 are the same count
    assert base("3", unit="箱", packs={"箱": [400]}).quantity == 1200
    assert base("3", unit="箱", spec="200只/箱", packs={"箱": [400]}).quantity == 600
    assert base("2", unit="箱", spec="20盒/箱", packs={"盒": [20]}).quantity == 800
    assert base("10", unit="斤", base_unit="千克").quantity == 5
    assert base("0.5万").quantity == 5000


def test_base_units_refused():
    with pytest.raises(CellError, match="more than zero"):
        base("0")
    with pytest.raises(CellError, match="whole number"):
        base("1.5")
    with pytest.raises(CellError, match="unit column says"):
        base("12盒", unit="箱")


def test_base_units_held_for_review():
    with pytest.raises(NeedsReview, match=r"\(3 箱\)"):
        base("3", unit="箱")
    with pytest.raises(NeedsReview, match="several sizes"):
        base("3", unit="袋", base_unit="千克", packs={"袋": [10, 25]})
    with pytest.raises(NeedsReview, match="no unit"):
        base("3", spec="200只/箱")


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("医用外科口罩", "protective"),
        ("84消毒液", "disinfection"),
        ("含氯消毒片", "disinfection"),
        ("防护面屏", "protective"),
        ("阿莫西林胶囊", "medicine"),
        ("额温枪", "medical_device"),
        ("大米", "isolation_necessity"),
        ("Nitrile gloves", "protective"),
        ("雨伞", "other"),
    ],
)
def test_category_guess(name, category):
    assert guess_category(name) == category
