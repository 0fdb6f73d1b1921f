from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Spreadsheet imports and exports: the bookkeeping of import jobs and their rows."""

    name = "imports"
    verbose_name = _("Imports and exports")
