from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyRequestsConfig(AppConfig):
    # The folder is not called `requests/`: a top-level package of that name would shadow
    # the `requests` HTTP library. Tables, admin URLs and API paths still say "requests".
    name = "supply_requests"
    label = "requests"
    verbose_name = _("Served units and supply requests")
