"""The catalogue, sites and served units: imported through their django-import-export
resources — the same code path as the admin import — after the real-sheet reading.

The sheet's columns are renamed to the resource's, missing codes are found by name (or
made from it), categories guessed, "200个/箱" specs turned into packs, parents given by name
turned into codes. The resource's dry run is the preview; the confirmed import runs the
resource for real inside the runner's transaction.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult
from tablib import Dataset

from imports.columns import ITEM_COLUMNS, SERVED_UNIT_COLUMNS, SITE_COLUMNS
from imports.importers.base import (
    ERROR,
    MERGED,
    NEW,
    SKIPPED,
    ImportContext,
    Importer,
    Plan,
    RowOutcome,
    skipped,
)
from imports.matching import ItemMatcher, UnitMatcher, guess_category, new_code
from imports.models import ImportKind
from imports.normalise import match_key, parse_pack_spec, same_unit
from imports.sheets import Sheet, SheetRow
from inventory.models import ItemCategory, Site
from inventory.permissions import may_curate_catalogue
from inventory.resources import ItemResource, SiteResource
from supply_requests.resources import ServedUnitResource, parents_first

_STATUS = {
    RowResult.IMPORT_TYPE_NEW: NEW,
    RowResult.IMPORT_TYPE_UPDATE: MERGED,
    RowResult.IMPORT_TYPE_SKIP: SKIPPED,
}
# Words spreadsheets use for our categories, besides their English and Chinese labels.
_CATEGORY_WORDS = {
    "防护物资": ItemCategory.PROTECTIVE,
    "防护用品": ItemCategory.PROTECTIVE,
    "消杀": ItemCategory.DISINFECTION,
    "消杀用品": ItemCategory.DISINFECTION,
    "消毒用品": ItemCategory.DISINFECTION,
    "医疗器械": ItemCategory.MEDICAL_DEVICE,
    "药品": ItemCategory.MEDICINE,
    "生活物资": ItemCategory.ISOLATION_NECESSITY,
    "生活用品": ItemCategory.ISOLATION_NECESSITY,
    "其他": ItemCategory.OTHER,
}


def _row_message(row_result: RowResult) -> str:
    if row_result.validation_error is not None:
        error = row_result.validation_error
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(m for e in errors for m in e.messages)}"
                for name, errors in error.error_dict.items()
            )
        return " ".join(error.messages)
    if row_result.errors:
        return str(row_result.errors[0].error)
    return ""


class ResourceImporter(Importer):
    """Rows become a `tablib.Dataset` with the resource's column names."""

    def resource(self, context: ImportContext):
        raise NotImplementedError

    def prepare(self, rows: list[SheetRow], context: ImportContext) -> list[SheetRow]:
        """Fill in what the resource needs that a real sheet leaves out."""
        return rows

    def _dataset(self, rows: list[SheetRow]) -> Dataset:
        headers = sorted({name for row in rows for name in row.values})
        dataset = Dataset(headers=headers)
        for row in rows:
            dataset.append([row.values.get(name, "") for name in headers])
        return dataset

    def _run(self, rows: list[SheetRow], context: ImportContext, *, dry_run: bool):
        return self.resource(context).import_data(
            self._dataset(rows), dry_run=dry_run, use_transactions=True, user=context.actor
        )

    def plan(self, sheet: Sheet, context: ImportContext) -> Plan:
        rows = self.prepare(sheet.data_rows, context)
        outcomes = [skipped(row) for row in sheet.rows if row.skip]
        if rows:
            with transaction.atomic():
                result = self._run(rows, context, dry_run=True)
            for base_error in result.base_errors:
                outcomes.append(RowOutcome(rows[0].number, ERROR, str(base_error.error)))
            for row, row_result in zip(rows, result.rows, strict=False):
                context.tick()
                status = _STATUS.get(row_result.import_type, ERROR)
                message = _row_message(row_result)
                if status == SKIPPED:
                    message = _("Unchanged.")
                elif status == MERGED:
                    message = _("Updates the existing record.")
                summary = " · ".join(filter(None, [row.get("code"), self.describe(row)]))
                outcomes.append(RowOutcome(row.number, status, message, summary))
        outcomes.sort(key=lambda outcome: outcome.number)
        return Plan(outcomes=outcomes, payload=rows)

    def describe(self, row: SheetRow) -> str:
        return row.get("name")

    def apply(self, plan: Plan, context: ImportContext) -> None:
        valid = {o.number for o in plan.outcomes if o.status in (NEW, MERGED)}
        rows = [row for row in plan.payload if row.number in valid]
        if not rows:
            return
        result = self._run(rows, context, dry_run=False)
        if result.has_errors() or result.has_validation_errors():
            # The sheet passed its preview a moment ago: something changed underneath.
            raise RuntimeError(_("The import changed while it ran; nothing was written."))
        for _row in rows:
            context.tick()


class ItemImporter(ResourceImporter):
    kind = ImportKind.ITEMS
    columns = ITEM_COLUMNS
    required = ("name_zh",)
    data_fields = ("code", "name_zh")

    def resource(self, context):
        return ItemResource(curator=may_curate_catalogue(context.actor))

    def describe(self, row: SheetRow) -> str:
        return row.get("name_zh")

    def prepare(self, rows, context):
        matcher = ItemMatcher()
        for row in rows:
            values, name = row.values, row.get("name_zh")
            if not values.get("code"):
                item = matcher.match(name)
                values["code"] = item.code if item else new_code("item", name)
            category = values.get("category", "")
            values["category"] = _CATEGORY_WORDS.get(match_key(category), category) or (
                guess_category(f"{name} {values.get('name_en', '')}")
            )
            spec = parse_pack_spec(values.get("packs", ""))
            if spec and spec.pack_name and same_unit(spec.inner_unit, values.get("base_unit", "")):
                values["packs"] = f"{spec.pack_name}={spec.size}"
        return rows


class SiteImporter(ResourceImporter):
    kind = ImportKind.SITES
    columns = SITE_COLUMNS
    required = ("name",)
    data_fields = ("code", "name")

    def resource(self, context):
        return SiteResource(organisation=context.organisation)

    def prepare(self, rows, context):
        own = {
            match_key(s.name): s.code
            for s in Site.objects.filter(organisation=context.organisation)
        }
        for row in rows:
            if not row.get("code"):
                name = row.get("name")
                row.values["code"] = own.get(match_key(name)) or new_code("site", name)
        return rows


class ServedUnitImporter(ResourceImporter):
    kind = ImportKind.SERVED_UNITS
    columns = SERVED_UNIT_COLUMNS
    required = ("name",)
    data_fields = ("code", "name")

    def resource(self, context):
        return ServedUnitResource(organisation=context.organisation)

    def prepare(self, rows, context):
        units = UnitMatcher(context.organisation.pk if context.organisation else None)
        in_sheet: dict[str, str] = {}
        for row in rows:
            name = row.get("name")
            if not row.get("code"):
                unit, _ambiguous = units.match(name)
                row.values["code"] = unit.code if unit else new_code("unit", name)
            in_sheet[match_key(name)] = in_sheet[match_key(row.get("code"))] = row.get("code")
            if not row.get("kind"):
                row.values["kind"] = "other"
        for row in rows:
            parent = row.get("parent")
            if parent:
                unit, _ambiguous = units.match(parent)
                row.values["parent"] = in_sheet.get(match_key(parent)) or (
                    unit.code if unit else parent
                )
        by_id = {id(row.values): row for row in rows}
        return [by_id[id(values)] for values in parents_first([row.values for row in rows])]
