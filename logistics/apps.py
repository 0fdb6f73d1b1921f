from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    """The project package doubles as the distribution app (allocations, shipments)."""

    name = "logistics"
    verbose_name = _("Distribution")
