"""Organisations, sites, the item catalogue, donations, lots and the stock ledger.

Stock is never a number someone edits: `StockMovement` is an append-only ledger and
`StockBalance` (site × lot) is its running sum, changed only by `inventory.services` in the
same transaction as the movement. Database constraints make an impossible balance (negative
stock, more reserved than on hand) fail at the database, whatever the code above does.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A social-work organisation that receives donations and serves units."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class OrganisationRole(models.TextChoices):
    STAFF = "staff", _("Organisation staff")
    COORDINATOR = "coordinator", _("Coordinator")


class OrganisationMembership(models.Model):
    """A user working for an organisation, as staff or as coordinator.

    Community workers belong to served units instead (`requests.ServedUnitMembership`);
    `supply_requests.roles` combines both into the one role model every page and API uses.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=OrganisationRole.choices)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Site(models.Model):
    """A warehouse or distribution point holding stock, run by one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ItemCategory(models.TextChoices):
    PROTECTIVE = "protective", _("Protective equipment")
    DISINFECTION = "disinfection", _("Disinfection")
    MEDICAL_DEVICE = "medical_device", _("Medical devices")
    MEDICINE = "medicine", _("Medicines")
    ISOLATION_NECESSITY = "isolation_necessity", _("Home-isolation necessities")
    OTHER = "other", _("Other")


class Item(models.Model):
    """A catalogue item. Quantities of it are integers in `base_unit` everywhere."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=ItemCategory.choices)
    base_unit = models.CharField(
        _("base unit"), max_length=20, help_text=_("e.g. 只, 副, 瓶, 千克")
    )
    standard = models.CharField(_("product standard"), max_length=60, blank=True)
    expiry_tracked = models.BooleanField(_("expiry tracked"), default=False)
    needs_review = models.BooleanField(
        _("needs review"), default=False, help_text=_("Created by an import; check it.")
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_zh} / {self.name_en}" if self.name_en else self.name_zh


class ItemPack(models.Model):
    """A pack in which an item arrives: "箱 = 400 只". Converted to base units at entry."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="packs")
    name = models.CharField(_("pack name"), max_length=20)
    quantity = models.PositiveIntegerField(_("base units per pack"))

    class Meta:
        verbose_name = _("pack size")
        verbose_name_plural = _("pack sizes")
        ordering = ["item", "quantity"]
        constraints = [
            # The same pack word can mean two sizes (rice: 袋 of 10 kg and of 25 kg).
            models.UniqueConstraint(fields=["item", "name", "quantity"], name="itempack_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="itempack_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.name} = {self.quantity} {self.item.base_unit}"


class ItemAlias(models.Model):
    """Another name for an item as it appears in spreadsheets ("N95口罩", "额温枪")."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("item alias")
        verbose_name_plural = _("item aliases")
        ordering = ["alias"]

    def __str__(self) -> str:
        return self.alias


class Donor(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[
            ("company", _("Company")),
            ("foundation", _("Foundation or charity")),
            ("individual", _("Individual")),
            ("government", _("Government")),
            ("other", _("Other")),
        ],
        default="other",
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Donation(models.Model):
    """Goods received from one donor at one site on one day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="donations"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    received_at = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_at", "-id"]
        constraints = [
            # A receipt number is entered once per organisation: a sheet or a retry that
            # brings the same reference again must not double the stock.
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=~Q(reference=""),
                name="donation_unique_reference",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.donor} → {self.site} ({self.received_at})"


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveBigIntegerField(_("quantity (base units)"))
    pack_name = models.CharField(_("pack"), max_length=20, blank=True)
    pack_count = models.PositiveIntegerField(_("number of packs"), null=True, blank=True)
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    # A mistyped line is voided by a reversing "entry error" movement, never deleted.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("donation line")
        verbose_name_plural = _("donation lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donationline_quantity_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Lot(models.Model):
    """One item received in one donation line: batch, expiry and provenance.

    A lot keeps its identity when it moves between sites, so every unit can be traced from
    its donor to the community that got it.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    donation_line = models.OneToOneField(
        DonationLine, on_delete=models.PROTECT, null=True, blank=True, related_name="lot"
    )
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, null=True, blank=True, related_name="lots"
    )
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    received_at = models.DateField(_("received on"))

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        indexes = [models.Index(fields=["item", "expiry"], name="lot_item_expiry")]

    def __str__(self) -> str:
        parts = [str(self.item.name_zh), f"#{self.pk}"]
        if self.batch:
            parts.append(self.batch)
        if self.expiry:
            parts.append(f"≤{self.expiry}")
        return " ".join(parts)


class AdjustmentReason(models.TextChoices):
    EXPIRED = "expired", _("Expired")
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost")
    FOUND = "found", _("Found")
    COUNT_CORRECTION = "count_correction", _("Count correction")
    # Only through voiding a donation line: the receipt was typed wrong.
    ENTRY_ERROR = "entry_error", _("Entry error")


# Reasons that can only take stock away; "found" only adds; a count correction may do either.
WRITE_OFF_REASONS = frozenset(
    {AdjustmentReason.EXPIRED, AdjustmentReason.DAMAGED, AdjustmentReason.LOST}
)


class StockAdjustment(models.Model):
    """A correction or write-off of one lot at one site, with its reason."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField(_("quantity (signed)"))
    reason = models.CharField(_("reason"), max_length=20, choices=AdjustmentReason.choices)
    note = models.TextField(_("note"), blank=True)
    count = models.ForeignKey(
        "StockCount", on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stock adjustment")
        verbose_name_plural = _("stock adjustments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="adjustment_quantity_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.quantity:+d} {self.lot}"


class StockTransfer(models.Model):
    """Goods moved from one site to another; out and in are posted together."""

    from_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="transfers_out")
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="transfers_in")
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stock transfer")
        verbose_name_plural = _("stock transfers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_site=F("to_site")), name="transfer_sites_differ"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.from_site} → {self.to_site}"


class StockTransferLine(models.Model):
    transfer = models.ForeignKey(StockTransfer, on_delete=models.PROTECT, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveBigIntegerField(_("quantity"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transferline_quantity_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.lot} × {self.quantity}"


class StockCountStatus(models.TextChoices):
    OPEN = "open", _("Open")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class StockCount(models.Model):
    """A physical count of a site; posting it turns differences into count corrections."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="counts")
    status = models.CharField(
        _("status"), max_length=20, choices=StockCountStatus.choices, default="open"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=Q(status="open"), name="count_one_open_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.site} ({self.get_status_display()})"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    expected = models.BigIntegerField(_("on hand when posted"), null=True, blank=True)
    counted = models.PositiveBigIntegerField(_("counted"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["count", "lot"], name="countline_unique_lot")
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.counted}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    DISPATCH = "dispatch", _("Dispatch")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Adjustment")
    WRITE_OFF = "write_off", _("Write-off")
    RETURN = "return", _("Return")
    # Issue 20, the last mile: delivered goods arriving in a community's own stock point,
    # handed over to a household, and family kits assembled from (or taken back into) parts.
    COMMUNITY_RECEIPT = "community_receipt", _("Received by the community")
    HANDOVER = "handover", _("Handed over to a household")
    KIT_ASSEMBLY = "kit_assembly", _("Kit assembly")
    KIT_DISASSEMBLY = "kit_disassembly", _("Kit disassembly")


class StockMovement(models.Model):
    """One line of the ledger. Never updated, never deleted (database triggers refuse).

    The document that caused it is a donation line, adjustment or transfer of this app, or
    — for layers above inventory, which this app must not import — `document_type` and
    `document_id` (e.g. "shipment_line", 42).
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    # Denormalised from the lot so ledger reports group by item without a join.
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    quantity = models.BigIntegerField(_("quantity (signed, base units)"))
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("occurred at"))
    created_at = models.DateTimeField(auto_now_add=True)
    donation_line = models.ForeignKey(
        DonationLine, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    adjustment = models.ForeignKey(
        StockAdjustment, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    transfer = models.ForeignKey(
        StockTransfer, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    document_type = models.CharField(max_length=40, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["site", "lot"], name="movement_site_lot"),
            models.Index(fields=["item", "occurred_at"], name="movement_item_time"),
            models.Index(fields=["document_type", "document_id"], name="movement_document"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_quantity_nonzero"),
            # The sign follows the kind; adjustments and returns are the only two-way kinds.
            models.CheckConstraint(
                condition=~Q(kind__in=["receipt", "transfer_in", "return"]) | Q(quantity__gt=0),
                name="movement_inbound_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["dispatch", "transfer_out", "write_off"])
                | Q(quantity__lt=0),
                name="movement_outbound_negative",
            ),
            # Issue 20: the last mile's kinds (kit movements go both ways: parts out, kit in).
            models.CheckConstraint(
                condition=(~Q(kind="community_receipt") | Q(quantity__gt=0))
                & (~Q(kind="handover") | Q(quantity__lt=0)),
                name="movement_last_mile_signs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} {self.lot} @ {self.site}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Stock movements are append-only: post a correcting movement")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Stock movements are append-only: post a correcting movement")


class StockBalance(models.Model):
    """The running sum of the ledger for one lot at one site, and what is promised of it."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    # The lot's expiry, copied when the row is made, as its item is: a lot's expiry never
    # changes. Reading the shelves by expiry then needs no look-up per lot, which at 10,000
    # lots on an organisation's shelves was most of a dashboard read (`bench.dashboards`).
    expiry = models.DateField(_("expiry"), null=True, blank=True, editable=False)
    on_hand = models.BigIntegerField(_("on hand"), default=0)
    reserved = models.BigIntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["site", "lot"], name="balance_unique_site_lot"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="balance_on_hand_gte_0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="balance_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="balance_reserved_lte_on_hand"
            ),
        ]
        indexes = [
            models.Index(fields=["item", "site"], name="balance_item_site"),
            # The stock that is there now. Every donation line makes a lot, and a used-up
            # lot keeps its balance row (at zero) for ever: dashboard reads of current stock
            # go through this index so they cost what is on the shelves, not all history.
            models.Index(
                fields=["site", "item"], condition=Q(on_hand__gt=0), name="balance_live_site_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} @ {self.site}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class DailyStockRollup(models.Model):
    """One day of one item at one site: what came in, what went out, what was left.

    Kept by `inventory.services.ledger.post_movement` in the same transaction as each
    movement, and recomputed from the ledger by `rollups_rebuild` (`manage.py
    rebuild_rollups`, the nightly `dashboards.tasks.rebuild_daily_rollups`). Dashboards read
    it instead of the ledger, so their cost grows with days × sites × items, never with the
    number of movements.

    `day` is the movement's `occurred_at` in the project's time zone. `on_hand` is the
    site's stock of the item at the end of that day. A day without movements has no row:
    its stock is that of the last row before it (readers carry it forward). A movement dated
    in the past therefore also raises or lowers `on_hand` of every later row of its site and
    item. Back-dated movements can make a past day's `on_hand` negative (a dispatch recorded
    before the receipt that made it possible), so unlike `StockBalance` there is no check
    constraint on it.
    """

    day = models.DateField(_("day"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    received = models.PositiveBigIntegerField(_("received (donations)"), default=0)
    dispatched = models.PositiveBigIntegerField(_("dispatched (to served units)"), default=0)
    # Transfers, adjustments, write-offs and returns, signed: on_hand of the day before +
    # received − dispatched + other_change = on_hand.
    other_change = models.BigIntegerField(_("other changes (signed)"), default=0)
    on_hand = models.BigIntegerField(_("on hand at the end of the day"), default=0)

    class Meta:
        verbose_name = _("daily stock roll-up")
        verbose_name_plural = _("daily stock roll-ups")
        ordering = ["day", "site", "item"]
        constraints = [
            # (site, item, day) order: the "last row on or before a day" lookup of the upkeep
            # and of the carry-forward reads is one descending scan of this index.
            models.UniqueConstraint(
                fields=["site", "item", "day"], name="rollup_unique_site_item_day"
            )
        ]
        indexes = [
            # Window reads ("these sites, these days") and "the latest day with activity".
            models.Index(fields=["day", "site"], name="rollup_day_site"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id}/{self.item_id}: {self.on_hand}"


# --- Issue 20: family kits (居家隔离生活物资包) -------------------------------------------


class KitComponent(models.Model):
    """One part of a kit item: assembling one kit takes `quantity` of `component`."""

    kit = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="kit_components")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity per kit"))

    class Meta:
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")
        ordering = ["kit_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kit", "component"], name="kitcomponent_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="kitcomponent_qty_gte_1"),
            models.CheckConstraint(condition=~Q(kit=F("component")), name="kitcomponent_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.kit} ⊃ {self.component} ×{self.quantity}"


class KitAssembly(models.Model):
    """N kits assembled at a site into a new kit lot; the document behind its movements.
    `disassembled` counts the kits taken apart again since (never more than assembled)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kit_lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="assembly")
    count = models.PositiveIntegerField(_("kits"))
    disassembled = models.PositiveIntegerField(_("kits taken apart"), default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kit assembly")
        verbose_name_plural = _("kit assemblies")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="kitassembly_count_gte_1"),
            models.CheckConstraint(
                condition=Q(disassembled__lte=F("count")), name="kitassembly_disassembled_lte"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kit_lot} ×{self.count}"


class KitAssemblyPart(models.Model):
    """What one assembly took of one component lot (per kit: quantity / count)."""

    assembly = models.ForeignKey(KitAssembly, on_delete=models.CASCADE, related_name="parts")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    returned = models.PositiveIntegerField(_("returned"), default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(returned__lte=F("quantity")), name="kitassemblypart_returned_lte"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assembly_id}: {self.lot_id} ×{self.quantity}"
