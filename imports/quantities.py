"""A quantity as written ("5箱", "3.4万", spec "200个/箱") turned into the item's base units.

The rule of the issue: packs become base units only when the pack size is known (the item's
`ItemPack`) or stated (the spec cell). Otherwise the line keeps the unit it was given
(`UnknownPackSize`): it is held for review, or — when the import may create items — lands
counted in that pack (see `imports.importers.goods`); never multiplied by a guess, never
dropped without a word.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from imports.normalise import CellError, Quantity, same_unit, unit_factor
from imports.packs import ANONYMOUS, PackLadder

# Issue 15's bound on a quantity in base units, enforced here row by row with a reason.
MAX_BASE_UNITS = 10**9


class NeedsReview(Exception):
    """The row is right but the catalogue lacks a fact (a pack size): a person decides.
    `offers` are the choices the preview gives for the row (see `imports.fixes`)."""

    def __init__(self, message: str, offers: dict | None = None) -> None:
        self.message = message
        self.offers = offers or {}
        super().__init__(message)


class UnknownPackSize(NeedsReview):
    """How many base units one pack holds is written nowhere (no spec, no catalogue pack):
    the row can still land counted in that pack (`unit`, `value`), never multiplied."""

    def __init__(self, message: str, unit: str, value: Decimal) -> None:
        super().__init__(message)
        self.unit, self.value = unit, value


@dataclass(frozen=True)
class BaseQuantity:
    """Base units, and the packs they came in when the count of packs is whole."""

    quantity: int
    pack_name: str = ""
    pack_count: int | None = None
    pack_size: int | None = None


def _whole(value: Decimal, unit: str) -> int:
    if value > MAX_BASE_UNITS:
        raise CellError(
            _("%(value)s %(unit)s is more than %(max)s, the most one line can hold.")
            % {"value": f"{value.normalize():f}", "unit": unit, "max": f"{MAX_BASE_UNITS:,}"}
        )
    if value != value.to_integral_value():
        raise CellError(
            _("%(value)s %(unit)s is not a whole number of base units.")
            % {"value": f"{value.normalize():f}", "unit": unit}
        )
    return int(value)


def _pack_sizes(packs: Mapping[str, Sequence[int]], unit: str) -> list[int]:
    return sorted(
        {size for name, sizes in packs.items() if same_unit(name, unit) for size in sizes}
    )


def _level(ladder: PackLadder, unit: str, kind: str) -> str | None:
    for name in ladder.levels:
        if name and unit_factor(name, unit, kind) == 1:
            return name
    return None


def ladder_size(
    ladder: PackLadder | None,
    unit: str,
    base_unit: str,
    kind: str,
    packs: Mapping[str, Sequence[int]],
) -> Decimal | None:
    """Base units in one `unit` as the spec cell's ladder states it; None when it does not
    speak of `unit` or cannot reach the base unit."""
    if ladder is None or not unit:
        return None
    levels = ladder.levels
    top_name = _level(ladder, unit, kind)
    if top_name is not None:
        top = levels[top_name]
    elif ladder.outer is not None:
        top = ladder.outer  # "500ml*30瓶" with the quantity in 箱: the 箱 is that pack
    else:
        return None
    base_name = _level(ladder, base_unit, kind)
    if base_name is None:
        # "小盒" counted as the item's "盒"; else the level written without a name.
        base_name = next((n for n in levels if n and n.lstrip("小中") == base_unit), None)
    if base_name is not None:
        return top / levels[base_name]
    for name, size in sorted(levels.items(), key=lambda entry: entry[1]):
        factor = unit_factor(name, base_unit, kind) if name else None
        if factor is not None:
            return top / size * factor  # "2000只/箱" of gloves counted in 副: × 1/2
    if ANONYMOUS in levels:
        return top / levels[ANONYMOUS]
    for name, size in sorted(levels.items(), key=lambda entry: entry[1]):
        inner = _pack_sizes(packs, name) if name else []
        if len(inner) == 1:
            return top / size * inner[0]  # "20盒/箱" of masks, a 盒 of 20 只 in the catalogue
    return None


def ladder_to_base_units(
    *,
    quantity: Quantity,
    unit: str,
    ladder: PackLadder | None,
    base_unit: str,
    kind: str,
    packs: Mapping[str, Sequence[int]],
) -> tuple[BaseQuantity, str]:
    """The quantity of a row in the item's base units, with the spec read as a ladder and
    the item's unit synonyms (`kind`): (the base quantity, a warning for the preview or "").
    The sheet's stated pack wins over the catalogue's; a difference is the warning."""
    if unit and quantity.unit and unit_factor(quantity.unit, unit, kind) is None:
        raise CellError(
            _("The quantity says %(inside)s but the unit column says %(column)s.")
            % {"inside": quantity.unit, "column": unit}
        )
    if unit and quantity.unit:
        quantity = Quantity(quantity.value * unit_factor(quantity.unit, unit, kind), unit)
    unit = unit or quantity.unit
    value = quantity.value
    if value <= 0:
        raise CellError(_("The quantity must be more than zero."))
    factor = unit_factor(unit, base_unit, kind)
    if factor is not None:
        if not unit and ladder is not None and len(ladder.levels) >= 2:
            outer = max(ladder.levels, key=ladder.levels.get)
            if outer and unit_factor(outer, base_unit, kind) is None:
                raise NeedsReview(
                    _(
                        "The quantity has no unit and the spec describes a pack (%(spec)s): "
                        "say whether it counts %(base)s or %(pack)s."
                    )
                    % {"spec": outer, "base": base_unit, "pack": outer}
                )
        return BaseQuantity(quantity=_whole(value * factor, base_unit)), ""
    sizes = _pack_sizes(packs, unit)
    size = ladder_size(ladder, unit, base_unit, kind, packs)
    warning = ""
    if size is not None and size > 0:
        if sizes and size not in sizes:
            warning = _(
                "The sheet says 1 %(unit)s = %(size)s %(base)s; the catalogue says %(known)s. "
                "The sheet's size was used."
            ) % {
                "unit": unit,
                "size": f"{size.normalize():f}",
                "base": base_unit,
                "known": ", ".join(map(str, sizes)),
            }
    else:
        if len(sizes) > 1:
            raise NeedsReview(
                _(
                    "%(unit)s comes in several sizes (%(sizes)s %(base)s): "
                    "state the size in the spec."
                )
                % {"unit": unit, "sizes": ", ".join(map(str, sizes)), "base": base_unit}
            )
        if not sizes:
            raise UnknownPackSize(
                _(
                    "Not imported yet: how many %(base)s are in one %(unit)s is not known "
                    "(%(value)s %(unit)s). Add the pack size to the catalogue or the spec "
                    "column."
                )
                % {"base": base_unit, "unit": unit, "value": f"{value.normalize():f}"},
                unit,
                value,
            )
        size = Decimal(sizes[0])
    total = _whole(value * size, base_unit)
    if value == value.to_integral_value() and size == size.to_integral_value():
        base = BaseQuantity(
            quantity=total, pack_name=unit, pack_count=int(value), pack_size=int(size)
        )
        return base, warning
    return BaseQuantity(quantity=total), warning
