"""Admin for administrators. The catalogue and directory are edited here; stock is not.

Stock changes only through `inventory.services` (pages, API, imports), so every ledger table
is read-only in the admin: it shows the truth and cannot bend it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin, ImportMixin

from inventory import models, resources
from inventory.permissions import may_curate_catalogue


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, searchable, never editable: these rows are written by services only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = models.OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]


class SiteInline(admin.TabularInline):
    model = models.Site
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "city"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [SiteInline, MembershipInline]


@admin.register(models.Site)
class SiteAdmin(ImportExportModelAdmin):
    resource_classes = [resources.SiteResource]
    list_display = ["code", "name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["code", "name"]


class PackInline(admin.TabularInline):
    model = models.ItemPack
    extra = 0


class AliasInline(admin.TabularInline):
    model = models.ItemAlias
    extra = 0


class KitComponentInline(admin.TabularInline):
    """Issue 20: what one family kit is made of (an item with components is a kit)."""

    model = models.KitComponent
    fk_name = "kit"
    extra = 0
    autocomplete_fields = ["component"]


@admin.register(models.Item)
class ItemAdmin(ImportExportModelAdmin):
    resource_classes = [resources.ItemResource]

    def get_import_resource_kwargs(self, request, **kwargs):
        # Adding items needs only add_item; changing existing ones is the curator's.
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "curator": may_curate_catalogue(request.user),
        }

    list_display = ["code", "name_zh", "name_en", "category", "base_unit", "standard"]
    list_filter = ["category", "expiry_tracked", "needs_review"]
    search_fields = ["code", "name_zh", "name_en", "aliases__alias"]
    inlines = [PackInline, AliasInline, KitComponentInline]


@admin.register(models.Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact"]
    list_filter = ["kind"]
    search_fields = ["name"]


class DonationLineInline(ReadOnlyInline):
    model = models.DonationLine
    fields = ["item", "quantity", "pack_name", "pack_count", "batch", "expiry"]


@admin.register(models.Donation)
class DonationAdmin(ImportMixin, ReadOnlyAdmin):
    """Read-only, but sheets of received goods can be imported: every row goes through
    `donation_receive` (see `DonationLineResource`), never straight into the ledger."""

    resource_classes = [resources.DonationLineResource]
    # Rows are donation lines posted by the service, not saved admin objects to log.
    skip_admin_log = True
    list_display = ["id", "received_at", "donor", "site", "organisation", "recorded_by"]
    list_filter = ["organisation", "site"]
    search_fields = ["donor__name", "reference"]
    date_hierarchy = "received_at"
    inlines = [DonationLineInline]


@admin.register(models.Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["id", "item", "batch", "expiry", "donor", "received_at"]
    list_filter = ["item__category"]
    search_fields = ["item__name_zh", "item__name_en", "batch", "donor__name"]


@admin.register(models.StockBalance)
class StockBalanceAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [resources.StockBalanceResource]
    list_display = ["site", "item", "lot", "on_hand", "reserved", "available"]
    list_filter = ["site", "item__category"]
    search_fields = ["item__name_zh", "item__name_en", "site__code"]
    list_select_related = ["site", "item", "lot__item"]

    @admin.display(description=_("available"))
    def available(self, obj: models.StockBalance) -> int:
        return obj.available


@admin.register(models.StockMovement)
class StockMovementAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [resources.StockMovementResource]
    list_display = ["occurred_at", "kind", "site", "item", "lot_id", "quantity", "actor", "reason"]
    list_filter = ["kind", "site", "item__category"]
    search_fields = ["item__name_zh", "item__name_en", "reason"]
    date_hierarchy = "occurred_at"
    list_select_related = ["site", "item", "actor"]


@admin.register(models.StockAdjustment)
class StockAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "site", "lot", "quantity", "reason", "actor"]
    list_filter = ["reason", "site"]


class TransferLineInline(ReadOnlyInline):
    model = models.StockTransferLine


@admin.register(models.StockTransfer)
class StockTransferAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "from_site", "to_site", "actor"]
    inlines = [TransferLineInline]


class CountLineInline(ReadOnlyInline):
    model = models.StockCountLine


@admin.register(models.StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    list_display = ["id", "site", "status", "started_by", "started_at", "posted_at"]
    list_filter = ["status", "site"]
    inlines = [CountLineInline]
