"""Running an import: check (preview, writes nothing) and execute (one transaction).

`execute` plans again inside the write transaction — stock, the catalogue or earlier imports
may have changed since the preview — and writes only if the fresh plan has no errors (or the
user chose to skip invalid rows). Either the whole import is written, with its
`ImportedRow` fingerprints, or nothing is.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from core.memory import collector_paused
from imports.importers.base import ImportContext, Importer, Plan
from imports.importers.catalogue import ItemImporter, ServedUnitImporter, SiteImporter
from imports.importers.distributions import DistributionImporter
from imports.importers.donations import DonationImporter
from imports.importers.requests import RequestImporter
from imports.models import ImportedRow, ImportKind
from imports.sheets import Sheet
from inventory.services import rollups_last
from inventory.services.bulk_insert import insert_rows

IMPORTERS: dict[str, Callable[[], Importer]] = {
    ImportKind.ITEMS: ItemImporter,
    ImportKind.SITES: SiteImporter,
    ImportKind.SERVED_UNITS: ServedUnitImporter,
    ImportKind.DONATIONS: DonationImporter,
    ImportKind.DISTRIBUTIONS: DistributionImporter,
    ImportKind.REQUESTS: RequestImporter,
}


class ImportRefused(Exception):
    """Some rows are errors and the import is all-or-nothing: nothing was written."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        super().__init__(f"{len(plan.errors)} row(s) with errors")


def importer_for(kind: str) -> Importer:
    return IMPORTERS[kind]()


def _describe(sheet: Sheet) -> str:
    columns = ", ".join(f"{written} → {name}" for name, written in sheet.columns.items())
    return _("Header found on row %(row)d (%(source)s): %(columns)s.") % {
        "row": sheet.header_row,
        "source": sheet.source,
        "columns": columns,
    }


def _attach_cells(plan: Plan, sheet: Sheet) -> None:
    """Each outcome carries its row as written, so the preview shows what was read."""
    cells = {row.number: row.cells for row in sheet.rows}
    for outcome in plan.outcomes:
        outcome.cells = cells.get(outcome.number, [])
    plan.notes.extend(sheet.notes)
    if sheet.date is not None:
        plan.notes.append(
            _("The list's date, %(day)s, was read from row %(row)d (%(where)s).")
            % {"day": sheet.date.day.isoformat(), "row": sheet.date.row, "where": sheet.date.where}
        )


def check(content: bytes, context: ImportContext) -> Plan:
    """Every row's outcome, and the totals, without writing anything."""
    importer = importer_for(context.kind)
    # A big sheet makes hundreds of thousands of small objects and no reference cycles: the
    # cyclic collector would walk them again and again for nothing (see `collector_paused`).
    with collector_paused():
        sheet = importer.read(content, context.file_name)
        plan = importer.plan(sheet, context)
    plan.notes.insert(0, _describe(sheet))
    _attach_cells(plan, sheet)
    return plan


def execute(content: bytes, context: ImportContext) -> Plan:
    """Plan and write in one transaction; `ImportRefused` (and nothing written) if any row is
    an error and `skip_invalid` is off. Needs `context.job_id` to record the rows."""
    importer = importer_for(context.kind)
    with collector_paused():
        # Read before the transaction: on SQLite it holds the database for writers.
        sheet = importer.read(content, context.file_name)
        with transaction.atomic():
            importer.lock(context)
            plan = importer.plan(sheet, context)
            plan.notes.insert(0, _describe(sheet))
            _attach_cells(plan, sheet)
            if plan.errors and not context.options.skip_invalid:
                raise ImportRefused(plan)
            context.stage()  # planned
            # The roll-up lock is taken last, after every other write of the import, so
            # other stock writes at the site wait only for the roll-up and the commit.
            with rollups_last():
                importer.apply(plan, context)
                context.stage()  # written
                _record_rows(plan, context)
            context.stage()  # fingerprints written, roll-up done; the commit is what is left
    return plan


def _record_rows(plan: Plan, context: ImportContext) -> None:
    insert_rows(
        ImportedRow,
        ("job_id", "fingerprint", "row_number", "document_type", "document_id"),
        [
            (
                context.job_id,
                outcome.fingerprint,
                outcome.number,
                outcome.document_type,
                outcome.document_id,
            )
            for outcome in plan.outcomes
            if outcome.applies and outcome.fingerprint is not None
        ],
    )
