from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    """Distribution: allocations (reservations), shipments, dispatch and delivery."""

    name = "logistics"
    verbose_name = _("Distribution")
