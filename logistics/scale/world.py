"""The generator's state. A generated tier is shaped like a real deployment and true to the
ledger: skewed item popularity (Zipf), bursts of requests, lots with expiry, partial
fulfilment, requests in every state, shipments behind every dispatch.

Stock is accounted in memory as rows are made — every dispatch takes from a lot that holds
enough, every reservation from what is free — so the balances written equal the sums of the
movements written (`verify_ledger` stays clean) and every database constraint holds.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from demo.scale.tiers import Tier
from demo.scale.writer import BulkWriter
from inventory import models as inv

CATEGORIES = [c for c, _label in inv.ItemCategory.choices]
# Final request states and their share: every state appears, most requests are done.
STATES = [
    ("draft", 3),
    ("submitted", 7),
    ("approved", 3),
    ("partially_approved", 3),
    ("rejected", 3),
    ("in_fulfilment", 11),
    ("fulfilled", 60),
    ("closed", 5),
    ("cancelled", 5),
]
ACTIVE = {"approved", "partially_approved", "in_fulfilment"}
FINISHED = {"fulfilled", "closed", "cancelled"}
PRIORITIES = ["critical", "high", "normal", "low"]


@dataclass
class LotStock:
    lot_id: int
    site_id: int
    item_id: int
    on_hand: int
    reserved: int = 0
    received: datetime | None = None
    expiry: date | None = None


@dataclass
class World:
    tier: Tier
    rng: random.Random
    end: datetime
    writer: BulkWriter = field(default_factory=BulkWriter)
    actor_id: int = 0
    site_ids: list[int] = field(default_factory=list)
    site_org: dict[int, int] = field(default_factory=dict)
    item_ids: list[int] = field(default_factory=list)
    item_weights: list[float] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    unit_org: dict[int, int] = field(default_factory=dict)
    donor_ids: list[int] = field(default_factory=list)
    lots: dict[tuple[int, int], list[LotStock]] = field(default_factory=lambda: defaultdict(list))
    movements: int = 0

    def moment(self, day_offset: float) -> datetime:
        return self.end - timedelta(days=self.tier.days) + timedelta(days=day_offset)
