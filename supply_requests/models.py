"""The directory of served units (district → street → community …) and who works for them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
