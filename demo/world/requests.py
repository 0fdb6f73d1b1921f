"""The requests-and-distribution story (`requests_data.py`), replayed through the services.

Community workers draft and submit, the coordinator decides, allocates (once with the
fair-share planner), ships and cancels, and the receiving side confirms delivery — each as
the person who did it. The services stamp their records with the present; after every step
the rows that step wrote are moved to the story's moment, so the history reads as 2020.
Stock movements are never touched: they get their 2020 time through `occurred_at`.

The story is all or nothing: it runs only when none of its requests exists yet.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.exceptions import InsufficientStock
from demo.world.clock import SHANGHAI, current
from demo.world.requests_data import (
    ASKS,
    STORY,
    VANS,
    Allocate,
    Approve,
    Ask,
    Cancel,
    CancelTrip,
    Close,
    Event,
    Plan,
    Reject,
    Trip,
)
from inventory.models import Item, Site, StockMovement
from inventory.services.ledger import expiry_judged_on
from logistics.models import Allocation, Shipment, ShipmentStatusChange
from logistics.selectors import allocation_plan
from logistics.services import (
    AllocationInput,
    Receipt,
    Waybill,
    allocation_commit,
    request_cancel_releasing,
    request_close_releasing,
    shipment_cancel,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
)
from notifications.models import Notification
from supply_requests.models import RequestStatusChange, ServedUnit, SupplyRequest
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_reject,
    request_submit,
)

STORY_MARK = "DEMO-2020-"  # + the ask's key ("R01"): the start of every story request's reason

# Every timestamp a service sets to "now" in the records of a request or a shipment.
_STAMPED_FIELDS: list[tuple[type[Model], str]] = [
    (SupplyRequest, "created_at"),
    (SupplyRequest, "submitted_at"),
    (SupplyRequest, "decided_at"),
    (SupplyRequest, "closed_at"),
    (RequestStatusChange, "at"),
    (Allocation, "created_at"),
    (Shipment, "created_at"),
    (Shipment, "dispatched_at"),
    (Shipment, "delivered_at"),
    (ShipmentStatusChange, "at"),
    (Notification, "created_at"),
]


def story_time(text: str) -> datetime:
    """ "01-26 15:30" → 26 January 2020, 15:30 Beijing time, as told today (see `clock`)."""
    moment = datetime.strptime(f"2020-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    return current().moment(moment)


def story_day(text: str) -> date:
    return current().day(datetime.strptime(f"2020-{text}", "%Y-%m-%d").date())


def story_requests() -> QuerySet[SupplyRequest]:
    return SupplyRequest.objects.filter(reason__startswith=STORY_MARK + "R")


class Story:
    """One replay: the requests and shipments it made, by their story keys."""

    def __init__(
        self,
        *,
        users: dict[str, AbstractUser],
        units: dict[str, ServedUnit],
        sites: dict[str, Site],
        items: dict[str, Item],
    ) -> None:
        self.users, self.units, self.sites, self.items = users, units, sites, items
        self.coordinator = users["coordinator"]
        self.asks = {ask.key: ask for ask in ASKS}
        self.requests: dict[str, SupplyRequest] = {}
        self.shipments: dict[str, Shipment] = {}
        # Rows written from here on carry a service's "now"; anything older is not ours.
        self.started = timezone.now()

    def timeline(self) -> list[tuple[datetime, Callable[[datetime], object]]]:
        """Every step of the story as (moment, action), in the order it happened."""
        steps: list[tuple[datetime, int, Callable[[datetime], object]]] = []

        def add(at: str | None, action: Callable[[datetime], object]) -> None:
            if at is not None:
                steps.append((story_time(at), len(steps), action))

        for ask in ASKS:
            add(ask.created, lambda when, ask=ask: self.draft(ask))
            add(ask.submitted, lambda when, key=ask.key: self.submit(key))
        for event in STORY:
            if isinstance(event, Trip):
                add(event.created, lambda when, trip=event: self.ship(trip))
                add(event.dispatched, lambda when, key=event.key: self.dispatch(key, when))
                add(event.delivered, lambda when, trip=event: self.deliver(trip, when))
            else:
                add(event.at, lambda when, event=event: self.decide(event))
        steps.sort(key=lambda step: (step[0], step[1]))
        return [(when, action) for when, _order, action in steps]

    def run(self) -> None:
        for when, action in self.timeline():
            # Expiry is judged on the story's day, as the coordinators of 2020 judged it.
            with expiry_judged_on(timezone.localdate(when)):
                action(when)
            self.stamp(when)

    def stamp(self, when: datetime) -> None:
        """Date what the last step wrote: every service "now" becomes the story's moment."""
        for model, field in _STAMPED_FIELDS:
            model.objects.filter(**{f"{field}__gte": self.started}).update(**{field: when})

    # Community workers

    def draft(self, ask: Ask) -> None:
        self.requests[ask.key] = request_create(
            actor=self.users[ask.by],
            served_unit=self.units[ask.unit],
            lines=[
                RequestLineInput(item=self.items[code], quantity=quantity)
                for code, quantity in ask.lines.items()
            ],
            priority=ask.priority,
            needed_by=story_day(ask.needed_by),
            people_served=ask.people,
            reason=f"{STORY_MARK}{ask.key} {ask.reason}",
        )

    def submit(self, key: str) -> None:
        ask = self.asks[key]
        self.requests[key] = request_submit(actor=self.users[ask.by], request=self.requests[key])

    # The coordinator's decisions

    def decide(self, event: Event) -> None:
        match event:
            case Approve(request=key, quantities=quantities, note=note):
                request = self.requests[key]
                approved = {}
                for line in request.lines.select_related("item"):
                    quantity = quantities.get(line.item.code, line.quantity_requested)
                    if quantity is None:
                        raise ValueError(f"{key}: {line.item.code} has no quantity to approve")
                    approved[line.pk] = quantity
                request_approve(
                    actor=self.coordinator, request=request, approved=approved, note=note
                )
            case Reject(request=key, reason=reason):
                request_reject(actor=self.coordinator, request=self.requests[key], reason=reason)
            case Allocate(at=at, request=key, site=site, quantities=quantities):
                self.allocate(key, self.sites[site], quantities, story_time(at))
            case Plan(at=at, items=items, sites=sites):
                self.plan(items, sites, story_time(at))
            case CancelTrip(trip=key, note=note):
                shipment_cancel(actor=self.coordinator, shipment=self.shipments[key], note=note)
            case Close(request=key, reason=reason):
                request_close_releasing(
                    actor=self.coordinator, request=self.requests[key], reason=reason
                )
            case Cancel(request=key, by=username, note=note):
                request_cancel_releasing(
                    actor=self.users[username], request=self.requests[key], note=note
                )
            case _:
                raise TypeError(f"not a story event: {event!r}")

    def allocate(
        self, key: str, site: Site, quantities: dict[str, int | None], when: datetime
    ) -> None:
        lines = {line.item.code: line for line in self.requests[key].lines.select_related("item")}
        picks = []
        for code, quantity in quantities.items():
            line = lines[code]
            picks.append(
                AllocationInput(
                    line.pk, site, line.quantity_outstanding if quantity is None else quantity
                )
            )
        self.check_arrived(allocation_commit(actor=self.coordinator, allocations=picks), when)

    def plan(
        self, item_codes: tuple[str, ...], site_codes: tuple[str, ...], when: datetime
    ) -> None:
        """Propose fair shares of scarce items and commit the proposal unchanged."""
        proposal = allocation_plan(
            actor=self.coordinator,
            items=[self.items[code] for code in item_codes],
            sites=[self.sites[code] for code in site_codes],
        )
        allocations = allocation_commit(
            actor=self.coordinator,
            allocations=[
                AllocationInput(pick.request_line, self.sites[pick.site], pick.quantity)
                for pick in proposal.allocations
            ],
        )
        self.check_arrived(allocations, when)

    @staticmethod
    def check_arrived(allocations: list[Allocation], when: datetime) -> None:
        """Refuse stock that reached the site after the story's moment.

        Allocation knows no dates: it takes the lots first-expiry-first-out from what is on
        the shelf today. On the demo stock as loaded, that is always stock already there on
        the day; if the stock was used since, it would quietly promise a consignment that had
        not arrived yet, and the 2020 history would stop making sense.
        """
        for allocation in allocations:
            if not StockMovement.objects.filter(
                site_id=allocation.site_id,
                lot_id=allocation.lot_id,
                quantity__gt=0,
                occurred_at__lte=when,
            ).exists():
                raise InsufficientStock(
                    f"{allocation.lot} had not reached {allocation.site} by "
                    f"{when:%Y-%m-%d %H:%M}, when the story allocates it."
                )

    # Shipments

    def ship(self, trip: Trip) -> None:
        vehicle, driver, contact = VANS[int(trip.key[1:]) % len(VANS)]
        planned = trip.dispatched or trip.created
        planned_at = story_time(planned) + (
            timedelta() if trip.dispatched else timedelta(minutes=30)
        )
        self.shipments[trip.key] = shipment_create(
            actor=self.coordinator,
            site=self.sites[trip.site],
            served_unit=self.units[self.asks[trip.request].unit],
            waybill=Waybill(vehicle=vehicle, driver=driver, contact=contact, planned_at=planned_at),
        )

    def dispatch(self, key: str, when: datetime) -> None:
        shipment_dispatch(actor=self.coordinator, shipment=self.shipments[key], occurred_at=when)

    def deliver(self, trip: Trip, when: datetime) -> None:
        shipment = self.shipments[trip.key]
        receipts = {}
        for short in trip.short:
            # The shortfall is on one line of the item (a line per lot and request).
            line = shipment.lines.filter(
                item__code=short.item, quantity__gte=short.quantity
            ).first()
            if line is None:
                raise ValueError(f"{trip.key}: no line of {short.item} to be short on")
            receipts[line.pk] = Receipt(line.quantity - short.quantity, short.reason, short.note)
        shipment_deliver(
            actor=self.users[trip.by], shipment=shipment, receipts=receipts, occurred_at=when
        )


def load_requests(
    *,
    users: dict[str, AbstractUser],
    units: dict[str, ServedUnit],
    sites: dict[str, Site],
    items: dict[str, Item],
) -> int:
    """Replay the story unless it is already there; returns how many requests were made."""
    if story_requests().exists():
        return 0
    story = Story(users=users, units=units, sites=sites, items=items)
    story.run()
    return len(story.requests)
