"""The Celery app. Configured from Django settings (CELERY_* names).

With no CELERY_BROKER_URL the settings make every task run eagerly in-process, so the
embedded default needs no broker; with redis://… tasks go to `make worker`.
"""

import os
import resource

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def cap_worker_memory(**_kwargs) -> None:
    """Each pool process gets a hard memory cap: a hostile sheet raises MemoryError in its
    own task (the job fails with the reason) instead of taking the machine down."""
    from django.conf import settings

    megabytes = settings.CELERY_WORKER_MEMORY_CAP_MB
    if megabytes:
        cap = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
