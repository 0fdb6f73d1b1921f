"""The item catalogue of the 2020 response, read from `data/items.csv`.

Codes are an explicit mapping rather than a transliteration: people type and bookmark them,
so they must stay stable when a Chinese name is reworded.
"""

from demo.world.csvdata import read_csv, split_list, yes
from inventory.models import Item, ItemAlias, ItemCategory, ItemPack

ITEM_CODES: dict[str, str] = {
    "医用防护口罩": "n95-mask",
    "医用外科口罩": "surgical-mask",
    "一次性使用医用口罩": "disposable-mask",
    "KN95口罩": "kn95-mask",
    "医用一次性防护服": "protective-suit",
    "隔离衣": "isolation-gown",
    "手术衣": "surgical-gown",
    "护目镜": "goggles",
    "防护面屏": "face-shield",
    "一次性医用帽": "medical-cap",
    "医用乳胶检查手套": "latex-gloves",
    "丁腈手套": "nitrile-gloves",
    "一次性鞋套": "shoe-covers",
    "防护靴套": "boot-covers",
    "84消毒液": "disinfectant-84",
    "75%酒精消毒液": "alcohol-75",
    "免洗手消毒凝胶": "hand-sanitiser",
    "过氧乙酸消毒剂": "peracetic-acid",
    "含氯消毒片": "chlorine-tablets",
    "喷雾消毒器": "sprayer",
    "紫外线消毒灯": "uv-lamp",
    "红外体温计": "infrared-thermometer",
    "电子体温计": "digital-thermometer",
    "指夹式脉搏血氧仪": "pulse-oximeter",
    "连花清瘟胶囊": "lianhua-qingwen",
    "预防中药汤剂": "herbal-decoction",
    "对乙酰氨基酚片": "paracetamol",
    "大米": "rice",
    "食用植物油": "cooking-oil",
    "挂面": "dried-noodles",
    "新鲜蔬菜包": "vegetable-pack",
    "鸡蛋": "eggs",
    "纯牛奶": "milk",
    "方便面": "instant-noodles",
    "饮用水": "drinking-water",
    "卫生纸": "toilet-paper",
    "垃圾袋": "rubbish-bags",
    "婴儿纸尿裤": "baby-diapers",
    "卫生巾": "sanitary-pads",
}


def parse_packs(cell: str) -> list[tuple[str, int]]:
    """ "盒=20;箱=400" → [("盒", 20), ("箱", 400)]; the same name may come twice (rice 袋)."""
    packs = []
    for part in split_list(cell):
        name, _sep, quantity = part.partition("=")
        packs.append((name.strip(), int(quantity)))
    return packs


def load_catalogue() -> dict[str, Item]:
    """Upsert every item with its packs and aliases; returns the items by code."""
    known_units = {row["unit_zh"] for row in read_csv("units.csv")}
    items: dict[str, Item] = {}
    for row in read_csv("items.csv"):
        name_zh = row["name_zh"]
        code = ITEM_CODES.get(name_zh)
        if code is None:
            # A new CSV row needs a deliberate code, not a guessed one.
            raise ValueError(f"items.csv: no code for {name_zh!r}; add it to ITEM_CODES")
        if row["category"] not in ItemCategory.values:
            raise ValueError(f"items.csv: {name_zh} has unknown category {row['category']!r}")
        packs = parse_packs(row["common_packs"])
        # Only the base unit is checked: pack words (把, 提…) are free text on the label.
        if row["base_unit"] not in known_units:
            raise ValueError(f"items.csv: {name_zh} has base unit {row['base_unit']!r}, unknown")
        item, _created = Item.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": row["name_en"],
                "category": row["category"],
                "base_unit": row["base_unit"],
                "standard": row["standard"],
                "expiry_tracked": yes(row["expiry_tracked"]),
            },
        )
        for pack_name, quantity in packs:
            ItemPack.objects.get_or_create(item=item, name=pack_name, quantity=quantity)
        _add_aliases(item, split_list(row["aliases_zh"]))
        items[code] = item
    return items


def _add_aliases(item: Item, aliases: list[str]) -> None:
    taken = dict(ItemAlias.objects.filter(alias__in=aliases).values_list("alias", "item_id"))
    for alias in aliases:
        # An alias is globally unique: one already naming another item (say, from an
        # import) stays with that item rather than failing the whole load.
        if alias not in taken:
            ItemAlias.objects.create(item=item, alias=alias)
            taken[alias] = item.pk
