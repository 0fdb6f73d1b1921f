from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from inventory.admin import ReadOnlyAdmin, ReadOnlyInline
from supply_requests import models, resources


class WorkerInline(admin.TabularInline):
    model = models.ServedUnitMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.ServedUnit)
class ServedUnitAdmin(ImportExportModelAdmin):
    resource_classes = [resources.ServedUnitResource]
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "population",
        "households",
        "frontline_medical",
    ]
    list_filter = ["kind", "frontline_medical", "organisations"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["organisations"]
    inlines = [WorkerInline]


class RequestLineInline(ReadOnlyInline):
    model = models.SupplyRequestLine
    fields = [
        "item",
        "quantity_requested",
        "quantity_approved",
        "quantity_allocated",
        "quantity_dispatched",
        "quantity_delivered",
        "quantity_short",
    ]


class HistoryInline(ReadOnlyInline):
    model = models.RequestStatusChange
    fields = ["at", "from_status", "to_status", "actor", "note"]


@admin.register(models.SupplyRequest)
class SupplyRequestAdmin(ReadOnlyAdmin):
    """Requests move only through their services (pages, API); the admin shows the story."""

    list_display = ["id", "served_unit", "priority", "status", "needed_by", "created_at"]
    list_filter = ["status", "priority", "served_unit__kind"]
    search_fields = ["served_unit__name", "reason"]
    date_hierarchy = "created_at"
    inlines = [RequestLineInline, HistoryInline]
