from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Public accountability: the needs board, donors' pages, the published lists, offers."""

    name = "public"
    verbose_name = _("Public accountability")
