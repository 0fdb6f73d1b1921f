"""The demo's stock, entered only through `inventory.services`, as the staff would have.

Each operation carries a `DEMO-2020-…` reference (a donation's reference, or the start of a
transfer's or adjustment's note) and is skipped when that reference is already there, so a
second load posts nothing.
"""

from datetime import date, datetime, time

from django.contrib.auth.models import AbstractUser

from demo.world.clock import SHANGHAI, current
from demo.world.donations import DONATIONS, Line
from inventory.models import (
    AdjustmentReason,
    Donation,
    Donor,
    Item,
    Lot,
    Site,
    StockAdjustment,
    StockBalance,
    StockCount,
    StockTransfer,
)
from inventory.services import (
    DonationLineInput,
    TransferLineInput,
    donation_receive,
    stock_adjust,
    stock_count_post,
    stock_count_record,
    stock_count_start,
    stock_transfer,
)
from notifications.models import StockThreshold
from notifications.services import threshold_set

TRANSFER_NOTE = "DEMO-2020-T01 高新区分发点补货 / restocking the High-tech Zone point"
# (note, site, donation reference, item, quantity, reason, day, hour)
WRITE_OFFS = [
    (
        "DEMO-2020-W01 仓库漏雨，外科口罩受潮 / roof leak soaked surgical masks",
        "cd-wuhou-wh",
        "DEMO-2020-001",
        "surgical-mask",
        -400,
        AdjustmentReason.DAMAGED,
        date(2020, 2, 4),
        11,
    ),
    (
        "DEMO-2020-W02 牛奶已过保质期 / milk past its use-by date",
        "cd-wuhou-wh",
        "DEMO-2020-005",
        "milk",
        -120,
        AdjustmentReason.EXPIRED,
        date(2020, 2, 6),
        9,
    ),
]
# Thresholds the centre's staff keep (base units), so low-stock alerts exist on the first day:
# thermometers and oximeters are below theirs; the N95s, coveralls and rice are watched.
THRESHOLDS = [
    ("cd-gaoxin-wh", "infrared-thermometer", 20),
    ("cd-wuhou-wh", "pulse-oximeter", 30),
    ("cd-wuhou-wh", "n95-mask", 1_000),
    ("cd-wuhou-wh", "protective-suit", 200),
    ("cd-gaoxin-wh", "rice", 500),
]
COUNT_SITE = "cd-gaoxin-wh"
# The count finds two bottles of hand sanitiser fewer than the ledger says.
COUNT_SHORTFALL = ("DEMO-2020-006", "hand-sanitiser", 2)


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A 2020 moment of the story, as told today (see `clock`)."""
    return current().moment(datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI))


def lot_of(reference: str, item_code: str) -> Lot:
    """The lot received for an item in the demo donation with this reference."""
    return Lot.objects.get(donation_line__donation__reference=reference, item__code=item_code)


def _line_input(line: Line, items: dict[str, Item]) -> DonationLineInput:
    item = items[line.item]
    if line.expiry and not item.expiry_tracked:
        # A data slip, not a user error: fail the load so the table gets fixed.
        raise ValueError(f"demo donation line for {item.code} has an expiry; it is not tracked")
    return DonationLineInput(
        item=item,
        quantity=line.quantity,
        pack_name=line.pack,
        pack_size=line.pack_size,
        batch=line.batch,
        expiry=current().day(line.expiry) if line.expiry else None,
    )


def receive_donations(
    *,
    actor_for: dict[int, AbstractUser],
    sites: dict[str, Site],
    donors: dict[str, Donor],
    items: dict[str, Item],
) -> int:
    """Receive every demo donation not yet received; returns how many were."""
    done = set(
        Donation.objects.filter(reference__in=[row.reference for row in DONATIONS]).values_list(
            "reference", flat=True
        )
    )
    received = 0
    for index, row in enumerate(DONATIONS):
        if row.reference in done:
            continue
        site = sites[row.site]
        donation_receive(
            actor=actor_for[site.organisation_id],
            site=site,
            donor=donors[row.donor],
            received_at=current().day(row.day),
            lines=[_line_input(line, items) for line in row.lines],
            reference=row.reference,
            note=row.note,
            # Spread the arrivals over the working day so the timeline looks lived-in.
            occurred_at=moment(row.day, 9 + index % 8, 30),
        )
        received += 1
    return received


def transfer_stock(*, actor: AbstractUser, sites: dict[str, Site]) -> int:
    """Restock the High-tech Zone point from the Wuhou warehouse once."""
    if StockTransfer.objects.filter(note=TRANSFER_NOTE).exists():
        return 0
    stock_transfer(
        actor=actor,
        from_site=sites["cd-wuhou-wh"],
        to_site=sites["cd-gaoxin-wh"],
        lines=[
            TransferLineInput(lot=lot_of("DEMO-2020-013", "n95-mask"), quantity=1_000),
            TransferLineInput(lot=lot_of("DEMO-2020-013", "protective-suit"), quantity=60),
            TransferLineInput(lot=lot_of("DEMO-2020-009", "disinfectant-84"), quantity=150),
        ],
        note=TRANSFER_NOTE,
        occurred_at=moment(date(2020, 2, 3), 14),
    )
    return 1


def write_off_stock(*, actor: AbstractUser, sites: dict[str, Site]) -> int:
    posted = 0
    for note, site_code, reference, item_code, quantity, reason, day, hour in WRITE_OFFS:
        if StockAdjustment.objects.filter(note=note).exists():
            continue
        stock_adjust(
            actor=actor,
            site=sites[site_code],
            lot=lot_of(reference, item_code),
            quantity=quantity,
            reason=reason,
            note=note,
            occurred_at=moment(day, hour),
        )
        posted += 1
    return posted


def count_stock(*, actor: AbstractUser, sites: dict[str, Site]) -> int:
    """Count the High-tech Zone point once and post the small shortfall it finds."""
    site = sites[COUNT_SITE]
    if StockCount.objects.filter(site=site).exists():
        return 0
    count = stock_count_start(actor=actor, site=site)
    reference, item_code, shortfall = COUNT_SHORTFALL
    short_lot_id = lot_of(reference, item_code).pk
    on_hand = dict(
        StockBalance.objects.filter(site=site, lot_id__in=count.lines.values("lot_id")).values_list(
            "lot_id", "on_hand"
        )
    )
    counted = {
        lot_id: quantity - (shortfall if lot_id == short_lot_id else 0)
        for lot_id, quantity in on_hand.items()
    }
    stock_count_record(actor=actor, count=count, counted=counted)
    stock_count_post(actor=actor, count=count, occurred_at=moment(date(2020, 2, 8), 17))
    return 1


def set_thresholds(*, actor: AbstractUser, sites: dict[str, Site], items: dict[str, Item]) -> int:
    """Set the demo thresholds not set yet (one changed by hand stays as it is)."""
    posted = 0
    for site_code, item_code, minimum in THRESHOLDS:
        site, item = sites[site_code], items[item_code]
        if StockThreshold.objects.filter(site=site, item=item).exists():
            continue
        threshold_set(actor=actor, site=site, item=item, min_quantity=minimum)
        posted += 1
    return posted
