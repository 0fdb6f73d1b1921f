"""A quantity as written ("5箱", "3.4万", spec "200个/箱") turned into the item's base units.

The rule of the issue: packs become base units only when the pack size is known (the item's
`ItemPack`) or stated (the spec cell). Otherwise the line keeps the unit it was given and is
held for review — never multiplied by a guess, never dropped without a word.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from imports.normalise import CellError, PackSpec, Quantity, same_unit, unit_factor


class NeedsReview(Exception):
    """The row is right but the catalogue lacks a fact (a pack size): a person decides."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class BaseQuantity:
    """Base units, and the packs they came in when the count of packs is whole."""

    quantity: int
    pack_name: str = ""
    pack_count: int | None = None
    pack_size: int | None = None


def _whole(value: Decimal, unit: str) -> int:
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


def _stated_size(
    spec: PackSpec | None, unit: str, base_unit: str, packs: Mapping[str, Sequence[int]]
) -> Decimal | None:
    """Base units per `unit` as the spec cell states it, when it speaks of this pack."""
    if spec is None or (spec.pack_name and not same_unit(spec.pack_name, unit)):
        return None
    inner = unit_factor(spec.inner_unit, base_unit)
    if inner is None:
        # "20盒/箱" for masks counted in 只: the inner pack's size comes from the catalogue.
        inner_sizes = _pack_sizes(packs, spec.inner_unit)
        if len(inner_sizes) != 1:
            return None
        inner = Decimal(inner_sizes[0])
    return spec.size * inner


def to_base_units(
    *,
    quantity: Quantity,
    unit: str,
    spec: PackSpec | None,
    base_unit: str,
    packs: Mapping[str, Sequence[int]],
) -> BaseQuantity:
    """`unit` is the unit column (or "" when the sheet has none); `quantity.unit` the unit
    written inside the quantity cell. Raises `CellError` for a bad quantity, `NeedsReview`
    when the pack size is not known."""
    if unit and quantity.unit and not same_unit(unit, quantity.unit):
        raise CellError(
            _("The quantity says %(inside)s but the unit column says %(column)s.")
            % {"inside": quantity.unit, "column": unit}
        )
    unit = unit or quantity.unit
    value = quantity.value
    if value <= 0:
        raise CellError(_("The quantity must be more than zero."))
    factor = unit_factor(unit, base_unit)
    if factor is not None:
        pack_spec = spec is not None and bool(spec.pack_name)
        if not unit and pack_spec and not same_unit(spec.pack_name, base_unit):
            raise NeedsReview(
                _(
                    "The quantity has no unit and the spec describes a pack (%(size)d "
                    "%(inner)s per %(pack)s): say whether it counts %(base)s or %(pack)s."
                )
                % {
                    "size": spec.size,
                    "inner": spec.inner_unit,
                    "pack": spec.pack_name,
                    "base": base_unit,
                }
            )
        return BaseQuantity(quantity=_whole(value * factor, base_unit))
    size = _stated_size(spec, unit, base_unit, packs)
    if size is None:
        sizes = _pack_sizes(packs, unit)
        if len(sizes) > 1:
            raise NeedsReview(
                _(
                    "%(unit)s comes in several sizes (%(sizes)s %(base)s): "
                    "state the size in the spec."
                )
                % {"unit": unit, "sizes": ", ".join(map(str, sizes)), "base": base_unit}
            )
        if not sizes:
            raise NeedsReview(
                _(
                    "How many %(base)s are in one %(unit)s is not known: kept as "
                    "%(value)s %(unit)s. Add the pack size to the catalogue or the spec column."
                )
                % {"base": base_unit, "unit": unit, "value": f"{value.normalize():f}"}
            )
        size = Decimal(sizes[0])
    total = _whole(value * size, base_unit)
    if value == value.to_integral_value() and size == size.to_integral_value():
        return BaseQuantity(
            quantity=total, pack_name=unit, pack_count=int(value), pack_size=int(size)
        )
    return BaseQuantity(quantity=total)
