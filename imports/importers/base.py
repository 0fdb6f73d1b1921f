"""What every importer shares: the context of an import, row outcomes, the plan (preview),
and row fingerprints.

An importer reads a sheet, then `plan`s it — every row's outcome (new, merged, skipped, held
for review, error) without writing anything — and, confirmed, `apply`s the plan inside the
runner's single transaction. The preview and the import run the same `plan`.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportedRow, RowStatus
from imports.quantities import NeedsReview
from imports.sheets import Sheet, SheetRow, read_sheet
from inventory.models import Organisation, Site

# Row statuses as plain strings: enum member lookups cost a microsecond each, per row.
NEW, MERGED, SKIPPED, REVIEW, ERROR = (
    RowStatus.NEW.value,
    RowStatus.MERGED.value,
    RowStatus.SKIPPED.value,
    RowStatus.REVIEW.value,
    RowStatus.ERROR.value,
)


class NoDate(NeedsReview):
    """The row is held because the sheet gives no date: the preview asks for one."""


class RowError(ValueError):
    """A row that cannot be imported, with the reason shown next to its row number."""


@dataclass(frozen=True)
class ImportOptions:
    create_missing_items: bool = False
    create_missing_receivers: bool = False
    skip_invalid: bool = False
    submit: bool = False  # requests: submit them to the coordinators, not leave them drafts
    received_on: date | None = None  # donations whose sheet has no date column
    # Row number (as text) → how a person fixed a held row in the preview (`imports.fixes`).
    fixes: Mapping = field(default_factory=dict)

    def as_json(self) -> dict:
        values = dict(self.__dict__)
        values["received_on"] = self.received_on.isoformat() if self.received_on else None
        return values

    @classmethod
    def from_json(cls, values: Mapping) -> "ImportOptions":
        values = dict(values)
        if values.get("received_on"):
            values["received_on"] = date.fromisoformat(values["received_on"])
        return cls(**values)


@dataclass
class ImportContext:
    actor: AbstractBaseUser
    kind: str
    organisation: Organisation | None = None
    site: Site | None = None
    options: ImportOptions = ImportOptions()
    file_name: str = ""
    job_id: int | None = None
    tick: Callable[[], None] = lambda: None  # called once per row planned and per row written
    # The end of a stage of the import (planned, written), or with a fraction (0–1) how much
    # of the current stage a bulk write has done: the progress bar follows the work.
    stage: Callable[..., None] = lambda fraction=None: None
    today: date = field(default_factory=timezone.localdate)

    @property
    def scope(self) -> str:
        """What a row fingerprint is unique within: the same row may be imported once into
        each site of each organisation."""
        organisation = self.organisation.code if self.organisation else ""
        site = self.site.code if self.site else ""
        return f"{self.kind}:{organisation}:{site}"


@dataclass(slots=True)
class RowOutcome:
    number: int
    status: str
    message: str = ""
    summary: str = ""
    fingerprint: int | None = None
    document_type: str = ""
    document_id: int | None = None

    @property
    def applies(self) -> bool:
        return self.status == NEW or self.status == MERGED

    cells: list[str] = field(default_factory=list)
    offers: dict = field(default_factory=dict)  # the fixes the preview offers for this row

    def as_list(self) -> list:
        return [self.number, self.status, self.message, self.summary, self.cells, self.offers]


@dataclass
class Plan:
    outcomes: list[RowOutcome]
    quantities: Counter = field(default_factory=Counter)  # base unit → total written
    notes: list[str] = field(default_factory=list)
    payload: object = None
    asks_date: bool = False  # rows are held until someone gives the list's date

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def errors(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == ERROR]

    def totals(self) -> dict:
        return {
            "rows": len(self.outcomes),
            **{status: self.count(status) for status in RowStatus.values},
            "quantities": dict(sorted(self.quantities.items())),
            "notes": self.notes,
            "asks_date": self.asks_date,
        }


class Importer:
    """One kind of import. Subclasses set the columns and write `plan` and `apply`."""

    kind: str
    columns: Mapping[str, Sequence[str]]
    required: Sequence[str]
    data_fields: Sequence[str]
    fill_down: Sequence[str] = ()
    join_split: Sequence[str] = ()
    needs_site = False

    def read(self, content: bytes, file_name: str) -> Sheet:
        return read_sheet(
            content,
            file_name,
            columns=self.columns,
            required=self.required,
            data_fields=self.data_fields,
            fill_down=self.fill_down,
            join_split=self.join_split,
        )

    def lock(self, context: ImportContext) -> None:
        """Lock what `plan` reads before the write transaction plans again (if anything)."""

    def plan(self, sheet: Sheet, context: ImportContext) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, context: ImportContext) -> None:
        raise NotImplementedError


def fingerprint_rows(
    rows: Iterable[SheetRow], scope: str, key: Callable[[SheetRow], int] | None = None
) -> dict[int, int]:
    """Row number → fingerprint of its normalised content in `scope`. Identical rows of one
    file are told apart by their occurrence ("the second 100 masks from 壹基金"), so a sheet
    that repeats a line on purpose keeps both, and a re-import still recognises each."""
    seen: Counter = Counter()
    prints = {}
    names: list[str] | None = None
    for row in rows:
        if row.skip:
            continue
        if names is None or len(names) != len(row.values):
            names = sorted(row.values)  # every row of a sheet has the same columns
        content = "\x1f".join([row.values[name] for name in names])
        base = hashlib.sha256(f"{scope}\x1e{content}".encode()).digest()
        seen[base] += 1
        digest = hashlib.sha256(base + seen[base].to_bytes(4, "big")).digest()
        prints[key(row) if key else row.number] = int.from_bytes(digest[:8], "big", signed=True)
    return prints


def imported_before(
    context: ImportContext, fingerprints: Iterable[int]
) -> dict[int, tuple[int, int]]:
    """Fingerprint → (job id, row number) of the rows already imported into this place."""
    found: dict[int, tuple[int, int]] = {}
    earlier = ImportedRow.objects.filter(
        job__kind=context.kind, job__organisation=context.organisation, job__site=context.site
    )
    if not earlier.exists():
        return found  # the first import of its kind here: no row to look up
    values = list(fingerprints)
    for start in range(0, len(values), 10_000):
        for fingerprint, job_id, number in ImportedRow.objects.filter(
            fingerprint__in=values[start : start + 10_000]
        ).values_list("fingerprint", "job_id", "row_number"):
            found[fingerprint] = (job_id, number)
    return found


def sheet_day(sheet: Sheet) -> date | None:
    return sheet.date.day if sheet.date else None


def dated_scope(context: ImportContext, sheet: Sheet) -> str:
    """Fingerprints are unique per place *and* per list date: the same line on another
    day's list (no date column, the date in its title) is another delivery, not a repeat."""
    day = context.options.received_on or sheet_day(sheet)
    return f"{context.scope}:{day.isoformat()}" if day else context.scope


def posting_moment(day: date, context: ImportContext) -> datetime:
    """When goods of `day` are posted in the ledger: now for today, else noon that day."""
    if day >= context.today:
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


def formula_message(row: SheetRow) -> str:
    return _(
        "Not imported yet: %(cells)s is a formula; its stored value was read. Check the "
        "value, type it in as text and import again."
    ) % {"cells": ", ".join(row.formulas)}


def already_imported(job_id: int, number: int) -> str:
    return _("Already imported (import #%(job)d, row %(row)d).") % {"job": job_id, "row": number}


def skipped(row: SheetRow) -> RowOutcome:
    return RowOutcome(row.number, SKIPPED, row.skip)


def length_checked(text: str, limit: int, what: object) -> str:
    """`what` may be lazy: it is only translated when the text is too long."""
    if len(text) > limit:
        raise RowError(
            _("The %(what)s is longer than %(limit)d characters.") % {"what": what, "limit": limit}
        )
    return text
