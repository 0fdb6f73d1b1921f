"""The admin holds no household's personal data: households are read on the community's
pages only. Here: who volunteers where, entitlements per item, and the audit log (read-only)."""

from django.contrib import admin

from households.models import Entitlement, PersonalDataRead, Volunteer
from inventory.admin import ReadOnlyAdmin


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["user", "served_unit"]
    autocomplete_fields = ["user", "served_unit"]
    search_fields = ["user__username", "served_unit__name"]


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    list_display = ["item", "period_days"]
    autocomplete_fields = ["item"]


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(ReadOnlyAdmin):
    """Who read which household's data (by number), when, for what, and whether refused."""

    list_display = ["at", "user", "served_unit", "household_id", "purpose", "granted"]
    list_filter = ["granted", "purpose"]
    search_fields = ["user__username"]
