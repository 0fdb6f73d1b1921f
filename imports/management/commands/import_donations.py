"""manage.py import_donations FILE …  — see `imports.command_support`."""

from imports.command_support import ImportCommand
from imports.models import ImportKind


class Command(ImportCommand):
    help = "Receive donated goods from a sheet into a site's stock."
    kind = ImportKind.DONATIONS
    with_site = True
    with_items = True
