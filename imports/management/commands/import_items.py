"""manage.py import_items FILE …  — see `imports.command_support`."""

from imports.command_support import ImportCommand
from imports.models import ImportKind


class Command(ImportCommand):
    help = (
        "Import or update the item catalogue (codes, names, categories, base units, packs, "
        "aliases)."
    )
    kind = ImportKind.ITEMS
