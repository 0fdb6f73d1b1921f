from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Alerts raised by background checks, and each user's inbox."""

    name = "notifications"
    verbose_name = _("Notifications")
