"""Distribution in the admin: viewable, never editable (the services own every change)."""

from django.contrib import admin

from inventory.admin import ReadOnlyAdmin, ReadOnlyInline
from logistics import models


@admin.register(models.Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["id", "request_line", "site", "lot", "quantity", "status", "created_at"]
    list_filter = ["status", "site"]
    list_select_related = ["site", "lot__item", "request_line__item"]


class ShipmentLineInline(ReadOnlyInline):
    model = models.ShipmentLine
    fields = ["item", "lot", "quantity", "quantity_received", "discrepancy_reason", "note"]


class ShipmentHistoryInline(ReadOnlyInline):
    model = models.ShipmentStatusChange
    fields = ["at", "from_status", "to_status", "actor", "note"]


@admin.register(models.Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "site", "served_unit", "status", "dispatched_at", "delivered_at"]
    list_filter = ["status", "site"]
    search_fields = ["served_unit__name", "vehicle", "driver"]
    inlines = [ShipmentLineInline, ShipmentHistoryInline]
