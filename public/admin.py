from django.contrib import admin

from inventory.admin import ReadOnlyAdmin
from public.models import DonorConsent, Offer, OrganisationPublication


@admin.register(OrganisationPublication)
class OrganisationPublicationAdmin(ReadOnlyAdmin):
    """Switched on the staff page (`public:publishing_manage`), by the organisation's staff."""

    list_display = ["organisation", "published", "changed_by", "changed_at"]


@admin.register(DonorConsent)
class DonorConsentAdmin(ReadOnlyAdmin):
    list_display = ["donor", "name_public", "recorded_by", "recorded_at"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    """Read-only: offers are answered on the staff page, through the services."""

    list_display = ["pk", "item", "quantity", "status", "organisation", "created_at"]
    list_filter = ["status"]
