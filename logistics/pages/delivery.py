"""Proof of delivery at the door (issue 22): the proof fields of *Confirm delivery*, the
delivery code typed instead of scanning the waybill's QR code, and the delivery photo, served
only to the shipment's two sides (never from a public URL)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import ISODateTimeField
from inventory.permissions import can_manage_site
from logistics.models import Shipment
from logistics.selectors import visible_shipments
from logistics.services.proof import DeliveryProof
from logistics.waybill import delivery_code, qr_svg, shipment_for_code


class ProofForm(forms.Form):
    handed_over_at = ISODateTimeField(
        label=gettext_lazy("The driver handed it over at"), required=False
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo of the goods or the signed waybill (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def proof(self) -> DeliveryProof:
        return DeliveryProof(
            handed_over_at=self.cleaned_data.get("handed_over_at"),
            photo=self.cleaned_data.get("photo"),
        )


def waybill_context(request: HttpRequest, shipment: Shipment) -> dict:
    """The QR code (the confirm URL of this shipment) and the short code, for the waybill."""
    url = request.build_absolute_uri(reverse("pages:shipment_receive", args=[shipment.pk]))
    return {"confirm_url": url, "qr_svg": qr_svg(url), "delivery_code": delivery_code(shipment.pk)}


@login_required
def delivery_code_lookup(request: HttpRequest) -> HttpResponse:
    """Type the waybill's delivery code: opens *Confirm delivery* of that shipment."""
    typed = request.GET.get("code", "")
    error = ""
    if typed:
        shipment = shipment_for_code(visible_shipments(request.user), typed)
        if shipment is not None:
            return redirect("pages:shipment_receive", pk=shipment.pk)
        error = _("No shipment on its way to you has this code. Check the waybill.")
    return render(request, "logistics/delivery_code.html", {"typed": typed, "error": error})


@login_required
def shipment_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The delivery photo, for the receiving unit's side and the sending site's managers."""
    shipment = get_object_or_404(Shipment.objects.select_related("site"), pk=pk)
    if (
        not (
            visible_shipments(request.user).filter(pk=pk).exists()
            or can_manage_site(request.user, shipment.site)
        )
        or not shipment.receipt_photo
    ):
        raise Http404
    response = FileResponse(shipment.receipt_photo.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
