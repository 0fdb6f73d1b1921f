"""django-import-export resources of distribution: shipments, and historical distributions
(goods given out before the tracker, recorded as dispatch movements whose document is the
receiving served unit). Export only: both are written by services."""

from import_export import fields

from inventory.models import StockMovement
from inventory.resources import SafeResource
from logistics.models import ShipmentLine
from supply_requests.models import ServedUnit

HISTORICAL_DISTRIBUTION = "historical_distribution"


class ShipmentLineResource(SafeResource):
    """One shipment line a row, with its shipment's site, receiver, status and times."""

    shipment = fields.Field(attribute="shipment_id", column_name="shipment")
    site = fields.Field(attribute="shipment__site__code", column_name="site")
    served_unit = fields.Field(attribute="shipment__served_unit__code", column_name="served_unit")
    served_unit_name = fields.Field(
        attribute="shipment__served_unit__name", column_name="served_unit_name"
    )
    status = fields.Field(attribute="shipment__status", column_name="status")
    vehicle = fields.Field(attribute="shipment__vehicle", column_name="vehicle")
    driver = fields.Field(attribute="shipment__driver", column_name="driver")
    dispatched_at = fields.Field(attribute="shipment__dispatched_at", column_name="dispatched_at")
    delivered_at = fields.Field(attribute="shipment__delivered_at", column_name="delivered_at")
    request = fields.Field(attribute="request_line__request_id", column_name="request")
    item = fields.Field(attribute="item__code", column_name="item")
    item_name = fields.Field(attribute="item__name_zh", column_name="item_name")
    base_unit = fields.Field(attribute="item__base_unit", column_name="base_unit")
    lot = fields.Field(attribute="lot_id", column_name="lot")
    donor = fields.Field(attribute="lot__donor__name", column_name="donor")

    class Meta:
        model = ShipmentLine
        fields = [
            "shipment",
            "site",
            "served_unit",
            "served_unit_name",
            "status",
            "vehicle",
            "driver",
            "dispatched_at",
            "delivered_at",
            "request",
            "item",
            "item_name",
            "base_unit",
            "lot",
            "donor",
            "quantity",
            "quantity_received",
            "discrepancy_reason",
        ]
        export_order = fields


class HistoricalDistributionResource(SafeResource):
    """Dispatch movements of historical distributions: what left which site, to whom."""

    site = fields.Field(attribute="site__code", column_name="site")
    receiver = fields.Field(column_name="receiver")
    receiver_name = fields.Field(column_name="receiver_name")
    item = fields.Field(attribute="item__code", column_name="item")
    item_name = fields.Field(attribute="item__name_zh", column_name="item_name")
    base_unit = fields.Field(attribute="item__base_unit", column_name="base_unit")
    lot = fields.Field(attribute="lot_id", column_name="lot")
    donor = fields.Field(attribute="lot__donor__name", column_name="donor")
    quantity = fields.Field(column_name="quantity")

    class Meta:
        model = StockMovement
        fields = [
            "occurred_at",
            "site",
            "receiver",
            "receiver_name",
            "item",
            "item_name",
            "base_unit",
            "lot",
            "donor",
            "quantity",
            "reason",
        ]
        export_order = fields

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._units: dict[int, ServedUnit] = {}

    def get_queryset(self):
        return StockMovement.objects.filter(document_type=HISTORICAL_DISTRIBUTION)

    def _unit(self, movement: StockMovement) -> ServedUnit | None:
        if movement.document_id not in self._units:
            self._units[movement.document_id] = ServedUnit.objects.filter(
                pk=movement.document_id
            ).first()
        return self._units[movement.document_id]

    def dehydrate_receiver(self, movement: StockMovement) -> str:
        unit = self._unit(movement)
        return unit.code if unit else ""

    def dehydrate_receiver_name(self, movement: StockMovement) -> str:
        unit = self._unit(movement)
        return unit.name if unit else ""

    def dehydrate_quantity(self, movement: StockMovement) -> int:
        return -movement.quantity
