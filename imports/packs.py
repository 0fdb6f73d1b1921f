"""What a spec cell says about packing, as a ladder of levels.

"100支*4盒/箱" is 100 支 a 盒 and 4 盒 a 箱: 支 = 1, 盒 = 100, 箱 = 400. "2.5L/瓶，6瓶/箱"
is two statements that share 瓶: L = 1, 瓶 = 2.5, 箱 = 15. "15片X2板/盒X200盒/箱" gives
盒 = 30 片 and 箱 = 200 盒. A strength or size ("0.5g/支", "500MM", "S小号") states no pack.
"""

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from imports.normalise import clean_text

# Count words: only a chain that ends in one of these has an unnamed outer pack.
COUNT_WORDS = frozenset("只个副双支瓶桶袋包盒箱件套台卷罐份片粒条张把提枚听板排")
_TERM = re.compile(r"\s*(\d+(?:\.\d+)?)?\s*([A-Za-z\u4e00-\u9fff%]+)?\s*([*/])?")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_DECIMAL_COMMA = re.compile(r"(?<=\d)、(?=\d)")  # "2、5" typed for 2.5
_TIMES = re.compile(r"(?<=[\dA-Za-z\u4e00-\u9fff])\s*[xX×]\s*(?=[\d\u4e00-\u9fff])|×")
_IN_BRACKETS = re.compile(
    r"^(?P<count>\d+(?:\.\d+)?)\s*(?P<pack>[A-Za-z\u4e00-\u9fff]+)\s*\(\s*\*\s*(?P<size>\d+)\s*"
    r"(?P<inner>[A-Za-z\u4e00-\u9fff]+)?\s*\)$"
)
ANONYMOUS = ""  # a level written without a name ("300/箱"): the item's base unit


@dataclass(frozen=True)
class PackLadder:
    levels: dict[str, Decimal] = field(default_factory=dict)
    outer: Decimal | None = None  # "500ml*30瓶": a pack of 30 瓶 named by the quantity's unit
    count: Decimal | None = None  # "50箱（*1000）": the number of packs is in the cell too
    count_unit: str = ""

    def __hash__(self) -> int:  # frozen with a dict: hash what it says
        return hash((tuple(self.levels.items()), self.outer, self.count, self.count_unit))


def typed_decimals(text: str) -> str:
    return _DECIMAL_COMMA.sub(".", text)


def _chain(text: str) -> tuple[dict[str, Decimal], Decimal | None]:
    levels: dict[str, Decimal] = {}
    previous: str | None = None
    pending: Decimal | None = None
    anonymous = 0
    last_unit = ""
    named = False
    for number, unit, _op in _TERM.findall(text):
        if not number and not unit:
            continue
        amount = Decimal(number) if number else None
        named = named or bool(unit)
        if previous is None:
            previous = unit or ANONYMOUS
            levels[previous] = Decimal(1)
            pending, last_unit = amount, unit
            continue
        if unit and unit == previous and pending is None:
            pending = amount  # "…/盒X200盒/箱": the 盒 again, now with its count
            continue
        if unit:
            container = unit
        elif ANONYMOUS not in levels:
            container = ANONYMOUS  # "24粒X10小盒X40/箱": the unnamed level is the base unit
        else:
            anonymous += 1
            container = f"*{anonymous}"
        if pending is None or previous not in levels:
            break
        levels[container] = pending * levels[previous]
        previous, pending, last_unit = container, amount, unit
    outer = None
    if (
        named
        and pending is not None
        and previous in levels
        and (last_unit in COUNT_WORDS or not last_unit)
    ):
        outer = pending * levels[previous]
    return (
        ({k: v for k, v in levels.items() if not k.startswith("*")}, outer)
        if named
        else (
            {},
            None,
        )
    )


@functools.lru_cache(maxsize=16_384)
def parse_ladder(text: str) -> PackLadder | None:
    text = typed_decimals(clean_text(text))
    if not text:
        return None
    bracket = _IN_BRACKETS.match(text.replace("×", "*"))
    if bracket:
        inner = bracket["inner"] or ANONYMOUS
        size = Decimal(bracket["size"])
        return PackLadder(
            {inner: Decimal(1), bracket["pack"]: size},
            count=Decimal(bracket["count"]),
            count_unit=bracket["pack"],
        )
    text = _TIMES.sub("*", _BRACKETS.sub("", text))
    merged: dict[str, Decimal] = {}
    outer = None
    for part in re.split(r"[,;，；、]", text):
        levels, part_outer = _chain(part)
        if len(levels) < 2 and part_outer is None:
            continue
        shared = next((unit for unit in levels if unit in merged and unit), None)
        if merged and shared:
            scale = merged[shared] / levels[shared]
            for unit, size in levels.items():
                merged.setdefault(unit, size * scale)
            if part_outer is not None:
                outer = part_outer * scale
        elif not merged:
            merged, outer = dict(levels), part_outer
    if len(merged) < 2 and outer is None:
        return None
    return PackLadder(merged, outer)
