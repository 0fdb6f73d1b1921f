"""manage.py import_served_units FILE …  — see `imports.command_support`."""

from imports.command_support import ImportCommand
from imports.models import ImportKind


class Command(ImportCommand):
    help = "Import or update served units (with their hierarchy) that an organisation serves."
    kind = ImportKind.SERVED_UNITS
    with_organisation = True
