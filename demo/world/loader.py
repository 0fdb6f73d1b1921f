"""Load the whole demo world in one transaction; loading it again the same day changes nothing.

The story is told with its last day on `as_of` (today unless told otherwise, see `clock`). A
world told on an earlier day is left alone (`DemoOutOfDate`): `demo_reset` starts over.
"""

import importlib
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import F, Max
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from demo.world.catalogue import load_catalogue
from demo.world.clock import SHANGHAI, STORY_LAST_DAY, as_of_of, clock_for, current, told_on
from demo.world.directory import load_directory
from demo.world.donations import DONATIONS
from demo.world.last_mile import load_last_mile
from demo.world.organisations import CHENGDU_CENTRE, load_donors, load_organisations
from demo.world.requests import load_requests
from demo.world.stock import (
    count_stock,
    receive_donations,
    set_thresholds,
    transfer_stock,
    write_off_stock,
)
from demo.world.users import load_users
from inventory.models import (
    Donation,
    DonationLine,
    Donor,
    Item,
    ItemAlias,
    ItemPack,
    Lot,
    Organisation,
    OrganisationMembership,
    Site,
    StockAdjustment,
    StockCount,
    StockMovement,
    StockTransfer,
)
from logistics.checks import overdue_shipments_check
from logistics.models import Allocation, Shipment, ShipmentLine, ShipmentStatusChange
from notifications import services as notifications
from notifications.models import Notification, StockThreshold
from supply_requests.checks import waiting_requests_check
from supply_requests.models import (
    RequestStatusChange,
    ServedUnit,
    ServedUnitMembership,
    SupplyRequest,
    SupplyRequestLine,
)


class DemoConflict(Exception):
    """The database holds something the demo cannot work with (say, a non-admin "admin")."""


class DemoOutOfDate(Exception):
    """The demo world here was told on another day: its waits and expiries are that day's."""

    def __init__(self, *, world_as_of: date, as_of: date) -> None:
        super().__init__(f"demo world of {world_as_of}, asked for {as_of}")
        self.world_as_of, self.as_of = world_as_of, as_of


def _counted_models() -> list[type[models.Model]]:
    return [
        Organisation,
        Site,
        Item,
        ItemPack,
        ItemAlias,
        Donor,
        ServedUnit,
        ServedUnit.organisations.through,
        get_user_model(),
        OrganisationMembership,
        ServedUnitMembership,
        Donation,
        DonationLine,
        Lot,
        StockTransfer,
        StockAdjustment,
        StockCount,
        StockMovement,
        SupplyRequest,
        SupplyRequestLine,
        RequestStatusChange,
        Allocation,
        Shipment,
        ShipmentLine,
        ShipmentStatusChange,
        StockThreshold,
        Notification,
    ]


@dataclass(frozen=True)
class DemoReport:
    """Rows per model before and after the load, keyed by model label ("inventory.Item")."""

    before: dict[str, int]
    after: dict[str, int]

    @property
    def created(self) -> dict[str, int]:
        return {
            name: self.after[name] - self.before[name]
            for name in self.after
            if self.after[name] != self.before[name]
        }


def _row_counts() -> dict[str, int]:
    # Labels, not verbose names: those are half-translated (Django's own are in Chinese).
    return {model._meta.label: model.objects.count() for model in _counted_models()}


def world_as_of() -> date | None:
    """The last story day of the demo world in the database, or None if there is none."""
    first = (
        Donation.objects.filter(reference=DONATIONS[0].reference)
        .values_list("received_at", flat=True)
        .first()
    )
    return None if first is None else as_of_of(first)


def load_demo(*, as_of: date | None = None) -> DemoReport:
    """Upsert the reference data, create missing logins, post the stock not yet posted, with
    the story's last day on `as_of` (today by default); then run the alert checks once.

    Demo accounts get no e-mail: their addresses are `.invalid`, and the console backend
    would print hundreds of messages. Their inboxes fill as the story goes.
    """
    today = timezone.localdate()
    as_of = as_of or today
    existing = world_as_of()
    if existing is not None and existing != as_of:
        raise DemoOutOfDate(world_as_of=existing, as_of=as_of)
    clock = clock_for(as_of, now=timezone.now())
    with override_settings(NOTIFICATIONS_EMAIL=False), told_on(clock):
        report = _load()
        if as_of == today:
            # Alerts exist as soon as the world does (the in-process hook repeats them).
            notifications.low_stock_check()
            notifications.near_expiry_check()
            overdue_shipments_check()
            waiting_requests_check()
    return DemoReport(before=report.before, after=_row_counts())


def demo_reset() -> None:
    """Empty the whole database (demo or not) so the next load starts over.

    The ledger's append-only triggers refuse row deletes on SQLite (PostgreSQL's flush
    truncates, which they allow), so on SQLite they are dropped for the flush and put back.
    """
    ledger = importlib.import_module("inventory.migrations.0002_ledger_append_only")
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            for statement in ledger.SQLITE_REVERSE:
                cursor.execute(statement)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside a transaction (a test's), deferred foreign-key checks still pending would
        # make TRUNCATE refuse: run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                for statement in ledger.SQLITE:
                    cursor.execute(statement)


def _load() -> DemoReport:
    before = _row_counts()
    already_told = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    with transaction.atomic():
        items = load_catalogue()
        organisations, sites = load_organisations()
        donors = load_donors()
        units = load_directory(organisations)
        users = load_users(organisations, units)
        admin, staff = users["admin"], users["staff"]
        if not admin.is_superuser:
            raise DemoConflict(
                _(
                    "A user called “admin” exists and is not a superuser; the demo needs it "
                    "to record stock at every organisation. Rename that user or make it a "
                    "superuser."
                )
            )
        # The Chengdu centre's own staff record its stock, as they did; an administrator
        # records it for the organisations that have no demo staff.
        centre_id = organisations[CHENGDU_CENTRE].pk
        actor_for = {
            organisation.pk: staff if organisation.pk == centre_id else admin
            for organisation in organisations.values()
        }
        receive_donations(actor_for=actor_for, sites=sites, donors=donors, items=items)
        transfer_stock(actor=staff, sites=sites)
        write_off_stock(actor=staff, sites=sites)
        try:
            load_requests(users=users, units=units, sites=sites, items=items)
        except DomainError as error:
            # The story replays 2020 against the demo stock; stock changed since (by hand,
            # in the app) can make a step impossible. Say so instead of half a story.
            raise DemoConflict(
                _(
                    "The demo requests could not be replayed: %(error)s The demo stock has "
                    "probably been changed since it was loaded; load the demo into an empty "
                    "database."
                )
                % {"error": error}
            ) from error
        # The count of 8 February comes after the deliveries: the High-tech Zone point's
        # shipments of 2–4 February had left its shelves by then.
        count_stock(actor=staff, sites=sites)
        set_thresholds(actor=staff, sites=sites, items=items)
        mark_story_notices_read(after_pk=already_told)
        load_last_mile(items=items, units=units)  # issue 20: the family kit, a volunteer
    return DemoReport(before=before, after=_row_counts())


def mark_story_notices_read(*, after_pk: int) -> int:
    """The notices this load told before the story's last day were read when they came: a
    coordinator opening the demo sees today's alerts, not some forty old "delivered" notices.

    Only this load's notices (above `after_pk`) are touched, never a user's own inbox."""
    last_day = current().day(STORY_LAST_DAY)
    start_of_last_day = datetime.combine(last_day, time.min, tzinfo=SHANGHAI)
    return Notification.objects.filter(
        pk__gt=after_pk, read_at__isnull=True, created_at__lt=start_of_last_day
    ).update(read_at=F("created_at"))
