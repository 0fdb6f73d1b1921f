"""Undoing a mistyped donation line: a reversing "entry error" movement, never a deletion.

A line can be voided only while its whole lot still sits untouched on the shelf where it
was received — nothing promised, moved or sent — because reversing stock that already left
would make the ledger lie about where the goods went. Otherwise the refusal says why.
"""

from dataclasses import replace

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition, ValidationFailed
from inventory.models import AdjustmentReason, DonationLine, MovementKind, StockMovement
from inventory.permissions import require_site_manager
from inventory.services.donations import DonationLineInput, donation_line_add
from inventory.services.ledger import site_lot_balance
from inventory.services.stock import stock_adjust


@transaction.atomic
def donation_line_void(
    *, actor: AbstractBaseUser, line: DonationLine, note: str = ""
) -> DonationLine:
    """Void a donation line typed in error: its lot's whole receipt is reversed with reason
    "entry error". Refused when any of it is already promised, moved or sent."""
    line = (
        DonationLine.objects.select_for_update(of=("self",))
        .select_related("donation__site", "lot", "item")
        .get(pk=line.pk)
    )
    site = line.donation.site
    require_site_manager(actor, site)
    if line.voided_at is not None:
        raise IllegalTransition(_("This donation line is already voided."))
    lot = line.lot
    balance = site_lot_balance(site, lot)
    if balance.reserved > 0:
        raise IllegalTransition(
            _(
                "%(qty)s of this line are already promised to requests: release them first, "
                "or correct the stock with an adjustment."
            )
            % {"qty": f"{balance.reserved:,}"}
        )
    moved = StockMovement.objects.filter(lot=lot).exclude(kind=MovementKind.RECEIPT).exists()
    if moved or balance.on_hand != line.quantity:
        raise IllegalTransition(
            _(
                "Some of this line has already been moved, sent or adjusted: it can no longer "
                "be voided; correct the stock with an adjustment instead."
            )
        )
    stock_adjust(
        actor=actor,
        site=site,
        lot=lot,
        quantity=-line.quantity,
        reason=AdjustmentReason.ENTRY_ERROR,
        note=note or _("Entry error: donation #%(id)d line voided") % {"id": line.donation_id},
    )
    line.voided_at = timezone.now()
    line.voided_by = actor
    line.save(update_fields=["voided_at", "voided_by"])
    return line


@transaction.atomic
def donation_line_correct(
    *, actor: AbstractBaseUser, line: DonationLine, correction: DonationLineInput, note: str = ""
) -> DonationLine:
    """Replace a mistyped line: void it (same rules as `donation_line_void`) and receive the
    corrected line into the same donation, as a new lot."""
    if correction.item.pk != line.item_id:
        raise ValidationFailed(_("A correction keeps the item; void the line to change it."))
    voided = donation_line_void(actor=actor, line=line, note=note)
    return donation_line_add(
        actor=actor, donation=voided.donation, line=replace(correction, item=voided.item)
    )
