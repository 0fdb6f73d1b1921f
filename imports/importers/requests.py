"""Supply requests from a sheet of needs: one row is one request line.

Rows of the same served unit with the same priority, date needed, head count and reason
form one request (`request_create`, and `request_submit` with the submit option). The
same item twice in one request is added up into one line. Only people who may request for
a unit (its community workers, administrators) can import its requests.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from imports.columns import REQUEST_COLUMNS
from imports.importers.base import (
    ERROR,
    MERGED,
    NEW,
    REVIEW,
    SKIPPED,
    ImportContext,
    Importer,
    Plan,
    RowError,
    RowOutcome,
    already_imported,
    fingerprint_rows,
    imported_before,
    skipped,
)
from imports.importers.goods import GoodsLine, read_goods
from imports.matching import ItemDraft, ItemMatcher, UnitMatcher
from imports.models import ImportKind
from imports.normalise import CellError, match_key, parse_date, parse_quantity
from imports.quantities import NeedsReview
from imports.sheets import Sheet, SheetRow
from supply_requests.models import Priority, ServedUnit
from supply_requests.roles import can_request_for
from supply_requests.services import RequestLineInput, request_create, request_submit

_PRIORITY_WORDS = {
    "critical": Priority.CRITICAL,
    "紧急": Priority.CRITICAL,
    "特急": Priority.CRITICAL,
    "非常紧急": Priority.CRITICAL,
    "high": Priority.HIGH,
    "高": Priority.HIGH,
    "较急": Priority.HIGH,
    "急": Priority.HIGH,
    "normal": Priority.NORMAL,
    "普通": Priority.NORMAL,
    "一般": Priority.NORMAL,
    "中": Priority.NORMAL,
    "": Priority.NORMAL,
    "low": Priority.LOW,
    "低": Priority.LOW,
    "不急": Priority.LOW,
}


@dataclass
class Group:
    unit: ServedUnit
    priority: str
    needed_by: date | None
    people_served: int
    reason: str
    lines: dict[int, tuple[GoodsLine, list[RowOutcome]]] = field(default_factory=dict)


class RequestImporter(Importer):
    kind = ImportKind.REQUESTS
    columns = REQUEST_COLUMNS
    required = ("receiver", "item", "quantity")
    data_fields = ("item", "quantity")
    fill_down = ("receiver", "priority", "needed_by", "people_served", "reason")
    join_split = ("receiver",)

    def _read_row(self, row: SheetRow, sheet: Sheet, matcher, units, context) -> tuple:
        unit, candidates = units.match(row.get("receiver"))
        if unit is None:
            if candidates:
                codes = ", ".join(c.code for c in candidates)
                raise RowError(
                    _("“%(name)s” names several served units (%(codes)s): write its code.")
                    % {"name": row.get("receiver"), "codes": codes}
                )
            raise RowError(_("“%(name)s” is not a served unit.") % {"name": row.get("receiver")})
        if not can_request_for(context.actor, unit):
            raise RowError(
                _("You may not act for %(unit)s: it is not one of your served units.")
                % {"unit": unit.name}
            )
        priority = _PRIORITY_WORDS.get(match_key(row.get("priority")))
        if priority is None:
            raise RowError(_("Unknown priority “%(p)s”.") % {"p": row.get("priority")})
        try:
            needed_by = parse_date(row.get("needed_by"))
            people = parse_quantity(row.get("people_served") or "0").value
        except CellError as error:
            raise RowError(str(error)) from None
        if people < 0 or people != people.to_integral_value():
            raise RowError(_("People served must be a whole number, zero or more."))
        if needed_by and needed_by < timezone.localdate():
            raise RowError(_("The date needed is already past."))
        goods = read_goods(row, sheet, matcher, context.options)
        key = (unit.pk, priority, needed_by, int(people), row.get("reason"))
        return key, goods

    def plan(self, sheet: Sheet, context: ImportContext) -> Plan:
        matcher, units = ItemMatcher(), UnitMatcher(None)
        prints = fingerprint_rows(sheet.rows, context.scope)
        known = imported_before(context, prints.values())
        groups: dict[tuple, Group] = {}
        outcomes: list[RowOutcome] = []
        for row in sheet.rows:
            context.tick()
            if row.skip:
                outcomes.append(skipped(row))
                continue
            if prints[row.number] in known:
                message = already_imported(*known[prints[row.number]])
                outcomes.append(RowOutcome(row.number, SKIPPED, message))
                continue
            try:
                key, goods = self._read_row(row, sheet, matcher, units, context)
            except NeedsReview as review:
                outcomes.append(RowOutcome(row.number, REVIEW, review.message))
                continue
            except RowError as error:
                outcomes.append(RowOutcome(row.number, ERROR, str(error)))
                continue
            if isinstance(goods.item, ItemDraft):
                outcomes.append(RowOutcome(row.number, ERROR, _("Request only catalogue items.")))
                continue
            outcome = RowOutcome(row.number, NEW, fingerprint=prints[row.number])
            group = groups.setdefault(key, Group(units.units[key[0]], *key[1:]))
            if goods.item.pk in group.lines:
                first, members = group.lines[goods.item.pk]
                total = first.base.quantity + goods.base.quantity
                group.lines[goods.item.pk] = (
                    GoodsLine(first.item, type(first.base)(quantity=total)),
                    [*members, outcome],
                )
                outcome.status = MERGED
                outcome.message = _("Added to the same item in row %(row)d.") % {
                    "row": members[0].number
                }
            else:
                if group.lines:
                    outcome.status = MERGED
                    first_row = next(iter(group.lines.values()))[1][0].number
                    outcome.message = _("Same request as row %(row)d.") % {"row": first_row}
                group.lines[goods.item.pk] = (goods, [outcome])
            outcome.summary = f"{goods.describe()} — {group.unit.name}"
            outcomes.append(outcome)
        plan = Plan(outcomes=outcomes, payload=groups)
        for group in groups.values():
            for goods, _members in group.lines.values():
                plan.quantities[goods.base_unit] += goods.base.quantity
        return plan

    def apply(self, plan: Plan, context: ImportContext) -> None:
        for group in plan.payload.values():
            request = request_create(
                actor=context.actor,
                served_unit=group.unit,
                lines=[
                    RequestLineInput(item=goods.item, quantity=goods.base.quantity)
                    for goods, _members in group.lines.values()
                ],
                priority=group.priority,
                needed_by=group.needed_by,
                people_served=group.people_served,
                reason=group.reason,
            )
            if context.options.submit:
                request_submit(actor=context.actor, request=request)
            for _goods, members in group.lines.values():
                for outcome in members:
                    outcome.document_type, outcome.document_id = "supply_request", request.pk
                    context.tick()
