"""`manage.py purge_expired`: delete now what beat deletes on its schedule — expired
sessions, idempotency records past their window, the files of imports past retention."""

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Delete expired sessions, idempotency records past IDEMPOTENCY_WINDOW_HOURS and the "
        "uploaded files of imports finished more than IMPORTS_FILE_RETENTION_DAYS ago."
    )

    def handle(self, *args, **options) -> None:
        # The purges of apps above accounts (imports) are found by task name, as the
        # in-process checks are: this command imports nothing above its own layer.
        current_app.loader.import_default_modules()
        for what, task in settings.PURGE_TASKS.items():
            count = current_app.tasks[task].apply().get()
            self.stdout.write(f"{what}: {count}")
