"""Distribution: reservations of stock for request lines, shipments and delivery."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Item, Lot, Site
from supply_requests.models import ServedUnit, SupplyRequest, SupplyRequestLine


class AllocationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    IN_SHIPMENT = "in_shipment", _("On a planned shipment")
    DISPATCHED = "dispatched", _("Dispatched")
    RELEASED = "released", _("Released")


class Allocation(models.Model):
    """Stock of one lot at one site reserved for one request line.

    While reserved (or on a planned shipment) its quantity is part of
    `StockBalance.reserved`; dispatch consumes it, release gives it back.
    """

    request_line = models.ForeignKey(
        SupplyRequestLine, on_delete=models.PROTECT, related_name="allocations"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="allocations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=20, choices=AllocationStatus.choices, default="reserved"
    )
    # Set only when the lot had expired and a coordinator released it on purpose: why.
    expired_release_reason = models.CharField(
        _("expired stock released because"),
        max_length=200,
        blank=True,
        default="",
        db_default="",  # bulk writers (scale worlds, COPY) that leave the column out
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["id"]
        constraints = [
            # A released allocation keeps what it had held, for history; a live one must
            # hold something.
            models.CheckConstraint(
                condition=Q(status="released") | Q(quantity__gt=0),
                name="allocation_live_quantity_gt_0",
            )
        ]
        indexes = [models.Index(fields=["site", "status"], name="allocation_site_status")]

    def __str__(self) -> str:
        return f"{self.lot} × {self.quantity} @ {self.site} → line {self.request_line_id}"


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DISPATCHED = "dispatched", _("Dispatched")
    DELIVERED = "delivered", _("Delivered")
    DELIVERED_WITH_DISCREPANCY = "delivered_with_discrepancy", _("Delivered with discrepancy")
    CANCELLED = "cancelled", _("Cancelled")


def receipt_photos():
    """Photos of delivered goods or signed waybills: never under MEDIA_URL, only through the
    shipment's photo view, which checks that the reader is on one of its two sides."""
    return storages["private"]


class Shipment(models.Model):
    """Goods from one site to one served unit, for one or more requests."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="shipments")
    served_unit = models.ForeignKey(ServedUnit, on_delete=models.PROTECT, related_name="shipments")
    status = models.CharField(
        _("status"), max_length=30, choices=ShipmentStatus.choices, default="planned"
    )
    vehicle = models.CharField(_("vehicle"), max_length=60, blank=True)
    driver = models.CharField(_("driver"), max_length=60, blank=True)
    contact = models.CharField(_("contact phone"), max_length=60, blank=True)
    planned_at = models.DateTimeField(_("planned departure"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Proof of delivery at the door (issue 22): who took the goods, when the driver handed
    # them over, and optionally a photo of the goods or the signed waybill.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("received by"),
    )
    handed_over_at = models.DateTimeField(_("handed over by the driver at"), null=True, blank=True)
    receipt_photo = models.FileField(
        _("photo of the delivery"),
        storage=receipt_photos,
        upload_to="receipts/%Y/%m/",
        blank=True,
        # Rows written in bulk without the column (the benchmark worlds) have no photo.
        default="",
        db_default="",
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "dispatched_at"], name="shipment_status"),
            # Dashboard windows over deliveries and dispatches.
            models.Index(fields=["served_unit", "delivered_at"], name="shipment_unit_delivered"),
            models.Index(fields=["site", "dispatched_at"], name="shipment_site_dispatched"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.site} → {self.served_unit} ({self.get_status_display()})"


class DiscrepancyReason(models.TextChoices):
    LOST = "lost", _("Lost on the way")
    DAMAGED = "damaged", _("Damaged")
    RETURNED = "returned", _("Returned to the site")


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="shipment_lines"
    )
    request_line = models.ForeignKey(
        SupplyRequestLine, on_delete=models.PROTECT, related_name="shipment_lines"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity shipped"))
    quantity_received = models.PositiveIntegerField(_("quantity received"), null=True, blank=True)
    discrepancy_reason = models.CharField(
        _("discrepancy"), max_length=20, choices=DiscrepancyReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Copied from the allocation: expired stock on this line was released with this reason.
    expired_release_reason = models.CharField(
        _("expired stock released because"),
        max_length=200,
        blank=True,
        default="",
        db_default="",  # bulk writers (scale worlds, COPY) that leave the column out
    )

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(quantity_received__isnull=True)
                | Q(quantity_received__lte=models.F("quantity")),
                name="shipmentline_received_lte_shipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"

    @property
    def quantity_short(self) -> int:
        return 0 if self.quantity_received is None else self.quantity - self.quantity_received


class ShipmentStatusChange(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=30, choices=ShipmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ShipmentStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("shipment status change")
        verbose_name_plural = _("shipment status changes")

    def __str__(self) -> str:
        return f"#{self.shipment_id}: {self.from_status or '∅'} → {self.to_status}"


class PlanRecord(models.Model):
    """A committed fair-share plan, kept whole so anyone can see later why who got what:
    what the planner was given (items, sites, supply, each line's need and tier), what it
    proposed, what the coordinator changed (each change with its reason), what was
    reserved, and who committed it. The reasoning is stored as codes and numbers
    (`logistics.selectors.explain` words it in the reader's language)."""

    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed at"), default=timezone.now)
    items = models.JSONField(_("items"), default=list)  # item codes, as planned
    sites = models.JSONField(_("sites"), default=list)  # site codes, in order of preference
    supply = models.JSONField(_("supply"), default=list)  # per item: available, outstanding…
    explanation = models.JSONField(_("reasoning"), default=list)  # per line, codes
    proposal = models.JSONField(_("proposal"), default=list)  # [{request_line, site, quantity}]
    changes = models.JSONField(_("changes"), default=list)  # [{…, proposed, committed, reason}]
    committed = models.JSONField(_("committed"), default=list)  # [{request_line, site, quantity}]
    requests = models.ManyToManyField(
        SupplyRequest, related_name="plan_records", verbose_name=_("requests")
    )

    class Meta:
        verbose_name = _("committed plan")
        verbose_name_plural = _("committed plans")
        ordering = ["-committed_at", "-id"]

    def __str__(self) -> str:
        return f"plan #{self.pk} by {self.committed_by_id} at {self.committed_at:%Y-%m-%d %H:%M}"


class CommunityStockPoint(models.Model):
    """Issue 20: the stock point of a served unit (a community's own store), so the ledger
    goes on past delivery: donor → lot → organisation site → community → household.

    The site belongs to an organisation of its own (no staff, no coordinators), so no
    organisation's pages, allocation or plans ever count or take the community's stock;
    only the community's workers move it (handovers, rounds). Made at the community's first
    delivery (`logistics.services.community_stock`)."""

    served_unit = models.OneToOneField(
        ServedUnit, on_delete=models.PROTECT, related_name="stock_point"
    )
    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="community_point")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community stock point")
        verbose_name_plural = _("community stock points")

    def __str__(self) -> str:
        return f"{self.served_unit} → {self.site}"
