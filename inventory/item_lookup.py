"""What a person types in an item box, matched to the catalogue: code, Chinese or English
name, or a spreadsheet alias, ignoring full-/half-width, case, spaces and punctuation
(“ＫＮ９５”, “（KN95）” and “kn95” are the same). Several matches are offered, never guessed."""

import unicodedata

from inventory.models import Item, ItemAlias


def match_key(text: str) -> str:
    """Letters and digits only, NFKC-folded and case-folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


class ItemIndex:
    """The catalogue's names in match-key form, read once per page."""

    def __init__(self) -> None:
        self.items: dict[int, Item] = {i.pk: i for i in Item.objects.order_by("name_zh")}
        self.keys: dict[int, set[str]] = {}
        for item in self.items.values():
            self.keys[item.pk] = {match_key(n) for n in (item.code, item.name_zh, item.name_en)}
        for item_id, alias in ItemAlias.objects.values_list("item_id", "alias"):
            if item_id in self.keys:
                self.keys[item_id].add(match_key(alias))
        for keys in self.keys.values():
            keys.discard("")

    def candidates(self, text: str) -> list[Item]:
        """The one item the text names exactly, else every item whose names contain it."""
        code = text.split(" — ")[0].strip()
        by_code = next((i for i in self.items.values() if i.code == code), None)
        if by_code is not None:
            return [by_code]
        key = match_key(text)
        if not key:
            return []
        exact = [self.items[pk] for pk, keys in self.keys.items() if key in keys]
        if exact:
            return exact
        return [self.items[pk] for pk, keys in self.keys.items() if any(key in k for k in keys)]
