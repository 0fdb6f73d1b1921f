"""manage.py import_requests FILE …  — see `imports.command_support`."""

from imports.command_support import ImportCommand
from imports.models import ImportKind


class Command(ImportCommand):
    help = "Import supply requests (drafts, or submitted with --submit) for served units."
    kind = ImportKind.REQUESTS
    with_submit = True
    with_items = True
