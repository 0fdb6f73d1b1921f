from django.contrib import admin

from supply_requests import models


class WorkerInline(admin.TabularInline):
    model = models.ServedUnitMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.ServedUnit)
class ServedUnitAdmin(admin.ModelAdmin):
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
