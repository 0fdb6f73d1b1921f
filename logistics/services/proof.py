"""Proof of delivery at the door (issue 22): who received, when the driver handed the goods
over, an optional photo, and a confirmation typed offline carrying the time it was made."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from logistics.models import Shipment

# A phone's clock may run a little fast; more than this ahead of the server is refused.
CLOCK_SLACK = timedelta(minutes=10)
# What a delivery photo may be: the phone sends a resized JPEG (or PNG/WebP as taken).
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}


@dataclass(frozen=True)
class DeliveryProof:
    handed_over_at: datetime | None = None
    photo: File | None = None


def _check_time(shipment: Shipment, value: datetime, what: str) -> None:
    if timezone.is_naive(value):
        raise ValidationFailed(_("%(what)s needs a time zone.") % {"what": what})
    if value > timezone.now() + CLOCK_SLACK:
        raise ValidationFailed(_("%(what)s is in the future.") % {"what": what})
    if shipment.dispatched_at and value < shipment.dispatched_at:
        raise ValidationFailed(
            _("%(what)s is before the shipment left (%(left)s).")
            % {
                "what": what,
                "left": timezone.localtime(shipment.dispatched_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def photo_extension(photo: File) -> str:
    """The photo's kind from its first bytes; anything else (or too large) is refused."""
    if photo.size is not None and photo.size > settings.RECEIPT_PHOTO_MAX_BYTES:
        raise ValidationFailed(
            _("The photo is larger than %(mb)d MB.")
            % {"mb": settings.RECEIPT_PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    photo.seek(0)
    head = photo.read(12)
    photo.seek(0)
    for signature, extension in PHOTO_SIGNATURES.items():
        if head.startswith(signature) and (extension != "webp" or head[8:12] == b"WEBP"):
            return extension
    raise ValidationFailed(_("The photo must be a JPEG, PNG or WebP picture."))


def delivery_proof_apply(
    *,
    actor: AbstractBaseUser,
    shipment: Shipment,
    delivered_at: datetime,
    proof: DeliveryProof | None,
) -> None:
    """Put the proof on the locked shipment (saved by the caller's transition). With a proof
    (a confirmation at the door, from the page or the API) the times must lie between
    dispatch and now, with a little slack for the phone's clock; the demo's replayed story
    passes none."""
    shipment.received_by = actor
    if proof is None:
        return
    _check_time(shipment, delivered_at, _("The time of receipt"))
    if proof.handed_over_at is not None:
        _check_time(shipment, proof.handed_over_at, _("The driver's handover time"))
        shipment.handed_over_at = proof.handed_over_at
    if proof.photo is not None:
        extension = photo_extension(proof.photo)
        shipment.receipt_photo.save(f"shipment-{shipment.pk}.{extension}", proof.photo, save=False)
