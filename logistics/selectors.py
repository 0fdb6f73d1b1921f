"""Reads for distribution: the fair-share plan a coordinator reviews before committing."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted, ValidationFailed
from core.memory import collector_paused
from inventory.models import Item, Site, StockBalance
from inventory.permissions import User, require_site_manager
from inventory.selectors import site_ids_for
from inventory.services.ledger import expired, is_expired, today, usable
from logistics.models import (
    Allocation,
    AllocationStatus,
    PlanRecord,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    ShipmentStatusChange,
)
from supply_requests.models import (
    ACTIVE_STATUSES,
    RequestStatus,
    ServedUnit,
    SupplyRequest,
    SupplyRequestLine,
)
from supply_requests.planning import (
    TIER_LABELS,
    WHY,
    Demand,
    Share,
    assign_sites,
    fair_shares,
)
from supply_requests.roles import roles_for
from supply_requests.selectors import NEED_BASIS, coordinated_units, open_demands, units_for


@dataclass(slots=True)
class PlanLine:
    request_line: int
    request: int
    served_unit: int
    served_unit_name: str
    item: str
    site: str
    quantity: int
    item_name: str = ""
    site_name: str = ""


@dataclass
class Plan:
    allocations: list[PlanLine] = field(default_factory=list)
    # One (share, demand info, item) per request line, in plan order. Its entry — codes and
    # numbers only — is made when it is read (`entries`, `page`), and its words (`explain`)
    # only for what is shown: at 140,000 demand lines, making every entry for a page of 500
    # cost a tenth of the answer, and writing every sentence more than the planning itself.
    lines: list[tuple[Share, dict, Item]] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    @cached_property
    def entries(self) -> list[dict]:
        """Every request line's reasoning, as a stored plan keeps it."""
        return [_entry(*line) for line in self.lines]

    @property
    def explanation(self) -> list[dict]:
        """Every request line's reasoning, with its words in the current language."""
        return [explain(entry) for entry in self.entries]

    def page(self, *, offset: int, limit: int) -> tuple[list[PlanLine], list[dict]]:
        """A page of request lines (in plan order): their picks and their explained reasons."""
        entries = [_entry(*line) for line in self.lines[offset : offset + limit]]
        lines = {entry["request_line"] for entry in entries}
        picks = [pick for pick in self.allocations if pick.request_line in lines]
        return picks, [explain(entry) for entry in entries]

    def unit_summary(self) -> list[dict]:
        """Per served unit: how many of its lines the plan serves in full, in part or not at
        all. Counts, not quantities: a sum of masks and rice means nothing, and one row per
        unit keeps the answer bounded (per unit and item it was 65,000 rows at 140,000
        lines); each line's numbers are in the paged explanation."""
        units: dict[int, list] = {}
        for share, line, item in self.lines:
            row = units.get(line["unit_id"])
            if row is None:
                row = units[line["unit_id"]] = [line["unit_name"], set(), 0, 0, 0]
            row[1].add(item.code)
            if share.quantity >= share.outstanding:
                row[2] += 1
            elif share.quantity:
                row[3] += 1
            else:
                row[4] += 1
        return [
            {
                "served_unit": unit,
                "served_unit_name": name,
                "items": len(items),
                "lines": full + part + none,
                "in_full": full,
                "in_part": part,
                "not_served": none,
            }
            for unit, (name, items, full, part, none) in units.items()
        ]


def _entry(share: Share, line: dict, item: Item) -> dict:
    """What a plan (and its stored record) keeps of one line's reasoning: codes and numbers,
    never words, so it reads in whatever language it is shown in later."""
    level = share.level
    return {
        "request_line": share.line_id,
        "request": line["request_id"],
        "served_unit": line["unit_id"],
        "served_unit_name": line["unit_name"],
        "item": item.code,
        "item_name_zh": item.name_zh,
        "item_name_en": item.name_en,
        "tier": share.tier,
        "need": share.need,
        "need_basis_code": line["need_basis"],
        "need_claimed": line["need_claimed"],
        "need_capped": line["need_capped"],
        "outstanding": share.outstanding,
        "quantity": share.quantity,
        "unit_quantity": share.unit_quantity,
        "share_per_need": float(level) if level is not None else None,
        "share_per_person": round(share.unit_quantity / share.need, 4),
        "why_code": share.why,
    }


# What a stored plan keeps of each explanation entry: the codes and numbers of `_entry`.
STORED_EXPLANATION_KEYS = (
    "request_line",
    "request",
    "served_unit",
    "served_unit_name",
    "item",
    "item_name_zh",
    "item_name_en",
    "tier",
    "need",
    "need_basis_code",
    "need_claimed",
    "need_capped",
    "outstanding",
    "quantity",
    "unit_quantity",
    "share_per_need",
    "share_per_person",
    "why_code",
)


def item_name(entry: dict) -> str:
    """The item's name in the language being shown."""
    chinese = (get_language() or "zh-hans").startswith("zh")
    return entry["item_name_zh"] if chinese or not entry["item_name_en"] else entry["item_name_en"]


def explain(entry: dict) -> dict:
    """An explanation entry with its words in the current language: tier, need basis and
    reason labels, and one sentence saying what the unit gets and why."""
    params = {
        "unit": entry["served_unit_name"],
        "item": item_name(entry),
        "total": entry["unit_quantity"],
        "per_person": f"{entry['share_per_person']:.3g}",
        "need": entry["need"],
        "basis": NEED_BASIS[entry["need_basis_code"]],
        "why": WHY[entry["why_code"]],
        "claimed": entry["need_claimed"],
    }
    text = (
        _(
            "%(unit)s gets %(total)d of %(item)s in all, %(per_person)s per person "
            "(need %(need)d, %(basis)s): %(why)s."
        )
        % params
    )
    if entry["need_capped"]:
        text += (
            " "
            + _("Its request said %(claimed)d people; the directory's figure, %(need)d, was used.")
            % params
        )
    return {
        **entry,
        "item_name": item_name(entry),
        "tier_label": str(TIER_LABELS[entry["tier"]]),
        "need_basis": str(params["basis"]),
        "why": str(params["why"]),
        "text": text,
    }


def allocation_plan(*, actor: User, items: Sequence[Item], sites: Sequence[Site]) -> Plan:
    """Propose who gets how much of each item from the chosen sites (nothing is reserved).

    Demand is every approved, not yet allocated request line of the units the actor
    coordinates; supply is what is available (on hand minus reserved) at the sites in lots
    that have not expired."""
    roles = roles_for(actor)
    if not (roles.is_admin or roles.is_coordinator):
        raise NotPermitted(_("Only coordinators plan allocations."))
    if not items or not sites:
        raise ValidationFailed(_("Choose at least one item and one site."))
    for site in sites:
        require_site_manager(actor, site)
    available: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        StockBalance.objects.filter(usable(), site__in=sites, item__in=items)
        .values("item_id", "site_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
    ):
        available[row["item_id"]][row["site_id"]] = row["free"]
    plan = Plan()
    # Loading the demand makes as many small objects as planning it: the collector stays
    # paused for both.
    with collector_paused():
        demands_by_item, info = open_demands(actor=actor, item_ids=[item.pk for item in items])
        for item in items:
            demands = demands_by_item.get(item.pk, [])
            _plan_item(plan, item, sites, available[item.pk], demands, info)
    return plan


def _plan_item(
    plan: Plan,
    item: Item,
    sites: Sequence[Site],
    available: dict[int, int],
    demands: list[Demand],
    info: dict[int, dict],
) -> None:
    """Plan one item: fair shares of what the sites hold, then which site gives what."""
    site_stock = [(site.pk, available.get(site.pk, 0)) for site in sites]
    supply = sum(quantity for _site, quantity in site_stock)
    shares = fair_shares(demands, supply)
    chinese = (get_language() or "zh-hans").startswith("zh")
    name = item.name_zh if chinese or not item.name_en else item.name_en
    site_of = {site.pk: (site.code, site.name) for site in sites}
    append = plan.allocations.append
    for pick in assign_sites(shares, site_stock):
        line = info[pick.line_id]
        code, site_name = site_of[pick.site_id]
        append(
            PlanLine(
                pick.line_id,
                line["request_id"],
                line["unit_id"],
                line["unit_name"],
                item.code,
                code,
                pick.quantity,
                name,
                site_name,
            )
        )
    plan.lines.extend((share, info[share.line_id], item) for share in shares)
    outstanding = sum(d.outstanding for d in demands)
    plan.items.append(
        {
            "item": item.code,
            "item_name": name,
            "available": supply,
            "outstanding": outstanding,
            "planned": sum(s.quantity for s in shares),
            "short": max(outstanding - supply, 0),
        }
    )


@dataclass(frozen=True)
class PickFlag:
    """A warning for the picker on one shipment line: `kind` is "expired" (released on
    purpose, with `reason`), "before_needed" (expires before the request's needed-by date)
    or "soon" (expires within the alert window)."""

    kind: str
    expiry: date
    reason: str = ""
    needed_by: date | None = None

    @property
    def text(self) -> str:
        if self.kind == "expired":
            return _("Expired on %(expiry)s — released on purpose: %(reason)s") % {
                "expiry": self.expiry.isoformat(),
                "reason": self.reason,
            }
        if self.kind == "before_needed":
            return _("Expires on %(expiry)s, before it is needed (%(needed)s)") % {
                "expiry": self.expiry.isoformat(),
                "needed": self.needed_by.isoformat() if self.needed_by else "",
            }
        return _("Expires soon: %(expiry)s") % {"expiry": self.expiry.isoformat()}


def pick_list_flags(lines: Sequence[ShipmentLine], *, window_days: int) -> dict[int, PickFlag]:
    """Per shipment line (by id), the expiry warning to show where it is picked, if any."""
    day = today()
    soon = day + timedelta(days=window_days)
    flags: dict[int, PickFlag | None] = {}
    for line in lines:
        expiry = line.lot.expiry
        needed_by = line.request_line.request.needed_by
        flag = None
        if expiry is not None:
            if is_expired(expiry, on=day):
                flag = PickFlag("expired", expiry, reason=line.expired_release_reason)
            elif needed_by is not None and expiry < needed_by:
                flag = PickFlag("before_needed", expiry, needed_by=needed_by)
            elif expiry <= soon:
                flag = PickFlag("soon", expiry)
        flags[line.pk] = flag
    return flags


@dataclass(frozen=True)
class StoryEvent:
    at: datetime
    actor: str
    what: str  # "request" or "shipment"
    ref: int
    from_status: str
    to_status: str
    note: str

    @property
    def to_label(self) -> str:
        if self.what == "plan":
            return _("allocation plan committed")
        kind = ShipmentStatus if self.what == "shipment" else RequestStatus
        return str(kind(self.to_status).label)


def plan_record_for(record: PlanRecord) -> dict:
    """A stored plan as people read it: its reasoning worded in the current language."""
    return {
        "id": record.pk,
        "committed_by": record.committed_by.get_username(),
        "committed_at": record.committed_at,
        "items": record.items,
        "sites": record.sites,
        "supply": record.supply,
        "proposal": record.proposal,
        "changes": record.changes,
        "committed": record.committed,
        "explanation": [explain(entry) for entry in record.explanation],
    }


def plan_note(record: PlanRecord, request: SupplyRequest) -> str:
    """What a committed plan decided for one request, and every change made to it, in the
    reader's language."""
    lines = set(request.lines.values_list("pk", flat=True))
    parts = [explain(e)["text"] for e in record.explanation if e["request_line"] in lines]
    changes = [c for c in record.changes if c["request_line"] in lines]
    names = dict(
        Site.objects.filter(code__in={c["site"] for c in changes}).values_list("code", "name")
    )
    parts.extend(
        _(
            "The coordinator changed %(proposed)d to %(committed)d from %(site)s, because: "
            "%(reason)s"
        )
        % {**change, "site": names.get(change["site"], change["site"])}
        for change in changes
    )
    return " ".join(parts)


def request_story(request: SupplyRequest) -> list[StoryEvent]:
    """A request's whole story in time order: its own transitions, the committed plans that
    decided its share (with their reasons and changes), and the transitions of every
    shipment that carried its goods."""
    events = [
        StoryEvent(
            c.at, c.actor.get_username(), "request", request.pk, c.from_status, c.to_status, c.note
        )
        for c in request.history.select_related("actor")
    ]
    events.extend(
        StoryEvent(
            record.committed_at,
            record.committed_by.get_username(),
            "plan",
            record.pk,
            "",
            "",
            plan_note(record, request),
        )
        for record in request.plan_records.select_related("committed_by")
    )
    events.extend(
        StoryEvent(
            c.at,
            c.actor.get_username(),
            "shipment",
            c.shipment_id,
            c.from_status,
            c.to_status,
            c.note,
        )
        for c in ShipmentStatusChange.objects.filter(shipment__lines__request_line__request=request)
        .distinct()
        .select_related("actor")
    )
    return sorted(events, key=lambda e: (e.at, e.what == "request"))


def shipments_for_request(request: SupplyRequest) -> QuerySet[Shipment]:
    """Shipments that carry goods of this request, newest first."""
    return (
        Shipment.objects.filter(lines__request_line__request=request)
        .distinct()
        .select_related("site", "served_unit")
        .order_by("-created_at")
    )


def visible_shipments(user: User) -> QuerySet[Shipment]:
    """Shipments to the units the user may see (her own, or those her organisations serve)."""
    return Shipment.objects.filter(served_unit__in=units_for(user)).select_related(
        "site", "served_unit"
    )


OVERDUE_AFTER = timedelta(hours=48)


def shipments_on_the_way(user: User) -> list[dict]:
    """Dispatched, not yet delivered; overdue after 48 hours on the road."""
    now = timezone.now()
    return [
        {
            "shipment": s,
            "hours": int((now - s.dispatched_at).total_seconds() // 3600),
            "overdue": now - s.dispatched_at > OVERDUE_AFTER,
        }
        for s in visible_shipments(user)
        .filter(status=ShipmentStatus.DISPATCHED)
        .order_by("dispatched_at")
    ]


@dataclass(frozen=True)
class ReadyToShip:
    site: Site
    served_unit: ServedUnit
    lines: int
    items: int  # distinct items: their quantities are in different units, never summed


def ready_to_ship(user: User) -> list[ReadyToShip]:
    """Reserved stock not yet on a shipment, per (site, unit), for the coordinator."""
    rows = (
        Allocation.objects.filter(
            status=AllocationStatus.RESERVED,
            site_id__in=site_ids_for(user),
            request_line__request__served_unit__in=coordinated_units(user),
        )
        .values("site_id", "request_line__request__served_unit_id")
        .annotate(lines=Count("pk"), items=Count("request_line__item", distinct=True))
        .order_by("site_id", "request_line__request__served_unit_id")
    )
    sites = Site.objects.in_bulk({r["site_id"] for r in rows})
    units = ServedUnit.objects.in_bulk({r["request_line__request__served_unit_id"] for r in rows})
    return [
        ReadyToShip(
            sites[r["site_id"]],
            units[r["request_line__request__served_unit_id"]],
            r["lines"],
            r["items"],
        )
        for r in rows
    ]


def shortages(user: User, *, item_ids: Collection[int] | None = None) -> list[dict]:
    """Items with approved demand still waiting for stock, against what is available at the
    user's sites (expired lots are not; they are counted apart as `expired`): the starting
    point of a fair-share plan (and a low-stock list for staff). `item_ids` narrows it to
    those items (the stock page asks only about the lots it shows)."""
    roles = roles_for(user)
    units = (
        ServedUnit.objects.all()
        if roles.is_admin
        else ServedUnit.objects.filter(organisations__in=roles.organisation_ids)
    )
    lines = SupplyRequestLine.objects.filter(
        request__status__in=ACTIVE_STATUSES,
        request__served_unit__in=units,
        quantity_approved__gt=F("quantity_allocated"),
    )
    if item_ids is not None:
        lines = lines.filter(item_id__in=list(item_ids))
    outstanding = dict(
        lines.values("item_id")
        .annotate(total=Sum(F("quantity_approved") - F("quantity_allocated")))
        .values_list("item_id", "total")
    )
    site_ids = site_ids_for(user)
    available = dict(
        StockBalance.objects.filter(usable(), site_id__in=site_ids, item_id__in=outstanding)
        .values("item_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .values_list("item_id", "free")
    )
    expired_stock = dict(
        StockBalance.objects.filter(
            expired(), site_id__in=site_ids, item_id__in=outstanding, on_hand__gt=0
        )
        .values("item_id")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values_list("item_id", "total")
    )
    items = Item.objects.in_bulk(outstanding)
    return sorted(
        (
            {
                "item": items[item_id],
                "outstanding": total,
                "available": available.get(item_id, 0),
                "expired": expired_stock.get(item_id, 0),
                "short": max(total - available.get(item_id, 0), 0),
            }
            for item_id, total in outstanding.items()
        ),
        key=lambda row: (-row["short"], row["item"].code),
    )
