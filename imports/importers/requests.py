"""Supply requests from a sheet of needs: one row is one request line.

Rows of the same served unit with the same priority, date needed, head count and reason
form one request (`request_create`, and `request_submit` with the submit option). The
same item twice in one request is added up into one line. Only people who may request for
a unit (its community workers, administrators) can import its requests.
"""

from dataclasses import dataclass, field, replace
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
from imports.sheets import HEADER_SEARCH_ROWS, Sheet, SheetError, SheetRow
from imports.workbook import read_grids
from supply_requests.models import Priority, ServedUnit
from supply_requests.roles import can_coordinate, can_request_for
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


# "Quantity unknown" as needs lists write it: the approver decides how much.
UNKNOWN_QUANTITY = frozenset({"", "不详", "未知", "若干", "待定", "?", "不限", "n/a", "-"})
_FLAG = frozenset({"1", "✓", "✔", "√", "是", "需要", "x", "yes", "y"})
_NO_FLAG = frozenset({"", "0", "否", "无", "不需要", "no", "n", "×"})


def _needs_matrix(content: bytes, file_name: str) -> Sheet:
    """A needs list as a matrix — one row per unit, one column per item, a flag (1, ✓) or a
    number in the cells — read as one `SheetRow` per flagged cell: receiver, item and the
    quantity ("" = unknown)."""
    grids, source = read_grids(content, file_name)
    receivers = {match_key(alias) for alias in REQUEST_COLUMNS["receiver"]}
    places = {match_key(alias) for alias in REQUEST_COLUMNS["place"]}
    for grid in grids:
        for index, header in enumerate(grid.cells[:HEADER_SEARCH_ROWS]):
            keys = [match_key(cell) for cell in header]
            receiver_col = next((c for c, key in enumerate(keys) if key in receivers), None)
            if receiver_col is None:
                continue
            place_col = next((c for c, key in enumerate(keys) if key in places), None)
            item_cols = [
                c
                for c, cell in enumerate(header)
                if cell and c not in (receiver_col, place_col) and match_key(cell) not in _SERIAL
            ]
            if not item_cols:
                continue
            rows: list[SheetRow] = []
            current = ""
            for offset, cells in enumerate(grid.cells[index + 1 :]):
                number = index + offset + 2
                if not any(cells):
                    continue
                receiver = cells[receiver_col] if receiver_col < len(cells) else ""
                current = receiver or current
                place = cells[place_col] if place_col is not None and place_col < len(cells) else ""
                trimmed = [cell for cell in cells]
                for col in item_cols:
                    flag = cells[col] if col < len(cells) else ""
                    key = match_key(flag)
                    if key in _NO_FLAG:
                        continue
                    quantity = "" if key in _FLAG or key in UNKNOWN_QUANTITY else flag
                    values = {
                        "receiver": current,
                        "place": place,
                        "item": header[col],
                        "quantity": quantity,
                    }
                    rows.append(SheetRow(number, values, cells=trimmed))
            return Sheet(
                rows=rows,
                columns={"receiver": header[receiver_col]},
                header_row=index + 1,
                unit_hints={},
                source=source,
            )
    raise SheetError(_("No needs list found: name the units in a column such as 需求单位."))


_SERIAL = frozenset({"序号", "no", "no.", "编号", "备注", "联系人", "联系电话", "电话", "地址"})


class RequestImporter(Importer):
    kind = ImportKind.REQUESTS
    columns = REQUEST_COLUMNS
    required = ("receiver", "item")
    data_fields = ("item",)
    fill_down = ("receiver", "place", "priority", "needed_by", "people_served", "reason")
    join_split = ("receiver",)

    def read(self, content: bytes, file_name: str) -> Sheet:
        try:
            return super().read(content, file_name)
        except SheetError:
            return _needs_matrix(content, file_name)

    def _goods(self, row: SheetRow, sheet: Sheet, matcher: ItemMatcher, context) -> GoodsLine:
        """The line's item and quantity; "quantity unknown" (blank, 不详, 若干, ✓…) is a line
        without a quantity, for the approver to decide."""
        text = row.get("quantity")
        if match_key(text) not in UNKNOWN_QUANTITY and match_key(text) not in _FLAG:
            return read_goods(row, sheet, matcher, context.options)
        name = row.get("item")
        item = matcher.match_alternatives(name) if name else None
        if item is None:
            suggestions = matcher.suggest(name) if name else []
            raise RowError(
                _("“%(name)s” is not in the catalogue. Closest: %(names)s.")
                % {"name": name, "names": ", ".join(suggestions) or "—"}
            )
        return GoodsLine(item=item, base=None, spec=row.get("spec"))

    def _read_row(self, row: SheetRow, sheet: Sheet, matcher, units, context) -> tuple:
        unit, candidates = units.match(row.get("receiver"), row.get("place"))
        if unit is None:
            if candidates:
                codes = ", ".join(c.code for c in candidates)
                raise RowError(
                    _("“%(name)s” names several served units (%(codes)s): write its code.")
                    % {"name": row.get("receiver"), "codes": codes}
                )
            raise RowError(_("“%(name)s” is not a served unit.") % {"name": row.get("receiver")})
        if not (can_request_for(context.actor, unit) or can_coordinate(context.actor, unit)):
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
        if row.get("item") and matcher.match(row.get("item")) is None:
            alternative = matcher.match_alternatives(row.get("item"))
            if alternative is not None:
                row.values["item"] = alternative.name_zh
        goods = self._goods(row, sheet, matcher, context)
        goods = replace(goods, spec=" · ".join(filter(None, [row.get("spec"), row.get("note")])))
        key = (unit.pk, priority, needed_by, int(people), row.get("reason"))
        return key, goods

    def plan(self, sheet: Sheet, context: ImportContext) -> Plan:
        matcher, units = ItemMatcher(), UnitMatcher(None)
        prints = fingerprint_rows(sheet.rows, context.scope, key=id)
        known = imported_before(context, prints.values())
        groups: dict[tuple, Group] = {}
        outcomes: list[RowOutcome] = []
        for row in sheet.rows:
            context.tick()
            if row.skip:
                outcomes.append(skipped(row))
                continue
            if prints[id(row)] in known:
                message = already_imported(*known[prints[id(row)]])
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
            outcome = RowOutcome(row.number, NEW, fingerprint=prints[id(row)])
            group = groups.setdefault(key, Group(units.units[key[0]], *key[1:]))
            if goods.item.pk in group.lines and (
                goods.base is None or group.lines[goods.item.pk][0].base is None
            ):
                outcome.status = ERROR
                outcome.message = _("The same item twice in one request, once without a quantity.")
                outcomes.append(outcome)
                continue
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
            if goods.base is None:
                outcome.summary = _("%(item)s, quantity unknown — %(unit)s") % {
                    "item": goods.name,
                    "unit": group.unit.name,
                }
            else:
                outcome.summary = f"{goods.describe()} — {group.unit.name}"
            outcomes.append(outcome)
        plan = Plan(outcomes=outcomes, payload=groups)
        for group in groups.values():
            for goods, _members in group.lines.values():
                if goods.base is not None:
                    plan.quantities[goods.base_unit] += goods.base.quantity
        return plan

    def apply(self, plan: Plan, context: ImportContext) -> None:
        for group in plan.payload.values():
            request = request_create(
                actor=context.actor,
                served_unit=group.unit,
                lines=[
                    RequestLineInput(
                        item=goods.item,
                        quantity=goods.base.quantity if goods.base is not None else None,
                        note=line_note(goods, members),
                    )
                    for goods, members in group.lines.values()
                ],
                on_behalf=True,
                priority=group.priority,
                needed_by=group.needed_by,
                people_served=group.people_served,
                reason=group.reason,
            )
            if context.options.submit:
                request_submit(actor=context.actor, request=request, on_behalf=True)
            for _goods, members in group.lines.values():
                for outcome in members:
                    outcome.document_type, outcome.document_id = "supply_request", request.pk
                    context.tick()


def line_note(goods: GoodsLine, members: list[RowOutcome]) -> str:
    """The spec/standard and the remark stay on the line (sizes, models, "for the ICU")."""
    return goods.spec[:200]
