"""The stock ledger and its balances, for export (services write them, never an import)."""

from import_export import fields

from inventory.models import StockBalance, StockMovement
from inventory.resources.base import SafeResource


class StockBalanceResource(SafeResource):
    """Stock on hand per site and lot, with the lot's provenance (export only)."""

    site = fields.Field(attribute="site__code", column_name="site")
    item = fields.Field(attribute="item__code", column_name="item")
    item_name = fields.Field(attribute="item__name_zh", column_name="item_name")
    base_unit = fields.Field(attribute="item__base_unit", column_name="base_unit")
    lot = fields.Field(attribute="lot_id", column_name="lot")
    batch = fields.Field(attribute="lot__batch", column_name="batch")
    expiry = fields.Field(attribute="lot__expiry", column_name="expiry")
    donor = fields.Field(attribute="lot__donor__name", column_name="donor")
    available = fields.Field(attribute="available", column_name="available")

    class Meta:
        model = StockBalance
        fields = ["site", "item", "item_name", "base_unit", "lot", "batch", "expiry", "donor"]
        fields += ["on_hand", "reserved", "available"]
        export_order = fields


class StockMovementResource(SafeResource):
    """The ledger, one movement a row (export only: the ledger is written by services)."""

    site = fields.Field(attribute="site__code", column_name="site")
    item = fields.Field(attribute="item__code", column_name="item")
    base_unit = fields.Field(attribute="item__base_unit", column_name="base_unit")
    lot = fields.Field(attribute="lot_id", column_name="lot")
    actor = fields.Field(attribute="actor__username", column_name="actor")

    class Meta:
        model = StockMovement
        fields = ["id", "occurred_at", "site", "item", "base_unit", "lot", "kind", "quantity"]
        fields += ["reason", "actor", "document_type", "document_id", "donation_line"]
        export_order = fields
