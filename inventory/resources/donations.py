"""Donations as sheet rows, posted through `donation_receive` — never straight into the
ledger, in the admin's dry-run preview as in the real import."""

import hashlib
from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets
from import_export.results import Result

from core.exceptions import DomainError
from inventory.models import Donation, DonationLine, Item, Site
from inventory.permissions import can_manage_site
from inventory.resources.base import CodeWidget, SafeResource
from inventory.services.donations import DonationLineInput, donation_receive


def row_fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


class DonationLineResource(SafeResource):
    """Donations as lines: site, donor, received_at, reference, item, quantity, pack_name,
    pack_count, batch, expiry. Rows with the same site, donor, date and reference are one
    donation, posted through `donation_receive` once every row of it is valid.

    A donation without a reference gets "sheet-<fingerprint of its rows>", so importing the
    same sheet again finds it recorded and skips its rows instead of doubling the stock."""

    site = fields.Field(
        attribute="donation__site",
        column_name="site",
        widget=CodeWidget(Site, field="code"),
    )
    donor = fields.Field(attribute="donation__donor__name", column_name="donor")
    received_at = fields.Field(
        attribute="donation__received_at", column_name="received_at", widget=widgets.DateWidget()
    )
    reference = fields.Field(attribute="donation__reference", column_name="reference")
    item = fields.Field(attribute="item", column_name="item", widget=CodeWidget(Item, field="code"))
    LINE_FIELDS = ("item", "quantity", "pack_name", "pack_count", "batch", "expiry")

    class Meta:
        model = DonationLine
        fields = [
            "site",
            "donor",
            "received_at",
            "reference",
            "item",
            "quantity",
            "pack_name",
            "pack_count",
            "batch",
            "expiry",
        ]
        force_init_instance = True
        report_skipped = True
        # Lines are validated here and by `donation_receive`; a DonationLine has no donation
        # until the service creates it, so the model's own full_clean cannot run.
        clean_model_instances = False

    def before_import(self, dataset, **kwargs):
        self._groups: dict[int, tuple] = {}
        self._pending: dict[tuple, list[DonationLineInput]] = defaultdict(list)
        members: dict[tuple, list] = defaultdict(list)
        for number, values in enumerate(dataset.dict, 1):
            key = tuple(
                str(values.get(name) or "").strip()
                for name in ("site", "donor", "received_at", "reference")
            )
            members[key].append(number)
            self._groups[number] = key
        self._references = {}
        for key, numbers in members.items():
            content = [tuple(dataset[number - 1]) for number in numbers]
            self._references[key] = key[3] or "sheet-" + row_fingerprint(*content)[:40]

    def get_import_fields(self):
        # Site, donor, date and reference belong to the donation, which the service creates.
        return [self.fields[name] for name in self.LINE_FIELDS]

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            site = self.fields["site"].clean(row)
        except ValueError as error:
            site, errors["site"] = None, str(error)
        try:
            received_at = self.fields["received_at"].clean(row)
        except ValueError as error:
            received_at, errors["received_at"] = date.min, str(error)
        if site is None or not can_manage_site(kwargs.get("user"), site):
            errors["site"] = _("Give the code of a site you manage.")
        if not str(row.get("donor") or "").strip():
            errors["donor"] = _("Name the donor.")
        if received_at is None:
            errors["received_at"] = _("Give the date the goods were received.")
        if not instance.quantity or instance.quantity <= 0:
            errors["quantity"] = _("The quantity must be more than zero.")
        elif instance.pack_count and instance.quantity % instance.pack_count:
            errors["pack_count"] = _("%(quantity)d base units are not %(packs)d whole packs.") % {
                "quantity": instance.quantity,
                "packs": instance.pack_count,
            }
        if errors:
            raise ValidationError(errors)
        instance._site = site

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        reference = self._references[self._groups[self._row_number]]
        return Donation.objects.filter(
            organisation_id=instance._site.organisation_id, reference=reference
        ).exists()

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs["row_number"]
        return super().import_row(row, instance_loader, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Collect the line; the donation is posted whole in `after_import`."""
        packs = instance.pack_count if instance.pack_name else None
        line = DonationLineInput(
            item=instance.item,
            quantity=packs or instance.quantity,
            pack_name=instance.pack_name if packs else "",
            pack_size=instance.quantity // packs if packs else None,
            batch=instance.batch or "",
            expiry=instance.expiry,
        )
        self._pending[self._groups[self._row_number]].append((instance._site, line, row))

    def save_m2m(self, instance, row, **kwargs):
        pass

    def after_import(self, dataset, result: Result, **kwargs):
        if result.has_errors() or result.has_validation_errors():
            return
        for key, entries in self._pending.items():
            site, _line, row = entries[0]
            try:
                donation_receive(
                    actor=kwargs["user"],
                    site=site,
                    donor=str(row["donor"]),
                    received_at=self.fields["received_at"].clean(row),
                    lines=[line for _site, line, _row in entries],
                    reference=self._references[key],
                )
            except DomainError as error:
                raise ValidationError(error.message) from error
