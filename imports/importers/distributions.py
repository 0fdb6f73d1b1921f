"""Historical distributions: goods already handed to named receivers before the tracker.

Those goods left the site, so each row becomes dispatch movements in the ledger
(`stock_dispatch`, first-expiry-first-out over the site's lots, from unreserved stock only),
with `document_type="historical_distribution"` and `document_id` = the receiving served
unit: the donor traceability report follows them like shipments. A row whose goods are not
in stock is an error — the import never invents stock to give away.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from imports.columns import DISTRIBUTION_COLUMNS
from imports.importers.base import (
    ERROR,
    NEW,
    REVIEW,
    SKIPPED,
    ImportContext,
    Importer,
    NoDate,
    Plan,
    RowError,
    RowOutcome,
    already_imported,
    dated_scope,
    fingerprint_rows,
    formula_message,
    imported_before,
    posting_moment,
    sheet_day,
    skipped,
)
from imports.importers.goods import GoodsLine, read_goods, save_drafts
from imports.matching import ItemDraft, ItemMatcher, UnitMatcher, new_code
from imports.models import ImportKind
from imports.normalise import CellError, match_key, parse_date
from imports.quantities import NeedsReview
from imports.sheets import Sheet, SheetRow
from inventory.models import Item, StockBalance
from inventory.services import stock_dispatch
from inventory.services.ledger import fefo
from supply_requests.models import ServedUnit, ServedUnitKind

DOCUMENT_TYPE = "historical_distribution"
# Receivers an import creates carry this code prefix, so staff can list and review them.
REVIEW_PREFIX = "review"


@dataclass
class ReceiverDraft:
    name: str
    saved: ServedUnit | None = None


@dataclass
class Entry:
    outcome: RowOutcome
    receiver: ServedUnit | ReceiverDraft
    goods: GoodsLine
    occurred_at: datetime | None
    takes: list[tuple[StockBalance, int]]


class DistributionImporter(Importer):
    kind = ImportKind.DISTRIBUTIONS
    columns = DISTRIBUTION_COLUMNS
    required = ("receiver", "item", "quantity")
    data_fields = ("item", "quantity")
    fill_down = ("receiver", "date")
    join_split = ("receiver",)
    needs_site = True

    def lock(self, context: ImportContext) -> None:
        # Every balance of the site, in (site, lot) order like `lock_balances`, so no other
        # dispatch can take the stock this plan counts on, and no two lockers deadlock.
        list(
            StockBalance.objects.select_for_update(of=("self",), no_key=True)
            .filter(site=context.site)
            .order_by("site_id", "lot_id")
            .values_list("pk", flat=True)
        )

    def _receiver(self, name: str, units: UnitMatcher, drafts: dict, context: ImportContext):
        unit, candidates = units.match(name)
        if unit is not None:
            return unit
        if candidates:
            raise RowError(
                _("“%(name)s” names several served units (%(codes)s): write its code.")
                % {"name": name, "codes": ", ".join(c.code for c in candidates)}
            )
        if context.options.create_missing_receivers:
            return drafts.setdefault(match_key(name), ReceiverDraft(name))
        suggestions = units.suggest(name)
        if suggestions:
            raise RowError(
                _("“%(name)s” is not a served unit. Closest: %(names)s.")
                % {"name": name, "names": ", ".join(suggestions)}
            )
        raise RowError(_("“%(name)s” is not a served unit.") % {"name": name})

    def _take(self, goods: GoodsLine, shelves: dict, item_name: str) -> list:
        """FEFO lots for the row from what earlier rows left; refuses a shortfall."""
        needed = goods.base.quantity
        balances = shelves.get(goods.item.pk, []) if isinstance(goods.item, Item) else []
        available = sum(free for _balance, free in balances)
        if available < needed:
            raise RowError(
                _("Only %(available)d %(unit)s of %(item)s are available here; %(needed)d given.")
                % {
                    "available": available,
                    "unit": goods.base_unit,
                    "item": item_name,
                    "needed": needed,
                }
            )
        takes = []
        for index, (balance, free) in enumerate(balances):
            if needed == 0:
                break
            take = min(free, needed)
            if take:
                takes.append((balance, take))
                balances[index] = (balance, free - take)
                needed -= take
        return takes

    def _read_row(self, row: SheetRow, sheet, state, context) -> Entry:
        matcher, units, drafts, shelves = state
        receiver = self._receiver(row.get("receiver"), units, drafts, context)
        try:
            day = parse_date(row.get("date"))
        except CellError as error:
            raise RowError(str(error)) from None
        day = day or context.options.received_on or sheet_day(sheet)
        if day is None:
            raise NoDate(
                _(
                    "Not imported yet: the sheet gives no date (no date column, none in its "
                    "title or footer). Give the date the goods were handed out and check again."
                )
            )
        if day > timezone.localdate():
            raise RowError(_("The distribution date cannot be in the future."))
        occurred_at = posting_moment(day, context)
        if row.formulas:
            raise NeedsReview(formula_message(row))
        goods = read_goods(row, sheet, matcher, context.options)
        if row.hold:
            raise NeedsReview(row.hold)
        takes = self._take(goods, shelves, goods.name)
        return Entry(RowOutcome(row.number, NEW), receiver, goods, occurred_at, takes)

    def plan(self, sheet: Sheet, context: ImportContext) -> Plan:
        matcher = ItemMatcher()
        units = UnitMatcher(context.organisation.pk if context.organisation else None)
        shelves: dict[int, list] = defaultdict(list)
        balances = StockBalance.objects.filter(site=context.site).select_related("lot")
        for balance in fefo(balances):
            if balance.available > 0:
                shelves[balance.item_id].append((balance, balance.available))
        state = (matcher, units, {}, shelves)
        prints = fingerprint_rows(sheet.rows, dated_scope(context, sheet))
        known = imported_before(context, prints.values())
        outcomes, entries = [], []
        asks_date = False
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
                entry = self._read_row(row, sheet, state, context)
            except NeedsReview as review:
                outcomes.append(RowOutcome(row.number, REVIEW, review.message))
                asks_date = asks_date or isinstance(review, NoDate)
                continue
            except RowError as error:
                outcomes.append(RowOutcome(row.number, ERROR, str(error)))
                continue
            entry.outcome.fingerprint = prints[row.number]
            receiver = entry.receiver
            name = receiver.name
            if isinstance(receiver, ReceiverDraft):
                entry.outcome.message = _("New receiver (kind “other”, code %(code)s…).") % {
                    "code": REVIEW_PREFIX
                }
            if entry.goods.warning:
                entry.outcome.message = " ".join(
                    filter(None, [entry.outcome.message, entry.goods.warning])
                )
            entry.outcome.summary = f"{entry.goods.describe()} → {name}"
            entries.append(entry)
            outcomes.append(entry.outcome)
        plan = Plan(outcomes=outcomes, payload=(entries, matcher), asks_date=asks_date)
        for entry in entries:
            plan.quantities[entry.goods.base_unit] += entry.goods.base.quantity
        return plan

    def apply(self, plan: Plan, context: ImportContext) -> None:
        entries, matcher = plan.payload
        entries = [entry for entry in entries if entry.outcome.applies]
        save_drafts(
            matcher, {e.goods.item.name for e in entries if isinstance(e.goods.item, ItemDraft)}
        )
        # Only receivers that a row being written names: an invalid row creates nobody.
        for draft in {id(e.receiver): e.receiver for e in entries}.values():
            if isinstance(draft, ReceiverDraft) and draft.saved is None:
                draft.saved = _create_receiver(draft.name, context)
        for entry in entries:
            receiver = entry.receiver
            unit = receiver.saved if isinstance(receiver, ReceiverDraft) else receiver
            reason = _("Distributed to %(unit)s before the tracker (%(file)s, row %(row)d)") % {
                "unit": unit.name,
                "file": context.file_name,
                "row": entry.outcome.number,
            }
            first = None
            for balance, quantity in entry.takes:
                movement = stock_dispatch(
                    actor=context.actor,
                    site=context.site,
                    lot=balance.lot,
                    quantity=quantity,
                    from_reserved=False,
                    document_type=DOCUMENT_TYPE,
                    document_id=unit.pk,
                    reason=reason,
                    occurred_at=entry.occurred_at,
                )
                first = first or movement
            entry.outcome.document_type, entry.outcome.document_id = "stock_movement", first.pk
            context.tick()


def _create_receiver(name: str, context: ImportContext) -> ServedUnit:
    unit, _created = ServedUnit.objects.get_or_create(
        code=new_code(REVIEW_PREFIX, name),
        defaults={"name": name[:200], "kind": ServedUnitKind.OTHER},
    )
    if context.organisation is not None:
        unit.organisations.add(context.organisation)
    return unit
