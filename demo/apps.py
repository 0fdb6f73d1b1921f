from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The worlds we make: the 2020 Chengdu demo world (`load_demo`) and the scale tiers of
    the benchmarks (`generate_scale_data`). It has no models; nothing imports it."""

    name = "demo"
    verbose_name = _("Demo worlds")
