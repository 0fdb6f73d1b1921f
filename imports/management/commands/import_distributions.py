"""manage.py import_distributions FILE …  — see `imports.command_support`."""

from imports.command_support import ImportCommand
from imports.models import ImportKind


class Command(ImportCommand):
    help = (
        "Record goods already given to named receivers (historical distributions) as "
        "dispatches from a site's stock."
    )
    kind = ImportKind.DISTRIBUTIONS
    with_site = True
    with_items = True
    with_receivers = True
