"""Alerts raised by the periodic checks, each user's inbox, and the stock thresholds.

An alert is raised once per *crossing* of a condition: `AlertState` remembers, per watched
subject (an item at a site, a lot at a site, a shipment, a request), whether the condition
holds and how many times it has started to hold. A notification's dedupe key names the
crossing, and a unique constraint on (recipient, dedupe key) makes a second run of the same
check — or two workers running it at once — unable to notify anyone twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models import Item, Site
from notifications.texts import body_of, title_of


class NotificationKind(models.TextChoices):
    LOW_STOCK = "low_stock", _("Low stock")
    NEAR_EXPIRY = "near_expiry", _("Lot near expiry")
    OVERDUE_SHIPMENT = "overdue_shipment", _("Shipment overdue")
    REQUEST_WAITING = "request_waiting", _("Request waiting for a decision")
    # Events: something happened to a request or a shipment that the recipient must know.
    REQUEST_SUBMITTED = "request_submitted", _("Request submitted")
    REQUEST_APPROVED = "request_approved", _("Request approved")
    REQUEST_PARTIALLY_APPROVED = "request_partially_approved", _("Request partially approved")
    REQUEST_REJECTED = "request_rejected", _("Request rejected")
    REQUEST_CLOSED = "request_closed", _("Request closed")
    SHIPMENT_DISPATCHED = "shipment_dispatched", _("Shipment dispatched")
    SHIPMENT_DELIVERED = "shipment_delivered", _("Delivery recorded")


class EmailStatus(models.TextChoices):
    NOT_WANTED = "", _("No e-mail")
    PENDING = "pending", _("To be sent")
    SENT = "sent", _("Sent")


class Notification(models.Model):
    """One alert in one user's inbox.

    The text is not stored: `kind` and `params` are rendered in the reader's language when
    shown (see `notifications.texts`), so the same alert reads in Chinese or in English.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=160)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, blank=True, default=""
    )
    # A sender claims pending e-mails with a token before sending, so two senders (the
    # queued task and the sweep, or a redelivered task) never send the same one twice.
    email_claim = models.UUIDField(null=True, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(email_status__in=["", "pending", "sent"]),
                name="notification_email_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(fields=["email_status", "created_at"], name="notification_email_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} → {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def title(self) -> str:
        return title_of(self.kind, self.params)

    @property
    def body(self) -> str:
        return body_of(self.kind, self.params)


class AlertState(models.Model):
    """Whether a watched condition holds now, and how often it has started to hold."""

    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    crossings = models.PositiveIntegerField(_("times raised"), default=0)
    raised_at = models.DateTimeField(_("last raised"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("last cleared"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert state")
        verbose_name_plural = _("alert states")
        ordering = ["kind", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="alertstate_unique_subject")
        ]
        indexes = [models.Index(fields=["kind", "is_active"], name="alertstate_active")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({'active' if self.is_active else 'clear'})"


class StockThreshold(models.Model):
    """When stock of an item at a site counts as low: below an absolute minimum, or below a
    minimum number of days of cover (on hand ÷ average daily dispatch over 14 days)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="stock_thresholds")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stock_thresholds")
    min_quantity = models.PositiveIntegerField(
        _("minimum on hand (base units)"), null=True, blank=True
    )
    min_days_of_cover = models.PositiveIntegerField(
        _("minimum days of cover"), null=True, blank=True
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock threshold")
        verbose_name_plural = _("stock thresholds")
        ordering = ["site", "item"]
        constraints = [
            models.UniqueConstraint(fields=["site", "item"], name="threshold_unique_site_item"),
            models.CheckConstraint(
                condition=(
                    Q(min_quantity__isnull=False, min_days_of_cover__isnull=True)
                    | Q(min_quantity__isnull=True, min_days_of_cover__isnull=False)
                ),
                name="threshold_exactly_one_kind",
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__isnull=True) | Q(min_quantity__gt=0),
                name="threshold_min_quantity_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(min_days_of_cover__isnull=True) | Q(min_days_of_cover__gt=0),
                name="threshold_min_days_gt_0",
            ),
        ]

    def __str__(self) -> str:
        if self.min_quantity is not None:
            return f"{self.item} @ {self.site}: < {self.min_quantity}"
        return f"{self.item} @ {self.site}: < {self.min_days_of_cover} d"


class CheckClaim(models.Model):
    """When a periodic check last started in-process (no Celery beat): a conditional UPDATE
    on this row decides which of several web processes runs it, so no two run it at once."""

    name = models.CharField(max_length=50, unique=True)
    last_started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_started_at}"
