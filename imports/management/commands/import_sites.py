"""manage.py import_sites FILE …  — see `imports.command_support`."""

from imports.command_support import ImportCommand
from imports.models import ImportKind


class Command(ImportCommand):
    help = "Import or update an organisation's sites."
    kind = ImportKind.SITES
    with_organisation = True
