"""The household register of a community: who lives behind which door, what they need, and
every read of it.

Personal fields (contact name, phone, address, notes) are encrypted at rest
(`EncryptedTextField`); duplicates are found by keyed hashes of the normalised phone and
address, held unique per community by the database. What is not personal — members,
categories, isolation dates — stays in clear so counts survive erasure.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.fields import EncryptedTextField
from supply_requests.models import ServedUnit


class Category(models.TextChoices):
    HOME_ISOLATION = "home_isolation", _("Home isolation or observation")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    LOW_INCOME = "low_income", _("Low income (dibao / dishou)")
    DISABILITY = "disability", _("Disability")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("Child in difficulty")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness needing medicine")
    PREGNANCY = "pregnancy", _("Pregnancy")
    OTHER = "other", _("Other")


# Categories that make a household vulnerable (the coordinator's "unreached" ranking).
VULNERABLE = frozenset(set(Category.values) - {Category.OTHER})


class Household(models.Model):
    """One household of a community (served unit of kind community or village)."""

    served_unit = models.ForeignKey(
        ServedUnit,
        on_delete=models.PROTECT,
        related_name="registered_households",
        verbose_name=_("community"),
    )
    contact_name = EncryptedTextField(_("contact name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    building = EncryptedTextField(_("building"), blank=True)
    unit_no = EncryptedTextField(_("building unit"), blank=True)
    room = EncryptedTextField(_("room"), blank=True)
    notes = EncryptedTextField(_("dietary or medical notes"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    address_hash = models.CharField(max_length=64, blank=True, editable=False)
    members = models.PositiveIntegerField(_("members"), default=1)
    isolation_from = models.DateField(_("isolation from"), null=True, blank=True)
    isolation_until = models.DateField(_("isolation until"), null=True, blank=True)
    consent = models.BooleanField(_("consents to be registered"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the personal fields were erased (retention): the household still counts.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["served_unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["served_unit", "phone_hash"],
                condition=~Q(phone_hash=""),
                name="household_unique_phone_per_unit",
            ),
            models.UniqueConstraint(
                fields=["served_unit", "address_hash"],
                condition=~Q(address_hash=""),
                name="household_unique_address_per_unit",
            ),
            models.CheckConstraint(condition=Q(members__gte=1), name="household_members_gte_1"),
            models.CheckConstraint(
                condition=Q(isolation_from__isnull=True)
                | Q(isolation_until__isnull=True)
                | Q(isolation_until__gte=F("isolation_from")),
                name="household_isolation_ordered",
            ),
            models.CheckConstraint(condition=Q(consent=True), name="household_consented"),
        ]
        indexes = [
            models.Index(fields=["phone_hash"], name="household_phone_hash"),
            models.Index(fields=["address_hash"], name="household_address_hash"),
            models.Index(fields=["isolation_until"], name="household_isolation_until"),
        ]

    def __str__(self) -> str:
        # Never personal data: this shows up in logs, admin lists and error messages.
        return f"#{self.pk}"

    @property
    def address(self) -> str:
        return " ".join(part for part in (self.building, self.unit_no, self.room) if part)


class HouseholdCategory(models.Model):
    """A household is in a category (several at once); counted, never personal."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "category"], name="householdcategory_unique"
            )
        ]
        indexes = [models.Index(fields=["category"], name="householdcategory_category")]

    def __str__(self) -> str:
        return f"#{self.household_id} {self.category}"


class DuplicateFlag(models.Model):
    """The same phone or address is registered in another community. Each side is told that
    a household elsewhere shares it — never which one, nor its data."""

    class Match(models.TextChoices):
        PHONE = "phone", _("phone")
        ADDRESS = "address", _("address")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="flags")
    other = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    match = models.CharField(max_length=10, choices=Match.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "other", "match"], name="duplicateflag_unique"
            ),
            models.CheckConstraint(condition=~Q(household=F("other")), name="duplicateflag_two"),
        ]

    def __str__(self) -> str:
        return f"#{self.household_id} ~ #{self.other_id} ({self.match})"


class PersonalDataRead(models.Model):
    """The audit log: every read of a household's personal data, and every refused one."""

    class Purpose(models.TextChoices):
        LIST = "list", _("list")
        DETAIL = "detail", _("detail")
        EDIT = "edit", _("edit")
        API = "api", _("API")
        ROUND = "round", _("round")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="reads"
    )
    served_unit = models.ForeignKey(ServedUnit, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["served_unit", "at"], name="personaldataread_unit_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} #{self.household_id} {self.granted}"


class Entitlement(models.Model):
    """How often a household may receive an item (e.g. one family kit per 7 days). An item
    without an entitlement may be handed over at any time."""

    item = models.OneToOneField(
        "inventory.Item", on_delete=models.CASCADE, related_name="household_entitlement"
    )
    period_days = models.PositiveIntegerField(_("once per (days)"))

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.CheckConstraint(condition=Q(period_days__gte=1), name="entitlement_period_gte_1")
        ]

    def __str__(self) -> str:
        return f"{self.item} / {self.period_days}"


class Handover(models.Model):
    """Goods from the community's stock reached a household (posted out of the ledger as a
    `handover` movement; `movement_id`s on the movements' document point back here)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="handovers")
    item = models.ForeignKey("inventory.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    handed_over_at = models.DateTimeField(_("handed over at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-handed_over_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="handover_quantity_gte_1")
        ]
        indexes = [
            models.Index(fields=["household", "item", "handed_over_at"], name="handover_entitled"),
            models.Index(fields=["handed_over_at"], name="handover_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.household_id} {self.item_id} ×{self.quantity}"


# --- Door-to-door rounds -------------------------------------------------------------------


class Volunteer(models.Model):
    """A volunteer of a community: sees only her own open rounds (addresses, names, masked
    phones of those doors), records what happened at each door. Not a community worker."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteering"
    )
    served_unit = models.ForeignKey(ServedUnit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(fields=["user", "served_unit"], name="volunteer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.served_unit}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A volunteer's door-to-door round: households and what each gets from the
    community's stock, put aside (reserved) when planned, released when closed."""

    served_unit = models.ForeignKey(ServedUnit, on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rounds"
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "status"], name="round_volunteer_status")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not visited yet")
    HANDED_OVER = "handed_over", _("Handed over")
    LEFT_AT_DOOR = "left_at_door", _("Left at the door (contactless)")
    NOT_HOME = "not_home", _("Not at home")
    REFUSED = "refused", _("Refused")


DELIVERED_OUTCOMES = frozenset({Outcome.HANDED_OVER, Outcome.LEFT_AT_DOOR})


class RoundStop(models.Model):
    """One door of a round: what the household gets, and what happened there."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stops")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("inventory.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    position = models.PositiveIntegerField(default=0)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    handover = models.OneToOneField(
        Handover, on_delete=models.PROTECT, null=True, blank=True, related_name="stop"
    )

    class Meta:
        ordering = ["round_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household", "item"], name="roundstop_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="roundstop_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.position}"


class RoundReservation(models.Model):
    """What a round put aside of one lot at the stock point, and how much of it has been
    handed over; the rest is released when the round closes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reservations")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "lot"], name="roundreservation_unique"),
            models.CheckConstraint(
                condition=Q(used__lte=F("quantity") - F("released")),
                name="roundreservation_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.lot_id} ×{self.quantity}"
