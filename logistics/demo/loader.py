"""Load the whole demo world in one transaction; loading it again changes nothing."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from demo.world.catalogue import load_catalogue
from demo.world.directory import load_directory
from demo.world.organisations import CHENGDU_CENTRE, load_donors, load_organisations
from demo.world.requests import load_requests
from demo.world.stock import count_stock, receive_donations, transfer_stock, write_off_stock
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
from logistics.models import Allocation, Shipment, ShipmentLine, ShipmentStatusChange
from supply_requests.models import (
    RequestStatusChange,
    ServedUnit,
    ServedUnitMembership,
    SupplyRequest,
    SupplyRequestLine,
)


class DemoConflict(Exception):
    """The database holds something the demo cannot work with (say, a non-admin "admin")."""


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


def load_demo() -> DemoReport:
    """Upsert the reference data, create missing logins, post the stock not yet posted."""
    before = _row_counts()
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
    return DemoReport(before=before, after=_row_counts())
