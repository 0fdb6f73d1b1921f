"""Admin: stock thresholds are set here (through `threshold_set`, so only the site's own
organisation may); notifications and alert states are shown read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.exceptions import DomainError
from inventory.admin import ReadOnlyAdmin
from inventory.permissions import require_site_manager
from inventory.selectors import sites_for
from notifications import services
from notifications.models import AlertState, Notification, StockThreshold


class StockThresholdForm(forms.ModelForm):
    actor = None  # set per request by StockThresholdAdmin.get_form

    class Meta:
        model = StockThreshold
        fields = ["site", "item", "min_quantity", "min_days_of_cover"]

    def clean(self):
        data = super().clean()
        site = data.get("site") or getattr(self.instance, "site", None)
        try:
            if site is not None:
                require_site_manager(self.actor, site)
            services.threshold_validate(
                min_quantity=data.get("min_quantity"),
                min_days_of_cover=data.get("min_days_of_cover"),
            )
        except DomainError as exc:
            raise ValidationError(exc.message) from None
        return data


@admin.register(StockThreshold)
class StockThresholdAdmin(admin.ModelAdmin):
    form = StockThresholdForm
    list_display = ["site", "item", "min_quantity", "min_days_of_cover", "set_by", "updated_at"]
    list_filter = [("site", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["site__name", "site__code", "item__code", "item__name_zh", "item__name_en"]
    autocomplete_fields = ["item"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per request (modelform_factory)
        return form

    def get_readonly_fields(self, request, obj=None):
        # Another site or item is another threshold: add it, do not re-point this one.
        return ["site", "item"] if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(site__in=sites_for(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            kwargs["queryset"] = sites_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The service checks the site belongs to the user's organisation and queues a check.
        saved = services.threshold_set(
            actor=request.user,
            site=obj.site,
            item=obj.item,
            min_quantity=form.cleaned_data.get("min_quantity"),
            min_days_of_cover=form.cleaned_data.get("min_days_of_cover"),
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.threshold_remove(actor=request.user, threshold=obj)

    def delete_queryset(self, request, queryset):
        for threshold in queryset.select_related("site"):
            services.threshold_remove(actor=request.user, threshold=threshold)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "recipient", "kind", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["recipient__username", "dedupe_key"]
    date_hierarchy = "created_at"


@admin.register(AlertState)
class AlertStateAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject", "is_active", "crossings", "raised_at", "cleared_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["subject"]
