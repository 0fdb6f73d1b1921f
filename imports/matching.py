"""Names in a sheet matched to the catalogue and to served units.

Items: an `ItemAlias` first (the spreadsheet names people really use), then the item's
code or its Chinese or English name, then the same with a bracketed brand or model taken
off ("医用外科口罩（稳健）"). A name that matches nothing is reported with the closest
catalogue names (difflib), or — when the import may create items — becomes a new item with
a guessed category, marked for review.
"""

import difflib
import functools
import hashlib
import re
from dataclasses import dataclass, field

from imports.normalise import item_kind, match_key
from inventory.models import Item, ItemAlias, ItemCategory, ItemPack
from supply_requests.models import ServedUnit

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_ALTERNATIVES = re.compile(r"\s*[/|、]\s*")

# First rule that matches wins: "消毒片" is disinfection before "片" makes it a medicine, and
# "面屏" is protective before "面" makes it food.
_CATEGORY_RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        ItemCategory.DISINFECTION,
        ("消毒", "酒精", "84", "过氧", "含氯", "洗手液", "免洗", "disinfect", "sanitiser",
         "sanitizer", "alcohol", "bleach"),
    ),
    (
        ItemCategory.PROTECTIVE,
        ("口罩", "防护", "隔离衣", "手术衣", "手套", "护目", "面屏", "面罩", "鞋套", "靴套",
         "帽", "mask", "respirator", "glove", "goggle", "gown", "coverall", "suit", "shield"),
    ),
    (
        ItemCategory.MEDICAL_DEVICE,
        ("体温", "温度计", "额温", "测温", "血氧", "呼吸机", "监护", "紫外", "制氧",
         "thermometer", "oximeter", "ventilator", "lamp"),
    ),
    (
        ItemCategory.MEDICINE,
        ("片", "胶囊", "颗粒", "口服液", "冲剂", "药", "汤剂", "tablet", "capsule",
         "medicine", "granule", "syrup"),
    ),
    (
        ItemCategory.ISOLATION_NECESSITY,
        ("米", "面", "油", "菜", "蛋", "奶", "水", "肉", "食品", "纸", "尿", "卫生巾", "垃圾袋",
         "rice", "noodle", "oil", "vegetable", "egg", "milk", "water", "food", "paper", "diaper"),
    ),
]  # fmt: skip


# Words that make two goods different although the rest of their names agree: a wash
# (洗手液) is not a leave-on sanitiser (免洗…).
_DISTINGUISHING = ("免洗",)


def _told_apart(key: str, item: Item) -> bool:
    names = item.name_zh
    return any((word in names) != (word in key) for word in _DISTINGUISHING)


@functools.lru_cache(maxsize=16_384)
def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text))


def guess_category(name: str) -> str:
    """The category a new item most likely belongs to, from words in its name."""
    key = match_key(name)
    for category, words in _CATEGORY_RULES:
        if any(word in key for word in words):
            return category
    return ItemCategory.OTHER


def new_code(prefix: str, name: str) -> str:
    """A stable code for something an import creates: the same name gives the same code."""
    return f"{prefix}-{hashlib.sha1(match_key(name).encode()).hexdigest()[:10]}"


@dataclass
class ItemDraft:
    """An item the import will create (with `--create-missing-items`); never saved during
    a preview. `packs` is what the sheet's spec cells stated about it."""

    name: str
    category: str
    base_unit: str
    packs: dict[str, list[int]] = field(default_factory=dict)
    saved: Item | None = None
    base_reason: str = ""  # why this base unit: shown in the preview for confirmation

    @property
    def code(self) -> str:
        return new_code("imported", self.name)


class ItemMatcher:
    """Loads the catalogue once per import; matches many rows without another query."""

    def __init__(self) -> None:
        self.items = {item.pk: item for item in Item.objects.all()}
        self.by_alias = {
            match_key(alias): item_id
            for alias, item_id in ItemAlias.objects.values_list("alias", "item_id")
        }
        self.by_name: dict[str, int] = {}
        for item in self.items.values():
            for text in (item.name_en, item.code, item.name_zh):
                if text:
                    self.by_name[match_key(text)] = item.pk
        self.packs: dict[int, dict[str, list[int]]] = {}
        for item in self.items.values():
            self.packs[item.pk] = {}
        for pack_item, name, quantity in ItemPack.objects.values_list(
            "item_id", "name", "quantity"
        ):
            self.packs.setdefault(pack_item, {}).setdefault(name, []).append(quantity)
        self.drafts: dict[str, ItemDraft] = {}
        self._pinyin: dict[str, str] | None = None
        self._nearest: dict[str, list[tuple[Item, float]]] = {}
        self._kinds: dict[int, str] = {}

    def match(self, name: str) -> Item | None:
        key = match_key(name)
        for candidate in (key, match_key(_BRACKETED.sub("", name))):
            if not candidate:
                continue
            item_id = self.by_alias.get(candidate) or self.by_name.get(candidate)
            if item_id is not None and not _told_apart(key, self.items[item_id]):
                return self.items[item_id]
        return None

    def kind_of(self, item: Item) -> str:
        """ "mask", "glove", "goggle" or "": the unit synonyms of a catalogue item."""
        kind = self._kinds.get(item.pk)
        if kind is None:
            kind = self._kinds[item.pk] = item_kind(f"{item.name_zh} {item.name_en}")
        return kind

    def nearest(self, name: str, n: int = 3, cutoff: float = 85) -> list[tuple[Item, float]]:
        """Catalogue items whose name or alias is close to `name` in characters (in any
        order: "外科医用口罩" ~ "医用外科口罩") or in pinyin (a typo "丁睛" ~ "丁腈"), best
        first — never one of another category than the name's own words say, and never
        one that a distinguishing word tells apart (洗手液 is not a leave-on 免洗 gel)."""
        from rapidfuzz import fuzz

        key = match_key(_BRACKETED.sub("", name)) or match_key(name)
        if not key:
            return []
        if key in self._nearest:
            return self._nearest[key]
        category = guess_category(name)
        keys = self._names()
        if self._pinyin is None:
            self._pinyin = {k: _pinyin(k) for k in keys}
        spoken = _pinyin(key)
        ordered = "".join(sorted(key))
        scores: dict[int, float] = {}
        for candidate, item_id in keys.items():
            item = self.items[item_id]
            if category != ItemCategory.OTHER and item.category != category:
                continue
            if _told_apart(key, item):
                continue
            score = max(
                fuzz.ratio(key, candidate),
                0.95 * fuzz.ratio(ordered, "".join(sorted(candidate))),
                0.95 * fuzz.ratio(spoken, self._pinyin[candidate]),
                # "医用N95口罩" holds the whole alias "N95口罩" (not a bare "口罩")
                0.9 * fuzz.partial_ratio(candidate, key) if 4 <= len(candidate) < len(key) else 0,
            )
            if score >= cutoff and score > scores.get(item_id, 0):
                scores[item_id] = score
        best = sorted(scores.items(), key=lambda entry: -entry[1])[:n]
        self._nearest[key] = [(self.items[item_id], score) for item_id, score in best]
        return self._nearest[key]

    def _names(self) -> dict[str, int]:
        names: dict[str, int] = {}
        for key, item_id in [*self.by_alias.items(), *self.by_name.items()]:
            names.setdefault(key, item_id)
        return names

    def match_alternatives(self, name: str) -> Item | None:
        """ "N95口罩 / KN95口罩", "A | B", "A、B" in a needs list: either will do; the first
        alternative the catalogue knows."""
        item = self.match(name)
        if item is not None:
            return item
        for part in _ALTERNATIVES.split(name):
            if part.strip() and (item := self.match(part.strip())) is not None:
                return item
        return None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest catalogue names, best first."""
        names = {}
        for key, item_id in [*self.by_alias.items(), *self.by_name.items()]:
            names.setdefault(key, item_id)
        close = difflib.get_close_matches(match_key(name), list(names), n=n * 3, cutoff=0.4)
        suggestions: list[str] = []
        for key in close:
            label = self.items[names[key]].name_zh
            if label not in suggestions:
                suggestions.append(label)
        return suggestions[:n]

    def draft(self, name: str, base_unit: str) -> ItemDraft:
        key = match_key(name)
        if key not in self.drafts:
            self.drafts[key] = ItemDraft(
                name=name, category=guess_category(name), base_unit=base_unit or "个"
            )
        return self.drafts[key]


class UnitMatcher:
    """Served units by code, Chinese or English name; the organisation's own units first, so
    "玉林社区" means the one it serves when another city has one of the same name."""

    def __init__(self, organisation_id: int | None) -> None:
        served = set()
        if organisation_id is not None:
            served = set(
                ServedUnit.organisations.through.objects.filter(
                    organisation_id=organisation_id
                ).values_list("servedunit_id", flat=True)
            )
        self.units = {unit.pk: unit for unit in ServedUnit.objects.all()}
        self.by_key: dict[str, list[int]] = {}
        for unit in sorted(self.units.values(), key=lambda u: (u.pk not in served, u.pk)):
            for text in {unit.code, unit.name, unit.name_en}:
                if text:
                    self.by_key.setdefault(match_key(text), []).append(unit.pk)
        self.served = served

    def _within(self, unit_id: int, place: str) -> bool:
        """Whether the unit lies under a unit named `place` (its district, city…)."""
        key = match_key(place)
        unit = self.units.get(unit_id)
        seen = 0
        while unit is not None and unit.parent_id and seen < 10:
            unit = self.units.get(unit.parent_id)
            seen += 1
            if unit is not None and any(
                key and (key in match_key(t) or match_key(t) in key)
                for t in (unit.name, unit.code, unit.name_en)
                if t
            ):
                return True
        return False

    def match(self, name: str, place: str = "") -> tuple[ServedUnit | None, list[ServedUnit]]:
        """(the unit, []) or (None, the ambiguous candidates). With `place` (the sheet's
        district or city column) only units under that place count: a 江岸区 of another city
        is never taken for this one."""
        ids = list(dict.fromkeys(self.by_key.get(match_key(name), [])))
        if place:
            ids = [pk for pk in ids if self._within(pk, place)]
            if len(ids) == 1:
                return self.units[ids[0]], []
        own = [pk for pk in ids if pk in self.served]
        if len(own) == 1 or (len(ids) == 1):
            return self.units[(own or ids)[0]], []
        return None, [self.units[pk] for pk in (own or ids)]

    def suggest(self, name: str, n: int = 3) -> list[str]:
        close = difflib.get_close_matches(match_key(name), list(self.by_key), n=n, cutoff=0.5)
        return [self.units[self.by_key[key][0]].name for key in close]
