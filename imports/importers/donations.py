"""Donations received: one sheet row is one donation line.

Rows with the same donor, date and reference form one donation (merged cells in the donor
column make exactly that). Stock enters only through `donation_receive_bulk`, which posts
`donation_receive`'s lots, receipts and balances for all of them in the one transaction.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.columns import DONATION_COLUMNS
from imports.importers.base import (
    ERROR,
    MERGED,
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
    length_checked,
    posting_moment,
    sheet_day,
    skipped,
)
from imports.importers.goods import (
    GoodsLine,
    read_goods,
    read_split_goods,
    real_item,
    save_drafts,
)
from imports.matching import ItemDraft, ItemMatcher
from imports.models import ImportKind
from imports.normalise import CellError, match_key, parse_date
from imports.quantities import NeedsReview
from imports.sheets import Sheet, SheetRow
from inventory.models import Donation
from inventory.services import DonationInput, DonationLineInput, donation_receive_bulk

_DONOR, _REFERENCE, _BATCH = (
    gettext_lazy("donor name"),
    gettext_lazy("reference"),
    gettext_lazy("batch"),
)


@dataclass
class Entry:
    outcome: RowOutcome
    goods: GoodsLine
    batch: str
    expiry: date | None
    note: str


@dataclass
class Group:
    donor: str
    received_at: date
    reference: str
    entries: list[Entry] = field(default_factory=list)


class DonationImporter(Importer):
    kind = ImportKind.DONATIONS
    columns = DONATION_COLUMNS
    required = ("item", "quantity")
    data_fields = ("item", "quantity")
    fill_down = ("donor", "date", "reference")
    join_split = ("donor",)
    needs_site = True

    def _read_row(
        self, row: SheetRow, sheet: Sheet, matcher: ItemMatcher, context: ImportContext
    ) -> tuple[tuple, list[Entry]]:
        donor = length_checked(row.get("donor"), 200, _DONOR)
        if not donor:
            raise RowError(_("Name the donor."))
        try:
            received_at = parse_date(row.get("date"))
            expiry = parse_date(row.get("expiry"), month_end=True)
        except CellError as error:
            raise RowError(str(error)) from None
        received_at = received_at or context.options.received_on or sheet_day(sheet)
        if received_at is None:
            raise NoDate(
                _(
                    "Not imported yet: the sheet gives no date (no date column, none in its "
                    "title or footer). Give the date the goods were received and check again."
                )
            )
        if received_at > context.today:
            raise RowError(_("The received date cannot be in the future."))
        reference = length_checked(row.get("reference"), 100, _REFERENCE)
        batch = length_checked(row.get("batch"), 60, _BATCH)
        if row.formulas:
            raise NeedsReview(formula_message(row))
        fix = context.options.fixes.get(str(row.number), {})
        if fix.get("split"):
            lines = read_split_goods(row, sheet, matcher, context.options)
        else:
            lines = [read_goods(row, sheet, matcher, context.options, fix)]
        if row.hold:
            raise NeedsReview(row.hold)
        for goods in lines:
            if len(goods.base.pack_name) > 20:
                raise RowError(
                    _("The unit “%(unit)s” is too long.") % {"unit": goods.base.pack_name}
                )
        outcome = RowOutcome(row.number, NEW, offers=lines[0].offers)
        if fix:
            outcome.message = _("Fixed in the preview.")
        entries = [Entry(outcome, goods, batch, expiry, row.get("note")) for goods in lines]
        return (match_key(donor), received_at, reference), entries

    def plan(self, sheet: Sheet, context: ImportContext) -> Plan:
        matcher = ItemMatcher()
        prints = fingerprint_rows(sheet.rows, dated_scope(context, sheet))
        known = imported_before(context, prints.values())
        groups: dict[tuple, Group] = {}
        outcomes: list[RowOutcome] = []
        asks_date = False
        same_donation = _("Same donation as row %(row)d.")
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
                key, entries = self._read_row(row, sheet, matcher, context)
            except NeedsReview as review:
                outcomes.append(
                    RowOutcome(row.number, REVIEW, review.message, offers=review.offers)
                )
                asks_date = asks_date or isinstance(review, NoDate)
                continue
            except RowError as error:
                outcomes.append(RowOutcome(row.number, ERROR, str(error)))
                continue
            outcome = entries[0].outcome  # a split cell: several lines, one row
            outcome.fingerprint = prints[row.number]
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(row.get("donor"), key[1], key[2])
            words = [outcome.message]
            if group.entries:
                outcome.status = MERGED
                words.append(same_donation % {"row": group.entries[0].outcome.number})
            for entry in entries:
                if isinstance(entry.goods.item, ItemDraft):
                    words.append(new_item_message(entry.goods.item))
                words.append(entry.goods.warning)
            outcome.message = " ".join(dict.fromkeys(filter(None, words)))
            outcome.summary = "; ".join(
                f"{entry.goods.describe()} — {group.donor}, {key[1]}" for entry in entries
            )
            group.entries.extend(entries)
            outcomes.append(outcome)
        self._refuse_recorded_references(groups, context)
        plan = Plan(outcomes=outcomes, payload=(groups, matcher), asks_date=asks_date)
        for group in groups.values():
            for entry in group.entries:
                if entry.outcome.applies:
                    plan.quantities[entry.goods.base_unit] += entry.goods.base.quantity
        return plan

    def _refuse_recorded_references(self, groups: dict[tuple, Group], context) -> None:
        references = {group.reference for group in groups.values() if group.reference}
        if not references:
            return
        taken = dict(
            Donation.objects.filter(
                organisation=context.organisation, reference__in=references
            ).values_list("reference", "pk")
        )
        for group in groups.values():
            if group.reference in taken:
                for entry in group.entries:
                    entry.outcome.status = ERROR
                    entry.outcome.message = _(
                        "Donation reference %(ref)s is already recorded (donation #%(id)d)."
                    ) % {"ref": group.reference, "id": taken[group.reference]}

    def apply(self, plan: Plan, context: ImportContext) -> None:
        groups, matcher = plan.payload
        to_post = []
        for group in groups.values():
            entries = [entry for entry in group.entries if entry.outcome.applies]
            if entries:
                to_post.append((group, entries))
        save_drafts(
            matcher,
            {
                entry.goods.item.name
                for _group, entries in to_post
                for entry in entries
                if isinstance(entry.goods.item, ItemDraft)
            },
        )
        source = _("Imported from %(file)s, rows %(rows)s")
        # Posted at the date the goods arrived, so the movements and the daily roll-up say
        # when they came (a back-dated receipt moves the later days' on-hand too).
        inputs = [
            DonationInput(
                donor=group.donor,
                received_at=group.received_at,
                reference=group.reference,
                note=donation_note(source, context, entries),
                lines=[donation_line(entry) for entry in entries],
                occurred_at=posting_moment(group.received_at, context),
            )
            for group, entries in to_post
        ]
        # The bulk write is most of this stage: its steps move the bar (planned → written).
        received = donation_receive_bulk(
            actor=context.actor, site=context.site, donations=inputs, progress=context.stage
        )
        posted = zip(to_post, received, strict=True)
        for (_group, entries), result in posted:
            for entry, line_id in zip(entries, result.line_ids, strict=True):
                entry.outcome.document_type, entry.outcome.document_id = "donation_line", line_id
                context.tick()


def donation_line(entry: Entry) -> DonationLineInput:
    base = entry.goods.base
    item = real_item(entry.goods.item)
    if base.pack_count:
        return DonationLineInput(
            item=item,
            quantity=base.pack_count,
            pack_name=base.pack_name,
            pack_size=base.pack_size,
            batch=entry.batch,
            expiry=entry.expiry,
        )
    return DonationLineInput(
        item=item, quantity=base.quantity, batch=entry.batch, expiry=entry.expiry
    )


def donation_note(source: str, context: ImportContext, entries: list[Entry]) -> str:
    """The sheet's notes and specs, and where the donation came from ("Imported from x.xlsx,
    rows…"): the spec (size, strength, model, batch) stays with the goods it describes."""
    notes = list(dict.fromkeys(entry.note for entry in entries if entry.note))
    notes += [
        _("Row %(row)d, %(item)s: %(spec)s")
        % {"row": entry.outcome.number, "item": entry.goods.name, "spec": entry.goods.spec}
        for entry in entries
        if entry.goods.spec
    ][:50]
    rows = ", ".join(str(entry.outcome.number) for entry in entries[:20])
    source = source % {"file": context.file_name, "rows": rows}
    return "\n".join([*notes, source + ("…" if len(entries) > 20 else "")])


def new_item_message(draft: ItemDraft) -> str:
    return _(
        "New item: category guessed as %(category)s, counted in %(unit)s (%(why)s); "
        "confirm both in the catalogue (needs review)."
    ) % {"category": draft.category, "unit": draft.base_unit, "why": draft.base_reason}
