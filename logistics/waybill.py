"""What a waybill carries for proof at the door (issue 22): a QR code that opens *Confirm
delivery* for its shipment, and a short delivery code to type when the camera will not read it.

The code is derived from the shipment's id and the site's SECRET_KEY, so it needs no column
and cannot be guessed from the id; rotating SECRET_KEY changes the codes of printed waybills
(reprint those still on the road)."""

import hashlib
import hmac

import segno
from django.conf import settings
from django.db.models import QuerySet

from logistics.models import Shipment, ShipmentStatus

# No 0/O, 1/I/L: read aloud or typed from paper at a stairwell.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def delivery_code(shipment_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"delivery:{shipment_id}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def normalise_code(typed: str) -> str:
    """What people type: spaces, dashes, lower case, full-width letters and digits."""
    half = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in typed.strip())
    return "".join(c for c in half.upper() if c.isalnum())


def shipment_for_code(shipments: QuerySet[Shipment], typed: str) -> Shipment | None:
    """The shipment on its way among `shipments` (those the user may see) with this code."""
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    for shipment in shipments.filter(status=ShipmentStatus.DISPATCHED).order_by("-pk")[:500]:
        if hmac.compare_digest(delivery_code(shipment.pk), code):
            return shipment
    return None


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no image file, prints sharp)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)
