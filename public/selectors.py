"""What the public may see: only publishing organisations, never a person.

Every read here is a fixed number of queries whatever the size of the history (the needs
board reads open lines and the last days' met ones; a donor's page reads its lots'
aggregates through `logistics.accounting`). Names of private donors are replaced unless they
agreed; no household, person, contact or address field is ever selected.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from households.selectors import households_reached_by_item
from inventory.models import Donation, Donor, Item, Lot, MovementKind, Organisation, StockMovement
from logistics.accounting import ItemAccount, lot_accounts
from logistics.models import ShipmentLine
from logistics.resources import HISTORICAL_DISTRIBUTION
from supply_requests.models import RequestStatus, ServedUnit, SupplyRequestLine

# Donor kinds whose name is public by nature; anyone else is named only with consent.
NAMED_KINDS = frozenset({"company", "foundation", "government"})
WAITING = (
    RequestStatus.SUBMITTED,
    RequestStatus.APPROVED,
    RequestStatus.PARTIALLY_APPROVED,
    RequestStatus.IN_FULFILMENT,
)
MET_SHOWN_DAYS = 3  # met needs stay on the board, greyed, this long
LONGEST_BOLD = 3  # how many of the longest-waiting lines are bold


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(publication__published=True)


def published_organisation(code: str) -> Organisation | None:
    return published_organisations().filter(code=code).first()


def _english() -> bool:
    return (get_language() or "").startswith("en")


def organisation_name(organisation: Organisation) -> str:
    return organisation.name_en if _english() and organisation.name_en else organisation.name_zh


def item_name(item: Item) -> str:
    return item.name_en if _english() and item.name_en else item.name_zh


def unit_name(unit: ServedUnit) -> str:
    return unit.name_en if _english() and unit.name_en else unit.name


def donor_public_name(donor: Donor) -> str:
    """An organisation's name, or 爱心人士 / "a private donor" unless the person agreed."""
    consent = getattr(donor, "public_consent", None) if donor.kind not in NAMED_KINDS else None
    if donor.kind in NAMED_KINDS or (consent is not None and consent.name_public):
        return donor.name
    return _("a private donor")


def public_donor(donor_id: int) -> Donor | None:
    """The donor, if it gave anything to a publishing organisation."""
    return (
        Donor.objects.filter(pk=donor_id, donations__organisation__in=published_organisations())
        .select_related("public_consent")
        .first()
    )


def public_donation(donation_id: int) -> Donation | None:
    return (
        Donation.objects.filter(pk=donation_id, organisation__in=published_organisations())
        .select_related("donor__public_consent", "organisation")
        .first()
    )


@dataclass
class PublicAccount:
    item: Item
    account: ItemAccount
    households: int = 0  # different households its goods reached at their doors


def _with_items(accounts: list[ItemAccount], lots: QuerySet[Lot]) -> list[PublicAccount]:
    items = Item.objects.in_bulk({a.item_id for a in accounts})
    reached = households_reached_by_item(lots)
    return [PublicAccount(items[a.item_id], a, reached.get(a.item_id, 0)) for a in accounts]


def donor_accounts(donor: Donor) -> list[PublicAccount]:
    """Per item, where this donor's goods given to publishing organisations went."""
    lots = Lot.objects.filter(
        donor=donor, donation_line__donation__organisation__in=published_organisations()
    )
    return _with_items(lot_accounts(lots), lots)


def donation_accounts(donation: Donation) -> list[PublicAccount]:
    lots = Lot.objects.filter(donation_line__donation=donation)
    return _with_items(lot_accounts(lots), lots)


def _donor_donations(donor: Donor) -> QuerySet[Donation]:
    return Donation.objects.filter(donor=donor, organisation__in=published_organisations())


def donor_donations(donor: Donor, limit: int = 30) -> list[Donation]:
    """The latest donations of the donor to publishing organisations."""
    return list(
        _donor_donations(donor)
        .select_related("organisation")
        .order_by("-received_at", "-pk")[:limit]
    )


def donor_donation_count(donor: Donor) -> int:
    return _donor_donations(donor).count()


# The needs board ---------------------------------------------------------------------------


@dataclass
class Need:
    district: str
    district_id: int | None
    served_unit: str
    item: str
    item_name: str
    unit: str
    needed: int | None  # None: 数量待定, the quantity is not known yet
    delivered: int
    waiting_hours: int
    people: int
    met: bool
    longest: bool = False

    @property
    def unmet(self) -> int | None:
        return None if self.needed is None else max(self.needed - self.delivered, 0)

    @property
    def percent(self) -> int:
        if not self.needed:
            return 0
        return min(100, round(100 * self.delivered / self.needed))


def _districts(units: dict[int, ServedUnit]) -> dict[int, ServedUnit]:
    """Each unit's district: the root of its tree."""
    roots: dict[int, ServedUnit] = {}
    for unit in units.values():
        node, seen = unit, set()
        while node.parent_id and node.parent_id in units and node.pk not in seen:
            seen.add(node.pk)
            node = units[node.parent_id]
        roots[unit.pk] = node
    return roots


def _published_units() -> QuerySet[ServedUnit]:
    return ServedUnit.objects.filter(organisations__in=published_organisations())


def districts() -> list[tuple[int, str]]:
    """The districts of the units the publishing organisations serve, for the filter."""
    units = {u.pk: u for u in ServedUnit.objects.only("id", "name", "name_en", "parent_id")}
    published = set(_published_units().values_list("pk", flat=True))
    roots = _districts(units)
    names = {roots[pk].pk: unit_name(roots[pk]) for pk in published if pk in roots}
    return sorted(names.items(), key=lambda pair: pair[1])


def needs_board(*, district: int | None = None, item: str = "") -> list[Need]:
    """Per served unit and item, what the publishing organisations' units still need:
    requested (or approved) and not yet delivered, ranked by unmet need per person and
    hours waiting; needs met in the last days follow, greyed. Four queries."""
    now = timezone.now()
    served = _published_units().values("pk")
    recent = now - dt.timedelta(days=MET_SHOWN_DAYS)
    lines = SupplyRequestLine.objects.filter(request__served_unit__in=served).filter(
        Q(request__status__in=WAITING)
        | Q(request__status=RequestStatus.FULFILLED, request__closed_at__gte=recent)
    )
    if item:
        lines = lines.filter(item__code=item)
    rows = lines.values(
        "item_id",
        "quantity_requested",
        "quantity_approved",
        "quantity_delivered",
        "request__served_unit_id",
        "request__status",
        "request__people_served",
        "request__submitted_at",
        "request__created_at",
    )
    grouped: dict[tuple[int, int], dict] = {}
    for row in rows:
        key = (row["request__served_unit_id"], row["item_id"])
        entry = grouped.setdefault(
            key, {"needed": 0, "delivered": 0, "since": None, "people": 0, "open": False}
        )
        decided = row["request__status"] != RequestStatus.SUBMITTED
        needed = row["quantity_approved"] if decided else row["quantity_requested"]
        entry["needed"] = (
            None if needed is None or entry["needed"] is None else entry["needed"] + needed
        )
        entry["delivered"] += row["quantity_delivered"]
        entry["people"] = max(entry["people"], row["request__people_served"])
        if row["request__status"] != RequestStatus.FULFILLED:
            entry["open"] = True
            since = row["request__submitted_at"] or row["request__created_at"]
            entry["since"] = min(filter(None, (entry["since"], since)))
    units = {
        u.pk: u for u in ServedUnit.objects.only("id", "name", "name_en", "parent_id", "population")
    }
    roots = _districts(units)
    items = Item.objects.in_bulk({item_id for _unit, item_id in grouped})
    needs = []
    for (unit_id, item_id), entry in grouped.items():
        root = roots[unit_id]
        if district and root.pk != district:
            continue
        needed, delivered = entry["needed"], entry["delivered"]
        met = not entry["open"] or (needed is not None and delivered >= needed)
        hours = int((now - entry["since"]).total_seconds() // 3600) if entry["since"] else 0
        needs.append(
            Need(
                district=unit_name(root),
                district_id=root.pk,
                served_unit=unit_name(units[unit_id]),
                item=items[item_id].code,
                item_name=item_name(items[item_id]),
                unit=items[item_id].base_unit,
                needed=needed,
                delivered=delivered,
                waiting_hours=0 if met else hours,
                people=entry["people"] or units[unit_id].population,
                met=met,
            )
        )

    def rank(need: Need) -> tuple:
        per_person = float("inf") if need.unmet is None else need.unmet / max(need.people, 1)
        return (need.met, -per_person, -need.waiting_hours, need.served_unit, need.item)

    needs.sort(key=rank)
    for need in sorted((n for n in needs if not n.met), key=lambda n: -n.waiting_hours)[
        :LONGEST_BOLD
    ]:
        need.longest = True
    return needs


# The published lists (公示) -----------------------------------------------------------------


@dataclass
class ListRow:
    date: dt.date
    party: str  # the donor (received) or the receiver (distributed)
    item: str
    item_name: str
    spec: str
    unit: str
    quantity: int


def received_list(organisation: Organisation, day: dt.date) -> list[ListRow]:
    """The day's received-goods list, from the ledger's receipts of lines still standing."""
    movements = (
        StockMovement.objects.filter(
            kind=MovementKind.RECEIPT,
            donation_line__donation__organisation=organisation,
            donation_line__donation__received_at=day,
            donation_line__voided_at__isnull=True,
        )
        .select_related("item", "donation_line__donation__donor__public_consent")
        .order_by("donation_line__donation_id", "id")
    )
    return [
        ListRow(
            day,
            donor_public_name(m.donation_line.donation.donor),
            m.item.code,
            item_name(m.item),
            m.item.standard,
            m.item.base_unit,
            m.quantity,
        )
        for m in movements
    ]


def distributed_list(organisation: Organisation, day: dt.date) -> list[ListRow]:
    """The day's distribution list: every dispatch from the organisation's sites that day
    and the served unit it went to (goods returned later show on the donors' pages)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    movements = list(
        StockMovement.objects.filter(
            kind=MovementKind.DISPATCH,
            site__organisation=organisation,
            occurred_at__gte=start,
            occurred_at__lt=start + dt.timedelta(days=1),
        )
        .select_related("item")
        .order_by("occurred_at", "id")
    )
    line_ids = [m.document_id for m in movements if m.document_type == "shipment_line"]
    unit_of_line = dict(
        ShipmentLine.objects.filter(pk__in=line_ids).values_list("pk", "shipment__served_unit_id")
    )
    unit_ids = set(unit_of_line.values()) | {
        m.document_id for m in movements if m.document_type == HISTORICAL_DISTRIBUTION
    }
    units = ServedUnit.objects.only("id", "name", "name_en").in_bulk(unit_ids)
    rows = []
    for m in movements:
        unit_id = (
            unit_of_line.get(m.document_id)
            if m.document_type == "shipment_line"
            else m.document_id
            if m.document_type == HISTORICAL_DISTRIBUTION
            else None
        )
        unit = units.get(unit_id)
        receiver = unit_name(unit) if unit else _("not recorded")
        rows.append(
            ListRow(
                day,
                receiver,
                m.item.code,
                item_name(m.item),
                m.item.standard,
                m.item.base_unit,
                -m.quantity,
            )
        )
    return rows
