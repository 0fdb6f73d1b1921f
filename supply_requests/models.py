"""The directory of served units (district → street → community …) and who works for them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Organisation


class ServedUnitKind(models.TextChoices):
    DISTRICT = "district", _("District / county")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    STREET = "street", _("Street / sub-district")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    MEDICAL_INSTITUTION = "medical_institution", _("Medical institution")
    OTHER = "other", _("Other")


class ServedUnit(models.Model):
    """A department, street, community or organisation that receives supplies."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ServedUnitKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    isolated_households = models.PositiveIntegerField(_("households in isolation"), default=0)
    frontline_medical = models.BooleanField(
        _("frontline medical"),
        default=False,
        help_text=_("Served first when supplies are short."),
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="served_units", blank=True, verbose_name=_("served by")
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("served unit")
        verbose_name_plural = _("served units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="servedunit_not_own_parent"),
            models.CheckConstraint(
                condition=Q(isolated_households__lte=F("households")),
                name="servedunit_isolated_lte_households",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["ServedUnit"]:
        """Parent first, up to the root (district)."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class ServedUnitMembership(models.Model):
    """A community worker acting for a served unit (and the units below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    served_unit = models.ForeignKey(
        ServedUnit, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("community worker membership")
        verbose_name_plural = _("community worker memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "served_unit"], name="unitmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.served_unit}"


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
    REJECTED = "rejected", _("Rejected")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed short")
    CANCELLED = "cancelled", _("Cancelled")


# States in which a request may still change; the rest are final.
OPEN_STATUSES = frozenset(
    {
        RequestStatus.DRAFT,
        RequestStatus.SUBMITTED,
        RequestStatus.APPROVED,
        RequestStatus.PARTIALLY_APPROVED,
        RequestStatus.IN_FULFILMENT,
    }
)
# Decided and not finished: stock may be allocated, shipped and delivered against these.
ACTIVE_STATUSES = frozenset(
    {RequestStatus.APPROVED, RequestStatus.PARTIALLY_APPROVED, RequestStatus.IN_FULFILMENT}
)


class SupplyRequest(models.Model):
    """A served unit asks for supplies; a coordinator decides; distribution fulfils."""

    served_unit = models.ForeignKey(
        ServedUnit, on_delete=models.PROTECT, related_name="requests", verbose_name=_("served unit")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supply_requests"
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "priority"], name="request_status_priority"),
            models.Index(fields=["served_unit", "status"], name="request_unit_status"),
            # Dashboard windows ("waiting since", "decided this week") read by these dates.
            models.Index(fields=["served_unit", "submitted_at"], name="request_unit_submitted"),
            models.Index(fields=["decided_at"], name="request_decided"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.served_unit} ({self.get_status_display()})"


class SupplyRequestLine(models.Model):
    """One item of a request and how far it has got.

    The counters follow the goods: approved ≥ allocated ≥ dispatched ≥ delivered (held by
    the database). Goods lost, damaged or returned on delivery are taken off `allocated` and
    `dispatched` again (and counted in `quantity_short`), so that quantity is outstanding
    and can be allocated anew — or the request closed short.
    """

    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("inventory.Item", on_delete=models.PROTECT, related_name="+")
    # None: "we need N95 masks" without a number; the approver sets the quantity.
    quantity_requested = models.PositiveIntegerField(_("requested"), null=True, blank=True)
    quantity_approved = models.PositiveIntegerField(_("approved"), default=0)
    quantity_allocated = models.PositiveIntegerField(_("allocated"), default=0)
    quantity_dispatched = models.PositiveIntegerField(_("dispatched"), default=0)
    quantity_delivered = models.PositiveIntegerField(_("delivered"), default=0)
    quantity_short = models.PositiveIntegerField(_("short on delivery"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="requestline_unique_item"),
            models.CheckConstraint(
                condition=Q(quantity_requested__isnull=True) | Q(quantity_requested__gt=0),
                name="requestline_requested_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(quantity_requested__isnull=True)
                | Q(quantity_approved__lte=F("quantity_requested")),
                name="requestline_approved_lte_requested",
            ),
            models.CheckConstraint(
                condition=Q(quantity_allocated__lte=F("quantity_approved")),
                name="requestline_allocated_lte_approved",
            ),
            models.CheckConstraint(
                condition=Q(quantity_dispatched__lte=F("quantity_allocated")),
                name="requestline_dispatched_lte_allocated",
            ),
            models.CheckConstraint(
                condition=Q(quantity_delivered__lte=F("quantity_dispatched")),
                name="requestline_delivered_lte_dispatched",
            ),
        ]
        indexes = [models.Index(fields=["item", "request"], name="requestline_item")]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity_requested or '?'}"

    @property
    def quantity_outstanding(self) -> int:
        """Approved but not yet allocated: what a plan may still give this line."""
        return self.quantity_approved - self.quantity_allocated


class RequestStatusChange(models.Model):
    """One transition of a request: who moved it, when, from what, to what, and why."""

    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("request status change")
        verbose_name_plural = _("request status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.request_id}: {self.from_status or '∅'} → {self.to_status}"
