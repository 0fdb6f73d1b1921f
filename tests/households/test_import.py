"""Households from a spreadsheet (issue 20, point 1): the imports framework's sheet reader,
the register's own rules; row number and reason, all rows or none."""

import pytest
from django.core.management import call_command

from households.models import Household
from imports.households_sheet import households_import

SHEET = (
    "玉林北路社区居家隔离住户登记表\n"
    "楼栋,单元,房号,联系人,电话,人数,类别,隔离结束,同意登记,备注\n"
    "3栋,2单元,401,张阿姨,138-1234-5678,２,独居老人、居家隔离或观察,2020-02-14,是,糖尿病\n"
    "1栋,1单元,101,李先生,13987654321,3,低保/低收入,,是,\n"
)


def test_a_sheet_registers_its_households(worker, unit):
    report = households_import(
        actor=worker, unit=unit, content=SHEET.encode(), filename="households.csv"
    )
    assert report.written and len(report.registered) == 2 and report.errors == []
    first = Household.objects.get(pk=report.registered[0])
    assert (first.phone, first.members, first.notes) == ("13812345678", 2, "糖尿病")
    assert sorted(first.categories.values_list("category", flat=True)) == [
        "elderly_alone",
        "home_isolation",
    ]


def test_bad_rows_are_named_and_nothing_is_written(worker, unit):
    bad = (
        SHEET
        + "5栋,1单元,501,王奶奶,13812345678,1,独居老人,,是,\n"
        + "6栋,1,601,赵,1390000,1,VIP,,否,\n"
    )
    report = households_import(actor=worker, unit=unit, content=bad.encode(), filename="h.csv")
    assert not report.written and Household.objects.count() == 0
    reasons = dict(report.errors)
    assert "#" in reasons[5]  # the same phone as row 3: a pointer to that household
    assert "VIP" in reasons[6]


def test_outsiders_register_nothing(coordinator, unit):
    report = households_import(
        actor=coordinator, unit=unit, content=SHEET.encode(), filename="h.csv"
    )
    assert not report.written and len(report.errors) == 2


def test_the_command(worker, unit, tmp_path, capsys):
    path = tmp_path / "households.csv"
    path.write_text(SHEET, encoding="utf-8")
    call_command("import_households", str(path), "--unit", unit.code, "--as", "worker", "--dry-run")
    assert Household.objects.count() == 0
    call_command("import_households", str(path), "--unit", unit.code, "--as", "worker")
    assert Household.objects.count() == 2
    with pytest.raises(SystemExit):
        call_command("import_households", str(path), "--unit", unit.code, "--as", "worker")
    assert "row 3" in capsys.readouterr().err
