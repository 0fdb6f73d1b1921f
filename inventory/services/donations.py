"""Receiving donated goods: each line becomes a lot and a receipt in the ledger."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import (
    Donation,
    DonationLine,
    Donor,
    Item,
    ItemPack,
    Lot,
    MovementKind,
    Site,
    StockBalance,
)
from inventory.permissions import require_site_manager
from inventory.services.ledger import MovementSource, lock_balances, post_movement
from inventory.services.ledger_bulk import MovementInput, post_movements


@dataclass(frozen=True)
class DonationLineInput:
    """One received line. With `pack_name`, `quantity` counts packs, not base units."""

    item: Item
    quantity: int
    pack_name: str = ""
    pack_size: int | None = None
    batch: str = ""
    expiry: date | None = None


def pack_size_for(item: Item, pack_name: str) -> int:
    """Base units in one pack of this name; refuses an unknown or ambiguous pack."""
    sizes = list(
        ItemPack.objects.filter(item=item, name=pack_name).values_list("quantity", flat=True)
    )
    if not sizes:
        raise ValidationFailed(
            _("%(item)s has no pack called “%(pack)s”; give the pack size.")
            % {"item": item.name_zh, "pack": pack_name}
        )
    if len(sizes) > 1:
        raise ValidationFailed(
            _("%(item)s comes in several “%(pack)s” sizes (%(sizes)s); give the pack size.")
            % {"item": item.name_zh, "pack": pack_name, "sizes": ", ".join(map(str, sizes))}
        )
    return sizes[0]


def base_quantity(line: DonationLineInput) -> tuple[int, int | None]:
    """(quantity in base units, number of packs or None)."""
    if line.quantity <= 0:
        raise ValidationFailed(
            _("The quantity of %(item)s must be more than zero.") % {"item": line.item.name_zh}
        )
    if not line.pack_name:
        if line.pack_size not in (None, 1):
            raise ValidationFailed(_("A pack size needs a pack name."))
        return line.quantity, None
    size = (
        line.pack_size if line.pack_size is not None else pack_size_for(line.item, line.pack_name)
    )
    if size <= 0:
        raise ValidationFailed(_("A pack size must be more than zero."))
    return line.quantity * size, line.quantity


def donor_for(name_or_donor: Donor | str) -> Donor:
    if isinstance(name_or_donor, Donor):
        return name_or_donor
    name = " ".join(name_or_donor.split())
    if not name:
        raise ValidationFailed(_("Name the donor."))
    donor, _created = Donor.objects.get_or_create(name=name)
    return donor


@atomic_retrying
def donation_receive(
    *,
    actor: AbstractBaseUser,
    site: Site,
    donor: Donor | str,
    received_at: date,
    lines: Sequence[DonationLineInput],
    reference: str = "",
    note: str = "",
    occurred_at: datetime | None = None,
) -> Donation:
    """Record goods received at a site: one lot and one receipt movement per line."""
    require_site_manager(actor, site)
    if not site.is_active:
        raise ValidationFailed(_("%(site)s is closed.") % {"site": site.name})
    if not lines:
        raise ValidationFailed(_("A donation needs at least one line."))
    if received_at > timezone.localdate():
        raise ValidationFailed(_("The received date cannot be in the future."))
    converted = [(line, *base_quantity(line)) for line in lines]
    reference = reference.strip()
    if (
        reference
        and Donation.objects.filter(
            organisation_id=site.organisation_id, reference=reference
        ).exists()
    ):
        raise Conflict(
            _("Receipt number %(ref)s is already recorded; the same goods are not received twice.")
            % {"ref": reference}
        )
    try:
        # A savepoint: two people recording the same receipt at once meet the unique
        # constraint, and the loser gets the same 409 as above, not a 500.
        with transaction.atomic():
            donation = Donation.objects.create(
                organisation_id=site.organisation_id,
                site=site,
                donor=donor_for(donor),
                received_at=received_at,
                reference=reference,
                note=note,
                recorded_by=actor,
            )
    except IntegrityError as error:
        raise Conflict(
            _("Receipt number %(ref)s is already recorded; the same goods are not received twice.")
            % {"ref": reference}
        ) from error
    _receive_lines(donation, converted, actor, occurred_at)
    return donation


def _receive_lines(
    donation: Donation,
    converted: Sequence[tuple[DonationLineInput, int, int | None]],
    actor: AbstractBaseUser,
    occurred_at: datetime | None = None,
) -> list[DonationLine]:
    """`_receive_line` for every line of a new donation, set-wise (issue 19): the lines,
    their lots and their (new, empty) balances in one INSERT each, then the receipts
    through `post_movements` — a fixed number of statements however many lines."""
    lines = DonationLine.objects.bulk_create(
        [
            DonationLine(
                donation=donation,
                item=line.item,
                quantity=quantity,
                pack_name=line.pack_name if pack_count else "",
                pack_count=pack_count,
                batch=line.batch.strip(),
                expiry=line.expiry,
            )
            for line, quantity, pack_count in converted
        ]
    )
    lots = Lot.objects.bulk_create(
        [
            Lot(
                item=line.item,
                donation_line=line,
                donor=donation.donor,
                batch=line.batch,
                expiry=line.expiry,
                received_at=donation.received_at,
            )
            for line in lines
        ]
    )
    # New lots: nobody else can hold their balances, so no row lock is needed (as in
    # `donation_receive_bulk`); the roll-up's site lock is taken by `post_movements`.
    balances = StockBalance.objects.bulk_create(
        [
            StockBalance(site=donation.site, lot=lot, item_id=lot.item_id, expiry=lot.expiry)
            for lot in lots
        ]
    )
    reason = _("Donation #%(id)d from %(donor)s") % {
        "id": donation.pk,
        "donor": donation.donor.name,
    }
    post_movements(
        moves=[
            MovementInput(
                balance=balance,
                quantity=line.quantity,
                kind=MovementKind.RECEIPT,
                reason=reason,
                source=MovementSource(donation_line_id=line.pk),
            )
            for balance, line in zip(balances, lines, strict=True)
        ],
        actor=actor,
        occurred_at=occurred_at,
    )
    return lines


def _receive_line(
    donation: Donation,
    line: DonationLineInput,
    quantity: int,
    pack_count: int | None,
    actor: AbstractBaseUser,
    occurred_at: datetime | None = None,
) -> DonationLine:
    donation_line = DonationLine.objects.create(
        donation=donation,
        item=line.item,
        quantity=quantity,
        pack_name=line.pack_name if pack_count else "",
        pack_count=pack_count,
        batch=line.batch.strip(),
        expiry=line.expiry,
    )
    lot = Lot.objects.create(
        item=line.item,
        donation_line=donation_line,
        donor=donation.donor,
        batch=donation_line.batch,
        expiry=line.expiry,
        received_at=donation.received_at,
    )
    site = donation.site
    balance = lock_balances([(site.pk, lot.pk)], create=True)[(site.pk, lot.pk)]
    post_movement(
        balance=balance,
        quantity=quantity,
        kind=MovementKind.RECEIPT,
        actor=actor,
        reason=_("Donation #%(id)d from %(donor)s")
        % {"id": donation.pk, "donor": donation.donor.name},
        source=MovementSource(donation_line_id=donation_line.pk),
        occurred_at=occurred_at,
    )
    return donation_line


@transaction.atomic
def donation_line_add(
    *, actor: AbstractBaseUser, donation: Donation, line: DonationLineInput
) -> DonationLine:
    """Receive one more line into a recorded donation (a correction of a voided line)."""
    require_site_manager(actor, donation.site)
    quantity, pack_count = base_quantity(line)
    return _receive_line(donation, line, quantity, pack_count, actor)
