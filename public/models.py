"""What an organisation chose to publish, what a donor agreed to, and offers from the public.

Publishing is off until an organisation's staff switch it on; a private donor is shown as
"a private donor" (爱心人士) until they agree to be named. Both are kept here, beside the
pages they govern, so the ledger's apps know nothing of the public side.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models import Donation, Item, Organisation, Site


class OrganisationPublication(models.Model):
    """An organisation's choice to publish its needs, donors' accounts and lists."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="publication"
    )
    published = models.BooleanField(_("published"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation publication")
        verbose_name_plural = _("organisation publications")

    def __str__(self) -> str:
        return f"{self.organisation}: {'on' if self.published else 'off'}"


class DonorConsent(models.Model):
    """A private donor's agreement to be named on public pages."""

    donor = models.OneToOneField(
        "inventory.Donor", on_delete=models.CASCADE, related_name="public_consent"
    )
    name_public = models.BooleanField(_("may be named in public"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("donor consent")
        verbose_name_plural = _("donor consents")

    def __str__(self) -> str:
        return f"{self.donor_id}: {self.name_public}"


class OfferStatus(models.TextChoices):
    NEW = "new", _("Waiting for an answer")
    PLEDGED = "pledged", _("Accepted: expected")
    RECEIVED = "received", _("Received")
    DECLINED = "declined", _("Declined")


class OffererKind(models.TextChoices):
    ORGANISATION = "organisation", _("An organisation")
    PERSON = "person", _("A private person")


class Offer(models.Model):
    """ "I can give this": an offer from the public, answered by an organisation's staff.

    Accepted, it is a pledge of that organisation (an expected donation to one of its
    sites); on arrival it becomes a donation through the ledger. The offerer follows the
    answer at a page only its secret link opens."""

    token = models.CharField(max_length=40, unique=True)
    offerer_kind = models.CharField(_("who offers"), max_length=20, choices=OffererKind.choices)
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    location = models.CharField(_("where it is"), max_length=100)
    available_on = models.DateField(_("when it can come"))
    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.NEW
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    donation = models.OneToOneField(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="offer"
    )
    answer = models.CharField(_("answer"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="offer_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(status__in=["new", "declined"]) | Q(site__isnull=False),
                name="offer_pledge_has_site",
            ),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(donation__isnull=False),
                name="offer_received_has_donation",
            ),
        ]
        indexes = [models.Index(fields=["status", "item"], name="offer_status_item")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_id} × {self.quantity} ({self.status})"
