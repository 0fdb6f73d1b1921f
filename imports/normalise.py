"""Cells as people type them in relief spreadsheets, turned into clean text, numbers and dates.

Pure functions over strings (no database): full-width digits and brackets, zero-width and
non-breaking spaces, "5万" and "一万", "198件", "200个/箱", "50箱（*1000）", "2020年1月28日".
"""

import calendar
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Characters that are invisible in a spreadsheet but break every comparison.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)
_FORMULA_START = "=+-@"


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user next to its row."""


def clean_text(value: object) -> str:
    """NFKC (full-width ０-９, （）, ＊, ideographic and non-breaking spaces become plain ASCII),
    invisible characters removed, whitespace collapsed. An apostrophe that our own exports put
    before a formula-like cell is taken off again, so an export can be re-imported."""
    if value is None:
        return ""
    return _clean(value if isinstance(value, str) else str(value))


# Sheets repeat the same few hundred names, units and dates thousands of times.
@functools.lru_cache(maxsize=65_536)
def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = " ".join(text.split())
    if text[:1] == "'" and text[1:2] and text[1] in _FORMULA_START:
        text = text[1:]
    return text


@functools.lru_cache(maxsize=65_536)
def match_key(text: str) -> str:
    """The form two names are compared in: clean, no spaces at all, case-folded."""
    return "".join(clean_text(text).split()).casefold()


def join_name(head: str, tail: str) -> str:
    """Join a name split over two cells: Chinese joins without a space, Latin with one."""
    if not head:
        return tail
    if not tail:
        return head
    if head[-1].isascii() and tail[0].isascii():
        return f"{head} {tail}"
    return head + tail


# --- numbers ------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUMERAL = "".join([*_CN_DIGITS, *_CN_SMALL, *_CN_BIG])
# Unit words that begin with a multiplier character: "5千克" is 5 kg, not 5,000 克.
_UNITS_STARTING_LIKE_NUMBERS = ("千克", "千米", "百克")

_QUANTITY = re.compile(
    r"^(?:约|共|计|合计|总计|大约)?\s*"
    r"(?P<number>[-−]?\d[\d,]*(?:\.\d+)?|[-−]?\.\d+|[" + _CN_NUMERAL + r"]+)\s*"
    r"(?P<rest>.*)$"
)


def chinese_integer(text: str) -> int | None:
    """ "一万五" → 15000, "两万五" → 25000, "一百五" → 150, "一亿两千万" → 120000000 (cn2an's
    reading, which knows the spoken short forms); None if it is not a numeral."""
    if not text or any(ch not in _CN_NUMERAL for ch in text):
        return None
    return _cn2an(text)


@functools.lru_cache(maxsize=4_096)
def _cn2an(text: str) -> int | None:
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):
        return None
    return int(value) if float(value).is_integer() else None


_DECIMAL_COMMA = re.compile(r"(?<=\d)、(?=\d)")  # "2、5" typed for 2.5


@functools.lru_cache(maxsize=1_024)
def _cn2an_mixed(text: str) -> int | None:
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):
        return None
    return int(value) if float(value).is_integer() else None


@dataclass(frozen=True)
class Quantity:
    """A number as written and the unit written with it ("198件" → 198, "件")."""

    value: Decimal
    unit: str = ""


def _split_multipliers(rest: str) -> tuple[Decimal, str]:
    factor = Decimal(1)
    while rest and rest[0] in "十百千万亿" and not rest.startswith(_UNITS_STARTING_LIKE_NUMBERS):
        factor *= _CN_SMALL.get(rest[0]) or _CN_BIG[rest[0]]
        rest = rest[1:].lstrip()
    return factor, rest


@functools.lru_cache(maxsize=16_384)
def parse_quantity(text: str) -> Quantity:
    """ "5万" → 50000, "3.4万" → 34000, "一万" → 10000, "1千" → 1000, "198件" → (198, 件),
    "1,200" → 1200. Raises `CellError` for an empty cell or one that is not a number."""
    text = _DECIMAL_COMMA.sub(".", clean_text(text).replace("−", "-"))
    if not text:
        raise CellError(_("No quantity given."))
    mixed = re.match(r"^(\d+(?:\.\d+)?[万亿]\d+[千百十]?)(.*)$", text)
    if mixed:  # "3万5千", "3万5" (cn2an reads the mixed form)
        value = _cn2an_mixed(mixed[1])
        if value is not None:
            return Quantity(Decimal(value), mixed[2].strip())
    match = _QUANTITY.match(text)
    if not match:
        raise CellError(_("“%(text)s” is not a quantity.") % {"text": text})
    number, rest = match["number"], match["rest"].strip()
    if number[0] in _CN_NUMERAL:
        for unit_word in _UNITS_STARTING_LIKE_NUMBERS:
            if (number + rest).endswith(unit_word) and number.endswith(unit_word[0]):
                number, rest = number[:-1], unit_word[0] + rest
        value = chinese_integer(number)
        if value is None:
            raise CellError(_("“%(text)s” is not a quantity.") % {"text": text})
        return Quantity(Decimal(value), rest)
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        raise CellError(_("“%(text)s” is not a quantity.") % {"text": text}) from None
    factor, unit = _split_multipliers(rest)
    if any(ch.isdigit() for ch in unit):
        raise CellError(_("“%(text)s” is not a quantity.") % {"text": text})
    return Quantity(value * factor, unit)


# --- pack sizes ---------------------------------------------------------------------------

# Count words (what a pack holds); measures like ml, L, g are contents, not counts.
COUNT_UNITS = frozenset("只个副双支瓶桶袋包盒箱件套台卷罐份片粒条张把提枚听板排")
_WORD = r"[A-Za-z\u4e00-\u9fff]+"
_PER_PACK = re.compile(r"(\d+)\s*(" + _WORD + r")\s*/\s*(" + _WORD + r")")
_PACK_IN_BRACKETS = re.compile(
    r"^(?P<count>\d+(?:\.\d+)?)\s*(?P<pack>" + _WORD + r")\s*\(\s*[*xX×]\s*(?P<size>\d+)\s*"
    r"(?P<inner>" + _WORD + r")?\s*\)$"
)
_COUNTED = re.compile(r"^(\d+)\s*(" + _WORD + r")$")


@dataclass(frozen=True)
class PackSpec:
    """What a spec cell says about packing: `size` of `inner_unit` per `pack_name`.

    `pack_name` is "" when the spec does not name the pack ("500ml*30瓶": 30 bottles in
    whatever the quantity counts). `count` is set when the cell also gives the number of
    packs ("50箱（*1000）": 50 cartons of 1,000)."""

    size: int
    inner_unit: str = ""
    pack_name: str = ""
    count: Decimal | None = None


@functools.lru_cache(maxsize=16_384)
def parse_pack_spec(text: str) -> PackSpec | None:
    """ "200个/箱", "20只/盒*20盒/箱", "500ml*30瓶", "5L*4瓶/件", "50箱（*1000）" → a
    `PackSpec`; None when the spec says nothing about packing ("N95", "500ml")."""
    text = clean_text(text).replace("×", "*")
    if not text:
        return None
    bracket = _PACK_IN_BRACKETS.match(text)
    if bracket:
        return PackSpec(
            size=int(bracket["size"]),
            inner_unit=bracket["inner"] or "",
            pack_name=bracket["pack"],
            count=Decimal(bracket["count"]),
        )
    steps = [(int(n), inner, pack) for n, inner, pack in _PER_PACK.findall(text)]
    steps = [step for step in steps if step[1] in COUNT_UNITS or step[2] in COUNT_UNITS]
    if steps:
        # Chains ("20只/盒*20盒/箱") multiply when each pack is the next one's content.
        size, inner, pack = steps[0]
        for next_size, next_inner, next_pack in steps[1:]:
            if next_inner == pack:
                size, pack = size * next_size, next_pack
        return PackSpec(size=size, inner_unit=inner, pack_name=pack) if size > 0 else None
    for part in re.split(r"[*xX]", text):
        counted = _COUNTED.match(part.strip())
        if counted and counted[2] in COUNT_UNITS and int(counted[1]) > 1:
            return PackSpec(size=int(counted[1]), inner_unit=counted[2])
    return None


@functools.lru_cache(maxsize=16_384)
def pack_in_quantity(text: str) -> PackSpec | None:
    """A quantity cell written as "50箱（*1000）": packs and their size in one cell."""
    match = _PACK_IN_BRACKETS.match(clean_text(text).replace("×", "*"))
    if not match:
        return None
    return PackSpec(
        size=int(match["size"]),
        inner_unit=match["inner"] or "",
        pack_name=match["pack"],
        count=Decimal(match["count"]),
    )


# Units that name the same thing; the first of each group is how we store it.
_SAME_UNIT = [
    ("只", "个", "枚", "pcs", "pc", "piece", "pieces"),
    ("副", "双", "pair", "pairs"),
    ("千克", "公斤", "kg"),
    ("升", "l"),
    ("毫升", "ml"),
    ("瓶", "bottle", "bottles"),
    ("盒", "box", "boxes"),
    ("箱", "carton", "cartons"),
]
_UNIT_CANON = {match_key(word): group[0] for group in _SAME_UNIT for word in group}
# Mass units convertible to kilograms (base unit 千克): quantity × factor.
_TO_KG = {"斤": Decimal("0.5"), "吨": Decimal(1000), "克": Decimal("0.001"), "g": Decimal("0.001")}
_TO_LITRE = {"毫升": Decimal("0.001"), "ml": Decimal("0.001")}


# Per kind of item, more words for its base unit, or fixed factors: a mask is counted in
# 只, 个, 片, 支 or 枚 alike; a glove is half a pair (副); goggles are one 副 or one 只.
_KIND_WORDS = {
    "mask": ("口罩", "呼吸器", "mask", "respirator"),
    "glove": ("手套", "glove"),
    "goggle": ("护目镜", "眼罩", "防护镜", "眼镜", "goggle"),
}
_PIECE = ("只", "个", "片", "支", "枚", "pcs", "pc", "piece", "pieces")
_KIND_SAME = {"mask": {match_key(w) for w in _PIECE}, "goggle": {"只", "个", "副", "双"}}
_GLOVE_HALF = {match_key(w) for w in _PIECE}


def item_kind(name: str) -> str:
    """ "mask", "glove", "goggle" or "" — which unit synonyms an item's name brings."""
    key = match_key(name)
    for kind, words in _KIND_WORDS.items():
        if any(word in key for word in words):
            return kind
    return ""


@functools.lru_cache(maxsize=4_096)
def same_unit(a: str, b: str) -> bool:
    key_a, key_b = match_key(a), match_key(b)
    return _UNIT_CANON.get(key_a, key_a) == _UNIT_CANON.get(key_b, key_b)


@functools.lru_cache(maxsize=8_192)
def unit_factor(unit: str, base_unit: str, kind: str = "") -> Decimal | None:
    """How many base units one `unit` is, when that is a fixed fact (1 for the same unit,
    0.5 for 斤 → 千克, ½ 副 for one 只 of gloves); None when it depends on the item (packs).
    A strength or size ("500MM", "0.5g", "M") is never one of these."""
    if not unit or same_unit(unit, base_unit):
        return Decimal(1)
    key, base = match_key(unit), match_key(base_unit)
    same = _KIND_SAME.get(kind)
    if same and key in same and base in same:
        return Decimal(1)
    if kind == "glove":
        pair = {"副", "双", "pair", "pairs"}
        if key in _GLOVE_HALF and base in pair:
            return Decimal("0.5")
        if key in pair and base in _GLOVE_HALF:
            return Decimal(2)
    if same_unit(base_unit, "千克") and key in _TO_KG:
        return _TO_KG[key]
    if same_unit(base_unit, "升") and key in _TO_LITRE:
        return _TO_LITRE[key]
    return None


# --- dates and flags ----------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@functools.lru_cache(maxsize=16_384)
def parse_date(text: str, *, month_end: bool = False) -> dt.date | None:
    """ "2020-01-28", "2020/1/28", "2020.1.28", "2020年1月28日", "20200128", "2020-01-28
    00:00:00" → a date; "2022-01" is its month's last day when `month_end` (expiry dates are
    often given to the month). None for an empty cell; `CellError` when unreadable."""
    text = clean_text(text)
    if not text:
        return None
    compact = _COMPACT_DATE.match(text)
    match = compact or _DATE.match(text)
    try:
        if match and match.group(3):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match and month_end:
            year, month = int(match[1]), int(match[2])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        pass
    raise CellError(_("“%(text)s” is not a date (write it as 2020-01-28).") % {"text": text})


_YES = {"yes", "y", "true", "1", "是", "有", "√", "✓", "x"}
_NO = {"no", "n", "false", "0", "否", "无", "没有", ""}


def parse_flag(text: str) -> bool:
    key = match_key(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(_("“%(text)s” is neither yes nor no.") % {"text": text})
