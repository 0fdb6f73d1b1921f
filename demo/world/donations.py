"""The donations of 25 January – 9 February 2020, as they arrived.

The story: over the Spring Festival only a few dozen N95 masks and protective suits could be
found (surgical masks and disinfectant were easier); from 1 February larger consignments of
N95s and coveralls arrived from charities and overseas Chinese, and home-isolation food
became the bigger need. Quantities with a pack name count packs (see `items.csv`).
"""

from datetime import date
from typing import NamedTuple


class Line(NamedTuple):
    item: str
    quantity: int
    pack: str = ""
    pack_size: int | None = None  # only where the pack name is ambiguous (rice 袋 10/25 kg)
    batch: str = ""
    expiry: date | None = None


class DonationRow(NamedTuple):
    reference: str
    day: date
    site: str
    donor: str
    lines: list[Line]
    note: str = ""


D = date

# One donation per row, laid out as a table; ruff would spread each over a dozen lines.
# fmt: off
DONATIONS = [
    DonationRow("DEMO-2020-001", D(2020, 1, 25), "cd-wuhou-wh", "成都市慈善总会", [
        Line("surgical-mask", 5, "箱", batch="YY20200106", expiry=D(2022, 1, 5)),
        Line("disposable-mask", 3, "箱", batch="DM191220", expiry=D(2021, 12, 19)),
        Line("disinfectant-84", 10, "箱", batch="84-191115", expiry=D(2020, 11, 14)),
        Line("alcohol-75", 120, batch="JJ190301", expiry=D(2020, 2, 28)),
    ], "春节期间第一批防疫物资 / first supplies over the Spring Festival"),
    DonationRow("DEMO-2020-002", D(2020, 1, 26), "cd-wuhou-wh", "张先生（匿名捐赠）", [
        Line("n95-mask", 3, "盒", batch="N95-1909", expiry=D(2022, 9, 1)),
        Line("protective-suit", 10, batch="FHF-191210", expiry=D(2021, 12, 9)),
    ], "个人从药店库存中凑集 / gathered from pharmacy stock"),
    DonationRow("DEMO-2020-003", D(2020, 1, 27), "cd-gaoxin-wh", "四川安泰医疗用品有限公司", [
        Line("latex-gloves", 10, "盒", batch="RJ191018", expiry=D(2024, 10, 17)),
        Line("medical-cap", 5, "包", batch="MZ191101", expiry=D(2022, 10, 31)),
        Line("shoe-covers", 10, "包"),
        Line("goggles", 40),
    ]),
    DonationRow("DEMO-2020-004", D(2020, 1, 27), "wuhan-jianghan-wh", "深圳壹基金公益基金会", [
        Line("n95-mask", 5, "箱", batch="N95-1911W", expiry=D(2022, 11, 30)),
        Line("protective-suit", 5, "箱", batch="FHF-2001W", expiry=D(2021, 12, 31)),
        Line("isolation-gown", 2, "箱", batch="GLY-1912", expiry=D(2021, 10, 31)),
    ], "优先支援武汉一线 / Wuhan frontline first"),
    DonationRow("DEMO-2020-005", D(2020, 1, 28), "cd-wuhou-wh", "成都和美超市连锁有限公司", [
        Line("rice", 40, "袋", 25),
        Line("cooking-oil", 12, "箱", batch="CY1911", expiry=D(2021, 5, 31)),
        Line("instant-noodles", 30, "箱", batch="FBM200120", expiry=D(2020, 7, 20)),
        Line("drinking-water", 40, "箱", batch="KQS2001", expiry=D(2021, 1, 10)),
        Line("milk", 5, "箱", batch="NN191106", expiry=D(2020, 2, 5)),
    ], "居家隔离家庭生活物资 / for households in isolation"),
    DonationRow("DEMO-2020-006", D(2020, 1, 28), "cd-gaoxin-wh", "李女士", [
        Line("hand-sanitiser", 2, "箱", batch="MX1910", expiry=D(2022, 6, 30)),
        Line("infrared-thermometer", 5),
    ]),
    DonationRow("DEMO-2020-007", D(2020, 1, 29), "csf-beijing-wh", "腾讯公益慈善基金会", [
        Line("surgical-mask", 10, "箱", batch="YY20200112", expiry=D(2022, 1, 12)),
        Line("infrared-thermometer", 2, "箱"),
    ]),
    DonationRow("DEMO-2020-008", D(2020, 1, 29), "cd-wuhou-wh", "旅美四川同乡联谊会", [
        Line("kn95-mask", 20, "盒", batch="KN-1912", expiry=D(2022, 12, 1)),
        Line("protective-suit", 20, batch="FHF-1912US", expiry=D(2022, 1, 15)),
        # The overseas cartons carried no expiry label: the lot is tracked without one.
        Line("nitrile-gloves", 4, "盒"),
    ], "海外华人华侨首批捐赠 / first overseas consignment"),
    DonationRow("DEMO-2020-009", D(2020, 1, 30), "cd-wuhou-wh", "成都市民政局", [
        Line("disinfectant-84", 20, "箱", batch="84-200110", expiry=D(2021, 1, 9)),
        Line("chlorine-tablets", 2, "箱", batch="XDP1912", expiry=D(2021, 12, 31)),
        Line("sprayer", 10),
    ]),
    DonationRow("DEMO-2020-010", D(2020, 1, 30), "gz-tianhe-wh", "广州南粤物流有限公司", [
        Line("surgical-mask", 20, "箱", batch="YY20200120", expiry=D(2022, 1, 20)),
        Line("face-shield", 1, "箱"),
    ]),
    DonationRow("DEMO-2020-011", D(2020, 1, 31), "cd-gaoxin-wh", "成都锦程粮油有限公司", [
        Line("rice", 100, "袋", 10),
        Line("dried-noodles", 50, "箱", batch="GM200105", expiry=D(2020, 12, 31)),
        Line("cooking-oil", 10, "箱", batch="CY2001", expiry=D(2021, 7, 31)),
    ]),
    DonationRow("DEMO-2020-012", D(2020, 1, 31), "sh-jingan-wh", "腾讯公益慈善基金会", [
        Line("hand-sanitiser", 20, "箱", batch="MX2001", expiry=D(2022, 1, 31)),
        Line("alcohol-75", 10, "箱", batch="JJ200102", expiry=D(2021, 12, 31)),
    ]),
    DonationRow("DEMO-2020-013", D(2020, 2, 1), "cd-wuhou-wh", "深圳壹基金公益基金会", [
        Line("n95-mask", 10, "箱", batch="N95-2001A", expiry=D(2023, 1, 10)),
        Line("protective-suit", 10, "箱", batch="FHF-2001A", expiry=D(2022, 1, 20)),
        Line("goggles", 1, "箱"),
    ], "第一批大宗N95口罩和防护服 / first large N95 and coverall consignment"),
    DonationRow("DEMO-2020-014", D(2020, 2, 2), "cd-jinniu-dp", "成都市慈善总会", [
        Line("disposable-mask", 5, "箱", batch="DM200115", expiry=D(2022, 1, 15)),
        Line("vegetable-pack", 300, batch="SC0202", expiry=D(2020, 2, 6)),
        Line("eggs", 20, "盒", batch="JD0131", expiry=D(2020, 3, 1)),
    ]),
    DonationRow("DEMO-2020-015", D(2020, 2, 2), "cd-gaoxin-wh", "王先生", [
        Line("vegetable-pack", 200, batch="SC0202B", expiry=D(2020, 2, 5)),
        Line("eggs", 20, "盒", batch="JD0130", expiry=D(2020, 2, 29)),
    ]),
    DonationRow("DEMO-2020-016", D(2020, 2, 3), "cd-wuhou-wh", "旅美四川同乡联谊会", [
        Line("n95-mask", 15, "箱", batch="N95-2001US", expiry=D(2023, 1, 20)),
        Line("protective-suit", 15, "箱", batch="FHF-2001US", expiry=D(2022, 1, 25)),
        Line("isolation-gown", 5, "箱", batch="GLY-2001", expiry=D(2021, 12, 31)),
    ], "海外华人华侨第二批捐赠 / second overseas consignment"),
    DonationRow("DEMO-2020-017", D(2020, 2, 4), "cd-wuhou-wh", "四川安泰医疗用品有限公司", [
        Line("surgical-mask", 25, "箱", batch="YY20200130", expiry=D(2022, 1, 30)),
        Line("latex-gloves", 10, "箱", batch="RJ200110", expiry=D(2024, 12, 31)),
        Line("shoe-covers", 20, "包"),
        Line("boot-covers", 10, "包"),
    ]),
    DonationRow("DEMO-2020-018", D(2020, 2, 5), "cd-gaoxin-wh", "成都市慈善总会", [
        Line("lianhua-qingwen", 2, "箱", batch="LH1911", expiry=D(2021, 10, 31)),
        # Decoctions are brewed for the day: a short life by nature.
        Line("herbal-decoction", 10, "箱", batch="ZY0204", expiry=D(2020, 2, 15)),
        Line("paracetamol", 100),
    ], "中医药预防物资 / herbal prevention supplies"),
    DonationRow("DEMO-2020-019", D(2020, 2, 5), "wuhan-tangjiadun-dp", "深圳壹基金公益基金会", [
        Line("rice", 60, "袋", 10),
        Line("milk", 30, "箱", batch="NN200115", expiry=D(2020, 7, 31)),
        Line("baby-diapers", 100),
        Line("sanitary-pads", 300),
    ], "武汉社区居家隔离家庭 / Wuhan households in isolation"),
    DonationRow("DEMO-2020-020", D(2020, 2, 6), "cd-wuhou-wh", "腾讯公益慈善基金会", [
        Line("digital-thermometer", 20, "盒"),
        Line("pulse-oximeter", 20),
        Line("uv-lamp", 5),
        Line("peracetic-acid", 5, "箱", batch="GY200105", expiry=D(2020, 8, 5)),
    ]),
    DonationRow("DEMO-2020-021", D(2020, 2, 7), "cd-gaoxin-wh", "成都和美超市连锁有限公司", [
        Line("toilet-paper", 30, "提"),
        Line("rubbish-bags", 500),
        Line("baby-diapers", 60),
        Line("sanitary-pads", 200),
    ]),
    DonationRow("DEMO-2020-022", D(2020, 2, 8), "cd-wuhou-wh", "深圳壹基金公益基金会", [
        Line("n95-mask", 20, "箱", batch="N95-2002B", expiry=D(2023, 2, 1)),
        Line("protective-suit", 20, "箱", batch="FHF-2002B", expiry=D(2022, 2, 1)),
        Line("kn95-mask", 10, "箱", batch="KN-2002", expiry=D(2023, 1, 31)),
        Line("face-shield", 2, "箱"),
        Line("surgical-gown", 1, "箱", batch="SSY2001", expiry=D(2022, 1, 31)),
    ], "第二批大宗防护物资 / second large protective consignment"),
    DonationRow("DEMO-2020-023", D(2020, 2, 8), "csf-beijing-wh", "深圳壹基金公益基金会", [
        Line("n95-mask", 10, "箱", batch="N95-2002C", expiry=D(2023, 2, 5)),
        Line("protective-suit", 10, "箱", batch="FHF-2002C", expiry=D(2022, 2, 5)),
    ]),
    DonationRow("DEMO-2020-024", D(2020, 2, 9), "cd-gaoxin-wh", "成都锦程粮油有限公司", [
        Line("rice", 80, "袋", 25),
        Line("cooking-oil", 20, "箱", batch="CY2002", expiry=D(2021, 8, 31)),
        Line("drinking-water", 50, "箱", batch="KQS2002", expiry=D(2021, 2, 1)),
    ]),
    DonationRow("DEMO-2020-025", D(2020, 2, 9), "cd-jinniu-dp", "赵女士", [
        Line("milk", 10, "箱", batch="NN200120", expiry=D(2020, 8, 1)),
        Line("instant-noodles", 10, "箱", batch="FBM200201", expiry=D(2020, 8, 1)),
    ]),
    DonationRow("DEMO-2020-026", D(2020, 2, 9), "cd-gaoxin-wh", "成都市民政局", [
        Line("alcohol-75", 10, "箱", batch="JJ200201", expiry=D(2022, 1, 31)),
        Line("hand-sanitiser", 5, "箱", batch="MX2002", expiry=D(2022, 2, 28)),
    ]),
]
# fmt: on
