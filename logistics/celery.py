"""The Celery app. Configured from Django settings (CELERY_* names).

With no CELERY_BROKER_URL the settings make every task run eagerly in-process, so the
embedded default needs no broker; with redis://… tasks go to `make worker`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("logistics")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
