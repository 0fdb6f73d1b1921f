"""Import jobs in the admin: viewable, never editable (the jobs record what happened)."""

from django.contrib import admin

from imports.models import ImportJob
from inventory.admin import ReadOnlyAdmin


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "file_name", "status", "site", "organisation", "created_by"]
    list_display += ["created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "file_sha256"]
    # The uploaded file itself is left out: it can be megabytes of binary.
    exclude = ["content"]
    list_select_related = ["site", "organisation", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")
