"""A line of goods in a sheet — item, spec, unit, quantity — read into an item and base units.
Shared by donations, historical distributions and requests."""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from imports.importers.base import ImportOptions, RowError
from imports.matching import ItemDraft, ItemMatcher
from imports.normalise import (
    CellError,
    Quantity,
    item_kind,
    match_key,
    parse_quantity,
    unit_factor,
)
from imports.packs import COUNT_WORDS, PackLadder, parse_ladder
from imports.quantities import (
    BaseQuantity,
    NeedsReview,
    UnknownPackSize,
    ladder_to_base_units,
)
from imports.sheets import Sheet, SheetRow
from inventory.models import Item, ItemPack

# Packs are what goods come in, not what they are counted in.
_PACK_WORDS = frozenset({"箱", "盒", "包", "件", "袋", "提", "小箱", "小盒", "大箱", "桶", "套"})
# The base unit of a new item of a known kind (the catalogue reference's units).
_KIND_BASE = {"mask": "只", "glove": "副", "goggle": "副"}


@dataclass(frozen=True)
class GoodsLine:
    item: Item | ItemDraft
    base: BaseQuantity
    warning: str = ""
    spec: str = ""
    offers: dict = field(default_factory=dict)  # what the preview may change on this row

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
        if self.spec:
            text += f" [{self.spec}]"
        return text


def _quantity_and_spec(row: SheetRow) -> tuple[Quantity, PackLadder | None]:
    ladder = parse_ladder(row.get("spec"))
    text = row.get("quantity")
    packed = parse_ladder(text) if text and ("(" in text or "（" in text) else None
    if packed is not None and packed.count is not None:
        return Quantity(packed.count, packed.count_unit), packed
    if not text and ladder is not None and ladder.count is not None:
        return Quantity(ladder.count, ladder.count_unit), ladder
    return parse_quantity(text), ladder


def _sheet_units(sheet: Sheet) -> dict[str, Counter]:
    """Per item name, the count units its rows are written in (not packs, not measures)."""
    if sheet.item_units is None:
        units: dict[str, Counter] = {}
        for row in sheet.rows:
            if row.skip:
                continue
            unit = row.get("unit")
            if not unit:
                try:
                    unit = parse_quantity(row.get("quantity")).unit
                except CellError:
                    unit = ""
            if unit in COUNT_WORDS and unit not in _PACK_WORDS:
                units.setdefault(match_key(row.get("item")), Counter())[unit] += 1
        sheet.item_units = units
    return sheet.item_units


def _base_unit_for_new(
    name: str, unit: str, ladder: PackLadder | None, sheet: Sheet
) -> tuple[str, str]:
    """(base unit, why): the unit of its kind in the catalogue reference, else the unit most
    of its rows in this sheet count in, else what the spec's packs hold — never a pack, a
    strength or a size taken from whichever row came first."""
    kind = item_kind(name)
    if kind in _KIND_BASE:
        return _KIND_BASE[kind], _("the unit of its kind in the catalogue")
    counted = _sheet_units(sheet).get(match_key(name))
    if counted:
        return counted.most_common(1)[0][0], _("the unit most of its rows use")
    if ladder is not None:
        inner = [n for n in ladder.levels if n in COUNT_WORDS and n not in _PACK_WORDS]
        if inner:
            return inner[0], _("what its packs hold, from the spec")
    if unit and (unit in COUNT_WORDS or (unit[-1] in COUNT_WORDS and unit not in _PACK_WORDS)):
        # "人份" (tests' worth, for reagents) counts like its last word 份.
        return unit, _("the unit of its row")
    return "个", _("no count unit was written; 个 (piece)")


def _draft_for(
    matcher: ItemMatcher, name: str, unit: str, ladder: PackLadder | None, sheet: Sheet
) -> ItemDraft:
    key = match_key(name)
    if key in matcher.drafts:
        return matcher.drafts[key]
    base, why = _base_unit_for_new(name, unit, ladder, sheet)
    draft = matcher.draft(name, base)
    draft.base_reason = why
    if ladder is not None and unit and unit != base:
        base_level = next(
            (n for n in ladder.levels if n and unit_factor(n, base, item_kind(name)) == 1), None
        )
        top = ladder.levels.get(unit)
        if (
            base_level
            and top
            and top / ladder.levels[base_level] == int(top / ladder.levels[base_level])
        ):
            draft.packs.setdefault(unit, [int(top / ladder.levels[base_level])])
    return draft


_COUNTED_ITEM = re.compile(
    r"^(?P<name>.*?[^\d.])(?P<quantity>\d+(?:\.\d+)?[万千]?)(?P<unit>[\u4e00-\u9fff]{1,2})$"
)
_LISTED = re.compile(r"\s*[、，,；;]\s*")


def split_items(name: str, quantity: str) -> tuple[str, str] | list[tuple[str, str]] | None:
    """A cell that names goods with their quantities. (item, quantity) when the item cell
    carries its own quantity ("连花清瘟胶囊（24粒装）13.5万盒", quantity column empty); a
    list when it names several ("口罩（KN95型1200盒、银离子口罩2万只）", or "酒精棉片、湿纸巾"
    sharing one quantity); None for an ordinary name."""
    text = name.strip()
    if not quantity:
        single = _COUNTED_ITEM.match(text)
        if single and not _LISTED.search(text):
            return single["name"].strip(), single["quantity"] + single["unit"]
    inner = text
    if text.endswith((")", "）")) and ("(" in text or "（" in text):
        inner = text[max(text.rfind("("), text.rfind("（")) + 1 : -1]
    parts = [part for part in _LISTED.split(inner) if part]
    if len(parts) < 2:
        return None
    counted = [_COUNTED_ITEM.match(part) for part in parts]
    if all(counted):
        return [(m["name"].strip(), m["quantity"] + m["unit"]) for m in counted]
    if not any(ch.isdigit() for ch in inner) and inner == text:
        return [(part, "") for part in parts]  # one quantity for them all: a person splits it
    return None


def _item_offers(name: str, nearest: list[tuple[Item, float]]) -> dict:
    return {"name": name, "candidates": [[i.pk, i.name_zh, round(score)] for i, score in nearest]}


def read_split_goods(
    row: SheetRow, sheet: Sheet, matcher: ItemMatcher, options: ImportOptions
) -> list[GoodsLine]:
    """A cell naming several goods with their quantities, split as the preview proposed
    and a person accepted: one line per part."""
    split = split_items(row.get("item"), row.get("quantity"))
    if not isinstance(split, list) or not all(quantity for _name, quantity in split):
        raise RowError(_("This row can no longer be split as proposed; check the sheet."))
    lines = []
    for name, quantity in split:
        part = replace(row, values={**row.values, "item": name, "quantity": quantity, "unit": ""})
        lines.append(read_goods(part, sheet, matcher, options))
    return lines


def read_goods(
    row: SheetRow,
    sheet: Sheet,
    matcher: ItemMatcher,
    options: ImportOptions,
    fix: Mapping | None = None,
) -> GoodsLine:
    """Raises `RowError` (bad row) or `NeedsReview` (pack size unknown, several items).
    `fix` is what a person chose for this row in the preview (item, unit, pack size)."""
    fix = fix or {}
    name = row.get("item")
    if not name:
        raise RowError(_("No item named."))
    item: Item | ItemDraft | None
    if fix.get("item"):
        item = matcher.items.get(int(fix["item"]))
        if item is None:
            raise RowError(_("The item chosen for this row is no longer in the catalogue."))
    else:
        item = matcher.match(name)
    if item is None:
        split = split_items(name, row.get("quantity"))
        if isinstance(split, tuple):
            name, row.values["quantity"] = split
            row.values["item"] = name
            item = matcher.match(name)
        elif split:
            counted = all(quantity for _part, quantity in split)
            raise NeedsReview(
                _(
                    "Not imported yet: the cell names several items (%(parts)s) for "
                    "%(quantity)s. Split it into one row per item."
                )
                % {
                    "parts": "; ".join(f"{part} {qty}".strip() for part, qty in split),
                    "quantity": row.get("quantity") or "—",
                },
                offers={"split": [list(part) for part in split]} if counted else {},
            )
    try:
        quantity, ladder = _quantity_and_spec(row)
    except CellError as error:
        raise RowError(str(error)) from None
    unit = row.get("unit")
    if fix.get("unit"):
        # The person says what the number counts: the unit written in the cell gives way.
        unit, quantity = fix["unit"], Quantity(quantity.value, "")
    if not unit and not quantity.unit:
        unit = sheet.unit_hints.get("quantity", "")
    warning = ""
    offers: dict = {}
    if item is None and match_key(name) not in matcher.drafts:
        nearest = matcher.nearest(name)
        decisive = decisive_match(nearest)
        if decisive is not None:
            offers = _item_offers(name, nearest)
            item, score = decisive
            warning = _(
                "“%(name)s” was taken for the catalogue's %(item)s (%(score)d%% alike): add "
                "it as an alias, or choose another item."
            ) % {"name": name, "item": item.name_zh, "score": round(score)}
            nearest = []
        if nearest and options.create_missing_items:
            close, score = nearest[0]
            raise NeedsReview(
                _(
                    "Not imported yet: “%(name)s” is probably the catalogue's %(item)s "
                    "(%(score)d%% alike). Add “%(name)s” as an alias of %(item)s, or create "
                    "it as a new item."
                )
                % {"name": name, "item": close.name_zh, "score": round(score)},
                offers=_item_offers(name, nearest),
            )
        if nearest:
            raise RowError(
                _("“%(name)s” is not in the catalogue. Closest: %(names)s.")
                % {"name": name, "names": ", ".join(i.name_zh for i, _s in nearest)}
            )
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
        item = _draft_for(matcher, name, unit or quantity.unit, ladder, sheet)
        packs = item.packs
        kind = item_kind(name)
    else:
        packs = matcher.packs.get(item.pk, {})
        kind = matcher.kind_of(item)
    if fix.get("pack_size"):
        # "1 箱 = 400 只", given in the preview for this row: it wins, like a stated spec.
        packs = {**packs, unit or quantity.unit: [int(fix["pack_size"])]}
    try:
        base, converted = ladder_to_base_units(
            quantity=quantity,
            unit=unit,
            ladder=ladder,
            base_unit=item.base_unit,
            kind=kind,
            packs=packs,
        )
    except CellError as error:
        raise RowError(str(error)) from None
    except UnknownPackSize as unknown:
        unit_offers = {
            "pack": unknown.unit,
            "units": [item.base_unit, *sorted(n for n in packs if n != unknown.unit)],
            "base_unit": item.base_unit,
        }
        whole = unknown.value == int(unknown.value)
        if not (options.create_missing_items and whole and unknown.unit in _PACK_WORDS):
            # "10个" of gloves counted in 副 is not a pack: a person says what it is.
            raise NeedsReview(unknown.message, offers={**offers, **unit_offers}) from None
        item, base, converted = _counted_in_packs(matcher, item, unknown)
        offers = {**offers, **unit_offers}
    warning = " ".join(filter(None, [warning, converted]))
    spec = row.get("spec")
    return GoodsLine(item=item, base=base, warning=warning, spec=spec, offers=offers)


# A near catalogue name is taken for that item when it is this alike and the next best is
# clearly further (the preview shows it, with "add as alias"); otherwise the row is held.
DECISIVE_SCORE, DECISIVE_MARGIN = 90, 3


def decisive_match(nearest: list[tuple[Item, float]]) -> tuple[Item, float] | None:
    if not nearest or nearest[0][1] < DECISIVE_SCORE:
        return None
    if len(nearest) > 1 and nearest[0][1] - nearest[1][1] < DECISIVE_MARGIN:
        return None
    return nearest[0]


def counted_in_packs_name(name: str, pack: str) -> str:
    """The catalogue's Chinese name of goods counted in a pack ("口罩（按箱计）"): a name, not
    a message, so the same in every language."""
    return f"{name}（按{pack}计）"


def _counted_in_packs(
    matcher: ItemMatcher, item: Item | ItemDraft, unknown: UnknownPackSize
) -> tuple[Item | ItemDraft, BaseQuantity, str]:
    """Goods whose pack size is written nowhere ("口罩 3箱", no spec) land as what they are:
    3 箱 of an item counted in 箱 ("口罩（按箱计）", needs review), kept apart from the item
    counted in 只 so neither its stock nor later sheets' rows are falsified by a guess. When
    someone opens a carton and counts, a stock count moves it into the real item."""
    name = item.name_zh if isinstance(item, Item) else item.name
    variant = counted_in_packs_name(name, unknown.unit)
    found = matcher.match(variant)
    if found is None or found.base_unit != unknown.unit:
        found = matcher.drafts.get(match_key(variant))
        if found is None:
            found = matcher.draft(variant, unknown.unit)
            found.category = item.category
            found.base_reason = _("the pack it was counted in; its size is written nowhere")
    count = int(unknown.value)
    message = _(
        "Landed as %(count)s %(pack)s of “%(variant)s”: how many %(base)s one %(pack)s holds "
        "is written nowhere, so it was not guessed. Give the pack size to count it in %(base)s."
    ) % {"count": f"{count:,}", "pack": unknown.unit, "variant": variant, "base": item.base_unit}
    return found, BaseQuantity(quantity=count), message


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
