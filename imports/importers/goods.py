"""A line of goods in a sheet — item, spec, unit, quantity — read into an item and base units.
Shared by donations, historical distributions and requests."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from imports.importers.base import ImportOptions, RowError
from imports.matching import ItemDraft, ItemMatcher
from imports.normalise import (
    CellError,
    PackSpec,
    Quantity,
    pack_in_quantity,
    parse_pack_spec,
    parse_quantity,
    same_unit,
)
from imports.quantities import BaseQuantity, to_base_units
from imports.sheets import Sheet, SheetRow
from inventory.models import Item, ItemPack


@dataclass(frozen=True)
class GoodsLine:
    item: Item | ItemDraft
    base: BaseQuantity

    @property
    def name(self) -> str:
        return self.item.name_zh if isinstance(self.item, Item) else self.item.name

    @property
    def base_unit(self) -> str:
        return self.item.base_unit

    def describe(self) -> str:
        text = f"{self.name} × {self.base.quantity:,} {self.base_unit}"
        if self.base.pack_count and self.base.pack_size and self.base.pack_size != 1:
            text += f" ({self.base.pack_count:,} {self.base.pack_name} × {self.base.pack_size:,})"
        return text


def _quantity_and_spec(row: SheetRow) -> tuple[Quantity, PackSpec | None]:
    spec = parse_pack_spec(row.get("spec"))
    text = row.get("quantity")
    packed = pack_in_quantity(text)
    if packed is not None:
        return Quantity(packed.count, packed.pack_name), packed
    if not text and spec is not None and spec.count is not None:
        return Quantity(spec.count, spec.pack_name), spec
    return parse_quantity(text), spec


def _draft_for(matcher: ItemMatcher, name: str, unit: str, spec: PackSpec | None) -> ItemDraft:
    """A new item: counted in what the spec says a pack holds when the quantity is in packs
    ("5箱" of "200个/箱" → base unit 个, pack 箱 = 200), else in the unit the sheet gives."""
    packed = (
        spec is not None
        and spec.inner_unit
        and unit
        and (not spec.pack_name or same_unit(spec.pack_name, unit))
    )
    draft = matcher.draft(name, spec.inner_unit if packed else unit)
    if packed and not same_unit(unit, draft.base_unit):
        draft.packs.setdefault(unit, [spec.size])
    return draft


def read_goods(
    row: SheetRow, sheet: Sheet, matcher: ItemMatcher, options: ImportOptions
) -> GoodsLine:
    """Raises `RowError` (bad row) or `NeedsReview` (pack size unknown)."""
    name = row.get("item")
    if not name:
        raise RowError(_("No item named."))
    try:
        quantity, spec = _quantity_and_spec(row)
    except CellError as error:
        raise RowError(str(error)) from None
    unit = row.get("unit")
    if not unit and not quantity.unit:
        unit = sheet.unit_hints.get("quantity", "")
    item: Item | ItemDraft | None = matcher.match(name)
    if item is None:
        if not options.create_missing_items:
            suggestions = matcher.suggest(name)
            if suggestions:
                raise RowError(
                    _("“%(name)s” is not in the catalogue. Closest: %(names)s.")
                    % {"name": name, "names": ", ".join(suggestions)}
                )
            raise RowError(
                _("“%(name)s” is not in the catalogue and no item has a similar name.")
                % {"name": name}
            )
        item = _draft_for(matcher, name, unit or quantity.unit, spec)
        packs = item.packs
    else:
        packs = matcher.packs.get(item.pk, {})
    try:
        base = to_base_units(
            quantity=quantity, unit=unit, spec=spec, base_unit=item.base_unit, packs=packs
        )
    except CellError as error:
        raise RowError(str(error)) from None
    return GoodsLine(item=item, base=base)


def save_drafts(matcher: ItemMatcher, used: set[str]) -> None:
    """Create the new items (needs review) that applied rows use; `used` are draft names."""
    for draft in matcher.drafts.values():
        if draft.name not in used or draft.saved is not None:
            continue
        item, _created = Item.objects.get_or_create(
            code=draft.code,
            defaults={
                "name_zh": draft.name[:200],
                "category": draft.category,
                "base_unit": draft.base_unit[:20],
                "needs_review": True,
            },
        )
        for pack_name, sizes in draft.packs.items():
            for size in sizes:
                ItemPack.objects.get_or_create(item=item, name=pack_name[:20], quantity=size)
        draft.saved = item


def real_item(item: Item | ItemDraft) -> Item:
    if isinstance(item, Item):
        return item
    assert item.saved is not None, "save_drafts before using a draft item"
    return item.saved


def decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
