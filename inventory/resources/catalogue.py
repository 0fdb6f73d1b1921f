"""The catalogue and the sites, by their codes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields

from inventory.models import Item, ItemAlias, ItemCategory, ItemPack, Lot, Organisation, Site
from inventory.resources.base import ChoiceWidget, CodeWidget, SafeResource, YesNoWidget


def _split_list(text: str) -> list[str]:
    for separator in ",，、":
        text = text.replace(separator, ";")
    return [part.strip() for part in text.split(";") if part.strip()]


def parse_packs(text: str) -> list[tuple[str, int]]:
    """ "盒=20;箱=400" → [("盒", 20), ("箱", 400)]."""
    packs = []
    for part in _split_list(text or ""):
        name, _sep, quantity = part.partition("=")
        if not name.strip() or not quantity.strip().isdigit() or int(quantity) <= 0:
            raise ValueError(_("“%(part)s” is not a pack like 箱=400.") % {"part": part})
        packs.append((name.strip(), int(quantity)))
    return packs


class ItemResource(SafeResource):
    """The catalogue, by item code. Packs ("盒=20;箱=400") and aliases are only ever added:
    a sheet that leaves one out does not delete it from an item in use."""

    category = fields.Field(
        attribute="category", column_name="category", widget=ChoiceWidget(ItemCategory)
    )
    expiry_tracked = fields.Field(
        attribute="expiry_tracked", column_name="expiry_tracked", widget=YesNoWidget()
    )
    needs_review = fields.Field(
        attribute="needs_review", column_name="needs_review", widget=YesNoWidget()
    )
    packs = fields.Field(column_name="packs")
    aliases = fields.Field(column_name="aliases")

    class Meta:
        model = Item
        import_id_fields = ["code"]
        fields = [
            "code",
            "name_zh",
            "name_en",
            "category",
            "base_unit",
            "standard",
            "expiry_tracked",
            "needs_review",
            "packs",
            "aliases",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def dehydrate_packs(self, item: Item) -> str:
        return ";".join(f"{pack.name}={pack.quantity}" for pack in item.packs.all())

    def dehydrate_aliases(self, item: Item) -> str:
        return ";".join(alias.alias for alias in item.aliases.all())

    def _missing_extras(self, item: Item, row) -> tuple[list[tuple[str, int]], list[str]]:
        packs = parse_packs(row.get("packs") or "")
        aliases = _split_list(row.get("aliases") or "")
        if item.pk:
            have = set(item.packs.values_list("name", "quantity"))
            packs = [pack for pack in packs if pack not in have]
            known = set(item.aliases.values_list("alias", flat=True))
            aliases = [alias for alias in aliases if alias not in known]
        return packs, aliases

    # What a curator alone may change on an item that exists (the catalogue is shared by
    # every organisation: one's edit shows on every other's pages and dashboards).
    CURATED = ("name_zh", "name_en", "category", "base_unit", "standard", "expiry_tracked")

    def __init__(self, *, curator: bool = False, **kwargs) -> None:
        self.curator = curator
        super().__init__(**kwargs)

    def import_instance(self, instance, row, **kwargs):
        old_unit = instance.base_unit if instance.pk else None
        before = {name: getattr(instance, name) for name in self.CURATED} if instance.pk else None
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if before is not None and not self.curator:
            changed = [name for name, value in before.items() if getattr(instance, name) != value]
            if changed or self._missing_extras_safe(instance, row)[0]:
                errors["code"] = _(
                    "%(code)s is already in the shared catalogue: only a catalogue curator may "
                    "change it. You may add aliases, or propose a new item under a new code."
                ) % {"code": instance.code}
        if (
            old_unit
            and instance.base_unit != old_unit
            and Lot.objects.filter(item=instance).exists()
        ):
            errors["base_unit"] = _(
                "%(item)s is held in %(unit)s; an import cannot change its base unit."
            ) % {"item": instance.name_zh, "unit": old_unit}
        try:
            _packs, aliases = self._missing_extras(instance, row)
        except ValueError as error:
            errors["packs"] = str(error)
            aliases = []
        taken = ItemAlias.objects.filter(alias__in=aliases).exclude(item_id=instance.pk)
        if taken.exists():
            errors["aliases"] = _("Alias “%(alias)s” already names another item.") % {
                "alias": taken.first().alias
            }
        if errors:
            raise ValidationError(errors)

    def _missing_extras_safe(self, item: Item, row) -> tuple[list[tuple[str, int]], list[str]]:
        try:
            return self._missing_extras(item, row)
        except ValueError:
            return [], []

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not import_validation_errors and any(self._missing_extras(instance, row)):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        packs, aliases = self._missing_extras(instance, row)
        ItemPack.objects.bulk_create(
            ItemPack(item=instance, name=name, quantity=quantity) for name, quantity in packs
        )
        ItemAlias.objects.bulk_create(ItemAlias(item=instance, alias=alias) for alias in aliases)


class SiteResource(SafeResource):
    """Sites by code. Given an `organisation`, every row is that organisation's site and a
    site code already used by another organisation is refused."""

    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=CodeWidget(Organisation, field="code"),
    )
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=YesNoWidget())

    class Meta:
        model = Site
        import_id_fields = ["code"]
        fields = ["organisation", "code", "name", "address", "is_active"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, *, organisation: Organisation | None = None, **kwargs) -> None:
        self.organisation = organisation
        super().__init__(**kwargs)

    def before_import_row(self, row, **kwargs):
        if self.organisation is not None:
            row["organisation"] = row.get("organisation") or self.organisation.code
            if "is_active" in row and not row["is_active"]:
                row["is_active"] = "yes"

    def import_instance(self, instance, row, **kwargs):
        owner = instance.organisation_id if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        if self.organisation is None:
            return
        if instance.organisation_id != self.organisation.pk or (
            owner is not None and owner != self.organisation.pk
        ):
            raise ValidationError(
                {
                    "organisation": _("Site %(code)s belongs to another organisation.")
                    % {"code": instance.code}
                }
            )
