"""Issue 20: a community's household list from a spreadsheet (.xlsx, .xls, .ods, CSV),
read with the framework's sheet reader (header found below titles, Chinese or English
headers, merged cells) and registered through `households.services` — so consent,
de-duplication, the community's own workers only and encryption at rest all hold.

All rows or none: one transaction; a row that cannot be registered is reported with its row
number and reason, and nothing is written unless `skip_invalid`. (Not yet a kind of the
upload page's preview-and-confirm jobs: this is the command `import_households`.)"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from households.models import Category
from households.services import HouseholdInput, household_register
from imports.sheets import read_sheet
from inventory.permissions import User
from supply_requests.models import ServedUnit

COLUMNS = {
    "building": ("楼栋", "楼号", "栋", "building"),
    "unit_no": ("单元", "unit"),
    "room": ("房号", "门牌号", "室", "room"),
    "address": ("地址", "住址", "address"),
    "contact_name": ("联系人", "姓名", "户主", "contact", "name"),
    "phone": ("电话", "联系电话", "手机", "phone", "mobile"),
    "members": ("人数", "家庭人数", "members"),
    "categories": ("类别", "人员类别", "categories", "category"),
    "isolation_from": ("隔离开始", "隔离开始日期", "isolation from"),
    "isolation_until": ("隔离结束", "隔离结束日期", "解除隔离日期", "isolation until"),
    "notes": ("备注", "饮食或医疗备注", "notes"),
    "consent": ("同意登记", "是否同意", "consent"),
}
ALIASES = {
    "低保": Category.LOW_INCOME,
    "低收": Category.LOW_INCOME,
    "低收入": Category.LOW_INCOME,
    "独居": Category.ELDERLY_ALONE,
    "居家隔离": Category.HOME_ISOLATION,
    "居家观察": Category.HOME_ISOLATION,
    "居家留观": Category.HOME_ISOLATION,
    "残疾人": Category.DISABILITY,
    "孕妇": Category.PREGNANCY,
}
YES = {"是", "同意", "yes", "y", "true", "1", "√", "✓"}


class Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a sheet with errors."""


@dataclass
class HouseholdImportReport:
    registered: list[int] = field(default_factory=list)  # household ids
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    written: bool = False


def _category_codes(text: str) -> tuple[str, ...]:
    by_name = {}
    for value, label in Category.choices:
        by_name[value] = value
        by_name[str(label).casefold()] = value
        by_name[_(str(label)).casefold()] = value
    codes, unknown = [], []
    # Common short names on community lists (低保 for the low-income label, 独居 …).
    by_name.update(ALIASES)
    for part in re.split(r"[,，、;；\s]+", text.strip()):
        if not part:
            continue
        code = by_name.get(part.casefold())
        (codes if code else unknown).append(code or part)
    if unknown:
        raise ValueError(_("Unknown categories: %(names)s.") % {"names": "、".join(unknown)})
    return tuple(dict.fromkeys(codes))


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    found = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", text)
    if not found:
        raise ValueError(_("“%(text)s” is not a date (use 2020-02-14).") % {"text": text})
    return date(*map(int, found.groups()))


def _members(text: str) -> int:
    digits = re.sub(r"\D", "", text.translate({0xFF10 + i: 0x30 + i for i in range(10)}))
    return int(digits) if digits else 1


def households_import(
    *,
    actor: User,
    unit: ServedUnit,
    content: bytes,
    filename: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> HouseholdImportReport:
    sheet = read_sheet(
        content,
        filename,
        columns=COLUMNS,
        required=("contact_name",),
        data_fields=tuple(COLUMNS),
    )
    report = HouseholdImportReport()
    try:
        with transaction.atomic():
            for row in sheet.data_rows:
                try:
                    with transaction.atomic():
                        data = HouseholdInput(
                            contact_name=row.get("contact_name"),
                            phone=row.get("phone"),
                            building=row.get("building") or row.get("address"),
                            unit_no=row.get("unit_no"),
                            room=row.get("room"),
                            members=_members(row.get("members")),
                            categories=_category_codes(row.get("categories")),
                            isolation_from=_date(row.get("isolation_from")),
                            isolation_until=_date(row.get("isolation_until")),
                            notes=row.get("notes"),
                            consent=row.get("consent").strip().casefold() in YES,
                        )
                        household = household_register(actor=actor, served_unit=unit, data=data)
                    report.registered.append(household.pk)
                except (DomainError, ValueError) as error:
                    report.errors.append((row.number, getattr(error, "message", str(error))))
            if dry_run or (report.errors and not skip_invalid):
                raise Rollback
    except Rollback:
        report.registered = [] if not dry_run else report.registered
        return report
    report.written = True
    return report
