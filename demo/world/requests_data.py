"""The requests and deliveries of 26 January – 9 February 2020 at the Chengdu centre.

The story: over the Spring Festival the Wuhou warehouse held 60 N95 masks and 30 coveralls,
so the clinics and the hospital got partial approvals and a few dozen at a time. The first
large consignment (1 February) went to the front line and the street offices' grid workers
within two days; the High-tech Zone point's share (3 February) was split by the fair-share
planner; the second overseas consignment (3 February, evening) topped everyone up. From
then on the requests are mostly food for households in isolation and thermometers, and on
9 February some are still waiting, on the road (one van of 6 February never confirmed), or
being drafted, and thermometers and oximeters are short: a fever clinic's critical request
and a street's normal one wait for the planner. Two villages' requests of late January were
never looked at: the units nobody watched. (`clock` tells the story with today as its last
day.)

Times are Beijing time, "MM-DD HH:MM" in 2020. Quantities are in base units (只, 件, 瓶, 千克).
"""

from typing import NamedTuple

WUHOU, GAOXIN = "cd-wuhou-wh", "cd-gaoxin-wh"


class Ask(NamedTuple):
    """A request as its community worker drafted it (and sent it, unless `submitted` is None)."""

    key: str  # stable: starts the request's reason, so a second load can find the story
    unit: str
    by: str
    priority: str
    people: int
    needed_by: str  # "MM-DD"
    created: str
    submitted: str | None
    lines: dict[str, int | None]  # None: "we need some, we don't know how many"
    reason: str


class Approve(NamedTuple):
    at: str
    request: str
    quantities: dict[str, int]  # lines not named are approved as asked
    note: str = ""


class Reject(NamedTuple):
    at: str
    request: str
    reason: str


class Allocate(NamedTuple):
    at: str
    request: str
    site: str
    quantities: dict[str, int | None]  # None: whatever is approved and not yet allocated


class Plan(NamedTuple):
    """The coordinator runs the fair-share planner and commits its proposal as it stands."""

    at: str
    items: tuple[str, ...]
    sites: tuple[str, ...]


class Short(NamedTuple):
    item: str
    quantity: int
    reason: str  # lost, damaged, returned
    note: str


class Trip(NamedTuple):
    """A shipment: planned at `created`, on the road at `dispatched`, confirmed at `delivered`."""

    key: str
    request: str  # goes to this request's unit with everything reserved for it at `site`
    site: str
    created: str
    dispatched: str | None = None
    delivered: str | None = None
    by: str = ""  # who confirms the delivery
    short: tuple[Short, ...] = ()


class CancelTrip(NamedTuple):
    at: str
    trip: str
    note: str


class Close(NamedTuple):
    at: str
    request: str
    reason: str


class Cancel(NamedTuple):
    at: str
    request: str
    by: str
    note: str


Event = Approve | Reject | Allocate | Plan | Trip | CancelTrip | Close | Cancel

# The centre's two hired vans and a volunteer's pick-up; phone numbers are masked.
VANS = [
    ("川A·5K721", "刘师傅", "139****0521"),
    ("川A·3D086", "陈师傅", "138****7716"),
    ("川A·9F352", "志愿者 王磊", "136****2048"),
]

N95, SUIT, SURGICAL, DISPOSABLE = "n95-mask", "protective-suit", "surgical-mask", "disposable-mask"
D84, ALCOHOL, RICE, OIL, VEG, EGGS = (
    "disinfectant-84",
    "alcohol-75",
    "rice",
    "cooking-oil",
    "vegetable-pack",
    "eggs",
)
LATEX, IR, THERMO = "latex-gloves", "infrared-thermometer", "digital-thermometer"
OXIMETER = "pulse-oximeter"

# fmt: off
ASKS = [
    Ask("R01", "cd-wuhou-yulin-chc", "worker4", "critical", 160, "01-27", "01-26 09:20", "01-26 09:40", {N95: 500, SUIT: 50, SURGICAL: 1000, D84: 60}, "发热门诊和预检分诊医护人员防护 / fever clinic and triage staff"),  # noqa: E501
    Ask("R02", "cd-qionglai-hospital", "worker5", "critical", 1100, "01-28", "01-26 10:30", "01-26 11:00", {N95: 2000, SUIT: 200, D84: 100, LATEX: 500, "goggles": None}, "发热门诊和隔离病区 / fever clinic and isolation ward"),  # noqa: E501
    Ask("R03", "cd-chenghua-mengzhuiwan-chc", "worker6", "critical", 140, "01-28", "01-27 08:50", "01-27 09:10", {N95: 600, SUIT: 60, ALCOHOL: 48}, "预检分诊和隔离户上门随访 / triage, and home visits to isolated residents"),  # noqa: E501
    Ask("R04", "cd-wuhou-yulin-beilu", "worker", "high", 80, "01-28", "01-27 10:00", "01-27 10:20", {SURGICAL: 1000, D84: 40, ALCOHOL: 24}, "小区卡口值守和楼道消杀 / gate checkpoints and stairwell disinfection"),  # noqa: E501
    Ask("R05", "cd-gaoxin-xiaojiahe", "worker7", "high", 300, "01-29", "01-28 09:30", "01-28 10:00", {N95: 800, SURGICAL: 2000, D84: 60, IR: 10}, "网格员入户排查 / grid workers' door-to-door screening"),  # noqa: E501
    Ask("R06", "cd-qionglai-pingle-huaqiu", "worker3", "normal", 2900, "02-01", "01-28 11:00", "01-28 11:30", {DISPOSABLE: 2000, D84: 30, RICE: 250, OIL: 20}, "村口劝返点和困难家庭 / the village checkpoint, and families in need"),  # noqa: E501
    Ask("R07", "cd-chenghua-mengzhuiwan-wangping", "worker2", "normal", 120, "01-30", "01-28 14:00", "01-28 14:30", {SURGICAL: 1000, DISPOSABLE: 1000, D84: 30, RICE: 200, OIL: 10}, "卡口防护和居家隔离户生活物资 / checkpoints, and food for households in isolation"),  # noqa: E501
    Ask("R08", "cd-gaoxin-guixi", "worker8", "high", 420, "01-30", "01-29 09:00", "01-29 09:20", {N95: 1000, SUIT: 40, SURGICAL: 2000, DISPOSABLE: 1000, D84: 80}, "网格员排查和疑似病例转运 / grid screening and taking suspected cases to hospital"),  # noqa: E501
    Ask("R09", "cd-jinniu-youth-volunteers", "worker9", "normal", 240, "01-30", "01-29 10:00", "01-29 10:30", {SUIT: 200, SURGICAL: 2000}, "卡口志愿者防护 / protection for checkpoint volunteers"),  # noqa: E501
    Ask("R10", "cd-jinniu-youth-volunteers", "worker9", "normal", 240, "01-31", "01-29 16:00", "01-29 16:10", {DISPOSABLE: 2000, "nitrile-gloves": 100}, "卡口志愿者（按协调员建议重新申请）/ checkpoint volunteers, asked again as advised"),  # noqa: E501
    Ask("R11", "cd-dayi-anren-dongchang", "worker11", "normal", 3100, "02-02", "01-30 09:00", "01-30 10:00", {DISPOSABLE: 1000, D84: 40, RICE: 300}, "村卡口和留守老人 / the village checkpoint and elderly people living alone"),  # noqa: E501
    Ask("R12", "cd-wuhou-cuqiao", "worker10", "normal", 260, "02-01", "01-30 09:30", "01-30 10:00", {N95: 600, SUIT: 20, SURGICAL: 2000, D84: 60, "chlorine-tablets": 20}, "网格员排查、转运和公共区域消杀 / grid screening, transfers, disinfecting public areas"),  # noqa: E501
    Ask("R13", "cd-gaoxin-xiaojiahe-zijing", "worker7", "normal", 120, "02-01", "01-30 11:00", "01-30 11:20", {RICE: 300, OIL: 20, "instant-noodles": 240, VEG: None}, "42户居家隔离家庭生活物资 / food for 42 households in isolation"),  # noqa: E501
    Ask("R14", "cd-gaoxin-guixi-tianfu", "worker8", "normal", 320, "02-03", "02-01 09:00", "02-01 09:30", {N95: 300, DISPOSABLE: 1000, D84: 40}, "物业和网格员入户 / property staff and grid workers on home visits"),  # noqa: E501
    Ask("R15", "cd-wuhou-cuqiao-gaobei", "worker10", "normal", 260, "02-03", "02-01 10:00", "02-01 10:30", {N95: 300, ALCOHOL: 24, D84: 30}, "入户排查和卡口 / door-to-door screening and checkpoints"),  # noqa: E501
    Ask("R16", "cd-gaoxin-xiaojiahe-shenxianshu", "worker7", "normal", 150, "02-03", "02-01 14:00", "02-01 14:20", {N95: 200, VEG: 60, EGGS: 200}, "网格员和居家隔离家庭 / grid workers, and households in isolation"),  # noqa: E501
    Ask("R17", "cd-wuhou-yulin-chc", "worker4", "critical", 60, "02-03", "02-02 08:30", "02-02 08:40", {SUIT: 60, N95: None, "isolation-gown": 100}, "新设集中医学观察点 / a new centralised medical observation point"),  # noqa: E501
    Ask("R18", "cd-dayi-anren-xinhua", "worker11", "normal", 2700, "02-04", "02-02 10:00", "02-02 10:30", {RICE: 300, OIL: 10}, "留守老人和困难家庭 / elderly people living alone and families in need"),  # noqa: E501
    Ask("R19", "cd-wuhou-yulin-beilu", "worker", "normal", 130, "02-04", "02-02 11:00", "02-02 11:30", {VEG: 40, EGGS: 150, RICE: 200}, "46户居家隔离家庭 / 46 households in isolation"),  # noqa: E501
    Ask("R20", "cd-gaoxin-guixi-heping", "worker8", "normal", 280, "02-04", "02-02 14:00", "02-02 14:20", {N95: 250, D84: 40}, "网格员入户排查 / grid workers' door-to-door screening"),  # noqa: E501
    Ask("R21", "cd-wuhou-cuqiao-qili", "worker10", "normal", 150, "02-06", "02-04 09:00", "02-04 09:30", {LATEX: 200, SURGICAL: 3000}, "复工企业和小区卡口 / reopening businesses and gate checkpoints"),  # noqa: E501
    Ask("R22", "cd-chenghua-mengzhuiwan-wangping", "worker2", "normal", 60, "02-07", "02-05 09:00", None, {RICE: 100, EGGS: 60}, "居家隔离户 / households in isolation"),  # noqa: E501
    Ask("R23", "cd-gaoxin-guixi-guixi", "worker8", "high", 200, "02-08", "02-05 10:00", "02-05 10:20", {IR: 20, THERMO: 50}, "卡口测温和居家隔离户每日测温 / temperature checks at gates and in isolated homes"),  # noqa: E501
    Ask("R24", "cd-jinniu-youth-volunteers", "worker9", "normal", 240, "02-07", "02-05 14:00", "02-05 14:10", {"pulse-oximeter": 20, "paracetamol": 100}, "独居老人健康监测 / health checks on elderly people living alone"),  # noqa: E501
    Ask("R25", "cd-wuhou-cuqiao", "worker10", "high", 260, "02-06", "02-05 11:00", "02-05 11:20", {D84: 100, "sprayer": 5, "chlorine-tablets": 30}, "农贸市场和公共区域每日消杀 / daily disinfection of markets and public areas"),  # noqa: E501
    Ask("R26", "cd-wuhou-yulin-beilu", "worker", "normal", 130, "02-10", "02-07 09:00", "02-07 09:20", {RICE: 200, OIL: 10, THERMO: 30}, "居家隔离家庭第二批 / households in isolation, second round"),  # noqa: E501
    Ask("R27", "cd-gaoxin-xiaojiahe-zijing", "worker7", "normal", 120, "02-10", "02-08 09:00", "02-08 09:30", {THERMO: 20, "hand-sanitiser": 24}, "居家隔离户每日测温 / daily temperature checks in isolated homes"),  # noqa: E501
    Ask("R28", "cd-chenghua-mengzhuiwan-wangping", "worker2", "normal", 120, "02-11", "02-09 10:00", "02-09 10:30", {THERMO: 20, RICE: 150, OIL: 10, EGGS: 90}, "居家隔离户第二批 / households in isolation, second round"),  # noqa: E501
    Ask("R29", "cd-gaoxin-guixi-fucheng", "worker8", "normal", 140, "02-11", "02-08 14:00", "02-08 14:20", {RICE: 300, OIL: 20}, "居家隔离家庭生活物资 / food for households in isolation"),  # noqa: E501
    Ask("R30", "cd-wuhou-cuqiao-jincheng", "worker10", "normal", 180, "02-11", "02-08 15:00", "02-08 15:10", {N95: 300, SURGICAL: 3000}, "复工复产防护 / protection as work restarts"),  # noqa: E501
    Ask("R31", "cd-wuhou-cuqiao-gaobei", "worker10", "normal", 260, "02-10", "02-08 09:00", "02-08 09:20", {"kn95-mask": 1000, LATEX: 300}, "复工企业防护 / protection for reopening businesses"),  # noqa: E501
    Ask("R32", "cd-gaoxin-xiaojiahe-xiaojiahe", "worker7", "normal", 110, "02-10", "02-08 10:00", "02-08 10:10", {RICE: 300, OIL: 20, "toilet-paper": 50}, "居家隔离家庭生活物资 / food and necessities for households in isolation"),  # noqa: E501
    Ask("R33", "cd-gaoxin-guixi-heping", "worker8", "normal", 0, "02-12", "02-09 11:00", None, {EGGS: None, VEG: None}, "居家隔离家庭（户数待核实）/ households in isolation, number being checked"),  # noqa: E501
    Ask("R34", "cd-wuhou-yulin-beilu", "worker", "normal", 130, "02-12", "02-09 17:00", None, {RICE: 300, EGGS: None, "sanitary-pads": 50}, "居家隔离家庭第三批 / households in isolation, third round"),  # noqa: E501
    # The last afternoon: thermometers and oximeters run out, and a critical request and a
    # normal one compete for them (the planner's work, waiting for the coordinator).
    Ask("R35", "cd-wuhou-yulin-chc", "worker4", "critical", 160, "02-10", "02-09 14:00", "02-09 14:10", {IR: 3, OXIMETER: 15}, "发热门诊预检分诊：测温和血氧监测 / fever clinic triage: temperature and oxygen checks"),  # noqa: E501
    Ask("R36", "cd-gaoxin-guixi-guixi", "worker8", "normal", 200, "02-11", "02-09 09:00", "02-09 09:20", {IR: 5, OXIMETER: 10}, "卡口测温和独居老人血氧监测 / gate temperature checks, oxygen checks for elderly people living alone"),  # noqa: E501
]

SCARCE = "N95和防护服严重短缺：先批部分数量，到货后陆续配送 / N95s and coveralls are very short: part approved now, delivered as consignments arrive"  # noqa: E501

STORY: list[Event] = [
    Approve("01-26 15:00", "R01", {N95: 200, SUIT: 20}, SCARCE),
    Allocate("01-26 15:10", "R01", WUHOU, {N95: 30, SUIT: 5, SURGICAL: 1000, D84: 60}),
    Trip("S01", "R01", WUHOU, "01-26 15:30", "01-26 16:00", "01-26 17:10", "worker4"),
    Approve("01-26 18:30", "R02", {N95: 1200, SUIT: 100, "goggles": 20}, SCARCE),
    Allocate("01-27 09:00", "R02", WUHOU, {N95: 20, SUIT: 5, D84: 100}),
    Trip("S02", "R02", WUHOU, "01-27 09:30", "01-27 10:00", "01-27 12:20", "worker5"),
    Approve("01-27 11:00", "R03", {N95: 300, SUIT: 30}, SCARCE),
    Allocate("01-27 11:10", "R03", WUHOU, {N95: 10, ALCOHOL: 48}),
    Trip("S03", "R03", WUHOU, "01-27 11:40", "01-27 12:00", "01-27 13:40", "worker6"),
    Allocate("01-27 12:30", "R02", GAOXIN, {LATEX: 500, "goggles": 20}),
    Trip("S04", "R02", GAOXIN, "01-27 13:00", "01-27 13:30", "01-27 15:40", "coordinator"),
    Approve("01-27 15:00", "R04", {}),
    Allocate("01-27 15:10", "R04", WUHOU, {SURGICAL: 1000, D84: 40, ALCOHOL: 24}),
    Trip("S05", "R04", WUHOU, "01-27 16:00", "01-27 16:20", "01-27 17:00", "worker"),
    Approve("01-28 15:00", "R05", {N95: 600, IR: 2}, "额温枪全市断货，先调2支 / infrared thermometers are sold out across the city: 2 for now"),  # noqa: E501
    Allocate("01-28 15:10", "R05", WUHOU, {SURGICAL: 2000, D84: 60}),
    Allocate("01-28 15:20", "R05", GAOXIN, {IR: 2}),
    Trip("S06", "R05", WUHOU, "01-28 15:40", "01-28 16:00", "01-28 17:00", "worker7"),
    Trip("S07", "R05", GAOXIN, "01-28 15:50", "01-28 16:10", "01-28 17:10", "worker7"),
    Approve("01-28 17:30", "R07", {}),
    Allocate("01-28 17:40", "R07", WUHOU, {SURGICAL: 1000, DISPOSABLE: 1000, D84: 30, RICE: 200, OIL: 10}),  # noqa: E501
    Trip("S08", "R07", WUHOU, "01-29 08:30", "01-29 09:00", "01-29 10:30", "worker2"),
    Approve("01-29 14:00", "R08", {N95: 800}, SCARCE),
    Allocate("01-29 14:10", "R08", WUHOU, {SURGICAL: 2000, DISPOSABLE: 1000}),
    Trip("S09", "R08", WUHOU, "01-29 14:30", "01-29 15:00", "01-29 16:00", "worker8"),
    Reject("01-29 15:10", "R09", "防护服只供医护人员和转运人员使用；卡口志愿者请改申请一次性口罩和手套 / coveralls are kept for medical and transfer staff: please ask again for masks and gloves for checkpoint volunteers"),  # noqa: E501
    Allocate("01-29 17:30", "R02", WUHOU, {SUIT: 10}),
    Allocate("01-29 17:35", "R03", WUHOU, {SUIT: 10}),
    Trip("S10", "R02", WUHOU, "01-29 17:50", "01-30 08:00", "01-30 10:20", "worker5"),
    Trip("S11", "R03", WUHOU, "01-29 18:00", "01-30 08:30", "01-30 09:40", "worker6"),
    Approve("01-30 10:00", "R10", {}),
    Allocate("01-30 10:10", "R10", WUHOU, {DISPOSABLE: 2000, "nitrile-gloves": 100}),
    Trip("S12", "R10", WUHOU, "01-30 10:40", "01-30 11:00", "01-30 12:30", "worker9"),
    Approve("01-30 14:00", "R12", {N95: 400, SUIT: 15}, SCARCE),
    Allocate("01-30 14:10", "R12", WUHOU, {SURGICAL: 2000, D84: 60, "chlorine-tablets": 20}),
    Trip("S13", "R12", WUHOU, "01-30 14:30", "01-30 15:00", "01-30 16:00", "worker10"),
    Allocate("01-30 16:30", "R08", WUHOU, {D84: 80}),
    Approve("01-31 09:00", "R13", {VEG: 100}, "蔬菜包按隔离户数核定为100份 / vegetable packs set at 100 from the number of isolated households"),  # noqa: E501
    Allocate("01-31 09:10", "R13", WUHOU, {RICE: 300, OIL: 20, "instant-noodles": 240}),
    Trip("S14", "R08", WUHOU, "01-31 09:30", "01-31 10:00", "01-31 11:00", "worker8", (Short(D84, 6, "damaged", "6瓶运输途中破损渗漏 / 6 bottles broke and leaked on the way"),)),  # noqa: E501
    Trip("S15", "R13", WUHOU, "01-31 10:00", "01-31 10:20", "01-31 11:30", "worker7"),
    # 1 February: the first large consignment; the front line first, then the grid workers.
    Allocate("02-01 14:00", "R01", WUHOU, {N95: 170, SUIT: 15}),
    Allocate("02-01 14:05", "R02", WUHOU, {N95: 900, SUIT: 60}),
    Allocate("02-01 14:10", "R03", WUHOU, {N95: 240, SUIT: 10}),
    Trip("S16", "R01", WUHOU, "02-01 14:30", "02-01 15:00", "02-01 15:40", "worker4"),
    Trip("S17", "R02", WUHOU, "02-01 14:40", "02-01 15:10", "02-01 17:30", "worker5"),
    Trip("S18", "R03", WUHOU, "02-01 14:50", "02-01 15:20", "02-01 16:10", "worker6"),
    Allocate("02-01 16:30", "R05", WUHOU, {N95: 600}),
    Trip("S19", "R05", WUHOU, "02-01 16:50", "02-01 17:10", "02-01 18:00", "worker7"),
    Allocate("02-01 17:00", "R08", WUHOU, {N95: 500, SUIT: 40, D84: 6}),
    Trip("S20", "R08", WUHOU, "02-01 17:20", "02-01 17:40", "02-01 18:30", "worker8"),
    Allocate("02-02 09:30", "R12", WUHOU, {N95: 400, SUIT: 15}),
    Trip("S21", "R12", WUHOU, "02-02 10:00", "02-02 10:20", "02-02 11:30", "worker10"),
    Approve("02-02 10:00", "R14", {}),
    Allocate("02-02 10:10", "R14", WUHOU, {DISPOSABLE: 1000, D84: 40}),
    Trip("S22", "R14", WUHOU, "02-02 10:40", "02-02 11:00", "02-02 12:00", "worker8"),
    Approve("02-02 11:00", "R15", {}),
    Allocate("02-02 11:10", "R15", WUHOU, {ALCOHOL: 24, D84: 30}),
    Trip("S23", "R15", WUHOU, "02-02 11:40", "02-02 12:00", "02-02 13:00", "worker10"),
    Approve("02-02 14:00", "R16", {VEG: 40}, "蔬菜包只有200份，按隔离户数分配 / only 200 vegetable packs, shared by households in isolation"),  # noqa: E501
    Approve("02-02 14:30", "R17", {SUIT: 40, N95: 200}, SCARCE),
    Allocate("02-02 14:40", "R17", WUHOU, {N95: 190}),
    Trip("S24", "R17", WUHOU, "02-02 15:00", "02-02 15:20", "02-02 16:00", "worker4"),
    Allocate("02-02 16:00", "R13", GAOXIN, {VEG: 100}),
    Allocate("02-02 16:10", "R16", GAOXIN, {VEG: 40, EGGS: 200}),
    Approve("02-02 16:20", "R19", {VEG: 30}, "蔬菜包只有200份，按隔离户数分配 / only 200 vegetable packs, shared by households in isolation"),  # noqa: E501
    Allocate("02-02 16:30", "R19", GAOXIN, {VEG: 30, EGGS: 150}),
    Allocate("02-02 16:35", "R19", WUHOU, {RICE: 200}),
    Trip("S25", "R19", WUHOU, "02-02 17:00", "02-02 17:20", "02-02 18:00", "worker"),
    Trip("S26", "R13", GAOXIN, "02-02 17:10", "02-03 08:30", "02-03 10:00", "worker7", (Short(VEG, 20, "returned", "20户已解除隔离，多出的蔬菜包退回分发点 / 20 households came out of isolation: their packs went back"),)),  # noqa: E501
    Trip("S27", "R16", GAOXIN, "02-02 17:20", "02-03 08:40", "02-03 09:30", "worker7"),
    Trip("S28", "R19", GAOXIN, "02-02 17:30", "02-03 08:50", "02-03 10:10", "worker"),
    Approve("02-03 09:00", "R20", {}),
    Allocate("02-03 09:10", "R20", WUHOU, {D84: 40}),
    Approve("02-03 10:00", "R18", {}),
    Allocate("02-03 10:10", "R18", WUHOU, {RICE: 300, OIL: 10}),
    # 3 February: Wuhou's N95s and coveralls are all promised; the High-tech Zone point has
    # just received 1,000 and 60 by transfer. Everyone still waiting gets a fair share.
    Plan("02-03 15:00", (N95, SUIT), (GAOXIN,)),
    Trip("S29", "R02", GAOXIN, "02-03 15:30", "02-03 16:00", "02-03 18:20", "worker5"),
    Trip("S30", "R03", GAOXIN, "02-03 15:35", "02-03 16:05", "02-03 17:30", "worker6"),
    Trip("S31", "R17", GAOXIN, "02-03 15:40", "02-03 16:10", "02-03 17:00", "worker4"),
    Trip("S32", "R08", GAOXIN, "02-03 15:45", "02-03 16:15", "02-03 16:50", "worker8"),
    Trip("S33", "R16", GAOXIN, "02-03 15:50", "02-04 08:30", "02-04 09:10", "worker7"),
    Trip("S34", "R14", GAOXIN, "02-03 15:55", "02-04 08:40", "02-04 09:20", "worker8"),
    Trip("S35", "R20", GAOXIN, "02-03 16:00", "02-04 08:50", "02-04 09:40", "worker8"),
    Trip("S36", "R15", GAOXIN, "02-03 16:05", "02-04 09:00", "02-04 10:00", "worker10"),
    # The second overseas consignment reached Wuhou at 16:30: top everyone up.
    Cancel("02-04 08:30", "R18", "coordinator", "大邑县民政局已直接向新华村配送米油，预留库存释放给其他社区 / the county's civil affairs bureau supplied the village directly; the reserved stock goes to others"),  # noqa: E501
    Close("02-04 10:30", "R13", "余下20份蔬菜包不再需要：这些家庭已解除隔离 / the last 20 vegetable packs are not needed: those households are out of isolation"),  # noqa: E501
    Allocate("02-04 11:00", "R14", WUHOU, {N95: None}),
    Allocate("02-04 11:05", "R15", WUHOU, {N95: None}),
    Allocate("02-04 11:10", "R20", WUHOU, {N95: None}),
    Allocate("02-04 11:15", "R17", WUHOU, {SUIT: None, "isolation-gown": 100}),
    Trip("S37", "R14", WUHOU, "02-04 13:00", "02-04 13:30", "02-04 14:30", "worker8"),
    Trip("S38", "R15", WUHOU, "02-04 13:10", "02-04 13:40", "02-04 14:20", "worker10"),
    Trip("S39", "R20", WUHOU, "02-04 13:20", "02-04 13:50", "02-04 15:00", "worker8"),
    Trip("S40", "R17", WUHOU, "02-04 13:30", "02-04 14:00", "02-04 14:40", "worker4"),
    Approve("02-04 15:00", "R21", {}),
    Allocate("02-04 15:10", "R21", WUHOU, {LATEX: 200, SURGICAL: 3000}),
    Trip("S41", "R21", WUHOU, "02-04 15:30", "02-04 16:00", "02-04 17:00", "worker10"),
    Close("02-05 09:00", "R16", "街道已统一为网格员配发N95，余下部分不再单独配送 / the street office now issues N95s to all grid workers; the rest will not be sent separately"),  # noqa: E501
    Cancel("02-05 09:20", "R22", "worker2", "重复填写，已并入上一张申请 / a duplicate: merged into the earlier request"),  # noqa: E501
    Approve("02-05 15:00", "R25", {}),
    Allocate("02-05 15:10", "R25", WUHOU, {D84: 100, "sprayer": 5, "chlorine-tablets": 30}),
    Trip("S42", "R25", WUHOU, "02-06 08:30"),
    Reject("02-06 10:00", "R24", "药品和血氧仪由社区卫生服务中心按需发放，请联系辖区社区卫生服务中心 / medicines and oximeters are issued by the community health centres: please ask yours"),  # noqa: E501
    CancelTrip("02-06 09:00", "S42", "送货车辆被区防控指挥部临时征用 / the van was requisitioned by the district's epidemic command"),  # noqa: E501
    # Dispatched and never confirmed: three days on, the overdue shipment someone must chase.
    Trip("S43", "R25", WUHOU, "02-06 14:00", "02-06 14:30"),
    Approve("02-08 10:00", "R26", {}),
    Allocate("02-08 10:30", "R26", WUHOU, {RICE: 200, OIL: 10, THERMO: 30}),
    Approve("02-08 11:00", "R23", {IR: 0, THERMO: 20}, "额温枪仍无货；电子体温计每个社区先配20支 / still no infrared thermometers; 20 digital ones for each community for now"),  # noqa: E501
    Approve("02-08 14:00", "R32", {}),
    Allocate("02-08 14:30", "R32", GAOXIN, {RICE: 300, OIL: 20, "toilet-paper": 50}),
    Approve("02-08 16:00", "R31", {}),
    Allocate("02-09 09:00", "R31", WUHOU, {"kn95-mask": 1000, LATEX: 300}),
    Approve("02-09 09:30", "R29", {}),
    Approve("02-09 10:00", "R30", {N95: 100}, "社区复工人员配外科口罩；N95只给入户排查人员 / surgical masks for people back at work; N95s only for home-visit staff"),  # noqa: E501
    Trip("S44", "R26", WUHOU, "02-09 14:00", "02-09 15:00"),
    Approve("02-09 15:00", "R35", {}),
    Approve("02-09 15:10", "R36", {}),
    Trip("S45", "R32", GAOXIN, "02-09 16:00"),
]
# fmt: on
