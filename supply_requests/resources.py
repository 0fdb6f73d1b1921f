"""django-import-export resources of served units and supply requests.

Served units import by code, parent by code; a parent given further down the same sheet is
imported first. Organisations serving a unit are only ever added by an import, never taken
away. Requests are exported with their quantities at every stage.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from inventory.models import Organisation
from inventory.resources import ChoiceWidget, CodeWidget, SafeResource, YesNoWidget
from supply_requests.models import ServedUnit, ServedUnitKind, SupplyRequestLine


def parents_first(rows: list[dict]) -> list[dict]:
    """The rows in an order where every parent defined in the sheet comes before its
    children; otherwise the sheet's own order (stable, so sorting twice changes nothing)."""
    by_code = {str(row.get("code") or "").strip(): row for row in rows}
    ordered: list[dict] = []
    placed: set[int] = set()

    def place(row: dict, trail: set[int]) -> None:
        if id(row) in placed or id(row) in trail:
            return
        parent = by_code.get(str(row.get("parent") or "").strip())
        if parent is not None and parent is not row:
            place(parent, trail | {id(row)})
        placed.add(id(row))
        ordered.append(row)

    for row in rows:
        place(row, set())
    return ordered


class ServedUnitResource(SafeResource):
    """Given an `organisation`, each row's unit is served by it, and a unit that exists
    already must be one it serves."""

    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(ServedUnitKind))
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=CodeWidget(ServedUnit, field="code")
    )
    frontline_medical = fields.Field(
        attribute="frontline_medical", column_name="frontline_medical", widget=YesNoWidget()
    )
    served_by = fields.Field(
        attribute="organisations",
        column_name="served_by",
        widget=widgets.ManyToManyWidget(Organisation, field="code", separator=";"),
        m2m_add=True,
    )

    class Meta:
        model = ServedUnit
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "population",
            "households",
            "isolated_households",
            "frontline_medical",
            "served_by",
            "contact",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, *, organisation: Organisation | None = None, **kwargs) -> None:
        self.organisation = organisation
        super().__init__(**kwargs)

    def before_import(self, dataset, **kwargs):
        headers = dataset.headers
        rows = parents_first(dataset.dict)
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append([row.get(header) for header in headers])

    def before_import_row(self, row, **kwargs):
        if self.organisation is not None:
            # An organisation's import names only itself as serving: it may not sign another
            # organisation up for a unit (nor make its units visible to another's workers).
            codes = {code.strip() for code in str(row.get("served_by") or "").split(";")}
            self._foreign_served_by = bool(codes - {"", self.organisation.code})
            row["served_by"] = self.organisation.code

    def import_instance(self, instance, row, **kwargs):
        existing = instance.pk is not None
        super().import_instance(instance, row, **kwargs)
        errors = {}
        if (
            existing
            and self.organisation is not None
            and not instance.organisations.filter(pk=self.organisation.pk).exists()
        ):
            errors["served_by"] = _(
                "%(unit)s is served by other organisations; ask them or an administrator."
            ) % {"unit": instance.name}
        if self.organisation is not None:
            if getattr(self, "_foreign_served_by", False):
                errors["served_by"] = _("An import may only name your own organisation as serving.")
            # Only inside the importer's own tree: a parent it does not serve would put the
            # unit (and its requests) under another organisation's unit.
            if (
                instance.parent is not None
                and instance.parent.pk is not None
                and not instance.parent.organisations.filter(pk=self.organisation.pk).exists()
            ):
                errors["parent"] = _("The parent unit must be one your organisation serves.")
        node, seen = instance.parent, {instance.pk, None} if existing else {None}
        while node is not None:
            if node.pk in seen or node.code == instance.code:
                errors["parent"] = _("The parent of %(unit)s would be its own descendant.") % {
                    "unit": instance.name
                }
                break
            seen.add(node.pk)
            node = node.parent
        if errors:
            raise ValidationError(errors)


class SupplyRequestLineResource(SafeResource):
    """One request line a row, with the request's unit, priority and status, and the
    quantities at every stage (export only: requests move through their services)."""

    request = fields.Field(attribute="request_id", column_name="request")
    served_unit = fields.Field(attribute="request__served_unit__code", column_name="served_unit")
    served_unit_name = fields.Field(
        attribute="request__served_unit__name", column_name="served_unit_name"
    )
    priority = fields.Field(attribute="request__priority", column_name="priority")
    status = fields.Field(attribute="request__status", column_name="status")
    needed_by = fields.Field(attribute="request__needed_by", column_name="needed_by")
    created_at = fields.Field(attribute="request__created_at", column_name="created_at")
    item = fields.Field(attribute="item__code", column_name="item")
    item_name = fields.Field(attribute="item__name_zh", column_name="item_name")
    base_unit = fields.Field(attribute="item__base_unit", column_name="base_unit")
    outstanding = fields.Field(attribute="quantity_outstanding", column_name="outstanding")

    class Meta:
        model = SupplyRequestLine
        fields = [
            "request",
            "served_unit",
            "served_unit_name",
            "priority",
            "status",
            "needed_by",
            "created_at",
            "item",
            "item_name",
            "base_unit",
            "quantity_requested",
            "quantity_approved",
            "quantity_allocated",
            "quantity_dispatched",
            "quantity_delivered",
            "quantity_short",
            "outstanding",
        ]
        export_order = fields
